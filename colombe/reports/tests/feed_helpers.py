"""Reports made directly with the ORM for the feed's tests (the writing services are
tested on their own)."""

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.reports.models import ActionReport

_numbers = itertools.count(1)


def make_report(structure: Any, *, hashtags: str = "", **fields: Any) -> ActionReport:
    number = next(_numbers)
    fields.setdefault("title", f"Action numéro {number}")
    fields.setdefault("slug", f"action-{number}")
    fields.setdefault("kind", ActionReport.Kind.LEAFLETS)
    fields.setdefault("happened_on", timezone.localdate() - timedelta(days=number % 30))
    fields.setdefault("town", "Lyon")
    fields.setdefault("status", ActionReport.Status.PUBLISHED)
    fields.setdefault("visibility", ActionReport.Visibility.PUBLIC)
    fields.setdefault("body", f"Compte rendu **{number}**.")
    if fields["status"] == ActionReport.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    fields["body_html"] = render_markdown(fields["body"])
    report = ActionReport.objects.create(structure=structure, **fields)
    if hashtags:
        report.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
    return report


def day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)
