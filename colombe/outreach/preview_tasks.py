"""Fetching a post's link preview in the background (queued by colombe.outreach.services
when a post's link changes): a slow or unreachable page never holds up the composer."""

from django_tasks import task

from colombe.outreach import link_preview
from colombe.outreach.models import Post


@task()
def fetch_link_preview(post_id: int, url: str) -> str:
    """Store the title and description of ``url`` on the post, if its link is still
    ``url``. Returns what happened; a refused page is not a failure."""
    if not Post.objects.filter(pk=post_id, link_url=url).exists():
        return "the link has changed"
    try:
        preview = link_preview.fetch_preview(url)
    except link_preview.PreviewUnavailable as error:
        return f"no preview: {error}"
    # update(), not save(): the post may have been edited while the page was read.
    Post.objects.filter(pk=post_id, link_url=url).update(
        link_title=preview.title, link_description=preview.description
    )
    return "fetched"
