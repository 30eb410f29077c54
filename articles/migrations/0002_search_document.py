"""Reader search on PostgreSQL: each story's weighted text-search vector (headline A, dek B,
body C) in a stored, generated column that the ORM never writes, and a GIN index on it, so
matching and ranking read the vector instead of re-parsing every story (articles/search.py).

The vector is built with the SEARCH_CONFIG in force when this runs; after changing it, run
`manage.py rebuild_search_index`, which runs the statements below again. Other databases have
no text search and skip this migration's SQL.
"""

from django.conf import settings
from django.db import migrations

ADD_COLUMN = """
ALTER TABLE articles_article ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(%s::regconfig, COALESCE(headline, '')), 'A')
    || setweight(to_tsvector(%s::regconfig, COALESCE(dek, '')), 'B')
    || setweight(to_tsvector(%s::regconfig, COALESCE(body, '')), 'C')
) STORED
"""
ADD_INDEX = "CREATE INDEX article_search_vector_idx ON articles_article USING gin (search_document)"
DROP_INDEX = "DROP INDEX IF EXISTS article_search_vector_idx"
DROP_COLUMN = "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document"


def create_statements(config):
    """The statements that add the column and its index, for one text-search configuration."""
    return [(ADD_COLUMN, [config] * 3), ADD_INDEX]


DROP_STATEMENTS = [DROP_INDEX, DROP_COLUMN]


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        PostgreSQLOnly(
            sql=create_statements(settings.SEARCH_CONFIG),
            reverse_sql=DROP_STATEMENTS,
            elidable=False,
        )
    ]
