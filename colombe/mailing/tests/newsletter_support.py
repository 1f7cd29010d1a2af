"""Shared by the newsletter tests: lists of the Lyon committee (led by Bob), verified
addresses, reading confirmation links out of queued emails."""

import re
from typing import Any

from allauth.account.models import EmailAddress

from colombe.mailing.models import MailingList, OutboxMessage, Subscription
from colombe.mailing.newsletters import create_list
from tests.personas import World

CONSENT = "J'accepte de recevoir la lettre du comité de Lyon, une fois par mois."


def lyon_list(
    world: World, *, is_public: bool = True, name: str = "La lettre de Lyon"
) -> MailingList:
    return create_list(
        actor=world.bob,
        owner=world.lyon,
        name=name,
        description="Les nouvelles du comité.",
        is_public=is_public,
        consent_text=CONSENT,
    )


def verify(user: Any) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def link_in(row: OutboxMessage, name: str) -> str:
    """The path of the first link to /diffusion/<name>/... in a queued email."""
    match = re.search(rf"https?://[^/\s]+(/diffusion/{name}/[^\s]+/)", row.body_text)
    assert match, row.body_text
    return match.group(1)


def subscribe(mailing_list: MailingList, email: str, **fields: Any) -> Subscription:
    """An active subscription, as a confirmed double opt-in leaves it."""
    from django.utils import timezone

    return Subscription.objects.create(
        mailing_list=mailing_list,
        email=email.lower(),
        status=Subscription.Status.ACTIVE,
        consent_version=mailing_list.consent_version,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
        **fields,
    )
