"""The Redis cache backend keeps one client per connection pool, and still works as
Django's: against the real Redis on the loopback, in a database of its own."""

from collections.abc import Iterator

import pytest

from colombe.core.cache import RedisCache, ReusedClientRedisCacheClient

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
KEYS = ["petition", "proof", "missing"]


@pytest.fixture
def redis_cache() -> Iterator[RedisCache]:
    # Only our own keys are removed: other processes may use this Redis.
    backend = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": "colombe-test-cache"})
    backend.delete_many(KEYS)
    yield backend
    backend.delete_many(KEYS)


def test_the_same_clients_serve_every_operation() -> None:
    clients = ReusedClientRedisCacheClient([REDIS_TEST_URL])
    reader, writer = clients.get_client(), clients.get_client(write=True)
    assert clients.get_client() is reader
    assert clients.get_client(write=True) is writer
    assert reader.connection_pool is writer.connection_pool  # one server: one pool


def test_it_stores_adds_and_forgets_like_djangos(redis_cache: RedisCache) -> None:
    redis_cache.set("petition", {"title": "Pour la paix"}, 60)
    assert redis_cache.get("petition") == {"title": "Pour la paix"}
    assert redis_cache.add("proof", 1, 60) is True
    assert redis_cache.add("proof", 1, 60) is False
    assert redis_cache.get_many(["petition", "missing"]) == {"petition": {"title": "Pour la paix"}}
    redis_cache.delete("petition")
    assert redis_cache.get("petition") is None


def test_a_hit_is_counted_in_its_window_which_the_first_hit_starts(
    redis_cache: RedisCache,
) -> None:
    key = redis_cache.make_and_validate_key("proof")
    assert [redis_cache.count_hit("proof", 60) for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(key) <= 60
    # The window is not stretched by later hits, and get() reads the count.
    client.expire(key, 5)
    redis_cache.count_hit("proof", 60)
    assert client.ttl(key) <= 5
    assert redis_cache.get("proof") == 4
    redis_cache.delete("proof")
    assert redis_cache.count_hit("proof", 60) == 1
