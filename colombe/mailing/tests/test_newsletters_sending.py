"""Writing and sending newsletters: permissions, segments (territory, hashtag, petition
signers who consented), "unsubscribe from everything" respected, idempotent outbox rows
with RFC 8058 headers, test sends, scheduling and progress."""

from datetime import timedelta
from email.header import decode_header, make_header
from email.utils import parseaddr
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import Hashtag
from colombe.mailing import newsletters
from colombe.mailing.models import (
    GlobalUnsubscribe,
    MailingList,
    Newsletter,
    OutboxMessage,
    Subscription,
)
from colombe.mailing.tasks import send_scheduled_newsletters
from colombe.mailing.tests.newsletter_support import lyon_list, subscribe, verify
from colombe.movement.models import Territory
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


def finistere() -> Territory:
    bretagne = factories.TerritoryFactory.create(
        name="Bretagne",
        slug="bretagne",
        level=Territory.Level.REGION,
        parent=Territory.objects.get(slug="france"),
    )
    return factories.TerritoryFactory.create(
        name="Finistère",
        slug="finistere",
        level=Territory.Level.DEPARTMENT,
        parent=bretagne,
        code="29",
    )


@pytest.fixture
def audience(world: World) -> dict[str, Any]:
    """Subscribers and signers in Lyon and in Finistère, and some who must never
    receive anything."""
    mailing_list = lyon_list(world)
    rhone = Territory.objects.get(slug="rhone")
    brittany = finistere()
    charlie_sub = subscribe(mailing_list, world.charlie.email, user=world.charlie)
    world.charlie.interests.add(Hashtag.objects.create(name="Désarmement"))
    subscribe(mailing_list, "lyonnaise@example.net", territory=rhone)
    subscribe(mailing_list, "brestois@example.net", territory=brittany)
    subscribe(mailing_list, "parti@example.net", territory=rhone)
    GlobalUnsubscribe.objects.create(email="parti@example.net")
    gone = subscribe(mailing_list, "ancien@example.net", territory=rhone)
    gone.status = Subscription.Status.UNSUBSCRIBED
    gone.save()
    pending = subscribe(mailing_list, "hesitant@example.net", territory=rhone)
    pending.status = Subscription.Status.PENDING
    pending.save()

    petition = lyon_petition(world)
    add_signature(petition, "signataire.lyon@example.net", department="69", keep_informed=True)
    add_signature(petition, "Signataire.Brest@example.net", department="29", keep_informed=True)
    add_signature(petition, "silencieux@example.net", department="69", keep_informed=False)
    add_signature(
        petition,
        "pas.confirme@example.net",
        department="69",
        keep_informed=True,
        status=Signature.Status.PENDING,
    )
    add_signature(petition, "parti@example.net", department="69", keep_informed=True)
    # Subscribed and signer: one message only.
    add_signature(petition, "LYONNAISE@example.net", department="69", keep_informed=True)
    return {
        "list": mailing_list,
        "petition": petition,
        "rhone": rhone,
        "region": rhone.parent,
        "brittany": brittany,
        "charlie": charlie_sub,
    }


def issue(mailing_list: MailingList, author: Any, **fields: Any) -> Newsletter:
    territories = fields.pop("territories", [])
    newsletter = newsletters.save_newsletter(
        actor=author,
        mailing_list=mailing_list,
        fields={
            "subject": "Nouvelles de novembre",
            "body": "Bonjour **à toutes et tous**.",
            **fields,
        },
        territories=territories,
    )
    return newsletter


def queued_to(newsletter: Newsletter) -> set[str]:
    rows = OutboxMessage.objects.filter(key__startswith=newsletters.key_prefix(newsletter))
    return set(rows.values_list("to_email", flat=True))


def test_everyone_on_the_list_and_consenting_signers(
    world: World, audience: dict[str, Any]
) -> None:
    newsletter = issue(audience["list"], world.bob, petition=audience["petition"])
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    assert queued_to(newsletter) == {
        "charlie@example.org",
        "lyonnaise@example.net",
        "brestois@example.net",
        "signataire.lyon@example.net",
        "signataire.brest@example.net",
    }
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert newsletter.recipients_count == 5
    assert newsletter.sent_at is not None


def test_without_petition_only_subscribers(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(audience["list"], world.bob)
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    assert queued_to(newsletter) == {
        "charlie@example.org",
        "lyonnaise@example.net",
        "brestois@example.net",
    }


def test_territory_segment_includes_the_subtree(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(
        audience["list"], world.bob, petition=audience["petition"], territories=[audience["region"]]
    )
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    # Charlie has no territory of his own: his committee (Lyon, in the Rhône) counts.
    assert queued_to(newsletter) == {
        "charlie@example.org",
        "lyonnaise@example.net",
        "signataire.lyon@example.net",
    }


def test_department_segment(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(
        audience["list"],
        world.bob,
        petition=audience["petition"],
        territories=[audience["brittany"]],
    )
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    assert queued_to(newsletter) == {"brestois@example.net", "signataire.brest@example.net"}


def test_hashtag_segment_keeps_members_following_it(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(audience["list"], world.bob, hashtag="#desarmement")
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    assert queued_to(newsletter) == {"charlie@example.org"}


def test_rows_carry_rfc8058_headers_and_a_personal_link(
    world: World, audience: dict[str, Any]
) -> None:
    newsletter = issue(audience["list"], world.bob)
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    rows = list(OutboxMessage.objects.filter(key__startswith=newsletters.key_prefix(newsletter)))
    links = set()
    for row in rows:
        assert row.category == OutboxMessage.Category.NEWSLETTER
        assert row.priority == OutboxMessage.PRIORITY_BULK
        assert row.key == f"newsletter:{newsletter.pk}:{newsletters.address_hash(row.to_email)}"
        assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = row.headers["List-Unsubscribe"]
        assert link.startswith("<http") and "/diffusion/desabonnement/" in link
        assert link.strip("<>") in row.body_text
        assert "/diffusion/preferences/" in row.body_text
        assert "<strong>à toutes et tous</strong>" in row.body_html
        name = str(make_header(decode_header(parseaddr(row.from_email)[0])))
        assert name == "La lettre de Lyon (Comité de Lyon)"
        links.add(link)
    assert len(links) == len(rows) == 3


def test_sending_twice_queues_nothing_twice(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(audience["list"], world.bob)
    assert newsletters.dispatch(newsletter) == 3
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SCHEDULED)
    assert newsletters.dispatch(newsletter) == 0
    assert len(queued_to(newsletter)) == 3


def test_test_send_goes_only_to_the_manager(world: World, audience: dict[str, Any]) -> None:
    verify(world.bob)
    newsletter = issue(audience["list"], world.bob)
    client = Client()
    client.force_login(world.bob)
    response = client.post(reverse("mailing:newsletter_test", args=[newsletter.pk]))
    assert response.status_code == 302
    row = OutboxMessage.objects.get()
    assert row.to_email == "bob@example.org"
    assert row.subject.startswith("[TEST]")
    assert "[TEST]" in row.body_text
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_manager_writes_previews_confirms_and_sends(
    world: World, audience: dict[str, Any], english_pages: None
) -> None:
    client = Client()
    client.force_login(world.bob)
    write = reverse("mailing:newsletter_write", args=[audience["list"].slug])
    assert client.get(write).status_code == 200
    response = client.post(
        write,
        {
            "subject": "Rassemblement samedi",
            "body": "Rendez-vous **place Bellecour**.",
            "hashtag": "",
            "petition": str(audience["petition"].pk),
        },
    )
    assert response.status_code == 302
    newsletter = Newsletter.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "<strong>place Bellecour</strong>" in page
    assert "Today that is 5 people." in page
    send = reverse("mailing:newsletter_send", args=[newsletter.pk])
    confirm = client.get(send)
    assert confirm.status_code == 200
    assert "will go to 5 people" in confirm.content.decode()
    assert not OutboxMessage.objects.exists()  # the confirmation page sends nothing
    assert client.post(send, {"when": "now"}).status_code == 302
    assert len(queued_to(newsletter)) == 5
    # Sent: no more editing or sending.
    assert client.get(send).status_code == 403
    assert client.get(reverse("mailing:newsletter_edit", args=[newsletter.pk])).status_code == 403


def test_progress_after_sending(
    world: World, audience: dict[str, Any], english_pages: None
) -> None:
    newsletter = issue(audience["list"], world.bob)
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    rows = OutboxMessage.objects.filter(key__startswith=newsletters.key_prefix(newsletter))
    first, second, _third = rows.order_by("id")
    OutboxMessage.objects.filter(pk=first.pk).update(state=OutboxMessage.State.SENT)
    OutboxMessage.objects.filter(pk=second.pk).update(state=OutboxMessage.State.BOUNCED)
    progress = newsletters.progress(newsletter)
    assert (progress["pending"], progress["sent"], progress["bounced"], progress["total"]) == (
        1,
        1,
        1,
        3,
    )
    client = Client()
    client.force_login(world.bob)
    page = client.get(reverse("mailing:newsletter", args=[newsletter.pk])).content.decode()
    assert "Sending progress" in page
    assert "<td>1</td><td>1</td><td>0</td><td>1</td><td>3</td>" in page


def test_scheduled_newsletter_goes_out_with_the_periodic_task(
    world: World, audience: dict[str, Any]
) -> None:
    newsletter = issue(audience["list"], world.bob)
    client = Client()
    client.force_login(world.bob)
    when = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    send = reverse("mailing:newsletter_send", args=[newsletter.pk])
    assert client.post(send, {"when": "later", "scheduled_for": when}).status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED
    assert send_scheduled_newsletters.enqueue().return_value == 0
    assert not OutboxMessage.objects.exists()
    Newsletter.objects.filter(pk=newsletter.pk).update(
        scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    assert send_scheduled_newsletters.enqueue().return_value == 1
    assert len(queued_to(newsletter)) == 3
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_an_issue_left_being_sent_is_picked_up_by_the_periodic_task(
    world: World, audience: dict[str, Any]
) -> None:
    """Should the "send now" task be lost, the periodic task finishes the job."""
    newsletter = issue(audience["list"], world.bob)
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENDING)
    assert send_scheduled_newsletters.enqueue().return_value == 1
    assert len(queued_to(newsletter)) == 3
    assert send_scheduled_newsletters.enqueue().return_value == 0


def test_scheduling_in_the_past_is_refused(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(audience["list"], world.bob)
    client = Client()
    client.force_login(world.bob)
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    send = reverse("mailing:newsletter_send", args=[newsletter.pk])
    assert client.post(send, {"when": "later", "scheduled_for": when}).status_code == 422


def test_unscheduling_makes_a_draft_again(world: World, audience: dict[str, Any]) -> None:
    newsletter = issue(audience["list"], world.bob)
    newsletters.schedule(
        actor=world.bob, newsletter=newsletter, when=timezone.now() + timedelta(days=1)
    )
    client = Client()
    client.force_login(world.bob)
    client.post(reverse("mailing:newsletter_unschedule", args=[newsletter.pk]))
    newsletter.refresh_from_db()
    assert (newsletter.status, newsletter.scheduled_for) == (Newsletter.Status.DRAFT, None)


def test_who_may_write(world: World, audience: dict[str, Any]) -> None:
    public_list = audience["list"]
    members_list = lyon_list(world, is_public=False, name="Lettre interne")
    newsletter = issue(public_list, world.bob)
    client = Client()
    for person, public_status, members_status, issue_status in [
        (world.eve, 403, 404, 404),  # an outsider: may see the public list only
        (world.charlie, 403, 403, 404),  # a member, not a leader of Lyon
        (world.alice, 200, 200, 200),  # national administrator
    ]:
        client.force_login(person)
        for mailing_list, expected in [
            (public_list, public_status),
            (members_list, members_status),
        ]:
            url = reverse("mailing:newsletter_write", args=[mailing_list.slug])
            assert client.get(url).status_code == expected, (person, mailing_list)
        assert client.get(reverse("mailing:newsletter", args=[newsletter.pk])).status_code == (
            issue_status
        )
        if issue_status == 404:
            send = reverse("mailing:newsletter_send", args=[newsletter.pk])
            assert client.post(send, {"when": "now"}).status_code == 404
            test = reverse("mailing:newsletter_test", args=[newsletter.pk])
            assert client.post(test).status_code == 404
    assert not OutboxMessage.objects.exists()
    anonymous = Client()
    write = reverse("mailing:newsletter_write", args=[public_list.slug])
    assert anonymous.get(write).status_code == 302  # to the login page


def test_only_organisers_petitions_may_be_targeted(world: World, audience: dict[str, Any]) -> None:
    national_petition = lyon_petition(world, owner=world.national, title="Pétition nationale")
    assert set(newsletters.petitions_for(world.bob)) == {audience["petition"]}
    client = Client()
    client.force_login(world.bob)
    response = client.post(
        reverse("mailing:newsletter_write", args=[audience["list"].slug]),
        {"subject": "Test", "body": "Texte", "petition": str(national_petition.pk)},
    )
    assert response.status_code == 422
    assert not Newsletter.objects.exists()
    assert Petition.objects.count() == 2


def test_leaders_create_lists_for_structures_they_lead(world: World) -> None:
    client = Client()
    client.force_login(world.charlie)
    assert client.get(reverse("mailing:list_create")).status_code == 403
    client.force_login(world.bob)
    response = client.post(
        reverse("mailing:list_create"),
        {
            "owner": str(world.national.pk),
            "name": "Lettre nationale",
            "consent_text": "J'accepte.",
            "is_public": "on",
        },
    )
    assert response.status_code == 422  # Bob does not lead the national office
    response = client.post(
        reverse("mailing:list_create"),
        {
            "owner": str(world.lyon.pk),
            "name": "Lettre des jeunes de Lyon",
            "consent_text": "J'accepte.",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    created = MailingList.objects.get()
    assert (created.owner, created.slug) == (world.lyon, "lettre-des-jeunes-de-lyon")
