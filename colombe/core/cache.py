"""The Redis cache backend: Django's, keeping one Redis client per connection pool,
counting rate-limit hits in one round trip, and adding a key only while another one holds
a given value, also in one round trip."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
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
# add() guarded by another key, counting hits when it adds: nothing is added unless the
# guard (KEYS[1]) still holds its value (ARGV[1]; none to check when empty): {-1}. Else
# KEYS[2] is added with value ARGV[2] for ARGV[3] seconds: {0} when it existed, else {1}
# followed by the count of each hit key (KEYS[3]...), counted as COUNT_HIT_SCRIPT does,
# each in a window of ARGV[4]... seconds.
ADD_WHILE_SCRIPT = """
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return {-1}
end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[3]) then
    return {0}
end
local answer = {1}
for index = 3, #KEYS do
    local count = redis.call('INCR', KEYS[index])
    if count == 1 then
        redis.call('EXPIRE', KEYS[index], ARGV[index + 1])
    end
    answer[#answer + 1] = count
end
return answer
"""


@dataclass(frozen=True)
class Guard:
    """A cache key and the value it must still hold for a guarded add() to happen."""

    key: str
    value: Any


class GuardChanged(Exception):
    """The guard's key no longer holds its value: nothing was added."""


@dataclass
class Hit:
    """A rate-limit hit counted along with an add (see add_while()), only when the add
    happens: ``count`` then holds the hits of ``key`` so far in its window."""

    key: str
    period_seconds: int
    count: int = 0


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache operation, and redis-py 7 fills
    hundreds of response callbacks in each one's constructor: that cost more CPU than the
    round trip itself (a quarter of a cached petition page). A client only wraps its
    connection pool and is safe to share between threads, so it is kept."""

    # Django's (set by its constructor), which its type stubs leave out.
    _serializer: django_redis.RedisSerializer

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

    @cached_property
    def _add_while_script(self) -> Any:
        return self._cache.get_client(write=True).register_script(ADD_WHILE_SCRIPT)

    def add_while(
        self, key: str, value: Any, timeout: int, guard: Guard | None, hits: list[Hit]
    ) -> list[int]:
        """ADD_WHILE_SCRIPT's answer, in one round trip and atomically."""
        serializer = self._cache._serializer
        guard_key, guard_value = (guard.key, serializer.dumps(guard.value)) if guard else (key, b"")
        keys = [guard_key, key, *(hit.key for hit in hits)]
        arguments = [guard_value, serializer.dumps(value), max(timeout, 1)]
        arguments += [max(hit.period_seconds, 1) for hit in hits]
        cache_keys = [self.make_and_validate_key(name) for name in keys]
        return [int(number) for number in self._add_while_script(keys=cache_keys, args=arguments)]


def add_while(
    key: str, value: Any, timeout: int, guard: Guard | None = None, hits: list[Hit] | None = None
) -> bool:
    """Add ``key`` unless it exists, only while ``guard`` holds (else GuardChanged, and
    nothing added), and when added count ``hits``: one round trip with Redis, where
    reading the guard and counting each hit apart take one each."""
    hits = hits or []
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        added, *counts = backend.add_while(key, value, timeout, guard, hits)
        if added < 0:
            raise GuardChanged
        if not added:  # the key existed: no hit was counted
            return False
        for hit, count in zip(hits, counts, strict=True):
            hit.count = count
        return True
    # The in-memory cache of tests and development: the same answers, in several steps.
    if guard is not None and backend.get(guard.key) != guard.value:
        raise GuardChanged
    if not backend.add(key, value, timeout=max(timeout, 1)):
        return False
    for hit in hits:
        hit.count = count_hit(hit.key, hit.period_seconds)
    return True


def count_hit(key: str, period_seconds: int) -> int:
    """Count one hit of ``key`` in a window of ``period_seconds`` started by its first hit,
    and return the hits so far, on any cache (in one round trip with Redis)."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        return backend.count_hit(key, period_seconds)
    if backend.add(key, 1, timeout=period_seconds):
        return 1
    try:
        return int(backend.incr(key))
    except ValueError:  # the key expired between add() and incr()
        backend.add(key, 1, timeout=period_seconds)
        return 1
