"""The start every view of one object shares: find it among those the user may know
about (404 otherwise, so a secret thing cannot be told from a missing one), then ask
anonymous visitors to log in and refuse (403) whoever the permission does not allow."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase

from colombe.core import policy

ObjectView = Callable[..., HttpResponseBase]


def visible_object_view(
    model: type[models.Model],
    *,
    login: bool = False,
    perm: str | None = None,
    lookup: str = "slug",
) -> Callable[[ObjectView], ObjectView]:
    """Resolve the URL's ``lookup`` argument (the slug, or the pk) to an object of
    ``model`` the user may see and pass it to the view. With ``login``, anonymous visitors
    log in first; with ``perm``, the permission is checked once here (visibility is
    already known: no second lookup)."""

    def decorator(view: ObjectView) -> ObjectView:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
            key = kwargs.pop(lookup)
            found = policy.get_visible_or_404(model, request.user, **{lookup: key})
            anonymous = not request.user.is_authenticated
            if login and anonymous:
                return redirect_to_login(request.get_full_path())
            if perm is not None and not policy.has_perm(request.user, perm, found):
                if anonymous:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, found, **kwargs)

        return wrapper

    return decorator
