"""iCalendar files: one meeting, and the private feed of "my meetings". Each occurrence
of a series is its own VEVENT (each can be moved or cancelled alone)."""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Event

from colombe.core.ical import calendar, stable_uid
from colombe.core.mail import absolute_url
from colombe.meetings.models import Meeting

PRODUCT_ID = "-//Colombe//Meetings//FR"


def event_for(meeting: Meeting) -> Event:
    zone = ZoneInfo(meeting.time_zone)
    event = Event()
    event.add("uid", stable_uid("meeting", meeting.pk))
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
    return calendar(PRODUCT_ID, (event_for(meeting) for meeting in meetings), name)
