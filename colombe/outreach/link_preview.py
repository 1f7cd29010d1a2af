"""The title and description of a page a post links to, as networks show it under a post.

Fetching an address a member typed is a way into the server's own network (SSRF): only
http(s) is followed, every address the host name resolves to must be a public one, and
the connection goes to the address that was checked (not to a second resolution that an
attacker's DNS could answer differently). Hosts of this site (settings.SITE_URL) and of
settings.OUTREACH_LINK_PREVIEW_ALLOWED_HOSTS are trusted as they are. At most 512 KiB
are read, within 5 seconds, through at most 5 redirects, each checked again."""

import ipaddress
import socket
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

MAX_BYTES = 512 * 1024
TIMEOUT_SECONDS = 5.0
MAX_REDIRECTS = 5
TITLE_LENGTH = 300
DESCRIPTION_LENGTH = 1000
HTML_TYPES = ("text/html", "application/xhtml+xml")


# 6to4 and Teredo addresses carry an IPv4 address inside and reach it through a relay
# (a 6to4 address embeds any IPv4 address, a private one included): never public here.
TUNNELLING_NETWORKS = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("2001::/32"))


class PreviewUnavailable(Exception):
    """The page was refused or could not be read; the post simply has no preview."""


class UnknownHost(PreviewUnavailable):
    """The host name does not resolve (perhaps for a moment only)."""


@dataclass(frozen=True)
class LinkPreview:
    title: str
    description: str


def trusted_hosts() -> set[str]:
    hosts = {host.lower() for host in settings.OUTREACH_LINK_PREVIEW_ALLOWED_HOSTS}
    own = urlsplit(settings.SITE_URL).hostname
    return hosts | ({own.lower()} if own else set())


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in TUNNELLING_NETWORKS):
            return False
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    refused = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )
    return ip.is_global and not refused


def public_address(host: str, port: int) -> str:
    """The address to connect to; every address of ``host`` must be public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnknownHost(f"unknown host {host}") from error
    addresses = [str(info[4][0]) for info in found]
    if not addresses or not all(is_public(address) for address in addresses):
        raise PreviewUnavailable(f"{host} is not a public address")
    return addresses[0]


def checked_parts(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreviewUnavailable("only http and https addresses are fetched")
    if parts.username or parts.password:
        raise PreviewUnavailable("addresses with a login are not fetched")
    return parts


def build_request(client: httpx.Client, url: str) -> httpx.Request:
    parts = checked_parts(url)
    host = (parts.hostname or "").lower()
    headers = {"User-Agent": "Colombe link preview", "Accept": "text/html"}
    if host in trusted_hosts():
        return client.build_request("GET", url, headers=headers)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address(host, port)
    shown = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(parts._replace(netloc=f"{shown}:{port}"))
    # The Host header and the TLS server name stay the real host: the certificate is
    # checked against it, the connection goes to the checked address.
    headers["Host"] = parts.netloc
    return client.build_request("GET", pinned, headers=headers, extensions={"sni_hostname": host})


def read_limited(response: httpx.Response, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise PreviewUnavailable("the page is too large")
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise PreviewUnavailable("the page is too large")
        if time.monotonic() > deadline:
            raise PreviewUnavailable("the page took too long")
    return bytes(body)


def fetch_page(url: str) -> tuple[bytes, str]:
    """The body of the page at ``url`` (after redirects) and its declared encoding."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            response = client.send(build_request(client, url), stream=True)
            try:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code != 200:
                    raise PreviewUnavailable(f"the page answered {response.status_code}")
                content_type = response.headers.get("content-type", "").split(";")[0].strip()
                if content_type.lower() not in HTML_TYPES:
                    raise PreviewUnavailable("the page is not HTML")
                return read_limited(response, deadline), response.charset_encoding or "utf-8"
            finally:
                response.close()
    raise PreviewUnavailable("too many redirects")


class HeadParser(HTMLParser):
    """Collects the <title> and the <meta> tags networks read (og:, twitter:, description)."""

    WANTED = {
        "og:title",
        "og:description",
        "twitter:title",
        "twitter:description",
        "description",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag != "meta":
            return
        values = {name: value or "" for name, value in attrs}
        key = (values.get("property") or values.get("name") or "").lower()
        if key in self.WANTED and key not in self.meta:
            self.meta[key] = values.get("content", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def clean(text: str, length: int) -> str:
    words = " ".join(text.split())
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"


def parse_preview(html: str) -> LinkPreview:
    parser = HeadParser()
    parser.feed(html)
    meta = parser.meta
    title = meta.get("og:title") or meta.get("twitter:title") or "".join(parser.title_parts)
    description = (
        meta.get("og:description") or meta.get("twitter:description") or meta.get("description")
    )
    return LinkPreview(clean(title, TITLE_LENGTH), clean(description or "", DESCRIPTION_LENGTH))


def fetch_preview(url: str) -> LinkPreview:
    """Fetch ``url`` and read its preview; PreviewUnavailable when refused or unreadable."""
    try:
        body, encoding = fetch_page(url)
    except httpx.HTTPError as error:
        raise PreviewUnavailable(f"the page could not be read: {error}") from error
    try:
        html = body.decode(encoding, errors="replace")
    except LookupError:
        html = body.decode("utf-8", errors="replace")
    return parse_preview(html)
