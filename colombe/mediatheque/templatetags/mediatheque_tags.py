from typing import Any

from django import template

from colombe.core import policy
from colombe.meetings.models import Recording

register = template.Library()


@register.filter
def duration_text(seconds: int | None) -> str:
    """125 -> '2:05', 3725 -> '1:02:05': the way players show durations."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


@register.simple_tag(takes_context=True)
def may_archive(context: dict[str, Any], recording: Recording) -> bool:
    """Whether the page's visitor may put the recording in the archive."""
    user = context["request"].user
    return policy.has_perm(user, "mediatheque.archive_recording", recording)
