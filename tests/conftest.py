"""Shared personas (reader, reporter, editor) and fixtures for the whole suite."""

import io
import os
import shutil
import threading

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from articles.models import Publisher
from tests.factories import jpeg_bytes, make_author, restore_roles

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# Fixtures that open Chromium: a test using one is marked `browser` (pytest_collection_modifyitems).
BROWSER_FIXTURES = {"browser", "new_page"}


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/reader/snapshots/ from the pages as they render now",
    )


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium is marked `browser`, so `-m "not browser"` leaves it out."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, not memory.

    The browser tests' live server answers the browser's requests in threads. With an in-memory
    database they all share the test's one connection, and two at once (the tag suggestions
    fetched while typing) break it; with a file each thread has its own connection.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Tests run as production does: hashed, compressed static files served by whitenoise."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to temporary folders, never the developer's var/media or originals."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOTO_ORIGINALS_ROOT = tmp_path / "originals"


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, or pages cached by one test would show in the next.

    The caches (local memory, or Redis with REDIS_URL) are shared by the whole process; the
    republication counts have one of their own.
    """
    for each_cache in caches.all():
        each_cache.clear()
    return cache


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test logins need no slow, brute-force-resistant hashing (seconds per user on 2 cores)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Rows that migrations make are in every test database already: never part of the demo's rows.
MADE_BY_MIGRATIONS = {"contenttypes.contenttype", "auth.permission", "auth.group"}


def all_rows():
    for model in apps.get_models():
        if model._meta.label_lower not in MADE_BY_MIGRATIONS:
            yield from model._base_manager.order_by("pk")


@pytest.fixture(scope="session")
def demo_newsroom(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo newsroom, made once per session: its rows as JSON, and a folder with its files.

    `load_demo` (with DEBUG off, as the suite runs) makes its pictures and renditions, which is
    most of its time, in a temporary folder, inside a transaction that is then rolled back: the
    test database is left as empty as it was.
    """
    folder = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=False,
            MEDIA_ROOT=folder / "media",
            PHOTO_ORIGINALS_ROOT=folder / "originals",
        ),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
        # Natural keys for content types (tags, revisions): a transactional test's flush makes
        # them again under new ids.
        rows = serializers.serialize("json", all_rows(), use_natural_foreign_keys=True)
        transaction.set_rollback(True)
    return rows, folder


@pytest.fixture
def demo(demo_newsroom, db, media_in_tmp, settings):
    """The demo newsroom, as `load_demo` makes it, for tests that read it.

    Restored from the session's copy into this test's database (rolled back or flushed after the
    test, like any other row) and this test's media folders.
    """
    rows, folder = demo_newsroom
    shutil.copytree(folder / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    shutil.copytree(folder / "originals", settings.PHOTO_ORIGINALS_ROOT, dirs_exist_ok=True)
    connection.creation.deserialize_db_from_string(rows)


@pytest.fixture
def publisher(db):
    publisher = Publisher.load()
    publisher.name = "The Test Wire"
    publisher.licensing_email = "licensing@test.example"
    publisher.terms = "Free to republish with our logo, byline and affiliation."
    publisher.logo.save("logo.png", ContentFile(jpeg_bytes((200, 40))), save=False)
    publisher.save()
    return publisher


def _staff(username, group_name):
    restore_roles()
    user = User.objects.create_user(
        username, f"{username}@example.org", "pw-for-tests-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reporter(db):
    """A reporter with their own author profile."""
    user = _staff("rita", "Reporter")
    make_author(name="Rita Reporter", slug="rita-reporter", user=user)
    return user


@pytest.fixture
def editor(db):
    return _staff("eddie", "Editor")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("sue", "sue@example.org", "pw-for-tests-1")


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
    # make around it are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def static_from_whitenoise():
    """The live server serves static files as production does: hashed names, by whitenoise.

    Django's live server would otherwise answer /static/ itself from the source folders,
    where the hashed names that templates use do not exist.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda handler, path: False
    yield
    StaticFilesHandler._should_handle = original


@pytest.fixture
def new_page(browser, static_from_whitenoise, live_server):
    """Opens pages in fresh browser contexts against the live test server."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    wait_for_requests_in_flight()


def wait_for_requests_in_flight(timeout=10):
    """Lets the live server finish the requests the closed pages left behind.

    A request the browser sent just before the test ended (an autosave after the last key)
    is still being answered in one of the server's threads; the database must not be flushed
    under it, or the flush fails and the next test starts with this one's rows.
    """
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout)
