"""Filing a complete story in a real browser, counting what it costs the reporter.

Selectors are roles and labels only (never the change form's layout), so the test holds while
the screen's layout changes.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser_helpers import log_in
from tests.factories import make_author
from tests.photo_files import jpeg

pytestmark = pytest.mark.django_db(transaction=True)

# What filing a complete story may cost at most; README ("Filing a story") states the count.
FILING_BUDGET = {"clicks": 14, "keys_outside_text": 0, "page_loads": 3}

PARAGRAPHS = [
    "Ferries sail again from Monday after a nine-day strike.",
    "Unions accepted the operator's offer late on Sunday.",
    "The harbour master said the first crossing leaves at six.",
    "Travellers stranded on the islands get their fares refunded.",
]


class Counted:
    """The reporter's hands: clicks and keys outside the text, and the pages the browser loads."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.keys_outside_text = 0
        self.page_loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.page_loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def choose_file(self, locator, path):
        """Choosing a file in the system's dialog: one click on the input, one on the file."""
        self.clicks += 2
        locator.set_input_files(path)

    def type(self, locator, text):
        """Typing text (letters, spaces, Enter between paragraphs): the writing itself."""
        locator.press_sequentially(text)

    def type_here(self, text):
        """Typing where the focus is (a search box that opened for it), once it has it."""
        expect(self.page.locator(".select2-container--open .select2-search__field")).to_be_focused()
        self.page.keyboard.type(text)

    def press(self, key):
        self.keys_outside_text += 1
        self.page.keyboard.press(key)

    def totals(self):
        return {
            "clicks": self.clicks,
            "keys_outside_text": self.keys_outside_text,
            "page_loads": self.page_loads,
        }


def test_a_reporter_files_a_complete_story_within_the_click_budget(
    new_page, reporter, publisher, tmp_path
):
    make_author(name="Saga Lund", slug="saga-lund")
    photo_file = tmp_path / "ferry-at-dawn.jpg"
    photo_file.write_bytes(jpeg((1200, 800)))

    page = new_page(viewport={"width": 1440, "height": 900})
    log_in(page, "rita")
    hands = Counted(page)
    page.goto("/admin/articles/article/add/")

    hands.click(page.get_by_label("Headline:", exact=True))
    hands.type(page.get_by_label("Headline:", exact=True), "Ferry strike ends after nine days")
    hands.click(page.get_by_label("Dek"))
    hands.type(page.get_by_label("Dek"), "Crossings resume on Monday.")

    body = page.get_by_role("textbox", name="Body")
    hands.click(body)
    hands.type(body, "\n".join(PARAGRAPHS))

    hands.click(page.get_by_role("button", name="Insert photo"))
    dialog = page.get_by_role("dialog", name="Insert a photo")
    hands.choose_file(dialog.get_by_label("Photo file"), photo_file)
    hands.click(dialog.get_by_label("Alt text"))
    hands.type(dialog.get_by_label("Alt text"), "A ferry leaving the quay at dawn")
    hands.click(dialog.get_by_label("Photographer"))
    hands.type(dialog.get_by_label("Photographer"), "Lena Holm")
    hands.click(dialog.get_by_role("button", name="Upload and insert"))
    expect(dialog).to_have_count(0)
    expect(page.locator("figure[data-photo-id]")).to_contain_text("LENA HOLM", ignore_case=True)

    bylines = page.get_by_role("group", name="Bylines")
    hands.click(bylines.get_by_role("combobox").first)
    hands.type_here("Saga")  # select2 opens its search box focused
    hands.click(page.get_by_role("option", name="Saga Lund"))

    hands.click(page.get_by_role("combobox", name="Tags"))
    hands.type(page.get_by_role("combobox", name="Tags"), "Ferries, Strikes, Islands")

    hands.click(page.get_by_role("button", name="Save and continue editing"))
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    hands.click(page.get_by_role("button", name="Submit for review"))
    expect(page.get_by_text("now in review")).to_be_visible()

    article = Article.objects.get(headline="Ferry strike ends after nine days")
    assert article.status == Article.Status.IN_REVIEW
    assert article.dek == "Crossings resume on Monday."
    for paragraph in PARAGRAPHS:
        assert f"<p>{paragraph}</p>" in article.body
    [photo] = article.inline_photos.all()
    assert f'<figure data-photo-id="{photo.pk}"></figure>' in article.body
    assert photo.alt_text == "A ferry leaving the quay at dawn"
    assert photo.credit_line == "Lena Holm"
    names = {byline.author.name for byline in article.bylines.all()}
    assert names == {"Saga Lund", "Rita Reporter"}
    assert sorted(tag.name for tag in article.tags.all()) == ["Ferries", "Islands", "Strikes"]

    totals = hands.totals()
    print("filing a story cost", totals)
    for measure, most in FILING_BUDGET.items():
        assert totals[measure] <= most, (measure, totals)
