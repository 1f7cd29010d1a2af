"""A real Janus for tests: config written by Colombe's own writer, free ports, loopback.

``janus_server`` (one per test module) starts Janus and waits until ``/janus/info``
answers; ``janus_settings`` points Django settings at it. ``launch_janus`` is the same
thing as a context manager, for tests that need their own instance (a network namespace
for media: pass ``interface``/``ice_enforce_list`` and a ``command_prefix`` such as
``["ip", "netns", "exec", name]`` when the test process itself runs in that namespace).

``two_janus_servers`` starts two instances sharing their secrets (as production instances
do) with distinct mountpoint port ranges; ``janus_settings_two`` lists both as webinar
edges. ``StagePublisher`` publishes a stage feed from the server side, with no browser
and no media, so that the engine has a real publisher to forward."""

import json
import random
import secrets
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from colombe.meetings.engines.janus_config import write_janus_config
from tests.services import require_service

STARTUP_TIMEOUT_SECONDS = 15.0
RTP_RANGE_SIZE = 100
# A syntactically valid WebRTC offer with no ICE candidate: Janus negotiates the stage's
# streams from it (so they can be forwarded), and no media ever flows.
STAGE_OFFER = "\r\n".join(
    [
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=msid-semantic: WMS bench",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:bnch",
        "a=ice-pwd:benchbenchbenchbenchbench",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + ":".join(["AB"] * 32),
        "a=setup:actpass",
        "a=mid:0",
        "a=sendonly",
        "a=msid:bench audio0",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=ssrc:1111 cname:bench",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:bnch",
        "a=ice-pwd:benchbenchbenchbenchbench",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + ":".join(["AB"] * 32),
        "a=setup:actpass",
        "a=mid:1",
        "a=sendonly",
        "a=msid:bench video0",
        "a=rtcp-mux",
        "a=rtpmap:96 VP8/90000",
        "a=ssrc:2222 cname:bench",
        "",
    ]
)


@dataclass(frozen=True)
class JanusServer:
    http_url: str
    admin_url: str
    admin_secret: str
    room_admin_key: str
    recordings_dir: Path
    config_dir: Path
    log_file: Path
    process: subprocess.Popen[bytes]

    @property
    def servers_setting(self) -> str:
        """The ``JANUS_SERVERS`` entry for this instance (browsers use the same URL here)."""
        return f"{self.http_url}|{self.http_url}|{self.admin_url}"

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _answers(info_url: str) -> bool:
    try:
        with urllib.request.urlopen(info_url, timeout=1) as response:
            return bool(json.load(response).get("janus") == "server_info")
    except (OSError, ValueError):
        return False


def _wait_until_up(server: JanusServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"Janus exited at start-up:\n{server.log()[-3000:]}")
        if _answers(f"{server.http_url}/info"):
            return
        time.sleep(0.1)
    raise RuntimeError(f"Janus did not answer within {STARTUP_TIMEOUT_SECONDS}s:\n{server.log()}")


def random_rtp_port_range() -> tuple[int, int]:
    """Mountpoint ports for one instance, apart from other instances' (and from other
    test workers' instances, most of the time)."""
    start = random.randrange(30000, 59000, RTP_RANGE_SIZE)
    return start, start + RTP_RANGE_SIZE - 1


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def launch_janus(
    base_dir: Path,
    *,
    bind_ip: str = "127.0.0.1",
    interface: str | None = None,
    ice_enforce_list: str | None = None,
    command_prefix: Sequence[str] = (),
    rtp_port_range: tuple[int, int] | None = None,
    admin_secret: str | None = None,
    room_admin_key: str | None = None,
    **config: Any,
) -> Iterator[JanusServer]:
    """Write a config in ``base_dir``, start Janus on free ports, stop it afterwards.
    Secrets are random unless given (instances of one deployment share them)."""
    config_dir = base_dir / "janus-config"
    recordings_dir = base_dir / "janus-recordings"
    http_port, admin_port = free_port(bind_ip), free_port(bind_ip)
    admin_secret = admin_secret or secrets.token_urlsafe(24)
    room_admin_key = room_admin_key or secrets.token_urlsafe(24)
    write_janus_config(
        config_dir,
        http_port=http_port,
        admin_port=admin_port,
        admin_secret=admin_secret,
        room_admin_key=room_admin_key,
        recordings_dir=recordings_dir,
        rtp_port_range=rtp_port_range or random_rtp_port_range(),
        interface=interface,
        ice_enforce_list=ice_enforce_list,
        bind_ip=bind_ip,
        **config,
    )
    log_file = base_dir / "janus.log"
    command = [
        *command_prefix,
        "janus",
        "-F",
        str(config_dir),
        "-C",
        str(config_dir / "janus.jcfg"),
        "-o",  # no colours in the log file
    ]
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = JanusServer(
        http_url=f"http://{bind_ip}:{http_port}/janus",
        admin_url=f"http://{bind_ip}:{admin_port}/admin",
        admin_secret=admin_secret,
        room_admin_key=room_admin_key,
        recordings_dir=recordings_dir,
        config_dir=config_dir,
        log_file=log_file,
        process=process,
    )
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def janus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JanusServer]:
    require_service("Janus", shutil.which("janus") is not None, "apt-get install janus")
    with launch_janus(tmp_path_factory.mktemp("janus")) as server:
        yield server


@pytest.fixture
def janus_settings(settings: Any, janus_server: JanusServer) -> JanusServer:
    settings.JANUS_SERVERS = [janus_server.servers_setting]
    settings.JANUS_ADMIN_SECRET = janus_server.admin_secret
    settings.JANUS_ROOM_ADMIN_KEY = janus_server.room_admin_key
    settings.JANUS_RECORDINGS_DIR = janus_server.recordings_dir
    return janus_server


def edge_public_url(index: int) -> str:
    """The address browsers would use through the reverse proxy (never called here)."""
    return f"https://colombe.test/janus/e{index}"


@pytest.fixture(scope="module")
def two_janus_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[JanusServer, JanusServer]]:
    require_service("Janus", shutil.which("janus") is not None, "apt-get install janus")
    start, _end = random_rtp_port_range()
    second_start = 30000 + (start - 30000 + RTP_RANGE_SIZE) % (59000 - 30000)
    ranges = [
        (start, start + RTP_RANGE_SIZE - 1),
        (second_start, second_start + RTP_RANGE_SIZE - 1),
    ]
    shared = {
        "admin_secret": secrets.token_urlsafe(24),
        "room_admin_key": secrets.token_urlsafe(24),
    }
    with ExitStack() as stack:
        first, second = (
            stack.enter_context(
                launch_janus(tmp_path_factory.mktemp("janus-edge"), rtp_port_range=ports, **shared)
            )
            for ports in ranges
        )
        yield first, second


@pytest.fixture
def janus_settings_two(
    settings: Any, two_janus_servers: tuple[JanusServer, JanusServer]
) -> tuple[JanusServer, JanusServer]:
    """Both instances in ``JANUS_SERVERS``, each with a public URL of its own."""
    settings.JANUS_SERVERS = [
        f"{server.http_url}|{edge_public_url(index)}|{server.admin_url}"
        for index, server in enumerate(two_janus_servers)
    ]
    first = two_janus_servers[0]
    settings.JANUS_ADMIN_SECRET = first.admin_secret
    settings.JANUS_ROOM_ADMIN_KEY = first.room_admin_key
    settings.JANUS_RECORDINGS_DIR = first.recordings_dir
    settings.JANUS_RTP_FORWARD_HOST = "127.0.0.1"
    return two_janus_servers


class StagePublisher:
    """A stage seat publishing, seen from Janus: a session that joins the room with the
    seat's feed id and token and configures sendonly audio and video (``STAGE_OFFER``)."""

    def __init__(self, server_url: str, api_secret: str) -> None:
        self.server_url, self.api_secret = server_url, api_secret

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "transaction": secrets.token_hex(6), "apisecret": self.api_secret}
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.load(response)
        if answer.get("janus") == "error":
            raise RuntimeError(f"Janus refused {body['janus']}: {answer}")
        return answer

    def _event(self, session_url: str, wanted: str, timeout_s: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            url = f"{session_url}?maxev=5&apisecret={urllib.parse.quote(self.api_secret)}"
            with urllib.request.urlopen(url, timeout=35) as response:
                events = json.load(response)
            for event in events if isinstance(events, list) else [events]:
                data = event.get("plugindata", {}).get("data", {})
                if "error_code" in data:
                    raise RuntimeError(f"VideoRoom refused the stage: {data}")
                if wanted in data:
                    return data
        raise RuntimeError(f"No {wanted!r} event from Janus")

    def publish(self, room: int, feed: int, token: str) -> None:
        session = self._post(self.server_url, {"janus": "create"})["data"]["id"]
        session_url = f"{self.server_url}/{session}"
        handle = self._post(session_url, {"janus": "attach", "plugin": "janus.plugin.videoroom"})
        handle_url = f"{session_url}/{handle['data']['id']}"
        join = {"request": "join", "ptype": "publisher", "room": room, "id": feed, "token": token}
        self._post(handle_url, {"janus": "message", "body": join})
        self._event(session_url, "videoroom")
        configure = {"request": "configure", "audio": True, "video": True}
        jsep = {"type": "offer", "sdp": STAGE_OFFER}
        self._post(handle_url, {"janus": "message", "body": configure, "jsep": jsep})
        self._event(session_url, "configured")
