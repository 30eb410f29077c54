"""A story's addresses: old slugs redirect permanently, a withdrawn story is gone (410)."""

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleRedirect
from republication.copy import corrections_url
from tests.admin_forms import admin_form
from tests.factories import make_article, make_section
from tests.workflow_helpers import change_form_data, change_url

pytestmark = pytest.mark.django_db


def addresses(slug):
    """The public page, the partner's page and panel, and the ninjs of the story at ``slug``."""
    return {
        "page": reverse("reader:article-detail", args=[slug]),
        "republish": reverse("republication:article-republish", args=[slug]),
        "panel": reverse("republication:article-republish-panel", args=[slug]),
        "ninjs": reverse("republication:article-ninjs", args=[slug]),
    }


def rename(client, article, new_slug):
    """Change the slug as an editor does, in the article's change form."""
    article.refresh_from_db()
    response = client.post(change_url(article), change_form_data(article, slug=new_slug))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.slug == new_slug


@pytest.fixture
def story(publisher):
    return make_article(slug="harbour-talks", headline="Harbour talks stall")


def test_a_published_story_keeps_its_old_address_as_a_permanent_redirect(client, editor, story):
    client.force_login(editor)
    rename(client, story, "harbour-talks-collapse")
    client.logout()
    old, new = addresses("harbour-talks"), addresses("harbour-talks-collapse")
    for name, url in old.items():
        response = client.get(url)
        assert response.status_code == 301, name
        assert response["Location"] == new[name], name
        assert client.get(new[name]).status_code == 200, name
    # A tracking query survives the redirect.
    response = client.get(old["page"] + "?utm_source=partner")
    assert response["Location"] == new["page"] + "?utm_source=partner"


def test_a_slug_changed_twice_redirects_straight_to_the_current_address(client, editor, story):
    """No chains: every old address leads to the story's address of now, in one hop."""
    client.force_login(editor)
    rename(client, story, "second-slug")
    rename(client, story, "third-slug")
    client.logout()
    for old_slug in ["harbour-talks", "second-slug"]:
        response = client.get(f"/articles/{old_slug}/")
        assert response.status_code == 301
        assert response["Location"] == "/articles/third-slug/"


def test_taking_back_an_old_slug_leaves_no_loop(client, editor, story):
    client.force_login(editor)
    rename(client, story, "second-slug")
    rename(client, story, "harbour-talks")
    client.logout()
    assert not ArticleRedirect.objects.filter(old_slug="harbour-talks").exists()
    assert client.get("/articles/harbour-talks/").status_code == 200
    response = client.get("/articles/second-slug/")
    assert (response.status_code, response["Location"]) == (301, "/articles/harbour-talks/")


def test_an_unpublished_story_changes_slug_without_leaving_an_address(publisher):
    draft = make_article(slug="draft-slug", status=Article.Status.DRAFT, publish_at=None)
    draft.slug = "new-draft-slug"
    draft.save()
    assert not ArticleRedirect.objects.exists()


def test_an_old_address_of_a_story_not_public_is_a_plain_404(client, story):
    """The redirect must not reveal where a scheduled (or drafted again) story now lives."""
    story.slug = "renamed"
    story.save()
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    response = client.get("/articles/harbour-talks/")
    assert response.status_code == 404
    assert "renamed" not in response.content.decode()


def test_the_partner_copys_corrections_link_survives_a_change_of_slug(client, story):
    story.slug = "renamed"
    story.save()
    response = client.get(corrections_url(story))
    assert response.status_code == 302
    assert response["Location"] == "/articles/renamed/#corrections"


def test_editors_list_and_edit_old_addresses_in_the_admin(client, editor, story):
    story.slug = "renamed"
    story.save()
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_articleredirect_changelist"))
    assert listing.status_code == 200
    assert "/articles/harbour-talks/" in listing.content.decode()
    add_url = reverse("admin:articles_articleredirect_add")
    data = admin_form(client, add_url) | {"old_slug": "harbour-talk", "article": story.pk}
    assert client.post(add_url, data).status_code == 302
    assert client.get("/articles/harbour-talk/")["Location"] == "/articles/renamed/"


def test_an_old_address_that_is_a_live_storys_slug_is_refused(client, editor, story):
    """A loop: the address already answers with a story, so the redirect would never be used."""
    other = make_article(slug="other-story")
    client.force_login(editor)
    add_url = reverse("admin:articles_articleredirect_add")
    data = admin_form(client, add_url) | {"old_slug": "other-story", "article": story.pk}
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "A story has this slug now" in response.content.decode()
    assert not ArticleRedirect.objects.exists()
    assert client.get(other.get_absolute_url()).status_code == 200


def test_a_story_cannot_take_another_storys_old_address(client, editor, story):
    story.slug = "renamed"
    story.save()
    other = make_article(slug="other-story")
    client.force_login(editor)
    response = client.post(change_url(other), change_form_data(other, slug="harbour-talks"))
    assert response.status_code == 200
    assert "old address of another story" in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "other-story"
    assert client.get("/articles/harbour-talks/")["Location"] == "/articles/renamed/"


def test_reporters_do_not_edit_old_addresses(client, reporter):
    client.force_login(reporter)
    url = reverse("admin:articles_articleredirect_changelist")
    assert client.get(url).status_code == 403


# --- withdrawn stories are gone ---


def withdraw(story, editor, note):
    return workflow.withdraw(story, editor, None, note)


def test_a_withdrawn_story_answers_410_with_the_withdrawal_notice_only(client, editor, story):
    story.body = "<p>The secret body.</p>"
    story.save()
    withdraw(story, editor, "Withdrawn: a source recanted.")
    for name, url in addresses("harbour-talks").items():
        response = client.get(url)
        assert response.status_code == 410, name
        text = response.content.decode()
        assert "Harbour talks stall" not in text, name
        assert "secret body" not in text, name
        assert "A short standfirst" not in text, name
        assert "a source recanted" in text, name


def test_the_ninjs_of_a_withdrawn_story_is_canceled(client, editor, story):
    withdraw(story, editor, "Withdrawn: a source recanted.")
    response = client.get(addresses("harbour-talks")["ninjs"])
    assert response.status_code == 410
    document = response.json()
    assert document["pubStatus"] == "canceled"
    assert "a source recanted" in document["edNote"]
    assert "bodies" not in document and "headlines" not in document
    assert "harbour-talks" not in json.dumps(document)
    schema_path = os.environ.get("NINJS_SCHEMA")
    if schema_path:
        import jsonschema

        schema = json.loads(Path(schema_path).read_text())
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        assert not [error.message for error in validator.iter_errors(document)]


def test_an_old_address_of_a_withdrawn_story_is_gone_too(client, editor, story):
    story.slug = "renamed"
    story.save()
    withdraw(story, editor, "Withdrawn.")
    assert client.get("/articles/harbour-talks/").status_code == 410
    assert client.get(corrections_url(story)).status_code == 410


def test_a_story_withdrawn_before_its_scheduled_time_was_never_there(client, editor, publisher):
    """Only a story readers saw is gone; one withdrawn while scheduled stays a 404."""
    section = make_section()
    story = make_article(slug="scheduled-story", section=section)
    Article.objects.filter(pk=story.pk).update(
        status=Article.Status.WITHDRAWN, publish_at=timezone.now() + timedelta(hours=2)
    )
    assert client.get("/articles/scheduled-story/").status_code == 404


def test_a_missing_story_costs_few_queries(client, publisher, django_assert_max_num_queries):
    """Old addresses are looked up only after a miss, and cheaply."""
    with django_assert_max_num_queries(6):
        assert client.get("/articles/no-such-story/").status_code == 404
