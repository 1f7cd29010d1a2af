import hashlib
from collections.abc import Callable

from allauth.usersessions.internal import usersessionkit
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from colombe.core import policy

# Pages a national administrator without MFA may still open: the MFA set-up itself,
# logging out, static files and the language switch.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/")
SESSION_TRACKING_INTERVAL_SECONDS = 60


class RequireAdminMFAMiddleware:
    """National administrators must protect their account with TOTP before using it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def must_set_up_mfa(request: HttpRequest) -> bool:
        if not policy.is_national_admin(request.user):
            return False
        if request.path.startswith(MFA_EXEMPT_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()


class ThrottledUserSessionsMiddleware:
    """allauth's session tracking (the "my sessions" page: last seen, address, device)
    costs five queries per request. A meeting room polls every few seconds, so record a
    session's activity at most once a minute: "last seen" stays right to the minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.due(request):
            usersessionkit.track_activity(
                request,
                user=getattr(request, "user", None),
                session=getattr(request, "session", None),
            )
        return self.get_response(request)

    @staticmethod
    def due(request: HttpRequest) -> bool:
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        if not session_key:  # allauth records sessions that have a key, nothing else
            return False
        digest = hashlib.sha256(session_key.encode()).hexdigest()
        return cache.add(f"usersessions:tracked:{digest}", 1, SESSION_TRACKING_INTERVAL_SECONDS)
