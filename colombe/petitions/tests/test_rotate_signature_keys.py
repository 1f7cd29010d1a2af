"""``manage.py rotate_signature_keys``: every address re-encrypted with the newest key."""

from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from colombe.petitions import crypto, services
from colombe.petitions.models import Signature
from colombe.petitions.tests.services_helpers import make_petition, sign

pytestmark = pytest.mark.django_db


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_signature_keys", *args, stdout=out)
    return out.getvalue()


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_addresses_are_readable_with_the_new_key_alone_after_rotation(settings: Any) -> None:
    old_key = new_key()
    settings.COLOMBE_SIGNATURE_KEYS = [old_key]
    petition = make_petition()
    for number in range(5):
        sign(petition, email=f"signataire{number}@example.org")
    withdrawn = sign(petition, email="parti@example.org")
    services.withdraw(withdrawn.token)
    key = new_key()
    settings.COLOMBE_SIGNATURE_KEYS = [key, old_key]

    output = rotate("--batch-size", "2")

    assert "5 addresses re-encrypted with the newest key." in output
    settings.COLOMBE_SIGNATURE_KEYS = [key]
    addresses = {
        crypto.decrypt_email(token)
        for token in Signature.objects.values_list("email_encrypted", flat=True)
    }
    assert addresses == {"", *(f"signataire{number}@example.org" for number in range(5))}


def test_an_address_under_a_removed_key_is_reported_and_left_alone(settings: Any) -> None:
    lost_key = new_key()
    settings.COLOMBE_SIGNATURE_KEYS = [lost_key]
    petition = make_petition()
    lost = sign(petition, email="perdu@example.org").signature
    key = new_key()
    settings.COLOMBE_SIGNATURE_KEYS = [key]
    kept = sign(petition, email="garde@example.org").signature

    with pytest.raises(CommandError, match="1 addresses could not be decrypted"):
        rotate()

    lost.refresh_from_db()
    settings.COLOMBE_SIGNATURE_KEYS = [lost_key]
    assert crypto.decrypt_email(lost.email_encrypted) == "perdu@example.org"
    settings.COLOMBE_SIGNATURE_KEYS = [key]
    kept.refresh_from_db()
    assert crypto.decrypt_email(kept.email_encrypted) == "garde@example.org"


def test_running_it_twice_is_harmless() -> None:
    petition = make_petition()
    sign(petition, email="claire@example.org")

    rotate()
    assert "1 addresses re-encrypted" in rotate()

    token = Signature.objects.get().email_encrypted
    assert crypto.decrypt_email(token) == "claire@example.org"
