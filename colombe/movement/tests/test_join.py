import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

JOIN = reverse("movement:join", args=["lyon"])
LEAVE = reverse("movement:leave", args=["lyon"])


def approve_url(membership: Membership) -> str:
    return reverse("movement:approve", args=[membership.structure.slug, membership.pk])


def reject_url(membership: Membership) -> str:
    return reverse("movement:reject", args=[membership.structure.slug, membership.pk])


def dana_request(world: World) -> Membership:
    return Membership.objects.get(user=world.dana, structure=world.lyon)


def test_join_form_is_for_logged_in_people(client: Client, world: World) -> None:
    response = client.get(JOIN)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_outsider_asks_to_join_and_leaders_are_told(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert client.get(JOIN).status_code == 200
    response = client.post(
        JOIN, {"message": "Je suis étudiante à Lyon."}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "Your request has been sent" in response.content.decode()
    membership = Membership.objects.get(user=world.eve, structure=world.lyon)
    assert membership.status == Membership.Status.PENDING
    assert membership.role == Membership.Role.MEMBER
    assert [email.to for email in mail.outbox] == [[world.bob.email]]
    assert "Eve" in mail.outbox[0].body
    assert "Je suis étudiante à Lyon." in mail.outbox[0].body
    assert reverse("movement:members", args=["lyon"]) in mail.outbox[0].body
    assert world.eve.email not in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="movement.membership.requested")
    assert entry.actor == world.eve
    assert "Je suis" not in str(entry.data)


def test_duplicate_request_gets_a_clear_message(client: Client, world: World) -> None:
    client.force_login(world.dana)
    for response in (
        client.get(JOIN, HTTP_ACCEPT_LANGUAGE="en", follow=True),
        client.post(JOIN, {"message": "again"}, HTTP_ACCEPT_LANGUAGE="en", follow=True),
    ):
        assert "Your request is already waiting for approval." in response.content.decode()
    assert Membership.objects.filter(user=world.dana, structure=world.lyon).count() == 1
    assert mail.outbox == []


def test_member_asking_again_is_told_they_are_a_member(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.post(JOIN, {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You are already a member of this structure." in response.content.decode()


def test_too_long_join_message_is_shown_again(client: Client, world: World) -> None:
    client.force_login(world.eve)
    response = client.post(JOIN, {"message": "Bonjour " * 200})
    assert response.status_code == 422
    assert "Bonjour Bonjour" in response.content.decode()
    assert not Membership.objects.filter(user=world.eve).exists()


def test_join_unknown_structure_is_404(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert client.post(reverse("movement:join", args=["atlantide"])).status_code == 404


def test_join_a_collective_as_representative(client: Client, world: World) -> None:
    partner = world.collective.partners.get()
    client.force_login(world.eve)
    url = reverse("movement:join", args=[world.collective.slug])
    assert (
        "Organisation you represent" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.post(url, {"message": "", "organisation": partner.pk})
    membership = Membership.objects.get(user=world.eve, structure=world.collective)
    assert membership.role == Membership.Role.REPRESENTATIVE
    assert membership.organisation == partner


def test_join_collective_with_a_foreign_organisation_is_refused(
    client: Client, world: World
) -> None:
    stranger = factories.PartnerOrganisationFactory.create()
    client.force_login(world.eve)
    url = reverse("movement:join", args=[world.collective.slug])
    response = client.post(url, {"organisation": stranger.pk})
    assert response.status_code == 422
    assert not Membership.objects.filter(user=world.eve).exists()


def test_leader_approves_and_the_person_is_told(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(approve_url(dana_request(world)), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "The request has been approved." in response.content.decode()
    membership = dana_request(world)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.approved_at is not None
    assert [email.to for email in mail.outbox] == [[world.dana.email]]
    assert "Comité de Lyon" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(
        action="movement.membership.approved", actor=world.bob, object_id=str(world.lyon.pk)
    ).exists()


def test_leader_declines_and_the_request_is_removed(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(reject_url(dana_request(world)))
    assert not Membership.objects.filter(user=world.dana, structure=world.lyon).exists()
    assert [email.to for email in mail.outbox] == [[world.dana.email]]
    assert "not accepted" in mail.outbox[0].body or "pas été acceptée" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="movement.membership.rejected").exists()


def test_regional_coordinator_approves(client: Client, world: World, coordinator) -> None:
    client.force_login(coordinator)
    client.post(approve_url(dana_request(world)))
    assert dana_request(world).status == Membership.Status.ACTIVE


@pytest.mark.parametrize("persona", ["charlie", "eve", "dana", "frank"])
def test_others_cannot_approve_or_reject(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.post(approve_url(dana_request(world))).status_code == 403
    assert client.post(reject_url(dana_request(world))).status_code == 403
    assert dana_request(world).status == Membership.Status.PENDING
    assert mail.outbox == []


def test_approve_is_post_only(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get(approve_url(dana_request(world))).status_code == 405


def test_approving_twice_says_it_is_handled(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = approve_url(dana_request(world))
    client.post(url)
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "This request has already been handled." in response.content.decode()
    assert len(mail.outbox) == 1


def test_request_of_another_structure_cannot_be_approved_through_this_one(
    client: Client, world: World
) -> None:
    elsewhere = factories.MembershipFactory.create(
        structure=world.collective, status=Membership.Status.PENDING
    )
    client.force_login(world.bob)
    client.post(reverse("movement:approve", args=["lyon", elsewhere.pk]))
    elsewhere.refresh_from_db()
    assert elsewhere.status == Membership.Status.PENDING


def test_member_leaves_after_confirming(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    confirmation = client.get(LEAVE, HTTP_ACCEPT_LANGUAGE="en")
    assert confirmation.status_code == 200
    assert "Yes, leave" in confirmation.content.decode()
    assert Membership.objects.filter(user=world.charlie, structure=world.lyon).exists()
    client.post(LEAVE)
    assert not Membership.objects.filter(user=world.charlie, structure=world.lyon).exists()
    assert AuditEntry.objects.filter(
        action="movement.membership.left", actor=world.charlie
    ).exists()


def test_pending_person_withdraws_their_request(client: Client, world: World) -> None:
    client.force_login(world.dana)
    assert "withdraw" in client.get(LEAVE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(LEAVE)
    assert not Membership.objects.filter(user=world.dana, structure=world.lyon).exists()


def test_last_leader_cannot_leave(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(LEAVE, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You are the last leader" in response.content.decode()
    assert Membership.objects.filter(user=world.bob, structure=world.lyon).exists()


def test_outsider_leaving_is_told_they_are_not_a_member(client: Client, world: World) -> None:
    client.force_login(world.eve)
    response = client.post(LEAVE, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You are not a member of this structure." in response.content.decode()


@pytest.mark.parametrize("url", [JOIN, LEAVE])
def test_join_and_leave_pages_never_name_the_secret_group(
    client: Client, world: World, url: str
) -> None:
    client.force_login(world.eve)
    assert SECRET_GROUP_NAME not in client.get(url, follow=True).content.decode()
