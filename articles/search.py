"""Reader search: PostgreSQL full-text search, with a plain fallback on other databases.

The fallback matches the start of words (so "port" finds "ports" but not "report").
Both paths start from the queryset they are given (always Article.objects.published(), with any
columns: the snippet's text is selected by the search) and return the newest MAX_RANKED matching
stories, best first, as SearchResults; `snippet()` then gives each result a passage of escaped HTML
in which the matched words are wrapped in <mark>.
"""

import html
import re

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 35
# Snippets are made from the dek and this many characters of the body's HTML (on PostgreSQL): a
# story's opening, where news says what it is about, at a cost that no story's length changes.
# Stored with each story (migration 0009_search_snippet_source): a change needs a migration.
SNIPPET_SOURCE_CHARS = 1000
# Ranking reads only this many of the newest matching stories, so no query, however common its
# words, costs more than ranking these: a word found in every story is answered from the newest.
MAX_RANKED = 200
# ts_headline marks matches with these; they cannot occur in text typed by a person, so the
# snippet can be escaped as a whole and the markers turned into <mark> afterwards.
_START, _STOP = "\x02", "\x03"


class QueryTooLong(ValueError):
    pass


def clean_query(raw):
    """The reader's words, trimmed and with control characters removed; '' if there are none."""
    query = " ".join("".join(ch for ch in raw if ch.isprintable()).split())
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong(query)
    return query


def _terms(query):
    """Words worth matching: letters and digits only, so quotes and operators cannot misfire."""
    return [term for term in re.findall(r"\w+", query) if term][:10]


def _marked(text):
    return mark_safe(  # noqa: S308 - escaped first; only our own markers become tags
        escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


class SearchResults:
    """The stories one search found, best first, as a paginator reads them: counted from the
    matches already read (no COUNT query), each page sliced from the ranked queryset."""

    def __init__(self, ranked, total):
        self.ranked = ranked
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.ranked[index]

    def __iter__(self):
        return iter(self.ranked)


def _newest(matching):
    """The pks of the newest MAX_RANKED matching stories: all that ranking will read.

    Read once, as a list: as a subquery, the matching would be done again for the count and for
    the page (a phrase is checked story by story).
    """
    return list(matching.order_by("-publish_at").values_list("pk", flat=True)[:MAX_RANKED])


def search_articles(published, query):
    """The newest MAX_RANKED published articles matching `query`, best first."""
    if not _terms(query):
        return SearchResults(published.none(), 0)
    if connection.vendor == "postgresql":
        return _postgres_search(published, query)
    return _plain_search(published, query)


def _postgres_search(published, query):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVectorField,
    )

    config = settings.SEARCH_CONFIG

    # The weighted vector is stored by PostgreSQL itself (a generated column, see below), so
    # matching and ranking read it instead of re-parsing every matching story; the GIN index on
    # it finds the matches (or, for a word most stories have, the newest stories are read in
    # order until enough match). Constant column names, never user input: qualified for the
    # ranking query, bare for the candidates' (one table, whatever name the ORM gives it).
    def vector(column):
        return RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611

    search_query = SearchQuery(query, search_type="websearch", config=config)
    candidates = _newest(
        published.annotate(search_vector=vector(f'"{SEARCH_COLUMN}"')).filter(
            search_vector=search_query
        )
    )
    # The candidates as one array parameter: an IN list is 200 parameters to build, twice.
    among_candidates = RawSQL(  # noqa: S611 - a constant column; the ids are a parameter
        '"articles_article"."id" = ANY(%s)', [candidates], output_field=BooleanField()
    )
    ranked = (
        published.filter(among_candidates)
        .annotate(
            search_rank=SearchRank(vector(f'"articles_article"."{SEARCH_COLUMN}"'), search_query)
        )
        .alias(
            # The dek and the opening of the body, tags dropped: a bounded amount of text,
            # whatever the story's length, kept by PostgreSQL (migration 0009). As an alias,
            # not an annotation, ts_headline() reads it only for the page's rows.
            snippet_source=RawSQL(  # noqa: S611 - a constant column
                f'"articles_article"."{SNIPPET_SOURCE_COLUMN}"', [], output_field=TextField()
            ),
        )
        .annotate(
            # For a story whose words are found only further on than the snippet's text.
            snippet_dek=F("dek"),
            snippet_body=F("body"),
            raw_snippet=SearchHeadline(
                "snippet_source",
                search_query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
            ),
        )
        .order_by("-search_rank", "-publish_at")
    )
    return SearchResults(ranked, len(candidates))


def _plain_search(published, query):
    """Every word must start a word somewhere; headline matches rank above dek, dek above body."""
    terms = _terms(query)
    patterns = [rf"\b{re.escape(term)}" for term in terms]
    matching = published
    for pattern in patterns:
        matching = matching.filter(
            Q(headline__iregex=pattern) | Q(dek__iregex=pattern) | Q(body__iregex=pattern)
        )
    candidates = _newest(matching)
    ranked = (
        published.filter(pk__in=candidates)
        .annotate(
            search_rank=Case(
                When(headline__iregex=patterns[0], then=Value(3)),
                When(dek__iregex=patterns[0], then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            # What snippet() makes the passage from, whatever columns `published` loads.
            snippet_dek=F("dek"),
            snippet_body=F("body"),
        )
        .order_by("-search_rank", "-publish_at")
    )
    return SearchResults(ranked, len(candidates))


def snippet(article, query):
    """A short passage of the article with the reader's words highlighted (escaped HTML).

    PostgreSQL's passage (from the story's opening) is used when it marks a word; otherwise the
    passage is found here, in the whole story, around the first word that starts like one of
    the reader's (as on other databases: no stemming).
    """
    raw = getattr(article, "raw_snippet", None)
    if raw is not None and _START in raw:
        return _marked(html.unescape(raw))
    text = html.unescape(" ".join([article.snippet_dek, strip_tags(article.snippet_body)]))
    text = " ".join(text.split())
    terms = _terms(query)
    pattern = re.compile("|".join(rf"\b{re.escape(term)}" for term in terms), re.IGNORECASE)
    words = text.split(" ")
    first_hit = next((i for i, word in enumerate(words) if pattern.search(word)), 0)
    start = max(first_hit - 5, 0)
    passage = " ".join(words[start : start + SNIPPET_WORDS])
    passage = pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", passage)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return _marked(f"{prefix}{passage}{suffix}")


# PostgreSQL keeps each story's weighted vector (headline A, dek B, body C, in SEARCH_CONFIG) in a
# generated column that the ORM never writes, with a GIN index on it that answers
# _postgres_search() without reading every story: both are made by the migration
# 0002_search_document. The snippets' text is another such column (0009_search_snippet_source).
# Other databases have none of them.
SEARCH_COLUMN = "search_document"
SNIPPET_SOURCE_COLUMN = "search_snippet_source"
