"""Outages: the database down, media storage failing, a save failing half-way."""

from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client

from articles.models import Article, ImageCredit, Section
from tests.admin_forms import admin_form
from tests.factories import jpeg_bytes, make_article, make_author, make_photo, make_section
from tests.network import closed_port


@contextmanager
def database_unreachable():
    """The database goes away: new connections are refused, as when its server is down.

    The open connection is set aside, to be given back afterwards, and the settings point at a
    closed port, or at a file that cannot be opened.
    """
    saved_settings = dict(connection.settings_dict)
    saved_connection = connection.connection
    connection.connection = None
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/newsroom.sqlite3"
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


@pytest.fixture
def reader():
    """A reader's browser, which sees the error pages rather than the exceptions behind them."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/", "/articles/a-story/", "/section/world/", "/republishing/"])
def test_database_down_gives_readers_a_503_page_in_the_site_design(reader, publisher, url):
    make_article(slug="a-story", section=make_section(slug="world"))
    with database_unreachable():
        response = reader.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(django_settings.OUTAGE_RETRY_AFTER)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "We'll be back in a moment" in html
    assert 'class="site-header"' in html and "/static/css/site." in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert "Content-Security-Policy" in response
    # And the site recovers by itself when the database is back.
    assert reader.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_pages_already_cached_are_served_while_the_database_is_down(reader, publisher, settings):
    settings.PAGE_CACHE = True
    article = make_article(headline="Cached through the outage")
    assert reader.get(article.get_absolute_url()).status_code == 200
    with database_unreachable():
        response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Cached through the outage" in response.content.decode()


def uploaded_photo():
    """A photo as an upload leaves it: its size is on file, so pages never open the image."""
    photo = make_photo()
    ImageCredit.objects.filter(pk=photo.pk).update(width=640, height=400)
    return photo


class UnreachableStorage(FileSystemStorage):
    """Media storage that has gone away: every call fails, as an object store's would."""

    def _fail(self, *args, **kwargs):
        raise OSError("media storage unreachable")

    url = open = exists = size = path = _fail


@pytest.mark.django_db
def test_failing_media_storage_costs_the_photo_not_the_page(client, publisher, settings):
    author = make_author(slug="saga-lund")
    author.photo.save("saga.jpg", ContentFile(jpeg_bytes()), save=True)
    article = make_article(
        headline="Photo storage is down", lead_photo=uploaded_photo(), authors=[author]
    )
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "tests.site.test_outages.UnreachableStorage"}
    }
    for url in ["/", article.get_absolute_url(), author.get_absolute_url(), "/republishing/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "/media/" not in html, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Photo storage is down" in page
    assert "<figure" not in page
    assert "The Test Wire" in page  # the logo falls back to the publisher's name


@pytest.mark.django_db
def test_photo_files_gone_missing_do_not_break_the_page(client, publisher):
    photo = uploaded_photo()
    article = make_article(lead_photo=photo)
    photo.image.storage.delete(photo.image.name)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()


REFUSE_BOOM = {
    "sqlite": [
        """CREATE TRIGGER refuse_boom BEFORE INSERT ON articles_byline
           WHEN NEW.role = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the database'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN
             IF NEW.role = 'boom' THEN RAISE EXCEPTION 'refused by the database'; END IF;
             RETURN NEW; END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER refuse_boom BEFORE INSERT ON articles_byline
           FOR EACH ROW EXECUTE FUNCTION refuse_boom()""",
    ],
}


@pytest.mark.django_db
def test_a_save_that_fails_half_way_leaves_the_stored_article_intact(superuser, publisher):
    """The article row is saved first, then the bylines; the database refuses a byline."""
    article = make_article(headline="The version on file", body="<p>Original body.</p>")
    with connection.cursor() as cursor:
        for statement in REFUSE_BOOM[connection.vendor]:
            cursor.execute(statement)
    editor = Client(raise_request_exception=False)
    editor.force_login(superuser)
    url = f"/admin/articles/article/{article.pk}/change/"
    data = admin_form(editor, url)
    data |= {
        "headline": "A half-saved headline",
        "body": "<p>A half-saved body.</p>",
        "bylines-TOTAL_FORMS": str(int(data["bylines-TOTAL_FORMS"]) + 1),
    }
    new_row = int(data["bylines-TOTAL_FORMS"]) - 1
    data |= {
        f"bylines-{new_row}-author": str(make_author().pk),
        f"bylines-{new_row}-role": "boom",
        f"bylines-{new_row}-position": "1",
        f"bylines-{new_row}-article": str(article.pk),
    }
    response = editor.post(url, data)
    assert response.status_code == 500
    article.refresh_from_db()
    assert article.headline == "The version on file"
    assert article.body == "<p>Original body.</p>"
    assert article.bylines.count() == 1


@pytest.mark.django_db
@pytest.mark.urls("tests.site.security_urls")
def test_every_admin_view_writes_all_or_nothing(superuser):
    """Custom admin views (workflow steps, actions) get the same transaction as the forms."""
    section = make_section(name="World")
    editor = Client(raise_request_exception=False)
    editor.force_login(superuser)
    response = editor.post("/writing-admin/failing-write/", {"section": section.pk})
    assert response.status_code == 500
    assert Section.objects.get(pk=section.pk).name == "World"
    assert Article.objects.count() == 0
