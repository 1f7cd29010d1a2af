"""People with the same interests near me, and writing to them through the platform."""

from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.interests import CONTACT_LIMIT
from colombe.core.models import AuditEntry
from colombe.mailing.models import OutboxMessage
from colombe.movement.models import Structure, Territory
from tests import factories
from tests.personas import World

PEOPLE = reverse("core:interests")


def sharing(person: User, tags: str, *, opted_in: bool = True) -> User:
    person.interests.set(get_or_create_hashtags(tags.split()))
    person.show_interests = opted_in
    person.save()
    return person


def member(name: str, structure: Structure, tags: str, *, opted_in: bool = True) -> User:
    person = factories.UserFactory.create(display_name=name)
    factories.MembershipFactory.create(user=person, structure=structure)
    return sharing(person, tags, opted_in=opted_in)


def far_committee(world: World) -> Structure:
    france = Territory.objects.get(slug="france")
    brittany = factories.TerritoryFactory.create(
        name="Bretagne", level=Territory.Level.REGION, parent=france
    )
    return factories.StructureFactory.create(name="Comité de Brest", territory=brittany)


def contact_url(person: User) -> str:
    return reverse("core:interests_contact", args=[person.pk])


# --- the page ---------------------------------------------------------------------------


def test_most_shared_first_then_nearest(client: Client, world: World) -> None:
    sharing(world.bob, "paix désarmement nucléaire")
    brest = far_committee(world)
    member("Aline Loin Trois", brest, "paix désarmement nucléaire")
    member("Bruno Près Un", world.lyon, "paix")
    member("Cécile Loin Un", brest, "paix")
    member("Zoé Près Deux", world.lyon, "paix nucléaire")
    member("Hors Sujet", world.lyon, "climat")
    client.force_login(world.bob)
    body = client.get(PEOPLE).content.decode()
    order = ["Aline Loin Trois", "Zoé Près Deux", "Bruno Près Un", "Cécile Loin Un"]
    positions = [body.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Hors Sujet" not in body


def test_viewer_must_have_opted_in(client: Client, world: World, english_pages: None) -> None:
    sharing(world.bob, "paix", opted_in=False)
    member("Bruno Près", world.lyon, "paix")
    client.force_login(world.bob)
    response = client.get(PEOPLE)
    assert response.status_code == 200  # a member: told how to opt in, shown nobody
    body = response.content.decode()
    assert "Bruno" not in body
    assert reverse("accounts:edit_profile") in body


def test_people_who_did_not_opt_in_are_not_listed(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    member("Discrète", world.lyon, "paix", opted_in=False)
    client.force_login(world.bob)
    assert "Discrète" not in client.get(PEOPLE).content.decode()


def test_outsiders_are_refused(client: Client, world: World) -> None:
    sharing(world.eve, "paix")  # opted in, but a member of nothing
    member("Bruno Près", world.lyon, "paix")
    client.force_login(world.eve)
    response = client.get(PEOPLE)
    assert response.status_code == 403
    assert "Bruno" not in response.content.decode()
    client.logout()
    assert client.get(PEOPLE).status_code == 302


def test_pages_of_twenty(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    for number in range(25):
        member(f"Personne {number:02d}", world.lyon, "paix")
    client.force_login(world.bob)
    first = client.get(PEOPLE).content.decode()
    second = client.get(PEOPLE + "?page=2").content.decode()
    assert first.count('<li class="card">') == 20
    assert second.count('<li class="card">') == 5
    assert "Personne 00" in first and "Personne 24" in second


# --- writing to someone -------------------------------------------------------------------


def test_message_goes_through_the_outbox_without_revealing_addresses(
    client: Client, world: World
) -> None:
    sharing(world.bob, "paix")
    bruno = member("Bruno Près", world.lyon, "paix")
    client.force_login(world.bob)
    page = client.get(contact_url(bruno)).content.decode()
    assert bruno.email not in page
    response = client.post(contact_url(bruno), {"message": "Bonjour, on tracte samedi ?"})
    assert response.status_code == 302
    email = OutboxMessage.objects.get(to_email=bruno.email)
    assert "Bob" in email.subject
    assert "Bonjour, on tracte samedi ?" in email.body_text
    assert world.bob.email not in email.body_text
    assert email.reply_to == ""
    assert contact_url(world.bob) in email.body_text  # answer through the platform
    entry = AuditEntry.objects.get(action="core.interests.contacted")
    assert entry.actor == world.bob
    assert entry.object_id == str(bruno.pk)
    assert "tracte" not in str(entry.data)


def test_sender_may_share_their_address(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    bruno = member("Bruno Près", world.lyon, "paix")
    client.force_login(world.bob)
    client.post(contact_url(bruno), {"message": "Écris-moi.", "share_address": "on"})
    email = OutboxMessage.objects.get(to_email=bruno.email)
    assert email.reply_to == world.bob.email


def test_nobody_can_write_to_someone_who_did_not_opt_in(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    discrete = member("Discrète", world.lyon, "paix", opted_in=False)
    client.force_login(world.bob)
    assert client.get(contact_url(discrete)).status_code == 404
    assert client.post(contact_url(discrete), {"message": "Coucou"}).status_code == 404
    assert client.get(contact_url(world.bob)).status_code == 404  # nor to oneself
    assert not OutboxMessage.objects.exists()


def test_sender_who_did_not_opt_in_cannot_write(client: Client, world: World) -> None:
    sharing(world.bob, "paix", opted_in=False)
    bruno = member("Bruno Près", world.lyon, "paix")
    client.force_login(world.bob)
    assert client.post(contact_url(bruno), {"message": "Coucou"}).status_code == 403
    assert "Coucou" not in client.get(contact_url(bruno)).content.decode()
    client.force_login(world.eve)  # a member of nothing
    assert client.post(contact_url(bruno), {"message": "Coucou"}).status_code == 403
    assert not OutboxMessage.objects.exists()


def test_empty_message_is_refused(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    bruno = member("Bruno Près", world.lyon, "paix")
    client.force_login(world.bob)
    assert client.post(contact_url(bruno), {"message": ""}).status_code == 422
    assert not OutboxMessage.objects.exists()


def test_messages_are_rate_limited_per_sender(client: Client, world: World) -> None:
    sharing(world.bob, "paix")
    people = [member(f"Personne {n}", world.lyon, "paix") for n in range(CONTACT_LIMIT + 1)]
    client.force_login(world.bob)
    statuses = [
        client.post(contact_url(person), {"message": "Bonjour"}).status_code for person in people
    ]
    assert statuses == [302] * CONTACT_LIMIT + [429]
    assert OutboxMessage.objects.count() == CONTACT_LIMIT
