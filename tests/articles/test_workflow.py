"""The workflow beyond permissions: preconditions, scheduling, history, no lost edits, locks."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Byline, EditSession, ImageCredit
from tests.factories import jpeg_bytes, make_author, make_photo
from tests.tasks import committed, run_queued_tasks
from tests.workflow_helpers import (
    change_form_data,
    change_url,
    messages_of,
    publishable_article,
    staff_user,
    transition_url,
)

pytestmark = pytest.mark.django_db


def in_review(reporter, **fields):
    """A publishable story by `reporter`, submitted for review."""
    article = publishable_article(reporter.author, **fields)
    return workflow.submit(article, reporter, article.version)


def test_missing_publishing_requirements_are_listed_on_the_form_and_block_publishing(
    client, editor, reporter
):
    photo = make_photo(alt_text="", agency="", photographer="")
    article = in_review(reporter, lead_photo=photo, section=None, body="")
    client.force_login(editor)

    page = client.get(change_url(article)).content.decode()
    for missing in ["a body", "a section", "alt text for the lead photo", "a credit for the lead"]:
        assert missing in page

    response = client.post(transition_url(article, "publish"), {"version": article.version})
    article.refresh_from_db()
    assert article.status == "in_review"
    assert (
        "Still missing: a body, a section, alt text for the lead photo" in messages_of(response)[0]
    )


def a_photo_still_processing():
    """A photo saved a moment ago: its renditions task is queued, no worker has run it."""
    photo = ImageCredit(alt_text="Cranes at dusk", agency="NORDPRESS")
    with committed():
        photo.image.save("new.jpg", ContentFile(jpeg_bytes()))
    return photo


@pytest.mark.parametrize("name", ["publish", "schedule"])
def test_publishing_waits_for_the_lead_photos_renditions(client, editor, reporter, name):
    photo = a_photo_still_processing()
    article = publishable_article(reporter.author, lead_photo=photo)
    workflow.submit(article, reporter, article.version)
    client.force_login(editor)
    assert (
        "renditions of the lead photo (still being made"
        in client.get(change_url(article)).content.decode()
    )

    article.refresh_from_db()
    when = {"publish_at": f"{timezone.now().year + 1}-01-15T09:30"} if name == "schedule" else {}
    response = client.post(transition_url(article, name), {"version": article.version} | when)
    article.refresh_from_db()
    assert article.status == "in_review"
    assert (
        "Still missing: renditions of the lead photo (still being made: try again in a moment)"
        in messages_of(response)[0]
    )

    run_queued_tasks()
    response = client.post(transition_url(article, name), {"version": article.version} | when)
    article.refresh_from_db()
    assert article.status == "published"
    assert article.is_scheduled == (name == "schedule")


def test_a_lead_photo_whose_renditions_failed_blocks_publishing_and_says_what_to_do(
    editor, reporter
):
    article = publishable_article(reporter.author)
    ImageCredit.objects.filter(pk=article.lead_photo_id).update(
        rendition_status="failed", rendition_error="OSError: Truncated File Read"
    )
    workflow.submit(article, reporter, article.version)
    article.refresh_from_db()
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.publish(article, editor, article.version)
    assert "renditions of the lead photo (making them failed" in str(refused.value)
    assert "Make renditions again" in str(refused.value)
    article.refresh_from_db()
    assert article.status == "in_review"
    assert workflow.publish_blockers(article) == [
        "renditions of the lead photo (making them failed: open the photo and choose "
        "“Make renditions again”)"
    ]


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31T23:59", "at most ten years ahead"),
        ("9999-12-31T23:59-12:00", "at most ten years ahead"),
        ("3000-01-01T00:00", "at most ten years ahead"),
        ("2030-01-01T10:00+23:59", "No time zone is more than 14 hours from UTC"),
        ("2030-01-01T10:00-15:00", "No time zone is more than 14 hours from UTC"),
        ("0001-01-01T00:00+14:00", "Choose a time in the future"),
        ("10000-01-01T00:00", "Choose a time in the future"),
        ("2030-01-01T10:00+99:00", "Choose a time in the future"),
    ],
)
def test_scheduling_for_an_extreme_date_or_offset_is_refused_with_a_message(
    client, editor, reporter, settings, zone, typed, message
):
    """Dates near the calendar's end overflow when turned into another zone; no newsroom
    schedules that far ahead, and no zone is more than 14 hours from UTC."""
    settings.TIME_ZONE = zone
    article = in_review(reporter)
    client.force_login(editor)
    response = client.post(
        transition_url(article, "schedule"), {"version": article.version, "publish_at": typed}
    )
    assert response.status_code == 302
    assert any(message in text for text in messages_of(client.get(change_url(article)))), typed
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_scheduling_is_in_the_newsrooms_time_zone_and_needs_no_worker(
    client, editor, reporter, settings
):
    settings.TIME_ZONE = "Europe/Oslo"
    article = in_review(reporter)
    client.force_login(editor)
    next_year = timezone.now().year + 1
    response = client.post(
        transition_url(article, "schedule"),
        {"version": article.version, "publish_at": f"{next_year}-01-15T09:30"},
        follow=True,
    )
    article.refresh_from_db()
    assert article.publish_at == timezone.make_aware(
        timezone.datetime(next_year, 1, 15, 9, 30), ZoneInfo("Europe/Oslo")
    )
    assert f"Scheduled for 15 Jan {next_year}, 09:30 CET" in response.content.decode()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 404

    # When the time comes, published() lets it through: nothing has to run.
    article.publish_at = timezone.now() - timedelta(seconds=1)
    article.save()
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_scheduling_in_the_past_is_refused(client, editor, reporter):
    article = in_review(reporter)
    client.force_login(editor)
    response = client.post(
        transition_url(article, "schedule"),
        {"version": article.version, "publish_at": "2001-01-01T10:00"},
    )
    article.refresh_from_db()
    assert article.status == "in_review"
    assert "time in the future" in messages_of(response)[0]


def test_return_and_withdraw_need_a_note(client, editor, reporter):
    article = in_review(reporter)
    client.force_login(editor)
    response = client.post(transition_url(article, "return"), {"version": article.version})
    article.refresh_from_db()
    assert article.status == "in_review"
    assert "needs a note" in messages_of(response)[0]

    article = workflow.publish(article, editor, article.version)
    response = client.post(transition_url(article, "withdraw"), {"version": article.version})
    article.refresh_from_db()
    assert article.status == "published"
    assert "needs a note" in messages_of(response)[0]


def test_the_article_page_shows_every_transition_with_its_note(client, editor, reporter):
    article = publishable_article(reporter.author)
    article = workflow.submit(article, reporter, article.version)
    article = workflow.return_to_author(article, editor, article.version, "Needs a second source.")
    article = workflow.submit(article, reporter, article.version, "Added the mayor.")
    article = workflow.publish(article, editor, article.version)
    article = workflow.withdraw(article, editor, article.version, "Legal asked us to.")

    client.force_login(reporter)  # read-only for the reporter now, history included
    page = client.get(change_url(article)).content.decode()
    for text in [
        "Needs a second source.",
        "Added the mayor.",
        "Legal asked us to.",
        "In review → Published",
        "Published → Withdrawn",
    ]:
        assert text in page
    assert list(article.transitions.values_list("name", flat=True)) == [
        "withdraw",
        "publish",
        "submit",
        "return",
        "submit",
    ]


def test_a_bad_transition_request_is_a_message_not_a_500(client, editor, reporter):
    article = publishable_article(reporter.author)
    client.force_login(editor)
    response = client.post(transition_url(article, "submit"), {"version": "not-a-number"})
    assert response.status_code == 302
    assert "reload the page" in messages_of(response)[0]
    assert client.post(transition_url(article, "explode"), {"version": 1}).status_code == 404
    assert client.get(transition_url(article, "submit")).status_code == 405


# --- no lost edits ---


def test_a_stale_save_is_refused_and_the_second_editors_text_is_kept(client, editor, reporter):
    article = publishable_article(reporter.author, body="<p>Original text.</p>")
    second_editor = staff_user("erin", "Editor")
    second_editor.last_name = "Eriksen"
    second_editor.save()

    # Both load the same form (version N).
    client.force_login(editor)
    assert client.get(change_url(article)).status_code == 200
    loaded = Article.objects.get(pk=article.pk)

    client.force_login(second_editor)
    first = client.post(
        change_url(article),
        change_form_data(loaded, headline="Erin's headline", body="<p>Erin's text.</p>"),
    )
    assert first.status_code == 302

    client.force_login(editor)
    second = client.post(
        change_url(article),
        change_form_data(loaded, headline="Eddie's headline", body="<p>Eddie's own paragraph.</p>"),
    )
    assert second.status_code == 200  # the form again, not a redirect
    page = second.content.decode()
    assert "Erin Eriksen saved this article at" in page
    assert "changed: headline, body" in page
    assert "Eddie&#x27;s own paragraph." in page  # the refused text is still in the form
    assert "Eddie&#x27;s headline</textarea>" in page  # the headline wraps: a textarea

    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Erin's headline"
    assert stored.body == "<p>Erin's text.</p>"
    assert stored.version == loaded.version + 1


def test_transitions_check_the_version_too(client, editor, reporter):
    article = in_review(reporter)
    stale = article.version
    client.force_login(editor)
    client.post(change_url(article), change_form_data(article, dek="A new standfirst."))

    response = client.post(transition_url(article, "publish"), {"version": stale})
    article.refresh_from_db()
    assert article.status == "in_review"
    assert "after you opened it, and changed: dek" in messages_of(response)[-1]


def test_the_soft_lock_names_who_is_editing_and_since_when(client, editor, reporter, settings):
    settings.TIME_ZONE = "UTC"
    article = publishable_article(reporter.author)
    client.force_login(reporter)
    client.get(change_url(article))  # opening the page takes the lock
    session = EditSession.objects.get(article=article, user=reporter)
    since = timezone.localtime(session.started_at).strftime("%H:%M")

    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert f"rita has been editing this since {since}." in page

    heartbeat = reverse("admin:articles_article_heartbeat", args=[article.pk])
    assert client.post(heartbeat).json() == {"notice": f"rita has been editing this since {since}."}

    # The reporter closes the page: a few minutes later the lock has gone.
    session.last_seen_at = timezone.now() - timedelta(seconds=settings.EDIT_LOCK_TIMEOUT + 1)
    session.save()
    assert client.post(heartbeat).json() == {"notice": ""}


def test_only_people_who_may_edit_hold_a_lock(client, reporter):
    article = publishable_article(reporter.author)
    other = staff_user("otto", "Reporter")
    client.force_login(other)
    assert client.get(change_url(article)).status_code == 200  # read-only view
    heartbeat = reverse("admin:articles_article_heartbeat", args=[article.pk])
    assert client.post(heartbeat).status_code == 403
    assert not EditSession.objects.filter(user=other).exists()


def test_the_change_page_is_a_fixed_number_of_queries(client, editor, reporter):
    """The edit page costs the same with one byline and tag as with eight of each."""
    small = publishable_article(reporter.author, tags=["one"])
    big = publishable_article(reporter.author, tags=[f"tag {i}" for i in range(8)])
    for position in range(1, 8):
        Byline.objects.create(article=big, author=make_author(), position=position)
    client.force_login(editor)
    counts = []
    for article in (small, big, small):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(change_url(article)).status_code == 200
        counts.append(len(queries))
    # The first load also fills per-process caches (content types, permissions). Byline rows
    # are not free: Django's autocomplete widget looks up the author each row shows.
    # (One of them reads the related stories picked on the page, one the story's live coverage.)
    assert counts[2] <= 29
    assert counts[1] - counts[2] <= 2 * 7


def test_a_save_that_loses_the_race_after_loading_is_refused(rf, editor, reporter):
    """Someone saves between our reading the article and our check: the claim fails."""
    from django.contrib import admin

    article = publishable_article(reporter.author)
    our_copy = Article.objects.get(pk=article.pk)  # what the admin read for this request
    article.headline = "Their headline"
    article.save()  # committed just after we read

    request = rf.post(change_url(article))
    request.user = editor
    model_admin = admin.site._registry[Article]
    form_class = model_admin.get_form(request, our_copy, change=True)
    form = form_class(data=change_form_data(our_copy, headline="Ours"), instance=our_copy)
    assert not form.is_valid()
    assert "changed: headline" in str(form.non_field_errors())
    assert Article.objects.get(pk=article.pk).headline == "Their headline"
