"""Embargoed advance sharing: a partner's own signed link to a story before it is published."""

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, EmbargoShare, Licence
from tests.admin_forms import admin_form
from tests.factories import make_article, make_section
from tests.workflow_helpers import messages_of

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/embargoshare/add/"


@pytest.fixture
def scheduled(publisher):
    return make_article(
        headline="Joint investigation: the harbour deal",
        slug="harbour-deal",
        body="<p>The documents show the deal.</p>",
        publish_at=timezone.now() + timedelta(hours=6),
    )


def share_form(client, article, **fields):
    data = admin_form(client, ADD_URL) | {
        "article": article.pk,
        "recipient_name": "Harbour Times",
        "recipient_email": "desk@harbour.example",
        "embargo_until_0": timezone.localtime(article.publish_at or timezone.now()).strftime(
            "%Y-%m-%d"
        ),
        "embargo_until_1": timezone.localtime(
            (article.publish_at or timezone.now()) + timedelta(minutes=1)
        ).strftime("%H:%M:%S"),
    }
    return data | fields


def share(article, editor, until=None):
    until = until or (article.publish_at or timezone.now()) + timedelta(hours=1)
    return workflow.share_under_embargo(
        article, editor, "Harbour Times", "desk@harbour.example", until
    )


def test_an_editor_shares_a_scheduled_story_and_the_partner_gets_the_copy(
    client, editor, scheduled
):
    client.force_login(editor)
    response = client.post(ADD_URL, share_form(client, scheduled))
    assert response.status_code == 302
    share = EmbargoShare.objects.get()
    assert share.created_by == editor
    link = share.get_absolute_url()
    assert any(link in message for message in messages_of(response))
    client.logout()
    response = client.get(link)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Embargoed until" in text and "Released" not in text
    assert "Joint investigation: the harbour deal" in text
    assert "The documents show the deal." in response.context["republication"]["snippet_html"]
    assert reverse("republication:embargo-share-ninjs", args=[share.token]) in text
    # Personal, never cached, never indexed, and the address is not passed on as a referrer.
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    # The public still sees nothing of it.
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_the_link_records_opens_and_copies(client, editor, scheduled):
    shared = share(scheduled, editor)
    client.get(shared.get_absolute_url())
    client.get(shared.get_absolute_url())
    copied = reverse("republication:embargo-share-copied", args=[shared.token])
    assert client.get(copied).status_code == 405
    assert client.post(copied).status_code == 204
    shared.refresh_from_db()
    assert shared.open_count == 2 and shared.first_opened_at <= shared.last_opened_at
    assert shared.copy_count == 1 and shared.last_copied_at is not None
    client.force_login(editor)
    client.get(shared.get_absolute_url())  # the desk checking the link is not an open
    shared.refresh_from_db()
    assert shared.open_count == 2
    listing = client.get(reverse("admin:articles_embargoshare_changelist")).content.decode()
    assert "Harbour Times" in listing and "embargoed" in listing


def test_the_shared_ninjs_states_the_embargo(client, editor, scheduled):
    shared = share(scheduled, editor)
    response = client.get(reverse("republication:embargo-share-ninjs", args=[shared.token]))
    assert response.status_code == 200
    document = response.json()
    assert document["pubStatus"] == "withheld"
    assert document["edNote"].startswith("EMBARGOED")
    assert document["bodies"][0]["value"] == "<p>The documents show the deal.</p>"
    schema_path = os.environ.get("NINJS_SCHEMA")
    if schema_path:
        import jsonschema

        schema = json.loads(Path(schema_path).read_text())
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        assert not [error.message for error in validator.iter_errors(document)]


def test_a_story_in_review_can_be_shared_and_its_copy_is_dated_by_the_embargo(
    client, editor, publisher
):
    in_review = make_article(status=Article.Status.IN_REVIEW, publish_at=None)
    until = timezone.now() + timedelta(days=1)
    shared = share(in_review, editor, until)
    response = client.get(shared.get_absolute_url())
    assert response.status_code == 200
    published_iso = response.context["republication"]["published_iso"]
    assert published_iso == timezone.localtime(until).isoformat(timespec="seconds")
    document = client.get(reverse("republication:embargo-share-ninjs", args=[shared.token])).json()
    assert document["firstCreated"] == until.isoformat()


def test_at_the_embargo_the_story_publishes_and_the_link_says_released(client, editor, scheduled):
    shared = share(scheduled, editor)
    # The schedule's time comes: published() shows the story from then on.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    response = client.get(shared.get_absolute_url())
    text = response.content.decode()
    assert "Released." in text and "Embargoed until" not in text
    assert scheduled.get_absolute_url() in text
    document = client.get(reverse("republication:embargo-share-ninjs", args=[shared.token])).json()
    assert document["pubStatus"] == "usable" and "edNote" not in document
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_revoking_works_at_once(client, editor, scheduled):
    shared = share(scheduled, editor)
    assert client.get(shared.get_absolute_url()).status_code == 200
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_embargoshare_changelist"),
        {"action": "revoke_selected", "_selected_action": [shared.pk]},
    )
    assert response.status_code == 302
    client.logout()
    for url in [
        shared.get_absolute_url(),
        reverse("republication:embargo-share-ninjs", args=[shared.token]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "harbour deal" not in response.content.decode(), url
    assert (
        client.post(reverse("republication:embargo-share-copied", args=[shared.token])).status_code
        == 404
    )


def test_a_forged_or_tampered_link_shows_nothing(client, editor, scheduled):
    shared = share(scheduled, editor)
    tampered = shared.token[:-2] + ("aa" if not shared.token.endswith("aa") else "bb")
    assert client.get(f"/republishing/embargoed/{tampered}/").status_code == 404


def test_a_story_taken_back_to_draft_is_no_longer_shared(client, editor, scheduled):
    shared = share(scheduled, editor)
    Article.objects.filter(pk=scheduled.pk).update(status=Article.Status.DRAFT, publish_at=None)
    assert client.get(shared.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "change, error",
    [
        # A draft is not even offered in the form's list of stories.
        ({"status": Article.Status.DRAFT, "publish_at": None}, "Select a valid choice"),
        ({"publish_at": timezone.now() - timedelta(hours=1)}, "in review or scheduled"),
        ({"licence": Licence.NONE}, "not for republication"),
    ],
    ids=["draft", "already-public", "not-for-republication"],
)
def test_only_a_coming_story_partners_may_republish_can_be_shared(
    client, editor, scheduled, change, error
):
    Article.objects.filter(pk=scheduled.pk).update(**change)
    scheduled.refresh_from_db()
    client.force_login(editor)
    response = client.post(ADD_URL, share_form(client, scheduled))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["adminform"].form.data["recipient_name"] == "Harbour Times"
    assert not EmbargoShare.objects.exists()


def test_the_embargo_cannot_end_before_the_story_appears(client, editor, scheduled):
    client.force_login(editor)
    early = timezone.localtime(scheduled.publish_at - timedelta(hours=1))
    response = client.post(
        ADD_URL,
        share_form(
            client,
            scheduled,
            embargo_until_0=early.strftime("%Y-%m-%d"),
            embargo_until_1=early.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200
    assert "the embargo cannot end before that" in response.content.decode()
    assert not EmbargoShare.objects.exists()


def test_a_section_not_for_republication_cannot_be_shared(client, editor, publisher):
    opinion = make_section(licence=Licence.NONE)
    story = make_article(section=opinion, publish_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(Exception, match="not for republication"):
        share(story, editor)


def test_reporters_may_not_share_under_embargo(client, reporter, scheduled):
    client.force_login(reporter)
    assert client.get(ADD_URL).status_code == 403
    with pytest.raises(workflow.TransitionRefused):
        share(scheduled, reporter)


def test_the_shared_page_costs_a_bounded_number_of_queries(
    client, editor, scheduled, django_assert_max_num_queries
):
    """The share and its story (with bylines, tags, corrections), the open, the released check,
    and the breaking-news banners (read into the cache by the first page only)."""
    shared = share(scheduled, editor)
    with django_assert_max_num_queries(10):
        assert client.get(shared.get_absolute_url()).status_code == 200
