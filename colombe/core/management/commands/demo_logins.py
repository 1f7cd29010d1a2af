"""``manage.py demo_logins``: where the demo runs and how each persona logs in."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from colombe.core import demo


class Command(BaseCommand):
    help = "Print the demo URL and the logins of the personas (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo.read_demo_password()
        if not password:
            raise CommandError("No demo password yet: run `manage.py seed_demo` first.")
        rows = [("Persona", "Email", "Role", "Password")]
        rows += [(p.name, p.email, p.role, password) for p in demo.PERSONAS]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write(f"Colombe demo: {settings.SITE_URL}\n")
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(
            f"\nEvery other demo account (…@{demo.DEMO_EMAIL_DOMAIN}) uses the same password, "
            f"kept in {demo.demo_password_path()}."
        )
        self.stdout.write(
            "Alice is a national administrator: at her first login she must set up an "
            "authenticator app (TOTP) before she can use the site."
        )
