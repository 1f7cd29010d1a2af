"""The signature counter of a petition, spread over CounterShard rows.

Thousands of confirmations a minute must not queue behind one row lock: each confirmation
adds to one shard chosen at random, readers add the shards up (and cache the sum for a
second), and a reconciliation recounts the real signatures when something went wrong."""

import logging
import random
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum

from colombe.petitions.models import CounterShard, Petition, Signature

logger = logging.getLogger(__name__)

# Visitors see a count at most this old; the issue asks for "fresh within 2 seconds".
CACHE_SECONDS = 1


def cache_key(petition_id: int) -> str:
    return f"petitions:signature-count:{petition_id}"


def ensure_shards(petition_id: int) -> None:
    """Create the petition's shards if missing; safe when two requests race to do it."""
    CounterShard.objects.bulk_create(
        [CounterShard(petition_id=petition_id, shard=n) for n in range(CounterShard.SHARDS)],
        ignore_conflicts=True,
    )


def add_to_counter(petition_id: int, delta: int) -> None:
    """Add ``delta`` (negative to remove) to one random shard, inside the caller's
    transaction, so the count changes exactly when the signature's status does."""
    shard = random.randrange(CounterShard.SHARDS)
    shards = CounterShard.objects.filter(petition_id=petition_id, shard=shard)
    if not shards.update(confirmed=F("confirmed") + delta):
        ensure_shards(petition_id)
        shards.update(confirmed=F("confirmed") + delta)
    forget_cached_count(petition_id)


def forget_cached_count(petition_id: int) -> None:
    """The signer's next page shows their signature. A reader may cache the old sum again
    before our transaction commits: it then lives CACHE_SECONDS at most. With a shared
    cache (Redis) every worker forgets at once; per-process caches catch up on expiry."""
    cache.delete(cache_key(petition_id))


def shard_total(petition_id: int) -> int:
    total = CounterShard.objects.filter(petition_id=petition_id).aggregate(total=Sum("confirmed"))
    return int(total["total"] or 0)


def signature_count(petition: Petition) -> int:
    """Confirmed signatures, as shown on public pages: at most CACHE_SECONDS old."""
    key = cache_key(petition.pk)
    count = cache.get(key)
    if count is None:
        count = shard_total(petition.pk)
        cache.set(key, count, CACHE_SECONDS)
    return int(count)


def signature_counts(petitions: Iterable[Petition]) -> dict[int, int]:
    """Counts of several petitions (a list page) in at most one query, cache first."""
    ids = [petition.pk for petition in petitions]
    cached = cache.get_many([cache_key(pk) for pk in ids])
    counts = {pk: int(cached[cache_key(pk)]) for pk in ids if cache_key(pk) in cached}
    missing = [pk for pk in ids if pk not in counts]
    if missing:
        totals = dict(
            CounterShard.objects.filter(petition_id__in=missing)
            .values("petition_id")
            .annotate(total=Sum("confirmed"))
            .values_list("petition_id", "total")
        )
        fresh = {pk: int(totals.get(pk) or 0) for pk in missing}
        cache.set_many({cache_key(pk): count for pk, count in fresh.items()}, CACHE_SECONDS)
        counts.update(fresh)
    return counts


def confirmed_signatures(petition_id: int) -> int:
    return Signature.objects.filter(
        petition_id=petition_id, status=Signature.Status.CONFIRMED
    ).count()


def reconcile_counter(petition: Petition) -> tuple[int, int]:
    """Recount the confirmed signatures and rewrite the shards if they disagree.

    The shards are locked before counting: a confirmation that has already added to a
    shard is waited for (and then counted), one that has not yet done so adds to the
    rewritten shards after us. Either way it is counted once."""
    with transaction.atomic():
        ensure_shards(petition.pk)
        shards = list(
            CounterShard.objects.select_for_update().filter(petition=petition).order_by("shard")
        )
        before = sum(shard.confirmed for shard in shards)
        after = confirmed_signatures(petition.pk)
        if before != after:
            logger.warning("Petition %s counter was %s, recounted %s.", petition.pk, before, after)
            CounterShard.objects.filter(petition=petition).exclude(shard=0).update(confirmed=0)
            CounterShard.objects.filter(petition=petition, shard=0).update(confirmed=after)
            forget_cached_count(petition.pk)
    return before, after
