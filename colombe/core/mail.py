from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from colombe.core.tasks import send_email


def absolute_url(path: str) -> str:
    """A link for an email: tasks run outside any request, so the host comes from
    settings.SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def enqueue_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    language: str = "fr",
    reply_to: list[str] | None = None,
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language`` and
    enqueue the message. Call inside the transaction that creates the data."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_email.enqueue(to=to, subject=subject, body=body, reply_to=reply_to)
