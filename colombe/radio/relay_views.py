"""Starting and stopping the relay of a meeting, from the studio (and, to stop it, from
the meeting's room). Each is a confirmation page and a POST form: no JavaScript needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from colombe.core import policy
from colombe.meetings.models import Meeting
from colombe.radio import relay_services
from colombe.radio.models import MeetingRelay
from colombe.radio.relay_services import RelayRefused

STUDIO_RELAY_SECTION = "#relay-title"


def studio_relay_url() -> str:
    return reverse("radio:studio") + STUDIO_RELAY_SECTION


def _refused(request: HttpRequest, refusal: RelayRefused) -> HttpResponse:
    if refusal.forbidden:
        raise PermissionDenied(refusal.message)
    messages.error(request, refusal.message)
    return redirect(studio_relay_url())


@require_http_methods(["GET", "POST"])
def relay_start(request: HttpRequest, slug: str) -> HttpResponse:
    # The meeting first: one that the person may not know answers 404 whoever they are.
    meeting = policy.get_visible_or_404(Meeting, request.user, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    policy.require(request.user, "radio.go_live")
    if not policy.has_perm(request.user, "radio.relay", meeting):
        raise PermissionDenied
    if request.method == "POST":
        try:
            relay_services.start_relay(request.user, meeting)
        except RelayRefused as refusal:
            return _refused(request, refusal)
        messages.success(
            request,
            _("“%(title)s” is relayed on the radio: it is on air within a few seconds.")
            % {"title": meeting.title},
        )
        return redirect(studio_relay_url())
    reason = relay_services.refusal(meeting)
    if reason is not None:
        return _refused(request, RelayRefused(reason))
    context = {
        "page_title": _("Relay “%(title)s” on the radio?") % {"title": meeting.title},
        "question": _(
            "Everything said on stage goes out live and publicly on Radio Colombe, heard by "
            "anyone, until the relay is stopped or the meeting ends. The people on stage see "
            "a notice in the meeting. A presenter who goes live keeps priority over the relay."
        ),
        "submit_label": _("Relay the meeting on the radio"),
        "submit_class": "button",
        "cancel_url": studio_relay_url(),
    }
    return render(request, "radio/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def relay_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Open to the meeting's organisers too (not only presenters): they reach it from
    the meeting's room."""
    relay = get_object_or_404(
        MeetingRelay.objects.select_related("meeting"), pk=pk, stopped_at__isnull=True
    )
    if not policy.has_perm(request.user, "radio.stop_relay", relay):
        raise PermissionDenied
    back = _back_to(request, relay)
    if request.method == "POST":
        relay_services.stop_relay(request.user, relay)
        messages.success(
            request,
            _("The relay of “%(title)s” is stopped: the radio plays its programme again.")
            % {"title": relay.title},
        )
        return redirect(back)
    context = {
        "page_title": _("Stop relaying “%(title)s”?") % {"title": relay.title},
        "question": _(
            "The radio stops broadcasting the meeting within a few seconds and plays its "
            "programme again. The meeting itself goes on."
        ),
        "submit_label": _("Stop the radio relay"),
        "submit_class": "button danger",
        "cancel_url": back,
    }
    if back != studio_relay_url():
        # Organisers who are not presenters may not open the studio: lead back to the room.
        context |= {"crumb_url": back, "crumb_label": relay.title}
    return render(request, "radio/confirm.html", context)


def _back_to(request: HttpRequest, relay: MeetingRelay) -> str:
    """The studio for presenters; the meeting's page for organisers who are not."""
    if policy.has_perm(request.user, "radio.go_live"):
        return studio_relay_url()
    return reverse("meetings:room", args=[relay.meeting.slug])
