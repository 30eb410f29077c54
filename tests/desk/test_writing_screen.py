"""The writing screen's server side: autosaved drafts, their offer back, save-and-submit, and
the search and social fields on the public page."""

import json

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleDraft
from tests.admin_forms import read_form
from tests.factories import make_photo
from tests.workflow_helpers import change_form_data, change_url, messages_of, publishable_article

pytestmark = pytest.mark.django_db

AUTOSAVE = "/admin/articles/article/autosave/"


def autosave(client, **payload):
    return client.post(AUTOSAVE, json.dumps(payload), content_type="application/json")


@pytest.fixture
def story(reporter, publisher):
    return publishable_article(reporter.author, headline="Ferries stop", body="<p>First.</p>")


def test_autosave_keeps_a_draft_without_saving_the_article_or_a_revision(client, reporter, story):
    client.force_login(reporter)
    revisions = Version.objects.get_for_object(story).count()
    response = autosave(
        client,
        article=story.pk,
        base_version=story.version,
        content={"body": "<p>First.</p><p>Second.<script>x()</script></p>", "slug": "nope"},
    )
    assert response.status_code == 200
    assert response.json()["conflict"] == ""
    draft = ArticleDraft.objects.get(user=reporter, article=story)
    assert draft.content == {"body": "<p>First.</p><p>Second.</p>"}  # sanitised, text only
    story.refresh_from_db()
    assert story.body == "<p>First.</p>" and story.version == 1
    assert Version.objects.get_for_object(story).count() == revisions


def test_a_second_autosave_updates_the_same_draft(client, reporter, story):
    client.force_login(reporter)
    for body in ["<p>One.</p>", "<p>Two.</p>"]:
        autosave(client, article=story.pk, base_version=story.version, content={"body": body})
    assert ArticleDraft.objects.get().content["body"] == "<p>Two.</p>"


def test_autosave_after_someone_elses_save_says_so_and_keeps_both_texts(
    client, reporter, editor, story
):
    loaded = story.version
    story.body = "<p>The editor's version.</p>"
    story.save()
    client.force_login(reporter)
    response = autosave(
        client, article=story.pk, base_version=loaded, content={"body": "<p>Mine.</p>"}
    )
    assert "saved this article after you opened it" in response.json()["conflict"]
    story.refresh_from_db()
    assert story.body == "<p>The editor's version.</p>"
    assert ArticleDraft.objects.get().content["body"] == "<p>Mine.</p>"


def test_autosave_of_a_new_story_needs_a_proper_key(client, reporter, publisher):
    client.force_login(reporter)
    assert autosave(client, client_key="short", content={"headline": "x"}).status_code == 403
    key = "3f2c1d9e-1111-4a4a-9b9b-0123456789ab"
    assert autosave(client, client_key=key, content={"headline": "Ferries"}).status_code == 200
    assert ArticleDraft.objects.get(article=None, client_key=key).headline == "Ferries"


def test_autosave_refuses_bad_payloads_and_foreign_articles(client, reporter, editor, story):
    client.force_login(reporter)
    bad = client.post(AUTOSAVE, "not json", content_type="application/json")
    assert bad.status_code == 400
    assert autosave(client, article=story.pk).status_code == 400
    assert autosave(client, article=987654, content={"body": "x"}).status_code == 403
    client.logout()
    assert autosave(client, article=story.pk, content={"body": "x"}).status_code == 302


def test_change_page_offers_the_draft_with_a_diff_and_restores_it(client, reporter, story):
    client.force_login(reporter)
    autosave(
        client,
        article=story.pk,
        base_version=story.version,
        content={"body": "<p>First.</p><p>Typed before the crash.</p>"},
    )
    page = client.get(change_url(story)).content.decode()
    assert "You have unsaved text in this article" in page
    assert "Typed before the crash.</ins>" in page
    draft = ArticleDraft.objects.get()
    restored = client.get(f"{change_url(story)}?restore-draft={draft.pk}").content.decode()
    assert "Typed before the crash." in restored
    assert "is back in the form" in restored
    story.refresh_from_db()
    assert "crash" not in story.body  # restoring shows it; only Save stores it


def test_a_draft_identical_to_the_article_is_not_offered(client, reporter, story):
    client.force_login(reporter)
    autosave(client, article=story.pk, base_version=story.version, content={"body": story.body})
    assert "unsaved text" not in client.get(change_url(story)).content.decode()


def test_saving_the_article_discards_the_draft(client, reporter, story):
    client.force_login(reporter)
    autosave(client, article=story.pk, base_version=story.version, content={"body": "<p>x</p>"})
    response = client.post(change_url(story), change_form_data(story, body="<p>x</p>"))
    assert response.status_code == 302
    assert not ArticleDraft.objects.exists()


def test_only_the_drafts_author_may_discard_it(client, reporter, editor, story):
    client.force_login(reporter)
    autosave(client, article=story.pk, base_version=story.version, content={"body": "<p>x</p>"})
    draft = ArticleDraft.objects.get()
    url = reverse("admin:articles_article_discarddraft", args=[draft.pk])
    client.force_login(editor)
    assert client.post(url).status_code == 404
    assert "unsaved text" not in client.get(change_url(story)).content.decode()  # not theirs
    client.force_login(reporter)
    assert client.post(url).status_code == 302
    assert not ArticleDraft.objects.exists()


def test_save_and_submit_saves_then_sends_the_story_for_review(client, reporter, story):
    client.force_login(reporter)
    data = change_form_data(story, headline="Ferries stop again", _save_and_submit="1")
    response = client.post(change_url(story), data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Ferries stop again"
    assert story.status == Article.Status.IN_REVIEW
    assert "Saved and submitted for review." in messages_of(response)


def test_headline_is_saved_on_one_line(client, reporter, story):
    client.force_login(reporter)
    client.post(change_url(story), change_form_data(story, headline="Ferries\n  stop\r\nagain"))
    story.refresh_from_db()
    assert story.headline == "Ferries stop again"


def test_search_and_social_fields_lead_the_public_page_meta_tags(client, reporter, publisher):
    social = make_photo(alt_text="A ferry at the quay", caption="The quay, empty.")
    story = publishable_article(
        reporter.author,
        status="published",
        headline="Ferries stop",
        dek="The dek.",
        seo_headline="Ferry strike: what travellers need to know",
        seo_description="Every crossing cancelled until Monday.",
        social_image=social,
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Ferry strike: what travellers need to know">' in page
    assert '<meta name="description" content="Every crossing cancelled until Monday.">' in page
    assert '<meta property="og:image:alt" content="A ferry at the quay">' in page
    blocks = [
        json.loads(block.split("</script>")[0])
        for block in page.split('<script type="application/ld+json">')[1:]
    ]
    json_ld = next(block for block in blocks if block.get("@type") == "NewsArticle")
    assert json_ld["headline"] == "Ferry strike: what travellers need to know"
    assert json_ld["description"] == "Every crossing cancelled until Monday."
    assert {image["caption"] for image in json_ld["image"]} == {"The quay, empty."}
    assert "<h1" in page and ">Ferries stop</h1>" in page  # readers still see the headline


def test_without_search_fields_the_page_uses_headline_and_dek(client, reporter, publisher):
    story = publishable_article(reporter.author, status="published", dek="The dek.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="{story.headline}">' in page
    assert '<meta name="description" content="The dek.">' in page


def test_add_page_offers_a_new_storys_draft_and_saving_it_discards_the_draft(
    client, reporter, publisher
):
    client.force_login(reporter)
    key = "0b1e2c3d-4444-4a4a-9b9b-0123456789ab"
    autosave(
        client, client_key=key, content={"headline": "Ferries cancelled", "body": "<p>Off.</p>"}
    )
    add = reverse("admin:articles_article_add")
    assert "You were writing a new story: “Ferries cancelled”" in client.get(add).content.decode()
    draft = ArticleDraft.objects.get()
    form = read_form(client.get(f"{add}?restore-draft={draft.pk}").content.decode(), "article_form")
    assert form["headline"] == "Ferries cancelled"
    assert form["slug"] == "ferries-cancelled"
    assert form["autosave_key"] == key  # autosave goes on into the same draft
    form |= {"_save_and_submit": "1", "bylines-TOTAL_FORMS": "0"}
    response = client.post(add, {k: v for k, v in form.items() if v is not None})
    assert response.status_code == 302
    article = Article.objects.get(slug="ferries-cancelled")
    assert article.body == "<p>Off.</p>"
    assert not ArticleDraft.objects.exists()
