"""What Liquidsoap asks and tells Colombe (deploy/radio/radio.liq.template), and the public
"now playing" the player page polls.

Liquidsoap's callbacks carry no CSRF token: they are authenticated by the shared
RADIO_CALLBACK_SECRET instead (``Authorization: Bearer …``, compared in constant time).
Wrong secrets are rate-limited per address (so the client's address must be right:
COLOMBE_TRUSTED_PROXY_COUNT, or Liquidsoap on loopback, docs/radio.md).

Presenters' logins are never locked out: no one else may keep a presenter off air by
failing on purpose — behind the TLS proxy all presenters share one address, and the
studio names whoever is live. The password is checked first and the right one always
goes through; it is random (144 bits), so guessing it is hopeless anyway."""

import hmac
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from colombe.core.ratelimit import client_ip, hit_key
from colombe.radio import live, programme
from colombe.radio.models import HarborCredential
from colombe.radio.streaming.icecast import read_status

# Requests with a wrong secret before their address is refused for a while. Only failures
# count: Liquidsoap relays every presenter's attempt, and an attack on the harbor must
# not lock Liquidsoap itself out.
SECRET_FAILURES_PER_ADDRESS = 20
# Failed logins after which a username counts as under attack: its wrong passwords are
# answered 429 rather than 403, which Liquidsoap's log shows the administrator.
LOGIN_FAILURES_PER_USERNAME = 10
FAILURE_PERIOD_SECONDS = 15 * 60
NOW_PLAYING_CACHE_KEY = "radio:now-playing"
NOW_PLAYING_CACHE_SECONDS = 2

Body = dict[str, Any]
Callback = Callable[[HttpRequest, Body], HttpResponse]


def from_liquidsoap(request: HttpRequest) -> bool:
    expected = f"Bearer {settings.RADIO_CALLBACK_SECRET}".encode()
    return hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected)


def _blocked(limits: dict[str, int]) -> bool:
    return any(cache.get(f"{key}:blocked") for key in limits)


def _count_failure(limits: dict[str, int]) -> None:
    for key, limit in limits.items():
        if not hit_key(key, limit=limit, period_seconds=FAILURE_PERIOD_SECONDS):
            cache.set(f"{key}:blocked", True, FAILURE_PERIOD_SECONDS)


def liquidsoap_callback(view: Callback) -> Callable[[HttpRequest], HttpResponse]:
    """POST only, rate-limited, the shared secret required, a JSON object as body."""

    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        limits = {f"radio.callback-secret:{client_ip(request)}": SECRET_FAILURES_PER_ADDRESS}
        if _blocked(limits):
            return HttpResponse(status=429)
        if not from_liquidsoap(request):
            _count_failure(limits)
            return HttpResponse(status=403)
        try:
            body = json.loads(request.body)
        except ValueError:
            return HttpResponse(status=400)
        if not isinstance(body, dict):
            return HttpResponse(status=400)
        return view(request, body)

    return csrf_exempt(require_POST(checked))


@liquidsoap_callback
def harbor_auth(request: HttpRequest, body: Body) -> HttpResponse:
    """Streaming software connects to the harbor: 200 with the title listeners will see,
    else 403 (429 once the username is under attack). The right password goes through
    whatever failed before it."""
    username = str(body.get("user", ""))
    credential = live.check_login(username, str(body.get("password", "")))
    if credential is not None:
        return HttpResponse(live.live_title(credential), content_type="text/plain; charset=utf-8")
    limits = {f"radio.harbor-login.user:{username}": LOGIN_FAILURES_PER_USERNAME}
    if _blocked(limits):
        return HttpResponse(status=429)
    _count_failure(limits)
    return HttpResponse(status=403)


@liquidsoap_callback
def harbor_connected(request: HttpRequest, body: Body) -> HttpResponse:
    credential = HarborCredential.objects.filter(username=str(body.get("user", ""))).first()
    if credential is None:
        return HttpResponse(status=404)
    live.live_started(credential)
    cache.delete(NOW_PLAYING_CACHE_KEY)
    return HttpResponse("ok", content_type="text/plain")


@liquidsoap_callback
def harbor_disconnected(request: HttpRequest, body: Body) -> HttpResponse:
    live.live_ended()
    cache.delete(NOW_PLAYING_CACHE_KEY)
    return HttpResponse("ok", content_type="text/plain")


def now_playing_payload() -> dict[str, Any]:
    status = read_status()
    airing = programme.current_slot(timezone.now())
    return {
        "reachable": status.reachable,
        "title": status.title,
        "listeners": status.listeners,
        "live": live.current_session() is not None,
        "on_air": airing.slot.show.title if airing is not None else None,
    }


@require_GET
def now_playing(request: HttpRequest) -> JsonResponse:
    """Public: what the player page shows, the same for every visitor, so cached."""
    payload = cache.get(NOW_PLAYING_CACHE_KEY)
    if payload is None:
        payload = now_playing_payload()
        cache.set(NOW_PLAYING_CACHE_KEY, payload, NOW_PLAYING_CACHE_SECONDS)
    response = JsonResponse(payload)
    response["Cache-Control"] = f"public, max-age={NOW_PLAYING_CACHE_SECONDS}"
    return response
