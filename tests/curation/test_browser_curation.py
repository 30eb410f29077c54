"""The arrangement screen and the curated pages in Chromium: an editor arranges with the keyboard
alone and with the mouse, previews, makes it live or schedules it; readers' cached pages follow."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from curation.models import Arrangement
from tests.browser_helpers import log_in
from tests.curation.helpers import arrange
from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db(transaction=True)

ROW = "#slots-group tbody tr.form-row:not(.empty-form)"


@pytest.fixture
def stories(publisher):
    world = make_section(name="World", slug="world")
    photo = make_photo()
    older = timezone.now() - timedelta(hours=30)
    return {
        "investigation": make_article(
            headline="The river investigation", section=world, publish_at=older, lead_photo=photo
        ),
        "match": make_article(
            headline="Match report from the north",
            section=world,
            publish_at=older - timedelta(hours=1),
        ),
        "newest": make_article(headline="A brief filed at 11 pm", section=world),
    }


def tab_to(page, selector, limit=150):
    """Press Tab until the element matching ``selector`` has the focus: the keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(
        f"Tab never reached {selector}: "
        + page.evaluate("document.activeElement.outerHTML.slice(0, 300)")
    )


def choose_story_with_keys(page, row, text):
    tab_to(page, f"#slots-{row} .select2-selection")
    page.keyboard.press("Enter")
    # select2 focuses its search box and asks for the first page of stories once it has opened;
    # keys pressed before that land nowhere, so wait as a person would for the list to appear.
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_focused()
    expect(page.locator(".select2-results__option--highlighted")).to_be_visible()
    page.keyboard.type(text)
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text(text)
    page.keyboard.press("Enter")
    expect(page.locator(f"#select2-id_slots-{row}-article-container")).to_contain_text(text)


def labels(page):
    return page.locator(f"{ROW} .slot-label").all_inner_texts()


def reader_lead(page):
    return page.locator(".front-lead .card__headline")


def test_an_editor_arranges_previews_and_publishes_with_the_keyboard_alone(
    new_page, editor, stories
):
    reader = new_page()
    reader.goto("/")
    expect(reader_lead(reader)).to_have_text("A brief filed at 11 pm")
    reader.goto("/")  # now from the cache

    page = new_page()
    log_in(page, "eddie")
    page.goto("/admin/curation/arrangement/add/")
    page.locator("body").focus()
    choose_story_with_keys(page, 0, "Match report")
    choose_story_with_keys(page, 1, "The river investigation")
    tab_to(page, "#id_slots-1-headline")
    page.keyboard.type("Months in the making: the river")
    assert labels(page)[:2] == ["Lead", "Featured 1"]
    # The investigation leads: moved up with its button, then the focus stays on a button.
    tab_to(page, f"{ROW}:nth-child(2) .slot-up")
    page.keyboard.press("Enter")
    expect(page.locator(f"{ROW} .select2-selection__rendered").first).to_contain_text(
        "The river investigation"
    )
    expect(page.locator("#arrangement-moves")).to_have_text("Moved: now Lead.")
    assert page.evaluate("document.activeElement.className") == "slot-down"
    tab_to(page, "input[name=_continue]")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    arrangement = Arrangement.objects.get()
    assert arrangement.goes_live_at is None
    assert [slot.article.headline for slot in arrangement.slots.all()] == [
        "The river investigation",
        "Match report from the north",
    ]

    # The preview: as readers will see it, before it goes live.
    tab_to(page, "a[href*='/preview/arrangement/']")
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    preview = opened.value
    expect(reader_lead(preview)).to_have_text("Months in the making: the river")
    expect(preview.locator(".preview-banner")).to_be_visible()
    expect(preview.locator(".front-featured")).to_contain_text("Match report from the north")
    reader.reload()
    expect(reader_lead(reader)).to_have_text("A brief filed at 11 pm")

    tab_to(page, ".arrangement-publish button")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("is live now")
    reader.reload()
    expect(reader_lead(reader)).to_have_text("Months in the making: the river")
    expect(reader.locator(".front-latest")).to_contain_text("A brief filed at 11 pm")
    assert reader.locator("text=Match report from the north").count() == 1


def test_an_editor_reorders_slots_by_dragging_with_the_mouse(new_page, editor, stories):
    arrangement = arrange(stories["match"], stories["newest"], stories["investigation"])
    page = new_page(viewport={"width": 1280, "height": 1200})
    log_in(page, "eddie")
    page.goto(f"/admin/curation/arrangement/{arrangement.pk}/change/")
    rows = page.locator(ROW)
    story_in = [row.locator(".select2-selection__rendered") for row in rows.all()]
    expect(story_in[2]).to_contain_text("The river investigation")
    rows.nth(2).locator(".slot-handle").scroll_into_view_if_needed()
    handle = rows.nth(2).locator(".slot-handle").bounding_box()
    top = rows.nth(0).bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):  # as a hand does: through the rows in between
        y = handle["y"] + (top["y"] + 4 - handle["y"]) * step / 10
        page.mouse.move(handle["x"] + 5, y)
        page.wait_for_timeout(30)  # a frame: Chromium sends moves once per frame
    page.mouse.up()
    expect(page.locator(f"{ROW} .select2-selection__rendered").first).to_contain_text(
        "The river investigation"
    )
    assert labels(page)[:3] == ["Lead", "Featured 1", "Featured 2"]
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert [slot.article.headline for slot in arrangement.slots.all()] == [
        "The river investigation",
        "Match report from the north",
        "A brief filed at 11 pm",
    ]
    reader = new_page()
    reader.goto("/")
    expect(reader_lead(reader)).to_have_text("The river investigation")


def test_a_scheduled_arrangement_takes_effect_at_its_time(new_page, editor, stories):
    arrange(stories["match"])
    reader = new_page()
    reader.goto("/")
    expect(reader_lead(reader)).to_have_text("Match report from the north")

    page = new_page()
    log_in(page, "eddie")
    page.goto("/admin/curation/arrangement/add/")
    page.click("#slots-0 .select2-selection")
    page.fill(".select2-search__field", "river")
    page.click(".select2-results__option >> text=The river investigation")
    at = timezone.localtime() + timedelta(seconds=6)
    page.fill("#id_goes_live_at_0", at.strftime("%Y-%m-%d"))
    page.fill("#id_goes_live_at_1", at.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("Scheduled")

    reader.reload()  # cached, and still the old lead until the time
    expect(reader_lead(reader)).to_have_text("Match report from the north")
    at = at.replace(microsecond=0)
    time.sleep(max(0, (at - timezone.now()).total_seconds()) + 0.2)
    reader.reload()
    expect(reader_lead(reader)).to_have_text("The river investigation")


def test_a_withdrawn_story_disappears_from_its_slot_at_once(new_page, editor, stories):
    investigation = stories["investigation"]
    arrange(investigation, slot0={"headline": "Months in the making: the river"})
    reader = new_page()
    reader.goto("/")
    expect(reader_lead(reader)).to_have_text("Months in the making: the river")
    reader.reload()  # from the cache
    workflow.withdraw(investigation, editor, investigation.version, "A source retracted.")
    reader.reload()
    expect(reader_lead(reader)).to_have_text("A brief filed at 11 pm")
    expect(reader.locator("main")).not_to_contain_text("Months in the making")


def test_the_banner_appears_on_a_cached_page_within_seconds(new_page, editor, stories):
    reader = new_page()
    story = stories["match"].get_absolute_url()
    for url in ["/", story, "/", story]:  # the second time from the cache
        reader.goto(url)
    expect(reader.locator(".breaking-news")).to_have_count(0)

    page = new_page()
    log_in(page, "eddie")
    page.goto("/admin/curation/banner/add/")
    page.fill("#id_text", "Polls have closed: results as they come")
    page.fill("#id_url", "https://news.example.org/live/")
    ends = timezone.localtime() + timedelta(hours=1)
    page.fill("#id_ends_at_0", ends.strftime("%Y-%m-%d"))
    page.fill("#id_ends_at_1", ends.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    saved = time.monotonic()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    for url in ["/", story]:
        reader.goto(url)
        banner = reader.get_by_role("region", name="Breaking news")
        expect(banner).to_contain_text("Polls have closed: results as they come")
    assert time.monotonic() - saved < 5
    expect(reader.get_by_role("link", name=re.compile("Polls have closed"))).to_have_attribute(
        "href", "https://news.example.org/live/"
    )
