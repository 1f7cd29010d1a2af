"""The confirmation email travels through the database task queue, committed with the
signature; the maintenance tasks do their job."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from colombe.petitions import crypto, services, tasks
from colombe.petitions.models import CounterShard, Petition, Signature
from colombe.petitions.tests.services_helpers import (
    DATABASE_TASKS,
    links_in_last_email,
    make_petition,
    sign,
)


@override_settings(SITE_URL="https://colombe.example/")
def test_email_links_are_the_app_routes_on_the_site_address() -> None:
    links = tasks.confirmation_links("abc-123")

    assert links == {
        "confirm_url": "https://colombe.example/petitions/confirmer/abc-123/",
        "withdraw_url": "https://colombe.example/petitions/retirer/abc-123/",
    }


class Rollback(Exception):
    pass


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_confirmation_email_is_queued_with_the_signature_and_sent_once() -> None:
    petition = make_petition()
    result = sign(petition, email="Claire.Martin@example.org")

    assert Signature.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []  # not sent inside the request
    queued = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert "claire" not in queued.lower()
    assert result.token not in queued

    run_worker()
    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Claire.Martin@example.org"]
    assert links_in_last_email()["confirm"] == result.token


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_rolled_back_signature_leaves_no_task_and_no_row() -> None:
    petition = make_petition()
    with pytest.raises(Rollback), transaction.atomic():
        sign(petition)
        raise Rollback

    assert not Signature.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_duplicate_signature_queues_no_second_email() -> None:
    petition = make_petition()
    sign(petition)
    with pytest.raises(services.AlreadySigned):
        sign(petition)
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_confirmation_task_sends_nothing_once_confirmed() -> None:
    result = sign(make_petition())
    services.confirm(result.token)
    signature = Signature.objects.get()

    assert tasks.send_confirmation_email.call(signature.pk, crypto.seal(result.token), "fr") == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reconcile_counters_task_fixes_wrong_counters() -> None:
    good, bad = make_petition(), make_petition()
    for petition in (good, bad):
        services.confirm(sign(petition).token)
    CounterShard.objects.filter(petition=bad).update(confirmed=7)

    assert tasks.reconcile_counters.call() == 1

    assert services.reconcile_counter(bad) == (1, 1)
    assert services.reconcile_counter(good) == (1, 1)


@pytest.mark.django_db
def test_purge_and_anonymise_tasks() -> None:
    petition = make_petition()
    sign(petition)
    Signature.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert tasks.purge_unconfirmed_signatures.call() == 1

    services.confirm(sign(petition, email="b@example.org").token)
    Petition.objects.update(
        status=Petition.Status.CLOSED, closed_at=timezone.now() - timedelta(days=400)
    )
    assert tasks.anonymise_expired_petitions.call() == 1
    assert Signature.objects.get().first_name == ""
