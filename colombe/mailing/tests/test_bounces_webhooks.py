"""Provider webhooks through django-anymail: Postmark's documented bounce, spam complaint
and delivery payloads posted to anymail's real view, with its basic-auth secret."""

import base64
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from colombe.mailing.models import AddressHealth, OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue

pytestmark = pytest.mark.django_db

SECRET = "colombe:webhook-secret-123"
ADDRESS = "claire.martin@example.net"


@pytest.fixture
def with_secret(settings: Any) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def url() -> str:
    return reverse("mailing:anymail:postmark_tracking_webhook")


def post(payload: dict[str, Any], secret: str = SECRET) -> Any:
    credentials = base64.b64encode(secret.encode()).decode()
    return Client().post(
        url(),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


def bounce_payload(kind: str = "HardBounce", details: str = "", **extra: Any) -> dict[str, Any]:
    """Postmark's bounce webhook, as documented."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": details
        or "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": ADDRESS,
        "From": "noreply@colombe.example",
        "BouncedAt": "2026-11-26T10:02:11Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Nouvelles du comité",
        **extra,
    }


def outbox_row() -> OutboxMessage:
    enqueue(
        [
            OutgoingEmail(
                key="newsletter:7:claire",
                to=ADDRESS,
                subject="Nouvelles du comité",
                body_text="Bonjour",
                category=OutboxMessage.Category.NEWSLETTER,
            )
        ]
    )
    return OutboxMessage.objects.get(key="newsletter:7:claire")


def test_without_a_secret_the_webhook_does_not_exist(settings: Any) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert post(bounce_payload(), secret="anyone:anything").status_code == 404
    assert not AddressHealth.objects.exists()


@pytest.mark.usefixtures("with_secret")
def test_wrong_secret_is_refused() -> None:
    response = post(bounce_payload(), secret="colombe:guessed")
    assert response.status_code == 400
    assert not AddressHealth.objects.exists()


@pytest.mark.usefixtures("with_secret")
def test_hard_bounce_is_recorded_and_marks_the_outbox_row() -> None:
    row = outbox_row()
    response = post(bounce_payload(Metadata={"outbox_id": str(row.pk)}))
    assert response.status_code == 200
    health = AddressHealth.objects.get(email=ADDRESS)
    assert (health.hard_bounces, health.soft_bounces) == (1, 0)
    assert "Postmark" in health.last_diagnostic
    assert "5.1.1" in health.last_diagnostic
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.BOUNCED


@pytest.mark.usefixtures("with_secret")
def test_metadata_naming_someone_elses_row_marks_nothing() -> None:
    row = outbox_row()
    payload = bounce_payload(Metadata={"outbox_id": str(row.pk)}, Email="other@example.net")
    assert post(payload).status_code == 200
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.PENDING
    assert AddressHealth.objects.get(email="other@example.net").hard_bounces == 1


@pytest.mark.usefixtures("with_secret")
def test_soft_bounce_counts_as_soft() -> None:
    post(bounce_payload("SoftBounce", details="smtp;452 4.2.2 Mailbox full"))
    health = AddressHealth.objects.get(email=ADDRESS)
    assert (health.hard_bounces, health.soft_bounces) == (0, 1)


@pytest.mark.usefixtures("with_secret")
def test_spam_complaint_counts_as_hard() -> None:
    payload = bounce_payload("SpamComplaint", RecordType="SpamComplaint", Details="")
    assert post(payload).status_code == 200
    assert AddressHealth.objects.get(email=ADDRESS).hard_bounces == 1


@pytest.mark.usefixtures("with_secret")
def test_two_hard_bounces_disable_the_address() -> None:
    post(bounce_payload())
    post(bounce_payload(ID=4323372036854775808))
    assert AddressHealth.objects.get(email=ADDRESS).disabled_at is not None


@pytest.mark.usefixtures("with_secret")
def test_delivery_event_is_not_a_bounce() -> None:
    payload = {
        "RecordType": "Delivery",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": ADDRESS,
        "DeliveredAt": "2026-11-26T10:02:11Z",
        "Details": "Test delivery webhook details",
        "Tag": "newsletter",
        "ServerID": 23,
        "Metadata": {},
    }
    assert post(payload).status_code == 200
    assert not AddressHealth.objects.exists()


def test_only_tracking_webhooks_are_mounted() -> None:
    """Colombe reads no inbound mail through providers: no inbound webhook to abuse."""
    assert url().endswith("/diffusion/rebonds/postmark/tracking/")
    with pytest.raises(NoReverseMatch):
        reverse("mailing:anymail:postmark_inbound_webhook")
