"""End to end through the real SMTP sink: a visitor subscribes and confirms from the email
they receive, a newsletter arrives with its RFC 8058 headers and the one-click POST from
those headers unsubscribes; an address refused twice is disabled and skipped."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from colombe.mailing import newsletters
from colombe.mailing.models import AddressHealth, MailingList, Newsletter, Subscription
from colombe.mailing.tests.newsletter_support import lyon_list, subscribe
from colombe.mailing.worker import deliver_pending
from tests.personas import World
from tests.smtp_sink import ReceivedMessage, SmtpSink

pytestmark = pytest.mark.django_db

VISITOR = "nadia@example.net"


def plain_text(received: ReceivedMessage) -> str:
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def path_of(url: str) -> str:
    return url[url.index("/diffusion/") :]


def send(world: World, mailing_list: MailingList) -> Newsletter:
    newsletter = newsletters.save_newsletter(
        actor=world.bob,
        mailing_list=mailing_list,
        fields={"subject": "Nouvelles de Lyon", "body": "Rendez-vous **samedi**."},
        territories=[],
    )
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    return newsletter


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(
    smtp_sink: SmtpSink, world: World
) -> None:
    mailing_list = lyon_list(world)
    visitor = Client()
    visitor.post(
        reverse("mailing:list_subscribe", args=[mailing_list.slug]),
        {"email": VISITOR, "postcode": "", "consent": "on", "website": ""},
    )
    assert deliver_pending() == 1
    (confirmation,) = smtp_sink.messages_to(VISITOR)
    link = re.search(r"https?://\S+/diffusion/abonnement/\S+/", plain_text(confirmation))
    assert link is not None
    visitor.get(path_of(link.group(0)))
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    visitor.post(path_of(link.group(0)))
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE

    send(world, mailing_list)
    assert deliver_pending() == 1
    issue = smtp_sink.messages_to(VISITOR)[-1]
    assert issue.message["Subject"] == "Nouvelles de Lyon"
    # The From name always says which structure is behind the list.
    assert f"({world.lyon.name})" in str(issue.message["From"])
    assert issue.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(issue.message["List-Unsubscribe"])
    assert re.fullmatch(r"<https?://[^>]+/diffusion/desabonnement/[^>]+/>", header)
    html = issue.message.get_body(preferencelist=("html",))
    assert html is not None and "<strong>samedi</strong>" in str(html.get_content())

    # The mail client's one-click POST: no session, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path_of(header.strip("<>")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
    send(world, mailing_list)
    assert deliver_pending() == 0


def test_address_refused_twice_is_disabled_and_skipped(smtp_sink: SmtpSink, world: World) -> None:
    mailing_list = lyon_list(world)
    subscribe(mailing_list, "parti@example.net")
    subscribe(mailing_list, "present@example.net")
    smtp_sink.refuse_permanently("parti@example.net")
    for _issue in range(2):
        send(world, mailing_list)
        deliver_pending()
    health = AddressHealth.objects.get(email="parti@example.net")
    assert health.hard_bounces == 2
    assert health.disabled_at is not None
    newsletter = send(world, mailing_list)
    deliver_pending()
    assert newsletters.progress(newsletter)["total"] == 1  # not even queued
    assert len(smtp_sink.messages_to("present@example.net")) == 3
    assert smtp_sink.messages_to("parti@example.net") == []
