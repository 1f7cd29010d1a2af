"""Who follows a hashtag, on its page: members only, people who opted in only, nearest
first by the territories of their committees."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.accounts.models import ProfileVisibility, User
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.models import Hashtag
from colombe.movement.models import Membership, Structure, Territory
from tests import factories
from tests.personas import World

PAGE = reverse("core:hashtag", args=["désarmement"])


def follower(name: str, structure: Structure, tag: Hashtag, *, opted_in: bool = True) -> User:
    person = factories.UserFactory.create(
        display_name=name, show_interests=opted_in, profile_visibility=ProfileVisibility.NOBODY
    )
    factories.MembershipFactory.create(user=person, structure=structure)
    person.interests.add(tag)
    return person


def committee(name: str, parent: Territory, level: int = Territory.Level.DEPARTMENT) -> Structure:
    territory = factories.TerritoryFactory.create(name=name, level=level, parent=parent)
    return factories.StructureFactory.create(name=f"Comité de {name}", territory=territory)


def test_followers_are_listed_nearest_first(client: Client, world: World) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    rhone = world.lyon.territory
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    france = Territory.objects.get(slug="france")
    villeurbanne = factories.StructureFactory.create(
        name="Comité de Villeurbanne",
        territory=factories.TerritoryFactory.create(
            name="Villeurbanne", level=Territory.Level.LOCAL, parent=rhone
        ),
    )
    # Names in reverse order of distance, so that an alphabetical list would fail.
    follower("Albert (Brest)", committee("Finistère", france), tag)
    follower("Berthe (Isère)", committee("Isère", region), tag)
    follower("Camille (Villeurbanne)", villeurbanne, tag)
    follower("Denise (Lyon)", world.lyon, tag)
    client.force_login(world.bob)
    body = client.get(PAGE).content.decode()
    positions = [body.index(name) for name in ["Denise", "Camille", "Berthe", "Albert"]]
    assert positions == sorted(positions)


def test_only_people_who_opted_in_are_listed(client: Client, world: World) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    follower("Gaston Visible", world.lyon, tag)
    follower("Hortense Discrète", world.lyon, tag, opted_in=False)
    client.force_login(world.bob)
    body = client.get(PAGE).content.decode()
    assert "Gaston Visible" in body
    assert "Hortense Discrète" not in body


def test_listed_people_show_no_address_and_a_contact_link(client: Client, world: World) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    person = follower("Gaston Visible", world.lyon, tag)
    client.force_login(world.bob)
    body = client.get(PAGE).content.decode()
    assert person.email not in body
    assert reverse("core:interests_contact", args=[person.pk]) in body
    # His profile is for nobody: his name is not a link to it.
    assert person.get_absolute_url() not in body


def test_followers_are_not_shown_to_outsiders_or_pending_members(
    client: Client, world: World
) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    world.public_group.hashtags.add(tag)
    follower("Gaston Visible", world.lyon, tag)
    for outsider in (world.eve, world.dana):  # Dana's membership is still pending
        client.force_login(outsider)
        assert "Gaston Visible" not in client.get(PAGE).content.decode()
    client.logout()
    assert "Gaston Visible" not in client.get(PAGE).content.decode()


def test_a_follower_whose_membership_is_pending_is_not_listed(client: Client, world: World) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    person = follower("Gaston Visible", world.lyon, tag)
    Membership.objects.filter(user=person).update(status=Membership.Status.PENDING)
    world.public_group.hashtags.add(tag)
    client.force_login(world.bob)
    assert "Gaston Visible" not in client.get(PAGE).content.decode()


def test_followers_list_query_count_does_not_grow(client: Client, world: World) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    for number in range(12):
        follower(f"Personne {number}", world.lyon, tag)
    client.force_login(world.bob)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for number in range(12, 30):
        follower(f"Personne {number}", world.lyon, tag)
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)
