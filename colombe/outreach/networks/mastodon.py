"""Mastodon, through Mastodon.py and an access token made in the account's preferences
(Preferences → Development, scopes write:statuses write:media read:statuses).

The server's address is checked before each use and redirects are never followed (see
``servers``); what a server says about a refused request is shown only when it is a
public server."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIOError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

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

# Mastodon.py asks the server for its version (GET /api/v1/instance) unless told which
# one to expect. Every endpoint used here (v2 media upload included) exists since 3.1.4,
# so the client is told a version that has them all and never asks.
ASSUMED_SERVER_VERSION = "4.0.0"

# The server converts images in the background; Colombe waits for it before posting
# (a status with an unprocessed attachment is refused), but only a few seconds: a worker
# must not sleep on one post, so a slow conversion becomes a TemporaryError and the
# publishing schedule tries again later.
MEDIA_POLL_SECONDS = 1.0
MEDIA_POLL_ATTEMPTS = 3


def user_agent() -> str:
    """Who is calling, with this site's address so a server's admins can find us."""
    return f"Colombe (+{settings.SITE_URL})"


class MastodonClient:
    def __init__(self, api_base_url: str, access_token: str) -> None:
        self.api_base_url = api_base_url.rstrip("/")
        self.retry_after: float | None = None
        # Whether the server is a public one, known once checked (_errors_explained).
        self.public_server = False
        session = requests.Session()
        # A redirect could lead anywhere, the checked address's own network included.
        session.max_redirects = 0
        session.hooks["response"].append(self._remember_retry_after)
        self.api = Mastodon(
            access_token=access_token,
            api_base_url=self.api_base_url,
            # Never sleep inside a worker: a rate limit becomes a RETRY with a date.
            ratelimit_method="throw",
            version_check_mode="created",
            mastodon_version=ASSUMED_SERVER_VERSION,
            request_timeout=REQUEST_TIMEOUT_SECONDS,
            session=session,
            user_agent=user_agent(),
        )

    def verify(self) -> Identity:
        with self._errors_explained():
            account = self.api.account_verify_credentials()
        host = urlsplit(self.api_base_url).hostname or ""
        return Identity(
            handle=f"@{account['username']}@{host}",
            display_name=account.get("display_name") or account["username"],
        )

    def publish(self, post: Post, target: PostTarget) -> Published:
        with self._errors_explained():
            media_ids = [self._upload(image) for image in post.images.all()]
            status = self.api.status_post(
                text_as_published(post.text, post.link_url),
                media_ids=media_ids or None,
                visibility="public",
                language=post_language(),
                idempotency_key=str(target.idempotency_key),
            )
        return Published(remote_id=str(status["id"]), remote_url=status.get("url") or "")

    def metrics(self, target: PostTarget) -> Metrics:
        with self._errors_explained():
            status = self.api.status(target.remote_id)
        return Metrics(
            boosts=status.get("reblogs_count") or 0,
            likes=status.get("favourites_count") or 0,
            replies=status.get("replies_count") or 0,
        )

    def _upload(self, image: PostImage) -> str:
        content, mime_type = image_bytes(image)
        media = self.api.media_post(content, mime_type=mime_type, description=image.alt_text)
        polls = 0
        while not media.get("url"):
            if polls == MEDIA_POLL_ATTEMPTS:
                raise TemporaryError(_("The server is still processing an image of the post."))
            time.sleep(MEDIA_POLL_SECONDS)
            media = self.api.media(media["id"])
            polls += 1
        return str(media["id"])

    def _remember_retry_after(self, response: requests.Response, **kwargs: Any) -> None:
        if response.status_code == 429:
            self.retry_after = seconds_to_wait(response.headers)

    @contextmanager
    def _errors_explained(self) -> Iterator[None]:
        self.public_server = checked_server(self.api_base_url)
        try:
            yield
        except MastodonRatelimitError as error:
            raise RateLimited(self.retry_after) from error
        except MastodonNetworkError as error:
            if isinstance(error.__context__, requests.TooManyRedirects):
                raise PermanentError(redirect_refused()) from error
            raise TemporaryError(
                _("The Mastodon server %(server)s could not be reached.")
                % {"server": self.api_base_url}
            ) from error
        except MastodonServerError as error:
            raise TemporaryError(
                _("The Mastodon server %(server)s had an error (%(status)s).")
                % {"server": self.api_base_url, "status": error_status(error)}
            ) from error
        except MastodonUnauthorizedError as error:
            raise PermanentError(
                _("The Mastodon server refused the access token: connect the account again.")
            ) from error
        except MastodonNotFoundError as error:
            raise PermanentError(
                _("Not found on the Mastodon server (deleted, or not a Mastodon server?).")
            ) from error
        except MastodonAPIError as error:
            raise permanent_api_error(error, explained=self.public_server) from error
        except MastodonIOError as error:
            raise TemporaryError(
                _("The Mastodon server %(server)s could not be reached.")
                % {"server": self.api_base_url}
            ) from error
        except MastodonError as error:
            reason = str(error) if self.public_server else no_details()
            raise PermanentError(
                _("Mastodon refused the request: %(reason)s") % {"reason": reason}
            ) from error


def error_status(error: MastodonError) -> int | None:
    """Mastodon.py puts the HTTP status second in an API error's arguments."""
    status = error.args[1] if len(error.args) > 1 else None
    return status if isinstance(status, int) else None


def permanent_api_error(error: MastodonAPIError, *, explained: bool) -> PermanentError:
    """The refusal in words; ``explained``: with the reason the server gave."""
    status = error_status(error)
    reason = error.args[3] if len(error.args) > 3 and error.args[3] else ""
    if not explained:
        reason = no_details()
    if status == 403:
        return PermanentError(
            _(
                "The access token lacks a permission: make a new one with the scopes "
                "write:statuses, write:media and read:statuses."
            )
        )
    if status == 422:
        return PermanentError(
            _("The Mastodon server refused the post: %(reason)s") % {"reason": reason}
        )
    return PermanentError(
        _("The Mastodon server refused the request (%(status)s): %(reason)s")
        % {"status": status, "reason": reason}
    )


def seconds_to_wait(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """The wait a 429 answer asks for: Retry-After (seconds or an HTTP date), else
    Mastodon's X-RateLimit-Reset (an ISO 8601 date)."""
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    try:
        if retry_after:
            return max(parsedate_to_datetime(retry_after).timestamp() - now(), 0.0)
        reset = headers.get("X-RateLimit-Reset")
        if reset:
            return max(
                datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp() - now(), 0.0
            )
    except (TypeError, ValueError):
        return None
    return None
