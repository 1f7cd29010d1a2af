"""The secrets Colombe posts with (a Mastodon access token, a Bluesky app password),
encrypted at rest with keys of their own (``OUTREACH_SECRET_KEYS``): whoever reads a
database dump cannot post in the movement's name."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    # The first key encrypts; every key decrypts, so old keys can be rotated out.
    return MultiFernet([Fernet(key.encode()) for key in settings.OUTREACH_SECRET_KEYS])


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "This secret was encrypted with a key that is no longer configured."
        ) from error
