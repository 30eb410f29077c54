"""What a partner editor does in a real browser: the "Republish this story" dialog, and a copy
pasted on another site that is counted."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import RepublicationView
from republication.counting import flush_counts
from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(publisher):
    wire_photo = make_photo(agency="REUTERS", caption="Wire photo caption.", may_republish=False)
    return make_article(
        headline="Harbour talks stall",
        authors=[make_author(name="Saga Lund", affiliation="Nordic Desk")],
        lead_photo=wire_photo,
        body="<p>The story as published.</p>",
    )


def focus_is_inside_dialog(page):
    return page.evaluate(
        "document.getElementById('republish-dialog').contains(document.activeElement)"
    )


def test_dialog_opens_copies_and_closes_from_the_keyboard(new_page, story):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(story.get_absolute_url())
    dialog = page.locator("#republish-dialog")
    assert not dialog.is_visible()

    opener = page.get_by_role("link", name="Republish this story")
    opener.focus()
    page.keyboard.press("Enter")
    html_box = page.get_by_label("HTML, ready to paste")
    html_box.wait_for()
    assert dialog.evaluate("element => element.open")
    assert page.url.endswith(story.get_absolute_url())  # a dialog, not a new page
    assert focus_is_inside_dialog(page)
    assert "rights reasons" in dialog.inner_text()

    page.get_by_role("button", name="Copy HTML").click()
    status = page.get_by_role("status")
    status.filter(has_text="Copied to the clipboard.").wait_for()
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert clipboard == html_box.input_value()
    assert "<h1>Harbour talks stall</h1>" in clipboard
    assert "By Saga Lund, Nordic Desk" in clipboard

    page.keyboard.press("Escape")
    assert not dialog.evaluate("element => element.open")
    assert page.evaluate("document.activeElement.hasAttribute('data-republish-open')")

    # Opening again does not fetch twice, and the Close button also returns focus.
    page.keyboard.press("Enter")
    assert dialog.evaluate("element => element.open")
    page.get_by_role("button", name="Close").click()
    assert not dialog.evaluate("element => element.open")
    assert page.evaluate("document.activeElement.hasAttribute('data-republish-open')")


def test_without_javascript_the_partner_gets_a_page_of_its_own(new_page, story):
    page = new_page(java_script_enabled=False)
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="Republish this story").click()
    page.wait_for_url("**/republish/")
    assert "<h1>Harbour talks stall</h1>" in page.get_by_label("HTML, ready to paste").input_value()


@pytest.fixture
def partner_site():
    """Another site on this machine: serves whatever page the test gives it, as a partner would."""
    pages = {}

    class PartnerHandler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.pages = pages
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def test_pasted_copy_shows_the_story_on_another_site_and_is_counted(
    new_page, story, live_server, partner_site
):
    page = new_page()
    page.goto(story.get_absolute_url() + "republish/")
    snippet = page.get_by_label("HTML, ready to paste").input_value()
    # The suite's SITE_URL is not the live server's address: point the copy at the live server.
    snippet = snippet.replace("http://127.0.0.1:8000", live_server.url)
    partner_site.pages["/news/harbour-talks/"] = (
        f"<!DOCTYPE html><html lang='en'><title>Partner</title><body>{snippet}</body></html>"
    )
    partner_page = partner_site.url + "/news/harbour-talks/"

    # A reader's Chromium: the headless one says "HeadlessChrome", which is not counted.
    browser_agent = page.evaluate("navigator.userAgent").replace("HeadlessChrome", "Chrome")
    partner = new_page(user_agent=browser_agent)
    with partner.expect_response("**/pixel.gif") as pixel:
        partner.goto(partner_page)
    assert pixel.value.status == 200
    partner.wait_for_load_state("load")
    assert partner.get_by_role("heading", name="Harbour talks stall").is_visible()
    assert partner.get_by_text("By Saga Lund, Nordic Desk").is_visible()
    logo = partner.get_by_role("img", name="The Test Wire")
    assert logo.evaluate("image => image.complete && image.naturalWidth > 0")
    assert partner.get_by_role("link", name="The Test Wire").count() >= 1
    assert "Wire photo caption." not in partner.content()
    assert "REUTERS" not in partner.content()

    partner.reload()  # the same reader again: counted once
    flush_counts()
    row = RepublicationView.objects.get(article=story)
    site = partner_site.url.removeprefix("http://")
    assert (row.site, row.page_url, row.views) == (site, partner_page, 1)
