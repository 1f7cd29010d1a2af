"""The Redis cache backend: Django's, keeping one Redis client per connection pool, and
counting rate-limit hits in one round trip."""

from functools import cached_property
from typing import Any

from django.core.cache.backends import redis as django_redis

# One hit of a fixed window: the first hit starts the window (its expiry), in the same
# atomic step, so no counter is ever left without one.
COUNT_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


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
    # Django's (a cached property), which its type stubs leave out.
    _cache: ReusedClientRedisCacheClient

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    @cached_property
    def _count_hit_script(self) -> Any:
        return self._cache.get_client(write=True).register_script(COUNT_HIT_SCRIPT)

    def count_hit(self, key: str, period_seconds: int) -> int:
        """Count one hit of ``key`` in a window of ``period_seconds`` started by its first
        hit, and return the hits so far. One round trip to Redis, where Django's add()
        then incr() take two (and each costs as much CPU here as in Redis)."""
        cache_key = self.make_and_validate_key(key)
        return int(self._count_hit_script(keys=[cache_key], args=[max(period_seconds, 1)]))
