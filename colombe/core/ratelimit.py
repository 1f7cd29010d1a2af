"""A small fixed-window rate limiter on the cache, for forms anonymous visitors can post."""

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.http import HttpRequest

from colombe.core.cache import RedisCache


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind COLOMBE_TRUSTED_PROXY_COUNT proxies it is the one the
    outermost trusted proxy saw, counted from the right of X-Forwarded-For: addresses
    further left are whatever the client chose to send."""
    trusted_proxies = settings.COLOMBE_TRUSTED_PROXY_COUNT
    # From META: request.headers would copy every header of the request to read one.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if trusted_proxies > 0 and len(addresses) >= trusted_proxies:
        return addresses[-trusted_proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(request: HttpRequest, action: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt; return False when the client is over ``limit`` per period."""
    return hit_key(f"{action}:{client_ip(request)}", limit=limit, period_seconds=period_seconds)


def hit_key(key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt for any key (an address, a user id…); False when over the limit."""
    cache_key = f"ratelimit:{key}"
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):  # Redis counts in one round trip
        return backend.count_hit(cache_key, period_seconds) <= limit
    return _count_with_add_and_incr(cache_key, period_seconds) <= limit


def _count_with_add_and_incr(cache_key: str, period_seconds: int) -> int:
    """The same count on any cache backend (the in-memory one of tests and development)."""
    if cache.add(cache_key, 1, timeout=period_seconds):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # the key expired between add() and incr()
        cache.add(cache_key, 1, timeout=period_seconds)
        return 1
