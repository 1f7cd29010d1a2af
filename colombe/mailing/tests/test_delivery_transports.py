"""Contract of each mail transport: accept → return, 4xx → TemporaryFailure,
5xx → PermanentFailure, server unreachable → ConnectionFailure. The SMTP transport is
tested against the real aiosmtpd sink."""

import io
import smtplib
import socket
from typing import Any

import pytest
import requests
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from colombe.mailing.compose import verp_address
from colombe.mailing.transports import (
    ConnectionFailure,
    ConsoleTransport,
    DjangoBackendTransport,
    PermanentFailure,
    RecipientRefused,
    SmtpTransport,
    TemporaryFailure,
    classify_backend_error,
    transport_from_settings,
)
from tests.smtp_sink import SmtpSink

MESSAGE = (
    b"From: Colombe <noreply@colombe.localhost>\r\n"
    b"To: bob@example.org\r\n"
    b"Subject: =?utf-8?q?Circulaire_urgente_=C3=A9t=C3=A9?=\r\n"
    b"Message-ID: <abc@colombe.localhost>\r\n"
    b"List-Unsubscribe: <https://colombe.localhost/u/x>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n'
    b"\r\n"
    b"--b\r\n"
    b'Content-Type: text/plain; charset="utf-8"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"Bonjour =C3=A9t=C3=A9\r\n.Une ligne qui commence par un point.\r\n"
    b"--b\r\n"
    b'Content-Type: text/html; charset="utf-8"\r\n\r\n'
    b"<p>Bonjour</p>\r\n"
    b"--b--\r\n"
)
RETURN_PATH = "bounces+1-0123456789abcdef@colombe.localhost"


def smtp_transport(sink: SmtpSink) -> SmtpTransport:
    return SmtpTransport(sink.host, sink.port)


def test_smtp_delivers_the_exact_bytes_with_the_envelope(smtp_sink: SmtpSink) -> None:
    transport = smtp_transport(smtp_sink)
    transport.open()
    transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    transport.close()

    (received,) = smtp_sink.messages
    assert received.mail_from == RETURN_PATH
    assert received.recipients == ["bob@example.org"]
    # Dot-stuffing is undone by the server: the message arrives as composed.
    assert received.raw.replace(b"\r\n", b"\n") == MESSAGE.replace(b"\r\n", b"\n")
    assert received.message["Subject"] == "Circulaire urgente été"


def test_smtp_reuses_one_connection_for_many_messages(smtp_sink: SmtpSink) -> None:
    transport = smtp_transport(smtp_sink)
    transport.open()
    for number in range(5):
        transport.send(MESSAGE, RETURN_PATH, f"relay{number}@example.org")
    transport.close()

    assert smtp_sink.count == 5
    assert smtp_sink.sessions == 1


def test_smtp_4xx_is_temporary_and_the_connection_stays_usable(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse_temporarily("bob@example.org", times=1)
    transport = smtp_transport(smtp_sink)
    transport.open()
    with pytest.raises(TemporaryFailure, match="451") as caught:
        transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    assert not isinstance(caught.value, ConnectionFailure)
    transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    transport.close()

    assert [m.recipients for m in smtp_sink.messages] == [["bob@example.org"]]
    assert smtp_sink.sessions == 1


def test_smtp_5xx_is_permanent(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse_permanently("nobody@example.org")
    transport = smtp_transport(smtp_sink)
    with pytest.raises(PermanentFailure, match="550"):
        transport.send(MESSAGE, RETURN_PATH, "nobody@example.org")
    transport.close()
    assert smtp_sink.count == 0


def test_smtp_unreachable_server_is_a_connection_failure() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.
    transport = SmtpTransport("127.0.0.1", port, timeout=2)
    with pytest.raises(ConnectionFailure):
        transport.open()
    with pytest.raises(ConnectionFailure):
        transport.send(MESSAGE, RETURN_PATH, "bob@example.org")


def test_smtp_reconnects_after_the_server_dropped_the_connection(smtp_sink: SmtpSink) -> None:
    transport = smtp_transport(smtp_sink)
    transport.send(MESSAGE, RETURN_PATH, "one@example.org")
    assert transport.connection is not None
    assert transport.connection.sock is not None
    transport.connection.sock.shutdown(socket.SHUT_RDWR)  # as if the server had hung up

    with pytest.raises(TemporaryFailure):
        transport.send(MESSAGE, RETURN_PATH, "two@example.org")
    transport.send(MESSAGE, RETURN_PATH, "two@example.org")
    transport.close()

    assert [m.recipients[0] for m in smtp_sink.messages] == ["one@example.org", "two@example.org"]
    assert smtp_sink.sessions == 2


def test_console_prints_envelope_and_message() -> None:
    stream = io.StringIO()
    transport = ConsoleTransport(stream)
    transport.open()
    transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    transport.close()

    printed = stream.getvalue()
    assert f"MAIL FROM:<{RETURN_PATH}> RCPT TO:<bob@example.org>" in printed
    assert "Message-ID: <abc@colombe.localhost>" in printed
    assert "\r" not in printed


def test_django_backend_rebuilds_a_structured_email(settings: Any) -> None:
    transport = DjangoBackendTransport("django.core.mail.backends.locmem.EmailBackend")
    transport.open()
    transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    transport.close()

    (sent,) = mail.outbox
    assert isinstance(sent, AnymailMessage)
    assert sent.to == ["bob@example.org"]
    assert sent.subject == "Circulaire urgente été"
    assert sent.from_email == "Colombe <noreply@colombe.localhost>"
    assert sent.body.startswith("Bonjour été\n.Une ligne")
    assert list(sent.alternatives) == [("<p>Bonjour</p>", "text/html")]
    assert sent.extra_headers["Message-ID"] == "<abc@colombe.localhost>"
    assert sent.extra_headers["List-Unsubscribe"] == "<https://colombe.localhost/u/x>"
    assert "DKIM-Signature" not in sent.extra_headers
    assert sent.envelope_sender == RETURN_PATH
    # The message Django builds keeps the Message-ID the outbox chose.
    assert sent.message()["Message-ID"] == "<abc@colombe.localhost>"


def test_django_backend_tells_the_provider_which_outbox_row(settings: Any) -> None:
    transport = DjangoBackendTransport("django.core.mail.backends.locmem.EmailBackend")
    transport.send(MESSAGE, verp_address(1234), "bob@example.org")

    (sent,) = mail.outbox
    assert isinstance(sent, AnymailMessage)
    assert sent.metadata == {"outbox_id": "1234"}


def test_django_smtp_backend_through_the_transport(smtp_sink: SmtpSink, settings: Any) -> None:
    transport = DjangoBackendTransport("django.core.mail.backends.smtp.EmailBackend")
    transport.send(MESSAGE, RETURN_PATH, "bob@example.org")
    transport.close()

    (received,) = smtp_sink.messages
    assert received.recipients == ["bob@example.org"]
    assert received.message_id == "<abc@colombe.localhost>"


def test_django_smtp_backend_refusals_are_classified(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse_permanently("nobody@example.org")
    smtp_sink.refuse_temporarily("later@example.org")
    transport = DjangoBackendTransport("django.core.mail.backends.smtp.EmailBackend")
    with pytest.raises(PermanentFailure):
        transport.send(MESSAGE, RETURN_PATH, "nobody@example.org")
    with pytest.raises(TemporaryFailure):
        transport.send(MESSAGE, RETURN_PATH, "later@example.org")
    transport.close()


def provider_error(status: int) -> AnymailAPIError:
    response = requests.Response()
    response.status_code = status
    response.reason = "reason"
    return AnymailAPIError("the provider said no", status_code=status, response=response)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AnymailRecipientsRefused("all refused"), RecipientRefused),
        (provider_error(400), PermanentFailure),
        (provider_error(429), TemporaryFailure),
        (provider_error(503), TemporaryFailure),
        (AnymailAPIError("no response"), TemporaryFailure),
        (smtplib.SMTPDataError(554, b"spam"), PermanentFailure),
        (smtplib.SMTPSenderRefused(452, b"full", "a@b"), TemporaryFailure),
        (OSError("network unreachable"), TemporaryFailure),
    ],
)
def test_backend_errors_are_temporary_or_permanent(
    error: Exception, expected: type[Exception]
) -> None:
    assert type(classify_backend_error(error)) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("smtp", SmtpTransport), ("console", ConsoleTransport), ("django", DjangoBackendTransport)],
)
def test_transport_is_chosen_by_setting(settings: Any, name: str, expected: type) -> None:
    settings.MAILING_TRANSPORT = name
    assert isinstance(transport_from_settings(), expected)


def test_unknown_transport_is_a_configuration_error(settings: Any) -> None:
    settings.MAILING_TRANSPORT = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="pigeon"):
        transport_from_settings()
