"""process_bounces: real bounce messages (RFC 3464 DSNs from Postfix and Exim, a
plain-text qmail bounce) found through their VERP address, piped or from a mailbox."""

import io
import mailbox
import sys
from pathlib import Path
from string import Template
from typing import Any

import pytest
from django.core.management import call_command

from colombe.mailing.compose import verp_address
from colombe.mailing.models import AddressHealth, OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "fixtures" / "bounces"
ADDRESS = "claire.martin@example.net"


@pytest.fixture
def row() -> OutboxMessage:
    enqueue(
        [
            OutgoingEmail(
                key="newsletter:1:claire",
                to=ADDRESS,
                subject="Nouvelles du comité",
                body_text="Bonjour",
                category=OutboxMessage.Category.NEWSLETTER,
            )
        ]
    )
    message = OutboxMessage.objects.get(key="newsletter:1:claire")
    message.state = OutboxMessage.State.SENT
    message.save(update_fields=["state"])
    return message


def sample(name: str, *, verp: str, to: str = ADDRESS) -> bytes:
    text = Template((SAMPLES / name).read_text()).substitute(verp=verp, to=to)
    return text.replace("\n", "\r\n").encode()


def pipe(monkeypatch: pytest.MonkeyPatch, raw: bytes, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("process_bounces", *args, stdout=out)
    return out.getvalue()


def test_postfix_user_unknown_is_a_hard_bounce(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    output = pipe(monkeypatch, sample("postfix_user_unknown.eml", verp=verp_address(row.pk)))
    assert "1 bounce(s) recorded" in output
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.BOUNCED
    health = AddressHealth.objects.get(email=ADDRESS)
    assert (health.hard_bounces, health.soft_bounces) == (1, 0)
    assert "550 5.1.1" in health.last_diagnostic
    assert "User unknown" in health.last_diagnostic


def test_exim_mailbox_full_is_a_soft_bounce(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    pipe(monkeypatch, sample("exim_mailbox_full.eml", verp=verp_address(row.pk)))
    health = AddressHealth.objects.get(email=ADDRESS)
    assert (health.hard_bounces, health.soft_bounces) == (0, 1)
    assert "4.2.2 Mailbox full" in health.last_diagnostic
    assert health.disabled_at is None


def test_a_delay_warning_is_not_a_bounce(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    output = pipe(monkeypatch, sample("postfix_delayed.eml", verp=verp_address(row.pk)))
    assert "0 bounce(s) recorded" in output
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT
    assert not AddressHealth.objects.exists()


def test_plain_text_bounce_reads_its_status_code(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    pipe(monkeypatch, sample("qmail_plain_text.eml", verp=verp_address(row.pk)))
    health = AddressHealth.objects.get(email=ADDRESS)
    assert health.hard_bounces == 1
    assert "does not like recipient" in health.last_diagnostic


def test_forged_verp_is_ignored(monkeypatch: pytest.MonkeyPatch, row: OutboxMessage) -> None:
    genuine = verp_address(row.pk)
    forged = genuine.replace(genuine.split("-")[-1].split("@")[0], "0123456789abcdef")
    assert forged != genuine
    output = pipe(monkeypatch, sample("postfix_user_unknown.eml", verp=forged))
    assert "0 bounce(s) recorded" in output
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT
    assert not AddressHealth.objects.exists()


def test_a_bounce_cannot_target_another_row_by_naming_its_address(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    """The text of a bounce names some address; only the VERP row counts."""
    pipe(
        monkeypatch,
        sample("postfix_user_unknown.eml", verp="bounces@colombe.localhost", to=ADDRESS),
    )
    assert not AddressHealth.objects.exists()


def test_envelope_recipient_given_by_the_mta(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    """Postfix's pipe passes ${original_recipient} when no header carries it."""
    raw = sample("postfix_user_unknown.eml", verp="postmaster@colombe.localhost")
    pipe(monkeypatch, raw, "--recipient", verp_address(row.pk))
    assert AddressHealth.objects.get(email=ADDRESS).hard_bounces == 1


def test_unexpected_error_asks_the_mta_to_retry(
    monkeypatch: pytest.MonkeyPatch, row: OutboxMessage
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database restarting")

    monkeypatch.setattr(
        "colombe.mailing.management.commands.process_bounces.handle_bounce_message", broken
    )
    with pytest.raises(SystemExit) as exit_info:
        pipe(monkeypatch, sample("postfix_user_unknown.eml", verp=verp_address(row.pk)))
    assert exit_info.value.code == 75


def test_mbox_with_two_bounces_disables_the_address(tmp_path: Path, row: OutboxMessage) -> None:
    enqueue(
        [
            OutgoingEmail(
                key="newsletter:2:claire",
                to=ADDRESS,
                subject="Encore",
                body_text="Bonjour",
                category=OutboxMessage.Category.NEWSLETTER,
            )
        ]
    )
    second = OutboxMessage.objects.get(key="newsletter:2:claire")
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(sample("postfix_user_unknown.eml", verp=verp_address(row.pk)))
    box.add(sample("qmail_plain_text.eml", verp=verp_address(second.pk)))
    box.add(sample("postfix_delayed.eml", verp=verp_address(second.pk)))
    box.flush()
    out = io.StringIO()
    call_command("process_bounces", "--mbox", str(tmp_path / "bounces.mbox"), stdout=out)
    assert "2 bounce(s) recorded" in out.getvalue()
    health = AddressHealth.objects.get(email=ADDRESS)
    assert health.hard_bounces == 2
    assert health.disabled_at is not None
    assert len(mailbox.mbox(tmp_path / "bounces.mbox")) == 3  # kept without --remove


def test_maildir_is_emptied_with_remove(tmp_path: Path, row: OutboxMessage) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(sample("exim_mailbox_full.eml", verp=verp_address(row.pk)))
    out = io.StringIO()
    call_command("process_bounces", "--maildir", str(tmp_path / "Maildir"), "--remove", stdout=out)
    assert "1 bounce(s) recorded" in out.getvalue()
    assert AddressHealth.objects.get(email=ADDRESS).soft_bounces == 1
    assert len(mailbox.Maildir(tmp_path / "Maildir")) == 0
    # Reading the same bounce again (say, a second delivery of it) counts nothing more.
    call_command("process_bounces", "--maildir", str(tmp_path / "Maildir"), stdout=out)
    assert AddressHealth.objects.get(email=ADDRESS).soft_bounces == 1
