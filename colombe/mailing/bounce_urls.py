"""Providers' bounce webhooks: django-anymail's views under ``/diffusion/rebonds/``
(e.g. ``/diffusion/rebonds/postmark/tracking/``, namespace ``mailing:anymail``); its
tracking signal is received by ``colombe.mailing.bounces.record_provider_event``.

Anymail's only protection for most providers is HTTP basic auth with
``ANYMAIL_WEBHOOK_SECRET``; without a secret anymail would warn and accept anyone's posts,
so anyone could disable any address. Without a secret the webhooks therefore answer 404,
as if they did not exist."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from anymail import urls as anymail_urls
from anymail.utils import get_anymail_setting
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt

View = Callable[..., HttpResponseBase]


def webhook_secret_configured() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=""))


def require_webhook_secret(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not webhook_secret_configured():
            raise Http404
        return view(request, *args, **kwargs)

    # Providers post without a CSRF token; their basic-auth secret is the credential.
    return csrf_exempt(guarded)


def guarded_patterns() -> list[URLPattern]:
    """Only the tracking (delivery event) webhooks: Colombe reads no inbound mail
    through providers, so their inbound webhooks are not mounted at all."""
    return [
        URLPattern(
            pattern.pattern,
            require_webhook_secret(pattern.callback),
            pattern.default_args,
            pattern.name,
        )
        for pattern in anymail_urls.urlpatterns
        if isinstance(pattern, URLPattern) and str(pattern.name).endswith("_tracking_webhook")
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    path("rebonds/", include((guarded_patterns(), "anymail"))),
]
