import uuid
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.test import RequestFactory

from colombe.core.cache import RedisCache
from colombe.core.ratelimit import client_ip, hit, hit_key


def test_rate_limit_allows_up_to_the_limit_then_refuses() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    assert [hit(request, "contact", limit=3, period_seconds=60) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    other = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2")
    assert hit(other, "contact", limit=3, period_seconds=60)


def test_behind_a_proxy_each_visitor_has_their_own_counter(settings: Any) -> None:
    settings.COLOMBE_TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()

    def visitor(address: str, spoofed: str = "") -> HttpRequest:
        forwarded = f"{spoofed}, {address}" if spoofed else address
        return factory.post("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded)

    assert [
        hit(visitor("203.0.113.1"), "contact", limit=2, period_seconds=60) for _ in range(3)
    ] == [
        True,
        True,
        False,
    ]
    assert hit(visitor("203.0.113.2"), "contact", limit=2, period_seconds=60)
    # A client cannot escape its counter by inventing addresses on the left.
    assert not hit(
        visitor("203.0.113.1", spoofed="198.51.100.7"), "contact", limit=2, period_seconds=60
    )


def test_without_trusted_proxies_forwarded_for_is_ignored(settings: Any) -> None:
    settings.COLOMBE_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "10.0.0.9"


def test_with_redis_each_attempt_is_one_round_trip(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "colombe.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"colombe-test-ratelimit-{uuid.uuid4().hex}",
        }
    }
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    # A first hit loads the script into Redis (once per Redis, not per hit).
    hit_key("warm-up", limit=1, period_seconds=60)
    client = backend._cache.get_client(write=True)
    sent: list[Any] = []
    original = client.execute_command

    def counted(*args: Any, **kwargs: Any) -> Any:
        sent.append(args[0])
        return original(*args, **kwargs)

    client.execute_command = counted
    try:
        outcomes = [hit_key("contact:10.0.0.3", limit=2, period_seconds=60) for _ in range(3)]
        commands = list(sent)
    finally:
        client.execute_command = original
        backend.delete_many(["ratelimit:contact:10.0.0.3", "ratelimit:warm-up"])
    assert outcomes == [True, True, False]
    assert commands == ["EVALSHA"] * 3
