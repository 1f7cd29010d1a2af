"""A signature and its confirmation task: one statement with PostgreSQL and the database
queue, the ORM's transaction elsewhere; the same rows either way."""

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from colombe.petitions import crypto, services
from colombe.petitions.models import Signature
from colombe.petitions.tests.services_helpers import DATABASE_TASKS, make_petition, sign

pytestmark = pytest.mark.django_db


@override_settings(TASKS=DATABASE_TASKS)
def test_the_signature_and_its_task_go_in_one_statement_with_postgresql() -> None:
    petition = make_petition()
    with CaptureQueriesContext(connection) as queries:
        result = sign(petition, language="en")

    # The test runs in a transaction: the savepoint that keeps it usable is not counted.
    statements = [
        query["sql"] for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    inserts = [sql for sql in statements if "INSERT" in sql]
    if connection.vendor == "postgresql":
        assert len(statements) == 1 and inserts[0].startswith("WITH new_signature AS (INSERT")
    else:  # the ORM: one INSERT per row, in one transaction
        assert len(inserts) == 2
    signature = Signature.objects.get()
    assert result.signature.pk == signature.pk
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "colombe.petitions.tasks.send_confirmation_email"
    assert queued.status == "READY" and queued.queue_name == "default"
    signature_id, sealed_token, language = queued.args_kwargs["args"]
    assert (signature_id, language) == (signature.pk, "en")
    assert crypto.unseal(sealed_token) == result.token
    assert crypto.decrypt_email(signature.email_encrypted) == "claire@example.org"


@override_settings(TASKS=DATABASE_TASKS)
def test_the_values_travel_apart_from_the_statement() -> None:
    """With PostgreSQL they are bound by the server: the statement's text is the same for
    every signature (writing the values into it was a twentieth of a signature's CPU)."""
    petition = make_petition()
    with CaptureQueriesContext(connection) as queries:
        sign(petition, last_name="Dupont-Unique")
    assert Signature.objects.get().last_name == "Dupont-Unique"
    if connection.vendor == "postgresql":
        (insert,) = [query["sql"] for query in queries if query["sql"].startswith("WITH")]
        assert "$1" in insert
        assert "Dupont-Unique" not in insert


@override_settings(TASKS=DATABASE_TASKS)
def test_a_duplicate_inside_a_transaction_leaves_the_transaction_usable() -> None:
    petition = make_petition()
    with transaction.atomic():
        sign(petition)
        with pytest.raises(services.AlreadySigned):
            sign(petition, email="CLAIRE@example.org")
        assert Signature.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
