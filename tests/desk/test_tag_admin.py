"""Tags: reporters tag their own drafts on the story's page; only editors rename, merge or delete
tags across the site, each change recorded and the cached pages it changes retired."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from tests.factories import make_article, make_author
from tests.workflow_helpers import change_form_data, change_url, messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:taggit_tag_changelist")


@pytest.fixture
def published(publisher):
    return make_article(headline="Harbour talks stall", tags=["Diplomacy", "Trade"])


def tag(name):
    return Tag.objects.get(name=name)


def tags_of(article):
    return sorted(article.tags.names())


def history_of(obj):
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).values_list("change_message", flat=True)
    )


def reader_page(url):
    """The page as an anonymous reader gets it (from the page cache once it is there)."""
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_tag_page_has_no_tagged_items_inline_for_anyone(client, editor, published):
    client.force_login(editor)
    response = client.get(reverse("admin:taggit_tag_change", args=[tag("Diplomacy").pk]))
    assert response.status_code == 200
    assert "taggit-taggeditem-content_type-object_id" not in response.content.decode()
    assert response.context["inline_admin_formsets"] == []
    assert published.headline in response.content.decode()  # the stories, read-only


def test_reporter_cannot_attach_a_tag_to_a_published_story_through_the_tag_admin(
    client, reporter, published
):
    client.force_login(reporter)
    inline = "taggit-taggeditem-content_type-object_id"
    for url, name in [
        (reverse("admin:taggit_tag_add"), "Scandal"),
        (reverse("admin:taggit_tag_change", args=[tag("Diplomacy").pk]), "Diplomacy"),
    ]:
        data = {
            "name": name,
            "slug": name.lower(),
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-INITIAL_FORMS": "0",
            f"{inline}-0-content_type": ContentType.objects.get_for_model(Article).pk,
            f"{inline}-0-object_id": published.pk,
        }
        assert client.post(url, data).status_code == 403
    assert tags_of(published) == ["Diplomacy", "Trade"]
    assert not Tag.objects.filter(name="Scandal").exists()


def test_reporter_cannot_rename_delete_or_add_tags(client, reporter, published):
    client.force_login(reporter)
    diplomacy = tag("Diplomacy")
    change = reverse("admin:taggit_tag_change", args=[diplomacy.pk])
    assert client.get(change).status_code == 200  # seeing is fine
    assert client.post(change, {"name": "Renamed", "slug": "renamed"}).status_code == 403
    delete = reverse("admin:taggit_tag_delete", args=[diplomacy.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:taggit_tag_add")).status_code == 403
    assert tag("Diplomacy").slug == "diplomacy"


def test_reporter_cannot_merge_or_delete_tags_through_list_actions(client, reporter, published):
    client.force_login(reporter)
    ids = [tag("Diplomacy").pk, tag("Trade").pk]
    for action in ["merge_tags", "delete_selected"]:
        data = {"action": action, "_selected_action": ids, "apply": "1", "name": "All"}
        response = client.post(CHANGELIST, data | {"post": "yes"})
        assert response.status_code in {200, 302, 403}
    assert tags_of(published) == ["Diplomacy", "Trade"]
    assert not Tag.objects.filter(name="All").exists()
    page = client.get(CHANGELIST).content.decode()
    assert "merge_tags" not in page
    assert "delete_selected" not in page


def test_taggit_unchecked_merge_view_is_gone(client, reporter, published):
    client.force_login(reporter)
    assert client.get(CHANGELIST + "merge-tags/").status_code in {302, 404}
    assert client.post(CHANGELIST + "merge-tags/", {"new_tag_name": "x"}).status_code in {302, 404}
    assert tags_of(published) == ["Diplomacy", "Trade"]


def test_merge_without_a_selection_says_so_instead_of_failing(client, editor, published):
    client.force_login(editor)
    response = client.post(CHANGELIST, {"action": "merge_tags", "index": "0"}, follow=True)
    assert response.status_code == 200
    assert any("must be selected" in message for message in messages_of(response))


def test_reporter_tags_their_own_draft_on_the_story_page(client, reporter):
    author = reporter.author
    draft = make_article(authors=[author], status="draft", publish_at=None)
    client.force_login(reporter)
    response = client.post(change_url(draft), change_form_data(draft, tags="Harbours, Ports"))
    assert response.status_code == 302
    assert tags_of(draft) == ["Harbours", "Ports"]


def test_reporter_cannot_tag_someone_elses_or_a_published_story(client, reporter, published):
    client.force_login(reporter)
    response = client.post(change_url(published), change_form_data(published, tags="Scoop"))
    assert response.status_code == 403
    assert tags_of(published) == ["Diplomacy", "Trade"]


def test_editor_merges_tags_recorded_and_pages_refreshed(client, editor, published):
    other = make_article(headline="Rates held", tags=["Trade", "Economy"])
    for article in [published, other]:
        reader_page(article.get_absolute_url())
    reader_page("/tag/trade/")
    client.force_login(editor)
    ids = [tag("Diplomacy").pk, tag("Trade").pk]
    confirm = client.post(CHANGELIST, {"action": "merge_tags", "_selected_action": ids})
    assert confirm.status_code == 200
    assert "Diplomacy" in confirm.content.decode()
    data = {
        "action": "merge_tags",
        "_selected_action": ids,
        "apply": "1",
        "name": "Foreign affairs",
    }
    response = client.post(CHANGELIST, data, follow=True)
    assert response.status_code == 200
    assert "2 tags merged into “Foreign affairs”." in messages_of(response)

    assert tags_of(published) == ["Foreign affairs"]
    assert tags_of(other) == ["Economy", "Foreign affairs"]
    assert not Tag.objects.filter(name__in=["Diplomacy", "Trade"]).exists()
    assert history_of(tag("Foreign affairs")) == ["Merged “Diplomacy”, “Trade” into this tag."]
    for article in [published, other]:
        page = reader_page(article.get_absolute_url())
        assert ">Foreign affairs<" in page
        assert 'href="/tag/trade/"' not in page


def test_merging_into_one_of_the_selected_tags_keeps_it(client, editor, published):
    client.force_login(editor)
    ids = [tag("Diplomacy").pk, tag("Trade").pk]
    data = {"action": "merge_tags", "_selected_action": ids, "apply": "1", "name": "Trade"}
    client.post(CHANGELIST, data)
    assert tags_of(published) == ["Trade"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Trade"]


def test_merge_with_an_empty_name_shows_the_form_again(client, editor, published):
    client.force_login(editor)
    ids = [tag("Diplomacy").pk]
    data = {"action": "merge_tags", "_selected_action": ids, "apply": "1", "name": "  "}
    response = client.post(CHANGELIST, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert tags_of(published) == ["Diplomacy", "Trade"]


def test_editor_renames_a_tag_recorded_and_pages_refreshed(client, editor, published):
    url = published.get_absolute_url()
    assert ">Diplomacy<" in reader_page(url)
    client.force_login(editor)
    diplomacy = tag("Diplomacy")
    response = client.post(
        reverse("admin:taggit_tag_change", args=[diplomacy.pk]),
        {"name": "Foreign policy", "slug": "foreign-policy"},
    )
    assert response.status_code == 302
    assert ">Foreign policy<" in reader_page(url)
    assert history_of(diplomacy)  # Django's change log: who renamed it, when


def test_editor_deletes_a_tag_recorded_and_pages_refreshed(client, editor, published):
    url = published.get_absolute_url()
    assert 'href="/tag/trade/"' in reader_page(url)
    client.force_login(editor)
    trade = tag("Trade")
    response = client.post(reverse("admin:taggit_tag_delete", args=[trade.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert tags_of(published) == ["Diplomacy"]
    assert 'href="/tag/trade/"' not in reader_page(url)
    assert LogEntry.objects.filter(object_id=str(trade.pk), action_flag=3).exists()


def test_editor_deletes_tags_from_the_list_and_pages_refreshed(client, editor, published):
    url = published.get_absolute_url()
    reader_page(url)
    client.force_login(editor)
    data = {"action": "delete_selected", "_selected_action": [tag("Trade").pk], "post": "yes"}
    assert client.post(CHANGELIST, data).status_code == 302
    assert 'href="/tag/trade/"' not in reader_page(url)


def test_tag_suggestions_still_work_for_reporters(client, reporter, published):
    make_author()
    client.force_login(reporter)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "dip"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Diplomacy"]
