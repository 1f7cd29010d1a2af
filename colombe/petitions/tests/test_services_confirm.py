"""Confirming and withdrawing through the emailed token; latest public signers."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition, sign

pytestmark = pytest.mark.django_db


def test_confirm_counts_the_signature() -> None:
    petition = make_petition()
    result = sign(petition)
    assert services.signature_count(petition) == 0

    signature = services.confirm(result.token)

    assert signature.status == Signature.Status.CONFIRMED
    assert signature.confirmed_at is not None
    assert services.signature_count(petition) == 1


def test_confirm_twice_counts_once() -> None:
    petition = make_petition()
    result = sign(petition)
    services.confirm(result.token)
    first_confirmed_at = Signature.objects.get().confirmed_at

    again = services.confirm(result.token)

    assert again.status == Signature.Status.CONFIRMED
    assert again.confirmed_at == first_confirmed_at
    assert services.signature_count(petition) == 1
    assert services.reconcile_counter(petition) == (1, 1)


def flip_last_character(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "mangle", [flip_last_character, lambda token: "", lambda token: token + "x"]
)
def test_tampered_or_unknown_token_changes_nothing(mangle: Callable[[str], str]) -> None:
    petition = make_petition()
    result = sign(petition)
    tampered = mangle(result.token)

    with pytest.raises(services.InvalidToken) as refused:
        services.confirm(tampered)
    assert refused.value.message
    with pytest.raises(services.InvalidToken):
        services.withdraw(tampered)
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.first_name == "Claire"
    assert services.signature_count(petition) == 0


def test_expired_link_does_not_confirm() -> None:
    petition = make_petition()
    result = sign(petition)
    Signature.objects.update(created_at=timezone.now() - timedelta(days=8))

    with pytest.raises(services.InvalidToken):
        services.confirm(result.token)
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert services.signature_count(petition) == 0


def test_confirming_after_the_petition_closed_is_refused() -> None:
    petition = make_petition()
    result = sign(petition)
    Petition.objects.update(status=Petition.Status.CLOSED)

    with pytest.raises(services.PetitionClosed):
        services.confirm(result.token)
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_withdraw_a_confirmed_signature_uncounts_and_erases_it() -> None:
    petition = make_petition()
    result = sign(petition, postcode="69003", town="Lyon", comment="Pour mes enfants")
    services.confirm(result.token)
    sign(petition, email="other@example.org")  # pending: not counted
    assert services.signature_count(petition) == 1

    withdrawn = services.withdraw(result.token)

    withdrawn.refresh_from_db()
    assert withdrawn.status == Signature.Status.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    assert (withdrawn.first_name, withdrawn.last_name, withdrawn.town) == ("", "", "")
    assert (withdrawn.email_encrypted, withdrawn.postcode, withdrawn.comment) == ("", "", "")
    assert withdrawn.token_hash is None
    assert withdrawn.department == "69"  # kept for statistics
    assert services.signature_count(petition) == 0
    assert services.reconcile_counter(petition) == (0, 0)


def test_withdraw_twice_is_an_invalid_link() -> None:
    result = sign(make_petition())
    services.withdraw(result.token)
    with pytest.raises(services.InvalidToken):
        services.withdraw(result.token)
    with pytest.raises(services.InvalidToken):
        services.confirm(result.token)


def test_withdraw_a_pending_signature_does_not_touch_the_counter() -> None:
    petition = make_petition()
    services.confirm(sign(petition, email="a@example.org").token)
    pending = sign(petition, email="b@example.org")

    services.withdraw(pending.token)

    assert services.signature_count(petition) == 1
    assert services.reconcile_counter(petition) == (1, 1)


def test_after_withdrawing_one_may_sign_again() -> None:
    petition = make_petition()
    services.withdraw(sign(petition).token)
    sign(petition)
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 1


def test_latest_public_signers_shows_only_confirmed_signers_who_agreed() -> None:
    petition = make_petition()
    signers = [("Ana", "Lyon", True), ("Ben", "Brest", False), ("Chloé", "Pau", True)]
    for number, (name, town, public) in enumerate(signers):
        result = sign(
            petition,
            email=f"signer{number}@example.org",
            first_name=name,
            town=town,
            show_publicly=public,
        )
        services.confirm(result.token)
    sign(petition, email="dan@example.org", first_name="Dan", town="Nice", show_publicly=True)

    assert services.latest_public_signers(petition) == [("Chloé", "Pau"), ("Ana", "Lyon")]
    assert services.latest_public_signers(petition, limit=1) == [("Chloé", "Pau")]
