"""The report cards of the feed and of a committee's page, rendered once per process.

A card shows the same thing to everyone who may see its report (which reports are listed
is decided before, by ``reports.policy``, and the card uses nothing of the viewer), so
its HTML depends only on what it shows. Each card is kept under a key made of exactly
those values and the language: a change of any of them is a new key, so a kept card is
never stale. Rendering twenty cards through the template was over a quarter of the
feed's CPU."""

import threading
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from colombe.reports.models import ActionReport

CARD_TEMPLATE = "reports/_report_card.html"
# Cards kept per process: a few pages of each committee's, in both languages.
MAX_CARDS = 4000

_cards: dict[tuple[Any, ...], SafeString] = {}
_cards_lock = threading.Lock()


def attach_cards(reports: list[ActionReport]) -> None:
    """``report.card_html`` for each report, whose related rows (structure, group,
    hashtags, photos) and ``reaction_counts`` are loaded (``feed_views.card_page``)."""
    language = get_language()
    for report in reports:
        key = card_key(report, language)
        card = _cards.get(key)
        if card is None:
            card = render_to_string(CARD_TEMPLATE, {"report": report})
            keep(key, card)
        report.card_html = card


def card_key(report: ActionReport, language: str | None) -> tuple[Any, ...]:
    """Everything ``_report_card.html`` shows, and the language it shows it in."""
    photo = next(iter(report.photos.all()), None)
    return (
        language,
        report.pk,
        report.slug,
        report.title,
        report.kind,
        report.happened_on,
        report.town,
        report.structure.slug,
        report.structure.name,
        report.group.name if report.group is not None else None,
        report.people_reached,
        tuple(tag.name for tag in report.hashtags.all()),
        (photo.pk, photo.alt_text) if photo is not None else None,
        tuple(report.reaction_counts),
    )


def keep(key: tuple[Any, ...], card: SafeString) -> None:
    with _cards_lock:
        if len(_cards) >= MAX_CARDS:
            del _cards[next(iter(_cards))]  # the oldest
        _cards[key] = card
