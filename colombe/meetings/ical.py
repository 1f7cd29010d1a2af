"""iCalendar files: one meeting, and the private feed of "my meetings". Each occurrence
of a series is its own VEVENT (each can be moved or cancelled alone)."""

from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from colombe.core.mail import absolute_url
from colombe.meetings.models import Meeting

PRODUCT_ID = "-//Colombe//Meetings//FR"


def uid(meeting: Meeting) -> str:
    """Stable across edits, so calendars update the event instead of adding one."""
    host = urlsplit(settings.SITE_URL).hostname or "colombe"
    return f"meeting-{meeting.pk}@{host}"


def event_for(meeting: Meeting) -> Event:
    zone = ZoneInfo(meeting.time_zone)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("url", absolute_url(meeting.get_absolute_url()))
    if meeting.agenda:
        event.add("description", meeting.agenda)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_for(meetings: Iterable[Meeting], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(event_for(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
