"""The Redis cache backend: Django's, keeping one Redis client per connection pool."""

from typing import Any

from django.core.cache.backends import redis as django_redis


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache operation, and redis-py 7 fills
    hundreds of response callbacks in each one's constructor: that cost more CPU than the
    round trip itself (a quarter of a cached petition page). A client only wraps its
    connection pool and is safe to share between threads, so it is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # One for writing, one for reading: with several servers, this process then reads
        # from the same replica every time, which is as right as a random one.
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
