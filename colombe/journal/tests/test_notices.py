"""On publishing, each featured committee's leaders are told, once."""

import pytest

from colombe.journal import services
from colombe.journal.tests.journal_helpers import published_edition, report_in_period
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import enqueue

pytestmark = pytest.mark.django_db


def test_leaders_of_featured_committees_get_one_notice(world):
    first = report_in_period(world, "Tractage")
    second = report_in_period(world, "Veillée")
    edition = published_edition(world, first, second)
    notices = OutboxMessage.objects.filter(key__startswith=f"journal:{edition.pk}:notice:")
    assert list(notices.values_list("to_email", "key")) == [
        ("bob@example.org", f"journal:{edition.pk}:notice:{world.bob.pk}")
    ]
    notice = notices.get()
    assert notice.category == OutboxMessage.Category.NOTICE
    assert "Comité de Lyon" in notice.body_text and edition.get_absolute_url() in notice.body_text
    assert str(edition.number) in notice.subject


def test_notices_are_never_queued_twice(world):
    edition = published_edition(world, report_in_period(world, "Tractage"))
    assert enqueue(services.notices(edition)) == 0
    assert OutboxMessage.objects.filter(key__contains=":notice:").count() == 1


def test_members_who_do_not_lead_get_no_notice(world):
    published_edition(world, report_in_period(world, "Tractage"))
    recipients = set(OutboxMessage.objects.values_list("to_email", flat=True))
    assert "charlie@example.org" not in recipients and "alice@example.org" not in recipients
