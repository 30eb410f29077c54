"""Scale-out: no state on an app server; cache, media and a read replica from the environment."""

import json
import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from newsroom.db_routers import PrimaryForStaffMiddleware, ReplicaRouter

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
from django.db import router
from articles.models import Article
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "storage": type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "photo_url": default_storage.url("photos/2026/11/harbour.jpg"),
    "databases": sorted(settings.DATABASES),
    "read": router.db_for_read(Article),
    "write": router.db_for_write(Article),
}))
"""


def settings_under(**environment):
    """Django's settings as a fresh process sees them with these environment variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "MEDIA_STORAGE", "DATABASE_REPLICA_URL"}
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": "probe-only",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env |= environment
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    return result if result.returncode else json.loads(result.stdout)


def test_defaults_keep_nothing_a_second_server_would_miss_but_the_local_cache():
    probe = settings_under()
    assert probe["cache"].endswith("LocMemCache")
    assert probe["sessions"] == "django.contrib.sessions.backends.db"
    assert probe["storage"] == "FileSystemStorage"
    assert probe["read"] == probe["write"] == "default"


def test_redis_url_puts_the_cache_in_redis():
    probe = settings_under(REDIS_URL="redis://cache.internal:6379/2")
    assert probe["cache"] == "pagecache.backends.RedisCache"
    assert probe["cache_location"] == "redis://cache.internal:6379/2"


def test_media_on_s3_compatible_object_storage():
    probe = settings_under(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.news.example.org",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
    )
    assert probe["storage"] == "S3Storage"
    assert probe["bucket"] == "newsroom-media"
    # Public photos get plain, cacheable addresses, not expiring signed ones.
    assert probe["photo_url"] == "https://media.news.example.org/photos/2026/11/harbour.jpg"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be filesystem or s3"),
    ],
)
def test_incomplete_storage_settings_stop_the_process_with_a_clear_message(environment, message):
    failed = settings_under(**environment)
    assert failed.returncode != 0
    assert message in failed.stderr


def test_replica_url_adds_a_replica_for_reads():
    probe = settings_under(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/newsroom")
    assert probe["databases"] == ["default", "replica"]
    assert probe["read"] == "replica"
    assert probe["write"] == "default"


@pytest.mark.parametrize(
    ("method", "cookies", "expected"),
    [
        ("get", {}, "replica"),  # an anonymous reader
        ("get", {"sessionid": "staff"}, "default"),  # staff read back what they saved
        ("post", {}, "default"),  # any form post
    ],
)
def test_staff_and_form_posts_read_from_the_primary(settings, method, cookies, expected):
    settings.DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Article)
        return HttpResponse()

    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies)
    PrimaryForStaffMiddleware(view)(request)
    assert seen["read"] == expected
    assert ReplicaRouter().db_for_write(Article) == "default"
    assert ReplicaRouter().allow_migrate("replica", "articles") is False


def test_the_task_queue_is_always_read_from_the_primary():
    """Workers lock queued tasks in a transaction on the database they read them from."""
    assert ReplicaRouter().db_for_read(DBTaskResult) == "default"
    assert ReplicaRouter().db_for_read(Article) == "replica"
