"""Signers' email addresses: canonical form, keyed hash (for uniqueness) and encryption at
rest with key rotation. Signing a peace petition reveals a political opinion, which the
GDPR treats as special-category data: the database never holds a readable address."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Providers that ignore dots in the local part, so "a.b@gmail.com" is "ab@gmail.com".
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def canonical_email(email: str) -> str:
    """One spelling per mailbox: lower case, no "+tag", no dots where the provider
    ignores them."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def email_hash(email: str) -> str:
    """Keyed hash of the canonical address: equal for the same mailbox, useless to
    anyone without the key."""
    key = settings.COLOMBE_EMAIL_HASH_KEY.encode()
    return hmac.new(key, canonical_email(email).encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str) -> str:
    """The same keyed hash for other identifiers (paper signatures without an address)."""
    key = settings.COLOMBE_EMAIL_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.COLOMBE_SIGNATURE_KEYS))


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    """Built once per key list (every signature encrypts twice). The first key
    encrypts; every key decrypts, so old keys can be rotated out."""
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_email(email: str) -> str:
    return _fernet().encrypt(email.strip().encode()).decode()


def decrypt_email(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "This address was encrypted with a key that is no longer configured."
        ) from error


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (run after adding a key in front of the list)."""
    return _fernet().rotate(token.encode()).decode()


def seal(value: str) -> str:
    """Encrypt a short secret (a confirmation token) that must travel through a table
    anyone with database access can read, such as the task queue."""
    return _fernet().encrypt(value.encode()).decode()


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()
