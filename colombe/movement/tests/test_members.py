import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

MEMBERS = reverse("movement:members", args=["lyon"])


def membership_of(world: World, persona: str) -> Membership:
    return Membership.objects.get(user=getattr(world, persona), structure=world.lyon)


def role_url(membership: Membership) -> str:
    return reverse("movement:change_role", args=["lyon", membership.pk])


@pytest.mark.parametrize("persona", ["bob", "charlie", "alice"])
def test_members_admins_see_the_member_list(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    response = client.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Bob</th>' in body
    assert '<th scope="row">Charlie</th>' in body
    assert "Leader" in body
    assert '<span class="badge">Relay</span>' in body
    assert world.bob.email not in body
    assert world.charlie.email not in body


def test_regional_coordinator_sees_the_member_list(
    client: Client, world: World, coordinator
) -> None:
    client.force_login(coordinator)
    assert client.get(MEMBERS).status_code == 200


@pytest.mark.parametrize("persona", ["dana", "eve", "frank"])
def test_others_do_not_see_the_member_list(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    response = client.get(MEMBERS)
    assert response.status_code == 403
    assert "Charlie" not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    response = client.get(MEMBERS)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_leaders_see_pending_requests(client: Client, world: World) -> None:
    factories.MembershipFactory.create(
        user=world.eve,
        structure=world.lyon,
        status=Membership.Status.PENDING,
        message="Je voudrais aider pour les tracts.",
    )
    client.force_login(world.bob)
    body = client.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Requests waiting for approval" in body
    assert "Dana" in body
    assert "Je voudrais aider pour les tracts." in body
    assert reverse("movement:approve", args=["lyon", membership_of(world, "dana").pk]) in body


def test_plain_members_do_not_see_pending_requests(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    body = client.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dana" not in body
    assert "Requests waiting for approval" not in body
    assert "Change role" not in body


def test_member_list_is_paginated(client: Client, world: World) -> None:
    for _ in range(30):
        factories.MembershipFactory.create(structure=world.lyon)
    client.force_login(world.charlie)
    body = client.get(MEMBERS).content.decode()
    assert body.count('<th scope="row">') == 25
    assert "page=2" in body


def test_member_list_does_not_query_per_member(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    for number in range(20):
        factories.MembershipFactory.create(structure=world.lyon, is_relay=number < 2)
        factories.MembershipFactory.create(structure=world.lyon, status=Membership.Status.PENDING)
    client.force_login(world.bob)
    client.get(MEMBERS)
    with django_assert_max_num_queries(20):
        assert client.get(MEMBERS).status_code == 200


def test_member_list_never_names_the_secret_group(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert SECRET_GROUP_NAME not in client.get(MEMBERS).content.decode()


def test_unknown_structure_members_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("movement:members", args=["atlantide"])).status_code == 404


def test_leader_makes_a_member_leader(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        role_url(membership_of(world, "charlie")),
        {"role": "leader"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "The role has been changed." in response.content.decode()
    assert membership_of(world, "charlie").role == Membership.Role.LEADER
    entry = AuditEntry.objects.get(action="movement.role.changed")
    assert entry.data["from"] == "member"
    assert entry.data["to"] == "leader"


def test_last_leader_cannot_be_demoted(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        role_url(membership_of(world, "bob")),
        {"role": "member"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "This is the last leader" in response.content.decode()
    assert membership_of(world, "bob").role == Membership.Role.LEADER


def test_leader_steps_down_once_there_is_another_leader(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(role_url(membership_of(world, "charlie")), {"role": "leader"})
    client.post(role_url(membership_of(world, "bob")), {"role": "member"})
    assert membership_of(world, "bob").role == Membership.Role.MEMBER
    # Bob is no longer a leader: he cannot change roles any more.
    response = client.post(role_url(membership_of(world, "bob")), {"role": "leader"})
    assert response.status_code == 403


def test_unknown_role_is_refused(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        role_url(membership_of(world, "charlie")),
        {"role": "representative"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Choose leader or member." in response.content.decode()
    assert membership_of(world, "charlie").role == Membership.Role.MEMBER


@pytest.mark.parametrize("persona", ["charlie", "eve"])
def test_others_cannot_change_roles(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    response = client.post(role_url(membership_of(world, "charlie")), {"role": "leader"})
    assert response.status_code == 403
    assert membership_of(world, "charlie").role == Membership.Role.MEMBER
