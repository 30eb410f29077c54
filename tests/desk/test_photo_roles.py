"""Photos in stories past draft are published content: only editors change them, and whether
partners may republish a photo is an editor's decision, recorded in its history."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles.models import ImageCredit
from tests.admin_forms import admin_form
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def change_url(photo):
    return reverse("admin:articles_imagecredit_change", args=[photo.pk])


@pytest.fixture
def published_photo(publisher):
    photo = make_photo(caption="Cranes stand idle.", may_republish=False)
    make_article(headline="Harbour talks stall", lead_photo=photo)
    return photo


@pytest.fixture
def draft_photo(reporter):
    photo = make_photo(caption="Cranes at dawn.")
    make_article(authors=[reporter.author], status="draft", publish_at=None, lead_photo=photo)
    return photo


def test_reporter_cannot_change_caption_credit_or_rights_of_a_published_photo(
    client, reporter, editor, published_photo
):
    client.force_login(editor)
    data = admin_form(client, change_url(published_photo))
    client.force_login(reporter)
    page = client.get(change_url(published_photo))
    assert page.status_code == 200  # read-only, and says why
    assert "only an editor can change it" in page.content.decode()
    changed = data | {"caption": "Forged", "agency": "FAKE", "may_republish": "on"}
    assert client.post(change_url(published_photo), changed).status_code == 403
    published_photo.refresh_from_db()
    assert (published_photo.caption, published_photo.agency) == ("Cranes stand idle.", "NORDPRESS")
    assert published_photo.may_republish is False


@pytest.mark.parametrize("status", ["in_review", "withdrawn"])
def test_a_photo_in_a_story_that_left_draft_is_editors_only(client, reporter, status):
    photo = make_photo(caption="Cranes stand idle.")
    make_article(authors=[reporter.author], status=status, lead_photo=photo)
    client.force_login(reporter)
    data = admin_form(client, change_url(photo)) | {"caption": "Changed"}
    assert client.post(change_url(photo), data).status_code == 403
    assert ImageCredit.objects.get(pk=photo.pk).caption == "Cranes stand idle."


def test_reporter_cannot_make_renditions_of_a_published_photo_again(
    client, reporter, published_photo
):
    client.force_login(reporter)
    url = reverse("admin:articles_imagecredit_renditions", args=[published_photo.pk])
    assert client.post(url).status_code == 403


def test_reporter_still_changes_a_photo_only_their_draft_uses(client, reporter, draft_photo):
    client.force_login(reporter)
    data = admin_form(client, change_url(draft_photo)) | {"caption": "Cranes at first light."}
    assert client.post(change_url(draft_photo), data).status_code == 302
    assert ImageCredit.objects.get(pk=draft_photo.pk).caption == "Cranes at first light."


def test_reporter_cannot_grant_partners_the_right_to_republish(client, reporter, draft_photo):
    client.force_login(reporter)
    data = admin_form(client, change_url(draft_photo))
    assert "may_republish" not in data  # shown, not editable
    response = client.post(change_url(draft_photo), data | {"may_republish": "on"})
    assert response.status_code == 302
    assert ImageCredit.objects.get(pk=draft_photo.pk).may_republish is False


def test_editor_changes_a_published_photo_and_the_right_to_republish_is_logged(
    client, editor, published_photo
):
    editor.first_name = "Eddie"
    editor.save()
    client.force_login(editor)
    data = admin_form(client, change_url(published_photo))
    changed = data | {"caption": "Cranes idle at the port.", "may_republish": "on"}
    assert client.post(change_url(published_photo), changed).status_code == 302
    published_photo.refresh_from_db()
    assert published_photo.caption == "Cranes idle at the port."
    assert published_photo.may_republish is True
    decision = LogEntry.objects.get(
        object_id=str(published_photo.pk), change_message__startswith="Partners may"
    )
    assert decision.user == editor
    assert decision.change_message == "Partners may republish this photo: decided by Eddie."
    history = client.get(reverse("admin:articles_imagecredit_history", args=[published_photo.pk]))
    assert "Partners may republish this photo: decided by Eddie." in history.content.decode()

    data = admin_form(client, change_url(published_photo))
    data.pop("may_republish")
    client.post(change_url(published_photo), data)
    assert LogEntry.objects.filter(
        change_message="Partners may not republish this photo: decided by Eddie."
    ).exists()
