"""Real video, end to end: Janus, Colombe's pages and headless Chromium with fake media.

Everything runs inside a private network namespace (tests/netns.py) with a veth pair, so
media never leaves the machine's own test network: Janus offers only the namespace's
address. Colombe runs as a ``runserver`` subprocess on a SQLite file prepared here.

Story: Bob (moderator) and Charlie join the committee's réunion through the lobby; each
sees the other's video playing; Bob mutes then removes Charlie, who is told so; Bob ends the
meeting and the Janus room is gone. Then a webinar: Bob on stage, a guest invited by
email joins the audience through their personal link and decodes the stage stream.
Lobby and meeting pages have no axe violation. Pages are driven in English so the test
does not depend on the state of the French catalogue. Needs root (CI runs as root)."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser import CHROMIUM_ARGS, assert_accessible
from tests.janus import JanusServer, free_port, launch_janus
from tests.netns import Namespace, can_create_namespaces, entered, network_namespace
from tests.services import chromium_path, require_service

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
SERVER_START_SECONDS = 30.0
VIDEO_TIMEOUT_MS = 30_000
CANDIDATE = re.compile(r"^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ", re.MULTILINE)


# Colombe as a subprocess in the namespace ------------------------------------------------


def prepare_database() -> None:
    """Run in a subprocess against the file database: personas, two meetings, a guest
    invitation, and logged-in sessions for Bob and Charlie (printed as JSON)."""
    from django.test import Client
    from django.utils import timezone

    from colombe.meetings import services
    from colombe.meetings.models import Meeting, MeetingInvitation
    from tests.personas import build_world

    world = build_world()
    now = timezone.now()
    common = {
        "owner": world.lyon,
        "group": world.private_group,
        "starts_at": now,
        "ends_at": now + timedelta(hours=2),
        "created_by": world.bob,
    }
    Meeting.objects.create(title="Visio du comité", slug="visio-comite", **common)
    webinar = Meeting.objects.create(
        title="Grande réunion", slug="grande-reunion", format=Meeting.Format.WEBINAR, **common
    )
    invitation = MeetingInvitation.objects.create(
        meeting=webinar,
        email="grace@example.net",
        name="Grace",
        token_hash="pending",
        expires_at=webinar.ends_at + timedelta(days=1),
    )
    sessions = {}
    for name in ("bob", "charlie"):
        client = Client()
        client.force_login(getattr(world, name))
        sessions[name] = client.cookies["sessionid"].value
    print(json.dumps({"sessions": sessions, "guest_token": services.issue_token(invitation)}))


def colombe_environment(tmp_path: Path, janus: JanusServer) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'colombe.sqlite3'}",
        "DEBUG": "1",  # runserver serves the static files
        "JANUS_SERVERS": janus.servers_setting,
        "JANUS_ADMIN_SECRET": janus.admin_secret,
        "JANUS_ROOM_ADMIN_KEY": janus.room_admin_key,
        "JANUS_RECORDINGS_DIR": str(janus.recordings_dir),
        "JANUS_RTP_FORWARD_HOST": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",  # the server log is read when a test fails
    }


def manage(environment: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def prepared_database(environment: dict[str, str], module: str) -> dict[str, Any]:
    """Run ``<module>.prepare_database()`` in a Django process of ``environment`` (the
    server's database); returns the JSON it printed last."""
    script = (
        f"import django; django.setup(); from {module} import prepare_database; prepare_database()"
    )
    prepared = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "colombe.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    data: dict[str, Any] = json.loads(prepared.stdout.strip().splitlines()[-1])
    return data


def wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"Colombe did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture
def namespace() -> Iterator[Namespace]:
    require_service("root (network namespaces)", can_create_namespaces(), "run as root")
    require_service("Janus", shutil.which("janus") is not None, "apt-get install janus")
    require_service("Chromium", chromium_path() is not None, "apt-get install chromium")
    with network_namespace() as created, entered(created):
        yield created


@pytest.fixture
def colombe(namespace: Namespace, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Janus and Colombe, both inside the namespace; yields URLs and sessions."""
    with launch_janus(
        tmp_path, interface=namespace.address, ice_enforce_list=namespace.interface
    ) as janus:
        environment = colombe_environment(tmp_path, janus)
        manage(environment, "migrate", "--noinput")
        data = prepared_database(environment, "e2e.test_meeting_video")
        port = free_port()
        log = tmp_path / "runserver.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_http(f"{base}/", server, log)
            yield {"url": base, "janus": janus, "log": log, **data}
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def chromium(colombe: dict[str, Any]) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
        )
        yield browser
        browser.close()


# Helpers -------------------------------------------------------------------------------


def person(
    browser: Browser, colombe: dict[str, Any], name: str | None = None, *, audit: bool = False
) -> Page:
    """A person's own browser context. Only ``audit`` contexts bypass the page's CSP
    (axe-core is injected there); the others prove the real CSP lets the media through."""
    context: BrowserContext = browser.new_context(locale="en-GB", bypass_csp=audit)
    context.set_default_timeout(VIDEO_TIMEOUT_MS)
    if name is not None:
        session = colombe["sessions"][name]
        context.add_cookies([{"name": "sessionid", "value": session, "url": colombe["url"]}])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def enter_meeting(
    page: Page, base: str, slug: str, guest_name: str = "", *, audit: bool = False
) -> None:
    """Lobby (checked with axe when ``audit``), then the one "Join" click."""
    if not page.url.endswith(f"/reunions/{slug}/salle/"):
        response = page.goto(f"{base}/reunions/{slug}/salle/")
        assert response is not None and response.status == 200
    if audit:
        assert_accessible(page)
    if guest_name:
        page.fill("#id_display_name", guest_name)
    with page.expect_navigation():
        page.get_by_role("button", name="Join the meeting").click()
    assert page.url.endswith(f"/reunions/{slug}/direct/"), page.url
    page.wait_for_selector("#connection-status:has-text('Connected')")


def my_feed(page: Page) -> int:
    config = json.loads(page.locator("#room-config").text_content() or "{}")
    return int(config["grant"]["config"]["feed"])


def room_id(page: Page) -> int:
    config = json.loads(page.locator("#room-config").text_content() or "{}")
    return int(config["grant"]["config"]["room"])


def assert_remote_video_plays(page: Page, exclude_feed: int | None = None) -> None:
    """A remote <video> decodes frames (videoWidth > 0) and its time advances."""
    selector = "#stage figure video"
    if exclude_feed is not None:
        selector = f"#stage figure:not(#tile-{exclude_feed}) video"
    playing = f"""() => [...document.querySelectorAll({json.dumps(selector)})]
        .some(video => video.videoWidth > 0 && video.currentTime > 0)"""
    page.wait_for_function(playing, timeout=VIDEO_TIMEOUT_MS)
    times = f"""() => [...document.querySelectorAll({json.dumps(selector)})]
        .filter(video => video.videoWidth > 0).map(video => video.currentTime)"""
    before = max(page.evaluate(times))
    page.wait_for_timeout(1500)
    assert max(page.evaluate(times)) > before


def janus_admin(janus: JanusServer, verb: str, path: str = "", **fields: Any) -> Any:
    body = json.dumps(
        {"janus": verb, "transaction": "t", "admin_secret": janus.admin_secret, **fields}
    ).encode()
    post = urllib.request.Request(f"{janus.admin_url}{path}", data=body, method="POST")
    with urllib.request.urlopen(post, timeout=5) as response:
        return json.load(response)


def janus_candidate_addresses(janus: JanusServer) -> list[str]:
    """Every candidate address in the SDPs Janus itself wrote, for every handle."""
    addresses = []
    for session in janus_admin(janus, "list_sessions")["sessions"]:
        handles = janus_admin(janus, "list_handles", f"/{session}")["handles"]
        for handle in handles:
            info = janus_admin(janus, "handle_info", f"/{session}/{handle}")["info"]
            local_sdp = info.get("sdps", {}).get("local", "")
            addresses += CANDIDATE.findall(local_sdp)
    return addresses


def room_exists(janus: JanusServer, room: int) -> bool:
    answer = janus_admin(
        janus,
        "message_plugin",
        plugin="janus.plugin.videoroom",
        request={"request": "exists", "room": room},
    )
    return bool(answer["response"]["exists"])


def end_meeting(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#end-meeting").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="End the meeting").click()


# The story -----------------------------------------------------------------------------


def test_two_members_see_each_other_then_moderation_and_end(
    colombe: dict[str, Any], chromium: Browser, namespace: Namespace
) -> None:
    base, janus = colombe["url"], colombe["janus"]
    bob = person(chromium, colombe, "bob", audit=True)
    charlie = person(chromium, colombe, "charlie")
    enter_meeting(bob, base, "visio-comite", audit=True)
    enter_meeting(charlie, base, "visio-comite")

    assert_remote_video_plays(bob, exclude_feed=my_feed(bob))
    assert_remote_video_plays(charlie, exclude_feed=my_feed(charlie))
    assert_accessible(bob)
    addresses = janus_candidate_addresses(janus)
    assert addresses and all(namespace.owns(address) for address in addresses), addresses

    charlie_item = bob.locator("#people li", has_text="Charlie")
    # Muting goes through Janus (moderate, with the audio stream's mid): Charlie is told
    # only once Janus has done it.
    charlie_item.get_by_role("button", name="Mute").click()
    charlie.wait_for_selector("#announcer:has-text('A moderator muted your microphone.')")
    charlie_item.get_by_role("button", name="Remove").click()
    charlie.wait_for_selector("#connection-status:has-text('You were removed')")
    bob.wait_for_selector(f"#tile-{my_feed(charlie)}", state="detached")

    room = room_id(bob)
    assert room_exists(janus, room)
    end_meeting(bob)
    assert "The meeting has ended" in bob.locator("h1").inner_text()
    assert not room_exists(janus, room)


def test_webinar_audience_decodes_the_stage_stream(
    colombe: dict[str, Any], chromium: Browser
) -> None:
    base, janus = colombe["url"], colombe["janus"]
    bob = person(chromium, colombe, "bob", audit=True)
    enter_meeting(bob, base, "grande-reunion", audit=True)
    guest = person(chromium, colombe)
    response = guest.goto(f"{base}/reunions/rejoindre/{colombe['guest_token']}/")
    assert response is not None and response.status == 200
    enter_meeting(guest, base, "grande-reunion", guest_name="Grace")
    assert_remote_video_plays(guest)
    assert_accessible(bob)
    room = room_id(bob)
    end_meeting(bob)
    assert not room_exists(janus, room)
    guest.wait_for_selector("#connection-status:has-text('The meeting has ended')")
