"""Emails go through the database task backend: a task commits with the data that caused
it, disappears with a rolled-back transaction, and the worker sends it exactly once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from colombe.core.audit import log_action
from colombe.core.models import AuditEntry
from colombe.core.tasks import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def do_action_with_email() -> None:
    log_action(None, "core.test.done")
    send_email.enqueue(to=["bob@example.org"], subject="Bonjour", body="Un message.")


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@override_settings(TASKS=DATABASE_TASKS)
def test_task_rolled_back_with_its_transaction_is_never_sent() -> None:
    with pytest.raises(Rollback), transaction.atomic():
        do_action_with_email()
        raise Rollback
    assert not AuditEntry.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


@override_settings(TASKS=DATABASE_TASKS)
def test_committed_task_is_sent_once_by_the_worker() -> None:
    with transaction.atomic():
        do_action_with_email()
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.org"]
    assert mail.outbox[0].subject == "Bonjour"
