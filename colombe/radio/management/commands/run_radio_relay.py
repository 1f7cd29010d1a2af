"""The relay process: ``manage.py run_radio_relay`` (the Procfile's ``relay:`` line).

Every ``--tick`` seconds it makes the antenna match the meeting relayed now
(``relay_services.RelayReconciler``). It runs until SIGTERM/SIGINT, or ``--max-seconds``;
stopping stops the forwards and the ffmpeg processes but leaves the relay active, so that
the next start resumes it. Janus unreachable is logged and tried again at the next tick.
Without ffmpeg (or setpriv) it says so and stays idle: honcho stops every process of
``make run`` when one exits."""

import fcntl
import logging
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from colombe.meetings.engines.base import EngineError
from colombe.radio.relay_services import RelayReconciler
from colombe.radio.streaming import config
from colombe.radio.streaming.relay import ENDS_WITH_PARENT, RelayPlayer

logger = logging.getLogger(__name__)

WORK_FOLDER = "relay"  # in RADIO_STATE_DIR: SDP files, the password preset, ffmpeg logs
# Held while relaying: a second process would stop the first one's forwards at its start.
LOCK_FILE = "run_radio_relay.lock"


def missing_programs() -> list[str]:
    wanted = [settings.FFMPEG_BINARY, ENDS_WITH_PARENT[0]]
    return [program for program in wanted if shutil.which(program) is None]


def refresh_connections() -> None:
    """Drop broken or expired database connections between ticks, as a request would.
    Not inside a transaction (``call_command`` from a test): that would close it."""
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = "Relay the meeting chosen in the studio on the radio (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", type=float, default=1.0, help="Seconds between looks.")
        parser.add_argument(
            "--max-seconds", type=float, default=None, help="Exit after this many seconds."
        )

    def handle(self, *args: Any, tick: float, max_seconds: float | None, **options: Any) -> None:
        stop = threading.Event()
        previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
        for number in previous:
            signal.signal(number, lambda _number, _frame: stop.set())
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        try:
            missing = missing_programs()
            if missing:
                self.stderr.write(
                    f"The radio relay is idle: {', '.join(missing)} not found. Install ffmpeg "
                    "(and util-linux for setpriv), or set FFMPEG_BINARY, then restart it."
                )
                self.wait(stop, deadline, None)
                return
            self.relay(stop, deadline, tick)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def relay(self, stop: threading.Event, deadline: float | None, tick: float) -> None:
        work_dir = Path(settings.RADIO_STATE_DIR) / WORK_FOLDER
        work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (work_dir / LOCK_FILE).open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stderr.write(
                    f"The radio relay is idle: another run_radio_relay holds {lock.name}. "
                    "Only one may run: it owns the slots' ports and the relay's forwards."
                )
                self.wait(stop, deadline, None)
                return
            self.reconcile_until_stopped(work_dir, stop, deadline, tick)

    def reconcile_until_stopped(
        self, work_dir: Path, stop: threading.Event, deadline: float | None, tick: float
    ) -> None:
        reconciler = RelayReconciler(RelayPlayer(config.from_settings(), work_dir))
        self.stdout.write("run_radio_relay: watching for a meeting to relay")
        try:
            while not stop.is_set() and not past(deadline):
                refresh_connections()
                try:
                    reconciler.reconcile()
                except (EngineError, DatabaseError) as error:
                    logger.warning("Radio relay: %s (trying again in %s s)", error, tick)
                self.wait(stop, deadline, tick)
        finally:
            try:
                reconciler.shut_down()
            except (EngineError, DatabaseError) as error:
                logger.warning("Radio relay: forwards left for the next start: %s", error)
        self.stdout.write("run_radio_relay: stopped")

    def wait(self, stop: threading.Event, deadline: float | None, tick: float | None) -> None:
        """Sleep a tick (or until the end when ``tick`` is None), waking on a signal."""
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        timeouts = [timeout for timeout in (tick, remaining) if timeout is not None]
        stop.wait(min(timeouts) if timeouts else None)


def past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline
