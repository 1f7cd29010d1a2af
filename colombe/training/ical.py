"""A training session as an iCalendar file, to add it to one's own calendar."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from colombe.core.mail import absolute_url
from colombe.training.models import TrainingSession

PRODUCT_ID = "-//Colombe//Training//FR"
ZONE = ZoneInfo("Europe/Paris")


def uid(session: TrainingSession) -> str:
    """Stable across edits, so calendars update the event instead of adding one."""
    host = urlsplit(settings.SITE_URL).hostname or "colombe"
    return f"training-session-{session.pk}@{host}"


def event_for(session: TrainingSession) -> Event:
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", timezone.now())
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.astimezone(ZONE))
    event.add("dtend", session.ends_at.astimezone(ZONE))
    event.add("url", absolute_url(session.get_absolute_url()))
    if session.place:
        event.add("location", session.place)
    if session.description:
        event.add("description", session.description)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def calendar_for(session: TrainingSession) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add_component(event_for(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
