"""A live story as readers, machines and partners get it: entries, polling, JSON-LD, copies."""

import json
import re
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from live.models import LiveEntry
from tests.factories import make_article, make_author, make_photo
from tests.live.live_helpers import add_entry, make_live_story
from tests.republication.partner_helpers import bearer, make_partner

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parents[1] / "reader" / "schemas" / "live-blog-posting.schema.json"


def poll_url(coverage):
    return reverse("reader:article-live", args=[coverage.article.slug])


def entry_ids(html):
    return [int(pk) for pk in re.findall(r'data-live-entry="(\d+)"', html)]


@pytest.fixture
def live_story(publisher):
    coverage = make_live_story(headline="Storm comes ashore")
    older = add_entry(coverage, "<p>Evacuation centres open.</p>", minutes_ago=50)
    pinned = add_entry(coverage, "<p>Where to find shelter.</p>", minutes_ago=40, pinned=True)
    newer = add_entry(coverage, "<p>Bridge closed to lorries.</p>", minutes_ago=10, key_event=True)
    draft = add_entry(coverage, "<p>Unchecked rumour.</p>", status=LiveEntry.Status.DRAFT)
    return coverage, {"older": older, "pinned": pinned, "newer": newer, "draft": draft}


def test_live_page_shows_entries_newest_first_with_the_pinned_one_on_top(client, live_story):
    coverage, entries = live_story
    html = client.get(coverage.get_absolute_url()).content.decode()
    assert entry_ids(html) == [entries["pinned"].pk, entries["newer"].pk, entries["older"].pk]
    assert "Key event" in html and "Pinned" in html
    assert "Unchecked rumour" not in html
    assert f'data-poll-url="{poll_url(coverage)}"' in html
    assert "js/live." in html


def test_a_story_that_is_not_live_has_no_live_part_and_no_poll(client, publisher):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "data-live" not in html
    poll = reverse("reader:article-live", args=[article.slug])
    assert client.get(poll).status_code == 404


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "publish_at": None},
        {"status": Article.Status.IN_REVIEW, "publish_at": None},
        {"status": Article.Status.PUBLISHED, "publish_at": timedelta(days=1)},
        {"status": Article.Status.WITHDRAWN, "publish_at": -timedelta(days=1)},
    ],
    ids=["draft", "in-review", "scheduled", "withdrawn"],
)
def test_entries_of_an_unpublished_story_are_never_public(client, publisher, state):
    coverage = make_live_story()
    entry = add_entry(coverage, "<p>Secret update.</p>")
    offset = state["publish_at"]
    Article.objects.filter(pk=coverage.article_id).update(
        status=state["status"], publish_at=timezone.now() + offset if offset else None
    )
    assert LiveEntry.objects.published().filter(pk=entry.pk).exists()
    assert not LiveEntry.objects.public().exists()
    assert client.get(coverage.get_absolute_url()).status_code in {404, 410}
    response = client.get(poll_url(coverage))
    assert response.status_code == 404
    assert b"Secret update" not in response.content


def test_entries_are_paginated_newest_first_with_pins_on_the_first_page(
    client, publisher, settings
):
    settings.LIVE_ENTRIES_PER_PAGE = 5
    coverage = make_live_story()
    entries = [add_entry(coverage, f"<p>Update {n}.</p>", minutes_ago=60 - n) for n in range(12)]
    pinned = add_entry(coverage, "<p>Pinned note.</p>", minutes_ago=59, pinned=True)
    first = client.get(coverage.get_absolute_url()).content.decode()
    assert entry_ids(first) == [pinned.pk] + [e.pk for e in entries[::-1][:5]]
    third = client.get(coverage.get_absolute_url() + "?page=3").content.decode()
    assert entry_ids(third) == [e.pk for e in entries[::-1][10:]]
    assert "Page 3 of 3" in third
    # Only the first page asks for new entries: they belong at its top.
    assert "data-poll-url" in first and "data-poll-url" not in third


def test_ended_coverage_says_so_and_stops_polling(client, publisher):
    coverage = make_live_story(ended=True)
    add_entry(coverage, minutes_ago=30)
    html = client.get(coverage.get_absolute_url()).content.decode()
    assert "ended" in html
    assert "data-poll-url" not in html
    assert "js/live." not in html


def test_the_poll_answers_the_newest_entries_with_a_short_cdn_lifetime(
    client, live_story, settings
):
    settings.LIVE_CDN_SECONDS = 4
    coverage, entries = live_story
    response = client.get(poll_url(coverage))
    assert response.status_code == 200
    assert entry_ids(response.content.decode()) == [
        entries["newer"].pk,
        entries["pinned"].pk,
        entries["older"].pk,
    ]
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=4, stale-while-revalidate=4"
    # From the page cache the second time, with the same headers, and a 304 for a current copy.
    again = client.get(poll_url(coverage))
    assert again["Cache-Control"] == response["Cache-Control"]
    assert again["ETag"] == response["ETag"]
    assert client.get(poll_url(coverage), HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


@pytest.mark.slow
def test_five_hundred_readers_polling_cost_one_render_per_new_entry(client, live_story):
    """The poll's answer is rendered once per new entry, however many readers ask."""
    coverage, _entries = live_story
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "reader/live_updates.html":
            renders.append(template.name)

    template_rendered.connect(count)
    try:
        for update in range(3):
            new = add_entry(coverage, f"<p>New update {update}.</p>")
            with CaptureQueriesContext(connection) as queries:
                answers = [client.get(poll_url(coverage)) for _reader in range(500)]
            assert {answer.status_code for answer in answers} == {200}
            assert all(entry_ids(a.content.decode())[0] == new.pk for a in answers)
            assert len(renders) == update + 1
            # The 499 readers after the first cost no query at all.
            assert len(queries) <= 4
    finally:
        template_rendered.disconnect(count)


def test_a_draft_saved_or_deleted_retires_nothing_a_published_entry_retires_the_page(
    client, live_story
):
    coverage, entries = live_story
    first = client.get(poll_url(coverage))
    add_entry(coverage, "<p>Draft.</p>", status=LiveEntry.Status.DRAFT).delete()
    assert client.get(poll_url(coverage))["ETag"] == first["ETag"]
    entries["newer"].status = LiveEntry.Status.DRAFT
    entries["newer"].save()  # taken down by an editor
    html = client.get(poll_url(coverage)).content.decode()
    assert entries["newer"].pk not in entry_ids(html)
    assert entries["newer"].pk not in entry_ids(
        client.get(coverage.get_absolute_url()).content.decode()
    )


def test_json_ld_of_a_live_story_validates_as_live_blog_posting(client, live_story):
    coverage, entries = live_story
    entries["newer"].author = make_author(name="Saga Lund", slug="saga-lund")
    entries["newer"].save()
    html = client.get(coverage.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["@type"] == "LiveBlogPosting"
    assert "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [u["articleBody"] for u in updates] == [
        "Bridge closed to lorries.",
        "Where to find shelter.",
        "Evacuation centres open.",
    ]
    assert updates[0]["url"].endswith(f"#update-{entries['newer'].pk}")
    assert updates[0]["author"]["name"] == "Saga Lund"


def test_json_ld_of_ended_coverage_has_its_end(client, publisher):
    coverage = make_live_story(ended=True)
    html = client.get(coverage.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["coverageEndTime"] > data["coverageStartTime"]
    assert data["liveBlogUpdate"] == []


def test_partners_get_the_entries_without_photos_they_may_not_reuse(client, live_story):
    coverage, _entries = live_story
    free = make_photo(caption="Free to reuse.", may_republish=True)
    agency = make_photo(caption="Agency only.", may_republish=False)
    add_entry(coverage, "<p>With a free photo.</p>", photo=free)
    add_entry(coverage, "<p>With an agency photo.</p>", photo=agency)
    slug = coverage.article.slug
    copy = client.get(reverse("republication:article-republish", args=[slug])).content.decode()
    ninjs = client.get(reverse("republication:article-ninjs", args=[slug])).json()
    feed = client.get(reverse("reader:feed-json")).json()
    (item,) = [i for i in feed["items"] if i["url"].endswith(coverage.get_absolute_url())]
    html_body = next(b["value"] for b in ninjs["bodies"] if b["contentType"] == "text/html")
    for text in [copy, html_body, item["content_html"]]:
        assert "Bridge closed to lorries." in text
        assert "With an agency photo." in text
        assert "Unchecked rumour" not in text
        assert "Free to reuse." in text
        assert "Agency only." not in text
        assert f"renditions/{free.pk}/" in text
        assert f"renditions/{agency.pk}/" not in text
    assert "may not be republished" in ninjs["edNote"]


def test_the_partner_api_answers_a_new_entry_at_once(client, live_story):
    """Its cached answers are retired by an entry, as by any change partners could see."""
    coverage, _entries = live_story
    _partner, key = make_partner()
    url = reverse("republication:api-story", args=[coverage.article_id])
    first = client.get(url, **bearer(key)).json()
    assert "Bridge closed to lorries." in first["bodies"][0]["value"]
    add_entry(coverage, "<p>The ferry is cancelled.</p>")
    again = client.get(url, **bearer(key)).json()
    assert "The ferry is cancelled." in again["bodies"][0]["value"]
    assert again["versionCreated"] > first["versionCreated"]


def test_a_preview_of_a_live_story_shows_its_published_entries_and_never_polls(client, editor):
    coverage = make_live_story(status=Article.Status.DRAFT, publish_at=None)
    add_entry(coverage, "<p>Ready to go.</p>")
    add_entry(coverage, "<p>Still a draft.</p>", status=LiveEntry.Status.DRAFT)
    client.force_login(editor)
    html = client.get(reverse("reader:preview", args=[coverage.article_id])).content.decode()
    assert "Ready to go." in html
    assert "Still a draft." not in html
    assert "data-poll-url" not in html
