"""What every training page shares: the large-text mode, and the navigation (with the
demand page for those who may read it).

``?texte=grand`` turns it on and ``?texte=normal`` off; the choice is kept in a cookie so
that the next training pages stay large. No JavaScript needed: the toggle is a link."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.core import policy

TEXT_PARAMETER = "texte"
LARGE, NORMAL = "grand", "normal"
COOKIE = "colombe_texte"
COOKIE_AGE = 365 * 24 * 3600


def wants_large_text(request: HttpRequest) -> bool:
    chosen = request.GET.get(TEXT_PARAMETER)
    if chosen in (LARGE, NORMAL):
        return chosen == LARGE
    return request.COOKIES.get(COOKIE) == LARGE


def toggle_url(request: HttpRequest, large: bool) -> str:
    """This page with the other text size, its other parameters kept."""
    query = request.GET.copy()
    query[TEXT_PARAMETER] = NORMAL if large else LARGE
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}"


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    large = wants_large_text(request)
    context = {
        **context,
        "large_text": large,
        "text_toggle_url": toggle_url(request, large),
        "may_see_demand": policy.has_perm(request.user, "training.see_demand"),
    }
    response = render(request, template, context, status=status)
    chosen = request.GET.get(TEXT_PARAMETER)
    if chosen in (LARGE, NORMAL):
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_AGE, samesite="Lax")
    return response
