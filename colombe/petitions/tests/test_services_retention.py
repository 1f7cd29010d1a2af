"""Unconfirmed signatures expire; signers are anonymised after the retention period."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition, sign

pytestmark = pytest.mark.django_db


def test_purge_deletes_only_expired_pending_signatures() -> None:
    petition = make_petition()
    old = timezone.now() - timedelta(days=8)
    expired = sign(petition, email="expired@example.org").signature
    recent = sign(petition, email="recent@example.org").signature
    confirmed_long_ago = sign(petition, email="confirmed@example.org")
    services.confirm(confirmed_long_ago.token)
    Signature.objects.filter(pk__in=[expired.pk, confirmed_long_ago.signature.pk]).update(
        created_at=old
    )

    assert services.purge_unconfirmed() == 1

    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, confirmed_long_ago.signature.pk}
    assert services.signature_count(petition) == 1


def test_purge_follows_the_confirmation_days_setting(settings: Any) -> None:
    petition = make_petition()
    sign(petition)
    Signature.objects.update(created_at=timezone.now() - timedelta(days=3))
    assert services.purge_unconfirmed() == 0
    settings.PETITION_CONFIRMATION_DAYS = 2
    assert services.purge_unconfirmed() == 1


def closed_petition(days_ago: int, retention_months: int = 6) -> Petition:
    petition = make_petition(retention_months=retention_months)
    for number in range(3):
        result = sign(
            petition,
            email=f"s{number}@example.org",
            postcode="69003",
            town="Lyon",
            comment="Oui",
            source="mastodon",
            keep_informed=True,
        )
        services.confirm(result.token)
    Petition.objects.filter(pk=petition.pk).update(
        status=Petition.Status.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago)
    )
    petition.refresh_from_db()
    return petition


def test_anonymise_only_petitions_past_their_retention() -> None:
    expired = closed_petition(days_ago=200)  # 6 months have passed
    recent = closed_petition(days_ago=150)  # not yet
    long_retention = closed_petition(days_ago=200, retention_months=12)
    still_open = make_petition()
    services.confirm(sign(still_open, email="open@example.org").token)
    Petition.objects.filter(pk=still_open.pk).update(
        published_at=timezone.now() - timedelta(days=900)
    )

    assert services.anonymise_expired() == 3

    assert not Signature.objects.filter(petition=expired).exclude(first_name="").exists()
    for kept in (recent, long_retention, still_open):
        assert not Signature.objects.filter(petition=kept, first_name="").exists()
    expired.refresh_from_db()
    assert expired.anonymised_at is not None
    assert services.anonymise_expired() == 0  # done once


def test_anonymised_signatures_keep_statistics_but_no_identity() -> None:
    petition = closed_petition(days_ago=200)
    confirmed_at = set(Signature.objects.values_list("confirmed_at", flat=True))

    services.anonymise_expired()

    for signature in Signature.objects.filter(petition=petition):
        assert (signature.first_name, signature.last_name, signature.email_encrypted) == (
            "",
            "",
            "",
        )
        assert (signature.postcode, signature.town, signature.comment) == ("", "", "")
        assert signature.token_hash is None and signature.identity_hash == ""
        assert signature.keep_informed is False
        assert signature.anonymised_at is not None
        assert signature.status == Signature.Status.CONFIRMED
        assert (signature.department, signature.source) == ("69", "mastodon")
    assert set(Signature.objects.values_list("confirmed_at", flat=True)) == confirmed_at
    hashes = list(Signature.objects.values_list("email_hash", flat=True))
    assert len(set(hashes)) == 3 and all(len(value) == 64 for value in hashes)
    assert services.reconcile_counter(petition) == (3, 3)


def test_add_months_clamps_to_the_end_of_month() -> None:
    start = timezone.now().replace(year=2026, month=8, day=31)
    assert services.add_months(start, 6).date().isoformat() == "2027-02-28"
    assert services.add_months(start, 1).date().isoformat() == "2026-09-30"
