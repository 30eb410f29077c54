"""Photos and embeds inside a story: stored as references, cleaned, tracked and checked."""

import pytest
from django.conf import settings

from articles import workflow
from articles.embeds import FRAME_ORIGINS, provider_for
from articles.sanitize import sanitize_html
from tests.factories import make_article, make_photo

EMBED_URLS = {
    "YouTube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "Vimeo": "https://vimeo.com/76979871",
    "X": "https://x.com/newsroom/status/1234567890",
    "Instagram": "https://www.instagram.com/p/C0abc-12/",
    "Facebook": "https://www.facebook.com/newsroom/posts/pfbid02abc",
    "TikTok": "https://www.tiktok.com/@newsroom/video/7234567890123456789",
    "DocumentCloud": "https://www.documentcloud.org/documents/20059068-the-mueller-report",
    "Scribd": "https://www.scribd.com/document/123456789/Budget-2026",
    "Datawrapper": "https://datawrapper.dwcdn.net/AbC12/3/",
    "Flourish": "https://public.flourish.studio/visualisation/1234567/",
    "Infogram": "https://infogram.com/budget-chart-1h7z2l8",
    "SoundCloud": "https://soundcloud.com/newsroom/episode-12",
    "Spotify": "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
}


@pytest.mark.parametrize(("name", "url"), EMBED_URLS.items())
def test_each_allow_listed_provider_gets_an_https_player_address(name, url):
    provider = provider_for(url)
    assert provider is not None and provider.name == name
    frame = provider.frame_url(url)
    assert frame.startswith("https://")
    assert any(frame.startswith(origin + "/") for origin in FRAME_ORIGINS)


def test_every_provider_player_is_allowed_by_the_content_security_policy():
    assert set(FRAME_ORIGINS) <= set(settings.SECURE_CSP["frame-src"])


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=x",
        "javascript:alert(1)",
        "https://vimeo.com/not-a-number",
    ],
)
def test_addresses_off_the_allow_list_are_no_embed(url):
    assert provider_for(url) is None
    html = sanitize_html(f'<figure data-embed="{url}"><p>x</p></figure>')
    assert "data-embed" not in html


def test_a_photo_figure_keeps_only_its_id():
    html = sanitize_html(
        '<figure data-photo-id="12" class="x" onclick="alert(1)">'
        "<img src=x onerror=alert(1)><figcaption>Typed caption</figcaption></figure>"
    )
    assert html == '<figure data-photo-id="12"></figure>'


def test_an_embed_figure_keeps_only_its_address_never_provider_html():
    html = sanitize_html(
        '<figure data-embed="https://www.youtube.com/watch?v=abc&amp;t=3">'
        '<iframe src="https://www.youtube.com/embed/abc"></iframe><script>x()</script></figure>'
    )
    assert html == '<figure data-embed="https://www.youtube.com/watch?v=abc&amp;t=3"></figure>'


def test_a_bad_photo_reference_becomes_a_plain_figure():
    html = sanitize_html('<figure data-photo-id="1 or 1=1"><figcaption>c</figcaption></figure>')
    assert html == "<figure><figcaption>c</figcaption></figure>"


def test_a_photo_figure_wrapping_another_figure_leaves_well_formed_html():
    html = sanitize_html(
        '<figure data-photo-id="3"><figure><p>inner</p></figure></figure><p>after</p>'
    )
    assert html == '<figure data-photo-id="3"></figure><p>after</p>'


@pytest.mark.django_db
def test_saving_the_body_keeps_the_inline_photos_in_step(publisher):
    first, second = make_photo(), make_photo()
    article = make_article(
        body=f'<figure data-photo-id="{second.pk}"></figure><figure data-photo-id="{first.pk}">'
        '</figure><figure data-photo-id="999999"></figure>'
    )
    assert article.inline_photo_ids == [second.pk, first.pk, 999999]
    assert set(article.inline_photos.all()) == {first, second}
    article.body = f'<p>Only one now.</p><figure data-photo-id="{first.pk}"></figure>'
    article.save()
    assert list(article.inline_photos.all()) == [first]
    assert list(first.inline_articles.all()) == [article]


@pytest.mark.django_db
def test_an_inline_photo_without_alt_text_or_credit_blocks_publishing(publisher):
    photo = make_photo(alt_text="", agency="", photographer="", caption="Quay at night")
    article = make_article(
        status="draft",
        lead_photo=make_photo(),
        body=f'<p>Text.</p><figure data-photo-id="{photo.pk}"></figure>',
    )
    assert workflow.publish_blockers(article) == [
        "alt text for photo 1 in the body (“Quay at night”)",
        "a credit for photo 1 in the body (“Quay at night”)",
    ]
    photo.alt_text = "A quay at night"
    photo.agency = "NORDPRESS"
    photo.save()
    assert workflow.publish_blockers(article) == []


@pytest.mark.django_db
def test_a_photo_removed_from_the_library_blocks_publishing_until_taken_out(publisher):
    article = make_article(
        status="draft",
        lead_photo=make_photo(),
        body='<p>Text.</p><figure data-photo-id="424242"></figure>',
    )
    assert workflow.publish_blockers(article) == [
        "photo 1 in the body (it is no longer in the library: remove it)"
    ]
