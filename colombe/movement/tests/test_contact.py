import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

CONTACT = reverse("movement:contact", args=["lyon"])
MESSAGE = "Bonjour, je voudrais venir à votre prochaine réunion publique."


def post_message(client: Client, **extra: str):
    data = {"name": "Zoé Martin", "email": "zoe@example.net", "message": MESSAGE, "website": ""}
    data.update(extra)
    return client.post(CONTACT, data, HTTP_ACCEPT_LANGUAGE="en", follow=True)


def test_anonymous_message_reaches_the_leaders_with_reply_to_sender(
    client: Client, world: World
) -> None:
    response = post_message(client)
    assert response.status_code == 200
    assert "Your message has been sent." in response.content.decode()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [world.bob.email]
    assert email.reply_to == ["zoe@example.net"]
    assert MESSAGE in email.body
    assert "Zoé Martin" in email.subject
    assert "Comité de Lyon" in email.subject


def test_each_leader_gets_their_own_email(client: Client, world: World) -> None:
    Membership.objects.filter(user=world.charlie, structure=world.lyon).update(
        role=Membership.Role.LEADER
    )
    post_message(client)
    assert sorted(tuple(email.to) for email in mail.outbox) == [
        (world.bob.email,),
        (world.charlie.email,),
    ]


def test_sender_never_sees_the_leaders_addresses(client: Client, world: World) -> None:
    form_page = client.get(CONTACT).content.decode()
    structure_page = client.get(world.lyon.get_absolute_url()).content.decode()
    after_sending = post_message(client).content.decode()
    for body in (form_page, structure_page, after_sending):
        assert world.bob.email not in body


def test_contact_is_audited_without_the_message(client: Client, world: World) -> None:
    post_message(client)
    entry = AuditEntry.objects.get(action="movement.contact.sent")
    assert entry.object_id == str(world.lyon.pk)
    assert entry.actor is None
    assert MESSAGE not in str(entry.data)
    assert "zoe" not in str(entry.data)


def test_logged_in_sender_is_the_audited_actor(client: Client, world: World) -> None:
    client.force_login(world.eve)
    post_message(client, email=world.eve.email)
    assert AuditEntry.objects.get(action="movement.contact.sent").actor == world.eve


def test_invalid_message_is_shown_again_with_errors(client: Client, world: World) -> None:
    response = client.post(
        CONTACT,
        {"name": "Zoé", "email": "not-an-email", "message": "Long enough message"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Long enough message" in body
    assert "error-summary" in body
    assert mail.outbox == []


def test_too_long_message_is_refused(client: Client, world: World) -> None:
    response = client.post(
        CONTACT, {"name": "Zoé", "email": "zoe@example.net", "message": "x" * 3001}
    )
    assert response.status_code == 422
    assert mail.outbox == []


def test_honeypot_sends_nothing_but_looks_the_same(client: Client, world: World) -> None:
    response = post_message(client, website="http://spam.example")
    assert "Your message has been sent." in response.content.decode()
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="movement.contact.sent").exists()


def test_honeypot_field_is_labelled_and_hidden(client: Client, world: World) -> None:
    body = client.get(CONTACT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="field honeypot"' in body
    assert "Leave this field empty" in body


def test_rate_limit_answers_429_after_five_messages(client: Client, world: World) -> None:
    for _ in range(5):
        assert post_message(client).status_code == 200
    response = client.post(
        CONTACT,
        {"name": "Zoé", "email": "zoe@example.net", "message": MESSAGE},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "You have sent too many messages" in response.content.decode()
    assert len(mail.outbox) == 5


def test_rate_limit_is_per_address(client: Client, world: World) -> None:
    for _ in range(5):
        post_message(client)
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert post_message(other).status_code == 200
    assert len(mail.outbox) == 6


def test_structure_without_leader_writes_to_its_coordinator(
    client: Client, world: World, coordinator
) -> None:
    rhone_committee = factories.StructureFactory.create(
        name="Comité de Villeurbanne", slug="villeurbanne", territory=world.lyon.territory
    )
    client.post(
        reverse("movement:contact", args=[rhone_committee.slug]),
        {"name": "Zoé", "email": "zoe@example.net", "message": MESSAGE},
    )
    assert [email.to for email in mail.outbox] == [[coordinator.email]]


def test_structure_without_anyone_writes_to_national_admins(client: Client, world: World) -> None:
    client.post(
        reverse("movement:contact", args=[world.collective.slug]),
        {"name": "Zoé", "email": "zoe@example.net", "message": MESSAGE},
    )
    assert [email.to for email in mail.outbox] == [[world.alice.email]]


def test_contact_unknown_structure_is_404(client: Client, world: World) -> None:
    response = client.post(
        reverse("movement:contact", args=["atlantide"]),
        {"name": "Zoé", "email": "zoe@example.net", "message": MESSAGE},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", [None, "eve"])
def test_contact_page_never_names_the_secret_group(
    client: Client, world: World, persona: str | None
) -> None:
    if persona:
        client.force_login(getattr(world, persona))
    assert SECRET_GROUP_NAME not in client.get(CONTACT).content.decode()
    assert SECRET_GROUP_NAME not in post_message(client).content.decode()
