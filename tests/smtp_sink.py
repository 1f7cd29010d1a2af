"""A real SMTP server for tests: aiosmtpd on a free 127.0.0.1 port, in a thread.

Fixtures (registered in the root ``conftest.py``):

- ``smtp_sink`` — a fresh, empty sink per test, with Django settings pointing the outbox
  transport at it (``MAILING_TRANSPORT="smtp"``, ``EMAIL_HOST``/``EMAIL_PORT``, no TLS, no
  login, no throttling). Deliver with ``colombe.mailing.worker.deliver_pending()`` and
  then look at ``smtp_sink.messages``, ``smtp_sink.messages_to(address)``, or
  ``smtp_sink.wait_for(count)`` when another thread or process is sending.
- ``mailing_settings`` — the same sink, for tests that read better with that name.

The sink can refuse recipients, to exercise retries and bounces::

    smtp_sink.refuse_temporarily("bob@example.org", times=2)   # 451 twice, then accept
    smtp_sink.refuse_permanently("nobody@example.org")         # 550 forever
    smtp_sink.refuse_content(b"EICAR")                          # 554 at DATA, any recipient

From another process (fault test, benchmark)::

    python -m tests.smtp_sink --port 0 --out received.jsonl

prints ``listening 127.0.0.1:PORT`` once ready, then writes one JSON line per accepted
message (``message_id``, ``rcpt``, ``mail_from``, ``dkim``, ``size``, ``received_at``) and
stops on SIGTERM or SIGINT."""

import argparse
import email
import email.policy
import json
import logging
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

# aiosmtpd logs every SMTP command at INFO: thousands of lines per test otherwise.
logging.getLogger("mail.log").setLevel(logging.WARNING)

PERMANENT_REFUSAL = "550 5.1.1 Mailbox unavailable (refused by the test sink)"
CONTENT_REFUSAL = "554 5.7.1 Message content refused (by the test sink)"
TEMPORARY_REFUSAL = "451 4.3.0 Try again later (refused by the test sink)"


class ReceivedMessage:
    """One message the sink accepted (answered 250 to its final dot)."""

    def __init__(self, mail_from: str, recipients: list[str], raw: bytes) -> None:
        self.mail_from = mail_from
        self.recipients = recipients
        self.raw = raw
        self.received_at = time.time()

    @cached_property
    def message(self) -> EmailMessage:
        # Parsed on first use: the fault test receives thousands and reads few.
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @cached_property
    def headers(self) -> Message:
        """Only the header block, cheap enough for thousands of messages."""
        return BytesHeaderParser().parsebytes(self.raw)

    @property
    def message_id(self) -> str:
        return str(self.headers.get("Message-ID", "")).strip()

    @property
    def has_dkim_signature(self) -> bool:
        return self.headers.get("DKIM-Signature") is not None

    def __repr__(self) -> str:
        return f"<ReceivedMessage {self.message_id} to {self.recipients}>"


@dataclass
class Refusal:
    reply: str
    # How many more times to refuse; None refuses for ever.
    remaining: int | None


@dataclass
class SinkHandler:
    """The aiosmtpd handler: refuses what it was told to refuse, records the rest."""

    on_message: Callable[[ReceivedMessage], None]
    refusals: dict[str, Refusal] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # SMTP sessions opened (EHLO/HELO seen): tells whether a client reuses its connection.
    sessions: int = 0
    # Messages whose content holds one of these are refused at DATA (like a spam filter).
    refused_content: list[bytes] = field(default_factory=list)

    def refusal_for(self, address: str) -> str | None:
        with self.lock:
            refusal = self.refusals.get(address.lower())
            if refusal is None or refusal.remaining == 0:
                return None
            if refusal.remaining is not None:
                refusal.remaining -= 1
            self.refused.append((address, refusal.reply))
            return refusal.reply

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        reply = self.refusal_for(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        assert isinstance(content, bytes)
        with self.lock:
            if any(marker in content for marker in self.refused_content):
                self.refused.append((",".join(envelope.rcpt_tos), CONTENT_REFUSAL))
                return CONTENT_REFUSAL
        # Recorded before the 250 goes out: a client killed right after sending the
        # final dot still counts as delivered here, as it would on a real server.
        self.on_message(ReceivedMessage(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 2.0.0 Message accepted"


class PreboundController(Controller):
    """aiosmtpd's Controller on a socket bound before start, so the port is free and
    known without a race between parallel test workers."""

    def __init__(self, handler: SinkHandler, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self._socket.listen(128)
        super().__init__(
            handler, hostname=host, port=self._socket.getsockname()[1], ready_timeout=10.0
        )

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._socket)


class SmtpSink:
    """A running sink; ``messages`` lists what it accepted, in order."""

    def __init__(
        self,
        on_message: Callable[[ReceivedMessage], None] | None = None,
        port: int = 0,
    ) -> None:
        self.messages: list[ReceivedMessage] = []
        self._arrived = threading.Condition()
        self._forward = on_message
        self.handler = SinkHandler(on_message=self._record)
        self._controller = PreboundController(self.handler, port=port)
        self.host = "127.0.0.1"
        self.port = self._controller.port

    def _record(self, message: ReceivedMessage) -> None:
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        if self._forward is not None:
            self._forward(message)

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    # Refusing recipients ---------------------------------------------------------------
    def refuse(self, address: str, reply: str, times: int | None = None) -> None:
        with self.handler.lock:
            self.handler.refusals[address.lower()] = Refusal(reply, times)

    def refuse_permanently(self, *addresses: str, times: int | None = None) -> None:
        for address in addresses:
            self.refuse(address, PERMANENT_REFUSAL, times)

    def refuse_content(self, marker: bytes) -> None:
        with self.handler.lock:
            self.handler.refused_content.append(marker)

    def refuse_temporarily(self, *addresses: str, times: int | None = 1) -> None:
        for address in addresses:
            self.refuse(address, TEMPORARY_REFUSAL, times)

    @property
    def sessions(self) -> int:
        """How many SMTP sessions clients opened (one per connection)."""
        with self.handler.lock:
            return self.handler.sessions

    @property
    def refused(self) -> list[tuple[str, str]]:
        """Every (recipient, reply) the sink refused, in order."""
        with self.handler.lock:
            return list(self.handler.refused)

    # Reading what arrived --------------------------------------------------------------
    @property
    def count(self) -> int:
        with self._arrived:
            return len(self.messages)

    def messages_to(self, address: str) -> list[ReceivedMessage]:
        wanted = address.lower()
        with self._arrived:
            return [m for m in self.messages if wanted in (r.lower() for r in m.recipients)]

    def message_ids(self) -> list[str]:
        with self._arrived:
            return [m.message_id for m in self.messages]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until at least ``count`` messages arrived; fail the test otherwise."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"the SMTP sink received {len(self.messages)} messages "
                        f"within {timeout} s, expected {count}"
                    )
                self._arrived.wait(remaining)
            return list(self.messages)

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()


def point_settings_at(settings: Any, sink: SmtpSink) -> None:
    """Django settings for delivering through the outbox to this sink."""
    settings.MAILING_TRANSPORT = "smtp"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MAILING_RATE_PER_SECOND = 0


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    point_settings_at(settings, sink)
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def mailing_settings(smtp_sink: SmtpSink) -> SmtpSink:
    return smtp_sink


# Running as a separate process --------------------------------------------------------
def json_line(message: ReceivedMessage) -> str:
    return json.dumps(
        {
            "message_id": message.message_id,
            "rcpt": message.recipients,
            "mail_from": message.mail_from,
            "dkim": message.has_dkim_signature,
            "size": len(message.raw),
            "received_at": message.received_at,
        }
    )


def line_writer(out: TextIO) -> Callable[[ReceivedMessage], None]:
    lock = threading.Lock()

    def write(message: ReceivedMessage) -> None:
        line = json_line(message)
        with lock:
            # Flushed per message: the fault test reads the file while mail arrives.
            out.write(line + "\n")
            out.flush()

    return write


def serve(port: int, out_path: Path) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with out_path.open("a", encoding="utf-8") as out:
        sink = SmtpSink(on_message=line_writer(out), port=port)
        # Keep no copy in memory: a benchmark sends tens of thousands.
        sink.messages = _Discarding()
        sink.start()
        print(f"listening {sink.host}:{sink.port}", flush=True)
        stop.wait()
        sink.stop()


class _Discarding(list[ReceivedMessage]):
    def append(self, message: ReceivedMessage) -> None:
        del message


def main() -> None:
    parser = argparse.ArgumentParser(description="An SMTP sink writing JSON lines.")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--out", type=Path, required=True, help="JSON lines file (appended)")
    arguments = parser.parse_args()
    serve(arguments.port, arguments.out)


if __name__ == "__main__":
    main()
