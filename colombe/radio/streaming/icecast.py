"""What Icecast says about the stream, and "now playing" pushed to it.

``read_status()`` reads ``/status-json.xsl``, whose ``icestats.source`` is an object when
one mount has a source, a list when several have, and absent when none has. The answer is
cached for a couple of seconds: every open player page polls Colombe, and Colombe asks
Icecast at most once per period, also when Icecast is down (so that a page never waits for
a timeout twice in a row)."""

import base64
import json
import logging
import re
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

STATUS_CACHE_KEY = "radio:icecast-status"
STATUS_CACHE_SECONDS = 2
NUMERIC_REFERENCE = re.compile(r"&#(\d{1,7});")


@dataclass(frozen=True)
class MountStatus:
    mount: str
    listeners: int
    title: str
    bitrate_kbps: int | None


@dataclass(frozen=True)
class StreamStatus:
    """``reachable``: Icecast answered. ``on_air``: a source feeds the radio's mount (the
    stream plays). ``listeners`` and ``title`` are the radio mount's; ``mounts`` lists
    every mount Icecast serves."""

    reachable: bool
    on_air: bool = False
    listeners: int = 0
    title: str = ""
    mounts: tuple[MountStatus, ...] = ()


UNREACHABLE = StreamStatus(reachable=False)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decoded_title(title: str) -> str:
    """Icecast keeps titles in Latin-1 and writes any other character as a numeric
    reference ("—" comes back as "&#8212;"); nothing else is escaped, so only those are
    decoded ("&amp;" in a title stays as it was sent)."""
    return NUMERIC_REFERENCE.sub(_character, title)


def _character(reference: re.Match[str]) -> str:
    code_point = int(reference.group(1))
    return chr(code_point) if code_point <= sys.maxunicode else reference.group(0)


def _mount_status(source: dict[str, Any]) -> MountStatus:
    return MountStatus(
        mount=urllib.parse.urlsplit(str(source.get("listenurl", ""))).path,
        listeners=_as_int(source.get("listeners")) or 0,
        # Absent until the source sends its first metadata.
        title=_decoded_title(str(source.get("title") or "")),
        bitrate_kbps=_as_int(source.get("bitrate")),
    )


def parse_status(document: Any, mount: str) -> StreamStatus:
    """The status of ``mount`` in a decoded status-json.xsl answer."""
    icestats = document.get("icestats") if isinstance(document, dict) else None
    if not isinstance(icestats, dict):
        raise ValueError("Not an Icecast status document.")
    sources = icestats.get("source", [])
    if isinstance(sources, dict):
        sources = [sources]
    mounts = tuple(_mount_status(source) for source in sources if isinstance(source, dict))
    radio = next((status for status in mounts if status.mount == mount), None)
    if radio is None:
        return StreamStatus(reachable=True, mounts=mounts)
    return StreamStatus(
        reachable=True, on_air=True, listeners=radio.listeners, title=radio.title, mounts=mounts
    )


def fetch_status(timeout: float = 1.0) -> StreamStatus:
    """Ask Icecast now (no cache)."""
    url = settings.RADIO_ICECAST_URL.rstrip("/") + "/status-json.xsl"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            document = json.loads(response.read().decode("utf-8", errors="replace"))
        return parse_status(document, settings.RADIO_MOUNT)
    except (OSError, ValueError) as error:  # refused, timed out, not Icecast's JSON
        logger.info("Icecast status unavailable at %s: %s", url, error)
        return UNREACHABLE


def read_status(timeout: float = 1.0) -> StreamStatus:
    """The stream's status, at most STATUS_CACHE_SECONDS old."""
    status = cache.get(STATUS_CACHE_KEY)
    if isinstance(status, StreamStatus):
        return status
    status = fetch_status(timeout)
    cache.set(STATUS_CACHE_KEY, status, STATUS_CACHE_SECONDS)
    return status


def push_metadata(title: str, timeout: float = 2.0) -> bool:
    """Show ``title`` as "now playing" on the radio's mount, for sources that carry no
    metadata of their own. Liquidsoap sends the tracks' titles itself."""
    query = urllib.parse.urlencode(
        {"mount": settings.RADIO_MOUNT, "mode": "updinfo", "song": title, "charset": "UTF-8"}
    )
    url = f"{settings.RADIO_ICECAST_URL.rstrip('/')}/admin/metadata?{query}"
    credentials = base64.b64encode(f"admin:{settings.RADIO_ICECAST_ADMIN_PASSWORD}".encode())
    request = urllib.request.Request(
        url, headers={"Authorization": f"Basic {credentials.decode()}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            # Icecast answers 200 with <return>1</return> when the update was applied.
            accepted = b"<return>1</return>" in response.read()
    except OSError as error:  # refused, timed out, 401, 400 (no source on the mount)
        logger.warning("Icecast refused the metadata update: %s", error)
        return False
    cache.delete(STATUS_CACHE_KEY)
    return accepted
