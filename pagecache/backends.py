"""Django's built-in Redis cache backend, keeping its redis-py client between calls.

The built-in backend makes a new ``redis.Redis`` object for every cache call; building one costs
redis-py about as much CPU as the round trip itself (it fills a table of ~170 response callbacks).
The client is thread-safe and shares the backend's connection pool, so one per pool is enough.
Everything else — keys, serialisation, timeouts, pools — is Django's own.
"""

import logging
import os
import threading
import time
from collections import OrderedDict

import redis as redis_py
from django.core.cache import caches
from django.core.cache.backends import redis

logger = logging.getLogger(__name__)


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """Django's Redis backend; each write also drops this process's NearCache copies of its keys,
    so a worker sees its own changes at once, without waiting for Redis to report them."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _forget(self, keys=(), *, everything=False):
        for near in _near_caches.values():
            if near.cache is self:
                near._forget(keys, everything=everything)

    def set(self, key, *args, **kwargs):
        super().set(key, *args, **kwargs)
        self._forget([key])

    def add(self, key, *args, **kwargs):
        added = super().add(key, *args, **kwargs)
        self._forget([key])
        return added

    def touch(self, key, *args, **kwargs):
        touched = super().touch(key, *args, **kwargs)
        self._forget([key])
        return touched

    def delete(self, key, *args, **kwargs):
        deleted = super().delete(key, *args, **kwargs)
        self._forget([key])
        return deleted

    def incr(self, key, *args, **kwargs):
        value = super().incr(key, *args, **kwargs)
        self._forget([key])
        return value

    def set_many(self, data, *args, **kwargs):
        failed = super().set_many(data, *args, **kwargs)
        self._forget(data)
        return failed

    def delete_many(self, keys, *args, **kwargs):
        super().delete_many(keys, *args, **kwargs)
        self._forget(keys)

    def clear(self):
        cleared = super().clear()
        self._forget(everything=True)
        return cleared


class NearCache:
    """This process's own copy of the cache entries under one key prefix, kept exact by Redis.

    A page-cache hit needs the page and its generation tokens; reading them from Redis costs a
    network round trip on every request. Here a worker keeps the entries it has read (at most
    ``max_entries``, least recently used dropped first) and answers from memory. Redis keeps the
    copies exact: a listener thread asks it to track every key under the prefix (``CLIENT
    TRACKING ... BCAST``, Redis 6+) and drops a copy the moment Redis reports that key written,
    deleted, expired or evicted, by any server. redis-py's own client-side cache does this too,
    but needs Redis 7.4.

    Until the listener is connected, and whenever its connection fails, every read goes to Redis
    as if this class were not there. Writes go to Redis and drop this process's copies at once,
    so a worker sees its own changes without waiting for Redis to report them. A read that began
    before a change was reported never stores what it read.
    """

    # Without news from Redis for this long, the listener pings; without an answer as long again,
    # it counts the connection as lost (a half-open connection reports nothing).
    HEALTH_CHECK_SECONDS = 1.0
    RECONNECT_SECONDS = 1.0
    CLIENT_NAME = "newsroom-near-cache"

    def __init__(self, alias, server, prefix, max_entries):
        # The server is the primary, where writes, and so reports of them, happen.
        self.alias, self.server, self.prefix, self.max_entries = alias, server, prefix, max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._epoch = 0  # changes when every copy goes (a flush, a lost connection)
        self._key_epochs = [0] * 4096  # changes with every report or local write of a key
        self._live = False
        self._warned = False
        self._listener_pid = None

    @property
    def cache(self):
        return caches[self.alias]

    @property
    def live(self):
        return self._live

    # --- reads ---

    def get(self, key, default=None):
        return self.get_many([key]).get(key, default)

    def get_many(self, keys):
        self._start_listener()
        if not self._live:
            return self.cache.get_many(keys)
        cache = self.cache
        full_keys = {key: cache.make_and_validate_key(key) for key in keys}
        found, missing = {}, {}
        with self._lock:
            epoch = self._epoch
            for key, full_key in full_keys.items():
                if full_key in self._entries:
                    self._entries.move_to_end(full_key)
                    found[key] = self._entries[full_key]
                else:
                    missing[key] = (full_key, self._key_epochs[self._slot(full_key)])
        if missing:
            fetched = cache.get_many(list(missing))
            found.update(fetched)
            self._keep(fetched, missing, epoch)
        return found

    def _keep(self, fetched, asked, epoch):
        """Keeps what was read, unless its key changed (or everything went) while it was read."""
        with self._lock:
            if not self._live or self._epoch != epoch:
                return
            for key, value in fetched.items():
                full_key, key_epoch = asked[key]
                if self._key_epochs[self._slot(full_key)] == key_epoch:
                    self._entries[full_key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _slot(self, full_key):
        # Changes are counted per slot of keys rather than per key, to bound the memory it takes.
        return hash(full_key) % len(self._key_epochs)

    def __getattr__(self, name):
        # Writes and everything else go straight to the cache, which drops the copies it changes
        # (RedisCache below).
        return getattr(self.cache, name)

    def _forget(self, keys, *, everything=False):
        if everything:
            self._forget_full_keys(None)
        else:
            self._forget_full_keys([self.cache.make_and_validate_key(key) for key in keys])

    # --- the listener ---

    def _start_listener(self):
        # Once per process: a worker forked from a parent that had started one has no thread.
        if self._listener_pid == os.getpid():
            return
        with self._lock:
            if self._listener_pid == os.getpid():
                return
            self._listener_pid = os.getpid()
            self._live = False
            self._entries.clear()
        threading.Thread(target=self._listen, name="near-cache", daemon=True).start()

    def _listen(self):
        while True:
            connection = None
            try:
                connection = self._subscribe()
                self._follow(connection)
            except Exception as error:  # noqa: BLE001 - reads fall back to Redis; try again
                with self._lock:
                    was_live, self._live = self._live, False
                    self._epoch += 1
                    self._entries.clear()
                if was_live or not self._warned:
                    # Once per outage, and once if it never connects (Redis < 6, or an ACL).
                    self._warned = True
                    logger.warning("Near cache offline, reading from Redis: %s", error)
            finally:
                if connection is not None:
                    connection.disconnect()
            time.sleep(self.RECONNECT_SECONDS)

    def _subscribe(self):
        """A connection that Redis tells of every change under the prefix (RESP2 push messages)."""
        server = self.server
        pool = redis_py.ConnectionPool.from_url(server, protocol=2, socket_connect_timeout=1)
        connection = pool.make_connection()
        connection.send_command("CLIENT", "SETNAME", self.CLIENT_NAME)
        connection.read_response()
        connection.send_command("CLIENT", "ID")
        client_id = connection.read_response()
        prefix = self.cache.make_and_validate_key(self.prefix)
        connection.send_command(
            "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", prefix
        )
        connection.read_response()
        connection.send_command("SUBSCRIBE", "__redis__:invalidate")
        connection.read_response()
        with self._lock:
            self._entries.clear()
            self._epoch += 1
            self._live = True
        return connection

    def _follow(self, connection):
        waiting_for_pong = False
        while True:
            if not connection.can_read(timeout=self.HEALTH_CHECK_SECONDS):
                if waiting_for_pong:
                    raise ConnectionError("Redis did not answer a PING")
                connection.send_command("PING")
                waiting_for_pong = True
                continue
            message = connection.read_response()  # [b"message", channel, keys] or [b"pong", b""]
            waiting_for_pong = False
            if message[0] == b"message":
                keys = message[2]  # None: the whole database was flushed
                self._forget_full_keys(None if keys is None else [key.decode() for key in keys])

    def _forget_full_keys(self, full_keys):
        """Drops the copies of these keys (all of them for None) and marks them changed."""
        with self._lock:
            if full_keys is None:
                self._epoch += 1
                self._entries.clear()
                return
            for full_key in full_keys:
                self._entries.pop(full_key, None)
                self._key_epochs[self._slot(full_key)] += 1


_near_caches = {}


def near_cache(alias, prefix, max_entries):
    """A NearCache for a Redis cache (one per alias and prefix), or the cache itself otherwise."""
    cache = caches[alias]
    if max_entries <= 0 or not isinstance(cache, RedisCache):
        return cache
    key = (alias, cache._servers[0], prefix)  # a test may point the alias at another server
    near = _near_caches.get(key)
    if near is None:
        near = _near_caches.setdefault(key, NearCache(alias, *key[1:], max_entries))
    return near
