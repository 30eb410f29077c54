"""Design and accessibility a reader meets in a real browser: skip link, focus, dark mode, print,
and a saved text size that applies without moving the page."""

import pytest

from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db(transaction=True)

LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


def test_skip_link_is_first_and_visible_when_focused(new_page, publisher):
    page = new_page()
    page.goto(make_article().get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # visible focus
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_dark_mode_follows_the_system_setting(new_page, publisher):
    url = make_article().get_absolute_url()
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme)
        page.goto(url)
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds["light"] == "rgb(255, 255, 255)"
    assert backgrounds["dark"] == "rgb(18, 18, 18)"


def test_print_shows_the_story_without_navigation(new_page, publisher):
    page = new_page()
    page.goto(make_article(body="<p>Printed words.</p>").get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert page.get_by_text("Printed words.").is_visible()


def test_saved_text_size_applies_with_no_layout_shift(new_page, publisher):
    story = make_article(body="<p>" + "Words in a paragraph. " * 80 + "</p>")
    story.lead_photo = make_photo()
    story.save()
    page = new_page()
    page.goto(story.get_absolute_url())
    page.evaluate("localStorage.setItem('newsroom:text-scale', '1.5')")
    page.reload()
    size = page.eval_on_selector(
        ".article__body", "element => parseFloat(getComputedStyle(element).fontSize)"
    )
    root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size == pytest.approx(root * 1.125 * 1.5)  # rem-based, scaled
    assert page.evaluate(LAYOUT_SHIFT) == 0
