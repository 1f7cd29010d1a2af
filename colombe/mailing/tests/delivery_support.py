"""Shared by the delivery tests: queueing messages the way circulars do, and running a
test on a database that other threads and processes can reach."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.db import connection

from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue


def outgoing(
    number: int,
    *,
    key_prefix: str = "test",
    priority: int = OutboxMessage.PRIORITY_NORMAL,
    subject: str = "Circulaire nationale",
    domain: str = "example.org",
) -> OutgoingEmail:
    return OutgoingEmail(
        key=f"{key_prefix}:{number}",
        to=f"relay{number}@{domain}",
        subject=subject,
        body_text=f"Bonjour relais {number},\n\nL'information nationale.\n",
        category=OutboxMessage.Category.CIRCULAR,
        priority=priority,
    )


def queue(
    count: int, *, key_prefix: str = "test", priority: int = OutboxMessage.PRIORITY_NORMAL
) -> list[OutboxMessage]:
    """Queue ``count`` messages (relay0@…, relay1@…) through the real enqueue API."""
    enqueue(outgoing(number, key_prefix=key_prefix, priority=priority) for number in range(count))
    rows = OutboxMessage.objects.filter(key__startswith=f"{key_prefix}:")
    return list(rows.order_by("id"))


@contextmanager
def database_reachable_from_elsewhere(tmp_path: Path) -> Iterator[str]:
    """Yields a DATABASE_URL for another process. PostgreSQL: the test database itself
    (the test must use ``transactional_db`` so that its rows are committed). SQLite: the
    test database is in memory (shared cache, which ignores the busy timeout other
    writers rely on), so it is copied to a file used for the rest of the test, and the
    in-memory one is put back afterwards (the same trick as the petitions' concurrency
    tests)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"]
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or 5432
        yield f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"
        return
    memory_name = str(settings_dict["NAME"])
    if "mode=memory" not in memory_name:
        yield f"sqlite:///{memory_name}"
        return
    connection.ensure_connection()
    keep_alive = sqlite3.connect(memory_name, uri=True)
    database_file = tmp_path / "delivery.sqlite3"
    with closing(sqlite3.connect(database_file)) as target:
        keep_alive.backup(target)
    settings_dict["NAME"] = str(database_file)
    connection.close()
    try:
        yield f"sqlite:///{database_file}"
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()
        keep_alive.close()
