"""Committee mini-sites live at ``/<slug>/``, after every other address of the site: a
committee whose slug is the first part of another address (``/compte/``, ``/reseaux/``,
``/l/``…) would never be reached. The reserved words are read from the root URLconf (and
the static and media prefixes, served outside it), so a new app's prefix is reserved the
day it is added."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# A literal first segment: what a route starts with before any "/" or converter.
LITERAL_SEGMENT = re.compile(r"^\^?([\w.-]+)")


def first_segments(patterns: Iterable[URLPattern | URLResolver]) -> set[str]:
    segments: set[str] = set()
    for entry in patterns:
        route = str(entry.pattern)
        if route.lstrip("^") == "" and isinstance(entry, URLResolver):
            # An include at the root: its own patterns are root addresses.
            segments |= first_segments(entry.url_patterns)
            continue
        match = LITERAL_SEGMENT.match(route)
        if match:
            segments.add(match.group(1).lower())
    return segments


def reserved_root_slugs() -> frozenset[str]:
    prefixes = {settings.STATIC_URL or "", settings.MEDIA_URL or ""}
    files = {prefix.strip("/").split("/")[0] for prefix in prefixes} - {""}
    return frozenset(first_segments(get_resolver().url_patterns) | files)
