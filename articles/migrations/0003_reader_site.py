"""Reader search (issue 5): on PostgreSQL, a GIN index on the weighted text-search vector.

The expression is the one articles/search.py builds (headline A, dek B, body C) in the
configuration set by SEARCH_CONFIG when the migration runs, so PostgreSQL can answer a search
from the index instead of reading every story. If SEARCH_CONFIG changes later, search still works
(without the index) until `manage.py migrate articles 0002 && manage.py migrate` rebuilds it.
Other databases need nothing: their search is a plain scan.
"""

from django.conf import settings
from django.db import migrations

INDEX_NAME = "article_search_vector_idx"


def vector_sql(connection):
    literal = "'" + settings.SEARCH_CONFIG.replace("'", "''") + "'::regconfig"
    parts = [
        f"setweight(to_tsvector({literal}, COALESCE({column}, '')), '{weight}')"
        for column, weight in (('"headline"', "A"), ('"dek"', "B"), ('"body"', "C"))
    ]
    return f"(({parts[0]} || {parts[1]}) || {parts[2]})"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON articles_article "
        f"USING gin ({vector_sql(schema_editor.connection)})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
