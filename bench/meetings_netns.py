"""A throw-away network namespace for the media benchmark.

Janus (libnice) never gathers ICE candidates on a loopback interface, so media between
Janus and the test browsers needs a real interface; a veth pair with both ends inside a
namespace of our own keeps every packet inside this machine (INTEGRATION-NOTES, Janus).
Needs root. The namespace, and the veth pair with it, is deleted on the way out."""

import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

JANUS_ADDRESS = "10.99.0.1"
CLIENT_ADDRESS = "10.99.0.2"


@dataclass(frozen=True)
class Namespace:
    name: str
    janus_interface: str
    janus_address: str = JANUS_ADDRESS
    client_address: str = CLIENT_ADDRESS

    def command(self, *argv: str) -> list[str]:
        """``argv`` run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *argv]


def _ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True, text=True)


@contextmanager
def network_namespace() -> Iterator[Namespace]:
    suffix = secrets.token_hex(3)
    # Interface names are created in the host namespace first: unique, at most 15 bytes.
    namespace = Namespace(name=f"colombe-bench-{suffix}", janus_interface=f"cbm{suffix}a")
    client_interface = f"cbm{suffix}b"
    _ip("netns", "add", namespace.name)
    try:
        _ip(
            "link",
            "add",
            namespace.janus_interface,
            "type",
            "veth",
            "peer",
            "name",
            client_interface,
        )
        for interface in (namespace.janus_interface, client_interface):
            _ip("link", "set", interface, "netns", namespace.name)
        inside = ("-n", namespace.name)
        _ip(*inside, "addr", "add", f"{JANUS_ADDRESS}/24", "dev", namespace.janus_interface)
        _ip(*inside, "addr", "add", f"{CLIENT_ADDRESS}/24", "dev", client_interface)
        for interface in ("lo", namespace.janus_interface, client_interface):
            _ip(*inside, "link", "set", interface, "up")
        yield namespace
    finally:
        _ip("netns", "delete", namespace.name)
