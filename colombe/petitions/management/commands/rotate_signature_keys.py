"""``manage.py rotate_signature_keys``: re-encrypt every signer's address with the newest
key, after a new key was put in front of COLOMBE_SIGNATURE_KEYS. Once it reports no
unreadable address, the old keys can be removed from the list."""

from argparse import ArgumentParser
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from colombe.petitions import crypto
from colombe.petitions.models import Signature


class Command(BaseCommand):
    help = (
        "Re-encrypt the email addresses of all signatures with the first key of "
        "COLOMBE_SIGNATURE_KEYS. Safe to run again, and to interrupt: every address stays "
        "readable with the keys configured."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        rotated, unreadable = 0, 0
        for ids in id_batches(batch_size):
            done, failed = rotate_batch(ids)
            rotated += done
            unreadable += failed
        self.stdout.write(f"{rotated} addresses re-encrypted with the newest key.")
        if unreadable:
            # Not an error to hide: removing the old key now would lose these addresses.
            raise CommandError(
                f"{unreadable} addresses could not be decrypted with any configured key: "
                "put the key they were encrypted with back in COLOMBE_SIGNATURE_KEYS, "
                "then run this command again."
            )


def id_batches(size: int) -> Iterator[list[int]]:
    """Primary keys of the signatures that hold an address, a batch at a time. Keys are
    read first so each batch is a short transaction of its own."""
    ids = list(
        Signature.objects.exclude(email_encrypted="").order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rotate_batch(ids: list[int]) -> tuple[int, int]:
    """Re-encrypt one batch, its rows locked so a concurrent withdrawal (which blanks the
    address) is not overwritten with the old one."""
    changed: list[Signature] = []
    unreadable = 0
    with transaction.atomic():
        rows = Signature.objects.select_for_update().filter(pk__in=ids).exclude(email_encrypted="")
        for signature in rows.only("pk", "email_encrypted"):
            try:
                signature.email_encrypted = crypto.rotate(signature.email_encrypted)
            except InvalidToken:
                unreadable += 1
                continue
            changed.append(signature)
        Signature.objects.bulk_update(changed, ["email_encrypted"])
    return len(changed), unreadable
