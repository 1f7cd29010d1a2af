"""Pages that hand out personal data (session IP addresses…) ask for a recent
authentication, so that a stolen session cookie alone is not enough.

allauth's own ``reauthentication_required`` counts only an explicit re-authentication
(records flagged ``reauthenticated``): a person who has just typed their password on the
login page would be asked for it again a few seconds later. Here any credential checked
in this session counts — the login itself or allauth's "confirm access" page — as long
as it is younger than ``ACCOUNT_REAUTHENTICATION_TIMEOUT``. When it is not, we raise
allauth's ``ReauthenticationRequired``: its middleware sends the person to the "confirm
access" page and, after the password, replays the suspended request (POST included).
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account import app_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def authenticated_recently(request: HttpRequest) -> bool:
    """True when this session proved who it is (password, code or second factor) less
    than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds ago."""
    user = request.user
    if not user.is_authenticated:
        return False
    checked_at = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") in app_settings.REAUTHENTICATION_METHODS
    ]
    if not checked_at:
        # e.g. a session opened without any credential (an impersonation, a test login).
        return False
    return time.time() - max(checked_at) < app_settings.REAUTHENTICATION_TIMEOUT


def recent_authentication_required(view: View) -> View:
    """Refuse the view (GET and POST alike) unless ``authenticated_recently``; allauth then
    asks for the password and comes back to the request."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not authenticated_recently(request):
            raise ReauthenticationRequired()
        return view(request, *args, **kwargs)

    return guarded
