"""pagecache's Redis backend: Django's cache API, and each worker's own copy of the page cache's
entries (NearCache), kept exact by Redis.

Needs a real Redis (REDIS_URL): CI runs these in its PostgreSQL-and-Redis pass. Other clients of
that Redis cannot disturb them: the reads counted are the ones this process sends through its own
connection pool, the keys live under a prefix of this run's own, and a measurement that Redis
reported a change during (our own writes' reports arrive when they will, and a flush of any database
on the server reaches every tracking client) is taken again.
"""

import os
import secrets
import socket
import threading
import time
import warnings
from urllib.parse import urlsplit

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangosRedisCache

from articles.models import Article
from pagecache.backends import NearCache, RedisCache
from pagecache.tags import generation_key
from reader.pages import article_tag
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis"),
]

PREFIX = f"near-test-{os.getpid()}-{secrets.token_hex(3)}"


class CountingPool(redis.ConnectionPool):
    """A connection pool that counts the commands (or pipelines) sent through it."""

    sent = 0

    def get_connection(self, *args, **kwargs):
        CountingPool.sent += 1
        return super().get_connection(*args, **kwargs)


def reads_sent(action):
    """How many times ``action()`` asked Redis, from this process."""
    before = CountingPool.sent
    action()
    return CountingPool.sent - before


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def configure(settings, location=None, **options):
    """The site's cache, counted, under this run's own prefix, with its listener connected."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": location or os.environ["REDIS_URL"],
            "KEY_PREFIX": PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "pool_class": CountingPool,
                "NEAR_CACHE_ENTRIES": 100,
                **options,
            },
        }
    }
    cache = caches["default"]
    cache.get("page-warm-up")  # starts the listener
    assert wait_for(lambda: cache.near_cache.live), "the listener did not connect to Redis"
    return cache


@pytest.fixture
def cache(settings):
    return configure(settings)


@pytest.fixture
def other_server():
    """The same Redis as another app server sees it: its writes reach us only through Redis."""
    return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": PREFIX})


def undisturbed(cache, measure, *, changes=True):
    """``measure()``, taken again if copies were dropped meanwhile: for a change (reported by
    Redis or written here), or, with changes=False, only for a flush or a lost connection."""
    near = cache.near_cache

    def news():
        return (near.resets, near.changes if changes else 0)

    for _attempt in range(20):
        before = news()
        measured = measure()
        if news() == before:
            return measured
    pytest.fail("Redis reported changes during every attempt at this measurement")


def hits_sent(cache, read, times=3):
    """Reads sent to Redis by ``read()`` once it has run twice (and kept what it read)."""

    def measure():
        read()
        read()
        return reads_sent(lambda: [read() for _ in range(times)])

    return undisturbed(cache, measure)


@pytest.fixture
def story(publisher):
    return make_article(headline="Harbour talks stall", slug="harbour-talks-stall")


def test_repeat_hits_are_answered_without_asking_redis(client, story, cache):
    """A cached page, asked for again, is served from the worker's memory: no read to Redis."""
    url = story.get_absolute_url()

    def read():
        response = client.get(url)
        assert response.status_code == 200
        assert b"Harbour talks stall" in response.content

    assert hits_sent(cache, read) == 0
    assert reads_sent(lambda: cache.get("not-a-page-key")) == 1  # only the page cache's keys


def test_a_change_made_on_another_server_shows_here(client, story, cache, other_server):
    """Another server retiring a page reaches this worker's copy through Redis alone."""
    url = story.get_absolute_url()
    assert hits_sent(cache, lambda: client.get(url)) == 0
    # Another server edits the story: the database changes, then it retires the cached page.
    Article.objects.filter(pk=story.pk).update(headline="Harbour talks resume")
    other_server.set(generation_key(article_tag(story.slug)), "changed-elsewhere", None)
    assert wait_for(lambda: b"Harbour talks resume" in client.get(url).content, seconds=2)


def test_a_flush_on_another_server_empties_this_copy(cache, other_server):
    """FLUSHDB from anywhere drops every copy."""
    cache.set("page-probe", "kept")
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0
    other_server.clear()
    assert wait_for(lambda: cache.get("page-probe") is None, seconds=2)


def test_a_lost_listener_sends_every_read_to_redis_until_it_is_back(
    cache, other_server, monkeypatch
):
    """With its listener's connection killed, the worker reads from Redis, then recovers."""
    monkeypatch.setattr(NearCache, "RECONNECT_SECONDS", 2.0)  # time to look while it is down
    near = cache.near_cache
    cache.set("page-probe", "before")
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0
    admin = redis.Redis.from_url(os.environ["REDIS_URL"])
    [listener] = [
        client["id"] for client in admin.client_list() if client["name"] == near.client_name
    ]
    admin.client_kill_filter(_id=listener)
    assert wait_for(lambda: not near.live, seconds=2)

    other_server.set("page-probe", "while-offline")
    values = []
    assert reads_sent(lambda: values.extend(cache.get("page-probe") for _ in range(3))) == 3
    assert values == ["while-offline"] * 3

    assert wait_for(lambda: near.live, seconds=5)
    other_server.set("page-probe", "after")
    assert wait_for(lambda: cache.get("page-probe") == "after", seconds=2)
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0


class HalfOpenRelay:
    """A TCP relay to Redis that can hold the near-cache listener's traffic, as a half-open
    connection would: nothing arrives, and nothing fails. Other connections pass freely."""

    def __init__(self, url):
        target = urlsplit(url)
        self.target = (target.hostname or "localhost", target.port or 6379)
        self.database = target.path.strip("/") or "0"
        self.holding = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/{self.database}"

    def _accept(self):
        while True:
            near, _ = self.server.accept()
            far = socket.create_connection(self.target)
            listener = threading.Event()  # set once the connection names itself as one
            for source, target in ((near, far), (far, near)):
                threading.Thread(
                    target=self._pass, args=(source, target, listener), daemon=True
                ).start()

    def _pass(self, source, target, listener):
        try:
            while data := source.recv(65536):
                if b"pagecache-near-" in data:
                    listener.set()
                while listener.is_set() and self.holding.is_set():
                    time.sleep(0.01)
                target.sendall(data)
        except OSError:
            pass
        finally:
            source.close()
            target.close()


def test_an_unanswered_ping_sends_every_read_to_redis(settings):
    """A listener whose connection goes silent is counted lost after a PING goes unanswered."""
    relay = HalfOpenRelay(os.environ["REDIS_URL"])
    cache = configure(settings, location=relay.url)
    near = cache.near_cache
    cache.set("page-probe", "before")
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0

    relay.holding.set()
    silent_since = time.monotonic()
    assert wait_for(lambda: not near.live, seconds=3 * NearCache.HEALTH_CHECK_SECONDS)
    assert time.monotonic() - silent_since >= NearCache.HEALTH_CHECK_SECONDS  # it waited for one
    assert reads_sent(lambda: cache.get("page-probe")) == 1

    relay.holding.clear()
    assert wait_for(lambda: near.live, seconds=5)
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0


@pytest.fixture
def slow_reports(monkeypatch):
    """Redis's reports reach this process's copies only after a pause."""
    forget = NearCache.forget

    def later(near, keys):
        if threading.current_thread().name == "pagecache-near-cache":
            time.sleep(0.2)
        forget(near, keys)

    monkeypatch.setattr(NearCache, "forget", later)


def test_this_workers_own_writes_show_at_once(cache, slow_reports):
    """Every write drops the worker's own copy itself, without waiting for Redis's report."""
    writes = [
        (lambda: cache.set("page-probe", "second"), "second"),
        (lambda: cache.set_many({"page-probe": "third"}), "third"),
        (lambda: cache.delete("page-probe"), None),
        (lambda: cache.add("page-probe", 1), 1),
        (lambda: cache.incr("page-probe"), 2),
        (lambda: cache.decr("page-probe", 5), -3),
        (lambda: cache.touch("page-probe", 0), None),
        (lambda: cache.set("page-probe", "fourth", 0), None),
        (lambda: cache.add("page-probe", "fifth"), "fifth"),
        (lambda: cache.delete_many(["page-probe"]), None),
        (lambda: cache.set("page-probe", "sixth"), "sixth"),
        (lambda: cache.clear(), None),
    ]
    cache.set("page-probe", "first")
    assert cache.get("page-probe") == "first"
    for write, expected in writes:
        assert cache.get("page-probe") == cache.get("page-probe")  # kept, if it exists
        write()
        assert cache.get("page-probe") == expected


def test_each_worker_keeps_at_most_near_cache_entries(settings):
    """Past NEAR_CACHE_ENTRIES, the least recently used copy goes."""
    cache = configure(settings, NEAR_CACHE_ENTRIES=3)
    attempts = iter(range(20))  # each attempt reads keys of its own, none of them kept yet
    cache.set_many({f"page-{attempt}-{n}": n for attempt in range(20) for n in range(4)})

    def measure():
        attempt = next(attempts)

        def read(n):
            return reads_sent(lambda: cache.get(f"page-{attempt}-{n}"))

        for n in (0, 1, 2, 0, 3):  # keeps 0, 1, 2; uses 0; keeps 3 and drops 1
            read(n)
        return {n: read(n) for n in (0, 2, 3)}, read(1)

    assert undisturbed(cache, measure) == ({0: 0, 2: 0, 3: 0}, 1)


def test_a_read_that_races_a_reported_change_is_not_kept(cache, other_server, monkeypatch):
    """A read Redis answered before another server's change, but finished only after the
    change was reported, returns what it read and keeps none of it."""
    release = CountingPool.release
    reader = None
    answered, finish = threading.Event(), threading.Event()

    def pause_the_reader(pool, connection):
        release(pool, connection)
        if threading.current_thread() is reader:  # Redis has answered; nothing is kept yet
            answered.set()
            finish.wait(5)

    monkeypatch.setattr(CountingPool, "release", pause_the_reader)

    def race():
        nonlocal reader
        cache.set("page-race", "old")
        cache.set("page-sentinel", "old")
        assert hits_sent(cache, lambda: cache.get("page-sentinel")) == 0
        answered.clear()
        finish.clear()
        results = []
        reader = threading.Thread(target=lambda: results.append(caches["default"].get("page-race")))
        reader.start()
        assert answered.wait(5)
        other_server.set("page-race", "new")
        other_server.set("page-sentinel", "new")
        # Redis reports changes in order: once the sentinel's shows, so has the race's.
        assert wait_for(lambda: cache.get("page-sentinel") == "new", seconds=2)
        finish.set()
        reader.join(5)
        return results

    assert undisturbed(cache, race, changes=False) == ["old"]
    assert cache.get("page-race") == "new"


def test_a_copy_lives_no_longer_than_its_key(cache):
    """A copy expires with the key's time to live, not when Redis gets round to reporting it."""
    direct = redis.Redis.from_url(os.environ["REDIS_URL"])

    def read():
        return cache.get("page-short-lived")

    for _attempt in range(10):
        direct.set(cache.make_key("page-short-lived"), 7, px=1000)
        expires = time.monotonic() + 1  # no earlier than Redis's own expiry
        hits = hits_sent(cache, read)
        if time.monotonic() < expires:  # else, on a busy machine, try again
            break
    assert hits == 0
    time.sleep(max(0, expires - time.monotonic()))
    assert reads_sent(read) == 1
    assert wait_for(lambda: read() is None, seconds=1)


def test_a_forked_worker_starts_with_no_copies_and_its_own_listener(cache, other_server):
    """A worker forked from a process whose listener ran does not trust the copies it inherits."""
    cache.set("page-probe", "parent")
    assert hits_sent(cache, lambda: cache.get("page-probe")) == 0
    parent_listener = cache.near_cache.client_name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # forking a process with threads
        pid = os.fork()
    if pid == 0:
        status = 1
        try:
            near = cache.near_cache
            assert not near.live
            assert near.client_name != parent_listener
            assert reads_sent(lambda: cache.get("page-probe")) == 1
            assert wait_for(lambda: near.live, seconds=5)
            other_server.set("page-probe", "changed")
            assert wait_for(lambda: cache.get("page-probe") == "changed", seconds=2)
            assert hits_sent(cache, lambda: cache.get("page-probe")) == 0
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.near_cache.live  # the parent's own listener carries on
    assert wait_for(lambda: cache.get("page-probe") == "changed", seconds=2)


def test_the_cache_api_answers_as_djangos_own_redis_backend_does():
    """Every cache call answers as Django's built-in Redis backend does, near cache or not."""
    location = os.environ["REDIS_URL"]
    ours = RedisCache(
        location,
        {
            "KEY_PREFIX": f"{PREFIX}-ours",
            "OPTIONS": {"NEAR_CACHE_ENTRIES": 10, "NEAR_CACHE_PREFIX": ""},
        },
    )
    djangos = DjangosRedisCache(location, {"KEY_PREFIX": f"{PREFIX}-django"})

    def script(cache):
        def attempt(call, *args):
            try:
                return call(*args)
            except ValueError as error:
                return type(error)

        return [
            cache.get("a"),
            cache.get("a", "default"),
            cache.set("a", 1),
            cache.get("a"),
            cache.incr("a"),
            cache.decr("a", 5),
            cache.get("a"),
            attempt(cache.incr, "missing"),
            cache.set("b", True),
            cache.get("b"),
            cache.set("c", {"x": [1, 2.5, None]}),
            cache.get("c"),
            cache.add("a", 9),
            cache.add("d", 4),
            cache.get("d"),
            cache.add("e", 1, 0),
            cache.has_key("e"),
            cache.set("f", 1, 0),
            cache.has_key("f"),
            cache.touch("a", 100),
            cache.touch("a", None),
            cache.touch("missing"),
            cache.set_many({"g": 1, "h": "two"}),
            cache.get_many(["g", "h", "missing"]),
            cache.delete("g"),
            cache.delete("g"),
            cache.delete_many(["h", "a"]),
            cache.get_many(["a", "h"]),
            cache.set("v", "one", version=2),
            cache.get("v"),
            cache.get("v", version=2),
            cache.incr_version("v", version=2),
            cache.get("v", version=3),
            cache.get_or_set("i", lambda: "made"),
            cache.get("i"),
            "i" in cache,
            cache.set("t", "brief", 1),
            cache.get("t"),
        ]

    assert script(ours) == script(djangos)
    time.sleep(1.1)
    assert ours.get("t") is djangos.get("t") is None
