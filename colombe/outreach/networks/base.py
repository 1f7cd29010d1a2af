"""The protocol every network Colombe posts to implements, and the errors it raises.

A client speaks for one connected account. Its errors carry a sentence meant for the
person who reads the post's page ("The server refused the access token: connect the
account again."), never a stack trace; the publishing state machine decides from the
error's kind whether to try again."""

import mimetypes
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from colombe.outreach.models import Post, PostImage, PostTarget

# Networks answer within seconds; a server that does not is treated as unreachable.
REQUEST_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Identity:
    """Who the credentials belong to, as the network names them."""

    handle: str
    display_name: str


@dataclass(frozen=True)
class Published:
    remote_id: str
    remote_url: str


@dataclass(frozen=True)
class Metrics:
    boosts: int
    likes: int
    replies: int


class NetworkError(Exception):
    """A network refused or failed a request. ``message`` is a sentence for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemporaryError(NetworkError):
    """Worth trying again later: the server is unreachable, overloaded or broken."""


class RateLimited(TemporaryError):
    """The server asks to wait ``retry_after`` seconds (None when it did not say)."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(_("The network asked Colombe to slow down; it will try again."))
        self.retry_after = retry_after


class PermanentError(NetworkError):
    """Trying again will not help until someone changes something (the credentials, the
    post)."""


class NetworkClient(Protocol):
    def verify(self) -> Identity:
        """Check the credentials with the network."""
        ...

    def publish(self, post: Post, target: PostTarget) -> Published:
        """Post ``post`` on the account. Sending the same ``target`` twice (after a lost
        answer) must not publish it twice."""
        ...

    def metrics(self, target: PostTarget) -> Metrics:
        """The boosts, likes and replies of a published target."""
        ...


def post_language() -> str:
    """The movement's language (ISO 639-1), which networks use to filter and translate."""
    return str(settings.LANGUAGE_CODE).split("-")[0]


def image_bytes(image: PostImage) -> tuple[bytes, str]:
    """The image file's content and MIME type."""
    try:
        with image.image.open("rb") as file:
            content = file.read()
    except OSError as error:
        raise PermanentError(
            _("An image of the post cannot be read any more; replace it and try again.")
        ) from error
    mime_type = mimetypes.guess_type(image.image.name)[0] or "image/jpeg"
    return content, mime_type
