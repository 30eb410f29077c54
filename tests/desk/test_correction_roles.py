"""Corrections are never duplicated by a double click, never deleted, and retracted only by an
editor, with a note readers see."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Correction
from tests.admin_forms import admin_form
from tests.factories import make_article
from tests.workflow_helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(publisher):
    return make_article(headline="Harbour talks stall")


def add_url(article):
    return reverse("admin:articles_article_correction", args=[article.pk])


def change_url(correction):
    return reverse("admin:articles_correction_change", args=[correction.pk])


def test_a_double_click_adds_one_correction(client, editor, story):
    client.force_login(editor)
    note = {"kind": "correction", "text": "The bridge is 40 metres long, not 400."}
    for _click in range(2):
        response = client.post(add_url(story), note, follow=True)
        assert response.status_code == 200
        assert "Correction added to the article." in messages_of(response)
    assert story.corrections.count() == 1


def test_a_different_note_is_a_second_correction(editor, story):
    workflow.add_correction(story, editor, "correction", "The bridge is 40 metres long.")
    workflow.add_correction(story, editor, "update", "The bridge is 40 metres long.")
    assert story.corrections.count() == 2


def test_nobody_deletes_a_correction(client, editor, superuser, story):
    correction = workflow.add_correction(story, editor, "correction", "Wrong mayor.")
    url = reverse("admin:articles_correction_delete", args=[correction.pk])
    for user in [editor, superuser]:
        client.force_login(user)
        assert client.post(url, {"post": "yes"}).status_code == 403
        data = {"action": "delete_selected", "_selected_action": [correction.pk], "post": "yes"}
        client.post(reverse("admin:articles_correction_changelist"), data)
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_editor_retracts_a_mistaken_correction_with_a_note_readers_see(client, editor, story):
    correction = workflow.add_correction(story, editor, "correction", "The mayor is Ann Berg.")
    client.force_login(editor)
    data = admin_form(client, change_url(correction))
    note = "This correction was itself wrong: the mayor is Bo Berg, as first reported."
    assert client.post(change_url(correction), data | {"retraction_note": note}).status_code == 302

    correction.refresh_from_db()
    assert correction.is_retracted
    assert correction.retracted_by == editor
    story.refresh_from_db()
    assert story.updated_at >= correction.retracted_at
    assert not story.has_correction  # the notice at the top goes; the note stays, retracted

    reader = Client()
    page = reader.get(story.get_absolute_url()).content.decode()
    assert "The mayor is Ann Berg." in page
    assert "Retracted" in page and note in page
    listing = reader.get(reverse("reader:corrections")).content.decode()
    assert note in listing
    partner_copy = reader.get(f"{story.get_absolute_url()}republish/").content.decode()
    assert "Retracted" in partner_copy and "the mayor is Bo Berg, as first reported" in partner_copy


def test_a_retraction_cannot_be_undone_or_rewritten(client, editor, story):
    correction = workflow.add_correction(story, editor, "correction", "The mayor is Ann Berg.")
    workflow.retract_correction(correction, editor, "Wrong: the mayor is Bo Berg.")
    client.force_login(editor)
    data = admin_form(client, change_url(correction))
    assert not {"retraction_note", "text", "kind"} & set(data)  # read-only once retracted
    client.post(change_url(correction), data | {"retraction_note": "", "text": "Rewritten."})
    correction.refresh_from_db()
    assert correction.retraction_note == "Wrong: the mayor is Bo Berg."
    assert correction.text == "The mayor is Ann Berg."
    with pytest.raises(workflow.TransitionRefused):
        workflow.retract_correction(correction, editor, "Again.")


def test_a_retraction_needs_a_note(editor, story):
    correction = workflow.add_correction(story, editor, "correction", "The mayor is Ann Berg.")
    with pytest.raises(workflow.TransitionRefused, match="readers will see"):
        workflow.retract_correction(correction, editor, "   ")
    correction.refresh_from_db()
    assert not correction.is_retracted


def test_reporters_cannot_retract_corrections(client, reporter, editor, story):
    correction = workflow.add_correction(story, editor, "correction", "The mayor is Ann Berg.")
    client.force_login(reporter)
    data = {"kind": "correction", "text": correction.text, "retraction_note": "Oops."}
    assert client.post(change_url(correction), data).status_code == 403
    with pytest.raises(workflow.TransitionRefused):
        workflow.retract_correction(correction, reporter, "Oops.")
    correction.refresh_from_db()
    assert not correction.is_retracted
