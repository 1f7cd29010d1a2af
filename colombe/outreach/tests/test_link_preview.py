"""Link previews (colombe.outreach.link_preview): read from a real local web server,
with the refusals that keep the fetch from reaching the server's own network."""

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse

from colombe.outreach import link_preview, services
from colombe.outreach.link_preview import PreviewUnavailable, fetch_preview
from colombe.outreach.models import Post
from colombe.outreach.tests.test_posts import Accounts, draft
from tests.personas import World

OG_PAGE = b"""<!doctype html><html><head>
<title>Le titre de la page</title>
<meta property="og:title" content="Appel pour la paix &amp; le d\xc3\xa9sarmement">
<meta property="og:description" content="  Signez   l'appel avant le 12 d\xc3\xa9cembre. ">
</head><body><p>Bonjour</p></body></html>"""

PLAIN_PAGE = b"""<html><head><meta name="description" content="Une description simple">
<title>
  Titre seul
</title></head></html>"""

BIG_PAGE = b"<html><head><title>Trop gros</title></head><body>" + b"x" * (600 * 1024)


class Pages(BaseHTTPRequestHandler):
    """Serves one answer per path; counts the requests it received."""

    requests: list[str] = []

    def do_GET(self) -> None:
        Pages.requests.append(self.path)
        routes = {
            "/og": lambda: self.answer(OG_PAGE),
            "/plain": lambda: self.answer(PLAIN_PAGE, "text/html; charset=utf-8"),
            "/big": lambda: self.answer(BIG_PAGE),
            "/big-streamed": lambda: self.answer(BIG_PAGE, length=False),
            "/slow": self.slow,
            "/pdf": lambda: self.answer(b"%PDF-1.4", "application/pdf"),
            "/to-private": lambda: self.redirect("http://10.0.0.1/"),
            "/to-ftp": lambda: self.redirect("ftp://127.0.0.1/file"),
            "/to-og": lambda: self.redirect("/og"),
            "/missing": lambda: self.answer(b"Not found", status=404),
        }
        routes.get(self.path, routes["/missing"])()

    def answer(
        self,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.close_connection = True
        self.end_headers()
        # The client may stop reading: that is what its size limit is for.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def slow(self) -> None:
        time.sleep(2)
        self.answer(OG_PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is not the server's log."""


@pytest.fixture
def server(settings: Any) -> Iterator[str]:
    """A web server on this machine, trusted as the brief's setting allows."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Pages.requests = []
    settings.SITE_URL = "https://colombe.example"
    settings.OUTREACH_LINK_PREVIEW_ALLOWED_HOSTS = ["127.0.0.1"]
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_og_tags_make_the_preview(server: str) -> None:
    preview = fetch_preview(f"{server}/og")
    assert preview.title == "Appel pour la paix & le désarmement"
    assert preview.description == "Signez l'appel avant le 12 décembre."


def test_title_and_description_tags_without_og(server: str) -> None:
    preview = fetch_preview(f"{server}/plain")
    assert preview.title == "Titre seul"
    assert preview.description == "Une description simple"


def test_redirects_on_the_same_site_are_followed(server: str) -> None:
    assert fetch_preview(f"{server}/to-og").title == "Appel pour la paix & le désarmement"


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/big", "too large"),
        ("/big-streamed", "too large"),
        ("/pdf", "not HTML"),
        ("/missing", "answered 404"),
        ("/to-private", "not a public address"),
        ("/to-ftp", "only http and https"),
    ],
)
def test_refused_pages(server: str, path: str, reason: str) -> None:
    with pytest.raises(PreviewUnavailable, match=reason):
        fetch_preview(f"{server}{path}")


def test_a_slow_page_times_out(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(link_preview, "TIMEOUT_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(PreviewUnavailable, match="could not be read"):
        fetch_preview(f"{server}/slow")
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    "address",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_addresses_are_refused(settings: Any, address: str) -> None:
    settings.SITE_URL = "https://colombe.example"
    with pytest.raises(PreviewUnavailable, match="not a public address"):
        fetch_preview(address)


def test_a_name_for_this_machine_is_refused_unless_trusted(server: str) -> None:
    # "localhost" is the same server as 127.0.0.1, but is not the trusted host name.
    port = server.rsplit(":", 1)[1]
    with pytest.raises(PreviewUnavailable, match="not a public address"):
        fetch_preview(f"http://localhost:{port}/og")
    assert Pages.requests == []


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("100.64.0.1", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
        # 6to4 (here of 192.168.1.1 and of 8.8.8.8) and Teredo: tunnels to IPv4 addresses.
        ("2002:c0a8:101::1", False),
        ("2002:808:808::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert link_preview.is_public(address) is public


def test_other_schemes_and_logins_are_refused() -> None:
    for address in ["file:///etc/passwd", "gopher://example.org/", "https://user:pw@example.org/"]:
        with pytest.raises(PreviewUnavailable):
            fetch_preview(address)


@pytest.mark.usefixtures("english_pages")
def test_a_post_gets_its_preview_when_its_link_changes(
    world: World, server: str, client: Any
) -> None:
    post = draft(world, Accounts(world), link_url=f"{server}/og")
    post.refresh_from_db()
    assert post.link_title == "Appel pour la paix & le désarmement"
    assert post.link_description == "Signez l'appel avant le 12 décembre."
    client.force_login(world.charlie)
    page = client.get(reverse("outreach:post_edit", args=[post.pk])).content.decode()
    assert "Appel pour la paix &amp; le désarmement" in page
    assert "127.0.0.1" in page
    # Saved again with the same link: the page is not read again.
    services.update_post(
        world.bob,
        post,
        structure=world.lyon,
        campaign=None,
        text="Autre texte",
        link_url=f"{server}/og",
        accounts=[],
    )
    assert Pages.requests == ["/og"]
    services.update_post(
        world.bob,
        post,
        structure=world.lyon,
        campaign=None,
        text="Autre texte",
        link_url=f"{server}/plain",
        accounts=[],
    )
    assert Post.objects.get(pk=post.pk).link_title == "Titre seul"
