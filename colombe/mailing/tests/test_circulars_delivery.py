"""Circulars end to end through the real outbox worker and a real SMTP sink: one email
per recipient, relays first, the "Bien reçu" link taken from the email that arrived
works, escalation reaches the leaders' inboxes, a test send reaches only the writer."""

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.test import Client
from django.utils import timezone

from colombe.mailing import circulars
from colombe.mailing.models import Circular, CircularCommittee
from colombe.mailing.tests.circular_support import Country, build_country, national_draft, send
from colombe.mailing.worker import deliver_pending
from tests.personas import World
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.usefixtures("english_pages")
ACK_LINK = re.compile(r"https?://[^\s]+/diffusion/bien-recu/[^\s/]+/")


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()


def test_urgent_circular_reaches_each_relay_once_and_the_link_acknowledges(
    country: Country, smtp_sink: SmtpSink, client: Client
) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world, urgency=Circular.Urgency.URGENT))
    assert deliver_pending() == 3
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == [
        "bob@example.org",
        "mia@example.org",
        "noe@example.org",
    ]
    (received,) = smtp_sink.messages_to("bob@example.org")
    message = received.message
    assert message["Subject"] == "[Urgent] Rassemblements samedi"
    assert "Secrétariat national" in message["From"]
    assert "List-Unsubscribe" not in message  # a duty, not a newsletter
    assert "<strong>samedi à 11 h</strong>" in html_of(message)
    text = text_of(message)
    assert "to stop being a relay" in text
    (link,) = ACK_LINK.findall(text)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    lyon = CircularCommittee.objects.get(circular=circular, committee=world.lyon)
    assert lyon.acknowledged_at is None  # opening the link is not acknowledging
    client.post("/" + path)
    lyon.refresh_from_db()
    assert lyon.acknowledged_by == world.bob
    assert deliver_pending() == 0  # nothing left, nothing sent twice
    assert smtp_sink.count == 3


def test_relays_are_delivered_before_members(country: Country, smtp_sink: SmtpSink) -> None:
    world = country.world
    send(world.alice, national_draft(world, audience=Circular.Audience.ALL_MEMBERS))
    assert deliver_pending() == 8
    first = {m.recipients[0] for m in smtp_sink.messages[:3]}
    assert first == {"bob@example.org", "mia@example.org", "noe@example.org"}
    assert len(smtp_sink.messages_to("charlie@example.org")) == 1


def test_escalation_reaches_the_leaders_inbox(country: Country, smtp_sink: SmtpSink) -> None:
    world = country.world
    send(world.alice, national_draft(world, urgency=Circular.Urgency.URGENT, escalation_hours=1))
    deliver_pending()
    smtp_sink.clear()
    circulars.escalate_due(timezone.now() + timedelta(hours=2))
    assert deliver_pending() == 2  # Gaspard (Grenoble) and Leo (Montpellier)
    (to_gaspard,) = smtp_sink.messages_to("gaspard@example.org")
    assert ACK_LINK.search(text_of(to_gaspard.message))
    assert len(smtp_sink.messages_to("leo@example.org")) == 1
    circulars.escalate_due(timezone.now() + timedelta(hours=3))
    assert deliver_pending() == 0


def test_test_send_reaches_only_the_writer(country: Country, smtp_sink: SmtpSink) -> None:
    world = country.world
    circular = circulars.create_circular(actor=world.alice, draft=national_draft(world))
    circulars.send_test(actor=world.alice, circular=circular)
    assert deliver_pending() == 1
    (received,) = smtp_sink.messages
    assert received.recipients == ["alice@example.org"]
    assert received.message["Subject"].startswith("[TEST]")
