"""End to end: the weekly digest and a contact message leave through the outbox and
reach a real SMTP server (the aiosmtpd sink), with the headers mail clients need."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.digest import send_weekly_digests
from colombe.core.hashtags import get_or_create_hashtags
from colombe.mailing.worker import deliver_pending
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World
from tests.smtp_sink import SmtpSink


def test_digest_reaches_the_mailbox_with_one_click_unsubscribe(
    smtp_sink: SmtpSink, world: World
) -> None:
    world.charlie.interests.set(get_or_create_hashtags(["désarmement"]))
    make_report(world.lyon, title="Tractage au marché", hashtags="#désarmement")
    send_weekly_digests(timezone.now() + timedelta(days=7))
    assert deliver_pending() == 1
    [received] = smtp_sink.messages_to(world.charlie.email)
    message = received.message
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    assert "Tractage au marché" in message.get_content()

    # The mail client's one click: a POST to the header's URL, nothing else.
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post(f"/{path}").status_code == 200
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is False


def test_contact_message_arrives_without_the_senders_address(
    smtp_sink: SmtpSink, client: Client, world: World
) -> None:
    tags = get_or_create_hashtags(["paix"])
    for person in (world.bob, world.charlie):
        person.interests.set(tags)
        person.show_interests = True
        person.save()
    client.force_login(world.bob)
    client.post(
        reverse("core:interests_contact", args=[world.charlie.pk]),
        {"message": "On se voit au stand samedi ?"},
    )
    deliver_pending()
    [received] = smtp_sink.messages_to(world.charlie.email)
    assert world.bob.email not in received.raw.decode()
    assert "On se voit au stand samedi ?" in received.message.get_content()
    assert received.message["Reply-To"] is None
