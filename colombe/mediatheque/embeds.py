"""Privacy-friendly embeds of the video platforms an archive item may link to.

A link to YouTube, PeerTube or Dailymotion is shown as a button that names the host the
video would be loaded from; only when the visitor presses it does the page's script
(``static/mediatheque/embed.js``) insert the platform's player. Until then nothing is
requested from the platform: no iframe, no thumbnail, no script. Without JavaScript the
visitor gets a plain link to the original page.

YouTube is embedded from youtube-nocookie.com (no tracking cookie before playing)."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
YOUTUBE_SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
# /shorts/<id>, /embed/<id>, /live/<id>, /v/<id>
YOUTUBE_PATH = re.compile(r"^/(?:shorts|embed|live|v)/([A-Za-z0-9_-]{11})/?$")
YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"

DAILYMOTION_HOSTS = {"dailymotion.com", "www.dailymotion.com"}
DAILYMOTION_SHORT_HOSTS = {"dai.ly"}
# Old addresses append the title to the id: /video/x8abc12_the-title
DAILYMOTION_PATH = re.compile(r"^/video/([A-Za-z0-9]+)(?:_[^/]*)?/?$")
DAILYMOTION_ID = re.compile(r"^/([A-Za-z0-9]+)/?$")
DAILYMOTION_EMBED = "https://www.dailymotion.com/embed/video/{id}?autoplay=1"

# PeerTube runs on any host: /w/<short id> (not /w/p/…, a playlist) or
# /videos/watch/<uuid>.
PEERTUBE_SHORT_PATH = re.compile(r"^/w/([A-Za-z0-9]{16,40})/?$")
PEERTUBE_WATCH_PATH = re.compile(
    r"^/videos/watch/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/?$"
)
PEERTUBE_EMBED = "https://{host}/videos/embed/{id}?autoplay=1"


@dataclass(frozen=True)
class Embed:
    platform: str
    # Where the player comes from once the visitor presses "Play" (told to them first).
    host: str
    embed_url: str
    page_url: str

    @property
    def play_label(self) -> str:
        return _("Play — loads the video from %(host)s") % {"host": self.host}


def embed_for(url: str) -> Embed | None:
    """The embed for a video page's address, or None for anything else (an article, an
    unknown site, a plain-http PeerTube that the Content-Security-Policy would block)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return None
    video_id = youtube_id(host, parts.path, parts.query)
    if video_id:
        embed_url = YOUTUBE_EMBED.format(id=video_id)
        return Embed("YouTube", "www.youtube-nocookie.com", embed_url, url)
    video_id = dailymotion_id(host, parts.path)
    if video_id:
        embed_url = DAILYMOTION_EMBED.format(id=video_id)
        return Embed("Dailymotion", "www.dailymotion.com", embed_url, url)
    video_id = peertube_id(parts.path)
    if video_id and parts.scheme == "https":
        host_and_port = parts.netloc.rsplit("@", 1)[-1].lower()
        embed_url = PEERTUBE_EMBED.format(host=host_and_port, id=video_id)
        return Embed("PeerTube", host_and_port, embed_url, url)
    return None


def youtube_id(host: str, path: str, query: str) -> str | None:
    if host in YOUTUBE_SHORT_HOSTS:
        candidate = path.strip("/")
        return candidate if YOUTUBE_ID.match(candidate) else None
    if host not in YOUTUBE_HOSTS:
        return None
    if path.rstrip("/") == "/watch":
        candidate = parse_qs(query).get("v", [""])[0]
        return candidate if YOUTUBE_ID.match(candidate) else None
    match = YOUTUBE_PATH.match(path)
    return match.group(1) if match else None


def dailymotion_id(host: str, path: str) -> str | None:
    if host in DAILYMOTION_SHORT_HOSTS:
        match = DAILYMOTION_ID.match(path)
    elif host in DAILYMOTION_HOSTS:
        match = DAILYMOTION_PATH.match(path)
    else:
        return None
    return match.group(1) if match else None


def peertube_id(path: str) -> str | None:
    match = PEERTUBE_SHORT_PATH.match(path) or PEERTUBE_WATCH_PATH.match(path)
    return match.group(1) if match else None


def link_host(url: str) -> str:
    """The site a plain link leads to, shown next to it ("lemonde.fr")."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
