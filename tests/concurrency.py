"""Many people (or one impatient person) hitting the same row at the same moment: real
threads with their own database connections, on a SQLite file (writers serialised by
IMMEDIATE transactions) or on PostgreSQL (truly concurrent).

Use it with ``pytest.mark.django_db(transaction=True)`` and
``pytest.mark.usefixtures(database_file_for_sqlite.__name__)`` (import the fixture)."""

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

THREADS = 24


@pytest.fixture
def database_file_for_sqlite(tmp_path: Path) -> Iterator[None]:
    """Run on a SQLite file, as a real SQLite deployment does.

    The test database is an in-memory, shared-cache SQLite database: there, a writer that
    meets another one gets "database table is locked" at once, ignoring the busy timeout
    that makes IMMEDIATE transactions wait their turn in a file database. The in-memory
    database is copied to a file for the test and kept alive (and untouched) meanwhile."""
    settings_dict = connection.settings_dict
    memory_name = str(settings_dict["NAME"])
    if connection.vendor != "sqlite" or "mode=memory" not in memory_name:
        yield
        return
    connection.ensure_connection()
    keep_alive = sqlite3.connect(memory_name, uri=True)
    database_file = tmp_path / "concurrency.sqlite3"
    with closing(sqlite3.connect(database_file)) as target:
        keep_alive.backup(target)
    settings_dict["NAME"] = str(database_file)
    connection.close()  # now a file database: really closes the in-memory connection
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # reopened before the last one closes
        keep_alive.close()


def run_at_once(action: Callable[[int], str], threads: int = THREADS) -> Counter[str]:
    """Run ``action(n)`` for n in range(threads), in threads released together; count
    what they return (an exception counts as its name and message, so an unexpected one
    fails the test's comparison)."""
    barrier = threading.Barrier(threads)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcome = action(number)
        except Exception as error:  # reported, so an unexpected one fails the test
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    started = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    return outcomes
