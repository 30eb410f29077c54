"""Reader search (issue 5): on PostgreSQL, a GIN index on the weighted text-search vector
(headline A, dek B, body C) in the SEARCH_CONFIG in force when the migration runs. After changing
SEARCH_CONFIG, run `manage.py rebuild_search_index`. Other databases need nothing."""

from django.db import migrations

from articles.search import drop_search_index, rebuild_search_index


def create_index(apps, schema_editor):
    rebuild_search_index(schema_editor)


def drop_index(apps, schema_editor):
    drop_search_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
