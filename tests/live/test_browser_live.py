"""A live story in a reader's browser: entries from two reporters (one on the desk in Chromium,
one through the same form from a second session) arrive behind a button."""

import pytest
from django.test import Client
from django.urls import reverse

from live.models import LiveEntry
from tests.browser_helpers import log_in
from tests.conftest import _staff
from tests.factories import make_author
from tests.live.live_helpers import add_entry, make_live_story

pytestmark = pytest.mark.django_db(transaction=True)


def write_entry_on_the_desk(page, coverage, text):
    """A reporter, logged in, writes an entry on the desk's form in Chromium and saves it."""
    page.goto(reverse("admin:live_liveentry_add") + f"?coverage={coverage.pk}")
    page.locator(".ProseMirror").first.click()
    page.keyboard.type(text)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()


def post_entry(user, coverage, text):
    """What a reporter's "Save" on the desk's entry form sends."""
    desk = Client()
    desk.force_login(user)
    form = {"coverage": coverage.pk, "text": text, "photo": "", "embed_url": ""}
    response = desk.post(reverse("admin:live_liveentry_add"), form | {"status": "published"})
    assert response.status_code == 302, response.content.decode()


def entry_texts(page):
    return page.locator("[data-live-entries] .live-entry__text").all_inner_texts()


def test_entries_from_two_reporters_arrive_on_a_readers_page(
    new_page, publisher, reporter, settings
):
    settings.LIVE_POLL_SECONDS = 1
    ronja = _staff("ronja", "Reporter")
    make_author(name="Ronja Reporter", slug="ronja-reporter", user=ronja)
    coverage = make_live_story(headline="Storm comes ashore")
    add_entry(coverage, "<p>Evacuation centres are open.</p>", minutes_ago=30)
    desk = new_page()
    log_in(desk, "rita")
    page = new_page()
    page.goto(coverage.get_absolute_url())
    assert entry_texts(page) == ["Evacuation centres are open."]
    new_updates = page.locator("[data-live-new]")
    assert new_updates.is_hidden()

    write_entry_on_the_desk(desk, coverage, "The bridge is closed to lorries.")
    page.get_by_role("button", name="1 new update").wait_for()
    # The page did not move: the new entry waits behind the button.
    assert entry_texts(page) == ["Evacuation centres are open."]

    post_entry(ronja, coverage, "<p>Power is out in 4,000 homes.</p>")
    page.get_by_role("button", name="2 new updates").wait_for()
    page.get_by_role("button", name="2 new updates").click()
    assert entry_texts(page) == [
        "Power is out in 4,000 homes.",
        "The bridge is closed to lorries.",
        "Evacuation centres are open.",
    ]
    assert new_updates.is_hidden()
    newest = LiveEntry.objects.order_by("-published_at").first()
    assert page.evaluate("document.activeElement.id") == f"update-{newest.pk}"
    authors = page.locator("[data-live-entries] .live-entry__author").all_inner_texts()
    assert authors[:2] == ["By Ronja Reporter", "By Rita Reporter"]
    # Nothing is offered twice: the next answers bring nothing new.
    page.wait_for_timeout(2500)
    assert new_updates.is_hidden()


def test_without_javascript_a_reload_shows_every_entry(new_page, publisher):
    coverage = make_live_story()
    add_entry(coverage, "<p>First.</p>", minutes_ago=20)
    page = new_page(java_script_enabled=False)
    page.goto(coverage.get_absolute_url())
    add_entry(coverage, "<p>Second.</p>")
    page.reload()
    assert entry_texts(page) == ["Second.", "First."]
    assert page.locator("[data-live-new]").is_hidden()
