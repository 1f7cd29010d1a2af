"""Helpers for the tests of the registry, the charter, the team and the "Relais jeunes"."""

from typing import Any

from django.test import Client

from colombe.movement.models import Structure
from colombe.outreach.models import NamingRule, Network, SocialAccount

PERSONAS = ("anonymous", "eve", "charlie", "bob", "alice")


def as_persona(client: Client, world: Any, persona: str) -> Client:
    client.logout()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def make_account(owner: Structure, **fields: Any) -> SocialAccount:
    values: dict[str, Any] = {
        "network": Network.MASTODON,
        "handle": f"@colombe_{owner.slug}",
        "url": f"https://mastodon.example/@colombe_{owner.slug}",
        "label": f"Colombe — {owner.name}",
        **fields,
    }
    return SocialAccount.objects.create(owner=owner, **values)


def committee_rule(label: str = "{movement} — {name}", bio: str = "") -> NamingRule:
    return NamingRule.objects.create(
        owner_kind=Structure.Kind.COMMITTEE, label_template=label, bio_template=bio
    )
