"""One public object of each shared page kind (and its members-only twin), for the tests of
sharing, mini-sites and the browser walk through the public pages."""

import re
from typing import Any

from django.test import Client

from colombe.actions.models import Action
from colombe.actions.tests.plan_helpers import plan
from colombe.core.tests.search_helpers import make_meeting, make_petition, make_report
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.page_helpers import make_item
from colombe.meetings.models import Meeting
from colombe.petitions.models import Petition
from colombe.radio.tests.radio_helpers import make_show
from colombe.reports.models import ActionReport
from tests.personas import World

__all__ = ["make_meeting", "make_petition", "make_report", "og", "private_pages", "public_pages"]

OG_PROPERTY_RE = re.compile(r'<meta property="(og:[a-z:_]+)" content="([^"]*)">')


def og(client: Client, url: str) -> dict[str, str]:
    """The Open Graph properties of the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, url
    return dict(OG_PROPERTY_RE.findall(response.content.decode()))


def public_pages(world: World) -> dict[str, Any]:
    """A public object of each kind, by kind key (colombe.outreach.sharing.KINDS)."""
    return {
        "comite": world.lyon,
        "groupe": world.public_group,
        "petition": make_petition(world, title="Désarmer maintenant"),
        "compte-rendu": make_report(world.lyon, title="Stand place Bellecour"),
        "reunion": make_meeting(
            world, None, title="Réunion publique", audience=Meeting.Audience.PUBLIC
        ),
        "memoire": make_item(world.bob, title="Reportage France 3"),
        "emission": make_show(),
        "action": plan(world, title="Tractage au marché de la Croix-Rousse"),
    }


def private_pages(world: World) -> dict[str, Any]:
    """Objects of each kind that only members see (structures are all public)."""
    return {
        "groupe": world.private_group,
        "petition": make_petition(world, title="Brouillon", status=Petition.Status.DRAFT),
        "compte-rendu": make_report(
            world.lyon, title="Réunion interne", visibility=ActionReport.Visibility.COMMITTEE
        ),
        "reunion": make_meeting(world, None, title="Bureau", audience=Meeting.Audience.OWNER),
        "memoire": make_item(
            world.bob, title="Vidéo interne", visibility=MediaItem.Visibility.MEMBERS
        ),
        "action": plan(world, title="Collage interne", visibility=Action.Visibility.MEMBERS),
    }
