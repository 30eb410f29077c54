"""What a reader does in a real browser: the font-size control."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def body_font_size(page):
    return page.eval_on_selector(
        ".article__body", "element => parseFloat(getComputedStyle(element).fontSize)"
    )


def test_font_size_control_works_from_the_keyboard_and_is_remembered(new_page, publisher):
    first, second = make_article(), make_article()
    page = new_page()
    page.goto(first.get_absolute_url())
    default_size = body_font_size(page)

    larger = page.get_by_role("button", name="Larger text")
    larger.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert body_font_size(page) > default_size
    assert page.locator("[data-font-size-value]").inner_text() == "125%"

    page.goto(second.get_absolute_url())
    assert body_font_size(page) == pytest.approx(default_size * 1.25)

    page.get_by_role("button", name="Default text size").click()
    assert body_font_size(page) == pytest.approx(default_size)


def test_article_reads_fine_without_javascript(new_page, publisher):
    article = make_article(body="<p>Readable without scripts.</p>")
    page = new_page(java_script_enabled=False)
    page.goto(article.get_absolute_url())
    assert page.get_by_text("Readable without scripts.").is_visible()
    assert not page.locator("[data-font-size-control]").is_visible()
    assert body_font_size(page) >= 16
