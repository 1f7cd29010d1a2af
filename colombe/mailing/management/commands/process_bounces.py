"""Read bounces: one message piped by the MTA on standard input, or every message of a
mailbox (mbox file or Maildir directory).

Postfix, for instance, delivers the VERP return-path domain to this command through a
``pipe`` transport in master.cf::

    colombe-bounces unix - n n - - pipe
      flags=Rq user=colombe argv=/srv/colombe/.venv/bin/python /srv/colombe/manage.py
      process_bounces --recipient ${original_recipient}

and ``transport_maps`` sends ``bounces.example.org`` to ``colombe-bounces:``.
"""

import email
import email.policy
import mailbox
import sys
from email.message import Message
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from colombe.mailing.bounces import handle_bounce_message

EX_TEMPFAIL = 75  # sysexits.h


class Command(BaseCommand):
    help = "Record the bounces in a message on standard input, or in a mailbox."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--mbox", type=Path, help="Read every message of this mbox file.")
        source.add_argument(
            "--maildir", type=Path, help="Read every message of this Maildir directory."
        )
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient of a piped bounce (our VERP return path), "
            "when the MTA passes it rather than a Delivered-To header.",
        )
        parser.add_argument(
            "--remove", action="store_true", help="Remove the messages read from the mailbox."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mbox"] is not None:
            box: mailbox.Mailbox[Any] = mailbox.mbox(options["mbox"], create=False)
            recorded = self._read_mailbox(box, remove=options["remove"])
        elif options["maildir"] is not None:
            box = mailbox.Maildir(options["maildir"], create=False)
            recorded = self._read_mailbox(box, remove=options["remove"])
        else:
            recorded = self._read_piped(options["recipient"])
        self.stdout.write(f"{recorded} bounce(s) recorded")

    def _read_piped(self, recipient: str) -> int:
        raw = sys.stdin.buffer.read()
        try:
            return handle_bounce_message(parse_bytes(raw), recipient)
        except Exception as error:
            # Any other exit status makes the MTA bounce the bounce; EX_TEMPFAIL makes it
            # keep the message and try again (the database may be restarting).
            self.stderr.write(f"Bounce not processed, will be retried: {error!r}")
            sys.exit(EX_TEMPFAIL)

    def _read_mailbox(self, box: "mailbox.Mailbox[Any]", *, remove: bool) -> int:
        recorded = 0
        box.lock()
        try:
            for key in list(box.keys()):
                recorded += handle_bounce_message(parse_bytes(box.get_bytes(key)))
                if remove:
                    box.remove(key)
            box.flush()
        finally:
            box.unlock()
            box.close()
        return recorded


def parse_bytes(raw: bytes) -> Message:
    # compat32 keeps message/delivery-status parts as header blocks, which the DSN
    # reader walks.
    return email.message_from_bytes(raw, policy=email.policy.compat32)
