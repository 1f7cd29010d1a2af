"""The studio: what a presenter needs before and while going live — whether the live
source is connected, the listeners, what is on air and what comes next, and their own
harbor credentials (created, shown once, revoked)."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.ratelimit import hit_key
from colombe.radio import live, programme, relay_services
from colombe.radio.models import HarborCredential
from colombe.radio.programme_views import STATUS_TIMEOUT_SECONDS
from colombe.radio.streaming.icecast import read_status

# Enough to replace lost credentials a few times; not a password generator to hammer.
CREDENTIALS_PER_HOUR = 10


def harbor_host(request: HttpRequest) -> str:
    """Where streaming software connects: the configured name, else this site's host."""
    if settings.RADIO_HARBOR_HOST:
        return settings.RADIO_HARBOR_HOST
    return urlsplit(f"//{request.get_host()}").hostname or request.get_host()


def studio_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    user: Any = request.user
    relay = relay_services.active_relay()
    return {
        "session": live.current_session(),
        "status": read_status(timeout=STATUS_TIMEOUT_SECONDS),
        "on_air": programme.current_slot(now),
        "next_airing": programme.next_slot(now),
        "shows": user.radio_shows.filter(is_active=True).order_by("title"),
        "credentials": HarborCredential.objects.filter(user=user),
        "harbor_host": harbor_host(request),
        "harbor_port": settings.RADIO_HARBOR_PORT,
        "harbor_mount": settings.RADIO_HARBOR_MOUNT,
        "relay": relay,
        "may_stop_relay": relay is not None and policy.has_perm(user, "radio.stop_relay", relay),
        "relayable_meetings": relay_services.relayable_meetings(user),
        **extra,
    }


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.go_live")
    return render(request, "radio/studio.html", studio_context(request))


@login_required
@require_POST
def credential_create(request: HttpRequest) -> HttpResponse:
    """The password is in this one response and nowhere else (only its hash is kept):
    the page is rendered here rather than after a redirect, and never cached."""
    policy.require(request.user, "radio.go_live")
    if not hit_key(
        f"radio.credentials:{request.user.pk}", limit=CREDENTIALS_PER_HOUR, period_seconds=3600
    ):
        messages.warning(request, _("Too many new credentials in an hour. Please try later."))
        return redirect("radio:studio")
    credential, password = live.issue_credential(request.user)
    context = studio_context(request, new_credential=credential, new_password=password)
    response = render(request, "radio/studio.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def credential_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "radio.go_live")
    # One's own credentials only: someone else's answer 404, as if they did not exist.
    credential = get_object_or_404(
        HarborCredential, pk=pk, user=request.user, revoked_at__isnull=True
    )
    if request.method != "POST":
        context = {
            "page_title": _("Revoke the credentials “%(username)s”?")
            % {"username": credential.username},
            "question": _(
                "Streaming software using them can no longer connect. If you are live with "
                "them now, your broadcast stops at once."
            ),
            "submit_label": _("Revoke the credentials"),
            "submit_class": "button danger",
            "cancel_url": reverse("radio:studio"),
        }
        return render(request, "radio/confirm.html", context)
    live.revoke_credential(credential, by=request.user)
    messages.success(request, _("The credentials are revoked."))
    return redirect("radio:studio")
