"""``manage.py seed_demo [--scale large]``: load the demo movement (idempotent)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from colombe.core import demo, search


class Command(BaseCommand):
    help = (
        "Load the demo movement: territories, committees, personas, groups and discussions. "
        "Running it again creates nothing new. --scale large adds thousands of committees and "
        "members for load tests."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument(
            "--committees", type=int, default=2000, help="committees added by --scale large"
        )
        parser.add_argument(
            "--members", type=int, default=100_000, help="members added by --scale large"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["committees"] < 1 or options["members"] < 0:
            raise CommandError("--committees must be at least 1 and --members at least 0.")
        password = demo.get_or_create_demo_password()
        report = demo.SeedReport()
        started = time.monotonic()
        with transaction.atomic():
            password_hash = demo.demo_password_hash(password, report)
            demo.seed_movement(password_hash, report)
            if options["scale"] == "large":
                demo.seed_large(
                    committees=options["committees"],
                    members=options["members"],
                    password_hash=password_hash,
                    report=report,
                )
            # Bulk-created committees and members skip the models' signals.
            search.reindex_all()
        self.stdout.write(report.summary())
        if options["scale"] == "large":
            elapsed = time.monotonic() - started
            self.stdout.write(f"Seeded in {elapsed:.1f} s.")
        self.stdout.write("Run `manage.py demo_logins` to see how to log in.")
