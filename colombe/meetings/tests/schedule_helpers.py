"""Meetings for the scheduling tests, made through the service as an organiser would."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from colombe.groups.models import Group
from colombe.meetings import services
from colombe.meetings.models import Meeting
from tests.personas import World


def start_in(delta: timedelta) -> datetime:
    return (timezone.now() + delta).replace(second=0, microsecond=0)


def schedule(
    world: World,
    *,
    group: Group | None = None,
    starts_in: timedelta = timedelta(days=3),
    minutes: int = 90,
    **fields: Any,
) -> Meeting:
    """One meeting of Lyon (or of ``group``), scheduled by Bob."""
    starts_at = start_in(starts_in)
    values = {
        "title": "Réunion du comité",
        "agenda": "1. Bilan\n2. Actions",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "audience": Meeting.Audience.OWNER,
        **fields,
    }
    return services.schedule_meeting(owner=world.lyon, group=group, created_by=world.bob, **values)[
        0
    ]
