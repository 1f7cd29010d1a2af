"""A real radio chain for tests: Icecast and Liquidsoap configured by Colombe's own writer
(``colombe.radio.streaming.config``), on free loopback ports, in a temporary folder.

- ``launch_icecast(config)`` / ``launch_liquidsoap(config)``: context managers that start
  the program, wait until it works and stop it cleanly.
- ``push_source(url)``: ffmpeg streaming a generated tone (``-re``, real time) to an
  Icecast mount or to Liquidsoap's harbor, as a presenter's software would.
- ``send_rtp(port)``: ffmpeg sending a tone as RTP/Opus, as Janus forwards a speaker to
  the relay; ``free_udp_ports(count)`` finds ports for it.
- Fixtures: ``icecast_server`` (one per test module), ``radio_settings`` (Django settings
  pointed at it), ``radio_stream`` (the radio's mount fed by an ffmpeg tone, for pages
  that play the stream) and ``radio_chain`` (Icecast fed by Liquidsoap, which asks the
  test's ``live_server`` about presenters; use it with ``radio_chain_settings``)."""

import json
import math
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from colombe.radio.streaming import config as radio_config
from colombe.radio.streaming.config import StreamingConfig
from colombe.radio.streaming.icecast import MountStatus, parse_status
from colombe.radio.streaming.relay import stop_process
from tests.janus import free_port
from tests.services import require_ffmpeg, require_service

# Liquidsoap type-checks its whole library first: ~10 s on a busy 2-core machine.
STARTUP_TIMEOUT_SECONDS = 45.0
STOP_TIMEOUT_SECONDS = 5.0
MOUNT = "/radio.mp3"


@dataclass(frozen=True)
class RadioProcess:
    """Icecast or Liquidsoap, started by a test, with its output in ``log_file``."""

    process: subprocess.Popen[bytes]
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")


def chain_config(state_dir: Path, callback_base_url: str = "http://127.0.0.1:9") -> StreamingConfig:
    """A configuration on free loopback ports with fresh secrets; by default Liquidsoap's
    callbacks go to a closed port (every presenter is refused)."""
    icecast_port = free_port()
    return StreamingConfig(
        state_dir=state_dir.resolve(),
        icecast_host="127.0.0.1",
        icecast_port=icecast_port,
        mount=MOUNT,
        public_stream_url=f"http://127.0.0.1:{icecast_port}{MOUNT}",
        source_password=secrets.token_urlsafe(16),
        admin_password=secrets.token_urlsafe(16),
        max_listeners=50,
        harbor_bind_address="127.0.0.1",
        harbor_port=free_port(),
        harbor_mount="/live",
        callback_base_url=callback_base_url,
        callback_secret=secrets.token_urlsafe(24),
        site_url="http://127.0.0.1:8000",
        admin_contact="radio@example.org",
        relay_slots=2,
        relay_mount_prefix="relay",
        relay_password=secrets.token_urlsafe(24),
    )


def icecast_url(config: StreamingConfig) -> str:
    return f"http://{config.icecast_host}:{config.icecast_port}"


def read_icecast(config: StreamingConfig, timeout: float = 2.0) -> Any:
    """The decoded status-json.xsl, as Icecast sends it."""
    with urllib.request.urlopen(f"{icecast_url(config)}/status-json.xsl", timeout=timeout) as r:
        return json.load(r)


def mount_status(config: StreamingConfig) -> MountStatus | None:
    """The radio mount as Icecast reports it, or None while no source feeds it."""
    status = parse_status(read_icecast(config), config.mount)
    return next((mount for mount in status.mounts if mount.mount == config.mount), None)


def wait_for(condition: Any, timeout: float, what: str, process: RadioProcess | None = None) -> Any:
    """Poll ``condition()`` every 0.2 s until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.process.poll() is not None:
            raise RuntimeError(f"Exited while waiting for {what}:\n{process.log()[-3000:]}")
        try:
            result = condition()
        except (OSError, ValueError):  # not answering yet; half-started Icecast sends bad JSON
            result = None
        if result:
            return result
        time.sleep(0.2)
    log = process.log()[-3000:] if process else ""
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}\n{log}")


def wait_until_off_air(config: StreamingConfig, timeout: float = 10.0) -> None:
    """Icecast drops a mount a moment after its source leaves: tests sharing one Icecast
    start from an empty mount."""
    wait_for(lambda: mount_status(config) is None, timeout, "the mount to be free")


@contextmanager
def _running(command: list[str], log_file: Path) -> Iterator[RadioProcess]:
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield RadioProcess(process, log_file)
    finally:
        stop_process(process, STOP_TIMEOUT_SECONDS)


@contextmanager
def launch_icecast(config: StreamingConfig) -> Iterator[RadioProcess]:
    radio_config.write_config(config)
    command = ["icecast2", "-c", str(config.state_dir / radio_config.ICECAST_FILE)]
    with _running(command, config.state_dir / "icecast.log") as icecast:
        wait_for(lambda: read_icecast(config, 0.5), STARTUP_TIMEOUT_SECONDS, "Icecast", icecast)
        yield icecast


@contextmanager
def launch_liquidsoap(config: StreamingConfig) -> Iterator[RadioProcess]:
    """Liquidsoap feeding an Icecast already started with ``config``; ready once the
    radio's mount is on air (the safe jingle at least)."""
    radio_config.write_config(config)
    command = ["liquidsoap", str(config.state_dir / radio_config.LIQUIDSOAP_FILE)]
    with _running(command, config.state_dir / "liquidsoap.log") as liquidsoap:
        wait_for(lambda: mount_status(config), STARTUP_TIMEOUT_SECONDS, "the mount", liquidsoap)
        yield liquidsoap


@contextmanager
def push_source(
    url: str, *, frequency: int = 440, seconds: float | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """ffmpeg sending a tone in real time to ``url`` (icecast://user:password@host:port/
    mount), MP3 128 kbit/s, for ``seconds`` or until the block ends."""
    duration = f":duration={seconds}" if seconds else ""
    command = [
        *("ffmpeg", "-nostdin", "-loglevel", "error", "-re"),
        *("-f", "lavfi", "-i", f"sine=frequency={frequency}{duration}"),
        *("-c:a", "libmp3lame", "-b:a", "128k", "-ac", "2", "-ar", "44100"),
        *("-content_type", "audio/mpeg", "-f", "mp3", url),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        stop_process(process, STOP_TIMEOUT_SECONDS)
        if process.stderr:
            process.stderr.close()


@contextmanager
def send_rtp(port: int, *, frequency: int = 880) -> Iterator[subprocess.Popen[bytes]]:
    """ffmpeg sending a tone in real time to 127.0.0.1:``port`` as Janus's rtp_forward
    sends a speaker: RTP, Opus 48 kHz stereo, payload type 111 (RTCP on ``port`` + 1)."""
    command = [
        *("ffmpeg", "-nostdin", "-loglevel", "error", "-re"),
        *("-f", "lavfi", "-i", f"sine=frequency={frequency}"),
        *("-c:a", "libopus", "-b:a", "48k", "-ar", "48000", "-ac", "2"),
        *("-payload_type", "111", "-f", "rtp", f"rtp://127.0.0.1:{port}"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        stop_process(process, STOP_TIMEOUT_SECONDS)


def free_udp_ports(count: int, attempts: int = 50) -> int:
    """The first of ``count`` consecutive free UDP ports on loopback, an even one (RTP
    slots take an even port and the next one, for RTCP)."""
    for _ in range(attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1] & ~1
        if first + count <= 65535 and _udp_ports_free(first, count):
            return first
    raise RuntimeError(f"No {count} consecutive free UDP ports found.")


def _udp_ports_free(first: int, count: int) -> bool:
    sockets = []
    try:
        for port in range(first, first + count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sockets.append(sock)
            sock.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        for sock in sockets:
            sock.close()


def source_url(config: StreamingConfig, mount: str | None = None) -> str:
    """Where a source sends to Icecast directly, with the source password."""
    host = f"{config.icecast_host}:{config.icecast_port}"
    return f"icecast://source:{config.source_password}@{host}{mount or config.mount}"


def harbor_url(config: StreamingConfig, username: str, password: str) -> str:
    """Where a presenter's software sends to Liquidsoap's harbor."""
    return f"icecast://{username}:{password}@127.0.0.1:{config.harbor_port}{config.harbor_mount}"


def require_radio_packages() -> None:
    for binary, package in (("icecast2", "icecast2"), ("liquidsoap", "liquidsoap")):
        require_service(binary, shutil.which(binary) is not None, f"apt-get install {package}")
    require_ffmpeg()


@dataclass(frozen=True)
class IcecastServer:
    config: StreamingConfig
    icecast: RadioProcess

    @property
    def url(self) -> str:
        return icecast_url(self.config)

    @property
    def stream_url(self) -> str:
        return self.url + self.config.mount


@pytest.fixture(scope="module")
def icecast_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IcecastServer]:
    require_radio_packages()
    config = chain_config(tmp_path_factory.mktemp("icecast"))
    with launch_icecast(config) as icecast:
        yield IcecastServer(config, icecast)


def point_settings_at(settings: Any, config: StreamingConfig) -> None:
    settings.RADIO_ICECAST_URL = icecast_url(config)
    settings.RADIO_MOUNT = config.mount
    settings.RADIO_PUBLIC_STREAM_URL = icecast_url(config) + config.mount
    settings.RADIO_ICECAST_SOURCE_PASSWORD = config.source_password
    settings.RADIO_ICECAST_ADMIN_PASSWORD = config.admin_password
    settings.RADIO_STATE_DIR = config.state_dir
    settings.RADIO_HARBOR_PORT = config.harbor_port
    settings.RADIO_HARBOR_MOUNT = config.harbor_mount
    settings.RADIO_CALLBACK_SECRET = config.callback_secret
    settings.RADIO_RELAY_SLOTS = config.relay_slots
    settings.RADIO_RELAY_HARBOR_MOUNT_PREFIX = config.relay_mount_prefix
    settings.RADIO_RELAY_PASSWORD = config.relay_password


@pytest.fixture
def radio_settings(settings: Any, icecast_server: IcecastServer) -> IcecastServer:
    point_settings_at(settings, icecast_server.config)
    return icecast_server


@pytest.fixture(scope="module")
def radio_stream(icecast_server: IcecastServer) -> Iterator[IcecastServer]:
    """The radio's mount on air with a 440 Hz tone (ask for ``radio_settings`` too)."""
    config = icecast_server.config
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), STARTUP_TIMEOUT_SECONDS, "the test source")
        yield icecast_server


@dataclass(frozen=True)
class RadioChain:
    config: StreamingConfig
    icecast: RadioProcess
    liquidsoap: RadioProcess

    @property
    def stream_url(self) -> str:
        return icecast_url(self.config) + self.config.mount


@pytest.fixture(scope="module")
def radio_chain(tmp_path_factory: pytest.TempPathFactory, live_server: Any) -> Iterator[RadioChain]:
    """Icecast fed by Liquidsoap, whose presenter checks go to ``live_server``. Tests
    write the playlists into ``config.state_dir`` and use ``radio_chain_settings``."""
    require_radio_packages()
    config = replace(
        chain_config(tmp_path_factory.mktemp("radio")), callback_base_url=live_server.url
    )
    with launch_icecast(config) as icecast, launch_liquidsoap(config) as liquidsoap:
        yield RadioChain(config, icecast, liquidsoap)


@pytest.fixture
def radio_chain_settings(settings: Any, radio_chain: RadioChain) -> RadioChain:
    """Settings pointed at the chain, whose playlists start empty (what a track of an
    earlier test still plays finishes first)."""
    point_settings_at(settings, radio_chain.config)
    for name in (radio_config.ON_AIR_FILE, radio_config.ROTATION_FILE):
        (radio_chain.config.state_dir / name).write_text("#EXTM3U\n")
    return radio_chain


def goertzel_power(samples: Any, frequency: int, sample_rate: int = 44100) -> float:
    """The power of one frequency in the samples (the Goertzel algorithm): which test
    tone a decoded stream carries."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / sample_rate)
    previous, before = 0.0, 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    return previous * previous + before * before - coefficient * previous * before
