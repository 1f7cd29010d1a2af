"""Going live: presenters' personal credentials for Liquidsoap's harbor, the check
Liquidsoap asks Colombe to make when streaming software connects, and the live sessions
it reports.

A credential's password is shown once when issued; only its hash is kept. Revoking a
credential refuses its next connection and takes its holder off air if they are live
with it (Liquidsoap's command socket, ``streaming.control``)."""

import hashlib
import hmac
import logging
import secrets
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.radio import programme
from colombe.radio.models import HarborCredential, LiveSession, Show
from colombe.radio.streaming import control
from colombe.radio.streaming.config import STATION_NAME

logger = logging.getLogger(__name__)

USERNAME_STEM_LENGTH = 40
USERNAME_ATTEMPTS = 10
PASSWORD_BYTES = 18  # 24 URL-safe characters: typed once into streaming software


def _username_stem(user: Any) -> str:
    """A readable login from the presenter's name (or the start of their address)."""
    name = getattr(user, "display_name", "") or getattr(user, "email", "").split("@")[0]
    return slugify(name)[:USERNAME_STEM_LENGTH].strip("-") or "presenter"


def _unique_username(user: Any) -> str:
    stem = _username_stem(user)
    for _attempt in range(USERNAME_ATTEMPTS):
        # A random suffix: a login does not reveal how many credentials a person has had.
        candidate = f"{stem}-{secrets.token_hex(3)}"
        if not HarborCredential.objects.filter(username=candidate).exists():
            return candidate
    raise RuntimeError("Could not find a free harbor username.")


def password_digest(password: str) -> str:
    """SHA-256 of the password: enough for a random 144-bit password, which no dictionary
    holds. A slow password hash would add nothing but let anyone who reaches the harbor
    burn the server's CPU with wrong logins."""
    return "sha256$" + hashlib.sha256(password.encode()).hexdigest()


def issue_credential(user: Any) -> tuple[HarborCredential, str]:
    """New credentials for ``user``; returns them with the password, which is not kept."""
    policy.require(user, "radio.go_live")
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    with transaction.atomic():
        credential = HarborCredential.objects.create(
            user=user, username=_unique_username(user), password_hash=password_digest(password)
        )
        log_action(user, "radio.credential.issued", credential, {"username": credential.username})
    return credential, password


def revoke_credential(credential: HarborCredential, by: Any) -> None:
    """Revoke ``credential`` (its owner, or a radio administrator), and cut whoever is
    live with it: lost credentials may be in someone else's hands. Revoking twice is
    harmless."""
    is_owner = getattr(by, "pk", None) == credential.user_id
    if not (is_owner or policy.has_perm(by, "radio.manage")):
        raise Http404  # someone else's credentials do not exist for them
    if credential.revoked_at is not None:
        return
    with transaction.atomic():
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        log_action(by, "radio.credential.revoked", credential, {"username": credential.username})
        if credential.sessions.filter(ended_at__isnull=True).exists():
            username = credential.username
            transaction.on_commit(lambda: control.cut_live(username))


def check_login(username: str, password: str) -> HarborCredential | None:
    """The credential these match, if it is not revoked and its owner may still go live."""
    credential = (
        HarborCredential.objects.filter(username=username, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    digest = password_digest(password)  # computed either way: same time for any username
    if credential is None:
        return None
    if not hmac.compare_digest(digest, credential.password_hash):
        logger.warning("Harbor login refused for %s: wrong password", username)
        return None
    if not (credential.user.is_active and policy.has_perm(credential.user, "radio.go_live")):
        logger.warning("Harbor login refused for %s: may no longer go live", username)
        return None
    credential.last_used_at = timezone.now()
    credential.save(update_fields=["last_used_at"])
    return credential


def live_title(credential: HarborCredential) -> str:
    """What listeners see while this presenter is live: the title of their show on the
    programme now, else of their first show on the programme, else the station's name."""
    shows = Show.objects.filter(presenters=credential.user, is_active=True).order_by("title")
    airing = programme.current_slot(timezone.now())
    if airing is not None and shows.filter(pk=airing.slot.show_id).exists():
        return airing.slot.show.title
    first = shows.first()
    return first.title if first else STATION_NAME


def _end_open_sessions() -> list[LiveSession]:
    open_sessions = list(LiveSession.objects.filter(ended_at__isnull=True))
    now = timezone.now()
    for session in open_sessions:
        session.ended_at = now
        session.save(update_fields=["ended_at"])
    return open_sessions


def live_started(credential: HarborCredential) -> LiveSession:
    """Liquidsoap reports a presenter connected. The harbor takes one source at a time:
    a session still open was left by a connection whose end was never reported."""
    with transaction.atomic():
        _end_open_sessions()
        session = LiveSession.objects.create(credential=credential)
        log_action(
            credential.user, "radio.live.started", session, {"username": credential.username}
        )
    return session


def live_ended() -> list[LiveSession]:
    """Liquidsoap reports the live source gone (or is starting, so none is connected)."""
    with transaction.atomic():
        ended = _end_open_sessions()
        for session in ended:
            owner = session.credential.user if session.credential else None
            log_action(owner, "radio.live.ended", session)
    return ended


def current_session() -> LiveSession | None:
    return (
        LiveSession.objects.filter(ended_at__isnull=True)
        .select_related("credential__user")
        .order_by("-started_at")
        .first()
    )
