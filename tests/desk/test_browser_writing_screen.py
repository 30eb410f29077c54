"""The reporter's writing screen in a real Chromium: its layout on a desktop and a phone,
accessibility, the Content-Security-Policy, and autosave that loses no word."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from articles.models import ArticleDraft, ImageCredit
from photos.tasks import make_renditions
from tests.browser_helpers import log_in
from tests.factories import jpeg_bytes, make_section
from tests.reader.test_quality_bars import AXE_JS, AXE_RUN
from tests.site.test_browser_csp import CspWatcher
from tests.tasks import tasks_run_after
from tests.workflow_helpers import change_url, publishable_article

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "writing-screen"
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
ADD_URL = "/admin/articles/article/add/"
EDITOR = ".ProseMirror[contenteditable=true]"

LAYOUT = """() => {
  const column = document.querySelector(".writer__main").getBoundingClientRect();
  const headline = document.querySelector("#id_headline").getBoundingClientRect();
  const photo = document.querySelector(".field-lead_photo_card img");
  const viewport = document.documentElement.clientWidth;
  const tooWide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getClientRects().length)
    .filter((element) => !element.closest(".select2-hidden-accessible, .hidden, [hidden]"))
    .filter((element) => element.getBoundingClientRect().right > viewport + 1
      || element.getBoundingClientRect().left < -1)
    .map((element) => element.tagName + "." + element.className + "#" + element.id);
  return {
    headlineShare: headline.width / column.width,
    photoHeight: photo ? photo.getBoundingClientRect().height : null,
    scrollWidth: document.documentElement.scrollWidth,
    viewport,
    tooWide,
  };
}"""


def tall_photo():
    """A portrait photo, taller than the screen at full size."""
    photo = ImageCredit(alt_text="A crane", caption="A crane.", agency="NORDPRESS")
    with tasks_run_after(make_renditions):
        photo.image.save("tall.jpg", ContentFile(jpeg_bytes((900, 2400))))
    photo.refresh_from_db()
    return photo


@pytest.fixture
def draft(reporter, publisher):
    return publishable_article(
        reporter.author,
        headline="Harbour cranes stand still as the strike enters its ninth day",
        dek="Dock workers say talks collapsed overnight; ferries are still running.",
        lead_photo=tall_photo(),
        tags=["Harbour", "Strikes"],
    )


def open_as(new_page, username, url, **options):
    page = new_page(**options)
    log_in(page, username, url)
    page.locator(EDITOR).wait_for()
    return page


@pytest.mark.parametrize("screen", ["add", "change"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_writing_screen_fits_the_screen_with_a_wide_headline_and_a_small_photo(
    new_page, draft, screen, viewport
):
    width, height = VIEWPORTS[viewport]
    url = ADD_URL if screen == "add" else change_url(draft)
    page = open_as(new_page, "rita", url, viewport={"width": width, "height": height})
    if screen == "change":  # the thumbnail loads lazily, once it is scrolled to
        thumbnail = page.locator(".field-lead_photo_card img")
        thumbnail.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete", arg=thumbnail.element_handle())
        page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{screen}-{width}x{height}.png", full_page=True)

    layout = page.evaluate(LAYOUT)
    assert layout["headlineShare"] >= 0.8, layout
    assert layout["scrollWidth"] <= layout["viewport"], layout
    assert not layout["tooWide"], layout
    if screen == "change":
        assert 0 < layout["photoHeight"] <= 320, layout


def test_side_column_lists_the_story_facts_in_a_reporters_order(new_page, draft):
    page = open_as(new_page, "rita", change_url(draft))
    order = page.evaluate(
        """() => [...document.querySelectorAll(
            ".writer__side .inline-group, .writer__side .field-section, .writer__side .field-tags,"
            + " .writer__side .field-lead_photo, .writer__side .field-dateline,"
            + " .writer__side .field-status, .writer__side .field-seo_headline"
        )].map((element) => element.classList.contains("inline-group") ? element.id
            : [...element.classList].find((name) => name.startsWith("field-")))"""
    )
    assert order == [
        "bylines-group",
        "field-section",
        "field-tags",
        "field-lead_photo",
        "field-dateline",
        "field-status",
        "field-seo_headline",
        "related_links-group",
    ]
    # The workflow sits at the top of the side column, beside the writing column.
    workflow = page.locator(".writer__tools .workflow").bounding_box()
    side = page.locator(".writer__side").bounding_box()
    main = page.locator(".writer__main").bounding_box()
    assert workflow["y"] < side["y"] and workflow["x"] > main["x"] + main["width"]
    expect(page.locator(".field-lead_photo_card")).to_contain_text("NORDPRESS")
    expect(page.locator(".field-lead_photo_card")).to_contain_text("Partners may not republish")


@pytest.mark.parametrize("screen", ["add", "change"])
def test_axe_finds_no_serious_violations_on_the_writing_screen(new_page, draft, screen):
    url = ADD_URL if screen == "add" else change_url(draft)
    problems = []
    for scheme in ("light", "dark"):
        page = open_as(new_page, "rita", url, color_scheme=scheme, bypass_csp=True)
        page.add_script_tag(path=str(AXE_JS))
        problems += [f"{scheme}: {violation}" for violation in page.evaluate(AXE_RUN)]
    assert not problems, "\n".join(problems)


def test_writing_screen_breaks_no_content_security_policy_rule(new_page, draft):
    page = new_page()
    watcher = CspWatcher(page)
    log_in(page, "rita", visit=watcher.visit)
    for url in (ADD_URL, change_url(draft)):
        watcher.visit(url)
        page.locator(EDITOR).click()
        page.keyboard.type("A few words. ")
        page.wait_for_timeout(2500)  # let autosave run under the policy too
    assert not watcher.problems, "\n".join(watcher.problems)


def test_live_length_and_headline_guidance_follow_the_typing(new_page, draft):
    page = open_as(new_page, "rita", change_url(draft))
    page.locator(EDITOR).click()
    page.keyboard.press("Control+a")
    page.keyboard.type("One two three four five.")
    expect(page.locator("[data-length]")).to_contain_text("5 words")
    page.locator("#id_headline").fill("x" * 70)
    expect(page.locator("#id_headline_guide")).to_have_class("writer__guide writer__guide--over")
    page.locator("#id_headline").fill("Short")
    expect(page.locator("#id_headline_guide")).to_have_class("writer__guide")


def test_ctrl_s_saves_and_stays_on_the_article(new_page, draft):
    page = open_as(new_page, "rita", change_url(draft))
    page.locator("#id_headline").fill("Cranes move again")
    page.keyboard.press("Control+s")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.url.endswith(change_url(draft))
    draft.refresh_from_db()
    assert draft.headline == "Cranes move again"


def type_in_body(page, text):
    page.locator(EDITOR).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_text_typed_before_a_crash_is_offered_back_with_a_diff(new_page, draft, reporter):
    page = open_as(new_page, "rita", change_url(draft))
    type_in_body(page, " The union calls a vote for Friday.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Autosaved")
    page.context.close()  # the browser crashes: nothing was saved
    draft.refresh_from_db()
    assert "Friday" not in draft.body
    assert draft.version == 1  # no save, no revision

    page = open_as(new_page, "rita", change_url(draft))
    offer = page.locator(".draft-offer")
    expect(offer).to_contain_text("unsaved text")
    expect(offer.locator("ins")).to_contain_text("Friday")
    offer.get_by_role("link", name="Restore my text").click()
    expect(page.locator(EDITOR)).to_contain_text("The union calls a vote for Friday.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    assert "The union calls a vote for Friday." in draft.body
    assert not ArticleDraft.objects.exists()  # saving discards the autosaved draft


def test_a_new_story_typed_before_a_crash_can_be_restored_or_discarded(new_page, reporter):
    make_section(name="Harbour", slug="harbour")
    page = open_as(new_page, "rita", ADD_URL)
    page.locator("#id_headline").fill("Ferries cancelled")
    type_in_body(page, "All crossings are off tonight.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Autosaved")
    page.context.close()

    page = open_as(new_page, "rita", ADD_URL)
    offer = page.locator(".draft-offer")
    expect(offer).to_contain_text("Ferries cancelled")
    offer.get_by_role("button", name="Discard it").click()
    expect(page.locator(".messagelist")).to_contain_text("discarded")
    expect(page.locator(".draft-offer")).to_have_count(0)
    assert not ArticleDraft.objects.exists()


def test_typing_offline_loses_nothing_and_says_so(new_page, draft):
    page = open_as(new_page, "rita", change_url(draft))
    page.context.set_offline(True)
    type_in_body(page, " Typed on a train without signal.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("No connection")
    expect(status).to_contain_text("kept in this browser")
    page.context.set_offline(False)
    expect(status).to_contain_text("Connection back", timeout=15_000)
    saved = ArticleDraft.objects.get(article=draft)
    assert "Typed on a train without signal." in saved.content["body"]


def test_text_kept_offline_reaches_the_server_on_the_next_visit(new_page, draft, reporter):
    page = open_as(new_page, "rita", change_url(draft))
    page.context.set_offline(True)
    type_in_body(page, " Written in a tunnel.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("No connection")
    kept = page.context.storage_state()  # the browser's storage survives a crash
    page.context.close()
    assert not ArticleDraft.objects.exists()

    page = new_page(storage_state=kept)
    page.goto(change_url(draft))
    expect(page.locator("[data-autosave-problem]")).to_contain_text("Reload the page")
    page.reload()
    expect(page.locator(".draft-offer ins")).to_contain_text("Written in a tunnel.")
