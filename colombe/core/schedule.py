"""Periodic work: which task runs how often. The ``run_scheduler`` command (a process in
the Procfile) enqueues each task when it is due; the task worker runs it. Apps add their
periodic tasks here by dotted path so that core does not import them at start-up."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    task: str  # dotted path of a django-tasks Task
    every_seconds: int


PERIODIC_TASKS = (
    # Counters are sharded for speed; this checks them against the real count.
    Periodic("colombe.petitions.tasks.reconcile_counters", every_seconds=5 * 60),
    # Unconfirmed signatures expire; signers of long-closed petitions are anonymised.
    Periodic("colombe.petitions.tasks.purge_unconfirmed_signatures", every_seconds=60 * 60),
    Periodic("colombe.petitions.tasks.anonymise_expired_petitions", every_seconds=24 * 60 * 60),
    # Meeting reminders a day and an hour before (each sent once per meeting).
    Periodic("colombe.meetings.tasks.send_meeting_reminders", every_seconds=5 * 60),
)
