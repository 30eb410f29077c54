"""What an editor does in the admin, in a real browser."""

import pytest
from django.urls import reverse

from tests.browser_helpers import log_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_tag_field_suggests_existing_tags(new_page, editor, publisher):
    article = make_article(tags=["Diplomacy", "Trade"])
    page = new_page()
    log_in(page, "eddie")
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    tags = page.locator("#id_tags")
    tags.fill("")
    tags.press_sequentially("Trade, dip")
    option = page.locator("#id_tags-suggestions option")
    option.first.wait_for(state="attached")
    assert option.first.get_attribute("value") == "Trade, Diplomacy, "
