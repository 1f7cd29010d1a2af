"""An urgent circular in a real browser, in French: Alice writes it and sends it to all
relays after the confirmation; the outbox worker delivers it to a real SMTP sink; Bob
opens the "Bien reçu" link from the email he received (no login) and presses the button;
Alice's coverage page shows Lyon acknowledged and a committee without relays flagged.
Every page has no axe-core violation."""

import re
from email.message import EmailMessage
from typing import Any

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from colombe.mailing import circulars
from colombe.mailing.circulars import CircularDraft
from colombe.mailing.models import Circular, CircularCommittee
from colombe.mailing.worker import deliver_pending
from colombe.movement.models import Structure
from tests import factories
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World
from tests.smtp_sink import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ACK_LINK = re.compile(r"http://[^\s]+/diffusion/bien-recu/[^\s/]+/")


def bien_recu_link(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    (link,) = ACK_LINK.findall(part.get_content())
    return link


def test_alice_sends_an_urgent_circular_and_bob_acknowledges_from_his_email(
    live_server: LiveServer,
    new_context: OpenContext,
    world: World,
    smtp_sink: SmtpSink,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url  # links in emails point at this server
    villeurbanne = factories.StructureFactory.create(
        name="Comité de Villeurbanne", slug="villeurbanne", territory=world.lyon.territory
    )
    alice = new_context().new_page()
    force_login(alice.context, live_server.url, world.alice)

    visit(alice, live_server.url + reverse("mailing:circular_create"))
    alice.fill("#id_subject", "Rassemblements samedi devant les préfectures")
    alice.fill("#id_body", "Rendez-vous **samedi à 11 h**. Merci de confirmer la réception.")
    alice.check("input[name=urgency][value=urgent]")
    alice.check("input[name=audience][value=relays]")
    alice.fill("#id_escalation_hours", "4")
    submit(alice)
    circular = Circular.objects.get()
    assert alice.url == live_server.url + circular.get_absolute_url()
    visit(alice, alice.url)  # the preview
    assert alice.locator("article strong", has_text="samedi à 11 h").count() == 1

    alice.click(f"a[href='{reverse('mailing:circular_send', args=[circular.pk])}']")
    alice.wait_for_url(f"**{reverse('mailing:circular_send', args=[circular.pk])}")
    visit(alice, alice.url)  # the confirmation: 1 person, 1 committee, 1 without relay
    assert "1" in alice.locator("#reach-heading + p + ul li").first.inner_text()
    submit(alice)
    circular.refresh_from_db()
    assert circular.status == Circular.Status.SENT

    assert deliver_pending() == 1
    (received,) = smtp_sink.messages_to("bob@example.org")
    assert received.message["Subject"].endswith("Rassemblements samedi devant les préfectures")
    link = bien_recu_link(received.message)

    bob = new_context().new_page()  # Bob's phone: not logged in
    visit(bob, link)
    assert CircularCommittee.objects.get(committee=world.lyon).acknowledged_at is None
    submit(bob)
    assert bob.locator("main .message.success").count() == 1  # thanked
    assert_accessible(bob)
    lyon = CircularCommittee.objects.get(committee=world.lyon)
    assert lyon.acknowledged_by == world.bob

    visit(alice, live_server.url + reverse("mailing:coverage"))
    lyon_row = alice.locator("tr[data-committee=lyon]")
    assert lyon_row.get_attribute("data-acknowledged") == "yes"
    flagged = alice.locator(f"tr[data-committee={villeurbanne.slug}]")
    assert flagged.get_attribute("data-confirmed-relays") == "0"
    assert flagged.locator(".coverage-flag").count() == 1
    assert villeurbanne.kind == Structure.Kind.COMMITTEE


def test_the_other_circular_pages_are_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    draft = circulars.create_circular(
        actor=world.alice,
        draft=CircularDraft(
            subject="Matériel pour la journée de la paix",
            body="Affiches et tracts disponibles.",
            urgency=Circular.Urgency.NORMAL,
            audience=Circular.Audience.ALL_RELAYS,
            sender_structure=world.national,
        ),
    )
    sent = circulars.create_circular(
        actor=world.alice,
        draft=CircularDraft(
            subject="Bilan de la journée",
            body="Merci à toutes et tous.",
            urgency=Circular.Urgency.NORMAL,
            audience=Circular.Audience.ALL_RELAYS,
            sender_structure=world.national,
        ),
    )
    circulars.send_circular(actor=world.alice, circular=sent)
    alice = new_context().new_page()
    force_login(alice.context, live_server.url, world.alice)
    for name, args in [
        ("mailing:circulars", []),
        ("mailing:circular_edit", [draft.pk]),
        ("mailing:circular_schedule", [draft.pk]),
        ("mailing:circular", [sent.pk]),
        ("mailing:coverage", []),
    ]:
        visit(alice, live_server.url + reverse(name, args=args))
    bob = new_context().new_page()
    force_login(bob.context, live_server.url, world.bob)
    visit(bob, live_server.url + reverse("mailing:circular_forward", args=[sent.pk]))
    alice.goto(live_server.url + reverse("mailing:circular_schedule", args=[draft.pk]))
    submit(alice)  # no date: the error summary must be accessible too
    assert_accessible(alice)
