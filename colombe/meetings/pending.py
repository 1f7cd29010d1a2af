"""Placeholder for URLs whose view is being written (removed before this app ships)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def pending_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
