"""Mail transports behind one small protocol (DESIGN rule 3).

The outbox worker hands a transport finished message bytes (headers, body, DKIM
signature), the envelope sender (the VERP return path) and ONE recipient. A transport
returns when the receiving side accepted the message, or raises ``TemporaryFailure``
(try again later) or ``PermanentFailure`` (refused for good; ``RecipientRefused`` when the
refusal is about the recipient's address).

- ``SmtpTransport``: the default in production, one connection reused for a whole batch.
- ``ConsoleTransport``: prints the message, for development.
- ``DjangoBackendTransport``: rebuilds a Django email and hands it to ``EMAIL_BACKEND``, so
  that django-anymail provider backends (which speak HTTP APIs, not SMTP) work.

``MAILING_TRANSPORT`` chooses one: "smtp", "console" or "django"."""

import contextlib
import email
import email.policy
import smtplib
import sys
from email.message import EmailMessage
from typing import Protocol, TextIO

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from colombe.mailing.compose import parse_verp

SMTP_TIMEOUT_SECONDS = 30


class DeliveryError(Exception):
    """The message was not accepted; ``str(error)`` is the server's diagnostic."""


class TemporaryFailure(DeliveryError):
    """4xx, connection lost, server unreachable: the same message may be tried later."""


class ConnectionFailure(TemporaryFailure):
    """The server cannot be reached at all: nothing of the batch can go now."""


class PermanentFailure(DeliveryError):
    """5xx: the message is refused; trying again will not help."""


class RecipientRefused(PermanentFailure):
    """5xx to the recipient's address itself: the only permanent failure that says
    something about the address (and so counts as a bounce). A refused sender, a refused
    content or a wrong provider key are our problems, not the recipient's."""


class Transport(Protocol):
    def open(self) -> None:
        """Connect; called once before a batch."""

    def send(self, message: bytes, envelope_from: str, recipient: str) -> None:
        """Return once the message is accepted; raise a ``DeliveryError`` otherwise."""

    def close(self) -> None:
        """Disconnect; called once after a batch, also after an error."""


def failure_for_code(code: int, diagnostic: str, *, recipient: bool = False) -> DeliveryError:
    """SMTP reply codes: 4xx is transient, 5xx permanent (RFC 5321 §4.2.1). Anything
    else where a reply was expected is treated as transient. ``recipient``: the reply
    was to RCPT TO, about the address itself."""
    if 500 <= code <= 599:
        refused = RecipientRefused if recipient else PermanentFailure
        return refused(f"{code} {diagnostic}")
    return TemporaryFailure(f"{code} {diagnostic}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class SmtpTransport:
    """SMTP with smtplib: one connection per batch, reopened if the server drops it."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        use_tls: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host = host
        self.port = port
        self.use_tls = use_tls
        self.username = username
        self.password = password
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None

    @classmethod
    def from_settings(cls) -> "SmtpTransport":
        return cls(
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            use_tls=settings.EMAIL_USE_TLS,
            username=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
        )

    def open(self) -> None:
        if self.connection is not None:
            return
        try:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.use_tls:
                connection.starttls()
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            # Greeting refused, TLS or login failed: the server's problem or ours, never
            # the recipient's, so never a permanent failure of the message.
            raise ConnectionFailure(
                f"cannot connect to {self.host}:{self.port}: {error}"
            ) from error
        self.connection = connection

    def send(self, message: bytes, envelope_from: str, recipient: str) -> None:
        self.open()
        assert self.connection is not None
        try:
            self.connection.sendmail(envelope_from, [recipient], message)
        except smtplib.SMTPRecipientsRefused as error:
            code, diagnostic = error.recipients[recipient]
            raise failure_for_code(code, _text(diagnostic), recipient=True) from error
        except smtplib.SMTPResponseException as error:
            # Sender refused, data refused: the connection is still usable.
            raise failure_for_code(error.smtp_code, _text(error.smtp_error)) from error
        except (OSError, smtplib.SMTPException) as error:
            # Connection lost: whether the server kept the message is unknown (RFC 1047);
            # the worker retries it, which is the safe side for mail that must arrive.
            self._drop_connection()
            raise TemporaryFailure(f"connection lost: {error}") from error

    def _drop_connection(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def close(self) -> None:
        if self.connection is None:
            return
        # Everything was already recorded: a failed goodbye changes nothing.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.connection.quit()
        self._drop_connection()


class ConsoleTransport:
    """Development: every message is printed and counts as delivered."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def open(self) -> None:
        pass

    def send(self, message: bytes, envelope_from: str, recipient: str) -> None:
        stream = self.stream or sys.stdout
        separator = "-" * 79
        stream.write(f"{separator}\nMAIL FROM:<{envelope_from}> RCPT TO:<{recipient}>\n")
        stream.write(message.decode("utf-8", "replace").replace("\r\n", "\n"))
        stream.write(f"\n{separator}\n")
        stream.flush()

    def close(self) -> None:
        pass


# Headers the Django email rebuilds itself, and the signature a provider replaces.
DJANGO_MANAGED_HEADERS = {
    "from",
    "to",
    "subject",
    "reply-to",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "dkim-signature",
}


def _content(part: object) -> str:
    """A text part's decoded content, with Python's line endings."""
    if not isinstance(part, EmailMessage):
        return ""
    return str(part.get_content()).replace("\r\n", "\n")


def django_email_from_bytes(message: bytes, envelope_from: str, recipient: str) -> AnymailMessage:
    """Rebuild a Django email from composed bytes: Django backends, and above all
    anymail's provider backends, take structured messages, not raw MIME. The DKIM
    signature is dropped: a provider signs with its own key (or a key you give it)."""
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    django_email = AnymailMessage(
        subject=str(parsed["Subject"] or ""),
        body=_content(text_part),
        from_email=str(parsed["From"]),
        to=[recipient],
        reply_to=[str(parsed["Reply-To"])] if parsed["Reply-To"] else None,
        headers={
            name: str(value)
            for name, value in parsed.items()
            if name.lower() not in DJANGO_MANAGED_HEADERS
        },
    )
    if isinstance(html_part, EmailMessage) and html_part is not text_part:
        django_email.attach_alternative(_content(html_part), "text/html")
    # anymail sends bounces to the VERP address where the provider supports it; other
    # backends ignore the attribute.
    django_email.envelope_sender = envelope_from
    # The provider hands the metadata back with its bounce events: how a webhook finds
    # the outbox row (and so counts the same bounce once).
    outbox_id = parse_verp(envelope_from)
    if outbox_id is not None:
        django_email.metadata = {"outbox_id": str(outbox_id)}
    return django_email


class DjangoBackendTransport:
    """Whatever ``EMAIL_BACKEND`` is: Django's SMTP backend, or a django-anymail provider."""

    def __init__(self, backend: str | None = None) -> None:
        self.backend = backend
        self.connection: BaseEmailBackend | None = None

    def open(self) -> None:
        if self.connection is None:
            self.connection = get_connection(self.backend, fail_silently=False)
            try:
                self.connection.open()
            except Exception as error:
                self.connection = None
                raise ConnectionFailure(f"{type(error).__name__}: {error}") from error

    def send(self, message: bytes, envelope_from: str, recipient: str) -> None:
        self.open()
        assert self.connection is not None
        django_email = django_email_from_bytes(message, envelope_from, recipient)
        try:
            sent = self.connection.send_messages([django_email])
        except Exception as error:
            raise classify_backend_error(error) from error
        if not sent:
            raise TemporaryFailure("the email backend did not send the message")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


def classify_backend_error(error: Exception) -> DeliveryError:
    """Map what Django's and anymail's backends raise onto temporary or permanent."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, AnymailRecipientsRefused):
        return RecipientRefused(str(error))
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        if status is not None and 400 <= status < 500 and status not in (408, 429):
            return PermanentFailure(str(error))
        return TemporaryFailure(str(error))
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, diagnostic = next(iter(error.recipients.values()))
        return failure_for_code(code, _text(diagnostic), recipient=True)
    if isinstance(error, smtplib.SMTPResponseException):
        return failure_for_code(error.smtp_code, _text(error.smtp_error))
    # Unknown errors are retried with backoff, then the row fails after the last attempt.
    return TemporaryFailure(f"{type(error).__name__}: {error}")


def transport_from_settings() -> Transport:
    name = settings.MAILING_TRANSPORT
    if name == "smtp":
        return SmtpTransport.from_settings()
    if name == "console":
        return ConsoleTransport()
    if name == "django":
        return DjangoBackendTransport()
    raise ImproperlyConfigured(
        f'MAILING_TRANSPORT is "{name}"; expected "smtp", "console" or "django".'
    )
