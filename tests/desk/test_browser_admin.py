"""What an editor does in the admin, in a real browser."""

import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


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
