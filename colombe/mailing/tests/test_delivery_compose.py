"""The bytes on the wire for an outbox row, and the VERP return path."""

import email
import email.policy
from email.message import EmailMessage
from typing import Any

import pytest

from colombe.mailing.compose import compose, parse_verp, verp_address, verp_mac
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = "<https://colombe.example/u/abc>"


def make_row(**overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "key": "circular:7:user:3",
        "to": "bob@example.org",
        "subject": "Circulaire urgente : réunion d'été à Lyon",
        "body_text": "Bonjour Bob,\n\nRéunion à 18 h.\n",
        "category": OutboxMessage.Category.NEWSLETTER,
        "from_email": "Secrétariat national <national@colombe.example>",
        "reply_to": "Alice <alice@colombe.example>",
        "headers": {
            "List-Unsubscribe": UNSUBSCRIBE,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    fields.update(overrides)
    enqueue([OutgoingEmail(**fields)])
    return OutboxMessage.objects.get(key=fields["key"])


def text_of(part: Any) -> str:
    """Decoded content with Python line endings (the wire has CRLF)."""
    return str(part.get_content()).replace("\r\n", "\n")


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_headers_identify_the_message_and_its_people() -> None:
    row = make_row()
    message = parse(compose(row).message)

    assert message["From"] == "Secrétariat national <national@colombe.example>"
    assert message["To"] == "bob@example.org"
    assert message["Reply-To"] == "Alice <alice@colombe.example>"
    assert message["Subject"] == "Circulaire urgente : réunion d'été à Lyon"
    assert message["Message-ID"] == row.message_id
    assert message["Date"].datetime == row.created_at.replace(microsecond=0)
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_wire_format_is_seven_bit_with_crlf() -> None:
    raw = compose(make_row()).message

    raw.decode("ascii")  # non-ASCII subject and body are encoded (RFC 2047, QP)
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"From: =?utf-8?" in raw
    assert b"=?utf-8?" in raw.split(b"\r\nSubject: ")[1].split(b"\r\nDate: ")[0]
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_text_only_message() -> None:
    message = parse(compose(make_row()).message)

    assert message.get_content_type() == "text/plain"
    assert text_of(message) == "Bonjour Bob,\n\nRéunion à 18 h.\n"


def test_html_alternative() -> None:
    row = make_row(body_html="<p>Réunion à <strong>18 h</strong></p>")
    message = parse(compose(row).message)

    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "Réunion à 18 h." in plain.get_content()
    assert "<strong>18 h</strong>" in html.get_content()


def test_the_same_row_gives_the_same_bytes_on_every_attempt() -> None:
    row = make_row()
    first = compose(row)
    row.attempts = 3
    again = compose(OutboxMessage.objects.get(pk=row.pk))

    assert first == again


def test_extra_headers_cannot_change_recipient_or_identity() -> None:
    row = make_row(
        headers={
            "To": "eve@example.org",
            "Bcc": "eve@example.org",
            "Message-ID": "<forged@example.org>",
            "X-Colombe-Circular": "7",
        }
    )
    message = parse(compose(row).message)

    assert message.get_all("To") == ["bob@example.org"]
    assert message["Bcc"] is None
    assert message["Message-ID"] == row.message_id
    assert message["X-Colombe-Circular"] == "7"


def test_long_subject_is_folded_and_reads_back_whole() -> None:
    subject = "Compte rendu détaillé de la réunion nationale des comités " * 4
    raw = compose(make_row(subject=subject)).message
    header_lines = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert all(len(line) <= 78 for line in header_lines)
    assert parse(raw)["Subject"] == subject


def test_long_list_unsubscribe_is_folded_not_encoded() -> None:
    value = (
        "<https://colombe.example/listes/desinscription/" + "t" * 60 + "/>, "
        "<mailto:unsubscribe+" + "u" * 40 + "@colombe.example>"
    )
    raw = compose(make_row(headers={"List-Unsubscribe": value})).message
    header = raw.split(b"List-Unsubscribe: ")[1].split(b"\r\nMIME-Version")[0]
    assert b"=?" not in header
    assert b"\r\n " in header  # folded before the space
    assert parse(raw)["List-Unsubscribe"] == value


@pytest.mark.parametrize(
    "field",
    [
        {"subject": "Hello\r\nBcc: eve@example.org"},
        {"to": "bob@example.org\nBcc: eve@example.org"},
        {"headers": {"X-Note": "a\r\nBcc: eve@example.org"}},
        {"headers": {"X Bad: name": "value"}},
    ],
)
def test_header_injection_is_refused(field: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        compose(make_row(**field))


def test_long_lines_are_wrapped_by_quoted_printable() -> None:
    row = make_row(body_text="é" * 2000)
    raw = compose(row).message
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert text_of(parse(raw)).rstrip("\n") == "é" * 2000


def test_envelope_sender_is_a_verp_address_naming_the_row(settings: Any) -> None:
    settings.MAILING_DOMAIN = "colombe.example"
    row = make_row()
    envelope_from = compose(row).envelope_from

    assert envelope_from == f"bounces+{row.pk}-{verp_mac(row.pk)}@colombe.example"
    assert parse_verp(envelope_from) == row.pk


@pytest.mark.parametrize(
    "variant",
    [
        lambda address: f"<{address}>",
        lambda address: address.upper(),
        lambda address: f"  {address}\n",
    ],
)
def test_verp_round_trip_survives_what_servers_do_to_addresses(variant: Any) -> None:
    assert parse_verp(variant(verp_address(1234))) == 1234


def test_forged_verp_tokens_are_refused(settings: Any) -> None:
    good = verp_address(1234)
    local, domain = good.split("@")
    mac = verp_mac(1234)

    assert parse_verp(good.replace("1234-", "1235-")) is None  # someone else's row
    assert parse_verp(good.replace(mac, "0" * len(mac))) is None
    assert parse_verp(good.replace(mac, mac[:-1])) is None
    assert parse_verp(f"{local}@evil.example") is None
    assert parse_verp(f"other+1234-{mac}@{domain}") is None
    assert parse_verp("bob@example.org") is None
    assert parse_verp("") is None
    # The MAC depends on the secret key: a token from another installation is refused.
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert parse_verp(good) is None


def test_return_path_local_part_is_a_setting(settings: Any) -> None:
    settings.MAILING_RETURN_PATH_LOCAL_PART = "retours"
    address = verp_address(5)
    assert address.startswith("retours+5-")
    assert parse_verp(address) == 5
