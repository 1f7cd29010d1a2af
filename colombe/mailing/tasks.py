"""Background work of the mailing app (django-tasks), run periodically by
``run_scheduler`` (see ``colombe.core.schedule.PERIODIC_TASKS``).

Newsletters: scheduled issues go out when their time comes; subscriptions never confirmed
are deleted. Circular tasks follow below."""

from django_tasks import task

from colombe.mailing import circulars, coverage, newsletters, outbox
from colombe.mailing.models import Newsletter


@task()
def send_scheduled_newsletters() -> int:
    """Queue every scheduled newsletter whose time has come; returns how many."""
    return newsletters.send_due_newsletters()


@task()
def dispatch_newsletter(newsletter_id: int) -> int:
    """Expand one newsletter's recipients into outbox rows ("send now")."""
    return newsletters.dispatch(Newsletter.objects.get(pk=newsletter_id))


@task()
def forget_old_outbox_contents() -> int:
    """Erase what finished messages said once the retention delay has passed."""
    return outbox.forget_old_contents()


@task()
def purge_expired_subscriptions() -> int:
    """Forget the addresses of subscriptions not confirmed in time."""
    return newsletters.purge_expired_subscriptions()


# Circulars: scheduled sends, escalation of urgent ones, the weekly coverage reminder. ---


@task()
def send_scheduled_circulars() -> int:
    """Send every scheduled circular whose time has come; returns how many."""
    return circulars.send_due_circulars()


@task()
def escalate_unacknowledged_circulars() -> int:
    """Urgent circulars no relay of a committee acknowledged in time go to the
    committee's other leaders (once); returns how many committees were escalated."""
    return circulars.escalate_due()


@task()
def remind_under_covered_committees() -> int:
    """Weekly: leaders of committees with fewer than 3 confirmed relays are reminded to
    name some; returns how many emails were queued."""
    return coverage.remind_under_covered()
