"""What visitors without an account get of a petition, served from the cache.

During a campaign thousands of people a minute open a petition and sign it. For visitors
without an account the petition, its page and the "check your mailbox" page are the same
for everyone but a few bits: the CSRF token, the anti-robot question, the address the
language switch returns to and the share source. Those pages are rendered once with a
random marker in place of each bit, kept by each process along with what they show that
may change (the petition's last change, the count, whether it is open), and filled in
per request, which costs a fraction of rendering them.

The petition is cached in Redis, shared by every process, with a generation: every save
or deletion draws a new one, at once and again when the transaction commits, and a cached
petition of another generation is not used. So closing or editing a petition shows at the
next request, even when a request cached the old row in between, and a petition that is
no longer public answers 404. Each process also keeps the petitions it served with their
generation, so a request reads only the generation from Redis; a signature does not even
read it apart: it spends its anti-robot proof only while the generation is the one of
the copy it was checked against (``kept_petition``), in the same round trip.
People with an account see the pages rendered for them (drafts, organiser's links)."""

import copy
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.html import escape

from colombe.core import policy
from colombe.core.cache import Guard
from colombe.petitions.models import Petition

# How long a cached petition or page may be reused. Changes to the petition show at
# once (its generation changes); the pages also carry the counter they show, so a
# confirmation renders them again. Only changes elsewhere (the owner's name, a group
# becoming secret) wait for this delay.
PETITION_SECONDS = 300
PAGE_SECONDS = 60
# Pages kept per process: a few per petition, language and address of the site.
MAX_PAGES = 500
MAX_PETITIONS = 500

# The per-visitor bits of a cached page (see fill()).
CSRF_TOKEN = "csrf_token"
FULL_PATH = "full_path"
SOURCE = "source"
FALLBACK_TOKEN = "fallback_token"
FALLBACK_QUESTION = "fallback_question"
Markers = dict[str, str]


def generation_key(slug: str) -> str:
    return f"petitions:public:generation:{slug}"


def petition_key(slug: str) -> str:
    return f"petitions:public:petition:{slug}"


@receiver(post_save, sender=Petition)
@receiver(post_delete, sender=Petition)
def forget_petition(sender: type[Petition], instance: Petition, **kwargs: Any) -> None:
    """A new generation at once, and again once the change is committed: a request that
    read the old row before the commit may have cached it under the first new generation,
    and the second one leaves that copy unused."""
    renew_generation(instance.slug)
    transaction.on_commit(lambda: renew_generation(instance.slug))


def renew_generation(slug: str) -> None:
    cache.set(generation_key(slug), secrets.token_hex(8), timeout=None)


def serves_anonymous_page(request: HttpRequest) -> bool:
    """Whether the visitor gets the pages everybody gets: no account, and no message
    waiting to be shown (messages are shown on the next page rendered for them)."""
    return not request.user.is_authenticated and not len(messages.get_messages(request))


def visible_petition(request: HttpRequest, slug: str) -> Petition:
    """The petition at ``slug`` if the visitor may know it exists, else 404."""
    if request.user.is_authenticated:
        return policy.get_visible_or_404(Petition, request.user, slug=slug)
    generation = current_generation(slug)
    kept = _petitions.get(slug)
    if kept is None or kept.generation != generation or kept.expires_at < time.monotonic():
        kept = keep_petition(request, slug, generation)
    # A copy for each request, as one read from Redis was: the related rows a request
    # loads (the owner, the group) and anything it changes stay its own.
    return copy.copy(kept.petition)


def current_generation(slug: str) -> str | None:
    key = generation_key(slug)
    generation: str | None = cache.get(key)
    if generation is None:
        # Never seen, or evicted by Redis: start a generation, so that a copy cached
        # before the eviction (under none) is never taken for a current one.
        cache.add(key, secrets.token_hex(8), timeout=None)
        generation = cache.get(key)
    return generation


@dataclass(frozen=True)
class KeptPetition:
    generation: str | None
    petition: Petition
    expires_at: float


@dataclass(frozen=True)
class UncheckedPetition:
    """A petition as this process last served it, not yet checked to be current: whoever
    uses it checks ``current`` with its own next change to the cache (a guarded add, see
    colombe.core.cache), or asks ``is_current()`` before showing anything of it."""

    petition: Petition
    current: Guard

    def is_current(self) -> bool:
        return current_generation(self.petition.slug) == self.current.value


def kept_petition(request: HttpRequest, slug: str) -> UncheckedPetition | None:
    """The petition at ``slug`` as this process kept it (a copy), without asking Redis
    whether it is still current; None when not kept (or for people with an account,
    who get visible_petition())."""
    kept = _petitions.get(slug)
    if request.user.is_authenticated or kept is None or kept.expires_at < time.monotonic():
        return None
    return UncheckedPetition(copy.copy(kept.petition), Guard(generation_key(slug), kept.generation))


# The petitions this process served, with their generation: a request then asks Redis
# for the generation alone, not for the whole petition (its text may be long) to unpickle.
_petitions: dict[str, KeptPetition] = {}
_petitions_lock = threading.Lock()


def keep_petition(request: HttpRequest, slug: str, generation: str | None) -> KeptPetition:
    """The petition from the copy shared in Redis if it has the current generation, else
    from the database (404 when invisible: a 404 costs its query, and a draft is never
    cached); kept by this process when there is a generation to check it against."""
    key = petition_key(slug)
    cached = cache.get(key)
    if cached is not None and generation is not None and cached["generation"] == generation:
        petition: Petition = cached["petition"]
    else:
        petition = policy.get_visible_or_404(Petition, request.user, slug=slug)
        cache.set(key, {"generation": generation, "petition": petition}, PETITION_SECONDS)
    kept = KeptPetition(generation, petition, time.monotonic() + PETITION_SECONDS)
    if generation is not None:  # without one, no later request may take it as current
        with _petitions_lock:
            if len(_petitions) >= MAX_PETITIONS:
                del _petitions[next(iter(_petitions))]  # the oldest
            _petitions[slug] = kept
    return kept


@dataclass(frozen=True)
class RenderedPage:
    stamp: Hashable
    markers: Markers
    html: str
    expires_at: float


# The rendered pages of this process. They are small and cheap to render again, so each
# process keeps its own: no cache round trip per request, and a stamp that differs (an
# edit, a new count) is noticed by every process from the petition it read.
_pages: dict[tuple[str, str, str], RenderedPage] = {}
_pages_lock = threading.Lock()


def page_key(request: HttpRequest, name: str) -> tuple[str, str, str]:
    # The absolute URLs in a page depend on the address it was asked under.
    origin = f"{request.scheme}://{request.get_host()}"
    return (name, translation.get_language() or "", origin)


def anonymous_page(
    request: HttpRequest,
    name: str,
    stamp: Hashable,
    render: Callable[[Markers], str],
    filling: dict[str, str],
    *,
    csrf_token: str = "",
) -> str:
    """The page ``name`` for a visitor without an account: as kept when it was rendered
    for the same ``stamp`` (what the page shows that may change), else rendered by
    ``render`` with the markers it is given, and kept. ``filling`` gives the per-visitor
    text of each marker but the path and the CSRF token (a new one unless given)."""
    key = page_key(request, name)
    page = _pages.get(key)
    if page is None or page.stamp != stamp or page.expires_at < time.monotonic():
        page = render_page(key, stamp, render, filling)
    values: dict[str, str] = {
        # Escaped too: a token reflected from the form is only checked by the CSRF
        # middleware's format rules.
        CSRF_TOKEN: escape(csrf_token or get_token(request)),
        FULL_PATH: escape(request.get_full_path()),
        **{bit: escape(text) for bit, text in filling.items()},
    }
    return fill(page.html, page.markers, values)


def render_page(
    key: tuple[str, str, str],
    stamp: Hashable,
    render: Callable[[Markers], str],
    filling: dict[str, str],
) -> RenderedPage:
    markers = {
        bit: f"colombe-{bit.replace('_', '-')}-{secrets.token_hex(8)}"
        for bit in (CSRF_TOKEN, FULL_PATH, *filling)
    }
    page = RenderedPage(stamp, markers, render(markers), time.monotonic() + PAGE_SECONDS)
    with _pages_lock:
        if len(_pages) >= MAX_PAGES:
            del _pages[next(iter(_pages))]  # the oldest
        _pages[key] = page
    return page


def fill(html: str, markers: Markers, values: dict[str, str]) -> str:
    """Put each visitor's text in place of its marker. The markers are random, so no text
    an organiser writes in a petition can be taken for one."""
    for bit, marker in markers.items():
        html = html.replace(marker, values[bit])
    return html


class MarkedPathRequest:
    """The request as a cached page's templates see it: base.html's language switch
    returns to ``request.get_full_path``, which differs between visitors."""

    def __init__(self, request: HttpRequest, marker: str) -> None:
        self._request = request
        self._marker = marker

    def get_full_path(self) -> str:
        return self._marker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def marked_context(request: HttpRequest, markers: Markers) -> dict[str, Any]:
    """What a template rendered for the cache gets instead of the visitor's own bits
    (the view's context wins over the context processors')."""
    return {
        "csrf_token": markers[CSRF_TOKEN],
        "request": MarkedPathRequest(request, markers[FULL_PATH]),
    }
