"""Each worker's own copy of cached pages (newsroom/cache.NearCache), kept exact by Redis.

Needs a real Redis (REDIS_URL): CI runs these in its PostgreSQL-and-Redis pass.
"""

import os
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

from articles.models import Article
from pagecache.backends import NearCache, RedisCache
from pagecache.tags import cache as _cache
from pagecache.tags import generation_key as _generation_key
from reader.pages import article_tag
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis"),
]


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def near():
    near = _cache()
    assert isinstance(near, NearCache)
    near.get("warm-up")  # starts the listener
    assert wait_for(lambda: near.live), "the listener did not connect to Redis"
    return near


@pytest.fixture
def other_server():
    """The same Redis as another app server sees it: its writes reach us only through Redis."""
    options = settings.CACHES["default"]
    return RedisCache(options["LOCATION"], {"KEY_PREFIX": options.get("KEY_PREFIX", "")})


@pytest.fixture
def story(publisher):
    return make_article(headline="Harbour talks stall", slug="harbour-talks-stall")


def redis_reads():
    stats = redis.Redis.from_url(os.environ["REDIS_URL"]).info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget"))


def test_repeat_hits_are_answered_without_asking_redis(client, story, near):
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # the first asks Redis and keeps what it read; this one is a whole hit
    before = redis_reads()
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert redis_reads() == before


def test_a_change_made_on_another_server_shows_here(client, story, near, other_server):
    url = story.get_absolute_url()
    client.get(url)
    assert b"Harbour talks stall" in client.get(url).content
    # Another server edits the story: the database changes, then it retires the cached page.
    Article.objects.filter(pk=story.pk).update(headline="Harbour talks resume")
    other_server.set(_generation_key(article_tag(story.slug)), "changed-elsewhere", None)
    assert wait_for(lambda: b"Harbour talks resume" in client.get(url).content, seconds=2)


def test_a_flush_on_another_server_empties_this_copy(near, other_server):
    caches["default"].set("page-probe", "kept")
    assert near.get("page-probe") == "kept"
    other_server.clear()
    assert wait_for(lambda: near.get("page-probe") is None, seconds=2)


def test_a_lost_listener_sends_every_read_to_redis_until_it_is_back(near, other_server):
    caches["default"].set("page-probe", "before")
    assert near.get("page-probe") == "before"
    admin = redis.Redis.from_url(os.environ["REDIS_URL"])
    listeners = [
        client["id"] for client in admin.client_list() if client["name"] == NearCache.CLIENT_NAME
    ]
    assert listeners
    for client_id in listeners:
        admin.client_kill_filter(_id=client_id)
    assert wait_for(lambda: not near.live, seconds=2)
    other_server.set("page-probe", "while-offline")
    assert near.get("page-probe") == "while-offline"
    assert wait_for(lambda: near.live, seconds=5)
    other_server.set("page-probe", "after")
    assert wait_for(lambda: near.get("page-probe") == "after", seconds=2)


def test_this_workers_own_writes_show_at_once(near):
    cache = caches["default"]
    cache.set("page-probe", "first")
    assert near.get("page-probe") == "first"
    cache.set("page-probe", "second")
    assert near.get("page-probe") == "second"
    cache.delete("page-probe")
    assert near.get("page-probe") is None
