"""The one gate in front of the movement's social-network tools (posts, calendar,
campaigns, short links, registry): anonymous visitors log in, people who are members of
nothing get a page saying these tools are for members (403)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.outreach.policy import is_member

View = Callable[..., HttpResponse]


def members_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user):
            return render(request, "outreach/registry/members_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
