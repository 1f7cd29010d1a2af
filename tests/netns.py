"""A private network namespace for media tests (INTEGRATION-NOTES: "Media in tests must
stay inside the machine's own test network").

Janus never gathers ICE candidates on loopback, so media tests need a real interface:
a veth pair with both ends inside a namespace of their own. ``entered(namespace)`` moves
the *calling thread* into it (``setns``): every process it then starts (Janus, Django's
server, Playwright's driver and Chromium) inherits the namespace, and ``127.0.0.1`` is
the namespace's own loopback. Needs root."""

import ctypes
import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/var/run/netns"


@dataclass(frozen=True)
class Namespace:
    name: str
    interface: str = "veth-a"
    peer_interface: str = "veth-b"
    address: str = "10.99.0.1"
    peer_address: str = "10.99.0.2"
    prefix_length: int = 24

    def owns(self, address: str) -> bool:
        return address in {self.address, self.peer_address}


def _ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, timeout=10)


def can_create_namespaces() -> bool:
    return (
        os.geteuid() == 0
        and subprocess.run(["ip", "-V"], capture_output=True, check=False).returncode == 0
    )


@contextmanager
def network_namespace(prefix: str = "colombe") -> Iterator[Namespace]:
    """A fresh namespace with a veth pair inside it (unique name per call, so parallel
    test workers never share one); deleted afterwards."""
    namespace = Namespace(name=f"{prefix}-{os.getpid()}-{secrets.token_hex(3)}")
    _ip("netns", "add", namespace.name)
    try:
        ns = ["-n", namespace.name]
        # Created directly inside the namespace: the interface names never clash with
        # another worker's.
        _ip(
            *ns,
            "link",
            "add",
            namespace.interface,
            "type",
            "veth",
            "peer",
            "name",
            namespace.peer_interface,
        )
        for interface, address in [
            (namespace.interface, namespace.address),
            (namespace.peer_interface, namespace.peer_address),
        ]:
            _ip(*ns, "addr", "add", f"{address}/{namespace.prefix_length}", "dev", interface)
            _ip(*ns, "link", "set", interface, "up")
        _ip(*ns, "link", "set", "lo", "up")
        yield namespace
    finally:
        _ip("netns", "delete", namespace.name)


def _setns(file_descriptor: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(file_descriptor, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


@contextmanager
def entered(namespace: Namespace) -> Iterator[None]:
    """Run the calling thread (and the processes it starts) inside ``namespace``."""
    with (
        open("/proc/thread-self/ns/net") as original,
        open(f"{NETNS_DIR}/{namespace.name}") as target,
    ):
        _setns(target.fileno())
        try:
            yield
        finally:
            _setns(original.fileno())
