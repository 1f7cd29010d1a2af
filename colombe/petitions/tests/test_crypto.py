"""Canonical emails, keyed hashes and encryption at rest with key rotation."""

from typing import Any

import pytest
from cryptography.fernet import Fernet

from colombe.petitions import crypto


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("Claire@Example.ORG", "claire@example.org"),
        ("  claire@example.org ", "claire@example.org"),
        ("claire+petition@example.org", "claire@example.org"),
        ("claire+a+b@example.org", "claire@example.org"),
        ("jean.dupont@gmail.com", "jeandupont@gmail.com"),
        ("J.E.A.N.Dupont+paix@GMail.com", "jeandupont@gmail.com"),
        ("jean.dupont@googlemail.com", "jeandupont@gmail.com"),
        ("jean.dupont@example.org", "jean.dupont@example.org"),
    ],
)
def test_canonical_email(given: str, canonical: str) -> None:
    assert crypto.canonical_email(given) == canonical


def test_hash_is_the_same_for_one_mailbox_and_differs_between_mailboxes() -> None:
    assert crypto.email_hash("Jean.Dupont+x@googlemail.com") == crypto.email_hash(
        "jeandupont@gmail.com"
    )
    assert crypto.email_hash("jean@example.org") != crypto.email_hash("jeanne@example.org")


def test_hash_depends_on_the_key(settings: Any) -> None:
    before = crypto.email_hash("jean@example.org")
    settings.COLOMBE_EMAIL_HASH_KEY = "another-key-another-key-another-key"
    assert crypto.email_hash("jean@example.org") != before


def test_encrypted_address_does_not_contain_it() -> None:
    token = crypto.encrypt_email("jean.dupont@example.org")
    assert "jean" not in token
    assert "example" not in token
    assert crypto.decrypt_email(token) == "jean.dupont@example.org"


def test_old_key_still_decrypts_after_a_new_key_is_put_first(settings: Any) -> None:
    old_key = Fernet.generate_key().decode()
    settings.COLOMBE_SIGNATURE_KEYS = [old_key]
    token = crypto.encrypt_email("jean@example.org")

    settings.COLOMBE_SIGNATURE_KEYS = [Fernet.generate_key().decode(), old_key]
    assert crypto.decrypt_email(token) == "jean@example.org"

    rotated = crypto.rotate(token)
    settings.COLOMBE_SIGNATURE_KEYS = settings.COLOMBE_SIGNATURE_KEYS[:1]
    assert crypto.decrypt_email(rotated) == "jean@example.org"
    with pytest.raises(ValueError):
        crypto.decrypt_email(token)


def test_sealed_token_is_unreadable_and_round_trips() -> None:
    sealed = crypto.seal("abc-token-123")
    assert "abc-token-123" not in sealed
    assert crypto.unseal(sealed) == "abc-token-123"
