"""Public pages: what readers see, and what they must never see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import make_article, make_author, make_photo, make_section, make_wire_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire_story(publisher):
    """A story carrying every element of the reference wire article."""
    author = make_author(
        name="Saga Lund",
        slug="saga-lund",
        job_title="White House Correspondent",
        social_network="x",
        social_url="https://x.com/sagalund",
        tips_email="saga@test.example",
    )
    photo = make_wire_photo(may_republish=True)
    return make_article(
        headline="Harbour talks stall",
        slug="harbour-talks-stall",
        dek="No deal in sight.",
        section=make_section(name="World", slug="world"),
        lead_photo=photo,
        authors=[author],
        tags=["Diplomacy"],
        body="<p>Opening.</p><blockquote><p>“We came to talk.”</p></blockquote>",
    )


def test_article_page_renders_every_element_of_the_reference_article(client, wire_story):
    html = client.get(wire_story.get_absolute_url()).content.decode()
    expected = [
        ">World<",  # section label
        "Harbour talks stall",  # headline
        "No deal in sight.",  # dek
        "Cranes stand idle at the port.",  # caption
        "REUTERS/Alexei Druzhinin/RIA Novosti/Kremlin/Files",  # credit chain
        'alt="The Test Wire logo"',  # publisher logo
        "Saga Lund",  # byline
        "White House Correspondent",  # job title
        'href="/author/saga-lund/"',  # byline links to the author page
        "data-font-size-control",  # reader's font-size control
        "Font size:",
        "<blockquote><p>“We came to talk.”</p></blockquote>",  # body with quotation
        "Follow Saga Lund on X",  # author footer: social
        'href="https://x.com/sagalund"',
        "Send tips to",  # author footer: tips
        "mailto:saga@test.example",
        "Free to republish with our logo, byline and affiliation.",  # terms
        'href="/tag/diplomacy/"',  # tags
        "<time datetime=",  # published time
    ]
    for element in expected:
        assert element in html, element


def test_note_to_editors_and_picture_id_are_for_partners_not_readers(client, wire_story):
    reader_page = client.get(wire_story.get_absolute_url()).content.decode()
    assert "ATTENTION EDITORS" not in reader_page
    assert "RTX28OUJ" not in reader_page
    partner_page = client.get(reverse("republication:article-republish", args=[wire_story.slug]))
    partner_html = partner_page.content.decode()
    assert "ATTENTION EDITORS - SUPPLIED BY A THIRD PARTY." in partner_html
    assert "RTX28OUJ" in partner_html
    assert "noindex" in partner_html


def test_partner_page_leaves_out_photos_that_may_not_be_republished(client, wire_story):
    wire_story.lead_photo.may_republish = False
    wire_story.lead_photo.save()
    reader_page = client.get(wire_story.get_absolute_url()).content.decode()
    assert "/renditions/" in reader_page  # readers see the photo
    html = client.get(
        reverse("republication:article-republish", args=[wire_story.slug])
    ).content.decode()
    assert "/renditions/" not in html
    assert "rights reasons" in html


@pytest.mark.parametrize(
    "name",
    ["reader:front-page", "republication:terms"],
)
def test_site_pages_answer(client, publisher, name):
    make_article()
    assert client.get(reverse(name)).status_code == 200


def test_listing_pages_answer(client, wire_story):
    author = wire_story.authors.get()
    for url in [
        wire_story.section.get_absolute_url(),
        reverse("reader:tag", args=["diplomacy"]),
        author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Harbour talks stall" in response.content.decode(), url


def test_author_page_shows_profile(client, wire_story):
    html = client.get(reverse("reader:author", args=["saga-lund"])).content.decode()
    assert "White House Correspondent" in html
    assert "Follow Saga Lund on X" in html
    assert "saga@test.example" in html


def test_front_page_leads_with_the_newest_story(client, publisher):
    make_article(headline="Older story", publish_at=timezone.now() - timedelta(days=2))
    make_article(headline="Newest story", publish_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/")
    assert response.context["lead"].headline == "Newest story"
    assert [a.headline for a in response.context["latest"]] == ["Older story"]


NOT_PUBLIC = [
    {"status": Article.Status.DRAFT, "publish_at": None},
    {"status": Article.Status.IN_REVIEW, "publish_at": None},
    {"status": Article.Status.PUBLISHED, "publish_at": "future"},
    {"status": Article.Status.WITHDRAWN, "publish_at": "past"},
]


@pytest.mark.parametrize("state", NOT_PUBLIC, ids=lambda s: f"{s['status']}-{s['publish_at']}")
def test_non_public_articles_are_404_and_absent_everywhere(client, publisher, editor, state):
    offsets = {None: None, "future": timedelta(days=1), "past": -timedelta(days=1)}
    publish_at = timezone.now() + offsets[state["publish_at"]] if state["publish_at"] else None
    article = make_article(headline="Secret headline", tags=["secret-tag"], status=state["status"])
    Article.objects.filter(pk=article.pk).update(publish_at=publish_at)
    author = article.authors.get()
    # A story readers saw and that was withdrawn is gone (410), saying only that it was withdrawn.
    expected = 410 if state["status"] == Article.Status.WITHDRAWN else 404
    for url, status in [
        (article.get_absolute_url(), expected),
        (reverse("republication:article-republish", args=[article.slug]), expected),
        # Only this story carries the tag: no tag page (the story's own address is what is gone).
        (reverse("reader:tag", args=["secret-tag"]), 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert "Secret headline" not in response.content.decode(), url
    client.force_login(editor)  # a logged-in editor gets no special view on the public site
    assert client.get(article.get_absolute_url()).status_code == expected
    client.logout()
    for url in [
        "/",
        article.section.get_absolute_url(),
        author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Secret headline" not in response.content.decode(), url


@pytest.mark.parametrize(
    "url", ["/articles/no-such-story/", "/section/nope/", "/tag/nope/", "/author/nope/"]
)
def test_unknown_slugs_are_404(client, publisher, url):
    assert client.get(url).status_code == 404


def test_listing_pages_are_paginated(client, settings, publisher):
    section = make_section()
    for _ in range(3):
        make_article(section=section)
    settings.ARTICLES_PER_PAGE = 2
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url() + "?page=2")
    assert len(first.context["articles"]) == 2
    assert len(second.context["articles"]) == 1
    assert client.get(section.get_absolute_url() + "?page=9").status_code == 404


def test_article_page_query_count_does_not_grow_with_authors_and_tags(
    client, publisher, django_assert_max_num_queries
):
    small = make_article(tags=["one"])
    big = make_article(authors=[make_author() for _ in range(8)], tags=[f"t{i}" for i in range(8)])
    big.lead_photo = make_photo()
    big.save()
    for article in (small, big):
        # Six, one for the related stories (automatic here: the two share a section) and one for
        # the breaking-news banners, read into the cache by the first page only.
        with django_assert_max_num_queries(8):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_user_text_is_escaped(client, publisher):
    author = make_author(name="<script>alert('x')</script>", job_title="<b>Boss</b>")
    article = make_article(headline="<img src=x onerror=alert(1)>", authors=[author])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html


UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=1)},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
}


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_a_tag_only_unpublished_stories_carry_has_no_public_page_feed_or_sitemap_entry(
    client, publisher, state
):
    """A tag page would confirm that an unpublished story exists: it exists only once a
    published story carries the tag."""
    secret = make_article(tags=["Secret merger"], **UNPUBLISHED[state])
    make_article(tags=["Weather"])
    slug = secret.tags.get().slug
    urls = [f"/tag/{slug}/", f"/tag/{slug}/rss/", f"/tag/{slug}/atom/"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert b"/tag/weather/" in client.get("/sitemap-tags.xml").content
    assert slug.encode() not in client.get("/sitemap-tags.xml").content

    make_article(tags=["Secret merger"])  # now a published story carries it
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert f"/tag/{slug}/".encode() in client.get("/sitemap-tags.xml").content


def test_a_storys_corrections_are_read_only_when_it_has_some(client, publisher, settings):
    settings.PAGE_CACHE = False
    plain = make_article(headline="Nothing to correct")
    corrected = make_article(headline="Bridge opens")
    Correction.objects.create(article=corrected, text="The bridge is 40 m long, not 400 m.")
    Correction.objects.create(article=corrected, kind="clarification", text="It opens at 9.")
    client.get(plain.get_absolute_url())  # the banners and furniture, into the cache

    with CaptureQueriesContext(connection) as plain_queries:
        page = client.get(plain.get_absolute_url()).content.decode()
    assert 'id="corrections"' not in page
    assert "correction-notice" not in page
    with CaptureQueriesContext(connection) as corrected_queries:
        page = client.get(corrected.get_absolute_url()).content.decode()
    assert "correction-notice" in page
    assert "The bridge is 40 m long, not 400 m." in page
    assert "It opens at 9." in page
    assert len(corrected_queries) == len(plain_queries) + 1
    assert not any(
        "articles_correction" in query["sql"].split("WHERE")[0]
        for query in plain_queries.captured_queries
    )
