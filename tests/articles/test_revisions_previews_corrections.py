"""Revisions (list, compare, restore, recover), previews and corrections."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Correction, PreviewLink
from articles.revisions import body_lines, word_diff
from tests.factories import make_article
from tests.workflow_helpers import change_form_data, change_url, publishable_article

pytestmark = pytest.mark.django_db


# --- revisions ---


def edited_twice(client, editor, reporter):
    article = publishable_article(reporter.author, body="<p>The mayor said no.</p>")
    client.force_login(editor)
    client.post(
        change_url(article),
        change_form_data(article, headline="Mayor says yes", body="<p>The mayor said yes.</p>"),
    )
    article.refresh_from_db()
    return article


def test_every_save_is_a_revision_and_two_can_be_compared(client, editor, reporter):
    article = edited_twice(client, editor, reporter)
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 2

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Compare the two chosen revisions" in history.content.decode()

    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"older": versions[1].pk, "newer": versions[0].pk},
    )
    page = compare.content.decode()
    assert "<del>no.</del><ins>yes.</ins>" in page  # the body, word by word
    assert "Mayor says yes" in page
    assert "unchanged" in page  # e.g. the section


def test_comparing_needs_two_revisions_of_this_article(client, editor, reporter):
    article = edited_twice(client, editor, reporter)
    newer, older = Version.objects.get_for_object(article)
    elsewhere = Version.objects.get_for_object(publishable_article(reporter.author)).get()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    history = reverse("admin:articles_article_history", args=[article.pk])
    for chosen in [("x", "1"), (older.pk, older.pk), (elsewhere.pk, newer.pk)]:
        response = client.get(url, dict(zip(["older", "newer"], chosen, strict=True)))
        assert (response.status_code, response["Location"]) == (302, history), chosen
    assert client.get(url, {"older": older.pk, "newer": newer.pk}).status_code == 200


def test_restoring_a_revision_brings_back_the_text_but_not_the_old_state(client, editor, reporter):
    article = edited_twice(client, editor, reporter)
    article = workflow.submit(article, editor, article.version)
    article = workflow.publish(article, editor, article.version)
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])

    form = client.get(url)
    assert form.status_code == 200
    assert "The mayor said no." in form.content.decode()
    response = client.post(url, change_form_data(article_from(oldest)))
    assert response.status_code == 302, response.content.decode()[:3000]

    restored = Article.objects.get(pk=article.pk)
    assert restored.body == "<p>The mayor said no.</p>"
    assert restored.status == "published"  # the workflow state is not rolled back
    assert restored.version == article.version + 1


def test_opening_a_revision_changes_nothing_stored(client, editor, reporter):
    """The revision form shows the old text; the article stays as it is until the form is saved."""
    article = edited_twice(client, editor, reporter)
    article = workflow.submit(article, editor, article.version)
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])

    page = client.get(url).content.decode()
    assert "The mayor said no." in page
    assert f'name="loaded_version" value="{article.version}"' in page

    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.status, stored.version) == (
        "<p>The mayor said yes.</p>",
        "in_review",
        article.version,
    )


def test_a_reporter_cannot_restore_a_draft_of_their_published_story(client, editor, reporter):
    """Whether a revision may be restored depends on the story's state now, not the revision's."""
    article = edited_twice(client, editor, reporter)
    article = workflow.submit(article, editor, article.version)
    article = workflow.publish(article, editor, article.version)
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])

    client.force_login(reporter)
    response = client.post(url, change_form_data(article_from(oldest)))
    assert response.status_code == 403
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.status) == ("<p>The mayor said yes.</p>", "published")


def article_from(version):
    """The article as the revision has it (what the revision form shows), for posting."""
    article = version._object_version.object
    article.version = Article.objects.get(pk=article.pk).version
    return article


def test_a_deleted_article_can_be_recovered_as_a_draft(client, editor, reporter):
    article = publishable_article(reporter.author, body="<p>Keep me.</p>")
    client.force_login(editor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    client.post(delete_url, {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()

    listing = client.get(reverse("admin:articles_article_recoverlist"))
    assert article.headline in listing.content.decode()
    deleted = Version.objects.get_deleted(Article).get()
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    response = client.post(url, change_form_data(deleted._object_version.object))
    assert response.status_code == 302, response.content.decode()[:3000]
    recovered = Article.objects.get(pk=article.pk)
    assert recovered.body == "<p>Keep me.</p>"
    assert recovered.status == "draft"
    assert [b.author for b in recovered.bylines.all()] == [reporter.author]


def test_reporters_cannot_recover_deleted_articles(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 403


def test_word_diff_escapes_what_it_shows():
    assert word_diff("a <b>", "a <i>") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"
    assert body_lines("<h2>Title</h2><p>One &amp; two</p>") == "Title\nOne & two"


# --- previews ---


def test_staff_preview_shows_a_draft_and_is_never_cached(client, reporter, publisher):
    article = publishable_article(reporter.author, headline="Secret draft")
    url = reverse("reader:preview", args=[article.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(article.get_absolute_url()).status_code == 404

    client.force_login(reporter)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" in page
    assert "Preview — not published" in page
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_shared_preview_link_works_without_an_account_until_revoked(
    client, editor, reporter, publisher
):
    article = publishable_article(reporter.author, headline="Embargoed story")
    client.force_login(editor)
    client.post(reverse("admin:articles_article_previewlink", args=[article.pk]))
    link = PreviewLink.objects.get(article=article)
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(hours=48), abs=timedelta(minutes=1)
    )
    client.logout()

    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "Embargoed story" in response.content.decode()
    assert "Preview — not published" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]

    client.force_login(editor)
    client.post(reverse("admin:articles_article_revokepreviewlink", args=[article.pk, link.pk]))
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_expired_or_forged_preview_links_do_not_work(client, editor, reporter, publisher):
    article = publishable_article(reporter.author)
    link = workflow.create_preview_link(article, editor, hours=1)
    token = link.token
    assert client.get(link.get_absolute_url()).status_code == 200
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert client.get(link.get_absolute_url()).status_code == 404
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("reader:preview-link", args=[forged])).status_code == 404


def test_reporters_cannot_make_preview_links(client, reporter):
    article = publishable_article(reporter.author)
    client.force_login(reporter)
    client.post(reverse("admin:articles_article_previewlink", args=[article.pk]))
    assert not PreviewLink.objects.exists()


# --- corrections ---


def test_corrections_are_shown_with_times_set_updated_and_are_listed(
    client, editor, reporter, publisher
):
    article = make_article(authors=[reporter.author], headline="Bridge reopens")
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_correction", args=[article.pk]),
        {"kind": "correction", "text": "The bridge is 40 metres long, not 400."},
    )
    workflow.add_correction(article, editor, "update", "Traffic is flowing again.")
    client.logout()

    page = client.get(article.get_absolute_url()).content.decode()
    notice = page.index("this article has been corrected")
    assert notice < page.index("article__body")  # the notice comes first
    assert "The bridge is 40 metres long, not 400." in page
    assert "Traffic is flowing again." in page
    latest = Correction.objects.latest()
    to_the_second = timezone.localtime(latest.created_at).replace(microsecond=0)
    assert f'datetime="{to_the_second.isoformat()}"' in page
    article = Article.objects.get(pk=article.pk)
    assert article.last_updated == latest.created_at
    assert "Updated" in page

    listing = client.get(reverse("reader:corrections")).content.decode()
    assert "The bridge is 40 metres long, not 400." in listing
    assert "Bridge reopens" in listing


def test_the_corrections_page_lists_only_published_articles(client, editor, reporter, publisher):
    live = make_article(headline="Live story")
    workflow.add_correction(live, editor, "clarification", "Visible note.")
    hidden = make_article(headline="Withdrawn story")
    workflow.add_correction(hidden, editor, "correction", "Hidden note.")
    hidden.status = "withdrawn"
    hidden.save()
    page = client.get(reverse("reader:corrections")).content.decode()
    assert "Visible note." in page
    assert "Hidden note." not in page
    assert "Withdrawn story" not in page


def test_only_editors_add_corrections_and_only_to_published_articles(client, editor, reporter):
    draft = publishable_article(reporter.author)
    client.force_login(reporter)
    client.post(
        reverse("admin:articles_article_correction", args=[draft.pk]),
        {"kind": "correction", "text": "x"},
    )
    with pytest.raises(workflow.TransitionRefused):
        workflow.add_correction(draft, editor, "correction", "Not yet published.")
    scheduled = make_article(publish_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(workflow.TransitionRefused):
        workflow.add_correction(scheduled, editor, "correction", "Not out yet.")
    assert not Correction.objects.exists()
