"""Background work of the archive: converting uploads with ffmpeg (queued by
``processing.start_processing`` / ``start_episode_processing``), the periodic sweep of
conversions a dead worker left "running", and of uploads kept for forms never sent again
(colombe.core.schedule)."""

from django_tasks import task

from colombe.mediatheque import processing, staging
from colombe.mediatheque.models import MediaItem
from colombe.radio.models import Episode


# Conversions take minutes: they run on their own queue and worker (Procfile "media"),
# so that emails and reminders on the default queue never wait behind a film.
@task(queue_name="media")
def process_item_task(item_id: int) -> str:
    """Convert one archive item; returns its processing state afterwards."""
    item = MediaItem.objects.filter(pk=item_id).first()
    if item is None:
        return "nothing to do"
    return str(processing.process_item(item).processing)


@task(queue_name="media")
def process_episode_task(episode_id: int) -> str:
    """Convert one radio episode's audio to MP3; returns its processing state afterwards."""
    episode = Episode.objects.select_related("show").filter(pk=episode_id).first()
    if episode is None:
        return "nothing to do"
    return str(processing.process_episode(episode).processing)


@task()
def sweep_conversions() -> int:
    """Conversions cut off by a dead worker end FAILED (the uploader can start them
    again); conversions whose task was lost are queued again. Returns how many."""
    return processing.fail_interrupted_items() + processing.requeue_forgotten_conversions()


@task()
def discard_abandoned_uploads() -> int:
    """Files kept for a form that was never sent again (staging.py); returns how many."""
    return staging.discard_stale()
