"""A training session as an iCalendar file, to add it to one's own calendar."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Event

from colombe.core.ical import calendar, stable_uid
from colombe.core.mail import absolute_url
from colombe.training.models import TrainingSession

PRODUCT_ID = "-//Colombe//Training//FR"


def event_for(session: TrainingSession) -> Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", stable_uid("training-session", session.pk))
    event.add("dtstamp", timezone.now())
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("url", absolute_url(session.get_absolute_url()))
    if session.place:
        event.add("location", session.place)
    if session.description:
        event.add("description", session.description)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def calendar_for(session: TrainingSession) -> bytes:
    return calendar(PRODUCT_ID, [event_for(session)])
