"""Drafts, stories in review, scheduled and withdrawn stories never reach search, feeds or
sitemaps."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NOT_PUBLIC = [
    ("draft", Article.Status.DRAFT, None),
    ("in-review", Article.Status.IN_REVIEW, None),
    ("scheduled", Article.Status.PUBLISHED, timedelta(hours=2)),
    ("withdrawn", Article.Status.WITHDRAWN, -timedelta(hours=2)),
]


@pytest.mark.parametrize(("label", "status", "offset"), NOT_PUBLIC, ids=[s[0] for s in NOT_PUBLIC])
def test_hidden_stories_are_absent_from_every_new_surface(client, publisher, label, status, offset):
    section = make_section(slug="hidden-section")
    author = make_author(slug="hidden-author")
    # A public story shares the section, author and tag, so every listing exists and answers.
    make_article(headline="Public zebra story", section=section, authors=[author], tags=["zebra"])
    hidden = make_article(
        headline="Secret zebra story",
        slug="secret-zebra-story",
        dek="Secret zebra dek.",
        body="<p>Secret zebra body.</p>",
        section=section,
        authors=[author],
        tags=["zebra"],
        status=status,
    )
    publish_at = timezone.now() + offset if offset is not None else None
    Article.objects.filter(pk=hidden.pk).update(publish_at=publish_at)

    urls = [
        reverse("reader:search") + "?q=zebra",
        reverse("reader:feed-rss"),
        reverse("reader:feed-atom"),
        reverse("reader:feed-json"),
        reverse("reader:section-rss", args=["hidden-section"]),
        reverse("reader:section-atom", args=["hidden-section"]),
        reverse("reader:author-rss", args=["hidden-author"]),
        reverse("reader:author-atom", args=["hidden-author"]),
        reverse("reader:tag-rss", args=["zebra"]),
        reverse("reader:tag-atom", args=["zebra"]),
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Public zebra story" in text or "sitemap" in url, url
        assert "Secret zebra" not in text, url
        assert "secret-zebra-story" not in text, url
    feed = json.loads(client.get(reverse("reader:feed-json")).content)
    assert [item["title"] for item in feed["items"]] == ["Public zebra story"]


def test_listings_with_only_hidden_stories_are_left_out_of_sitemaps(client, publisher):
    section = make_section(slug="only-drafts")
    author = make_author(slug="only-drafts-author")
    make_article(
        section=section, authors=[author], tags=["draft-only"], status=Article.Status.DRAFT
    )
    for url in ["/sitemap-sections.xml", "/sitemap-authors.xml", "/sitemap-tags.xml"]:
        text = client.get(url).content.decode()
        assert "only-drafts" not in text, url
        assert "draft-only" not in text, url
