"""Signing: one pending row per mailbox, stored encrypted, with its confirmation email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from colombe.petitions import crypto, services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import links_in_last_email, make_petition, sign

pytestmark = pytest.mark.django_db


def test_sign_stores_a_pending_signature_and_emails_the_confirmation_link() -> None:
    petition = make_petition()
    result = sign(petition, postcode="69003", town="Lyon", source="mastodon")

    signature = Signature.objects.get()
    assert signature.pk == result.signature.pk
    assert signature.status == Signature.Status.PENDING
    assert (signature.first_name, signature.town, signature.department) == ("Claire", "Lyon", "69")
    assert signature.source == "mastodon"
    assert signature.token_hash == services.token_hash(result.token)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire@example.org"]
    assert "Pour la paix" in mail.outbox[0].subject
    assert links_in_last_email() == {"confirm": result.token, "withdraw": result.token}
    assert mail.outbox[0].body.count("http://127.0.0.1:8000/petitions/confirmer/") == 1


def test_email_is_encrypted_at_rest() -> None:
    petition = make_petition()
    sign(petition, email="Claire.Secret+petition@example.org")

    row = Signature.objects.values().get()
    stored = " ".join(str(value) for value in row.values()).lower()
    assert "claire.secret" not in stored
    assert "example.org" not in stored
    signature = Signature.objects.get()
    assert crypto.decrypt_email(signature.email_encrypted) == "Claire.Secret+petition@example.org"
    assert signature.email_hash == crypto.email_hash("claire.secret@example.org")


@pytest.mark.parametrize(
    "second",
    [
        "CLAIRE@Example.org",
        "claire+peace@example.org",
        " claire@example.org ",
    ],
)
def test_same_mailbox_signing_twice_is_already_signed(second: str) -> None:
    petition = make_petition()
    sign(petition, email="claire@example.org")

    with pytest.raises(services.AlreadySigned):
        sign(petition, email=second, first_name="Autre")
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Claire"


@pytest.mark.parametrize("second", ["j.ean.dupont@googlemail.com", "JeanDupont+x@gmail.com"])
def test_gmail_dots_and_googlemail_are_the_same_mailbox(second: str) -> None:
    petition = make_petition()
    sign(petition, email="jean.dupont@gmail.com")

    with pytest.raises(services.AlreadySigned):
        sign(petition, email=second)
    assert Signature.objects.count() == 1


def test_dots_matter_for_other_providers() -> None:
    petition = make_petition()
    sign(petition, email="jean.dupont@example.org")
    sign(petition, email="jeandupont@example.org")
    assert Signature.objects.count() == 2


def test_same_email_may_sign_two_petitions() -> None:
    sign(make_petition())
    sign(make_petition())
    assert Signature.objects.count() == 2


def test_database_constraint_refuses_a_second_row_for_the_same_hash() -> None:
    petition = make_petition()
    sign(petition)
    duplicate = Signature(
        petition=petition,
        first_name="X",
        last_name="Y",
        email_hash=crypto.email_hash("claire@example.org"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_signing_again_while_pending_resends_the_confirmation_at_most_every_ten_minutes() -> None:
    petition = make_petition()
    first = sign(petition)

    with pytest.raises(services.AlreadySigned) as again:
        sign(petition)
    assert again.value.resent is False
    assert len(mail.outbox) == 1

    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(services.AlreadySigned) as later:
        sign(petition, email="Claire@example.org")
    assert later.value.resent is True
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["claire@example.org"]  # the address first given
    new_token = links_in_last_email()["confirm"]
    assert new_token != first.token

    with pytest.raises(services.AlreadySigned) as third:
        sign(petition)
    assert third.value.resent is False
    assert len(mail.outbox) == 2
    # The newest link confirms; the replaced one no longer does.
    with pytest.raises(services.InvalidToken):
        services.confirm(first.token)
    assert services.confirm(new_token).status == Signature.Status.CONFIRMED


def test_signing_again_once_confirmed_sends_nothing() -> None:
    petition = make_petition()
    result = sign(petition)
    services.confirm(result.token)
    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(services.AlreadySigned) as again:
        sign(petition)
    assert again.value.resent is False
    assert len(mail.outbox) == 1


def test_already_signed_message_is_for_people() -> None:
    petition = make_petition()
    sign(petition)
    with translation.override("en"), pytest.raises(services.AlreadySigned) as again:
        sign(petition)
    assert again.value.message == "You have already signed this petition."


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Petition.Status.DRAFT},
        {"status": Petition.Status.CLOSED},
        {"ends_at": timezone.now() - timedelta(minutes=1)},
        {"starts_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "closed", "past-end", "not-yet-open"],
)
def test_petition_not_open_refuses_and_stores_nothing(fields: dict) -> None:
    petition = make_petition(**fields)
    with pytest.raises(services.PetitionClosed) as refused:
        sign(petition)
    assert refused.value.message
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_petition_open_between_its_dates_accepts_signatures() -> None:
    now = timezone.now()
    petition = make_petition(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    sign(petition)
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "not-an-address"},
        {"email": ""},
        {"first_name": " "},
        {"last_name": ""},
        {"last_name": "x" * 101},
        {"town": "x" * 101},
        {"postcode": "1" * 13},
        {"country": "France"},
    ],
)
def test_bad_input_is_refused_and_stores_nothing(fields: dict) -> None:
    petition = make_petition()
    with pytest.raises(services.PetitionError):
        sign(petition, **fields)
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_keep_informed_is_off_by_default() -> None:
    signature = sign(make_petition()).signature
    signature.refresh_from_db()
    assert signature.keep_informed is False
    assert signature.keep_informed_version is None
    assert signature.keep_informed_at is None


def test_keep_informed_records_the_wording_version_and_time() -> None:
    petition = make_petition(consent_version=3)
    before = timezone.now()
    signature = sign(petition, keep_informed=True).signature
    signature.refresh_from_db()
    assert signature.keep_informed is True
    assert signature.keep_informed_version == 3
    assert signature.keep_informed_at is not None
    assert before <= signature.keep_informed_at <= timezone.now()


def test_abroad_postcode_has_no_department() -> None:
    signature = sign(make_petition(), postcode="1000", country="be").signature
    assert signature.department == ""
    assert signature.country == "BE"
