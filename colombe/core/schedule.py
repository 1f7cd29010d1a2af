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
    # Scheduled newsletters go out; unconfirmed newsletter subscriptions expire.
    Periodic("colombe.mailing.tasks.send_scheduled_newsletters", every_seconds=60),
    Periodic("colombe.mailing.tasks.purge_expired_subscriptions", every_seconds=60 * 60),
    # What finished messages said is erased after MAILING_CONTENT_RETENTION_DAYS.
    Periodic("colombe.mailing.tasks.forget_old_outbox_contents", every_seconds=24 * 60 * 60),
    # The weekly hashtag digest: hourly, but each person gets one email per ISO week.
    Periodic("colombe.core.tasks.send_weekly_digests", every_seconds=60 * 60),
    # Circulars: scheduled ones go out; urgent ones no relay acknowledged are escalated.
    Periodic("colombe.mailing.tasks.send_scheduled_circulars", every_seconds=60),
    Periodic("colombe.mailing.tasks.escalate_unacknowledged_circulars", every_seconds=5 * 60),
    # Leaders of under-covered committees: daily run, one email per ISO week.
    Periodic("colombe.mailing.tasks.remind_under_covered_committees", every_seconds=24 * 60 * 60),
    # Conversions a dead worker left "running" end failed (and can be retried); those whose
    # task was lost are queued again.
    Periodic("colombe.mediatheque.tasks.sweep_conversions", every_seconds=15 * 60),
    # Uploads kept while their form was corrected, when it never came back (a day).
    Periodic("colombe.mediatheque.tasks.discard_abandoned_uploads", every_seconds=60 * 60),
    # The radio: the episode on air and the rotation, written for Liquidsoap.
    Periodic("colombe.radio.streaming.tasks.refresh_playlists", every_seconds=60),
    # Scheduled posts go out to Mastodon and Bluesky (and failed sends are retried);
    # their boosts, likes and replies are read back.
    Periodic("colombe.outreach.tasks.publish_due_posts", every_seconds=60),
    Periodic("colombe.outreach.tasks.fetch_metrics", every_seconds=60 * 60),
    # Field actions: volunteers are reminded a day before (once per sign-up); the phone
    # numbers they gave are erased a week after the action.
    Periodic("colombe.actions.tasks.send_action_reminders", every_seconds=15 * 60),
    Periodic("colombe.actions.tasks.forget_phone_numbers", every_seconds=24 * 60 * 60),
)
