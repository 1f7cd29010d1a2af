"""Orders to the running Liquidsoap, through its command socket (``server.register`` in
deploy/radio/radio.liq.template): a Unix socket in the radio's state folder that only
the radio's own user may open.

Two orders: take off air the presenter using credentials that were just revoked, and
name the meeting being relayed."""

import logging
import socket
import urllib.parse
from pathlib import Path

from django.conf import settings

from colombe.radio.streaming.config import CONTROL_SOCKET_FILE
from colombe.radio.streaming.titles import listener_title

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
REPLY_END = b"\r\nEND\r\n"
MAX_REPLY_BYTES = 4096


def control_socket() -> Path:
    return Path(settings.RADIO_STATE_DIR) / CONTROL_SOCKET_FILE


def send_command(command: str) -> str:
    """Send one command line and return Liquidsoap's answer; OSError when Liquidsoap is
    not running or does not answer in time."""
    if any(character in command for character in "\r\n"):
        raise ValueError("A Liquidsoap command is one line.")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(TIMEOUT_SECONDS)
        connection.connect(str(control_socket()))
        connection.sendall(f"{command}\n".encode())
        reply = b""
        while not reply.endswith(REPLY_END) and len(reply) < MAX_REPLY_BYTES:
            chunk = connection.recv(MAX_REPLY_BYTES)
            if not chunk:
                break
            reply += chunk
        connection.sendall(b"quit\n")
    return reply.removesuffix(REPLY_END).decode(errors="replace").strip()


def cut_live(username: str) -> bool:
    """Take off air whoever is live with ``username``; True when someone was cut. Never
    raises: the credentials stay revoked whatever Liquidsoap says, and the next
    connection with them is refused anyway."""
    try:
        answer = send_command(f"colombe.cut_live {username}")
    except OSError as error:
        logger.warning("Could not ask Liquidsoap to cut %s off air: %s", username, error)
        return False
    return answer == "cut"


def set_relay_title(title: str) -> bool:
    """Show ``title`` to listeners while a meeting is relayed ("" once it ends). Any text
    is carried, made fit for listeners' players (``listener_title``), and travels
    URL-encoded, so that quotes, accents or spaces cannot change the command.
    Liquidsoap inserts it only when it changed: calling again is harmless. True when
    Liquidsoap took it; never raises (the relay goes on without a title)."""
    shown = urllib.parse.quote(listener_title(title), safe="")
    try:
        answer = send_command(f"colombe.relay_title {shown}")
    except OSError as error:
        logger.warning("Could not give Liquidsoap the relay's title: %s", error)
        return False
    return answer == "ok"
