"""What ties a partner's copy to the original: canonical links, the corrections link, and the
terms a story takes from its section."""

import re

import pytest
from django.urls import reverse

from articles.models import Correction, Licence
from republication.copy import corrections_url
from tests.admin_forms import admin_form
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(publisher):
    publisher.licence = Licence.CC_BY
    publisher.save()
    return make_article(slug="harbour-talks", headline="Harbour talks stall")


def republish(client, article):
    return client.get(reverse("republication:article-republish", args=[article.slug]))


def test_the_republish_page_names_the_original_as_canonical(client, story, settings):
    text = republish(client, story).content.decode()
    canonical = f'<link rel="canonical" href="{settings.SITE_URL}/articles/harbour-talks/">'
    assert canonical in text


def test_the_copy_offers_partners_a_canonical_link_for_their_head(client, story, settings):
    response = republish(client, story)
    tag = f'<link rel="canonical" href="{settings.SITE_URL}/articles/harbour-talks/">'
    assert response.context["republication"]["canonical_link_tag"] == tag
    panel = client.get(reverse("republication:article-republish-panel", args=[story.slug]))
    assert "&lt;link rel=&quot;canonical&quot;" in panel.content.decode()


def test_every_copy_links_to_the_storys_corrections(client, story, settings):
    Correction.objects.create(article=story, text="The minister's name was misspelled.")
    republication = republish(client, story).context["republication"]
    link = corrections_url(story)
    assert link == f"{settings.SITE_URL}/corrections/{story.pk}/"
    assert f'<a href="{link}">' in republication["snippet_html"]
    assert link in republication["snippet_text"]
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/articles/harbour-talks/#corrections"
    page = client.get(response["Location"]).content.decode()
    assert 'id="corrections"' in page and "misspelled" in page


def test_the_corrections_link_is_rights_clean(client, story):
    """It links; it carries no text or photo of its own into the partner's page."""
    snippet = republish(client, story).context["republication"]["snippet_html"]
    paragraph = re.search(r"<p><a href=\"[^\"]*/corrections/\d+/\">[^<]*</a></p>", snippet)
    assert paragraph is not None


def test_the_corrections_link_of_a_story_not_public_is_404(client, publisher):
    draft = make_article(status="draft", publish_at=None)
    assert client.get(corrections_url(draft)).status_code == 404


def test_a_section_not_for_republication_sets_its_stories_default(client, publisher):
    opinion = make_section(name="Opinion", slug="opinion", licence=Licence.NONE)
    column = make_article(section=opinion, body="<p>Column body.</p>")
    response = republish(client, column)
    assert "republication" not in response.context
    assert "not available for republication" in response.content.decode()
    document = client.get(reverse("republication:article-ninjs", args=[column.slug])).json()
    assert document["pubStatus"] == "withheld" and "bodies" not in document
    page = client.get(column.get_absolute_url()).content.decode()
    assert "Column body." in page  # readers still read it whole


def test_a_story_overrides_its_sections_default(client, publisher):
    opinion = make_section(name="Opinion", slug="opinion", licence=Licence.NONE)
    shared = make_article(section=opinion, licence=Licence.CC_BY_ND)
    response = republish(client, shared)
    assert response.context["terms"].licence == Licence.CC_BY_ND
    assert "republication" in response.context


def test_an_empty_section_licence_follows_the_publisher(client, story):
    assert story.section.licence == ""
    assert republish(client, story).context["terms"].licence == Licence.CC_BY


def test_editors_set_a_sections_default_in_the_admin(client, editor, publisher):
    section = make_section(name="Opinion", slug="opinion")
    url = reverse("admin:articles_section_change", args=[section.pk])
    client.force_login(editor)
    data = admin_form(client, url) | {"licence": Licence.NONE}
    assert client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.licence == Licence.NONE
