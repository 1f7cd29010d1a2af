"""Cached figures under a version: replacing a version makes every entry stored under
the previous one unreachable at once, without knowing their keys (one per filter set).

A change replaces the version at once (requests of the same transaction) and again after
the commit: a request that read the old rows in between cached them under the first new
version, which the second replacement leaves behind."""

import hashlib
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction

# Versions make entries obsolete at once; the timeout only bounds what an old version
# leaves behind and how long a change made without Django's signals can go unseen.
CACHE_SECONDS = 10 * 60

# Part of every entry's key: raise it when what an entry holds changes shape, so that a
# new release never reads entries an older one stored.
ENTRY_FORMAT = 2

Value = TypeVar("Value")


def current_version(name: str) -> str:
    key = f"reports:version:{name}"
    version = cache.get(key)
    if version is None:
        # A new random version: entries left by a lost one are never read again.
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return str(version)


def replace_version(name: str) -> None:
    _replace(name)
    transaction.on_commit(lambda: _replace(name))


def _replace(name: str) -> None:
    cache.set(f"reports:version:{name}", uuid.uuid4().hex, None)


def entry_key(name: str, version: str, parameters: dict[str, str]) -> str:
    """A short key whatever the parameters (memcached allows 250 characters)."""
    digest = hashlib.sha256(urlencode(sorted(parameters.items())).encode()).hexdigest()[:32]
    return f"reports:{name}:{ENTRY_FORMAT}:{version}:{digest}"


def get_or_compute(name: str, parameters: dict[str, str], compute: Callable[[], Value]) -> Value:
    """The entry for ``parameters`` under ``name``'s current version, computed and stored
    when missing. The entries last read are kept in the process too: an entry never
    changes under its key (a change makes a new version, so new keys), and reading a
    few thousand counts back from the shared cache on every request costs more than
    counting them."""
    key = entry_key(name, current_version(name), parameters)
    found: Value | None = _recent.get(key)
    if found is None:
        found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    _remember(key, found)
    return found


# Per process: the entries last read, oldest first, at most RECENT_ENTRIES.
RECENT_ENTRIES = 64
_recent: dict[str, Any] = {}
_recent_lock = threading.Lock()


def _remember(key: str, value: Any) -> None:
    with _recent_lock:
        _recent.pop(key, None)
        _recent[key] = value
        while len(_recent) > RECENT_ENTRIES:
            del _recent[next(iter(_recent))]
