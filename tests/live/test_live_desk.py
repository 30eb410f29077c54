"""Who may add, publish, change and pin a live story's entries, through the desk's own pages."""

import pytest
from django.urls import reverse

from live.models import LiveEntry
from tests.conftest import _staff
from tests.factories import make_author, make_photo
from tests.live.live_helpers import add_entry, make_live_story

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:live_liveentry_add")


def entry_form(coverage, **fields):
    return {
        "coverage": coverage.pk,
        "text": "<p>Gusts of 120 km/h at the harbour.</p>",
        "photo": "",
        "embed_url": "",
        "status": "published",
    } | fields


def change_url(entry):
    return reverse("admin:live_liveentry_change", args=[entry.pk])


@pytest.fixture
def second_reporter(db):
    user = _staff("ronja", "Reporter")
    make_author(name="Ronja Reporter", slug="ronja-reporter", user=user)
    return user


def test_reporter_adds_and_publishes_an_entry_when_the_story_lets_them(client, reporter):
    coverage = make_live_story()
    client.force_login(reporter)
    response = client.post(ADD_URL, entry_form(coverage))
    assert response.status_code == 302
    entry = LiveEntry.objects.get()
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert entry.published_at is not None
    assert entry.author == reporter.author
    assert entry.created_by == reporter
    assert entry in LiveEntry.objects.public()


@pytest.mark.parametrize(
    "story", [{"reporters_may_add": False}, {"ended": True}], ids=["closed", "ended"]
)
def test_reporter_cannot_add_to_a_story_that_does_not_take_their_entries(client, reporter, story):
    coverage = make_live_story(**story)
    client.force_login(reporter)
    page = client.get(ADD_URL).content.decode()
    assert f'value="{coverage.pk}"' not in page
    response = client.post(ADD_URL, entry_form(coverage))
    assert response.status_code == 200
    assert not LiveEntry.objects.exists()


def test_editor_adds_to_any_live_story_and_pins(client, editor):
    coverage = make_live_story(reporters_may_add=False, ended=True)
    author = make_author()
    client.force_login(editor)
    form = entry_form(coverage, pinned="on", key_event="on", author=author.pk)
    assert client.post(ADD_URL, form).status_code == 302
    entry = LiveEntry.objects.get()
    assert (entry.pinned, entry.key_event, entry.author) == (True, True, author)


def test_a_reporter_cannot_pin_or_name_another_author(client, reporter):
    coverage = make_live_story()
    client.force_login(reporter)
    form = entry_form(coverage, pinned="on", key_event="on", author=make_author().pk)
    assert client.post(ADD_URL, form).status_code == 302
    entry = LiveEntry.objects.get()
    assert not entry.pinned
    assert entry.key_event
    assert entry.author == reporter.author


def test_reporter_changes_their_own_draft_but_not_once_published(client, reporter):
    coverage = make_live_story()
    client.force_login(reporter)
    client.post(ADD_URL, entry_form(coverage, status="draft"))
    entry = LiveEntry.objects.get()
    assert entry.status == LiveEntry.Status.DRAFT
    assert entry not in LiveEntry.objects.public()
    response = client.post(change_url(entry), entry_form(coverage, text="<p>Fixed.</p>"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.text, entry.status) == ("<p>Fixed.</p>", LiveEntry.Status.PUBLISHED)
    response = client.post(change_url(entry), entry_form(coverage, text="<p>Rewritten.</p>"))
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.text == "<p>Fixed.</p>"


def test_reporter_cannot_change_another_reporters_draft(client, reporter, second_reporter):
    coverage = make_live_story()
    entry = add_entry(
        coverage, status="draft", author=second_reporter.author, created_by=second_reporter
    )
    client.force_login(reporter)
    response = client.post(change_url(entry), entry_form(coverage, text="<p>Mine now.</p>"))
    assert response.status_code == 403
    assert LiveEntry.objects.get().text == "<p>An update.</p>"


def test_editor_takes_a_published_entry_down(client, editor, reporter):
    coverage = make_live_story()
    entry = add_entry(coverage, author=reporter.author, created_by=reporter)
    client.force_login(editor)
    response = client.post(change_url(entry), entry_form(coverage, status="draft"))
    assert response.status_code == 302
    assert not LiveEntry.objects.public().exists()


def test_reporters_cannot_open_or_end_live_coverage(client, reporter):
    coverage = make_live_story()
    client.force_login(reporter)
    assert client.get(reverse("admin:live_livecoverage_add")).status_code == 403
    url = reverse("admin:live_livecoverage_change", args=[coverage.pk])
    assert client.post(url, {"started_at_0": "2026-01-01"}).status_code == 403


def test_entry_text_is_sanitised_and_keeps_no_figures(client, editor):
    coverage = make_live_story()
    client.force_login(editor)
    text = (
        '<p onclick="x()">Hi<script>alert(1)</script></p>'
        '<figure data-photo-id="1"></figure><a href="javascript:alert(1)">x</a>'
    )
    client.post(ADD_URL, entry_form(coverage, text=text))
    assert LiveEntry.objects.get().text == "<p>Hi</p><a>x</a>"


def test_a_published_entry_needs_a_credited_photo_and_an_allowed_embed(client, editor):
    coverage = make_live_story()
    client.force_login(editor)
    uncredited = make_photo(alt_text="", agency="", photographer="")
    response = client.post(ADD_URL, entry_form(coverage, photo=uncredited.pk))
    assert "alt text for its photo" in response.content.decode()
    response = client.post(ADD_URL, entry_form(coverage, embed_url="https://evil.example/x"))
    assert "cannot be embedded" in response.content.decode()
    assert not LiveEntry.objects.exists()
    # A draft may wait for its photo's credit.
    response = client.post(ADD_URL, entry_form(coverage, photo=uncredited.pk, status="draft"))
    assert response.status_code == 302


def test_reporters_see_the_entries_list_and_add_from_a_story_link(client, reporter):
    coverage = make_live_story(headline="Storm comes ashore")
    add_entry(coverage, text="<p>Bridge closed.</p>")
    client.force_login(reporter)
    page = client.get(reverse("admin:live_liveentry_changelist")).content.decode()
    assert "Bridge closed." in page
    form = client.get(f"{ADD_URL}?coverage={coverage.pk}").content.decode()
    assert f'<option value="{coverage.pk}" selected>' in form


def test_an_editor_deletes_a_live_story_with_its_entries(client, editor):
    coverage = make_live_story()
    add_entry(coverage, photo=make_photo())
    client.force_login(editor)
    url = reverse("admin:articles_article_delete", args=[coverage.article_id])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not LiveEntry.objects.exists()
