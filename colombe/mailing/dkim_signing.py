"""DKIM signatures fast enough for mass mail.

dkimpy does RSA in pure Python: about 10 ms per RSA-2048 signature, so 10,000 messages
would cost 100 s of one core (docs/mailing-delivery.md). Here dkimpy still parses the
message, canonicalises it (relaxed/relaxed, RFC 6376 §3.4) and hashes the signed header
fields, exactly as ``dkim.DKIM.sign`` does, but the RSASSA-PKCS1-v1_5 signature of that
hash is made by the ``cryptography`` package (OpenSSL, about 0.5 ms). The tests check
that ``dkim.verify`` accepts the result.

No ``DKIM_PRIVATE_KEY_FILE`` means no signature: fine in development, or when the
outgoing MTA signs (OpenDKIM, rspamd)."""

import base64
import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from dkim.canonicalization import CanonicalizationPolicy

HEADER_NAME = b"DKIM-Signature"
CANONICALIZATION = b"relaxed/relaxed"
# What RFC 6376 §5.4.1 recommends, plus List-Unsubscribe-Post, which RFC 8058 requires
# to be covered by the signature for one-click unsubscribe.
SIGNED_HEADERS = frozenset(
    name.lower() for name in (*dkim.DKIM.SHOULD, b"list-unsubscribe-post", b"list-id")
)
# Signed once more than present, so nobody can add a second one without breaking it.
FROZEN_HEADERS = (b"from", b"subject", b"to", b"date", b"message-id")


@dataclass(frozen=True)
class DkimSigner:
    domain: str
    selector: str
    private_key: rsa.RSAPrivateKey

    def signature_header(self, message: bytes, timestamp: int | None = None) -> bytes:
        """The ``DKIM-Signature: ...\\r\\n`` line to put at the top of ``message``."""
        headers, body = dkim.rfc822_parse(message)
        policy = CanonicalizationPolicy.from_c_value(CANONICALIZATION)
        present = [name.lower() for name, _value in headers]
        include = [name for name in present if name in SIGNED_HEADERS]
        include += [name for name in FROZEN_HEADERS if name in present]
        domain = self.domain.encode()
        fields = [
            (b"v", b"1"),
            (b"a", b"rsa-sha256"),
            (b"c", CANONICALIZATION),
            (b"d", domain),
            (b"i", b"@" + domain),
            (b"q", b"dns/txt"),
            (b"s", self.selector.encode()),
            (b"t", str(timestamp or int(time.time())).encode()),
            (b"h", b" : ".join(include)),
            (b"bh", base64.b64encode(hashlib.sha256(policy.canonicalize_body(body)).digest())),
            # As dkimpy does: a placeholder long enough for b= to fold onto its own line,
            # so that folding after inserting the signature keeps the other tags in place.
            (b"b", b"0" * 60),
        ]
        unsigned = dkim.fold(_joined(fields), namelen=len(HEADER_NAME), linesep=b"\r\n")
        unsigned = dkim.RE_BTAG.sub(b"\\1", unsigned)
        hasher = hashlib.sha256()
        dkim.hash_headers(
            hasher,
            policy,
            policy.canonicalize_headers(headers),
            include,
            (HEADER_NAME, b" " + unsigned),
            dict(fields),
        )
        signature = self.private_key.sign(
            hasher.digest(), padding.PKCS1v15(), Prehashed(hashes.SHA256())
        )
        fields[-1] = (b"b", base64.b64encode(signature))
        value = dkim.fold(_joined(fields) + b"\r\n", namelen=len(HEADER_NAME), linesep=b"\r\n")
        return HEADER_NAME + b": " + value

    def sign(self, message: bytes) -> bytes:
        return self.signature_header(message) + message


def _joined(fields: list[tuple[bytes, bytes]]) -> bytes:
    return b"; ".join(name + b"=" + value for name, value in fields)


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("DKIM_PRIVATE_KEY_FILE must hold an RSA private key.")
    return key


def generate_private_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    # PKCS#1 ("BEGIN RSA PRIVATE KEY"): what OpenDKIM, rspamd and dkimpy read too.
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def dns_record_value(key: rsa.RSAPrivateKey) -> str:
    """The TXT record to publish at ``<selector>._domainkey.<domain>``."""
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"


@lru_cache(maxsize=4)
def _signer(path: str, modified: float, domain: str, selector: str) -> DkimSigner:
    del modified  # part of the cache key only: a replaced key file is read again
    return DkimSigner(domain, selector, load_private_key(Path(path).read_bytes()))


def configured_signer() -> DkimSigner | None:
    """The signer for the settings, or None when no key is configured."""
    path = settings.DKIM_PRIVATE_KEY_FILE
    if not path:
        return None
    try:
        modified = Path(path).stat().st_mtime
    except OSError as error:
        raise ImproperlyConfigured(f"DKIM_PRIVATE_KEY_FILE cannot be read: {error}") from error
    return _signer(path, modified, settings.DKIM_DOMAIN, settings.DKIM_SELECTOR)
