"""The reader's pages: front page rails, search, error pages, and their query budgets."""

import io
import json
import re
from datetime import timedelta
from hashlib import sha256

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse, set_script_prefix
from django.utils import timezone

from articles import search
from articles.models import Article
from articles.search import SNIPPET_SOURCE_CHARS, search_articles
from newsroom.urls import urlpatterns as site_urlpatterns
from reader.context_processors import SITE_LINKS, site_links
from tests.factories import jpeg_bytes, make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

PAGE_QUERY_BUDGET = 9  # with the breaking-news banners and the front page's arrangement


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


# --- front page ---


def test_front_page_has_lead_latest_and_a_rail_per_section(client, publisher, settings):
    world, sport = make_section(name="World", order=1), make_section(name="Sport", order=2)
    for hour in range(1, 9):
        make_article(headline=f"Recent {hour}", section=world, publish_at=hours_ago(hour))
    older_world = make_article(headline="Older world", section=world, publish_at=hours_ago(50))
    sport_story = make_article(headline="Match report", section=sport, publish_at=hours_ago(60))
    response = client.get("/")
    context = response.context
    assert context["lead"].headline == "Recent 1"
    assert len(context["latest"]) == 6
    rails = {rail["section"].name: rail["articles"] for rail in context["rails"]}
    assert list(rails) == ["World", "Sport"]
    assert older_world in rails["World"]
    assert rails["Sport"] == [sport_story]
    shown_above = {context["lead"].pk, *(a.pk for a in context["latest"])}
    assert not shown_above & {a.pk for a in rails["World"]}, "rails repeat the latest"
    html = response.content.decode()
    assert "More from Sport" in html
    assert 'href="/section/' in html


def test_front_page_carries_organization_json_ld(client, publisher):
    html = client.get("/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(blocks[0])
    assert data["@type"] == "Organization"
    assert data["name"] == "The Test Wire"
    assert data["logo"]["url"].startswith("http")


def test_page_query_counts_stay_flat_with_more_authors_tags_and_articles(
    client, publisher, django_assert_max_num_queries
):
    def build(articles, people):
        section = make_section()
        authors = [make_author() for _ in range(people)]
        for _ in range(articles):
            story = make_article(
                section=section, authors=authors, tags=[f"tag{i}" for i in range(people)]
            )
            story.lead_photo = make_photo()
            story.save()
        return story

    small = build(1, 1)
    big = build(12, 6)
    for story in (small, big):
        author = story.authors.first()
        urls = [
            "/",
            story.get_absolute_url(),
            story.section.get_absolute_url(),
            author.get_absolute_url(),
            reverse("reader:tag", args=[story.tags.first().slug]),
            reverse("reader:search") + "?q=headline",
            reverse("reader:search") + "?q=",
        ]
        for url in urls:
            with django_assert_max_num_queries(PAGE_QUERY_BUDGET):
                assert client.get(url).status_code == 200, url


# --- author page ---


def test_author_page_shows_photo_title_bio_social_tips_and_stories(client, publisher):
    author = make_author(
        name="Saga Lund",
        slug="saga-lund",
        job_title="Energy Correspondent",
        bio="Covers power grids and the people who run them.",
    )
    author.photo.save("saga.jpg", ContentFile(jpeg_bytes((200, 200))))
    make_article(headline="Grid holds in the cold", authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    for expected in [
        author.photo.url,
        "Energy Correspondent",
        "Covers power grids",
        "Follow Saga Lund on X",
        "Send tips to",
        "Grid holds in the cold",
        'type="application/rss+xml" title="Saga Lund (RSS)"',
    ]:
        assert expected in html, expected


# --- search ---


@pytest.fixture
def searchable(publisher):
    return {
        "headline": make_article(
            headline="Harbour cranes fall silent", dek="Talks stall.", body="<p>Nothing.</p>"
        ),
        "dek": make_article(
            headline="Budget vote", dek="The harbour fund is cut.", body="<p>Money.</p>"
        ),
        "body": make_article(
            headline="Council news",
            dek="Routine business.",
            body="<p>Councillors also discussed the harbour lights.</p>",
        ),
        "other": make_article(headline="Weather turns", dek="Snow.", body="<p>Cold.</p>"),
    }


def test_search_ranks_headline_over_dek_over_body(client, searchable):
    response = client.get(reverse("reader:search"), {"q": "harbour"})
    assert response.status_code == 200
    found = [article.pk for article in response.context["articles"]]
    expected = [searchable[key].pk for key in ("headline", "dek", "body")]
    assert found == expected
    assert searchable["other"].pk not in found


def test_search_highlights_matches_in_escaped_snippets(client, publisher):
    make_article(
        headline="Tide report",
        dek="<b>Bold</b> harbour claims",
        body="<p>The tide &amp; the harbour wall held.</p>",
    )
    html = client.get(reverse("reader:search"), {"q": "harbour"}).content.decode()
    assert "<mark>harbour</mark>" in html
    assert "<b>Bold</b>" not in html
    assert "Bold" in html  # as text: escaped (SQLite) or with the tags dropped (PostgreSQL)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_postgres_search_uses_the_language_configuration(client, publisher):
    make_article(headline="Fishermen are fishing again", body="<p>Boats sail.</p>")
    response = client.get(reverse("reader:search"), {"q": "fished"})
    assert [a.headline for a in response.context["articles"]] == ["Fishermen are fishing again"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bounded snippet is PostgreSQL's")
def test_postgres_snippets_come_from_the_opening_cut_cleanly(client, publisher):
    """A long story's snippet is made from its opening, cut after a whole word, with no piece
    of a tag cut in two; a word found only further on gets a passage from the whole story."""
    filler = "tide " * ((SNIPPET_SOURCE_CHARS - 20) // 5)
    link = '<a href="https://example.org/' + "x" * 200 + '">the port authority</a>'
    make_article(
        headline="Long read",
        body=f"<p>{filler}harbour {link} says</p><p>{'more ' * 400}lighthouse</p>",
    )
    make_article(headline="Short", body="<p>Boats sail past the breakwater</p>")

    def snippets(query):
        response = client.get(reverse("reader:search"), {"q": query})
        return [str(snippet) for _article, snippet in response.context["results"]]

    [long_read] = snippets("harbour")
    assert "<mark>harbour</mark>" in long_read
    assert "href" not in long_read and "example.org" not in long_read and "&lt;" not in long_read
    [beyond] = snippets("lighthouse")  # beyond the opening: the passage is found in Python
    assert "<mark>lighthouse</mark>" in beyond and "tide" not in beyond
    [short] = snippets("breakwater")  # a body shorter than the bound keeps its last word
    assert short.rstrip().endswith("<mark>breakwater</mark>")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        "!!! && || ::",
        "harbour -",
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        "ünïcødé 東京",
        "x" * 5000,
    ],
)
def test_odd_queries_get_a_clean_answer(client, searchable, query):
    response = client.get(reverse("reader:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert Article.objects.count() == 4
    if len(query) > 200:
        assert "too long" in html
        assert f'value="{query}"' in html  # what was typed is kept


def test_a_nul_byte_in_a_query_is_a_clean_400(client, searchable):
    """No keyboard types a NUL byte; the site refuses any URL carrying one before it is used."""
    response = client.get(reverse("reader:search"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()


def test_search_is_paginated_and_keeps_the_query(client, publisher, settings):
    settings.ARTICLES_PER_PAGE = 2
    for number in range(3):
        make_article(headline=f"Harbour story {number}")
    first = client.get(reverse("reader:search"), {"q": "harbour"})
    assert len(first.context["articles"]) == 2
    assert "?q=harbour&amp;page=2" in first.content.decode()
    second = client.get(reverse("reader:search"), {"q": "harbour", "page": 2})
    assert len(second.context["articles"]) == 1


def test_search_ranks_only_the_newest_matching_stories(client, publisher, monkeypatch):
    """However many stories match, ranking reads the newest few: an older, better match waits."""
    monkeypatch.setattr(search, "MAX_RANKED", 3)
    best_but_old = make_article(
        headline="Harbour harbour harbour", dek="Harbour.", publish_at=hours_ago(100)
    )
    newest = [
        make_article(
            headline=f"Story {hour}", body="<p>The harbour.</p>", publish_at=hours_ago(hour)
        )
        for hour in range(1, 5)
    ]
    response = client.get(reverse("reader:search"), {"q": "harbour"})
    found = [article.pk for article in response.context["articles"]]
    assert found == [story.pk for story in newest[:3]]
    assert best_but_old.pk not in found
    assert response.context["paginator"].count == 3


def test_uncached_searches_from_one_address_are_limited_with_retry_after(
    client, publisher, settings
):
    settings.SEARCH_RATE_LIMIT = 3
    make_article(headline="Harbour talks")
    for word in ["harbour", "talks", "harbour talks"]:
        assert client.get(reverse("reader:search"), {"q": word}).status_code == 200
    assert client.get(reverse("reader:search")).status_code == 200, "the empty form is free"
    limited = client.get(reverse("reader:search"), {"q": "cranes"})
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    html = limited.content.decode()
    assert "try again in a moment" in html
    assert 'value="cranes"' in html, "the words typed stay in the form"
    other_reader = client.get(reverse("reader:search"), {"q": "cranes"}, REMOTE_ADDR="203.0.113.9")
    assert other_reader.status_code == 200


def test_a_rate_limited_search_is_never_cached(client, publisher, settings):
    settings.PAGE_CACHE = True
    settings.SEARCH_RATE_LIMIT = 1
    client.get(reverse("reader:search"), {"q": "first"})
    assert client.get(reverse("reader:search"), {"q": "second"}).status_code == 429
    settings.SEARCH_RATE_LIMIT = 0  # no limit now: only a cached copy of the 429 could answer
    assert client.get(reverse("reader:search"), {"q": "second"}).status_code == 200


# --- error pages ---


def test_404_page_is_in_the_site_design(client, publisher):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'class="site-header"' in html
    assert 'action="/search/"' in html


def boom(request):
    raise RuntimeError("boom")


# This module doubles as a URLconf: the site's URLs plus one that fails.
urlpatterns = [*site_urlpatterns, path("boom/", boom)]


@override_settings(ROOT_URLCONF="tests.reader.test_reader_pages")
def test_500_page_is_in_the_site_design_and_needs_no_database(publisher, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "/static/css/site." in html


def test_search_matches_whole_words_not_fragments(client, publisher):
    make_article(headline="Report on the budget", dek="", body="<p>Figures.</p>")
    make_article(headline="Port reopens", dek="", body="<p>Ships.</p>")
    response = client.get(reverse("reader:search"), {"q": "port"})
    assert [a.headline for a in response.context["articles"]] == ["Port reopens"]


def token_hex_for(number):
    """Distinct, unstemmable words for each generated story."""
    return sha256(str(number).encode()).hexdigest()[:32]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_postgres_search_is_answered_from_the_gin_index(publisher):
    yesterday = timezone.now() - timedelta(days=1)
    Article.objects.bulk_create(
        Article(
            headline=f"Story {number} {token_hex_for(number)}",
            slug=f"generated-{number}",
            dek=f"Dek {token_hex_for(number)}",
            body="<p>" + f"{token_hex_for(number)} rain " * 20 + "</p>",
            status=Article.Status.PUBLISHED,
            publish_at=yesterday,
        )
        for number in range(1, 3001)
    )
    with connection.cursor() as cursor:
        # Rows that earlier tests inserted and rolled back wait in the GIN index's pending list
        # until a vacuum, and the planner prices a long list as a slow index: empty it, as
        # autovacuum does on a live site.
        cursor.execute("SELECT gin_clean_pending_list('article_search_vector_idx'::regclass)")
        cursor.execute("ANALYZE articles_article")
        with CaptureQueriesContext(connection) as queries:
            search_articles(Article.objects.published(), "harbour talks")
        [matching] = queries.captured_queries  # the newest matches, read before ranking
        cursor.execute("EXPLAIN " + matching["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_vector_idx" in plan, plan


def test_rebuild_search_index_command_answers_on_any_database(publisher):
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    expected = "rebuilt" if connection.vendor == "postgresql" else "needs no index"
    assert expected in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_rebuild_search_index_follows_a_new_search_config(publisher, settings):
    """English stems "harbours" to "harbour"; rebuilt for "simple", the words must match exactly."""
    make_article(headline="Harbours reopen", dek="", body="<p>Ships.</p>")
    published = Article.objects.published()
    assert search_articles(published, "harbour").count() == 1
    settings.SEARCH_CONFIG = "simple"
    with connection.cursor() as cursor:
        # The rows above are in this test's transaction; PostgreSQL alters no table with
        # foreign-key checks still pending. (The change is rolled back with the test.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert search_articles(published, "harbour").count() == 0
    assert search_articles(published, "harbours").count() == 1


def test_site_links_and_slug_links_are_what_url_tags_give():
    """The fixed links every page carries, and slug links, match {% url %} under any prefix."""
    template = Template(
        "{% load reader_site %}{{ slug|url_with_slug:'reader:tag' }} {% url 'reader:tag' slug %}"
    )
    for prefix in ("/", "/news/"):
        try:
            set_script_prefix(prefix)
            assert site_links() == {name: reverse(view) for name, view in SITE_LINKS.items()}
            assert site_links()["feed_rss"] == f"{prefix}feeds/rss/"
            ours, django = template.render(Context({"slug": "Ünïcode-tag"})).split()
            assert ours == django
        finally:
            set_script_prefix("/")
