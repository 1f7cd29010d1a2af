"""The feed lists the published reports each persona may read, and nothing else."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import SECRET_GROUP_NAME, World

# These tests read the wording in English (the source language).
pytestmark = pytest.mark.usefixtures("english_pages")


Audience = ActionReport.Visibility


@pytest.fixture
def reports(world: World) -> dict[str, ActionReport]:
    return {
        "public": make_report(world.lyon, title="Stand public du marché"),
        "movement": make_report(
            world.lyon, title="Réservé au mouvement", visibility=Audience.MOVEMENT
        ),
        "committee": make_report(
            world.lyon, title="Réservé au comité", visibility=Audience.COMMITTEE
        ),
        "private_group": make_report(
            world.lyon, title="Dans le groupe privé", group=world.private_group
        ),
        "secret": make_report(
            world.lyon,
            title="Veillée Zéphyr",
            group=world.secret_group,
            visibility=Audience.COMMITTEE,
        ),
        "draft": make_report(
            world.lyon,
            title="Brouillon de Bob",
            status=ActionReport.Status.DRAFT,
            author=world.bob,
        ),
    }


# persona -> reports listed
EXPECTED = {
    None: {"public"},
    "eve": {"public"},
    "dana": {"public"},  # pending: not yet a member
    "frank": {"public", "movement"},
    "charlie": {"public", "movement", "committee", "private_group", "secret"},
    "bob": {"public", "movement", "committee", "private_group", "secret"},
    "alice": {"public", "movement", "committee"},  # not in the groups: no group report
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_feed_lists_what_each_persona_may_read(
    client: Client, world: World, reports: dict[str, ActionReport], persona: str | None
) -> None:
    if persona:
        client.force_login(getattr(world, persona))
    response = client.get(reverse("reports:feed"))
    assert response.status_code == 200
    body = response.content.decode()
    listed = {key for key, report in reports.items() if report.title in body}
    assert listed == EXPECTED[persona]
    if "secret" not in EXPECTED[persona]:
        assert SECRET_GROUP_NAME not in body


def test_drafts_are_never_listed_even_for_their_author(
    client: Client, world: World, reports: dict[str, ActionReport]
) -> None:
    client.force_login(world.bob)
    assert "Brouillon de Bob" not in client.get(reverse("reports:feed")).content.decode()


def test_card_shows_facts_hashtags_and_reactions(client: Client, world: World) -> None:
    report = make_report(
        world.lyon,
        title="Distribution de tracts gare Part-Dieu",
        town="Villeurbanne",
        people_reached=140,
        hashtags="#désarmement #paix",
    )
    report.reactions.create(user=world.charlie, kind="bravo")
    report.reactions.create(user=world.bob, kind="bravo")
    report.reactions.create(user=world.bob, kind="did_it_too")
    body = client.get(reverse("reports:feed")).content.decode()
    assert f'href="{report.get_absolute_url()}"' in body
    assert "Villeurbanne" in body
    assert "140 people met or present" in body
    assert "Leaflet distribution" in body
    assert world.lyon.name in body
    assert "#désarmement" in body and "#paix" in body
    assert "Bravo: 2" in body
    assert "We did it too: 1" in body


def test_card_shows_first_photo_thumbnail_with_alt_text(client: Client, world: World) -> None:
    report = make_report(world.lyon, title="Stand avec photo")
    second = report.photos.create(
        image="x.jpg", thumbnail="x-t.jpg", alt_text="Deuxième", position=2
    )
    first = report.photos.create(
        image="y.jpg", thumbnail="y-t.jpg", alt_text="Le stand sous la pluie", position=1
    )
    body = client.get(reverse("reports:feed")).content.decode()
    assert reverse("reports:thumbnail", args=[report.slug, first.pk]) in body
    assert 'alt="Le stand sous la pluie"' in body
    assert reverse("reports:thumbnail", args=[report.slug, second.pk]) not in body


def test_report_button_only_for_members(client: Client, world: World) -> None:
    create_url = reverse("reports:create")
    assert create_url not in client.get(reverse("reports:feed")).content.decode()
    client.force_login(world.eve)
    assert create_url not in client.get(reverse("reports:feed")).content.decode()
    client.force_login(world.charlie)
    assert create_url in client.get(reverse("reports:feed")).content.decode()


def test_empty_feed_says_so(client: Client, world: World) -> None:
    body = client.get(reverse("reports:feed")).content.decode()
    assert "No action reported yet." in body
