"""What the mailing app holds about one person, for their GDPR export and erasure."""

from datetime import datetime
from typing import Any

from colombe.mailing.models import AddressHealth, CircularRecipient, OutboxMessage, Subscription


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def mailing_data(user: Any, addresses: list[str]) -> dict[str, Any]:
    """Subscriptions (with the consent given) and the circulars acknowledged."""
    subscriptions = Subscription.objects.filter(user=user) | Subscription.objects.filter(
        email__in=addresses
    )
    return {
        "newsletter_subscriptions": [
            {
                "list": s.mailing_list.name,
                "email": s.email,
                "status": s.status,
                "consent_version": s.consent_version,
                "consented_at": _when(s.consented_at),
                "confirmed_at": _when(s.confirmed_at),
                "unsubscribed_at": _when(s.unsubscribed_at),
            }
            for s in subscriptions.select_related("mailing_list").order_by("pk")
        ],
        "circulars_received": [
            {
                "circular_id": r.circular_id,
                "reason": r.reason,
                "acknowledged_at": _when(r.acknowledged_at),
            }
            for r in CircularRecipient.objects.filter(user=user).order_by("pk")
        ],
    }


def forget_addresses(addresses: list[str]) -> int:
    """Erase the messages queued or sent to these addresses, their subscriptions and what
    bounces said about them. An address that unsubscribed from everything stays on that
    list: it is how the refusal keeps being honoured. Returns how many rows went."""
    lowered = [address.lower() for address in addresses]
    erased = 0
    for queryset in (
        OutboxMessage.objects.filter(to_email__in=addresses),
        Subscription.objects.filter(email__in=addresses),
        AddressHealth.objects.filter(email__in=lowered),
    ):
        erased += queryset.delete()[0]
    return erased
