"""Reader search on PostgreSQL: the text each result's snippet is made from (the dek and the
opening of the body, cut after a whole word, tags dropped), kept by PostgreSQL itself in a stored,
generated column that the ORM never writes. Worked out once when a story is saved instead of for
each search's 20 results (articles/search.py, SNIPPET_SOURCE_CHARS). Other databases skip it.
"""

from importlib import import_module

from django.db import migrations

PostgreSQLOnly = import_module("articles.migrations.0002_search_document").PostgreSQLOnly

# SNIPPET_SOURCE_CHARS (1,000) + 1 characters of the body and a space: cut before the last
# space, so after a whole word (the space marks the end of a shorter body); then every tag, or
# a tag cut in two at the end, becomes a space.
OPENING = "left(COALESCE(body, '') || ' ', 1001)"
ADD_COLUMN = f"""
ALTER TABLE articles_article ADD COLUMN search_snippet_source text GENERATED ALWAYS AS (
    COALESCE(dek, '') || ' ' || regexp_replace(
        left({OPENING}, length({OPENING}) - strpos(reverse({OPENING}), ' ')),
        '<[^>]*(>|$)', ' ', 'g'
    )
) STORED
"""
DROP_COLUMN = "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_snippet_source"


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_section_index_with_status")]

    operations = [PostgreSQLOnly(sql=[ADD_COLUMN], reverse_sql=[DROP_COLUMN], elidable=False)]
