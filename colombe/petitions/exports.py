"""Exports of confirmed signatures, for the organisers only.

Two kinds: the full export (with decrypted email addresses, for the campaign team) and the
delivery export for the addressee (first name, last name and town only). Both stream: a
petition of 50,000 signers is written row by row, in chunks read from the database, never
held in memory. Every download is recorded in the audit log with its kind and size, never
with any signer's data."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.spreadsheets import csv_lines
from colombe.petitions import crypto
from colombe.petitions.models import Petition, Signature

CHUNK_SIZE = 2000
FULL = "signatures"
DELIVERY = "delivery"


def exported_signatures(petition: Petition) -> QuerySet[Signature]:
    """Confirmed signers whose data still exists (anonymised ones are blank)."""
    return Signature.objects.filter(
        petition=petition, status=Signature.Status.CONFIRMED, anonymised_at__isnull=True
    ).order_by("confirmed_at", "pk")


def record_download(*, actor: Any, petition: Petition, kind: str) -> int:
    """Check the right to export, record the download and return how many rows it has."""
    policy.require(actor, "petitions.organise", petition)
    count = exported_signatures(petition).count()
    with transaction.atomic():
        log_action(actor, "petitions.export.downloaded", petition, {"kind": kind, "count": count})
    return count


def readable_email(encrypted: str, unreadable: str) -> str:
    try:
        return crypto.decrypt_email(encrypted)
    except ValueError:
        # One unreadable address must not cut the file short: say so in its cell.
        return unreadable


def signature_header() -> list[str]:
    return [
        _("Date"),
        _("First name"),
        _("Last name"),
        _("Email"),
        _("Postcode"),
        _("Town"),
        _("Country"),
        _("Comment"),
        _("Source"),
        _("Paper"),
        _("Keep informed"),
        _("Consent version"),
    ]


def signature_rows(petition: Petition) -> Iterator[list[Any]]:
    # Translated words are looked up now: the rows are written after the view returned.
    labels = {True: _("yes"), False: _("no")}
    unreadable = _("(unreadable: encryption key removed)")
    zone = timezone.get_current_timezone()
    columns = exported_signatures(petition).values_list(
        "confirmed_at",
        "first_name",
        "last_name",
        "email_encrypted",
        "postcode",
        "town",
        "country",
        "comment",
        "source",
        "is_paper",
        "keep_informed",
        "keep_informed_version",
    )
    return (
        [
            row[0].astimezone(zone).strftime("%Y-%m-%d %H:%M") if row[0] else "",
            row[1],
            row[2],
            readable_email(row[3], unreadable),
            *row[4:9],
            labels[row[9]],
            labels[row[10]],
            row[11] if row[10] and row[11] else "",
        ]
        for row in columns.iterator(chunk_size=CHUNK_SIZE)
    )


def delivery_header() -> list[str]:
    return [_("First name"), _("Last name"), _("Town")]


def delivery_rows(petition: Petition) -> Iterator[list[Any]]:
    columns = exported_signatures(petition).values_list("first_name", "last_name", "town")
    return (list(row) for row in columns.iterator(chunk_size=CHUNK_SIZE))


def signatures_csv(petition: Petition) -> Iterator[str]:
    return csv_lines(signature_header(), signature_rows(petition))


def delivery_csv(petition: Petition) -> Iterator[str]:
    return csv_lines(delivery_header(), delivery_rows(petition))


def filename(petition: Petition, kind: str, today: date | None = None) -> str:
    today = today or timezone.localdate()
    prefix = {FULL: "signatures", DELIVERY: "remise"}[kind]
    return f"{prefix}-{petition.slug}-{today.isoformat()}.csv"
