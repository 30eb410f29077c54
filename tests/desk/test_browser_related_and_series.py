"""An editor picks related stories and arranges a series in a real browser; readers see both."""

import pytest
from playwright.sync_api import expect

from articles.models import RelatedStory, Series
from tests.browser_helpers import log_in
from tests.factories import make_article
from tests.workflow_helpers import change_url

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, field_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) fields."""
    page.click(f'[aria-labelledby="select2-{field_id}-container"]')
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option >> text={text}")


def test_an_editor_picks_related_stories_that_readers_then_see(new_page, editor, publisher):
    story = make_article(headline="Harbour strike enters second week")
    make_article(headline="Dockers vote to strike")
    make_article(headline="Port owners offer talks")
    page = new_page()
    log_in(page, "eddie")
    page.goto(change_url(story))
    choose(page, "id_related_links-0-related", "Port owners offer talks")
    page.fill("#id_related_links-0-position", "2")
    page.get_by_role("button", name="Add another Related story").click()
    choose(page, "id_related_links-1-related", "Dockers vote to strike")
    page.fill("#id_related_links-1-position", "1")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    picked = RelatedStory.objects.filter(article=story)
    assert [link.related.headline for link in picked] == [
        "Dockers vote to strike",
        "Port owners offer talks",
    ]

    page.goto(story.get_absolute_url())
    related = page.locator(".related__list a")
    expect(related).to_have_text(["Dockers vote to strike", "Port owners offer talks"])


def test_an_editor_makes_and_reorders_a_series(new_page, editor, publisher):
    make_article(headline="The money trail")
    make_article(headline="The shell companies")
    page = new_page()
    log_in(page, "eddie")
    page.goto("/admin/articles/series/add/")
    page.locator("#id_name").press_sequentially("The harbour files")
    expect(page.locator("#id_slug")).to_have_value("the-harbour-files")
    choose(page, "id_parts-0-article", "The shell companies")
    page.fill("#id_parts-0-position", "1")
    page.get_by_role("button", name="Add another Part").click()
    choose(page, "id_parts-1-article", "The money trail")
    page.fill("#id_parts-1-position", "2")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    series = Series.objects.get(slug="the-harbour-files")
    page.goto(series.get_absolute_url())
    expect(page.locator(".series-list .card__headline")).to_have_text(
        ["The shell companies", "The money trail"]
    )

    # The money trail comes first after all: swap the two numbers.
    page.goto(f"/admin/articles/series/{series.pk}/change/")
    page.fill("#id_parts-0-position", "2")
    page.fill("#id_parts-1-position", "1")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(series.get_absolute_url())
    expect(page.locator(".series-list .card__headline")).to_have_text(
        ["The money trail", "The shell companies"]
    )
    page.get_by_role("link", name="The shell companies").click()
    expect(page.locator(".series-label")).to_contain_text("Part 2 of 2")
