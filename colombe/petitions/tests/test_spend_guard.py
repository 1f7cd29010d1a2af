"""A signature spends its anti-robot proof only while the petition it was checked against
is current, in the same round trip to the cache (colombe.core.cache.add_while): a change
of the petition in between spends nothing, and the signature is checked again against
the current petition."""

import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from colombe.core.cache import Guard, GuardChanged, Hit, RedisCache, add_while
from colombe.petitions import altcha, public_cache, services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.public_helpers import english_client, signing_data, solved_altcha
from colombe.petitions.tests.services_helpers import make_petition
from tests.personas import World

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


def sign_url(petition: Petition) -> str:
    return reverse("petitions:sign", args=[petition.slug])


def kept_petition_and_visitor(world: World) -> tuple[Petition, Client]:
    """A published petition this process keeps from now on (a visitor has read it)."""
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    visitor.get(petition.get_absolute_url())
    return petition, visitor


@pytest.fixture
def redis_cache() -> Iterator[RedisCache]:
    # A prefix of its own: other processes may use this Redis.
    backend = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": f"colombe-test-guard-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["generation", "proof", "hits"])


def test_redis_adds_only_while_the_guard_holds(redis_cache: RedisCache) -> None:
    guard = Guard("generation", "abc123")
    assert redis_cache.add_while("proof", 1, 60, guard, []) == [-1]  # no guard yet
    assert redis_cache.get("proof") is None

    redis_cache.set("generation", "abc123", None)
    assert redis_cache.add_while("proof", 1, 60, guard, []) == [1]
    assert redis_cache.add_while("proof", 1, 60, guard, []) == [0]  # already there
    assert redis_cache.get("proof") == 1
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_and_validate_key("proof")) <= 60

    redis_cache.delete("proof")
    redis_cache.set("generation", "def456", None)
    assert redis_cache.add_while("proof", 1, 60, guard, []) == [-1]
    assert redis_cache.get("proof") is None
    assert redis_cache.add_while("proof", 1, 60, None, []) == [1]  # no guard to check


def test_redis_counts_the_hits_only_when_it_adds(redis_cache: RedisCache) -> None:
    redis_cache.set("generation", "abc123", None)
    guard = Guard("generation", "abc123")
    hits = [Hit("hits", 30)]
    assert redis_cache.add_while("proof", 1, 60, guard, hits) == [1, 1]
    assert redis_cache.add_while("proof", 1, 60, guard, hits) == [0]
    assert redis_cache.add_while("proof", 1, 60, Guard("generation", "old"), hits) == [-1]
    redis_cache.delete("proof")
    assert redis_cache.add_while("proof", 1, 60, guard, hits) == [1, 2]
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_and_validate_key("hits")) <= 30


@pytest.fixture
def redis_as_the_cache(settings: Any) -> Iterator[None]:
    """The production cache backend on the real Redis, for whole requests."""
    prefix = f"colombe-test-guard-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "colombe.core.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    public_cache._petitions.clear()  # kept petitions are checked against this cache
    yield
    public_cache._petitions.clear()
    client = cast(RedisCache, cache)._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_a_replayed_proof_counts_no_hit_on_redis(redis_as_the_cache: None) -> None:
    first, replay = [Hit("hits", 30)], [Hit("hits", 30)]
    assert add_while("proof", 1, 60, None, first) is True
    assert add_while("proof", 1, 60, None, replay) is False
    assert (first[0].count, replay[0].count) == (1, 0)
    assert cache.get("hits") == 1


@pytest.mark.django_db
def test_a_proof_posted_twice_is_refused_on_redis(world: World, redis_as_the_cache: None) -> None:
    """A double click, or a robot replaying a proof, with rate limits on: refused, not
    an error."""
    petition, visitor = kept_petition_and_visitor(world)
    data = signing_data(petition)

    assert visitor.post(sign_url(petition), data).status_code == 200
    data["email"] = "someone.else@example.org"
    replay = visitor.post(sign_url(petition), data)

    assert replay.status_code == 422
    assert "anti-robot check failed" in replay.content.decode()
    assert Signature.objects.count() == 1


def test_other_caches_give_the_same_answers() -> None:
    """Tests and development use the in-memory cache."""
    guard = Guard("p2-test:generation", "abc123")
    cache.delete_many(["p2-test:generation", "p2-test:proof", "p2-test:hits"])
    with pytest.raises(GuardChanged):
        add_while("p2-test:proof", 1, 60, guard)
    cache.set("p2-test:generation", "abc123")
    hits = [Hit("p2-test:hits", 30)]
    assert add_while("p2-test:proof", 1, 60, guard, hits) is True
    assert hits[0].count == 1
    assert add_while("p2-test:proof", 1, 60, guard, hits) is False
    assert cache.get("p2-test:hits") == 1  # counted only when added
    cache.set("p2-test:generation", "def456")
    cache.delete("p2-test:proof")
    with pytest.raises(GuardChanged):
        add_while("p2-test:proof", 1, 60, guard)
    assert cache.get("p2-test:proof") is None


def test_a_proof_is_not_spent_while_its_guard_does_not_hold() -> None:
    payload = solved_altcha()
    cache.set("p2-test:generation", "new")
    with pytest.raises(GuardChanged):
        altcha.verify_payload(payload, Guard("p2-test:generation", "old"))
    assert altcha.verify_payload(payload, Guard("p2-test:generation", "new")) is True
    assert altcha.verify_payload(payload) is False  # spent once, whichever way


@pytest.mark.django_db
def test_a_signature_to_a_kept_petition_asks_no_generation_apart(
    world: World, monkeypatch: Any
) -> None:
    petition, visitor = kept_petition_and_visitor(world)

    def unexpected(slug: str) -> None:
        raise AssertionError("the generation was read apart from the proof's spending")

    monkeypatch.setattr(public_cache, "current_generation", unexpected)
    response = visitor.post(sign_url(petition), signing_data(petition))

    assert response.status_code == 200
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_petition_changed_since_it_was_kept_is_signed_as_it_is_now(world: World) -> None:
    """The kept copy asked for a postcode, the current petition no longer does: the
    signature is checked again against it, and its proof spent once."""
    petition, visitor = kept_petition_and_visitor(world)
    data = signing_data(petition, postcode=None, town=None)  # invalid for the kept copy
    services.update_petition(actor=world.bob, petition=petition, collect_postcode=False)

    assert visitor.post(sign_url(petition), data).status_code == 200
    signature = Signature.objects.get()
    assert signature.postcode == ""

    data["email"] = "someone.else@example.org"
    replay = visitor.post(sign_url(petition), data)
    assert replay.status_code == 422
    assert "anti-robot check failed" in replay.content.decode()
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_valid_signature_to_a_petition_edited_since_it_was_kept_spends_its_proof_once(
    world: World, monkeypatch: Any
) -> None:
    petition, visitor = kept_petition_and_visitor(world)
    services.update_petition(actor=world.bob, petition=petition, title="Pour le désarmement")
    refused_guards = []
    verify = altcha.verify_payload

    def watched(payload: str, guard: Guard | None = None, hits: Any = None) -> bool:
        try:
            return verify(payload, guard, hits)
        except GuardChanged:
            refused_guards.append(guard)
            raise

    monkeypatch.setattr(altcha, "verify_payload", watched)
    data = signing_data(petition)
    response = visitor.post(sign_url(petition), data)

    assert response.status_code == 200
    assert len(refused_guards) == 1  # the kept copy's, then the current petition's
    assert Signature.objects.count() == 1
    data["email"] = "someone.else@example.org"
    assert visitor.post(sign_url(petition), data).status_code == 422
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_an_invalid_signature_to_a_petition_back_to_draft_answers_404(world: World) -> None:
    petition, visitor = kept_petition_and_visitor(world)
    petition.status = Petition.Status.DRAFT
    petition.save()

    invalid = signing_data(petition, email="not an address")
    spam = signing_data(petition, website="https://spam.example")
    assert visitor.post(sign_url(petition), invalid).status_code == 404
    assert visitor.post(sign_url(petition), spam).status_code == 404
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_an_invalid_signature_to_a_kept_petition_still_current_is_answered_once(
    world: World,
) -> None:
    petition, visitor = kept_petition_and_visitor(world)

    response = visitor.post(sign_url(petition), signing_data(petition, email="oops"))

    assert response.status_code == 422
    assert "valid email" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_domain_limit_counts_only_signatures_whose_proof_was_spent(
    world: World, settings: Any
) -> None:
    settings.PETITION_SIGNS_PER_DOMAIN_PER_MINUTE = 1
    petition, visitor = kept_petition_and_visitor(world)
    for invalid in (
        signing_data(petition, email="x@bots.example", first_name=""),  # a typo
        signing_data(petition, email="y@bots.example", altcha="garbage"),  # no proof
        signing_data(petition, email="z@bots.example", website="spam"),  # honeypot
    ):
        visitor.post(sign_url(petition), invalid)

    first = visitor.post(sign_url(petition), signing_data(petition, email="a@bots.example"))
    second = visitor.post(sign_url(petition), signing_data(petition, email="b@bots.example"))

    assert first.status_code == 200
    assert second.status_code == 429
    assert Signature.objects.count() == 1
