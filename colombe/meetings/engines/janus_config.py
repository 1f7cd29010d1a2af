"""Render Colombe's Janus configuration (templates in ``deploy/janus/``) into a folder.

Janus is then started with ``janus -F <folder> -C <folder>/janus.jcfg``. The same writer
serves ``make run`` (``scripts/run-janus.sh``), the test fixture (``tests/janus.py``) and
production (``python -m colombe.meetings.engines.janus_config /etc/colombe/janus``).

Usage: ``python -m colombe.meetings.engines.janus_config <folder>`` writes the folder from
Django settings (first entry of ``JANUS_SERVERS`` for the ports)."""

import os
import sys
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "deploy" / "janus"
TEMPLATE_NAMES = (
    "janus.jcfg",
    "janus.transport.http.jcfg",
    "janus.plugin.videoroom.jcfg",
    "janus.plugin.streaming.jcfg",
)
# Where the Debian package installs Janus's modules.
JANUS_LIB_DIR = Path("/usr/lib/x86_64-linux-gnu/janus")


def _quoted(value: str) -> str:
    """A jcfg string literal; secrets are URL-safe, but never let a quote end the string."""
    if '"' in value or "\\" in value or "\n" in value:
        raise ValueError("Janus configuration values may not contain quotes or backslashes")
    return value


def _optional_line(key: str, value: str | None) -> str:
    return f'\t{key} = "{_quoted(value)}"' if value else ""


def write_janus_config(
    target_dir: Path | str,
    *,
    http_port: int,
    admin_port: int,
    admin_secret: str,
    room_admin_key: str,
    recordings_dir: Path | str,
    rtp_port_range: tuple[int, int],
    interface: str | None = None,
    ice_enforce_list: str | None = None,
    allow_origin: str | None = None,
    debug_level: int = 4,
    bind_ip: str = "127.0.0.1",
    media_port_range: tuple[int, int] | None = None,
    lib_dir: Path = JANUS_LIB_DIR,
) -> Path:
    """Write the four configuration files into ``target_dir``; returns the folder.

    ``rtp_port_range`` is where the Streaming plugin opens the ports of webinar
    mountpoints; ``media_port_range`` (optional) bounds the WebRTC media ports.
    ``interface`` is the address Janus puts in its SDP; ``bind_ip`` is where the HTTP and
    admin APIs listen (loopback unless a private network is meant)."""
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    Path(recordings_dir).mkdir(parents=True, exist_ok=True)
    values = {
        "configs_folder": _quoted(str(target)),
        "plugins_folder": str(lib_dir / "plugins"),
        "transports_folder": str(lib_dir / "transports"),
        "events_folder": str(lib_dir / "events"),
        "loggers_folder": str(lib_dir / "loggers"),
        "debug_level": str(int(debug_level)),
        "admin_secret": _quoted(admin_secret),
        "room_admin_key": _quoted(room_admin_key),
        "interface_line": _optional_line("interface", interface),
        "ice_enforce_line": _optional_line("ice_enforce_list", ice_enforce_list),
        "media_port_range_line": _optional_line(
            "rtp_port_range", media_port_range and f"{media_port_range[0]}-{media_port_range[1]}"
        ),
        "http_port": str(int(http_port)),
        "admin_port": str(int(admin_port)),
        "bind_ip": _quoted(bind_ip),
        "allow_origin_line": _optional_line("allow_origin", allow_origin),
        "rtp_port_range": f"{int(rtp_port_range[0])}-{int(rtp_port_range[1])}",
    }
    for name in TEMPLATE_NAMES:
        template = Template((TEMPLATES_DIR / name).read_text())
        (target / name).write_text(template.substitute(values))
    return target


def write_from_settings(target_dir: Path | str) -> Path:
    """Write the configuration of the first Janus instance named in Django settings."""
    from django.conf import settings

    server_url, _public_url, admin_url = settings.JANUS_SERVERS[0].split("|")
    return write_janus_config(
        target_dir,
        http_port=urlsplit(server_url).port or 8088,
        admin_port=urlsplit(admin_url).port or 7088,
        admin_secret=settings.JANUS_ADMIN_SECRET,
        room_admin_key=settings.JANUS_ROOM_ADMIN_KEY,
        recordings_dir=settings.JANUS_RECORDINGS_DIR,
        rtp_port_range=settings.JANUS_RTP_PORT_RANGE,
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} <config folder>", file=sys.stderr)
        return 2
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colombe.settings")
    django.setup()
    print(write_from_settings(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
