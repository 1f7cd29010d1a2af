"""The streaming chain's periodic work (see ``colombe.core.schedule.PERIODIC_TASKS``)."""

from django_tasks import task

from colombe.radio.streaming.playlist import write_playlists


@task()
def refresh_playlists() -> int:
    """Rewrite what Liquidsoap plays (the episode on air, the rotation) when it changed;
    returns how many files changed."""
    return len(write_playlists().changed)
