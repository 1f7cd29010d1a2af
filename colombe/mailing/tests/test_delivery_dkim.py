"""DKIM signatures made with `cryptography` must be the ones dkimpy would make: dkimpy's
own ``verify`` accepts them, and rejects them once the message is altered."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from colombe.mailing.compose import compose
from colombe.mailing.dkim_signing import (
    DkimSigner,
    dns_record_value,
    generate_private_key,
    load_private_key,
    private_key_pem,
)
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.mailing.worker import deliver_pending
from tests.smtp_sink import SmtpSink

DOMAIN = "colombe.example"
SELECTOR = "mail2026"
MESSAGE = (
    b"From: =?utf-8?q?Secr=C3=A9tariat?= <national@colombe.example>\r\n"
    b"To: bob@example.org\r\n"
    b"Subject: Circulaire urgente\r\n"
    b"Date: Thu, 26 Nov 2026 20:00:00 +0000\r\n"
    b"Message-ID: <abc@colombe.example>\r\n"
    b"List-Unsubscribe: <https://colombe.example/u/x>\r\n"
    b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: text/plain; charset="utf-8"\r\n'
    b"\r\n"
    b"Bonjour Bob,\r\n\r\nR=C3=A9union =C3=A0 18 h.\r\n"
)
DnsFunc = Callable[..., bytes | None]


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return generate_private_key()


def dns_for(key: rsa.RSAPrivateKey, domain: str = DOMAIN, selector: str = SELECTOR) -> DnsFunc:
    """What DNS would answer once the record printed by dkim_keygen is published."""
    record = dns_record_value(key).encode()

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == f"{selector}._domainkey.{domain}.".encode() else None

    return lookup


def signed(key: rsa.RSAPrivateKey, message: bytes = MESSAGE) -> bytes:
    return DkimSigner(DOMAIN, SELECTOR, key).sign(message)


def test_dkimpy_verifies_the_signature(private_key: rsa.RSAPrivateKey) -> None:
    assert dkim.verify(signed(private_key), dnsfunc=dns_for(private_key))


def test_altered_body_fails(private_key: rsa.RSAPrivateKey) -> None:
    tampered = signed(private_key).replace(b"18 h", b"20 h")
    assert not dkim.verify(tampered, dnsfunc=dns_for(private_key))


@pytest.mark.parametrize(
    ("original", "replacement"),
    [
        (b"Subject: Circulaire urgente", b"Subject: Circulaire annulee"),
        (b"To: bob@example.org", b"To: eve@example.org"),
        (b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: x"),
    ],
)
def test_altered_signed_header_fails(
    private_key: rsa.RSAPrivateKey, original: bytes, replacement: bytes
) -> None:
    tampered = signed(private_key).replace(original, replacement)
    assert tampered != signed(private_key)
    assert not dkim.verify(tampered, dnsfunc=dns_for(private_key))


def test_an_added_second_subject_fails(private_key: rsa.RSAPrivateKey) -> None:
    tampered = signed(private_key).replace(
        b"MIME-Version", b"Subject: Fake news\r\nMIME-Version", 1
    )
    assert not dkim.verify(tampered, dnsfunc=dns_for(private_key))


def test_another_key_fails(private_key: rsa.RSAPrivateKey) -> None:
    assert not dkim.verify(signed(private_key), dnsfunc=dns_for(generate_private_key()))


def test_relaxed_canonicalisation_tolerates_refolding(private_key: rsa.RSAPrivateKey) -> None:
    # A relay may refold headers and change whitespace: relaxed/relaxed still verifies.
    refolded = signed(private_key).replace(
        b"Subject: Circulaire urgente", b"Subject: Circulaire\r\n  urgente"
    )
    assert dkim.verify(refolded, dnsfunc=dns_for(private_key))


def test_signed_headers_include_one_click_unsubscribe(private_key: rsa.RSAPrivateKey) -> None:
    header = DkimSigner(DOMAIN, SELECTOR, private_key).signature_header(MESSAGE)
    tags = dict(
        tag.strip().split("=", 1)
        for tag in header.decode().split(":", 1)[1].replace("\r\n", "").split(";")
    )
    signed_names = {name.strip() for name in tags["h"].split(":")}
    assert {"from", "to", "subject", "date", "message-id", "list-unsubscribe"} <= signed_names
    assert "list-unsubscribe-post" in signed_names
    assert (tags["d"], tags["s"], tags["c"]) == (DOMAIN, SELECTOR, "relaxed/relaxed")


def test_signature_matches_what_dkimpy_itself_computes(private_key: rsa.RSAPrivateKey) -> None:
    """RSASSA-PKCS1-v1_5 is deterministic: with the same tags, dkimpy's pure-Python
    signature and ours are the same bytes."""
    ours = DkimSigner(DOMAIN, SELECTOR, private_key).signature_header(MESSAGE, timestamp=1)
    included = [
        part.strip()
        for part in ours.decode().split("h=")[1].split(";")[0].replace("\r\n", "").split(":")
    ]
    signer = dkim.DKIM(MESSAGE)
    original_time = dkim.time.time
    dkim.time.time = lambda: 1  # dkimpy stamps t= with the clock
    try:
        theirs = signer.sign(
            SELECTOR.encode(),
            DOMAIN.encode(),
            private_key_pem(private_key),
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=[name.encode() for name in included],
        )
    finally:
        dkim.time.time = original_time
    assert ours == theirs


@pytest.mark.django_db
def test_composed_messages_are_signed_when_a_key_is_configured(
    private_key: rsa.RSAPrivateKey, tmp_path: Path, settings: Any
) -> None:
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(private_key_pem(private_key))
    settings.DKIM_PRIVATE_KEY_FILE = str(key_file)
    settings.DKIM_DOMAIN = DOMAIN
    settings.DKIM_SELECTOR = SELECTOR
    enqueue(
        [
            OutgoingEmail(
                key="dkim:1",
                to="bob@example.org",
                subject="Réunion d'été",
                body_text="Bonjour " * 100,
                body_html="<p>Bonjour</p>",
                category=OutboxMessage.Category.CIRCULAR,
            )
        ]
    )
    raw = compose(OutboxMessage.objects.get(key="dkim:1")).message

    assert raw.startswith(b"DKIM-Signature: ")
    assert dkim.verify(raw, dnsfunc=dns_for(private_key))


@pytest.mark.django_db
def test_no_key_means_unsigned(settings: Any) -> None:
    settings.DKIM_PRIVATE_KEY_FILE = ""
    enqueue(
        [
            OutgoingEmail(
                key="dkim:2", to="bob@example.org", subject="s", body_text="b", category="notice"
            )
        ]
    )
    assert b"DKIM-Signature" not in compose(OutboxMessage.objects.get(key="dkim:2")).message


@pytest.mark.django_db
def test_signature_survives_delivery_to_the_sink(
    private_key: rsa.RSAPrivateKey, tmp_path: Path, settings: Any, smtp_sink: SmtpSink
) -> None:
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(private_key_pem(private_key))
    settings.DKIM_PRIVATE_KEY_FILE = str(key_file)
    settings.DKIM_DOMAIN = DOMAIN
    settings.DKIM_SELECTOR = SELECTOR
    enqueue(
        [
            OutgoingEmail(
                key="dkim:3",
                to="bob@example.org",
                subject="Réunion",
                body_text=".un point en début de ligne\nBonjour\n",
                category=OutboxMessage.Category.CIRCULAR,
                headers={"List-Unsubscribe": "<https://colombe.example/u/1>"},
            )
        ]
    )
    assert deliver_pending() == 1

    (received,) = smtp_sink.messages
    assert received.has_dkim_signature
    assert dkim.verify(received.raw, dnsfunc=dns_for(private_key))


def test_dkim_keygen_writes_a_key_under_var_and_prints_the_record(
    tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    call_command("dkim_keygen", selector="s2026", domain=DOMAIN)

    key_file = tmp_path / "var" / "dkim" / "s2026.pem"
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    key = load_private_key(key_file.read_bytes())
    output = capsys.readouterr().out
    record_line = next(line for line in output.splitlines() if "IN TXT" in line)
    assert record_line.startswith(f"s2026._domainkey.{DOMAIN}. IN TXT ( ")
    published = "".join(part for part in record_line.split('"')[1::2])
    assert published == dns_record_value(key)
    assert f"DKIM_PRIVATE_KEY_FILE={key_file.resolve()}" in output
    # The printed record verifies what the written key signs.
    message = DkimSigner(DOMAIN, "s2026", key).sign(MESSAGE)
    assert dkim.verify(message, dnsfunc=dns_for(key, selector="s2026"))


def test_dkim_keygen_refuses_to_overwrite_or_write_into_the_repository(
    tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    call_command("dkim_keygen", selector="s1")
    with pytest.raises(CommandError, match="exists"):
        call_command("dkim_keygen", selector="s1")
    inside = Path(settings.BASE_DIR) / "colombe" / "dkim.pem"
    with pytest.raises(CommandError, match="inside the repository"):
        call_command("dkim_keygen", selector="s1", output=inside)
    assert not inside.exists()
