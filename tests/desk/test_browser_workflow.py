"""The workflow in a real browser: write, submit, publish, read; and a stale tab refused."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser_helpers import log_in
from tests.factories import make_photo, make_section
from tests.workflow_helpers import change_url, publishable_article

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, field, text):
    """Pick `text` in one of the admin's autocomplete (select2) fields."""
    page.click(f'[aria-labelledby="select2-id_{field}-container"]')
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option >> text={text}")


def test_reporter_writes_and_submits_editor_publishes_reader_reads(
    new_page, reporter, editor, publisher
):
    make_section(name="Harbour", slug="harbour")
    make_photo(caption="Cranes at dawn", alt_text="Cranes against a pink sky")

    writer = new_page()
    log_in(writer, "rita")
    writer.goto("/admin/articles/article/add/")
    writer.locator("#id_headline").press_sequentially("Ferry strike ends after nine days")
    expect(writer.locator("#id_slug")).to_have_value("ferry-strike-ends-after-nine-days")
    choose(writer, "section", "Harbour")
    choose(writer, "lead_photo", "Cranes at dawn")
    editor_area = writer.locator(".ProseMirror[contenteditable=true]")
    editor_area.click()
    writer.keyboard.type("Ferries sail again from Monday. ")
    writer.keyboard.press("Control+b")
    writer.keyboard.type("Unions accepted the offer.")
    writer.keyboard.press("Control+b")
    writer.keyboard.press("Enter")
    # Pasting from a web page or a word processor: only what the editor allows survives.
    editor_area.evaluate(
        """(element, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Pasted");
            const paste = new ClipboardEvent("paste", {clipboardData: data, bubbles: true});
            element.dispatchEvent(paste);
        }""",
        '<p style="color:red">Pasted <span style="font-size:40px">words</span></p>'
        '<script>alert(1)</script><img src="x" onerror="alert(1)">'
        "<blockquote><p>A quoted line.</p></blockquote>",
    )
    expect(editor_area.locator("blockquote")).to_have_text("A quoted line.")
    assert "font-size" not in editor_area.inner_html()  # cleaned in the editor, before the server
    writer.click("input[name=_continue]")
    expect(writer.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="ferry-strike-ends-after-nine-days")
    assert "<strong>Unions accepted the offer.</strong>" in article.body
    assert "<p>Pasted words</p>" in article.body
    assert "<blockquote><p>A quoted line.</p></blockquote>" in article.body
    for unwanted in ["style=", "<script", "<img", "onerror", "<span"]:
        assert unwanted not in article.body
    assert [byline.author for byline in article.bylines.all()] == [reporter.author]

    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("now in review")
    # Reporters cannot publish: no such button for them.
    expect(writer.get_by_role("button", name="Publish now")).to_have_count(0)

    desk = new_page()
    log_in(desk, "eddie")
    desk.get_by_role("link", name="Ferry strike ends after nine days").click()
    desk.get_by_role("button", name="Publish now").click()
    expect(desk.locator(".messagelist")).to_contain_text("now published")

    reader = new_page()
    reader.goto("/")
    reader.get_by_role("link", name="Ferry strike ends after nine days").first.click()
    expect(reader.locator(".article__body")).to_contain_text("Unions accepted the offer.")


def test_a_stale_second_tab_is_refused_with_the_message(new_page, editor, reporter, publisher):
    article = publishable_article(reporter.author, headline="Budget vote delayed")
    first = new_page()
    log_in(first, "eddie")
    second = first.context.new_page()
    first.goto(change_url(article))
    second.goto(change_url(article))

    first.fill("#id_headline", "Budget vote delayed to Friday")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_dek", "My standfirst from the second tab.")
    second.click("input[name=_continue]")
    expect(second.locator(".errornote, .errorlist").first).to_be_visible()
    expect(second.locator("body")).to_contain_text(
        re.compile(r"saved this article at .* and changed: headline")
    )
    expect(second.locator("#id_dek")).to_have_value("My standfirst from the second tab.")
    article.refresh_from_db()
    assert article.headline == "Budget vote delayed to Friday"
    assert article.dek != "My standfirst from the second tab."


def test_others_see_who_is_editing(new_page, editor, reporter, publisher, settings):
    settings.EDIT_LOCK_HEARTBEAT = 1
    article = publishable_article(reporter.author, headline="Council meets")
    writer = new_page()
    log_in(writer, "rita")
    writer.goto(change_url(article))

    desk = new_page()
    log_in(desk, "eddie")
    desk.goto(change_url(article))
    expect(desk.locator("[data-edit-lock-notice]")).to_contain_text(
        re.compile(r"rita has been editing this since \d\d:\d\d")
    )
    expect(writer.locator("[data-edit-lock-notice]")).to_contain_text(
        re.compile(r"eddie has been editing this since \d\d:\d\d")
    )
