"""Two people editing the same photo, author, section, publisher settings or correction: the
second save is refused, the first one's fix stays, and the second person's text comes back."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from articles.models import Correction, EmbargoShare, Publisher
from desk.admin.readonly import ReadOnlyAdmin
from desk.admin.versioned import VersionCheckedAdmin
from desk.forms import VersionCheckedForm
from tests.admin_forms import admin_form
from tests.factories import make_article, make_author, make_photo, make_section
from tests.workflow_helpers import staff_user

pytestmark = pytest.mark.django_db

# model name, how to make one, and a text field both people change
EDITED = {
    "imagecredit": (lambda: make_photo(caption="Cranes stand idle."), "caption"),
    "author": (lambda: make_author(name="Saga Lund", slug="saga-lund"), "job_title"),
    "section": (lambda: make_section(name="World", slug="world"), "description"),
    "publisher": (Publisher.load, "terms"),
    "correction": (
        lambda: Correction.objects.create(article=make_article(), text="The mayor is Ann."),
        "text",
    ),
}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", EDITED)
def test_a_stale_save_is_refused_and_keeps_what_was_typed(publisher, model):
    make, field = EDITED[model]
    row = make()
    url = reverse(f"admin:articles_{model}_change", args=[row.pk])
    first, second = staff_user("ann", "Editor"), staff_user("bob", "Editor")
    first_client, second_client = logged_in(first), logged_in(second)
    first_form, second_form = admin_form(first_client, url), admin_form(second_client, url)

    saved = first_client.post(url, first_form | {field: "Ann's fix."})
    assert saved.status_code == 302
    refused = second_client.post(url, second_form | {field: "Bob's words."})

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(f"Ann saved this {row._meta.verbose_name} at ")
    assert "Bob&#x27;s words." in refused.content.decode()  # still there to copy
    row.refresh_from_db()
    assert getattr(row, field) == "Ann's fix."


@pytest.mark.parametrize("model", EDITED)
def test_a_fresh_save_goes_through_and_the_next_one_needs_the_new_version(publisher, model):
    make, field = EDITED[model]
    row = make()
    url = reverse(f"admin:articles_{model}_change", args=[row.pk])
    client = logged_in(staff_user("ann", "Editor"))
    assert client.post(url, admin_form(client, url) | {field: "One."}).status_code == 302
    assert client.post(url, admin_form(client, url) | {field: "Two."}).status_code == 302
    row.refresh_from_db()
    assert getattr(row, field) == "Two."


def test_renditions_being_made_do_not_make_an_open_photo_form_stale(client, editor):
    photo = make_photo(caption="Cranes stand idle.")
    url = reverse("admin:articles_imagecredit_change", args=[photo.pk])
    client.force_login(editor)
    data = admin_form(client, url)
    photo.make_renditions(force=True)  # a worker's save of bookkeeping fields
    assert client.post(url, data | {"caption": "Cranes idle."}).status_code == 302


def test_section_order_edited_in_the_list_still_saves(client, editor):
    section = make_section(name="World", slug="world", order=1)
    client.force_login(editor)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": section.pk,
        "form-0-order": "5",
        "_save": "Save",
    }
    assert client.post(reverse("admin:articles_section_changelist"), data).status_code == 302
    section.refresh_from_db()
    assert section.order == 5


def test_every_model_edited_in_the_desk_refuses_stale_saves():
    """A new admin for one of our models must either be read-only or check versions."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "articles" or model._meta.proxy:
            continue  # a proxy (the ranking of republished stories) is read-only
        if isinstance(model_admin, ReadOnlyAdmin):
            continue
        if model is EmbargoShare:
            continue  # made once, then only revoked: nothing on it is edited
        assert isinstance(model_admin, VersionCheckedAdmin), model
        assert issubclass(model_admin.form, VersionCheckedForm), model
        assert hasattr(model, "version"), model
