"""A partner opens their embargoed link in a real browser and copies the story: the desk sees it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import EmbargoShare
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_copying_from_an_embargoed_link_is_recorded(new_page, publisher, editor):
    story = make_article(
        headline="Joint investigation: the harbour deal",
        publish_at=timezone.now() + timedelta(hours=6),
    )
    share = workflow.share_under_embargo(
        story, editor, "Harbour Times", "desk@harbour.example", story.publish_at
    )
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(share.get_absolute_url())
    assert "Embargoed until" in page.get_by_role("status").first.inner_text()
    page.get_by_role("button", name="Copy HTML").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert "<h1>Joint investigation: the harbour deal</h1>" in page.evaluate(
        "navigator.clipboard.readText()"
    )
    for _attempt in range(50):  # the beacon is sent after the copy, without waiting for it
        share = EmbargoShare.objects.get(pk=share.pk)
        if share.copy_count:
            break
        page.wait_for_timeout(100)
    assert share.copy_count == 1 and share.open_count == 1
