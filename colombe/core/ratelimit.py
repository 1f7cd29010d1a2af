"""A small fixed-window rate limiter on the cache, for forms anonymous visitors can post."""

from django.conf import settings
from django.http import HttpRequest

from colombe.core.cache import Hit, count_hit


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
    return count_hit(cache_key(key), period_seconds) <= limit


def cache_key(key: str) -> str:
    return f"ratelimit:{key}"


def pending_hit(key: str, *, period_seconds: int) -> Hit:
    """An attempt to count along with a change of the cache (colombe.core.cache's
    add_while()), in the same round trip; within() tells once it is counted."""
    return Hit(cache_key(key), period_seconds)


def within(counted: Hit, *, limit: int) -> bool:
    return counted.count <= limit
