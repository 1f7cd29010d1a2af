from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from colombe.core.management.commands.run_scheduler import due_tasks
from colombe.core.schedule import PERIODIC_TASKS

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "media"]}
}


def test_a_task_is_due_once_its_interval_has_passed() -> None:
    first = PERIODIC_TASKS[0]
    assert first in due_tasks({}, now=0.0)
    assert first not in due_tasks({first.task: 0.0}, now=first.every_seconds - 1)
    assert first in due_tasks({first.task: 0.0}, now=first.every_seconds)


@override_settings(TASKS=DATABASE_TASKS)
def test_scheduler_enqueues_every_periodic_task(db: None) -> None:
    call_command("run_scheduler", "--once", verbosity=0)
    enqueued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert enqueued == {periodic.task for periodic in PERIODIC_TASKS}
