import hashlib
import re
from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.groups import services
from colombe.groups.models import GroupMembership, Invitation
from colombe.groups.tests.conftest import assert_hides_secret
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


def invite(client: Client, world: World, email: str = "newcomer@example.org") -> str:
    """Bob invites ``email`` to the secret group; returns the token from the email."""
    client.force_login(world.bob)
    response = client.post(
        reverse("groups:invite", args=[world.secret_group.slug]), {"email": email}
    )
    assert response.status_code == 302
    client.logout()
    match = re.search(r"/groupes/invitations/([\w-]+)/", str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)


def accept_url(token: str) -> str:
    return reverse("groups:accept_invitation", args=[token])


def test_invitation_is_emailed_with_a_hashed_single_token(
    client: Client, world: World, settings: object
) -> None:
    token = invite(client, world)
    invitation = Invitation.objects.get(email="newcomer@example.org")
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    assert SECRET_GROUP_NAME in message.subject
    assert f"http://127.0.0.1:8000/groupes/invitations/{token}/" in message.body
    assert "Bob" in message.body
    entry = AuditEntry.objects.get(action="groups.invitation.created")
    assert entry.data == {"invitation": invitation.pk, "renewed": False}


def test_accept_page_shows_group_and_login_links_to_anonymous(client: Client, world: World) -> None:
    token = invite(client, world)
    response = client.get(accept_url(token))
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET_GROUP_NAME in body
    assert f"{reverse('account_login')}?next=/groupes/invitations/{token}/" in body
    assert f"{reverse('account_signup')}?next=/groupes/invitations/{token}/" in body


def test_anonymous_post_goes_to_login_and_keeps_the_invitation(
    client: Client, world: World
) -> None:
    token = invite(client, world)
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/groupes/invitations/" in response["Location"]
    assert Invitation.objects.get().accepted_at is None


def test_accepting_makes_a_member_even_with_another_email(client: Client, world: World) -> None:
    token = invite(client, world, "someone-else@example.org")
    client.force_login(world.eve)
    assert "Join the group" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == world.secret_group.get_absolute_url()
    membership = GroupMembership.objects.get(group=world.secret_group, user=world.eve)
    assert membership.role == GroupMembership.Role.MEMBER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == world.eve and invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="groups.invitation.accepted").count() == 1
    assert client.get(world.secret_group.get_absolute_url()).status_code == 200


def test_used_token_is_410_without_the_group_name(client: Client, world: World) -> None:
    token = invite(client, world)
    client.force_login(world.eve)
    client.post(accept_url(token))
    client.force_login(world.frank)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        body = response.content.decode()
        assert response.status_code == 410
        assert "already been used" in body
        assert SECRET_GROUP_NAME not in body
    assert not GroupMembership.objects.filter(user=world.frank).exists()


def test_expired_token_is_410_without_the_group_name(client: Client, world: World) -> None:
    token = invite(client, world)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(world.eve)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        body = response.content.decode()
        assert response.status_code == 410
        assert "expired" in body
        assert SECRET_GROUP_NAME not in body
    assert not GroupMembership.objects.filter(user=world.eve).exists()


def test_wrong_token_is_404(client: Client, world: World) -> None:
    invite(client, world)
    client.force_login(world.eve)
    for response in (client.get(accept_url("not-a-token")), client.post(accept_url("x" * 43))):
        body = response.content.decode()
        assert response.status_code == 404
        assert "not valid" in body
        assert SECRET_GROUP_NAME not in body


def test_inviting_a_member_gives_a_clear_message(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = reverse("groups:invite", args=[world.secret_group.slug])
    response = client.post(url, {"email": "Charlie@example.org"})
    assert response.status_code == 422
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_bad_email_is_422_and_kept(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = reverse("groups:invite", args=[world.public_group.slug])
    response = client.post(url, {"email": "not an email"})
    assert response.status_code == 422
    assert 'value="not an email"' in response.content.decode()


def test_reinviting_renews_the_pending_invitation(client: Client, world: World) -> None:
    first = invite(client, world)
    second = invite(client, world, "NEWCOMER@example.org")
    assert Invitation.objects.count() == 1
    assert first != second
    client.force_login(world.eve)
    assert client.get(accept_url(first)).status_code == 404
    assert client.get(accept_url(second)).status_code == 200
    latest = AuditEntry.objects.filter(action="groups.invitation.created").first()
    assert latest is not None and latest.data["renewed"]


def test_manage_page_lists_pending_invitations(client: Client, world: World) -> None:
    invite(client, world)
    client.force_login(world.bob)
    body = client.get(reverse("groups:manage", args=[world.secret_group.slug])).content.decode()
    assert "newcomer@example.org" in body


def test_plain_member_cannot_invite(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("groups:invite", args=[world.private_group.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_invite_secret_group_by_outsider_is_404(client: Client, world: World) -> None:
    url = reverse("groups:invite", args=[world.secret_group.slug])
    assert_hides_secret(client.post(url, {"email": "x@example.org"}))
    client.force_login(world.eve)
    assert_hides_secret(client.get(url))
    assert_hides_secret(client.post(url, {"email": "x@example.org"}))
    assert not Invitation.objects.exists()


def test_member_following_an_invitation_link_is_told(client: Client, world: World) -> None:
    invitation = cast(
        Invitation,
        factories.InvitationFactory(
            group=world.public_group, token_hash=hashlib.sha256(b"tok").hexdigest()
        ),
    )
    client.force_login(world.charlie)
    body = client.get(accept_url("tok")).content.decode()
    assert "already a member" in body
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Withdrawing an invitation -------------------------------------------------------------


def revoke_url(invitation: Invitation) -> str:
    return reverse("groups:revoke_invitation", args=[invitation.group.slug, invitation.pk])


def test_moderator_withdraws_a_pending_invitation(client: Client, world: World) -> None:
    token = invite(client, world)
    invitation = Invitation.objects.get()
    client.force_login(world.bob)
    manage = reverse("groups:manage", args=[world.secret_group.slug])
    assert f'action="{revoke_url(invitation)}"' in client.get(manage).content.decode()
    response = client.post(revoke_url(invitation), follow=True)
    body = response.content.decode()
    assert response.redirect_chain == [(manage, 302)]
    assert "The invitation has been withdrawn." in body
    assert "newcomer@example.org" not in body
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitation.email == ""
    entry = AuditEntry.objects.get(action="groups.invitation.revoked")
    assert entry.data == {"invitation": invitation.pk}
    client.force_login(world.eve)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        body = response.content.decode()
        assert response.status_code == 410
        assert "no longer valid" in body
        assert SECRET_GROUP_NAME not in body
    assert not GroupMembership.objects.filter(group=world.secret_group, user=world.eve).exists()


def test_withdrawing_is_post_only(client: Client, world: World) -> None:
    invite(client, world)
    client.force_login(world.bob)
    assert client.get(revoke_url(Invitation.objects.get())).status_code == 405
    assert Invitation.objects.get().revoked_at is None


def test_accepted_invitation_cannot_be_withdrawn(client: Client, world: World) -> None:
    token = invite(client, world)
    client.force_login(world.eve)
    client.post(accept_url(token))
    client.force_login(world.bob)
    response = client.post(revoke_url(Invitation.objects.get()), follow=True)
    assert "already been accepted or withdrawn" in response.content.decode()
    assert Invitation.objects.get().revoked_at is None
    assert not AuditEntry.objects.filter(action="groups.invitation.revoked").exists()


def test_invitation_of_another_group_is_404(client: Client, world: World) -> None:
    invite(client, world)
    invitation = Invitation.objects.get()
    client.force_login(world.bob)
    url = reverse("groups:revoke_invitation", args=[world.public_group.slug, invitation.pk])
    assert client.post(url).status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_plain_member_cannot_withdraw(client: Client, world: World) -> None:
    invite(client, world)
    client.force_login(world.charlie)
    assert client.post(revoke_url(Invitation.objects.get())).status_code == 403
    assert Invitation.objects.get().revoked_at is None


def test_withdraw_in_a_secret_group_is_404_for_outsiders(client: Client, world: World) -> None:
    invite(client, world)
    url = revoke_url(Invitation.objects.get())
    assert_hides_secret(client.post(url))
    client.force_login(world.eve)
    assert_hides_secret(client.post(url))
    assert_hides_secret(client.get(url))
    assert Invitation.objects.get().revoked_at is None


def test_inviting_again_after_withdrawing_sends_a_working_link(
    client: Client, world: World
) -> None:
    invite(client, world)
    client.force_login(world.bob)
    client.post(revoke_url(Invitation.objects.get()))
    token = invite(client, world)
    assert Invitation.objects.count() == 2
    client.force_login(world.eve)
    assert client.get(accept_url(token)).status_code == 200


# Rate limit, forgetting addresses ------------------------------------------------------


def test_inviting_is_limited_to_50_an_hour_per_person(client: Client, world: World) -> None:
    assert services.INVITATIONS_PER_HOUR == 50
    for number in range(50):
        services.invite_member(
            actor=world.bob, group=world.public_group, email=f"person{number}@example.org"
        )
    client.force_login(world.bob)
    url = reverse("groups:invite", args=[world.private_group.slug])
    response = client.post(url, {"email": "one-too-many@example.org"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "You have sent 50 invitations in the last hour" in body
    assert 'value="one-too-many@example.org"' in body
    assert not Invitation.objects.filter(email="one-too-many@example.org").exists()
    assert len(mail.outbox) == 50
    # The limit is the person's, not the group's.
    GroupMembership.objects.filter(group=world.private_group, user=world.charlie).update(
        role=GroupMembership.Role.MODERATOR
    )
    client.force_login(world.charlie)
    assert client.post(url, {"email": "one-too-many@example.org"}).status_code == 302


def test_accepted_invitation_forgets_the_address(client: Client, world: World) -> None:
    token = invite(client, world)
    client.force_login(world.eve)
    client.post(accept_url(token))
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert invitation.email == ""


def test_forget_invitations_for_deletes_pending_invitations(world: World) -> None:
    for email in ("gone@example.org", "Gone@Example.org", "other-gone@example.org"):
        factories.InvitationFactory.create(group=world.public_group, email=email)
    factories.InvitationFactory.create(group=world.secret_group, email="gone@example.org")
    kept = factories.InvitationFactory.create(group=world.public_group, email="stay@example.org")
    deleted = services.forget_invitations_for(["GONE@example.org ", "other-gone@example.org"])
    assert deleted == 4
    assert list(Invitation.objects.all()) == [kept]
    assert services.forget_invitations_for([]) == 0
