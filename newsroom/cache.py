"""Django's built-in Redis cache backend, keeping its redis-py client between calls.

The built-in backend makes a new ``redis.Redis`` object for every cache call; building one costs
redis-py about as much CPU as the round trip itself (it fills a table of ~170 response callbacks).
The client is thread-safe and shares the backend's connection pool, so one per pool is enough.
Everything else — keys, serialisation, timeouts, pools — is Django's own.
"""

from django.core.cache.backends import redis


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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
