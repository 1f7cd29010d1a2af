"""A real Janus for tests: config written by Colombe's own writer, free ports, loopback.

``janus_server`` (one per test module) starts Janus and waits until ``/janus/info``
answers; ``janus_settings`` points Django settings at it. ``launch_janus`` is the same
thing as a context manager, for tests that need their own instance (a network namespace
for media: pass ``interface``/``ice_enforce_list`` and a ``command_prefix`` such as
``["ip", "netns", "exec", name]`` when the test process itself runs in that namespace)."""

import json
import random
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from colombe.meetings.engines.janus_config import write_janus_config
from tests.services import require_service

STARTUP_TIMEOUT_SECONDS = 15.0


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
    **config: Any,
) -> Iterator[JanusServer]:
    """Write a config in ``base_dir``, start Janus on free ports, stop it afterwards."""
    config_dir = base_dir / "janus-config"
    recordings_dir = base_dir / "janus-recordings"
    http_port, admin_port = free_port(bind_ip), free_port(bind_ip)
    rtp_start = random.randrange(30000, 59000, 100)  # mountpoint ports, apart per instance
    admin_secret, room_admin_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    write_janus_config(
        config_dir,
        http_port=http_port,
        admin_port=admin_port,
        admin_secret=admin_secret,
        room_admin_key=room_admin_key,
        recordings_dir=recordings_dir,
        rtp_port_range=(rtp_start, rtp_start + 99),
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
