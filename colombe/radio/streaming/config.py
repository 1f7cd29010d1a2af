"""Write the configuration of Icecast and Liquidsoap (templates in ``deploy/radio/``) into
a folder, from Colombe's settings.

The same writer serves ``make run`` (``scripts/run-radio.sh`` through the ``radio_config``
command), the test fixtures (``tests/radio.py``) and production. Icecast is then started
with ``icecast2 -c <folder>/icecast.xml`` and Liquidsoap with ``liquidsoap
<folder>/radio.liq``."""

import grp
import os
import pwd
import re
import subprocess
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from string import Template
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "deploy" / "radio"
# Where Debian's icecast2 package keeps the status pages (status-json.xsl) and admin pages.
ICECAST_SHARE_DIR = Path("/usr/share/icecast2")
# Icecast refuses to run as root: started by root (CI, containers), it switches to the
# user Debian's package created, or to nobody.
ICECAST_USERS = ("icecast2", "nobody")
ICECAST_FILE = "icecast.xml"
LIQUIDSOAP_FILE = "radio.liq"
ROTATION_FILE = "playlist.m3u"
ON_AIR_FILE = "on-air.m3u"
JINGLE_FILE = "jingle.mp3"
# Liquidsoap's command socket (colombe.radio.streaming.control).
CONTROL_SOCKET_FILE = "liquidsoap.sock"
STATION_NAME = "Radio Colombe"
RELAY_MOUNT_PREFIX = re.compile(r"[A-Za-z0-9_-]+")
BITRATE_KBPS = 128
# Connections Icecast accepts besides listeners: Liquidsoap, Colombe's status requests.
EXTRA_CLIENTS = 20
# Seconds of a presenter's stream buffered before it goes on air: absorbs network hiccups.
HARBOR_BUFFER_SECONDS = 5.0
# The same for each speaker of a relayed meeting: ffmpeg runs next to Liquidsoap (or on a
# private network) and is fed in real time, so a shorter buffer keeps the relay close to
# the meeting without gaps.
RELAY_HARBOR_BUFFER_SECONDS = 2.0


@dataclass(frozen=True)
class StreamingConfig:
    """Everything both configuration files need, whatever its source."""

    state_dir: Path
    icecast_host: str
    icecast_port: int
    mount: str
    public_stream_url: str
    source_password: str
    admin_password: str
    max_listeners: int
    harbor_bind_address: str
    harbor_port: int
    harbor_mount: str
    callback_base_url: str
    callback_secret: str
    site_url: str
    admin_contact: str
    # The live relay of a meeting (colombe.radio.streaming.relay): how many speakers can
    # be heard at once, the harbor mounts they push to ("<prefix>-1"…) and their password.
    relay_slots: int
    relay_mount_prefix: str
    relay_password: str

    def callback_url(self, name: str) -> str:
        return self.callback_base_url.rstrip("/") + reverse(name)


def from_settings(state_dir: Path | str | None = None) -> StreamingConfig:
    icecast = urlsplit(settings.RADIO_ICECAST_URL)
    return StreamingConfig(
        state_dir=Path(state_dir or settings.RADIO_STATE_DIR).resolve(),
        icecast_host=icecast.hostname or "127.0.0.1",
        icecast_port=icecast.port or 8000,
        mount=settings.RADIO_MOUNT,
        public_stream_url=settings.RADIO_PUBLIC_STREAM_URL,
        source_password=settings.RADIO_ICECAST_SOURCE_PASSWORD,
        admin_password=settings.RADIO_ICECAST_ADMIN_PASSWORD,
        max_listeners=settings.RADIO_MAX_LISTENERS,
        harbor_bind_address=settings.RADIO_HARBOR_BIND_ADDRESS,
        harbor_port=settings.RADIO_HARBOR_PORT,
        harbor_mount=settings.RADIO_HARBOR_MOUNT,
        callback_base_url=settings.RADIO_CALLBACK_BASE_URL,
        callback_secret=settings.RADIO_CALLBACK_SECRET,
        site_url=settings.SITE_URL,
        admin_contact=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        relay_slots=settings.RADIO_RELAY_SLOTS,
        relay_mount_prefix=settings.RADIO_RELAY_HARBOR_MOUNT_PREFIX,
        relay_password=settings.RADIO_RELAY_PASSWORD,
    )


def _liquidsoap_string(value: str) -> str:
    """The inside of a Liquidsoap string literal. Settings are URLs, paths and URL-safe
    secrets: refuse, rather than escape, what would end the literal or interpolate."""
    if any(bad in value for bad in ('"', "\\", "\n", "#{")):
        raise ValueError(f"Radio settings may not contain quotes, backslashes or '#{{': {value!r}")
    return value


def _relay_mount_prefix(prefix: str) -> str:
    """The prefix becomes part of URLs (ffmpeg's) and of the script: letters, digits,
    dashes and underscores only."""
    if not RELAY_MOUNT_PREFIX.fullmatch(prefix):
        raise ValueError(
            f"RADIO_RELAY_HARBOR_MOUNT_PREFIX must be letters, digits, '-' or '_': {prefix!r}"
        )
    return prefix


def _relay_slots(count: int) -> str:
    if count < 1:
        raise ValueError(f"RADIO_RELAY_SLOTS must be at least 1: {count}")
    return str(count)


def _changeowner_block() -> str:
    if os.geteuid() != 0:
        return ""
    for name in ICECAST_USERS:
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        group = grp.getgrgid(user.pw_gid).gr_name
        return (
            "\n        <changeowner>"
            f"\n            <user>{escape(name)}</user>"
            f"\n            <group>{escape(group)}</group>"
            "\n        </changeowner>"
        )
    raise RuntimeError(f"Icecast cannot run as root and none of {ICECAST_USERS} exists.")


def render_icecast(config: StreamingConfig) -> str:
    values = {
        "admin_contact": escape(config.admin_contact),
        "public_hostname": escape(urlsplit(config.public_stream_url).hostname or "localhost"),
        "max_clients": str(config.max_listeners + EXTRA_CLIENTS),
        "max_listeners": str(config.max_listeners),
        "source_password": escape(config.source_password),
        "admin_password": escape(config.admin_password),
        "port": str(config.icecast_port),
        "bind_address": escape(config.icecast_host),
        "mount": escape(config.mount),
        "state_dir": escape(str(config.state_dir)),
        "share_dir": escape(str(ICECAST_SHARE_DIR)),
        "changeowner": _changeowner_block(),
    }
    return Template((TEMPLATES_DIR / f"{ICECAST_FILE}.template").read_text()).substitute(values)


def render_liquidsoap(config: StreamingConfig) -> str:
    state_dir = config.state_dir
    values = {
        key: _liquidsoap_string(value)
        for key, value in {
            # Liquidsoap refuses to run as root unless told; CI and containers run as root.
            "allow_root": "settings.init.allow_root.set(true)" if os.geteuid() == 0 else "",
            "harbor_bind_address": config.harbor_bind_address,
            "harbor_port": str(config.harbor_port),
            "harbor_mount": config.harbor_mount,
            "harbor_buffer_seconds": str(HARBOR_BUFFER_SECONDS),
            "callback_secret": config.callback_secret,
            "auth_url": config.callback_url("radio:harbor_auth"),
            "connected_url": config.callback_url("radio:harbor_connected"),
            "disconnected_url": config.callback_url("radio:harbor_disconnected"),
            "on_air_file": str(state_dir / ON_AIR_FILE),
            "rotation_file": str(state_dir / ROTATION_FILE),
            "jingle_file": str(state_dir / JINGLE_FILE),
            "control_socket": str(state_dir / CONTROL_SOCKET_FILE),
            "bitrate_kbps": str(BITRATE_KBPS),
            "icecast_host": config.icecast_host,
            "icecast_port": str(config.icecast_port),
            "source_password": config.source_password,
            "mount": config.mount,
            "site_url": config.site_url,
            "station_name": STATION_NAME,
            "relay_slots": _relay_slots(config.relay_slots),
            "relay_mount_prefix": _relay_mount_prefix(config.relay_mount_prefix),
            "relay_buffer_seconds": str(RELAY_HARBOR_BUFFER_SECONDS),
            "relay_password": config.relay_password,
        }.items()
    }
    template = Template((TEMPLATES_DIR / f"{LIQUIDSOAP_FILE}.template").read_text())
    return template.substitute(values)


def make_jingle(path: Path) -> None:
    """The safe source: a three-note chime, then silence, looped by Liquidsoap — generated,
    so that no recording with rights attached ships with Colombe."""
    chime = (
        "[0:a][1:a][2:a]concat=n=3:v=0:a=1,volume=0.3,"
        "afade=t=out:st=0.9:d=0.3,apad=whole_dur=20[jingle]"
    )
    command = [settings.FFMPEG_BINARY, "-nostdin", "-loglevel", "error", "-y"]
    for frequency, seconds in ((523, 0.25), (659, 0.25), (784, 0.7)):
        command += ["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}"]
    command += ["-filter_complex", chime, "-map", "[jingle]", "-ac", "2", "-ar", "44100"]
    command += ["-c:a", "libmp3lame", "-b:a", f"{BITRATE_KBPS}k", "-metadata"]
    command += [f"title={STATION_NAME}", str(path)]
    subprocess.run(command, check=True, timeout=60, capture_output=True)


def write_config(config: StreamingConfig) -> Path:
    """Write icecast.xml, radio.liq and (once) the jingle into the state folder; the
    folder holds secrets, so only its owner may read it."""
    state_dir = config.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o700)
    for name, content in (
        (ICECAST_FILE, render_icecast(config)),
        (LIQUIDSOAP_FILE, render_liquidsoap(config)),
    ):
        target = state_dir / name
        target.write_text(content)
        target.chmod(0o600)
    if not (state_dir / JINGLE_FILE).exists():
        make_jingle(state_dir / JINGLE_FILE)
    return state_dir
