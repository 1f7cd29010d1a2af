"""Many people (or one impatient person) hitting the same row at the same moment.

Real threads with their own database connections, on SQLite (writers serialised by
IMMEDIATE transactions) and on PostgreSQL (truly concurrent): the unique constraint and
the conditional updates must hold in both."""

import pytest
from django.core import mail

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition
from tests.concurrency import THREADS, database_file_for_sqlite, run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(database_file_for_sqlite.__name__),
]


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
