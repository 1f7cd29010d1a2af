"""Anti-bot checks for the signing form, without any third-party service.

Two proofs are accepted, either one is enough:

1. **ALTCHA proof-of-work** (the browser widget, npm ``altcha`` v3, speaks the v2 challenge
   protocol of the PyPI ``altcha`` package). The challenge is "deterministic": the server
   draws a secret counter below ``PETITION_ALTCHA_MAX_NUMBER`` and publishes the first half
   of the key derived from it; the browser tries counters from 0 until it finds the key,
   so the work is about ``max_number / 2`` hashes, tunable by a setting (low in tests and
   benchmarks, never switched off). The server also signs the derived key, so checking a
   solution costs two HMACs and no hashing loop. Each challenge is accepted once: its
   signature is remembered in the cache until it expires. A caller may have it spent only
   while a cache key still holds a value (a ``Guard``, see ``colombe.core.cache``), and
   have rate-limit hits counted when it is spent, in the same round trip: the signing
   form spends it only while the petition it was checked against is current, counting
   the signature against its email domain's limit.

2. **A signed arithmetic question for visitors without JavaScript** (shown in a
   ``<noscript>`` block, so it is never in the way of the widget). We chose it over a
   server-side puzzle because a person answers it without any tool, and a screen reader
   reads it. On its own it stops only naive bots, so it is also single-use and refused when
   answered faster than a person can fill the form (``PETITION_FALLBACK_MIN_SECONDS``);
   the honeypot field and the rate limits per address and per email domain do the rest.
"""

import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altcha
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from colombe.core.cache import Guard, Hit, add_while

ALGORITHM = "SHA-256"
DEFAULT_MAX_NUMBER = 50_000  # about a second of work on a mid-range phone
DEFAULT_EXPIRES_SECONDS = 20 * 60
DEFAULT_FALLBACK_MIN_SECONDS = 3
FALLBACK_SALT = "colombe.petitions.fallback-question"
PAYLOAD_MAX_LENGTH = 4000


def _secret(purpose: str) -> str:
    """A key per purpose, from a dedicated setting or derived from SECRET_KEY."""
    configured: str = getattr(settings, "PETITION_ALTCHA_HMAC_KEY", "")
    return _derived_secret(purpose, configured or settings.SECRET_KEY)


@lru_cache(maxsize=8)
def _derived_secret(purpose: str, base: str) -> str:
    # Derived once per key: every signature checks two HMACs with these.
    return salted_hmac(f"colombe.petitions.altcha.{purpose}", base, algorithm="sha256").hexdigest()


def max_number() -> int:
    return int(getattr(settings, "PETITION_ALTCHA_MAX_NUMBER", DEFAULT_MAX_NUMBER))


def expires_seconds() -> int:
    return int(getattr(settings, "PETITION_ALTCHA_EXPIRES_SECONDS", DEFAULT_EXPIRES_SECONDS))


def create_challenge() -> dict[str, Any]:
    """A fresh signed challenge, as the widget expects it in JSON."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        1,
        counter=secrets.randbelow(max_number() + 1),
        expires_at=int(time.time()) + expires_seconds(),
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("derived-key"),
    )
    return challenge.to_dict()


def _first_use(
    kind: str, identifier: str, seconds: int, guard: Guard | None, hits: list[Hit] | None
) -> bool:
    """True the first time an identifier is presented within ``seconds`` (see
    verify_payload() for ``guard`` and ``hits``)."""
    return add_while(f"petitions:{kind}-used:{identifier}", 1, seconds, guard, hits)


def verify_payload(payload: str, guard: Guard | None = None, hits: list[Hit] | None = None) -> bool:
    """Check a solved challenge posted by the widget, and spend it: only while ``guard``
    holds, if given (else GuardChanged, and the proof is not spent); ``hits`` are counted
    when it is spent."""
    if not payload or len(payload) > PAYLOAD_MAX_LENGTH:
        return False
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError):
        return False
    result = altcha.verify_solution(
        parsed, _secret("challenge"), hmac_key_secret=_secret("derived-key")
    )
    if not result.verified:
        return False
    expires_at = parsed.challenge.parameters.expires_at or 0
    remaining = int(expires_at - time.time()) + 1
    return _first_use("altcha", str(parsed.challenge.signature), remaining, guard, hits)


@dataclass(frozen=True)
class FallbackQuestion:
    question: str
    token: str


def new_fallback_question() -> FallbackQuestion:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps(
        {"a": first, "b": second, "n": secrets.token_hex(8), "t": int(time.time())},
        salt=FALLBACK_SALT,
    )
    question = _("How much is %(first)s plus %(second)s?") % {"first": first, "second": second}
    return FallbackQuestion(question=question, token=token)


def verify_fallback(
    token: str, answer: str, guard: Guard | None = None, hits: list[Hit] | None = None
) -> bool:
    """Check the answer to a question we signed: right, not too old, not too fast, and
    not used before (spent as verify_payload() spends a proof)."""
    try:
        data = signing.loads(token, salt=FALLBACK_SALT, max_age=expires_seconds())
        expected = int(data["a"]) + int(data["b"])
        issued_at = int(data["t"])
        nonce = str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    if answer.strip() != str(expected):
        return False
    min_seconds = int(
        getattr(settings, "PETITION_FALLBACK_MIN_SECONDS", DEFAULT_FALLBACK_MIN_SECONDS)
    )
    if time.time() - issued_at < min_seconds:
        return False
    return _first_use("fallback", nonce, expires_seconds(), guard, hits)
