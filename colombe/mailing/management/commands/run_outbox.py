"""The outbox worker: ``manage.py run_outbox`` (the Procfile's ``mailer:`` line).

Runs until SIGTERM/SIGINT (finishing the message in hand and giving back the rest of its
batch), or ``--once`` (deliver what is due, then exit), or after ``--max-seconds``. Idle,
it looks for new rows every ``--poll`` seconds, so an urgent circular leaves at once."""

import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from colombe.mailing.worker import Worker, recover_stale_claims

# Recovery of rows left by dead workers runs at start and then this often.
RECOVERY_EVERY_SECONDS = 30.0


def refresh_connections() -> None:
    """Drop broken or expired database connections between batches, as a request would.
    Not inside a transaction (``call_command`` from a test): that would close it."""
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = "Deliver the outbox: claim due messages, send them, record each result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Deliver what is due, then exit.")
        parser.add_argument(
            "--max-seconds", type=float, default=None, help="Exit after this many seconds."
        )
        parser.add_argument(
            "--poll", type=float, default=0.5, help="Seconds between looks when idle."
        )
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(
        self,
        *args: Any,
        once: bool,
        max_seconds: float | None,
        poll: float,
        batch_size: int | None,
        **options: Any,
    ) -> None:
        worker = Worker(batch_size=batch_size)
        self.stop_on_signals(worker)
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        recovery_every = min(RECOVERY_EVERY_SECONDS, settings.MAILING_LEASE_SECONDS / 2)
        recovered_at = float("-inf")
        while not worker.stopping:
            if deadline is not None and time.monotonic() >= deadline:
                break
            refresh_connections()
            if time.monotonic() - recovered_at >= recovery_every:
                recover_stale_claims()
                recovered_at = time.monotonic()
            if worker.run_batch():
                continue
            if once:
                break
            worker.stop_event.wait(poll)
        refresh_connections()
        self.stdout.write(f"run_outbox: {worker.sent} message(s) sent")

    def stop_on_signals(self, worker: Worker) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
