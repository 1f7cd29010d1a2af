"""Periodic work of the actions app (listed in colombe.core.schedule): volunteers are
reminded a day before, and the phone numbers they gave are erased a week after."""

from django_tasks import task

from colombe.actions import services


@task()
def send_action_reminders() -> int:
    """Remind each volunteer once, a day before; returns how many emails were enqueued."""
    return services.send_action_reminders()


@task()
def forget_phone_numbers() -> int:
    """Data minimisation: returns how many phone numbers were erased."""
    return services.forget_phone_numbers()
