"""pagecache's Redis cache backend, and each worker's own copy of the page cache's entries.

``RedisCache`` implements Django's documented cache API (``BaseCache``) with redis-py's public
client. Django makes a backend object per thread; they all share one redis-py client (and so one
connection pool) per process and configuration, because building a client costs redis-py about
as much CPU as a round trip.

With ``OPTIONS["NEAR_CACHE_ENTRIES"]`` set, the backend also keeps the entries it reads under
``OPTIONS["NEAR_CACHE_PREFIX"]`` (by default the page cache's keys) in the process's memory: a
``NearCache``, kept exact by Redis.
"""

import logging
import os
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Every key the page cache writes (pagecache/tags.py, pagecache/middleware.py) starts with this.
PAGE_KEYS = "page"

# A time to live read from Redis is whole milliseconds, and the two clock readings behind it each
# lose up to one: a near copy is kept that much less, so it never outlives its key.
TTL_ROUNDING_MS = 2

# Adds delta to a key only if it exists, in one step: a key expiring between a check and INCRBY
# would otherwise come back as delta, kept forever.
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false
"""


def dumps(value: Any) -> bytes | int:
    # Integers are stored as Redis integers, so that incr() is Redis's own atomic INCRBY. Not
    # bools, which pickle keeps as bools.
    return value if type(value) is int else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    try:
        return int(data)
    except ValueError:
        # Only this backend writes these keys; Redis is trusted as the database is.
        return pickle.loads(data)  # noqa: S301


class RedisCache(BaseCache):
    """Django's cache API on one Redis server (``LOCATION``, a redis:// URL).

    ``OPTIONS`` go to redis-py's ``ConnectionPool.from_url`` (``socket_timeout``…), except
    ``pool_class`` (a ``redis.ConnectionPool`` subclass or its dotted path), ``NEAR_CACHE_ENTRIES``
    (how many entries each process keeps in its own memory; 0, the default, keeps none) and
    ``NEAR_CACHE_PREFIX`` (which keys it keeps; default ``PAGE_KEYS``). Writes drop this process's
    copies of their keys at once; other processes drop theirs when Redis reports the change.
    """

    def __init__(self, server: str | Sequence[str], params: Mapping[str, Any]) -> None:
        super().__init__(dict(params))
        servers = [server] if isinstance(server, str) else list(server)
        if len(servers) != 1 or any(separator in servers[0] for separator in ",;"):
            # Read replicas would let a copy be read after the primary reported the change.
            raise ImproperlyConfigured(f"{type(self).__name__} takes one Redis URL as LOCATION.")
        options = dict(params.get("OPTIONS", {}))
        pool_class = options.pop("pool_class", redis.ConnectionPool)
        if isinstance(pool_class, str):
            pool_class = import_string(pool_class)
        near_prefix = options.pop("NEAR_CACHE_PREFIX", PAGE_KEYS)
        near_entries = int(options.pop("NEAR_CACHE_ENTRIES", 0))
        tracked = self.make_key(near_prefix)
        if near_entries > 0 and not self.make_key(f"{near_prefix}:x").startswith(tracked):
            raise ImproperlyConfigured(
                "NEAR_CACHE_PREFIX needs a KEY_FUNCTION that keeps the key's start at the start."
            )
        self.location = servers[0]
        self._redis, self.near_cache = _shared(
            self.location, pool_class, options, tracked, near_entries
        )
        self._incr_if_exists = self._redis.register_script(INCR_IF_EXISTS)

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> int | None:
        """Seconds for Redis: None keeps the key for ever, 0 deletes it."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def _key(self, key: str, version: int | None) -> str:
        # Not validate_key(): it warns about keys memcached would refuse, reading each key
        # character by character, and a page served from the cache reads five keys. Redis takes
        # any key; the local-memory cache of the SQLite runs still warns.
        return self.make_key(key, version=version)

    def _forget(self, full_keys: Iterable[str] | None) -> None:
        if self.near_cache is not None:
            self.near_cache.forget(full_keys)

    def _read(self, full_keys: list[str]) -> dict[str, bytes]:
        if self.near_cache is not None:
            return self.near_cache.read(full_keys)
        values = self._redis.mget(full_keys)
        return {
            key: value
            for key, value in zip(full_keys, values, strict=True)
            if isinstance(value, bytes)
        }

    # --- reads ---

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        full_key = self._key(key, version)
        data = self._read([full_key]).get(full_key)
        return default if data is None else loads(data)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        full_keys = {self._key(key, version): key for key in keys}
        if not full_keys:
            return {}
        found = self._read(list(full_keys))
        return {full_keys[full_key]: loads(data) for full_key, data in found.items()}

    def has_key(self, key: str, version: int | None = None) -> bool:
        return bool(self._redis.exists(self._key(key, version)))

    # --- writes ---

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        full_key = self._key(key, version)
        seconds = self.get_backend_timeout(timeout)
        try:
            if seconds == 0:
                self._redis.delete(full_key)
            else:
                self._redis.set(full_key, dumps(value), ex=seconds)
        finally:
            self._forget([full_key])

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        full_key = self._key(key, version)
        seconds = self.get_backend_timeout(timeout)
        try:
            if seconds == 0:
                # As Django's backends do: say whether it would have been added, keep nothing.
                added = bool(self._redis.set(full_key, dumps(value), nx=True))
                if added:
                    self._redis.delete(full_key)
                return added
            return bool(self._redis.set(full_key, dumps(value), ex=seconds, nx=True))
        finally:
            self._forget([full_key])

    def set_many(
        self,
        data: Mapping[str, Any],
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        values = {self._key(key, version): value for key, value in data.items()}
        if not values:
            return []
        seconds = self.get_backend_timeout(timeout)
        try:
            if seconds == 0:
                self._redis.delete(*values)
            else:
                pipeline = self._redis.pipeline()  # MULTI/EXEC: readers see all or none
                for full_key, value in values.items():
                    pipeline.set(full_key, dumps(value), ex=seconds)
                pipeline.execute()
        finally:
            self._forget(values)
        return []

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        full_key = self._key(key, version)
        seconds = self.get_backend_timeout(timeout)
        try:
            if seconds is None:
                return bool(self._redis.persist(full_key))
            return bool(self._redis.expire(full_key, seconds))
        finally:
            self._forget([full_key])  # a copy lives no longer than the key did when it was read

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        full_key = self._key(key, version)
        try:
            value = self._incr_if_exists(keys=[full_key], args=[delta])
        finally:
            self._forget([full_key])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def delete(self, key: str, version: int | None = None) -> bool:
        full_key = self._key(key, version)
        try:
            return bool(self._redis.delete(full_key))
        finally:
            self._forget([full_key])

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        full_keys = [self._key(key, version) for key in keys]
        if not full_keys:
            return
        try:
            self._redis.delete(*full_keys)
        finally:
            self._forget(full_keys)

    # Django's own Redis backend answers whether it flushed too; its stubs say None.
    def clear(self) -> bool:  # type: ignore[override]
        try:
            return bool(self._redis.flushdb())
        finally:
            self._forget(None)


class NearCache:
    """One process's own copy of the cache entries under one key prefix, kept exact by Redis.

    A page-cache hit needs the page and its generation tokens; reading them from Redis costs a
    network round trip on every request. Here a process keeps the entries it has read (at most
    ``max_entries``, least recently used dropped first) and answers from memory, for no longer
    than the key's time to live when it was read. Redis keeps the copies exact: a listener thread
    has it track every key under the prefix (``CLIENT TRACKING … BCAST``, Redis 6+) and drops a
    copy the moment Redis reports that key written, deleted, expired or evicted, by any server,
    and every copy when a database is flushed. redis-py's own client-side cache does this too,
    but needs Redis 7.4.

    Until the listener is connected, and whenever its connection fails or a PING goes
    unanswered, every read goes to Redis. The backend's own writes drop this process's copies at
    once. A read that began before a change was reported never keeps what it read. A process
    forked from one whose listener ran starts with no copies and its own listener.
    """

    # Without news from Redis for this long, the listener pings; without an answer as long again,
    # it counts the connection as lost (a half-open connection reports nothing).
    HEALTH_CHECK_SECONDS = 1.0
    RECONNECT_SECONDS = 1.0
    # Changes are counted per slot of keys rather than per key, to bound the memory they take.
    SLOTS = 4096

    def __init__(
        self,
        client: redis.Redis,
        location: str,
        options: Mapping[str, Any],
        prefix: str,
        max_entries: int,
    ) -> None:
        self.prefix, self.max_entries = prefix, max_entries
        self._client = client
        # The listener's one connection: the same server and options, but RESP2 (invalidations
        # arrive as pub/sub messages) and no health check of redis-py's (we ping ourselves).
        self._listener_pool = redis.ConnectionPool.from_url(
            location, **{**options, "protocol": 2, "health_check_interval": 0}
        )
        self._encoding = options.get("encoding", "utf-8")
        self._resets = self._changes = 0
        self._start_afresh()

    def _start_afresh(self) -> None:
        """No copies, no listener: at creation, and in a process forked from this one."""
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._slot_changes = [0] * self.SLOTS
        self._live = False
        self._resets += 1
        self._listener: threading.Thread | None = None
        self._connection: Any = None
        self.client_name = f"pagecache-near-{os.getpid()}-{secrets.token_hex(4)}"

    def _after_fork(self) -> None:
        inherited = self._connection
        self._start_afresh()
        if inherited is not None:
            inherited.disconnect()  # closes the child's copy of the socket; the parent keeps it

    @property
    def live(self) -> bool:
        """Whether reads are answered from memory (the listener is connected)."""
        return self._live

    @property
    def resets(self) -> int:
        """How many times every copy was dropped at once: flushes, lost and new connections."""
        return self._resets

    @property
    def changes(self) -> int:
        """How many times copies were dropped for a change, reported by Redis or written here."""
        return self._changes

    # --- reads ---

    def read(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored data of those keys that exist (full keys), from memory where it can."""
        self._start_listener()
        now = time.monotonic()
        found: dict[str, bytes] = {}
        tracked: dict[str, int] = {}  # key to read: its slot's change count before the read
        untracked: list[str] = []
        with self._lock:
            live, resets = self._live, self._resets
            for key in keys:
                if not (live and key.startswith(self.prefix)):
                    untracked.append(key)
                    continue
                entry = self._entries.get(key)
                if entry is not None and entry[1] > now:
                    self._entries.move_to_end(key)
                    found[key] = entry[0]
                else:
                    self._entries.pop(key, None)
                    tracked[key] = self._slot_changes[self._slot(key)]
        if not (tracked or untracked):
            return found
        asked = [*tracked, *untracked]
        if not tracked:
            values = self._client.mget(asked)
        else:
            # The times to live come in the same round trip; a copy is kept no longer.
            pipeline = self._client.pipeline(transaction=False)
            pipeline.mget(asked)
            for key in tracked:
                pipeline.pttl(key)
            sent = time.monotonic()
            values, *ttls = pipeline.execute()
            self._keep(tracked, values, ttls, sent, resets)
        found.update(
            (key, value)
            for key, value in zip(asked, values, strict=True)
            if isinstance(value, bytes)
        )
        return found

    def _keep(
        self,
        tracked: Mapping[str, int],
        values: Sequence[bytes | None],
        ttls: Sequence[int],
        sent: float,
        resets: int,
    ) -> None:
        """Keeps what was read, unless its key changed (or everything went) while it was read."""
        with self._lock:
            if not self._live or self._resets != resets:
                return
            for (key, changes), value, ttl in zip(
                tracked.items(), values[: len(tracked)], ttls, strict=True
            ):
                # ttl: milliseconds, -1 for none, -2 if the key went between MGET and PTTL.
                if value is None or ttl == -2 or self._slot_changes[self._slot(key)] != changes:
                    continue
                # Redis counts whole milliseconds: a copy goes a little early, never late.
                expires = sent + (ttl - TTL_ROUNDING_MS) / 1000 if ttl >= 0 else float("inf")
                self._entries[key] = (value, expires)
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _slot(self, key: str) -> int:
        return hash(key) % self.SLOTS

    def forget(self, keys: Iterable[str] | None) -> None:
        """Drops the copies of these keys (every copy, for None) and marks them changed."""
        with self._lock:
            self._changes += 1
            if keys is None:
                self._entries.clear()
                self._resets += 1
                return
            for key in keys:
                if key.startswith(self.prefix):
                    self._entries.pop(key, None)
                    self._slot_changes[self._slot(key)] += 1

    # --- the listener ---

    def _start_listener(self) -> None:
        if self._listener is not None:
            return
        with self._lock:
            if self._listener is not None:
                return
            self._listener = threading.Thread(
                target=self._listen, name="pagecache-near-cache", daemon=True
            )
            self._listener.start()

    def _listen(self) -> None:
        warned = False
        while True:
            try:
                self._follow(self._subscribe())
            except Exception as error:  # noqa: BLE001 - reads fall back to Redis; try again
                with self._lock:
                    was_live, self._live = self._live, False
                    self._entries.clear()
                    self._resets += 1
                if was_live or not warned:
                    # Once per outage, and once if it never connects (Redis < 6, or an ACL).
                    warned = True
                    logger.warning("Near cache offline, reading from Redis: %s", error)
            finally:
                connection, self._connection = self._connection, None
                if connection is not None:
                    connection.disconnect()
                    self._listener_pool.release(connection)
            time.sleep(self.RECONNECT_SECONDS)

    def _subscribe(self) -> Any:
        """A connection that Redis tells of every change under the prefix."""
        connection = self._connection = self._listener_pool.get_connection()
        connection.send_command("CLIENT", "SETNAME", self.client_name)
        connection.read_response()
        connection.send_command("CLIENT", "ID")
        client_id = connection.read_response()
        connection.send_command(
            "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self.prefix
        )
        connection.read_response()
        connection.send_command("SUBSCRIBE", "__redis__:invalidate")
        connection.read_response()
        with self._lock:
            self._entries.clear()
            self._resets += 1
            self._live = True
        return connection

    def _follow(self, connection: Any) -> None:
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
                keys = message[2]  # None: a database was flushed (Redis does not say which)
                self.forget(None if keys is None else [key.decode(self._encoding) for key in keys])


_shared_clients: dict[str, tuple[redis.Redis, NearCache | None]] = {}
_shared_lock = threading.Lock()


def _shared(
    location: str,
    pool_class: type[redis.ConnectionPool],
    options: Mapping[str, Any],
    tracked: str,
    near_entries: int,
) -> tuple[redis.Redis, NearCache | None]:
    """The process's client (and near cache) for one configuration, made once."""
    key = repr((location, pool_class, sorted(options.items()), tracked, near_entries))
    with _shared_lock:
        if key not in _shared_clients:
            client = redis.Redis(connection_pool=pool_class.from_url(location, **options))
            near = None
            if near_entries > 0:
                near = NearCache(client, location, options, tracked, near_entries)
            _shared_clients[key] = (client, near)
        return _shared_clients[key]


def _after_fork_in_child() -> None:
    # The parent's listener thread is not in the child, and a lock another thread held at the
    # fork would stay held. redis-py gives the child new data connections by itself.
    global _shared_lock
    _shared_lock = threading.Lock()
    for _client, near in _shared_clients.values():
        if near is not None:
            near._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
