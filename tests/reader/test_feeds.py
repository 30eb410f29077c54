"""Feeds: RSS 2.0, Atom and JSON Feed parse cleanly and carry everything a feed reader needs."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from lxml import etree

from articles.models import Article
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

# The stories, their bylines, tags and inline photos, the listing, publisher and sections.
FEED_QUERY_BUDGET = 7
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


@pytest.fixture
def story(publisher):
    photo = make_photo(
        agency="REUTERS",
        photographer="Alexei Druzhinin",
        caption="Cranes at dusk.",
        copyright_notice="© Reuters",
        may_republish=True,
    )
    return make_article(
        headline="Harbour talks stall",
        slug="harbour-talks-stall",
        dek="No deal in sight.",
        body='<p>Opening &amp; <a href="https://example.org/">a link</a>.</p>',
        section=make_section(name="World", slug="world"),
        authors=[
            make_author(name="Saga Lund", slug="saga-lund"),
            make_author(name="Ola Berg", slug="ola-berg"),
        ],
        tags=["Diplomacy", "Fisheries"],
        lead_photo=photo,
    )


def feed_urls(story):
    tag = story.tags.get(name="Diplomacy")
    return {
        "site-rss": reverse("reader:feed-rss"),
        "site-atom": reverse("reader:feed-atom"),
        "section-rss": reverse("reader:section-rss", args=[story.section.slug]),
        "section-atom": reverse("reader:section-atom", args=[story.section.slug]),
        "author-rss": reverse("reader:author-rss", args=["saga-lund"]),
        "author-atom": reverse("reader:author-atom", args=["saga-lund"]),
        "tag-rss": reverse("reader:tag-rss", args=[tag.slug]),
        "tag-atom": reverse("reader:tag-atom", args=[tag.slug]),
    }


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def test_every_feed_parses_without_bozo_and_carries_the_whole_story(client, story):
    for name, url in feed_urls(story).items():
        parsed = parse(client, url)
        assert parsed.version in ("rss20", "atom10"), name
        entry = parsed.entries[0]
        assert entry.title == "Harbour talks stall", name
        assert entry.link == f"{settings.SITE_URL}{story.get_absolute_url()}", name
        full_body = entry.content[0].value
        assert full_body == Article.objects.get(pk=story.pk).body, name
        assert 'Opening &amp; <a href="https://example.org/"' in full_body, name
        assert {author.name for author in entry.authors} >= {"Saga Lund", "Ola Berg"}, name
        assert {tag.term for tag in entry.tags} == {"World", "Diplomacy", "Fisheries"}, name
        enclosure = entry.enclosures[0]
        photo = story.lead_photo
        assert enclosure.href == f"{settings.SITE_URL}{photo.public_url}", name
        assert enclosure.type == "image/jpeg", name
        assert int(enclosure.length) == default_storage.size(photo.public_rendition["name"]), name
        assert entry.media_credit[0]["content"] == "REUTERS/Alexei Druzhinin", name
        assert entry.id.startswith("tag:"), name


def test_guids_stay_the_same_when_an_article_is_updated(client, story):
    url = reverse("reader:feed-rss")
    before = parse(client, url).entries[0].id
    story.headline = "Harbour talks collapse"
    story.slug = "harbour-talks-collapse"
    story.body = "<p>Updated.</p>"
    story.save()
    after = parse(client, url).entries[0]
    assert after.title == "Harbour talks collapse"
    assert after.id == before
    atom = parse(client, reverse("reader:feed-atom")).entries[0]
    assert atom.id == before


def test_json_feed_is_json_feed_1_1(client, story):
    response = client.get(reverse("reader:feed-json"))
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "The Test Wire"
    assert feed["feed_url"].endswith("/feeds/json/")
    item = feed["items"][0]
    assert item["title"] == "Harbour talks stall"
    assert item["content_html"] == story.body
    assert [a["name"] for a in item["authors"]] == ["Saga Lund", "Ola Berg"]
    assert set(item["tags"]) == {"World", "Diplomacy", "Fisheries"}
    assert item["image"].startswith("http")
    assert item["date_published"].endswith("+00:00")
    rss_guid = parse(client, reverse("reader:feed-rss")).entries[0].id
    assert item["id"] == rss_guid


def test_pages_link_their_feeds(client, story):
    pages = {
        "/": ["/feeds/rss/", "/feeds/atom/", "/feeds/json/"],
        story.get_absolute_url(): ["/feeds/rss/"],
        story.section.get_absolute_url(): ["/section/world/rss/", "/section/world/atom/"],
        reverse("reader:author", args=["saga-lund"]): ["/author/saga-lund/rss/"],
        reverse("reader:tag", args=["diplomacy"]): ["/tag/diplomacy/rss/"],
    }
    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        for feed in feeds:
            assert re.search(
                rf'<link rel="alternate" type="[^"]+" title="[^"]+" href="{feed}"', html
            ), (
                page,
                feed,
            )


def test_unknown_feed_objects_are_404(client, publisher):
    for url in ["/section/nope/rss/", "/author/nope/atom/", "/tag/nope/rss/"]:
        assert client.get(url).status_code == 404, url


def test_feed_query_counts_stay_flat(client, publisher, django_assert_max_num_queries):
    section = make_section(slug="flat")
    authors = [make_author() for _ in range(6)]
    for count in (1, 10):
        for _ in range(count):
            story = make_article(section=section, authors=authors, tags=["a", "b", "c"])
            story.lead_photo = make_photo()
            story.save()
        for url in [
            reverse("reader:feed-rss"),
            reverse("reader:feed-atom"),
            reverse("reader:feed-json"),
            reverse("reader:section-rss", args=["flat"]),
            reverse("reader:author-atom", args=[authors[0].slug]),
            reverse("reader:tag-rss", args=["a"]),
        ]:
            with django_assert_max_num_queries(FEED_QUERY_BUDGET):
                assert client.get(url).status_code == 200, url


def test_feeds_of_an_empty_site_still_parse(client, publisher):
    assert Article.objects.count() == 0
    for url in [reverse("reader:feed-rss"), reverse("reader:feed-atom")]:
        assert parse(client, url).entries == []


def test_atom_names_the_newsroom_for_a_story_without_byline(client, publisher):
    make_article(headline="Unsigned", authors=[])
    parsed = parse(client, reverse("reader:feed-atom"))
    assert parsed.feed.author == "The Test Wire"
    assert parsed.feed.title == "The Test Wire"
    assert parsed.entries[0].title == "Unsigned"


def test_listing_feeds_are_titled_after_their_listing(client, story):
    parsed = parse(client, reverse("reader:section-rss", args=["world"]))
    assert parsed.feed.title == "World — The Test Wire"
    assert parsed.feed.link == f"{settings.SITE_URL}/section/world/"


def test_the_plain_text_dek_reaches_feed_readers_as_text_never_as_markup(client, publisher):
    """RSS <description> and Atom <summary type="html"> are HTML: the dek, plain text, is
    escaped into them, so markup typed into it is shown as typed and never runs."""
    dek = 'Tax <b>cut</b> & <img src=x onerror="alert(1)"> "now"'
    make_article(dek=dek)
    rss = etree.fromstring(client.get(reverse("reader:feed-rss")).content)
    assert rss.findtext("channel/item/description") == escape(dek)
    atom = etree.fromstring(client.get(reverse("reader:feed-atom")).content)
    summary = atom.find(f"{{{ATOM}}}entry/{{{ATOM}}}summary")
    assert summary.get("type") == "html"
    assert summary.text == escape(dek)


def test_every_html_field_of_every_feed_has_been_through_the_sanitiser(client, publisher):
    """A body that bypassed the model's save (a bulk update, an old row) is cleaned on the way
    out: the feeds' HTML is what the sanitiser allows, whatever is stored."""
    article = make_article()
    hostile = (
        '<p onclick="alert(1)">Text<script>alert(2)</script>'
        '<q cite="javascript:alert(3)">quoted</q><a href="vbscript:x">link</a></p>'
    )
    Article.objects.filter(pk=article.pk).update(body=hostile)
    rss = etree.fromstring(client.get(reverse("reader:feed-rss")).content)
    atom = etree.fromstring(client.get(reverse("reader:feed-atom")).content)
    json_feed = json.loads(client.get(reverse("reader:feed-json")).content)
    bodies = [
        rss.findtext(f"channel/item/{{{CONTENT}}}encoded"),
        atom.findtext(f"{{{ATOM}}}entry/{{{ATOM}}}content"),
        json_feed["items"][0]["content_html"],
    ]
    assert bodies == ["<p>Text<q>quoted</q><a>link</a></p>"] * 3


def test_atom_dates_are_to_the_second(client, publisher):
    """No microseconds in any feed date: the same moment as everywhere the site states it."""
    make_article(publish_at=timezone.now().replace(microsecond=123456) - timedelta(hours=1))
    atom = client.get(reverse("reader:feed-atom")).content.decode()
    dates = re.findall(r"<(?:updated|published)>([^<]*)<", atom)
    assert len(dates) == 3  # the feed's, the entry's published and updated
    for date in dates:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", date), date
