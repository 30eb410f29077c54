"""HTTP methods: HEAD answers wherever GET does; TRACE is refused everywhere."""

import pytest
from django.urls import reverse

from articles.models import Correction
from reader.sitemaps import SITEMAPS
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(publisher):
    """One published story with a section, an author, a tag and a correction."""
    section = make_section(name="World", slug="world")
    author = make_author(name="Saga Lund", slug="saga-lund")
    article = make_article(slug="harbour", section=section, authors=[author], tags=["Ports"])
    Correction.objects.create(article=article, text="The harbour is in the north.")
    return article


def public_urls(article):
    tag = article.tags.get().slug
    urls = ["/", "/search/?q=harbour", "/corrections/", "/republishing/", "/robots.txt"]
    urls += [article.get_absolute_url(), f"{article.get_absolute_url()}republish/"]
    urls += [reverse("republication:article-ninjs", args=[article.slug])]
    urls += [reverse("republication:republication-pixel", args=[article.pk])]
    for listing in ("/section/world/", "/author/saga-lund/", f"/tag/{tag}/"):
        urls += [listing, f"{listing}rss/", f"{listing}atom/"]
    urls += ["/feeds/rss/", "/feeds/atom/", "/feeds/json/", reverse("reader:sitemap-index")]
    urls += [reverse("reader:sitemap-section", args=[name]) for name in SITEMAPS]
    return urls


def test_head_answers_wherever_get_does_with_the_same_status_and_no_body(client, site):
    """Crawlers and uptime monitors ask robots.txt and sitemaps with HEAD first (before any
    GET, so no page comes from the page cache)."""
    for url in public_urls(site):
        head = client.head(url)
        assert head.status_code == 200, url
        get = client.get(url)
        assert get.status_code == 200, url
        assert head["Content-Type"] == get["Content-Type"], url
        assert head.content == b"", url


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused_everywhere(client, site, superuser, method):
    """TRACE would echo the request, cookies included, back to a script that could read it."""
    client.force_login(superuser)
    urls = [*public_urls(site), "/admin/", "/admin/articles/article/", "/no-such-page/"]
    for url in urls:
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert "TRACE" not in response["Allow"]
        assert b"sessionid" not in response.content
