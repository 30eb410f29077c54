"""Related stories and series on the reader's site, in feeds, sitemaps and partners' copies."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article, RelatedStory, Series, SeriesPart
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

NOT_PUBLIC = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=1)},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
}


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def pick(article, *related):
    for position, other in enumerate(related):
        RelatedStory.objects.create(article=article, related=other, position=position)


def make_series(*articles, name="The harbour files", slug="the-harbour-files"):
    series = Series.objects.create(name=name, slug=slug)
    for position, article in enumerate(articles, start=1):
        SeriesPart.objects.create(series=series, article=article, position=position)
    return series


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- related stories ---


def test_stories_picked_by_hand_show_in_their_order(client, publisher):
    story = make_article(headline="Harbour strike")
    older = make_article(headline="Dockers vote", publish_at=hours_ago(30))
    newer = make_article(headline="Port owners reply", publish_at=hours_ago(2))
    pick(story, older, newer)
    html = page(client, story.get_absolute_url())
    assert 'id="related-heading"' in html
    assert html.index("Dockers vote") < html.index("Port owners reply")


@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_an_unpublished_story_picked_as_related_is_never_shown(client, publisher, state):
    section = make_section()
    story = make_article(headline="Harbour strike", section=section)
    hidden = make_article(headline="Secret follow-up", section=section, **NOT_PUBLIC[state])
    shown = make_article(headline="Dockers vote", section=section)
    pick(story, hidden, shown)
    html = page(client, story.get_absolute_url())
    assert "Dockers vote" in html
    assert "Secret follow-up" not in html and hidden.slug not in html


def test_without_picks_the_newest_stories_sharing_section_or_tag_show(client, publisher):
    section, elsewhere = make_section(), make_section()
    story = make_article(headline="Harbour strike", section=section, tags=["Harbour"])
    same_section = make_article(headline="Same desk", section=section, publish_at=hours_ago(5))
    same_tag = make_article(
        headline="Same tag", section=elsewhere, tags=["Harbour"], publish_at=hours_ago(3)
    )
    make_article(headline="Unrelated", section=elsewhere, tags=["Weather"])
    make_article(headline="Secret draft", section=section, **NOT_PUBLIC["draft"])
    for number in range(6):
        make_article(headline=f"Old desk story {number}", section=section, publish_at=hours_ago(50))
    related = Article.objects.published().related_to(story)
    assert related[:2] == [same_tag, same_section]
    assert len(related) == 4  # the newest few, not every story of the desk
    html = page(client, story.get_absolute_url())
    assert html.index("Same tag") < html.index("Same desk")
    assert "Unrelated" not in html and "Secret draft" not in html
    assert html.count('href="/articles/story-') >= 4


def test_automatic_related_stories_leave_out_the_story_and_its_series(client, publisher):
    section = make_section()
    first = make_article(headline="Part one", section=section, publish_at=hours_ago(3))
    second = make_article(headline="Part two", section=section, publish_at=hours_ago(2))
    other = make_article(headline="Another story", section=section, publish_at=hours_ago(9))
    make_series(first, second)
    assert Article.objects.published().related_to(first) == [other]


def test_picks_that_are_all_unpublished_fall_back_to_automatic_ones(publisher):
    section = make_section()
    story = make_article(section=section)
    draft = make_article(section=section, **NOT_PUBLIC["draft"])
    neighbour = make_article(section=section)
    pick(story, draft)
    assert Article.objects.published().related_to(story) == [neighbour]


def test_a_story_with_no_section_nor_tag_shows_only_its_picks(publisher):
    story = make_article(section=None, tags=[])
    other = make_article(section=None, tags=[])
    assert Article.objects.published().related_to(story) == []
    pick(story, other)
    assert Article.objects.published().related_to(story) == [other]


def test_only_the_newest_sharing_stories_are_read_whatever_the_section_holds(publisher):
    """The candidates are the picks and the few newest sharing stories, not the whole desk."""
    section = make_section()
    story = make_article(section=section, tags=["Harbour"])
    for number in range(12):
        make_article(section=section, tags=["Harbour"], publish_at=hours_ago(10 + number))
    with CaptureQueriesContext(connection) as queries:
        Article.objects.published().related_to(story)
    [related] = [query["sql"] for query in queries if "articles_relatedstory" in query["sql"]]
    assert related.count("LIMIT 4") == 2  # the newest sharing stories, then the four shown


def test_stories_noted_with_or_without_picks_get_the_same_related_stories(publisher):
    """The article page notes whether a story has picks, to read one without them plainly."""
    section = make_section()
    plain = make_article(section=section, tags=["Harbour"], publish_at=hours_ago(1))
    picking = make_article(section=section, publish_at=hours_ago(2))
    draft = make_article(section=section, **NOT_PUBLIC["draft"])
    for number in range(6):
        make_article(section=section, tags=["Harbour"], publish_at=hours_ago(10 + number))
    pick(picking, draft, plain)
    noted = Article.objects.with_related_picks_noted().prefetch_related("tags").in_bulk()
    assert (noted[plain.pk].has_related_picks, noted[picking.pk].has_related_picks) == (False, True)
    for story in (plain, picking):
        published = Article.objects.published()
        assert published.related_to(noted[story.pk]) == published.related_to(story)
    assert Article.objects.published().related_to(noted[picking.pk]) == [plain]


def test_a_story_cannot_be_related_to_itself(publisher):
    story = make_article()
    link = RelatedStory(article=story, related=story)
    with pytest.raises(Exception, match="itself"):
        link.full_clean()


# --- series ---


def test_a_story_in_a_series_shows_its_part_and_links_the_published_others(client, publisher):
    one = make_article(headline="The money trail")
    draft = make_article(headline="Secret chapter", **NOT_PUBLIC["draft"])
    two = make_article(headline="The shell companies")
    three = make_article(headline="The reckoning")
    make_series(one, draft, two, three)
    html = page(client, two.get_absolute_url())
    assert "Part 2 of 3" in html
    assert 'href="/series/the-harbour-files/"' in html
    assert f'href="{one.get_absolute_url()}"' in html
    assert f'href="{three.get_absolute_url()}"' in html
    assert f'href="{two.get_absolute_url()}" aria-current="page"' in html
    assert "Secret chapter" not in html and draft.slug not in html


def test_a_part_says_in_its_structured_data_which_series_it_belongs_to(client, publisher, settings):
    story = make_article(headline="The money trail")
    make_series(story)
    html = page(client, story.get_absolute_url())
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    [data] = [found for found in map(json.loads, scripts) if found["@type"] == "NewsArticle"]
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "The harbour files",
        "url": f"{settings.SITE_URL}/series/the-harbour-files/",
    }


def test_a_story_outside_any_series_shows_no_series(client, publisher):
    html = page(client, make_article().get_absolute_url())
    assert "series-nav" not in html and "series-label" not in html


@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_the_series_page_lists_only_published_parts_numbered_in_order(client, publisher, state):
    two = make_article(headline="The shell companies", publish_at=hours_ago(9))
    one = make_article(headline="The money trail", publish_at=hours_ago(1))
    hidden = make_article(headline="Secret chapter", **NOT_PUBLIC[state])
    series = make_series(hidden, one, two)
    series.description = "A year inside the port's accounts."
    series.save()
    html = page(client, series.get_absolute_url())
    assert "<h1>The harbour files</h1>" in html
    assert "A year inside the port&#x27;s accounts." in html
    assert "A series in 2 parts" in html
    assert html.index("Part 1") < html.index("The money trail") < html.index("Part 2")
    assert html.index("Part 2") < html.index("The shell companies")
    assert "Secret chapter" not in html and hidden.slug not in html
    assert 'href="/series/the-harbour-files/rss/"' in html


@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_a_series_without_a_published_part_has_no_page_nor_feed(client, publisher, state):
    series = make_series(make_article(headline="Secret chapter", **NOT_PUBLIC[state]))
    for url in [
        series.get_absolute_url(),
        reverse("reader:series-rss", args=[series.slug]),
        reverse("reader:series-atom", args=[series.slug]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/series/no-such-series/").status_code == 404


def test_series_feeds_carry_the_published_parts_only(client, publisher):
    one = make_article(headline="The money trail")
    hidden = make_article(headline="Secret chapter", **NOT_PUBLIC["scheduled"])
    make_article(headline="Not in the series")
    series = make_series(one, hidden)
    rss = etree.fromstring(client.get(reverse("reader:series-rss", args=[series.slug])).content)
    assert [item.findtext("title") for item in rss.iter("item")] == ["The money trail"]
    assert rss.find("channel").findtext("title").startswith("The harbour files")
    atom = client.get(reverse("reader:series-atom", args=[series.slug]))
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = etree.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1


def test_the_sitemap_lists_series_with_a_published_part(client, publisher):
    make_series(make_article())
    make_series(make_article(**NOT_PUBLIC["draft"]), name="Secret series", slug="secret-series")
    xml = client.get(reverse("reader:sitemap-section", args=["series"])).content.decode()
    assert "/series/the-harbour-files/" in xml
    assert "secret-series" not in xml
    assert "sitemap-series.xml" in client.get("/robots.txt").content.decode()


# --- partners' copies ---


def test_the_partner_copy_and_ninjs_link_to_the_series_page(client, publisher, settings):
    story = make_article(headline="The money trail")
    make_series(story)
    series_url = f"{settings.SITE_URL}/series/the-harbour-files/"
    copy = page(client, reverse("republication:article-republish", args=[story.slug]))
    assert f"Part of the series &lt;a href=&quot;{series_url}&quot;&gt;The harbour files" in copy
    assert f"“The harbour files”: {series_url}" in copy  # the plain-text copy
    ninjs = json.loads(
        client.get(reverse("republication:article-ninjs", args=[story.slug])).content
    )
    assert {"name": "The harbour files", "rel": "series", "uri": series_url} in ninjs["subjects"]


def test_a_story_outside_any_series_carries_no_series_link(client, publisher):
    story = make_article()
    copy = page(client, reverse("republication:article-republish", args=[story.slug]))
    assert "Part of the series" not in copy
    ninjs = json.loads(
        client.get(reverse("republication:article-ninjs", args=[story.slug])).content
    )
    assert all(subject["rel"] != "series" for subject in ninjs.get("subjects", []))
