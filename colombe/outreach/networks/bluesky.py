"""Bluesky (and any AT Protocol server), through the atproto SDK and an app password
(Settings → Privacy and security → App passwords), never the account's own password.

The server's address is checked before each use and redirects are never followed (see
``servers``); what a server says about a refused request is shown only when it is a
public server."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from atproto_client import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.common import XrpcError
from atproto_client.request import Request
from atproto_client.utils.facet_detection import detect_facets
from atproto_core.exceptions import AtProtocolError
from django.utils.translation import gettext as _

from colombe.outreach.models import Post, PostImage, PostTarget
from colombe.outreach.networks.base import (
    REQUEST_TIMEOUT_SECONDS,
    Identity,
    Metrics,
    PermanentError,
    Published,
    RateLimited,
    TemporaryError,
    image_bytes,
    post_language,
)
from colombe.outreach.networks.servers import checked_server, no_details, redirect_refused
from colombe.outreach.services import text_as_published

DEFAULT_SERVER = "https://bsky.social"
POST_COLLECTION = "app.bsky.feed.post"
WEB_APP = "https://bsky.app"

# Record keys of posts are TIDs: 13 characters of "base32-sortable" text encoding a
# 53-bit microsecond timestamp and a 10-bit clock identifier.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def make_tid(microseconds: int, clock_id: int) -> str:
    value = (microseconds << 10) | (clock_id & 0x3FF)
    characters = []
    for _position in range(13):
        characters.append(TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(characters))


def record_key(target: PostTarget) -> tuple[str, bool]:
    """The post's record key, and whether an earlier attempt already used it.

    The key is chosen once, on the first attempt, and saved in ``remote_id`` before
    anything is sent: when an answer is lost, the next attempt asks for the record under
    that key instead of creating a second post."""
    if target.remote_id:
        return target.remote_id.rsplit("/", 1)[-1], True
    microseconds = int(time.time() * 1_000_000)
    key = make_tid(microseconds, target.idempotency_key.int)
    target.remote_id = key
    target.save(update_fields=["remote_id"])
    return key, False


def web_url(handle: str, rkey: str) -> str:
    return f"{WEB_APP}/profile/{handle}/post/{rkey}"


class RedirectRefused(Exception):
    """The server answered with a redirect, which is never followed."""


def refuse_redirects(response: httpx.Response) -> None:
    """An httpx response hook: it runs before httpx would follow a redirect (the atproto
    SDK makes its client follow them), and stops it."""
    if response.has_redirect_location:
        raise RedirectRefused(response.headers.get("location", ""))


class BlueskyClient:
    def __init__(self, api_base_url: str, login: str, app_password: str) -> None:
        self.api_base_url = (api_base_url or DEFAULT_SERVER).rstrip("/")
        self.login = login
        self.app_password = app_password
        request = Request(
            timeout=REQUEST_TIMEOUT_SECONDS, event_hooks={"response": [refuse_redirects]}
        )
        self.client = Client(base_url=self.api_base_url, request=request)
        # Whether the server is a public one, known once checked (_errors_explained).
        self.public_server = False
        self.session: Session | None = None
        self.client.on_session_change(self._remember_session)

    def verify(self) -> Identity:
        with self._errors_explained():
            session = self._session()
        return Identity(handle=f"@{session.handle}", display_name=session.handle)

    def publish(self, post: Post, target: PostTarget) -> Published:
        with self._errors_explained():
            session = self._session()
            rkey, used_before = record_key(target)
            if used_before:
                existing = self._existing_post(session.did, rkey)
                if existing is not None:
                    return Published(remote_id=existing, remote_url=web_url(session.handle, rkey))
            created = self.client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=session.did,
                    collection=POST_COLLECTION,
                    rkey=rkey,
                    record=self._record(post),
                )
            )
        return Published(remote_id=created.uri, remote_url=web_url(session.handle, rkey))

    def metrics(self, target: PostTarget) -> Metrics:
        with self._errors_explained():
            self._session()
            found = self.client.app.bsky.feed.get_posts(
                models.AppBskyFeedGetPosts.Params(uris=[target.remote_id])
            )
        if not found.posts:
            raise PermanentError(_("The post is no longer on Bluesky."))
        view = found.posts[0]
        return Metrics(
            boosts=(view.repost_count or 0) + (view.quote_count or 0),
            likes=view.like_count or 0,
            replies=view.reply_count or 0,
        )

    def _remember_session(self, event: SessionEvent, session: Session) -> None:
        self.session = session

    def _session(self) -> Session:
        # One login per client: refreshing the metrics of many posts opens one session.
        # login() announces the session it opens through on_session_change.
        if self.session is None:
            self.client.login(self.login, self.app_password, fetch_bsky_profile=False)
        session = self.session
        if session is None:
            raise LoginRequiredError
        return session

    def _existing_post(self, did: str, rkey: str) -> str | None:
        try:
            found = self.client.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(
                    repo=did, collection=POST_COLLECTION, rkey=rkey
                )
            )
        except BadRequestError as error:
            if xrpc_error(error) == "RecordNotFound":
                return None
            raise
        return found.uri

    def _record(self, post: Post) -> models.AppBskyFeedPost.Record:
        images = list(post.images.all())
        embed: models.AppBskyEmbedImages.Main | models.AppBskyEmbedExternal.Main | None = None
        text = post.text.strip()
        if images:
            embed = models.AppBskyEmbedImages.Main(images=[self._image(i) for i in images])
            text = text_as_published(post.text, post.link_url)
        elif post.link_url:
            # The card shows the link: the text keeps its 300 characters for the message.
            embed = models.AppBskyEmbedExternal.Main(
                external=models.AppBskyEmbedExternal.External(
                    uri=post.link_url,
                    title=post.link_title or post.link_url,
                    description=post.link_description,
                )
            )
        return models.AppBskyFeedPost.Record(
            created_at=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            text=text,
            embed=embed,
            langs=[post_language()],
            facets=detect_facets(text) or None,
        )

    def _image(self, image: PostImage) -> models.AppBskyEmbedImages.Image:
        content, mime_type = image_bytes(image)
        upload = self.client.com.atproto.repo.upload_blob(
            content, headers={"Content-Type": mime_type}
        )
        aspect_ratio = None
        if image.width and image.height:
            aspect_ratio = models.AppBskyEmbedDefs.AspectRatio(
                width=image.width, height=image.height
            )
        return models.AppBskyEmbedImages.Image(
            alt=image.alt_text, image=upload.blob, aspect_ratio=aspect_ratio
        )

    @contextmanager
    def _errors_explained(self) -> Iterator[None]:
        self.public_server = checked_server(self.api_base_url)
        try:
            yield
        except RedirectRefused as error:
            raise PermanentError(redirect_refused()) from error
        except RateLimitExceededError as error:
            raise RateLimited(seconds_to_wait(error)) from error
        except (NetworkError, httpx.TransportError) as error:
            # atproto wraps timeouts and network errors; others (a connection closed
            # without an answer) come straight from httpx.
            raise TemporaryError(
                _("The Bluesky server %(server)s could not be reached.")
                % {"server": self.api_base_url}
            ) from error
        except UnauthorizedError as error:
            raise PermanentError(
                _(
                    "Bluesky refused the login or the app password: "
                    "connect the account again with a new app password."
                )
            ) from error
        except BadRequestError as error:
            raise PermanentError(
                _("Bluesky refused the request: %(reason)s") % {"reason": self._reason(error)}
            ) from error
        except RequestErrorBase as error:
            status = error.response.status_code if error.response is not None else 500
            if status >= 500:
                raise TemporaryError(
                    _("The Bluesky server %(server)s had an error (%(status)s).")
                    % {"server": self.api_base_url, "status": status}
                ) from error
            raise PermanentError(
                _("Bluesky refused the request: %(reason)s") % {"reason": self._reason(error)}
            ) from error
        except (ModelError, LoginRequiredError) as error:
            raise TemporaryError(
                _("The Bluesky server %(server)s gave an answer Colombe does not understand.")
                % {"server": self.api_base_url}
            ) from error
        except AtProtocolError as error:
            raise PermanentError(
                _("Bluesky refused the request: %(reason)s") % {"reason": self._reason(error)}
            ) from error

    def _reason(self, error: AtProtocolError) -> str:
        if not self.public_server:
            return no_details()
        if isinstance(error, RequestErrorBase):
            return error_details(error)
        return str(error)


def xrpc_error(error: RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    return content.error if isinstance(content, XrpcError) else ""


def error_details(error: RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    if isinstance(content, XrpcError):
        return content.message or content.error
    return str(error)


def seconds_to_wait(error: RateLimitExceededError) -> float | None:
    """Retry-After when the server sends it, else the end of the rate-limit window."""
    if error.retry_after is not None:
        return error.retry_after
    if error.reset_at is not None:
        return max((error.reset_at - datetime.now(UTC)).total_seconds(), 0.0)
    return None
