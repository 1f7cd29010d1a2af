"""Helpers for the organiser pages' tests: petitions of the Lyon committee (led by Bob)
and signatures written straight into the database with chosen dates."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from colombe.petitions import counters, crypto, services
from colombe.petitions.models import Petition, Signature
from tests.personas import World

PETITION_FIELDS: dict[str, Any] = {
    "title": "Désarmons la ville",
    "body": "Nous demandons **la paix**.\n\nDeuxième paragraphe.",
    "addressee": "Madame la maire",
    "goal": 100,
    "consent_text": "J'accepte d'être tenu·e informé·e de cette campagne.",
}


def lyon_petition(world: World, *, publish: bool = True, **fields: Any) -> Petition:
    """A petition of the Lyon committee made by Bob (or, for another owner, by Alice)."""
    owner = fields.pop("owner", world.lyon)
    actor = world.bob if owner == world.lyon else world.alice
    petition = services.create_petition(actor=actor, owner=owner, **{**PETITION_FIELDS, **fields})
    if publish:
        services.publish(actor=actor, petition=petition)
    return petition


def add_signature(
    petition: Petition,
    email: str,
    *,
    first_name: str = "Claire",
    last_name: str = "Dupont",
    status: str = Signature.Status.CONFIRMED,
    confirmed_at: datetime | None = None,
    **fields: Any,
) -> Signature:
    """A signature as the services leave it, without going through the email round trip."""
    confirmed = status == Signature.Status.CONFIRMED
    signature = Signature.objects.create(
        petition=petition,
        first_name=first_name,
        last_name=last_name,
        email_encrypted=crypto.encrypt_email(email),
        email_hash=crypto.email_hash(email),
        identity_hash=services.identity_hash(first_name, last_name, fields.get("postcode", "")),
        status=status,
        confirmed_at=(confirmed_at or timezone.now()) if confirmed else None,
        **fields,
    )
    if confirmed:
        counters.add_to_counter(petition.pk, 1)
    return signature
