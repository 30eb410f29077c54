"""The feeds hand out no more than the partner's copy: full text and photos only where allowed."""

import feedparser
import pytest
from django.urls import reverse

from articles.models import Licence
from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
XML_FEEDS = ["reader:feed-rss", "reader:feed-atom"]


@pytest.fixture
def stories(publisher):
    opinion = make_section(name="Opinion", slug="opinion", licence=Licence.NONE)
    return {
        "free": make_article(
            headline="Free story",
            body="<p>Free body.</p>",
            licence=Licence.CC_BY,
            lead_photo=make_photo(caption="Reusable photo.", may_republish=True),
        ),
        "withheld": make_article(
            headline="Withheld story",
            dek="Withheld summary.",
            body="<p>Withheld body.</p>",
            licence=Licence.NONE,
        ),
        "agency_photo": make_article(
            headline="Agency photo story",
            body="<p>Agency body.</p>",
            licence=Licence.CC_BY,
            lead_photo=make_photo(caption="Agency photo.", may_republish=False),
        ),
        "opinion": make_article(
            headline="Opinion column", body="<p>Opinion body.</p>", section=opinion
        ),
        "opinion_free": make_article(
            headline="Opinion for partners",
            body="<p>Shared opinion body.</p>",
            section=opinion,
            licence=Licence.CC_BY,
        ),
    }


def entries(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return {entry.title: entry for entry in parsed.entries}


def json_items(client):
    return {item["title"]: item for item in client.get(reverse("reader:feed-json")).json()["items"]}


@pytest.mark.parametrize("url_name", XML_FEEDS)
def test_only_stories_that_may_be_republished_are_full_text(client, stories, url_name):
    feed = entries(client, url_name)
    assert feed["Free story"].content[0].value == "<p>Free body.</p>"
    assert feed["Opinion for partners"].content[0].value == "<p>Shared opinion body.</p>"
    for key in ["withheld", "opinion"]:
        entry = feed[stories[key].headline]
        assert "content" not in entry, key  # the summary and the link to read it on our site
        assert entry.link.endswith(stories[key].get_absolute_url()), key
    assert feed["Withheld story"].summary == "Withheld summary."


def test_the_json_feed_gives_summary_and_link_for_stories_not_to_be_republished(client, stories):
    items = json_items(client)
    assert items["Free story"]["content_html"] == "<p>Free body.</p>"
    withheld = items["Withheld story"]
    assert "content_html" not in withheld
    assert withheld["content_text"] == "Withheld summary."
    assert withheld["url"].endswith(stories["withheld"].get_absolute_url())
    assert withheld["_rights"]["full_text"] is False
    assert "Opinion body" not in str(items["Opinion column"])


@pytest.mark.parametrize("url_name", XML_FEEDS)
def test_no_photo_partners_may_not_reuse(client, stories, url_name):
    feed = entries(client, url_name)
    assert feed["Free story"].enclosures
    agency = feed["Agency photo story"]
    assert not agency.enclosures and "media_content" not in agency
    assert "Agency photo." not in str(agency)
    assert "image" in json_items(client)["Free story"]
    assert "image" not in json_items(client)["Agency photo story"]


def test_every_item_names_its_licence(client, stories):
    rss = client.get(reverse("reader:feed-rss")).content.decode()
    assert rss.count("<dc:rights>") == len(stories)
    assert f"<dc:rights>CC BY 4.0: {CC_BY_URL}</dc:rights>" in rss
    atom = entries(client, "reader:feed-atom")
    licence_links = [link.href for link in atom["Free story"].links if link.get("rel") == "license"]
    assert licence_links == [CC_BY_URL]
    terms_page = reverse("republication:terms")
    withheld_links = [
        link.href for link in atom["Withheld story"].links if link.get("rel") == "license"
    ]
    assert withheld_links[0].endswith(terms_page)
    items = json_items(client)
    assert items["Free story"]["_rights"] == {
        "licence": "CC BY 4.0",
        "url": CC_BY_URL,
        "full_text": True,
    }
    assert items["Opinion column"]["_rights"]["licence"] == "Not for republication"


def test_feed_queries_stay_flat_with_rights(client, stories, django_assert_max_num_queries):
    """Deciding rights per item costs no query: the section comes with the article, and the
    photos of every body come in one query for the feed."""
    for _more in range(5):
        make_article(lead_photo=make_photo(may_republish=True))
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reader:feed-rss")).status_code == 200
