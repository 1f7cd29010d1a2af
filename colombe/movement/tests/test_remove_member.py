import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

MEMBERS = reverse("movement:members", args=["lyon"])


def membership_of(world: World, persona: str) -> Membership:
    return Membership.objects.get(user=getattr(world, persona), structure=world.lyon)


def remove_url(membership: Membership) -> str:
    return reverse("movement:remove_member", args=[membership.structure.slug, membership.pk])


def test_leader_sees_a_remove_link_for_others_only(client: Client, world: World) -> None:
    client.force_login(world.bob)
    body = client.get(MEMBERS).content.decode()
    assert remove_url(membership_of(world, "charlie")) in body
    assert remove_url(membership_of(world, "bob")) not in body


def test_plain_member_sees_no_remove_link(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    body = client.get(MEMBERS).content.decode()
    assert remove_url(membership_of(world, "bob")) not in body


def test_confirmation_page_changes_nothing(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.get(remove_url(membership_of(world, "charlie")), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Remove Charlie from Comité de Lyon?" in body
    assert "Yes, remove" in body
    assert Membership.objects.filter(user=world.charlie, structure=world.lyon).exists()
    assert len(mail.outbox) == 0


def test_leader_removes_a_member(client: Client, world: World) -> None:
    charlie = membership_of(world, "charlie")
    client.force_login(world.bob)
    response = client.post(remove_url(charlie), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == MEMBERS
    body = response.content.decode()
    assert "Charlie is no longer a member." in body
    assert '<th scope="row">Charlie</th>' not in body
    assert not Membership.objects.filter(user=world.charlie, structure=world.lyon).exists()
    entry = AuditEntry.objects.get(action="movement.member.removed")
    assert entry.actor == world.bob
    assert entry.data == {"membership": charlie.pk, "user": world.charlie.pk}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.charlie.email]
    assert "Comité de Lyon" in message.subject
    assert "/structures/lyon/" in message.body
    # The email does not say which leader acted.
    assert world.bob.email not in message.body


def test_removed_person_may_ask_to_join_again(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(remove_url(membership_of(world, "charlie")))
    client.force_login(world.charlie)
    response = client.post(reverse("movement:join", args=["lyon"]), {"message": ""})
    assert response.status_code == 302
    assert membership_of(world, "charlie").status == Membership.Status.PENDING


def test_last_leader_cannot_be_removed(client: Client, world: World, coordinator) -> None:
    bob = membership_of(world, "bob")
    client.force_login(coordinator)
    page = client.get(remove_url(bob), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This is the last leader" in page
    assert "Yes, remove" not in page
    response = client.post(remove_url(bob), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "This is the last leader: name another leader first." in response.content.decode()
    assert Membership.objects.filter(pk=bob.pk).exists()
    assert not AuditEntry.objects.filter(action="movement.member.removed").exists()
    assert len(mail.outbox) == 0


def test_a_leader_can_be_removed_when_another_remains(client: Client, world: World) -> None:
    other = factories.MembershipFactory.create(structure=world.lyon, role=Membership.Role.LEADER)
    client.force_login(world.bob)
    client.post(remove_url(other))
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_leader_does_not_remove_themselves_here(client: Client, world: World) -> None:
    factories.MembershipFactory.create(structure=world.lyon, role=Membership.Role.LEADER)
    bob = membership_of(world, "bob")
    client.force_login(world.bob)
    page = client.get(remove_url(bob), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "use the Leave page" in page
    response = client.post(remove_url(bob), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "use the Leave page" in response.content.decode()
    assert Membership.objects.filter(pk=bob.pk).exists()


def test_pending_request_is_not_removed_here(client: Client, world: World) -> None:
    dana = membership_of(world, "dana")
    client.force_login(world.bob)
    assert client.get(remove_url(dana)).status_code == 404
    response = client.post(remove_url(dana), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "not an active member" in response.content.decode()
    assert Membership.objects.filter(pk=dana.pk).exists()


def test_membership_of_another_structure_is_404(client: Client, world: World) -> None:
    frank = Membership.objects.get(user=world.frank, structure=world.collective)
    client.force_login(world.bob)
    assert client.get(reverse("movement:remove_member", args=["lyon", frank.pk])).status_code == 404
    client.post(reverse("movement:remove_member", args=["lyon", frank.pk]))
    assert Membership.objects.filter(pk=frank.pk).exists()


def test_national_admin_removes_a_member(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.post(remove_url(membership_of(world, "charlie")))
    assert not Membership.objects.filter(user=world.charlie, structure=world.lyon).exists()


@pytest.mark.parametrize("persona", ["charlie", "dana", "eve", "frank"])
def test_others_cannot_remove_members(client: Client, world: World, persona: str) -> None:
    bob = membership_of(world, "bob")
    client.force_login(getattr(world, persona))
    assert client.get(remove_url(bob)).status_code == 403
    response = client.post(remove_url(bob))
    assert response.status_code == 403
    # As a word: random CSRF tokens in the page may contain the letters "Bob".
    assert not re.search(r"\bBob\b", response.content.decode())
    assert Membership.objects.filter(pk=bob.pk).exists()
    assert len(mail.outbox) == 0


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    charlie = membership_of(world, "charlie")
    for response in [client.get(remove_url(charlie)), client.post(remove_url(charlie))]:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert Membership.objects.filter(pk=charlie.pk).exists()


def test_unknown_structure_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    url = reverse("movement:remove_member", args=["atlantide", membership_of(world, "bob").pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_confirmation_never_names_the_secret_group(client: Client, world: World) -> None:
    client.force_login(world.bob)
    body = client.get(remove_url(membership_of(world, "charlie"))).content.decode()
    assert SECRET_GROUP_NAME not in body
