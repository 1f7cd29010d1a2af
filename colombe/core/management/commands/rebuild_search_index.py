"""``manage.py rebuild_search_index``: index every searchable object again, e.g. after
bulk imports that bypass the models' signals, or on an existing database."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from colombe.core.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the site search index from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = reindex_all()
        for kind, count in written.items():
            self.stdout.write(f"{kind}: {count}")
