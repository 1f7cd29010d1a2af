import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from colombe.core.schedule import PERIODIC_TASKS, Periodic


def due_tasks(last_run: dict[str, float], now: float) -> list[Periodic]:
    return [
        periodic
        for periodic in PERIODIC_TASKS
        if now - last_run.get(periodic.task, float("-inf")) >= periodic.every_seconds
    ]


class Command(BaseCommand):
    help = "Enqueue periodic tasks when they are due (runs until stopped, or --once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every task once, then exit."
        )
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, tick: float, **options: Any) -> None:
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for periodic in due_tasks(last_run, now):
                import_string(periodic.task).enqueue()
                last_run[periodic.task] = now
                self.stdout.write(f"enqueued {periodic.task}")
            if once:
                return
            time.sleep(tick)
