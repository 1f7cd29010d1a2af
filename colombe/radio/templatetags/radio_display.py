"""Small display helpers for the radio's pages."""

from django import template

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """A duration as players show it: 4:05, or 1:02:03 past an hour."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
