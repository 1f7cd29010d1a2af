"""GDPR: the export lists a person's subscriptions; erasing the account erases what was
queued or sent to them, but keeps their "unsubscribe from everything"."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from colombe.accounts import services as accounts
from colombe.mailing.models import GlobalUnsubscribe, MailingList, OutboxMessage, Subscription
from colombe.mailing.outbox import OutgoingEmail, enqueue, forget_old_contents
from tests.personas import World


def subscribe(world: World) -> Subscription:
    mailing_list = MailingList.objects.create(
        name="La lettre", slug="la-lettre", owner=world.national, consent_text="D'accord."
    )
    return Subscription.objects.create(
        mailing_list=mailing_list,
        email=world.charlie.email,
        user=world.charlie,
        status=Subscription.Status.ACTIVE,
        consent_version=1,
        consented_at=timezone.now(),
    )


def test_export_lists_subscriptions(world: World) -> None:
    subscribe(world)

    data = accounts.personal_data(world.charlie)

    [subscription] = data["newsletter_subscriptions"]
    assert subscription["list"] == "La lettre"
    assert subscription["consent_version"] == 1
    assert accounts.personal_data(world.bob)["newsletter_subscriptions"] == []


def test_erasure_forgets_emails_but_keeps_the_refusal(world: World) -> None:
    subscribe(world)
    enqueue(
        [
            OutgoingEmail(
                key=f"test:{who.pk}", to=who.email, subject="S", body_text="B", category="notice"
            )
            for who in (world.charlie, world.bob)
        ]
    )
    GlobalUnsubscribe.objects.create(email=world.charlie.email)

    accounts.delete_account(user=world.charlie)

    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == [world.bob.email]
    assert not Subscription.objects.exists()
    assert GlobalUnsubscribe.objects.filter(email=world.charlie.email).exists()


def test_what_finished_messages_said_is_erased_after_the_retention_delay(
    world: World, settings: Any
) -> None:
    settings.MAILING_CONTENT_RETENTION_DAYS = 30
    enqueue(
        [
            OutgoingEmail(
                key=f"old:{n}",
                to=f"p{n}@example.org",
                subject="Privé",
                body_text="Secret",
                category="notice",
                reply_to="me@example.org",
            )
            for n in range(3)
        ]
    )
    rows = list(OutboxMessage.objects.order_by("pk"))
    OutboxMessage.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        state=OutboxMessage.State.SENT, created_at=timezone.now() - timedelta(days=31)
    )
    OutboxMessage.objects.filter(pk=rows[2].pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    assert forget_old_contents() == 2

    erased = OutboxMessage.objects.get(pk=rows[0].pk)
    assert (erased.subject, erased.body_text, erased.reply_to) == ("", "", "")
    assert erased.to_email == "p0@example.org" and erased.state == OutboxMessage.State.SENT
    # Not sent yet: kept whole, it still has to go.
    assert OutboxMessage.objects.get(pk=rows[2].pk).body_text == "Secret"
