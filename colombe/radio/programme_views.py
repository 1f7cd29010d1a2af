"""What listeners see, without an account: the player with the day's programme, a page per
show and per episode, the episodes' audio, the shows' artwork and podcast feeds.

Every episode is looked up among those the visitor may see (drafts, and episodes before
their air time, are for their show's presenters): anything else answers 404, as if it did
not exist."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.meetings.byte_ranges import PRIVATE, ranged_file_response
from colombe.radio import feeds, programme, services
from colombe.radio.models import Episode, ScheduleSlot, Show
from colombe.radio.streaming.icecast import read_status

REPLAYS_ON_THE_PLAYER = 8
EPISODES_PER_PAGE = 10
# The player page waits at most this long for Icecast before saying it is not reachable.
STATUS_TIMEOUT_SECONDS = 1.0
PUBLIC_AUDIO_CACHE = "public, max-age=3600"

EpisodeView = Callable[..., HttpResponseBase]


def episode_view(*, perm: str | None = None) -> Callable[[EpisodeView], EpisodeView]:
    """Resolve ``slug`` and ``number`` to an episode the user may see (404 otherwise),
    then, like ``visible_object_view``, ask anonymous visitors to log in and refuse
    whoever ``perm`` (checked on the show) does not allow."""

    def decorator(view: EpisodeView) -> EpisodeView:
        @wraps(view)
        def wrapper(
            request: HttpRequest, slug: str, number: int, **kwargs: Any
        ) -> HttpResponseBase:
            episode = policy.get_visible_or_404(
                Episode, request.user, show__slug=slug, number=number
            )
            if perm is not None and not policy.has_perm(request.user, perm, episode.show):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, episode, **kwargs)

        return wrapper

    return decorator


def shows_on_the_programme(user: Any) -> QuerySet[Show]:
    slots = Prefetch("slots", queryset=ScheduleSlot.objects.order_by("weekday", "starts_at"))
    return policy.visible(Show, user).filter(is_active=True).prefetch_related(slots)


@require_safe
def player(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    episodes = policy.visible(Episode, request.user)
    context = {
        "stream_url": settings.RADIO_PUBLIC_STREAM_URL,
        "status": read_status(timeout=STATUS_TIMEOUT_SECONDS),
        "today": [
            (entry, entry.start <= now < entry.end)
            for entry in programme.programme_of_the_day(programme.local_date(now), episodes)
        ],
        "on_air": programme.current_slot(now),
        "next_airing": programme.next_slot(now),
        "shows": shows_on_the_programme(request.user),
        "replays": programme.released(episodes, now)[:REPLAYS_ON_THE_PLAYER],
        "can_manage": policy.has_perm(request.user, "radio.manage"),
        "can_go_live": policy.has_perm(request.user, "radio.go_live"),
    }
    return render(request, "radio/player.html", context)


@require_safe
@visible_object_view(Show)
def show_page(request: HttpRequest, show: Show) -> HttpResponse:
    user = request.user
    can_edit = policy.has_perm(user, "radio.edit_show", show)
    episodes = policy.visible(Episode, user).filter(show=show).select_related("show")
    if not can_edit:
        # Listeners get the replays; presenters also their drafts and what is coming.
        episodes = programme.released(episodes, timezone.now())
    page = Paginator(episodes.order_by("-number"), EPISODES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "show": show,
        "presenters": show.presenters.order_by("display_name", "pk"),
        "slots": show.slots.order_by("weekday", "starts_at"),
        "page_obj": page,
        "can_edit": can_edit,
        "can_manage": policy.has_perm(user, "radio.manage"),
        "feed_url": reverse("radio:feed", args=[show.slug]),
    }
    return render(request, "radio/show.html", context)


@require_safe
@episode_view()
def episode_page(request: HttpRequest, episode: Episode) -> HttpResponse:
    user = request.user
    can_edit = policy.has_perm(user, "radio.edit_show", episode.show)
    archived = episode.archived_as
    if archived is not None and not policy.can_see(user, archived):
        archived = None
    context = {
        "episode": episode,
        "show": episode.show,
        "has_audio": services.has_ready_audio(episode),
        "is_public": is_public(episode),
        "can_edit": can_edit,
        "archived": archived,
        "feed_url": reverse("radio:feed", args=[episode.show.slug]),
    }
    return render(request, "radio/episode.html", context)


@require_safe
@episode_view()
def episode_audio(request: HttpRequest, episode: Episode) -> HttpResponseBase:
    """The MP3, with byte ranges so that players and podcast apps can seek."""
    if not services.has_ready_audio(episode):
        raise Http404
    return ranged_file_response(
        request,
        episode.audio,
        content_type=episode.audio_content_type or "audio/mpeg",
        filename=f"{episode.show.slug}-{episode.number}.mp3",
        # A draft, or an episode before its air time, is for its presenters: no shared
        # cache may keep it and hand it to someone else.
        cache_control=PUBLIC_AUDIO_CACHE if is_public(episode) else PRIVATE,
    )


def is_public(episode: Episode) -> bool:
    """Whether anyone may hear it: released (see ``radio.policy``)."""
    return policy.can_see(AnonymousUser(), episode)


@require_safe
@visible_object_view(Show)
def artwork(request: HttpRequest, show: Show) -> HttpResponseBase:
    if not show.artwork:
        raise Http404
    response = FileResponse(show.artwork.open("rb"), content_type="image/jpeg")
    # Public, and its file name changes with the image: caches may keep it a while.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A podcast feed is fetched by apps without cookies and shared anywhere: it is the
    same for everyone, built as for an anonymous visitor."""
    show = policy.get_visible_or_404(Show, AnonymousUser(), slug=slug)
    body = feeds.podcast_feed(show, absolute=request.build_absolute_uri)
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
