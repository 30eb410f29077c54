"""Webhooks: signed, queued on commit, retried with backoff, logged, and never sent to a
private address — checked against a real receiver on a local port."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, Licence
from republication.models import WebhookDelivery
from republication.webhooks import RefusedTarget, checked_addresses, deliver_webhook
from tests.factories import make_author
from tests.network import closed_port
from tests.republication.partner_helpers import (
    WEBHOOK_SECRET,
    WebhookReceiver,
    make_partner,
    self_signed_certificate,
)
from tests.tasks import committed, run_queued_tasks, tasks_run_after
from tests.workflow_helpers import publishable_article, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    with WebhookReceiver() as running:
        # The one private address the tests let webhooks reach: this receiver's own.
        settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS = [f"127.0.0.1:{running.port}"]
        settings.WEBHOOK_RETRY_DELAYS = [1, 1]
        yield running


@pytest.fixture
def newsroom(publisher, receiver):
    publisher.licence = Licence.CC_BY
    publisher.save()
    partner, _key = make_partner(webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
    return partner


@pytest.fixture
def editor_user(db):
    return staff_user("editor", "Editor")


def published_story(editor_user, **fields):
    story = publishable_article(make_author(), status=Article.Status.IN_REVIEW, **fields)
    with tasks_run_after():
        workflow.publish(story, editor_user, None)
    story.refresh_from_db()
    return story


def test_publishing_sends_a_signed_timestamped_webhook(newsroom, receiver, editor_user):
    story = published_story(editor_user, slug="harbour-opens")
    [request] = receiver.requests
    assert request["verified"], request["headers"]
    assert abs(int(request["headers"]["X-Newsroom-Timestamp"]) - time.time()) < 60
    event = json.loads(request["body"])
    assert event["event"] == "published"
    assert event["item"]["uri"].endswith("/articles/harbour-opens/")
    assert event["item"]["pubStatus"] == "usable"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert delivery.article == story


def test_the_signature_covers_the_timestamp(newsroom, receiver, editor_user):
    """A replay with a fresh timestamp but the old signature fails the receiver's check."""
    published_story(editor_user)
    request = receiver.requests[0]
    replayed = dict(request["headers"])
    replayed["X-Newsroom-Timestamp"] = str(int(time.time()) + 1)
    assert not receiver.verify(replayed, request["body"])
    stale = dict(request["headers"])
    stale["X-Newsroom-Timestamp"] = str(int(time.time()) - 3600)
    assert not receiver.verify(stale, request["body"])


def test_nothing_is_sent_before_the_change_commits(newsroom, receiver, editor_user):
    story = publishable_article(make_author(), status=Article.Status.IN_REVIEW)
    workflow.publish(story, editor_user, None)  # the test's transaction never commits
    run_queued_tasks()
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_failing_receiver_gets_retries_until_it_answers(newsroom, receiver, editor_user):
    receiver.answers = [500, 503]
    published_story(editor_user)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    run_queued_tasks(include_deferred=True)
    delivery.refresh_from_db()
    assert [request["verified"] for request in receiver.requests] == [True, True, True]
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)


def test_a_receiver_that_keeps_failing_is_logged_as_failed(newsroom, receiver, editor_user):
    receiver.answers = [500] * 10
    published_story(editor_user)
    run_queued_tasks(include_deferred=True)
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3  # the first try and the two retries
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "500" in delivery.error


def test_corrections_updates_and_withdrawals_are_announced(newsroom, receiver, editor_user):
    story = published_story(editor_user)
    Article.objects.filter(pk=story.pk).update(publish_at=timezone.now() - timedelta(hours=1))
    story.refresh_from_db()
    with tasks_run_after():
        workflow.add_correction(story, editor_user, "correction", "The port is in Varenna.")
    with committed():
        story.dek = "A better standfirst."
        story.save()
    run_queued_tasks(include_deferred=True)  # a minute later
    with tasks_run_after():
        workflow.withdraw(story, editor_user, None, "A source recanted.")
    events = receiver.events()
    assert [event["event"] for event in events] == [
        "published",
        "corrected",
        "updated",
        "withdrawn",
    ]
    corrected = events[1]["item"]["descriptions"]
    assert any("The port is in Varenna." in note["value"] for note in corrected)
    withdrawn = events[3]["item"]
    assert withdrawn["pubStatus"] == "canceled"
    assert withdrawn["descriptions"][0]["value"] == "A source recanted."
    assert "bodies" not in withdrawn
    assert all(request["verified"] for request in receiver.requests)


def test_edits_saved_in_a_row_make_one_update_with_the_last(newsroom, receiver, editor_user):
    story = published_story(editor_user)
    Article.objects.filter(pk=story.pk).update(publish_at=timezone.now() - timedelta(hours=1))
    story.refresh_from_db()
    for dek in ["First try.", "Second try.", "Final standfirst."]:
        with committed():
            story.dek = dek
            story.save()
    assert [event["event"] for event in receiver.events()] == ["published"]  # not yet
    run_queued_tasks(include_deferred=True)  # a minute later
    events = receiver.events()
    assert [event["event"] for event in events] == ["published", "updated"]
    assert events[1]["item"]["descriptions"][0]["value"] == "Final standfirst."


def test_a_scheduled_story_is_announced_when_it_goes_out(newsroom, receiver, editor_user):
    story = publishable_article(make_author(), status=Article.Status.IN_REVIEW)
    with tasks_run_after():
        workflow.schedule(story, editor_user, None, timezone.now() + timedelta(hours=2))
    assert receiver.requests == []
    Article.objects.filter(pk=story.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    run_queued_tasks(include_deferred=True)  # the clock has moved on
    assert [event["event"] for event in receiver.events()] == ["published"]


def test_a_story_published_early_is_announced_once(newsroom, receiver, editor_user):
    story = publishable_article(make_author(), status=Article.Status.IN_REVIEW)
    with tasks_run_after():
        workflow.schedule(story, editor_user, None, timezone.now() + timedelta(hours=2))
    with tasks_run_after():
        workflow.publish(story, editor_user, None)
    run_queued_tasks(include_deferred=True)  # the time it had been scheduled for comes
    assert [event["event"] for event in receiver.events()] == ["published"]


def test_a_story_unscheduled_before_its_time_is_never_announced(newsroom, receiver, editor_user):
    story = publishable_article(make_author(), status=Article.Status.IN_REVIEW)
    with tasks_run_after():
        workflow.schedule(story, editor_user, None, timezone.now() + timedelta(hours=2))
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    run_queued_tasks(include_deferred=True)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_stories_not_for_republication_are_never_announced(newsroom, receiver, editor_user):
    published_story(editor_user, licence=Licence.NONE)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_by_default_even_a_loopback_receiver_is_refused(newsroom, receiver, editor_user, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS = []
    published_story(editor_user)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "refused" and "127.0.0.1" in delivery.error


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/hook",
        "http://127.0.0.2:{port}/hook",
        "http://[::1]:{port}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:{port}/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_and_loopback_targets_are_never_called(
    newsroom, receiver, editor_user, target, settings
):
    """With the default, strict setting, the receiver under any private name or address (and
    every other private address) is refused before anything is sent."""
    settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS = []
    newsroom.webhook_url = target.format(port=receiver.port)
    newsroom.save()
    published_story(editor_user)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "refused" and delivery.attempts == 1
    with pytest.raises(RefusedTarget):
        checked_addresses(delivery.url)


def test_another_loopback_port_is_not_allowed(newsroom, receiver, editor_user):
    """The exception is one exact address and port: a second local server is refused."""
    with WebhookReceiver() as other:
        newsroom.webhook_url = other.url
        newsroom.save()
        published_story(editor_user)
        assert other.requests == []
    assert WebhookDelivery.objects.get().status == "refused"


def test_redirects_are_not_followed(newsroom, receiver, editor_user, settings):
    with WebhookReceiver(answers=[302], redirect_to=receiver.url) as redirecting:
        settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS += [f"127.0.0.1:{redirecting.port}"]
        newsroom.webhook_url = redirecting.url
        newsroom.save()
        published_story(editor_user)
        assert len(redirecting.requests) == 1
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and "Redirects" in delivery.error


def test_https_receivers_must_show_a_valid_certificate(newsroom, editor_user, settings, tmp_path):
    """The connection goes to the checked address, but TLS is still verified: a receiver
    whose certificate no authority signed gets nothing."""
    with WebhookReceiver(tls=self_signed_certificate(tmp_path)) as untrusted:
        settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS = [f"127.0.0.1:{untrusted.port}"]
        newsroom.webhook_url = untrusted.url
        newsroom.save()
        published_story(editor_user)
        assert untrusted.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "CERTIFICATE_VERIFY_FAILED" in delivery.error


def test_an_unreachable_receiver_is_retried(newsroom, editor_user, settings):
    port = closed_port()
    settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS = [f"127.0.0.1:{port}"]
    newsroom.webhook_url = f"http://127.0.0.1:{port}/hook"
    newsroom.save()
    published_story(editor_user)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "ConnectionRefused" in delivery.error
    run_queued_tasks(include_deferred=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)


def test_a_suspended_partner_gets_nothing_more(newsroom, receiver, editor_user):
    receiver.answers = [500]
    published_story(editor_user)
    newsroom.status = newsroom.Status.SUSPENDED
    newsroom.save()
    run_queued_tasks(include_deferred=True)
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == "cancelled"


def test_a_delivery_runs_once_however_often_its_task_does(newsroom, receiver, editor_user):
    published_story(editor_user)
    delivery = WebhookDelivery.objects.get()
    deliver_webhook.call(delivery.pk)
    assert len(receiver.requests) == 1
