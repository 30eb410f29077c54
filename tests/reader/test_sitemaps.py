"""Sitemaps validate against the sitemaps.org schemas; robots.txt names them."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SITEMAP_QUERY_BUDGET = 6


def schema(name):
    # no_network: every import is resolved from tests/schemas, never fetched.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


URLSET = schema("sitemap.xsd")
INDEX = schema("siteindex.xsd")
NEWS = schema("news-urlset.xsd")


def fetch(client, url, xsd):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content, etree.XMLParser(no_network=True))
    xsd.assertValid(document)
    return document


def locations(document):
    return [loc.text for loc in document.iterfind(".//s:loc", NS)]


@pytest.fixture
def site(publisher):
    world = make_section(name="World", slug="world")
    author = make_author(name="Saga Lund", slug="saga-lund")
    recent = make_article(
        headline="Fresh & new", section=world, authors=[author], tags=["Diplomacy"]
    )
    old = make_article(
        headline="Last week", section=world, publish_at=timezone.now() - timedelta(days=7)
    )
    return {"section": world, "author": author, "recent": recent, "old": old}


def test_index_lists_every_sitemap_and_validates(client, site):
    document = fetch(client, reverse("reader:sitemap-index"), INDEX)
    listed = locations(document)
    for name in ("articles", "news", "sections", "authors", "tags"):
        assert f"{settings.SITE_URL}/sitemap-{name}.xml" in listed


def test_articles_sitemap_has_lastmod_with_time_zone(client, site):
    document = fetch(client, "/sitemap-articles.xml", URLSET)
    urls = {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in document.iterfind("s:url", NS)
    }
    recent_url = f"{settings.SITE_URL}{site['recent'].get_absolute_url()}"
    assert recent_url in urls
    assert urls[recent_url].endswith("+00:00")


def test_news_sitemap_has_only_the_last_two_days_with_publication_and_title(client, site):
    document = fetch(client, "/sitemap-news.xml", NEWS)
    listed = locations(document)
    assert listed == [f"{settings.SITE_URL}{site['recent'].get_absolute_url()}"]
    news = document.find("s:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Test Wire"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh & new"
    assert news.findtext("news:publication_date", namespaces=NS).endswith("+00:00")


def test_news_sitemap_stops_at_its_limit(client, publisher, monkeypatch):
    monkeypatch.setattr("reader.sitemaps.NEWS_LIMIT", 3)
    section = make_section()
    for _ in range(5):
        make_article(section=section, authors=[])
    document = fetch(client, "/sitemap-news.xml", NEWS)
    assert len(locations(document)) == 3


def test_section_author_and_tag_sitemaps(client, site):
    sections = locations(fetch(client, "/sitemap-sections.xml", URLSET))
    authors = locations(fetch(client, "/sitemap-authors.xml", URLSET))
    tags = locations(fetch(client, "/sitemap-tags.xml", URLSET))
    assert f"{settings.SITE_URL}/section/world/" in sections
    assert f"{settings.SITE_URL}/author/saga-lund/" in authors
    assert tags == [f"{settings.SITE_URL}/tag/diplomacy/"]


def test_empty_sitemaps_still_answer(client, publisher):
    assert client.get("/sitemap-news.xml").status_code == 200
    assert client.get("/sitemap-nope.xml").status_code == 404


def test_robots_txt_names_the_sitemaps(client, publisher):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap-news.xml" in text
    assert "Disallow: /admin/" in text


def test_sitemap_query_counts_stay_flat(client, publisher, django_assert_max_num_queries):
    for count in (1, 15):
        section = make_section()
        authors = [make_author() for _ in range(3)]
        for _ in range(count):
            make_article(section=section, authors=authors, tags=["x", "y"])
        for url in [
            "/sitemap.xml",
            "/sitemap-articles.xml",
            "/sitemap-news.xml",
            "/sitemap-sections.xml",
            "/sitemap-authors.xml",
            "/sitemap-tags.xml",
            "/robots.txt",
        ]:
            with django_assert_max_num_queries(SITEMAP_QUERY_BUDGET):
                assert client.get(url).status_code == 200, url


def test_listing_lastmod_counts_published_stories_only(client, site):
    draft = make_article(section=site["section"], status=Article.Status.DRAFT)
    Article.objects.filter(pk=draft.pk).update(updated_at=timezone.now() + timedelta(days=3))
    document = fetch(client, "/sitemap-sections.xml", URLSET)
    lastmod = document.findtext("s:url/s:lastmod", namespaces=NS)
    newest_public = Article.objects.published().filter(section=site["section"]).latest("updated_at")
    assert lastmod.startswith(f"{newest_public.updated_at:%Y-%m-%dT%H:%M:%S}")
