"""The sharded counter equals the real count, stays fresh, and can be reconciled."""

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import F

from colombe.petitions import counters, services
from colombe.petitions.models import CounterShard, Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition, sign

pytestmark = pytest.mark.django_db


def confirm_many(petition: Petition, how_many: int) -> None:
    for number in range(how_many):
        services.confirm(sign(petition, email=f"signer{number}@example.org").token)


def test_counter_equals_the_real_count_after_many_confirmations() -> None:
    petition = make_petition()
    confirm_many(petition, 60)
    sign(petition, email="pending@example.org")

    assert services.signature_count(petition) == 60
    assert Signature.objects.filter(status=Signature.Status.CONFIRMED).count() == 60
    assert services.reconcile_counter(petition) == (60, 60)


def test_confirmations_spread_over_several_shards() -> None:
    petition = make_petition()
    confirm_many(petition, 40)

    shards = CounterShard.objects.filter(petition=petition)
    assert shards.count() == CounterShard.SHARDS
    assert shards.filter(confirmed__gt=0).count() > 1  # 40 draws all in one shard: ~1e-46


def test_reconcile_fixes_a_corrupted_shard() -> None:
    petition = make_petition()
    confirm_many(petition, 5)
    shard = CounterShard.objects.filter(petition=petition).order_by("shard").first()
    assert shard is not None
    CounterShard.objects.filter(pk=shard.pk).update(confirmed=shard.confirmed + 1000)
    cache.clear()
    assert services.signature_count(petition) == 1005

    assert services.reconcile_counter(petition) == (1005, 5)

    assert services.signature_count(petition) == 5
    assert counters.shard_total(petition.pk) == 5
    assert services.reconcile_counter(petition) == (5, 5)


def test_reconcile_creates_missing_shards() -> None:
    petition = make_petition()
    confirm_many(petition, 3)
    CounterShard.objects.all().delete()

    assert services.reconcile_counter(petition) == (0, 3)
    assert CounterShard.objects.filter(petition=petition).count() == CounterShard.SHARDS
    assert services.signature_count(petition) == 3


def test_count_is_cached_and_fresh_within_two_seconds() -> None:
    petition = make_petition()
    confirm_many(petition, 2)
    assert services.signature_count(petition) == 2

    # A confirmation in another process (another gunicorn worker, per-process cache).
    CounterShard.objects.filter(petition=petition, shard=0).update(confirmed=F("confirmed") + 1)
    assert services.signature_count(petition) == 2  # served from the cache

    time.sleep(counters.CACHE_SECONDS + 0.2)
    assert services.signature_count(petition) == 3


def test_a_confirmation_in_this_process_is_seen_at_once() -> None:
    petition = make_petition()
    assert services.signature_count(petition) == 0
    services.confirm(sign(petition).token)
    assert services.signature_count(petition) == 1


def test_counters_are_per_petition() -> None:
    first, second = make_petition(), make_petition()
    confirm_many(first, 3)
    assert services.signature_count(second) == 0
    assert services.signature_count(first) == 3


def test_counts_of_several_petitions_in_one_query(django_assert_max_num_queries: Any) -> None:
    petitions = [make_petition() for _ in range(3)]
    confirm_many(petitions[0], 2)
    services.confirm(sign(petitions[2], email="x@example.org").token)
    cache.clear()

    with django_assert_max_num_queries(1):
        counts = services.signature_counts(petitions)
    assert counts == {petitions[0].pk: 2, petitions[1].pk: 0, petitions[2].pk: 1}
    with django_assert_max_num_queries(0):
        assert services.signature_counts(petitions) == counts
    assert services.signature_count(petitions[0]) == 2
