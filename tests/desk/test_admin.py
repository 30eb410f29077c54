"""The editing desk: every model's admin pages load, list, filter, search and autocomplete."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db

MODELS = ["article", "author", "imagecredit", "section", "publisher"]


@pytest.fixture
def newsroom(publisher):
    photo = make_photo(caption="Cranes at dusk", reference_id="RTX28OUJ")
    return make_article(headline="Port talks stall", lead_photo=photo, tags=["Diplomacy", "Trade"])


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_load(client, superuser, newsroom, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    if model != "publisher":
        assert client.get(reverse(f"admin:articles_{model}_add")).status_code == 200


def test_article_change_page_shows_thumbnail_tags_and_view_on_site(client, superuser, newsroom):
    client.force_login(superuser)
    html = client.get(reverse("admin:articles_article_change", args=[newsroom.pk])).content.decode()
    assert newsroom.lead_photo.public_url in html
    assert 'data-autocomplete-url="/admin/autocomplete/"' in html
    assert "Diplomacy" in html
    assert reverse("admin:view_on_site", args=[_content_type_id(newsroom), newsroom.pk]) in html


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_article_list_filters_and_searches(client, superuser, newsroom):
    make_article(headline="Budget vote", status="draft")
    client.force_login(superuser)
    url = reverse("admin:articles_article_changelist")
    drafts = client.get(url, {"status__exact": "draft"})
    assert [a.headline for a in drafts.context["cl"].result_list] == ["Budget vote"]
    found = client.get(url, {"q": "port talks"})
    assert [a.headline for a in found.context["cl"].result_list] == ["Port talks stall"]
    by_author = client.get(url, {"authors__id__exact": newsroom.authors.get().pk})
    assert [a.headline for a in by_author.context["cl"].result_list] == ["Port talks stall"]


def test_photo_library_searches_by_reference_id(client, superuser, newsroom):
    make_photo(caption="Another photo")
    client.force_login(superuser)
    response = client.get(reverse("admin:articles_imagecredit_changelist"), {"q": "RTX28OUJ"})
    assert [p.caption for p in response.context["cl"].result_list] == ["Cranes at dusk"]
    assert newsroom.lead_photo.public_url in response.content.decode()


def test_tag_autocomplete_suggests_existing_tags(client, reporter, newsroom):
    client.force_login(reporter)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "dip"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Diplomacy"]


@pytest.mark.parametrize("field", ["section", "lead_photo"])
def test_section_and_photo_autocomplete(client, editor, newsroom, field):
    client.force_login(editor)
    term = {"section": newsroom.section.name[:5], "lead_photo": "Cranes"}[field]
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_author_autocomplete_in_bylines(client, editor, newsroom):
    make_author(name="Zelda Quill")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "byline", "field_name": "author", "term": "zelda"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Zelda Quill"]


def test_anonymous_users_are_sent_to_login(client, newsroom):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_publisher_settings_cannot_be_added_twice_or_deleted(client, superuser, publisher):
    client.force_login(superuser)
    assert client.get(reverse("admin:articles_publisher_add")).status_code == 403
    delete = reverse("admin:articles_publisher_delete", args=[publisher.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
