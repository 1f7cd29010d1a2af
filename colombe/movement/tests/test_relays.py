import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import World


def membership_of(world: World, persona: str) -> Membership:
    return Membership.objects.get(user=getattr(world, persona), structure=world.lyon)


def name_url(membership: Membership) -> str:
    return reverse("movement:name_relay", args=["lyon", membership.pk])


def remove_url(membership: Membership) -> str:
    return reverse("movement:remove_relay", args=["lyon", membership.pk])


def test_leader_names_a_relay(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        name_url(membership_of(world, "charlie")), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "The relay has been named." in response.content.decode()
    assert membership_of(world, "charlie").is_relay
    entry = AuditEntry.objects.get(action="movement.relay.named")
    assert entry.actor == world.bob
    assert entry.data == {"membership": membership_of(world, "charlie").pk}


def test_at_most_four_relays(client: Client, world: World) -> None:
    # Bob is already a relay: three more make four.
    for _ in range(3):
        factories.MembershipFactory.create(structure=world.lyon, is_relay=True)
    client.force_login(world.bob)
    response = client.post(
        name_url(membership_of(world, "charlie")), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "A structure has at most 4 relays." in response.content.decode()
    assert not membership_of(world, "charlie").is_relay
    assert Membership.objects.filter(structure=world.lyon, is_relay=True).count() == 4
    assert not AuditEntry.objects.filter(action="movement.relay.named").exists()


def test_removing_a_relay_frees_a_place(client: Client, world: World) -> None:
    for _ in range(3):
        factories.MembershipFactory.create(structure=world.lyon, is_relay=True)
    client.force_login(world.bob)
    client.post(remove_url(membership_of(world, "bob")))
    assert not membership_of(world, "bob").is_relay
    assert AuditEntry.objects.filter(action="movement.relay.removed").exists()
    client.post(name_url(membership_of(world, "charlie")))
    assert membership_of(world, "charlie").is_relay


def test_pending_person_cannot_be_a_relay(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        name_url(membership_of(world, "dana")), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "not an active member" in response.content.decode()
    assert not membership_of(world, "dana").is_relay


def test_regional_coordinator_names_relays(client: Client, world: World, coordinator) -> None:
    client.force_login(coordinator)
    client.post(name_url(membership_of(world, "charlie")))
    assert membership_of(world, "charlie").is_relay


@pytest.mark.parametrize("persona", ["charlie", "dana", "eve", "frank"])
def test_others_cannot_name_or_remove_relays(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.post(name_url(membership_of(world, "charlie"))).status_code == 403
    assert client.post(remove_url(membership_of(world, "bob"))).status_code == 403
    assert not membership_of(world, "charlie").is_relay
    assert membership_of(world, "bob").is_relay


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    response = client.post(name_url(membership_of(world, "charlie")))
    assert response.status_code == 302
    assert not membership_of(world, "charlie").is_relay


def test_relay_actions_are_post_only(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get(name_url(membership_of(world, "charlie"))).status_code == 405
