from typing import Any, cast

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.groups.models import GroupMembership, JoinRequest
from colombe.groups.tests.conftest import assert_hides_secret
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


def join_url(world: World) -> str:
    return reverse("groups:join", args=[world.private_group.slug])


def ask(client: Client, world: World, message: str = "Je suis étudiante.") -> None:
    client.force_login(world.eve)
    response = client.post(join_url(world), {"message": message})
    assert response.status_code == 302


def emails_to(address: str) -> list[EmailMessage]:
    return [message for message in mail.outbox if message.to == [address]]


def test_outsider_asks_to_join_a_private_group(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert "Send my request" in client.get(join_url(world)).content.decode()
    ask(client, world)
    join_request = JoinRequest.objects.get(group=world.private_group, user=world.eve)
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == "Je suis étudiante."
    assert AuditEntry.objects.filter(action="groups.join_request.created").count() == 1
    body = client.get(world.private_group.get_absolute_url()).content.decode()
    assert "waiting for the moderators" in body


def test_moderators_and_owners_are_told_of_a_request(client: Client, world: World) -> None:
    factories.GroupMembershipFactory(
        group=world.private_group, user=world.dana, role=GroupMembership.Role.MODERATOR
    )
    ask(client, world, message="Je voudrais aider au tractage.")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bob@example.org",
        "dana@example.org",
    ]  # one email each (nobody sees the others' addresses), none to Charlie, a member
    manage_url = "http://127.0.0.1:8000" + reverse("groups:manage", args=["lyon-prive"])
    for message in mail.outbox:
        assert message.subject == "New request to join the group “Groupe privé de Lyon”"
        assert "Eve asks to join the group “Groupe privé de Lyon”." in message.body
        assert "Je voudrais aider au tractage." in message.body
        assert manage_url in message.body
    # The link works for the moderator who receives it.
    client.force_login(world.dana)
    assert "Je voudrais aider au tractage." in client.get(manage_url).content.decode()


def test_repeated_request_sends_no_new_email(client: Client, world: World) -> None:
    ask(client, world)
    client.post(join_url(world), {"message": "encore"})
    assert len(emails_to("bob@example.org")) == 1


def test_request_email_is_in_french_by_default(client: Client, world: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    ask(client, world, message="")
    [message] = mail.outbox
    assert message.subject == "Nouvelle demande pour rejoindre le groupe « Groupe privé de Lyon »"
    assert "Eve demande à rejoindre le groupe" in message.body
    assert "Their message" not in message.body and "Son message" not in message.body


def test_duplicate_request_says_you_already_asked(client: Client, world: World) -> None:
    ask(client, world)
    response = client.post(join_url(world), {"message": "encore"}, follow=True)
    assert "You already asked to join this group" in response.content.decode()
    assert JoinRequest.objects.filter(user=world.eve).count() == 1
    page = client.get(join_url(world)).content.decode()
    assert "You already asked to join this group on" in page
    assert "Send my request" not in page


def test_moderator_sees_and_approves_request(client: Client, world: World) -> None:
    ask(client, world)
    join_request = JoinRequest.objects.get()
    client.force_login(world.bob)
    manage_url = reverse("groups:manage", args=[world.private_group.slug])
    body = client.get(manage_url).content.decode()
    assert "Eve" in body and "Je suis étudiante." in body
    url = reverse("groups:approve_request", args=[world.private_group.slug, join_request.pk])
    response = client.post(url)
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_at is not None
    assert GroupMembership.objects.filter(group=world.private_group, user=world.eve).exists()
    [welcome] = emails_to("eve@example.org")
    assert "approved" in welcome.body
    assert "http://127.0.0.1:8000/groupes/lyon-prive/" in welcome.body
    assert AuditEntry.objects.filter(action="groups.join_request.approved").count() == 1
    assert "No request is waiting." in client.get(manage_url).content.decode()


def test_approving_twice_gives_a_message(client: Client, world: World) -> None:
    ask(client, world)
    join_request = JoinRequest.objects.get()
    client.force_login(world.bob)
    url = reverse("groups:approve_request", args=[world.private_group.slug, join_request.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "already been answered" in response.content.decode()
    assert len(emails_to("eve@example.org")) == 1


def test_moderator_rejects_request(client: Client, world: World) -> None:
    ask(client, world)
    join_request = JoinRequest.objects.get()
    client.force_login(world.bob)
    url = reverse("groups:reject_request", args=[world.private_group.slug, join_request.pk])
    assert client.post(url).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REJECTED
    assert not GroupMembership.objects.filter(user=world.eve).exists()
    assert emails_to("eve@example.org") == []
    assert AuditEntry.objects.filter(action="groups.join_request.rejected").count() == 1
    # Declined people may ask again later.
    ask(client, world)
    assert JoinRequest.objects.filter(user=world.eve).count() == 2


def test_approve_needs_post(client: Client, world: World) -> None:
    join_request = cast(
        JoinRequest, factories.JoinRequestFactory(group=world.private_group, user=world.eve)
    )
    client.force_login(world.bob)
    url = reverse("groups:approve_request", args=[world.private_group.slug, join_request.pk])
    assert client.get(url).status_code == 405


def test_plain_member_cannot_decide(client: Client, world: World) -> None:
    join_request = cast(
        JoinRequest, factories.JoinRequestFactory(group=world.private_group, user=world.eve)
    )
    client.force_login(world.charlie)
    slug = world.private_group.slug
    assert client.get(reverse("groups:manage", args=[slug])).status_code == 403
    url = reverse("groups:approve_request", args=[slug, join_request.pk])
    assert client.post(url).status_code == 403
    assert not GroupMembership.objects.filter(user=world.eve).exists()


def test_member_cannot_ask_again(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    assert client.post(join_url(world)).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    response = client.get(join_url(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_secret_group_takes_no_request(client: Client, world: World) -> None:
    url = reverse("groups:join", args=[world.secret_group.slug])
    client.force_login(world.eve)
    assert_hides_secret(client.get(url))
    assert_hides_secret(client.post(url, {"message": "hello"}))
    assert not JoinRequest.objects.exists()
