"""Story cards, rendered by Jinja2 inside Django's pages (reader/cards.py): the same HTML, the
same escaping and dates as Django's templates would give, and rendition addresses that follow
the media storage."""

from datetime import UTC, datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.template import Context, Template
from django.utils import translation
from django.utils.html import escape

from photos.storage import rendition_url
from reader.cards import local_date
from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db


def test_a_card_escapes_what_it_shows_exactly_as_django_does(client, publisher):
    headline = """Mayor's "plan" for <b>roads</b> & bridges"""
    dek = "<script>alert('dek')</script>"
    make_article(headline=headline, dek=dek, section=make_section(name="Q&A", slug="q-and-a"))
    html = client.get("/").content.decode()
    assert escape(headline) in html  # &#x27; and &quot;, as Django writes them
    assert escape(dek) in html
    assert ">Q&amp;A</a>" in html
    assert "<b>roads</b>" not in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_a_cards_date_is_what_djangos_date_filter_shows(settings, language):
    settings.TIME_ZONE = "America/New_York"
    late_in_new_york = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # still 1 March there
    django_filter = Template('{{ moment|date:"DATE_FORMAT" }}')
    with translation.override(language):
        expected = django_filter.render(Context({"moment": late_in_new_york}))
        assert local_date(late_in_new_york) == expected
    assert "1" in expected and "2026" in expected


def test_cards_on_a_page_carry_their_photos_renditions(client, publisher):
    photo = make_photo()
    make_article(headline="With a picture", lead_photo=photo)
    html = client.get("/").content.decode()
    assert photo.sources("webp"), "the factory's photo has renditions"
    for url, _width, _height in photo.sources("webp") + photo.sources("jpeg"):
        assert url in html


def test_rendition_addresses_follow_the_media_url(settings):
    settings.MEDIA_URL = "/media/"
    assert rendition_url("renditions/1/a-800.jpg") == "/media/renditions/1/a-800.jpg"
    settings.MEDIA_URL = "https://media.example.net/files/"
    assert rendition_url("renditions/1/a-800.jpg") == (
        "https://media.example.net/files/renditions/1/a-800.jpg"
    )


class SigningStorage(FileSystemStorage):
    """Addresses that expire, like object storage's signed ones: a new one every time."""

    querystring_auth = True
    signed = 0

    def url(self, name):
        SigningStorage.signed += 1
        return f"/signed/{name}?signature={SigningStorage.signed}"


def test_signed_rendition_addresses_are_never_reused(settings):
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "tests.reader.test_story_cards.SigningStorage"}
    }
    first = rendition_url("renditions/1/a-800.jpg")
    second = rendition_url("renditions/1/a-800.jpg")
    assert first != second
    assert second.startswith("/signed/renditions/1/a-800.jpg?signature=")


def test_a_card_without_a_date_shows_none(settings):
    assert local_date(None) == ""


def test_an_edited_card_template_shows_at_once_while_developing(settings, tmp_path):
    """With DEBUG on, Jinja2 reloads a changed template; the card must not keep the old one."""
    from django.template import engines

    from reader.cards import CARD_TEMPLATE, card_template

    settings.DEBUG = True
    loader = engines["jinja2"].env.loader
    edited = tmp_path / CARD_TEMPLATE
    edited.parent.mkdir(parents=True)
    edited.write_text("<article>edited</article>")
    loader.searchpath.insert(0, str(tmp_path))
    try:
        engines["jinja2"].env.cache.clear()
        assert card_template().render({}) == "<article>edited</article>"
    finally:
        loader.searchpath.remove(str(tmp_path))
        engines["jinja2"].env.cache.clear()
