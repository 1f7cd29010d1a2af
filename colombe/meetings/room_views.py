"""The meeting room: invitation links, the lobby, the live page and its JSON endpoints.

A person's seat (``Participant``) is kept in the session once they enter the lobby: it
is what identifies a guest (who has no account) and it ties every JSON endpoint to one
meeting, so a guest sees only the meeting they were invited to. Meetings are resolved
through the permission policy first: a meeting the person may not see answers 404
before anything else (a login redirect would leak the slug)."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from colombe.core import policy
from colombe.core.ratelimit import hit, hit_key
from colombe.meetings import engines, room_services, services
from colombe.meetings.engines.base import EngineError, EngineUnavailable, JoinGrant
from colombe.meetings.models import Meeting, MeetingInvitation, Participant
from colombe.meetings.room_services import RoomError

State = Participant.State
SEATS_KEY = "meeting_seats"
INVITATIONS_KEY = "meeting_invitations"
# Invitation links are guessable only by brute force: a few attempts a minute per address.
INVITATION_ATTEMPTS_PER_MINUTE = 20
# Each seat may post this many chat messages a minute (guests post without an account).
CHAT_MESSAGES_PER_MINUTE = 20
# Entering the lobby: a person retrying after a failed camera check needs a few; a script
# trying to flood a meeting with seats needs many.
JOINS_PER_MINUTE = 10
ERROR_STATUS = {"forbidden": 403, "not_in_room": 409, "not_admitted": 409, "not_started": 409}
SeatView = Callable[..., HttpResponseBase]


# Session bookkeeping -----------------------------------------------------------------


def _remember(request: HttpRequest, key: str, meeting: Meeting, value: int) -> None:
    remembered = dict(request.session.get(key, {}))
    remembered[str(meeting.pk)] = value
    request.session[key] = remembered


def _session_invitation(request: HttpRequest, slug: str) -> MeetingInvitation | None:
    ids = list(request.session.get(INVITATIONS_KEY, {}).values())
    invitation = (
        MeetingInvitation.objects.select_related("meeting")
        .filter(pk__in=ids, meeting__slug=slug)
        .first()
    )
    return invitation if invitation is not None and invitation.is_usable() else None


def _session_seat(request: HttpRequest, slug: str) -> Participant | None:
    ids = list(request.session.get(SEATS_KEY, {}).values())
    seat = (
        Participant.objects.select_related("meeting").filter(pk__in=ids, meeting__slug=slug).first()
    )
    if seat is None or (seat.user_id is not None and seat.user_id != request.user.pk):
        return None
    return seat


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("accept", "")


# Pages -------------------------------------------------------------------------------


def plain_page(
    request: HttpRequest, template: str, status: int = 200, **context: Any
) -> HttpResponse:
    return render(request, f"meetings/{template}", context, status=status)


def engine_unavailable(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The engine cannot be reached: say so and offer what still works (503, never 500)."""
    may_organise = policy.has_perm(request.user, "meetings.organise", meeting)
    return plain_page(
        request, "engine_unavailable.html", 503, meeting=meeting, may_organise=may_organise
    )


@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A personal link from an email: one click lands in the lobby of its meeting."""
    if not hit(
        request, "meetings.invitation", limit=INVITATION_ATTEMPTS_PER_MINUTE, period_seconds=60
    ):
        return plain_page(request, "room_invalid_link.html", 429, too_many=True)
    found = services.invitation_from_token(token)
    if found is None or not found.is_usable() or found.meeting.is_over:
        return plain_page(request, "room_invalid_link.html", 404)
    _remember(request, INVITATIONS_KEY, found.meeting, found.pk)
    return redirect("meetings:lobby", found.meeting.slug)


def _lobby_access(request: HttpRequest, slug: str) -> tuple[Meeting, MeetingInvitation | None]:
    """The meeting and the invitation that lets the person in. Raises 404 for a meeting
    they may not know about and 403 when they may see it but not join."""
    invitation = _session_invitation(request, slug)
    if invitation is not None:
        return invitation.meeting, invitation
    meeting = policy.get_visible_or_404(Meeting, request.user, slug=slug)
    may_not_join = not policy.has_perm(request.user, "meetings.join", meeting)
    if request.user.is_authenticated and not meeting.is_over and may_not_join:
        raise PermissionDenied
    return meeting, None


@require_http_methods(["GET", "POST"])
def lobby(request: HttpRequest, slug: str) -> HttpResponseBase:
    meeting, invitation = _lobby_access(request, slug)
    if meeting.is_over:
        return plain_page(request, "room_ended.html", meeting=meeting)
    if invitation is None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    seat = _session_seat(request, slug)
    if request.method == "POST":
        return _enter(request, meeting, invitation)
    if seat is not None and seat.state == State.REMOVED:
        return plain_page(request, "room_removed.html", 403, meeting=meeting)
    if not engines.engine_for(meeting).health():
        return engine_unavailable(request, meeting)
    return _lobby_page(request, meeting, invitation, seat)


def _lobby_page(
    request: HttpRequest,
    meeting: Meeting,
    invitation: MeetingInvitation | None,
    seat: Participant | None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    waiting = seat is not None and seat.state in {State.LOBBY, State.ADMITTED}
    default_name = ""
    if request.user.is_authenticated:
        default_name = request.user.display_name
    elif invitation is not None:
        default_name = invitation.name
    context = {
        "meeting": meeting,
        "seat": seat if waiting else None,
        "display_name": seat.display_name if seat else default_name,
        "is_guest": not request.user.is_authenticated,
        "error": error,
        "lobby_config": {
            "state_url": reverse("meetings:room_state", args=[meeting.slug]),
            "room_url": reverse("meetings:room", args=[meeting.slug]),
        },
    }
    return plain_page(request, "lobby.html", status, **context)


def _enter(
    request: HttpRequest, meeting: Meeting, invitation: MeetingInvitation | None
) -> HttpResponseBase:
    if not hit_key(_joiner_key(request, invitation), limit=JOINS_PER_MINUTE, period_seconds=60):
        error = _("Too many attempts to join: wait a minute, then try again.")
        return _lobby_page(request, meeting, invitation, None, error, status=429)
    display_name = request.POST.get("display_name", "").strip()
    if not display_name and not request.user.is_authenticated:
        error = _("Please enter the name others will see.")
        return _lobby_page(request, meeting, invitation, None, error, status=422)
    try:
        seat = room_services.enter_lobby(
            meeting,
            user=request.user,
            invitation=invitation,
            display_name=display_name,
            audio_only=request.POST.get("audio_only") == "on",
        )
    except RoomError as error:
        if error.code == "removed":
            return plain_page(request, "room_removed.html", 403, meeting=meeting)
        return _lobby_page(request, meeting, invitation, None, error.message, status=409)
    _remember(request, SEATS_KEY, meeting, seat.pk)
    if seat.state in {State.ADMITTED, State.IN_ROOM}:
        return redirect("meetings:room", meeting.slug)
    return redirect("meetings:lobby", meeting.slug)


def _joiner_key(request: HttpRequest, invitation: MeetingInvitation | None) -> str:
    """Joins are counted per person (account or invitation): a crowd joining at once from
    one office's address is not refused, one script hammering the lobby is."""
    if request.user.is_authenticated:
        return f"meetings.join:user:{request.user.pk}"
    return f"meetings.join:invitation:{invitation.pk if invitation else 'none'}"


def _allow_engine(
    request: HttpRequest, response: HttpResponse, grant: JoinGrant
) -> HttpResponseBase:
    """Let the page's scripts reach the engine's browser-facing URL (CSP connect-src)."""
    server = str(grant.config.get("server", ""))
    parts = urlsplit(server)
    if not parts.scheme or not parts.netloc:
        return response
    # connect-src replaces default-src for fetch(): 'self' keeps the room's own polling.
    origins = ["'self'", f"{parts.scheme}://{parts.netloc}"]
    if parts.scheme in {"http", "https"}:
        origins.append(f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}")
    allow = csp_update({"connect-src": origins})
    return allow(lambda _request: response)(request)


@require_GET
def room(request: HttpRequest, slug: str) -> HttpResponseBase:
    seat = _session_seat(request, slug)
    if seat is None:
        # Only those who may know the meeting are sent to its lobby.
        policy.get_visible_or_404(Meeting, request.user, slug=slug)
        return redirect("meetings:lobby", slug)
    meeting = seat.meeting
    if meeting.is_over:
        return plain_page(request, "room_ended.html", meeting=meeting)
    if seat.state in {State.LOBBY, State.LEFT}:
        return redirect("meetings:lobby", slug)
    if seat.state == State.REMOVED:
        return plain_page(request, "room_removed.html", 403, meeting=meeting)
    try:
        grant = room_services.join(seat)
    except RoomError:
        return redirect("meetings:lobby", slug)
    except (EngineUnavailable, EngineError):
        return engine_unavailable(request, meeting)
    page = plain_page(
        request,
        "room.html",
        meeting=meeting,
        seat=seat,
        is_moderator=seat.role == Participant.Role.MODERATOR,
        room_config=_room_config(meeting, seat, grant),
        **_radio_relay(request, meeting),
    )
    return _allow_engine(request, page, grant)


def _radio_relay(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Whether the radio relays the meeting (everyone on stage must know), and what the
    person may do about it (colombe.radio's relay)."""
    relay = meeting.radio_relays.filter(stopped_at__isnull=True).first()
    user = request.user
    return {
        "radio_relay": relay,
        "may_stop_relay": relay is not None and policy.has_perm(user, "radio.stop_relay", relay),
        "may_relay": relay is None
        and meeting.is_webinar
        and policy.can_see(AnonymousUser(), meeting)  # the radio relays public meetings
        and policy.has_perm(user, "radio.relay", meeting),
    }


def _room_config(meeting: Meeting, seat: Participant, grant: JoinGrant) -> dict[str, Any]:
    urls = {
        name: reverse(f"meetings:{name}", args=[meeting.slug])
        for name in ("room_state", "chat_post", "hand", "published", "leave", "moderate")
    }
    return {
        "grant": {"client": grant.client, "config": grant.config, "redirect": grant.redirect_url},
        "urls": {**urls, "recording": reverse("meetings:recording_toggle", args=[meeting.slug])},
        "me": {"id": seat.pk, "name": seat.display_name, "role": seat.role},
        "webinar": meeting.is_webinar,
        "audio_only": seat.audio_only,
    }


# JSON endpoints and small forms ---------------------------------------------------------


def seat_view(*, in_room: bool = True) -> Callable[[SeatView], SeatView]:
    """Resolve the session's seat in the meeting ``slug`` (404 without one) and, with
    ``in_room``, require it to be in the room (409 otherwise)."""

    def decorator(view: SeatView) -> SeatView:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str) -> HttpResponseBase:
            seat = _session_seat(request, slug)
            if seat is None:
                raise Http404
            if in_room and seat.state != State.IN_ROOM:
                return _refused(
                    request, seat, RoomError(_("You are not in the meeting."), "not_in_room")
                )
            return view(request, seat)

        return wrapper

    return decorator


def _done(request: HttpRequest, seat: Participant, **data: Any) -> HttpResponseBase:
    if _wants_json(request):
        return JsonResponse({"ok": True, **data})
    return redirect("meetings:room", seat.meeting.slug)


def _refused(request: HttpRequest, seat: Participant, error: RoomError) -> HttpResponseBase:
    status = ERROR_STATUS.get(error.code, 400)
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "error": error.message, "code": error.code}, status=status
        )
    if status == 403:
        raise PermissionDenied(error.message)
    return redirect("meetings:room", seat.meeting.slug)


def _perform(
    request: HttpRequest, seat: Participant, action: Callable[[], Any]
) -> HttpResponseBase:
    try:
        action()
    except RoomError as error:
        return _refused(request, seat, error)
    except EngineError:
        failure = RoomError(_("The video server did not answer. Please try again."), "engine")
        return _refused(request, seat, failure)
    return _done(request, seat)


@require_GET
@seat_view(in_room=False)
def room_state(request: HttpRequest, seat: Participant) -> JsonResponse:
    try:
        since = max(0, int(request.GET.get("since", "0")))
    except ValueError:
        since = 0
    return JsonResponse(room_services.room_state(seat.meeting, seat, since))


@require_POST
@seat_view()
def chat_post(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    if not hit_key(f"meetings.chat:{seat.pk}", limit=CHAT_MESSAGES_PER_MINUTE, period_seconds=60):
        error = RoomError(_("You are sending messages too fast; wait a moment."), "too_fast")
        return _refused(request, seat, error)
    body = request.POST.get("body", "")
    is_question = request.POST.get("is_question") == "on"
    return _perform(request, seat, lambda: room_services.post_chat(seat, body, is_question))


@require_POST
@seat_view()
def hand(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    if request.POST.get("raised") == "1":
        return _perform(request, seat, lambda: room_services.raise_hand(seat))
    return _perform(request, seat, lambda: room_services.lower_hand(seat))


@require_POST
@seat_view()
def published(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    return _perform(request, seat, lambda: room_services.published(seat))


@require_POST
@seat_view(in_room=False)
def leave(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    room_services.leave(seat)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect(seat.meeting.get_absolute_url())


MODERATION_ACTIONS: dict[str, Callable[[Participant, Participant], None]] = {
    "admit": room_services.admit,
    "mute": room_services.mute,
    "remove": room_services.remove,
    "promote": room_services.promote,
    "demote": room_services.demote,
    "lower_hand": room_services.lower_hand,
}


@require_POST
@seat_view()
def moderate(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    if seat.role != Participant.Role.MODERATOR:
        return _refused(request, seat, RoomError(_("Only moderators may do this."), "forbidden"))
    action = request.POST.get("action", "")
    if action in {"lock", "unlock"}:
        locked = action == "lock"
        return _perform(request, seat, lambda: room_services.set_locked(seat.meeting, locked, seat))
    act = MODERATION_ACTIONS.get(action)
    target = _target(seat, request.POST.get("participant", ""))
    if act is None or target is None:
        return _refused(request, seat, RoomError(_("Unknown action."), "unknown"))
    return _perform(request, seat, lambda: act(target, seat))


def _target(seat: Participant, participant_id: str) -> Participant | None:
    if not participant_id.isdigit():
        return None
    return seat.meeting.participants.filter(pk=int(participant_id)).first()


@require_POST
@seat_view()
def recording_toggle(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    if request.POST.get("action") == "stop":
        return _perform(request, seat, lambda: room_services.stop_recording(seat.meeting, seat))
    return _perform(request, seat, lambda: room_services.start_recording(seat.meeting, seat))


@require_http_methods(["GET", "POST"])
@seat_view()
def end(request: HttpRequest, seat: Participant) -> HttpResponseBase:
    """Ending the meeting for everyone is confirmed on a page of its own."""
    if seat.role != Participant.Role.MODERATOR:
        raise PermissionDenied
    if request.method == "GET":
        return plain_page(request, "room_confirm_end.html", meeting=seat.meeting)
    return _perform(request, seat, lambda: room_services.end_meeting(seat.meeting, seat))
