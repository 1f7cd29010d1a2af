"""GDPR: the export lists a person's subscriptions; erasing the account erases what was
queued or sent to them, but keeps their "unsubscribe from everything"."""

from django.utils import timezone

from colombe.accounts import services as accounts
from colombe.mailing.models import GlobalUnsubscribe, MailingList, OutboxMessage, Subscription
from colombe.mailing.outbox import OutgoingEmail, enqueue
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
