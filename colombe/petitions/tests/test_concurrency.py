"""Many people (or one impatient person) hitting the same row at the same moment.

Real threads with their own database connections, on SQLite (writers serialised by
IMMEDIATE transactions) and on PostgreSQL (truly concurrent): the unique constraint and
the conditional updates must hold in both."""

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_file_for_sqlite"),
]

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


def run_at_once(action: Callable[[int], str]) -> Counter[str]:
    """Run ``action(n)`` in THREADS threads released together; count what they return."""
    barrier = threading.Barrier(THREADS)
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

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def sign_as(petition: Petition, email: str) -> str:
    try:
        services.sign(petition=petition, first_name="Claire", last_name="Dupont", email=email)
    except services.AlreadySigned:
        return "already signed"
    return "signed"


def test_same_email_signing_at_once_gives_exactly_one_row() -> None:
    petition = make_petition()
    # Different spellings of one mailbox, all arriving together.
    spellings = ["claire@example.org", "Claire@Example.org", "claire+x@example.org"]

    outcomes = run_at_once(lambda n: sign_as(petition, spellings[n % len(spellings)]))

    assert outcomes == {"signed": 1, "already signed": THREADS - 1}
    assert Signature.objects.filter(petition=petition).count() == 1
    assert len(mail.outbox) == 1


def test_different_emails_signing_at_once_are_all_kept() -> None:
    petition = make_petition()

    outcomes = run_at_once(lambda n: sign_as(petition, f"signer{n}@example.org"))

    assert outcomes == {"signed": THREADS}
    assert Signature.objects.filter(petition=petition).count() == THREADS


def test_same_token_confirmed_at_once_counts_once() -> None:
    petition = make_petition()
    token = services.sign(
        petition=petition, first_name="Claire", last_name="Dupont", email="claire@example.org"
    ).token

    outcomes = run_at_once(lambda n: services.confirm(token).status)

    assert outcomes == {Signature.Status.CONFIRMED: THREADS}
    assert services.reconcile_counter(petition) == (1, 1)


def test_many_confirmations_at_once_keep_the_counter_exact() -> None:
    petition = make_petition()
    tokens = [
        services.sign(
            petition=petition, first_name="A", last_name="B", email=f"s{n}@example.org"
        ).token
        for n in range(THREADS)
    ]

    outcomes = run_at_once(lambda n: services.confirm(tokens[n]).status)

    assert outcomes == {Signature.Status.CONFIRMED: THREADS}
    assert services.reconcile_counter(petition) == (THREADS, THREADS)
