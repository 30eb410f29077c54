"""The permission matrix, sent as real POSTs to the admin: role × transition × state."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTransition
from tests.workflow_helpers import (
    change_form_data,
    change_url,
    messages_of,
    publishable_article,
    staff_user,
    transition_url,
)

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "published", "scheduled", "withdrawn"]
TRANSITIONS = ["submit", "return", "publish", "schedule", "withdraw", "back_to_draft"]
ROLES = ["author_reporter", "other_reporter", "editor", "superuser"]

# From which states each transition may start, and which role may make it.
SOURCES = {
    "submit": {"draft"},
    "return": {"in_review"},
    "publish": {"in_review", "scheduled"},
    "schedule": {"in_review", "scheduled"},
    "withdraw": {"published", "scheduled"},
    "back_to_draft": {"withdrawn"},
}
ROLE_MAY = {
    "author_reporter": {"submit"},
    "other_reporter": set(),
    "editor": set(TRANSITIONS),
    "superuser": set(TRANSITIONS),
}
TARGET = {
    "submit": "in_review",
    "return": "draft",
    "publish": "published",
    "schedule": "scheduled",
    "withdraw": "withdrawn",
    "back_to_draft": "draft",
}


def state_of(article):
    if article.status == "published" and article.publish_at > timezone.now():
        return "scheduled"
    return article.status


def in_state(article, state):
    if state == "scheduled":
        article.status, article.publish_at = "published", timezone.now() + timedelta(days=2)
    elif state == "published":
        article.status, article.publish_at = "published", timezone.now() - timedelta(hours=1)
    else:
        article.status = state
    article.save()
    return article


@pytest.fixture
def people(reporter, editor, superuser):
    return {
        "author_reporter": reporter,
        "other_reporter": staff_user("otto", "Reporter"),
        "editor": editor,
        "superuser": superuser,
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(client, people, role, transition, state):
    article = in_state(publishable_article(people["author_reporter"].author), state)
    version = article.version
    client.force_login(people[role])
    in_three_days = timezone.localtime() + timedelta(days=3)
    response = client.post(
        transition_url(article, transition),
        {
            "version": version,
            "note": "Tighten the second paragraph.",
            "publish_at": in_three_days.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302  # back to the article, with a message, never a 500
    messages = messages_of(response)
    article.refresh_from_db()
    allowed = transition in ROLE_MAY[role] and state in SOURCES[transition]
    if allowed:
        assert state_of(article) == TARGET[transition], messages
        assert article.version == version + 1
        step = ArticleTransition.objects.get(article=article)
        assert (step.actor, step.name, step.to_status) == (
            people[role],
            transition,
            article.status,
        )
        assert step.note == "Tighten the second paragraph."
    else:
        assert state_of(article) == state
        assert article.version == version
        assert not ArticleTransition.objects.filter(article=article).exists()
        assert messages and ("may not" in messages[0] or "not possible" in messages[0])


EDIT_MAY = {
    "author_reporter": {"draft"},
    "other_reporter": set(),
    "editor": set(STATES),
    "superuser": set(STATES),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_edit_matrix(client, people, role, state):
    article = in_state(publishable_article(people["author_reporter"].author), state)
    client.force_login(people[role])
    response = client.post(change_url(article), change_form_data(article, headline="Rewritten"))
    article.refresh_from_db()
    if state in EDIT_MAY[role]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert article.headline == "Rewritten"
    elif role == "author_reporter":
        # Their own story moved on while they typed: refused, with their text given back.
        assert response.status_code == 200
        page = response.content.decode()
        assert "you can no longer edit it" in page
        assert "Rewritten</textarea>" in page
        assert article.headline != "Rewritten"
    else:
        assert response.status_code == 403
        assert article.headline != "Rewritten"


def test_a_reporter_cannot_set_the_state_or_publishing_time_through_the_form(client, reporter):
    article = publishable_article(reporter.author)
    client.force_login(reporter)
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    client.post(
        change_url(article),
        change_form_data(article, status="published", publish_at=tomorrow, headline="Mine"),
    )
    article.refresh_from_db()
    assert article.headline == "Mine"
    assert (article.status, article.publish_at) == ("draft", None)


def test_a_reporter_cannot_delete(client, reporter):
    article = publishable_article(reporter.author)
    client.force_login(reporter)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_reporter_cannot_publish_through_the_bulk_action(client, reporter):
    article = in_state(publishable_article(reporter.author), "in_review")
    client.force_login(reporter)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == "in_review"


def test_an_editor_publishes_through_the_bulk_action(client, editor, reporter):
    ready = in_state(publishable_article(reporter.author), "in_review")
    unready = in_state(publishable_article(reporter.author, lead_photo=None), "in_review")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, unready.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    unready.refresh_from_db()
    assert (ready.status, unready.status) == ("published", "in_review")
    assert "Still missing: a lead photo" in response.content.decode()


def test_a_new_story_by_a_reporter_carries_their_byline(client, reporter, publisher):
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Fresh",
            "slug": "fresh",
            "body": "<p>Words.</p>",
            "bylines-TOTAL_FORMS": 0,
            "bylines-INITIAL_FORMS": 0,
            "bylines-MIN_NUM_FORMS": 0,
            "bylines-MAX_NUM_FORMS": 1000,
            "related_links-TOTAL_FORMS": 0,
            "related_links-INITIAL_FORMS": 0,
            "_continue": "1",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="fresh")
    assert [byline.author for byline in article.bylines.all()] == [reporter.author]
    assert article.status == "draft"
