"""A small fixed-window rate limiter on the cache, for forms anonymous visitors can post."""

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(request: HttpRequest, action: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt; return False when the client is over ``limit`` per period."""
    key = f"ratelimit:{action}:{client_ip(request)}"
    if cache.add(key, 1, timeout=period_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=period_seconds)
        return True
    return count <= limit
