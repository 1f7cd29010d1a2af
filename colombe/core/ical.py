"""iCalendar files, shared by the apps that offer events for one's own calendar
(meetings, field actions, training sessions)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event


def stable_uid(prefix: str, pk: int) -> str:
    """Stable across edits, so calendars update the event instead of adding one."""
    host = urlsplit(settings.SITE_URL).hostname or "colombe"
    return f"{prefix}-{pk}@{host}"


def calendar(prodid: str, events: Iterable[Event], name: str | None = None) -> bytes:
    """A VCALENDAR with the events and the time zones they use; ``name`` is the title
    calendar applications show for a feed."""
    found = Calendar()
    found.add("prodid", prodid)
    found.add("version", "2.0")
    if name is not None:
        found.add("x-wr-calname", name)
    for event in events:
        found.add_component(event)
    found.add_missing_timezones()
    return found.to_ical()
