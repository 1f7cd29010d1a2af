"""Background work of the social networks: sending a post to one account (queued by the
sweep, or by someone retrying a failed send) and the periodic sweep and metrics
(colombe.core.schedule)."""

from django_tasks import task

from colombe.outreach import publishing


@task()
def publish_target_task(target_id: int) -> str:
    """Send one post to one account; returns the target's state afterwards."""
    return publishing.publish_target(target_id)


@task()
def publish_due_posts() -> int:
    """Queue the sends of scheduled posts whose time has come; returns how many."""
    return publishing.enqueue_due_targets()


@task()
def fetch_metrics() -> int:
    """Read the boosts, likes and replies of last month's posts back; returns how many."""
    return publishing.refresh_metrics()
