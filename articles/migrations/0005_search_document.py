"""Reader search on PostgreSQL: the weighted vector moves from an index expression into a stored,
generated column with a GIN index, so ranking many matches no longer re-parses every story."""

from django.db import migrations

from articles.search import drop_search_index, rebuild_search_index


def create(apps, schema_editor):
    rebuild_search_index(schema_editor)


def remove(apps, schema_editor):
    drop_search_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_merge")]

    operations = [migrations.RunPython(create, remove, elidable=False)]
