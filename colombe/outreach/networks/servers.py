"""Which Mastodon or Bluesky server addresses Colombe talks to.

The worker sends an account's token to the server address a member typed. An address
inside the server's own network would make Colombe call services never meant to be
reached from outside (SSRF), and tell the member what they answered. So a server address
is https:// and its host name resolves to public addresses only (the rule of
``link_preview.is_public``); the clients never follow a redirect, and check the address
again before each use (the name may point elsewhere by the time a post goes out).

``settings.OUTREACH_ALLOW_LOCAL_SERVERS`` lifts the rule for development and tests:
servers on this machine or a private network, reached in plain http if need be."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from colombe.outreach.link_preview import PreviewUnavailable, UnknownHost, public_address
from colombe.outreach.networks.base import PermanentError, TemporaryError


class ServerRefused(Exception):
    """The address is not one Colombe talks to. ``message`` is a sentence for a person,
    the same whatever the host resolved to (no internal detail)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownServer(ServerRefused):
    """The host name does not resolve (a typo, or a passing DNS failure)."""


def not_an_address() -> str:
    return _("Enter the address of the server, e.g. https://mastodon.social")


def local_servers_allowed() -> bool:
    return bool(settings.OUTREACH_ALLOW_LOCAL_SERVERS)


def is_public_host(host: str, port: int) -> bool:
    try:
        public_address(host, port)
    except UnknownHost as error:
        raise UnknownServer(_("No server answers at this address: check it.")) from error
    except PreviewUnavailable:
        return False
    return True


def server_origin(address: str) -> str:
    """``scheme://host[:port]`` of a server address Colombe may talk to, or ServerRefused."""
    return checked_origin(address)[0]


def checked_origin(address: str) -> tuple[str, bool]:
    """The server's origin and whether it is a public server, or ServerRefused."""
    parts = urlsplit(address.strip())
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        raise ServerRefused(not_an_address()) from None
    if not parts.hostname or parts.scheme not in ("https", "http") or "@" in parts.netloc:
        raise ServerRefused(not_an_address())
    if parts.scheme == "http" and not local_servers_allowed():
        raise ServerRefused(_("The address must start with https://"))
    default_port = 443 if parts.scheme == "https" else 80
    public = is_public_host(parts.hostname, port or default_port)
    if not public and not local_servers_allowed():
        raise ServerRefused(
            _("Colombe connects only to servers on the internet: check the address.")
        )
    if parts.scheme == "http" and public:
        # Plain http is for a server of one's own network: a token never crosses the
        # internet in clear.
        raise ServerRefused(_("The address must start with https://"))
    return f"{parts.scheme}://{parts.netloc}", public


def checked_server(address: str) -> bool:
    """For the clients, before each use: raise the network error to report (a name that
    does not resolve may be a passing failure), else say whether the server is a public
    one (whose error messages may be shown to people)."""
    try:
        return checked_origin(address)[1]
    except UnknownServer as error:
        raise TemporaryError(
            _("The server %(server)s could not be reached.") % {"server": address}
        ) from error
    except ServerRefused as error:
        raise PermanentError(error.message) from error


def redirect_refused() -> str:
    return _("The server sent Colombe to another address: give the address of the server itself.")


def no_details() -> str:
    """Said instead of what a server of a private network answered (which could tell the
    member about that network)."""
    return _("no details shown for a server of a private network")
