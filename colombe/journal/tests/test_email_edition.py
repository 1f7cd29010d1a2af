"""The email edition goes through the newsletter machinery to the journal's list."""

import pytest
from django.utils import timezone

from colombe.journal.email_edition import JOURNAL_LIST_SLUG
from colombe.journal.models import JournalEditor
from colombe.journal.tests.journal_helpers import published_edition, report_in_period
from colombe.mailing.models import MailingList, Newsletter, OutboxMessage, Subscription
from colombe.mailing.newsletters import dispatch

pytestmark = pytest.mark.django_db


def subscribe(mailing_list: MailingList, email: str, status: str) -> None:
    Subscription.objects.create(
        mailing_list=mailing_list,
        email=email,
        status=status,
        consent_version=1,
        consented_at=timezone.now(),
    )


def journal_list(world) -> MailingList:
    return MailingList.objects.create(
        owner=world.national, slug=JOURNAL_LIST_SLUG, name="Le journal", consent_text="Oui"
    )


def test_subscribers_receive_the_edition_once(world):
    mailing_list = journal_list(world)
    subscribe(mailing_list, "lectrice@example.org", Subscription.Status.ACTIVE)
    subscribe(mailing_list, "pas-confirme@example.org", Subscription.Status.PENDING)
    edition = published_edition(world, report_in_period(world, "Tractage du samedi"))
    newsletter = edition.newsletter
    assert newsletter is not None and newsletter.status == Newsletter.Status.SENT
    sent = OutboxMessage.objects.filter(category=OutboxMessage.Category.NEWSLETTER)
    assert list(sent.values_list("to_email", flat=True)) == ["lectrice@example.org"]
    message = sent.get()
    assert "Tractage du samedi" in message.body_text
    assert edition.get_absolute_url() in message.body_text
    assert "List-Unsubscribe" in message.headers
    assert dispatch(newsletter) == 0  # a second run queues nothing


def test_list_is_created_on_first_publication(world):
    edition = published_edition(world, report_in_period(world, "Tractage"))
    mailing_list = MailingList.objects.get(slug=JOURNAL_LIST_SLUG)
    assert mailing_list.owner == world.national and mailing_list.is_public
    assert edition.newsletter is not None and edition.newsletter.mailing_list == mailing_list


def test_an_editor_who_may_not_send_leaves_a_draft(world):
    from colombe.journal import services
    from colombe.journal.tests.journal_helpers import open_edition

    journal_list(world)
    JournalEditor.objects.create(user=world.charlie, appointed_by=world.alice)
    edition = open_edition(world)
    services.add_report(actor=world.charlie, edition=edition, report=report_in_period(world, "T"))
    services.send_to_proofreading(actor=world.charlie, edition=edition)
    services.publish_edition(actor=world.charlie, edition=edition)
    edition.refresh_from_db()
    assert edition.newsletter is not None
    assert edition.newsletter.status == Newsletter.Status.DRAFT
    assert not OutboxMessage.objects.filter(category=OutboxMessage.Category.NEWSLETTER).exists()
