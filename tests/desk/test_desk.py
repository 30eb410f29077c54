"""The admin home page is the newsroom's desk."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import ArticleTransition
from tests.factories import make_article, make_author
from tests.workflow_helpers import change_url, publishable_article

pytestmark = pytest.mark.django_db


def test_a_reporter_sees_their_drafts_and_what_came_back_with_the_note(client, reporter, editor):
    draft = publishable_article(reporter.author, headline="Still writing")
    returned = publishable_article(reporter.author, headline="Sent back")
    returned = workflow.submit(returned, reporter, returned.version)
    workflow.return_to_author(returned, editor, returned.version, "Call the council first.")
    publishable_article(make_author(), headline="Not mine")

    client.force_login(reporter)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Returned to you" in page
    assert "Call the council first." in page
    assert f'href="{change_url(returned)}">Sent back</a>' in page
    assert f'href="{change_url(draft)}">Still writing</a>' in page
    assert "Not mine" not in page
    assert "Review queue" not in page  # reporters have no editor's desk


def test_an_editor_sees_the_queue_oldest_first_the_schedule_today_and_corrections(
    client, editor, reporter, django_assert_max_num_queries
):
    now = timezone.now()
    older = publishable_article(reporter.author, headline="Waiting longest")
    newer = publishable_article(reporter.author, headline="Just arrived")
    workflow.submit(older, reporter, older.version)
    workflow.submit(newer, reporter, newer.version)
    ArticleTransition.objects.filter(article=older).update(created_at=now - timedelta(hours=5))
    make_article(headline="Tomorrow's story", publish_at=now + timedelta(days=1))
    make_article(headline="Next month's story", publish_at=now + timedelta(days=30))
    today = make_article(headline="Out this morning", publish_at=now - timedelta(minutes=5))
    workflow.add_correction(today, editor, "correction", "Spelling of the minister's name.")

    client.force_login(editor)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("admin:index")).content.decode()
    assert page.index("Waiting longest") < page.index("Just arrived")
    assert "waiting 5\xa0hours" in page
    assert "Tomorrow&#x27;s story" in page
    assert "Next month" not in page
    assert f'href="{change_url(today)}">Out this morning</a>' in page
    assert "Recent corrections" in page
