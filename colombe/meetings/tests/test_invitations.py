import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.meetings import services
from colombe.meetings.models import Meeting, MeetingInvitation
from colombe.meetings.tests.schedule_helpers import schedule
from colombe.movement.models import PartnerOrganisation
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db
Kind, Role = MeetingInvitation.Kind, MeetingInvitation.Role


def invite_guest(world: World, meeting: Any, email: str = "guest@example.net") -> tuple:
    return services.invite(
        meeting,
        email=email,
        name="Gaëlle",
        kind=Kind.GUEST,
        role=Role.ATTENDEE,
        invited_by=world.bob,
    )


def link_in(message: Any) -> str:
    match = re.search(r"/reunions/rejoindre/([\w-]+)/", str(message.body))
    assert match is not None, message.body
    return match.group(1)


def test_invitation_stores_only_the_hash_and_emails_the_personal_link(
    world: World, mailoutbox: list
) -> None:
    meeting = schedule(world)
    invitation, token = invite_guest(world, meeting)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(MeetingInvitation.objects.filter(pk=invitation.pk).values().get())
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["guest@example.net"]
    assert meeting.title in message.subject
    assert f"http://127.0.0.1:8000/reunions/rejoindre/{token}/" in message.body
    assert link_in(message) == token
    entry = AuditEntry.objects.get(action="meetings.invitation.created")
    assert entry.data == {"invitation": invitation.pk, "renewed": False, "role": "attendee"}


def test_invitation_expires_days_after_the_meeting_ends(world: World, settings: Any) -> None:
    settings.MEETING_INVITATION_DAYS_AFTER_END = 2
    meeting = schedule(world)
    invitation, token = invite_guest(world, meeting)
    assert invitation.expires_at == meeting.ends_at + timedelta(days=2)
    assert services.invitation_from_token(token) == invitation
    MeetingInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.invitation_from_token(token) is None


def test_revoked_or_unknown_tokens_are_unusable(world: World) -> None:
    meeting = schedule(world)
    invitation, token = invite_guest(world, meeting)
    assert services.invitation_from_token("not-a-token") is None
    services.revoke_invitation(actor=world.bob, meeting=meeting, invitation_id=invitation.pk)
    assert services.invitation_from_token(token) is None


def test_resend_issues_a_new_link_and_kills_the_old_one(world: World, mailoutbox: list) -> None:
    meeting = schedule(world)
    invitation, old = invite_guest(world, meeting)
    _, new = services.resend_invitation(
        actor=world.bob, meeting=meeting, invitation_id=invitation.pk
    )
    assert new != old
    assert services.invitation_from_token(old) is None
    assert services.invitation_from_token(new) == invitation
    assert link_in(mailoutbox[-1]) == new


def test_inviting_the_same_address_again_renews_the_invitation(world: World) -> None:
    meeting = schedule(world)
    first, old = invite_guest(world, meeting)
    services.revoke_invitation(actor=world.bob, meeting=meeting, invitation_id=first.pk)
    again, new = invite_guest(world, meeting, email="GUEST@example.net")
    assert again.pk == first.pk and again.revoked_at is None
    assert services.invitation_from_token(new) == again
    assert services.invitation_from_token(old) is None


def test_a_member_invited_by_email_is_linked_to_their_account(world: World) -> None:
    meeting = schedule(world, group=world.secret_group)
    invitation, _ = services.invite(
        meeting,
        email="Frank@example.org",
        name="",
        kind=Kind.PARTNER,
        role=Role.SPEAKER,
        invited_by=world.bob,
    )
    assert invitation.user == world.frank
    # Frank now sees that one meeting (not the group).
    assert services.my_meetings(world.frank).get() == meeting


def test_only_organisers_invite(world: World) -> None:
    meeting = schedule(world)
    with pytest.raises(PermissionDenied):
        services.invite(
            meeting,
            email="x@example.net",
            name="",
            kind="guest",
            role="attendee",
            invited_by=world.charlie,
        )


def test_invitations_are_rate_limited_per_organiser(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "INVITATIONS_PER_HOUR", 2)
    meeting = schedule(world)
    invite_guest(world, meeting, "a@example.net")
    invite_guest(world, meeting, "b@example.net")
    with pytest.raises(services.InvitationLimitReached):
        invite_guest(world, meeting, "c@example.net")
    assert meeting.invitations.count() == 2


def test_bulk_invite_of_the_committee_members_skips_the_inviter_and_repeats(
    world: World, mailoutbox: list
) -> None:
    meeting = schedule(world)
    assert services.invite_members(meeting, invited_by=world.bob) == 1  # Charlie; Dana is pending
    invitation = meeting.invitations.get()
    assert (invitation.user, invitation.kind) == (world.charlie, Kind.MEMBER)
    assert services.invite_members(meeting, invited_by=world.bob) == 0
    assert len(mailoutbox) == 1


def test_bulk_invite_of_a_group_invites_its_members(world: World) -> None:
    meeting = schedule(world, group=world.private_group)
    assert services.invite_members(meeting, invited_by=world.bob) == 1
    assert meeting.invitations.get().user == world.charlie


def test_partner_representatives_are_invited(world: World, mailoutbox: list) -> None:
    meeting = schedule(world)
    partner = PartnerOrganisation.objects.get(slug="amis")  # Frank's organisation
    assert list(services.partners_with_representatives()) == [partner]
    assert services.invite_partner(meeting, organisation=partner, invited_by=world.bob) == 1
    invitation = meeting.invitations.get()
    assert (invitation.user, invitation.kind, invitation.organisation) == (
        world.frank,
        Kind.PARTNER,
        partner,
    )
    assert mailoutbox[0].to == ["frank@example.org"]


# Pages -----------------------------------------------------------------------------------


def test_invitations_page_is_for_organisers(client: Client, world: World) -> None:
    meeting = schedule(world, audience=Meeting.Audience.MOVEMENT)
    url = reverse("meetings:invitations", args=[meeting.slug])
    assert client.get(url).status_code == 404  # anonymous visitors do not see it
    client.force_login(world.eve)  # member of nothing: not of the movement either
    assert client.get(url).status_code == 404
    client.force_login(world.frank)  # a partner's representative is in the movement
    assert client.get(url).status_code == 403
    client.force_login(world.charlie)
    assert client.get(url).status_code == 403
    client.force_login(world.bob)
    assert client.get(url).status_code == 200


def test_public_meeting_invitations_page_asks_anonymous_to_log_in(
    client: Client, world: World
) -> None:
    meeting = schedule(world, audience=Meeting.Audience.PUBLIC)
    response = client.get(reverse("meetings:invitations", args=[meeting.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_secret_group_invitations_page_is_404_for_alice(client: Client, world: World) -> None:
    meeting = schedule(world, group=world.secret_group)
    client.force_login(world.alice)
    response = client.get(reverse("meetings:invitations", args=[meeting.slug]))
    assert response.status_code == 404
    assert SECRET_GROUP_NAME not in response.content.decode()


def test_invite_form_sends_and_lists(client: Client, world: World, mailoutbox: list) -> None:
    meeting = schedule(world)
    client.force_login(world.bob)
    url = reverse("meetings:invitations", args=[meeting.slug])
    bad = client.post(url, {"email": "nope", "kind": "guest", "role": "attendee"})
    assert bad.status_code == 422
    response = client.post(
        url, {"email": "guest@example.net", "name": "Gaëlle", "kind": "guest", "role": "speaker"}
    )
    assert response.status_code == 302
    assert meeting.invitations.get().role == Role.SPEAKER
    page = client.get(url).content.decode()
    assert "guest@example.net" in page and "Gaëlle" in page
    assert len(mailoutbox) == 1


def test_revoke_asks_for_confirmation(client: Client, world: World) -> None:
    meeting = schedule(world)
    invitation, token = invite_guest(world, meeting)
    client.force_login(world.bob)
    url = reverse("meetings:invitation_revoke", args=[meeting.slug, invitation.pk])
    assert client.get(url).status_code == 200
    assert services.invitation_from_token(token) is not None
    assert client.post(url).status_code == 302
    assert services.invitation_from_token(token) is None


def test_bulk_buttons_work(client: Client, world: World) -> None:
    meeting = schedule(world)
    client.force_login(world.bob)
    client.post(reverse("meetings:invite_members", args=[meeting.slug]))
    client.post(reverse("meetings:invite_partner", args=[meeting.slug]), {"organisation": "amis"})
    assert {i.user for i in meeting.invitations.all()} == {world.charlie, world.frank}
    client.force_login(world.charlie)
    assert client.post(reverse("meetings:invite_members", args=[meeting.slug])).status_code == 403
