"""Meetings and seats for the tests of the "after" part (attendance, minutes,
recordings)."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from colombe.groups.models import Group
from colombe.meetings.models import Meeting, Participant
from colombe.movement.models import Structure


def make_meeting(
    owner: Structure,
    *,
    group: Group | None = None,
    title: str = "Réunion du comité",
    audience: str = Meeting.Audience.OWNER,
    starts_at: datetime | None = None,
    minutes_long: int = 90,
    **extra: Any,
) -> Meeting:
    starts_at = starts_at or timezone.now() - timedelta(days=2)
    extra.setdefault("status", Meeting.Status.ENDED)
    if extra["status"] == Meeting.Status.ENDED:
        extra.setdefault("ended_at", starts_at + timedelta(minutes=minutes_long))
    return Meeting.objects.create(
        owner=owner,
        group=group,
        title=title,
        slug=f"reunion-{secrets.token_hex(4)}",
        audience=audience,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes_long),
        **extra,
    )


def seat(
    meeting: Meeting,
    name: str,
    *,
    joined: int | None,
    left: int | None = None,
    **extra: Any,
) -> Participant:
    """A seat that entered the room ``joined`` minutes after the start and left
    ``left`` minutes after it (None: never joined / still there)."""
    start = meeting.starts_at
    return Participant.objects.create(
        meeting=meeting,
        display_name=name,
        engine_token=secrets.token_hex(16),
        joined_at=None if joined is None else start + timedelta(minutes=joined),
        left_at=None if left is None else start + timedelta(minutes=left),
        state=Participant.State.LEFT if left is not None else Participant.State.IN_ROOM,
        **extra,
    )


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def minutes_post(
    decisions: list[str], actions: list[dict[str, Any]], **extra: str
) -> dict[str, Any]:
    data: dict[str, Any] = {"body": "Nous étions **huit**.", "keep_chat": "on"}
    data |= management("decisions", len(decisions))
    for index, text in enumerate(decisions):
        data[f"decisions-{index}-text"] = text
    data |= management("actions", len(actions))
    for index, action in enumerate(actions):
        for key, value in action.items():
            data[f"actions-{index}-{key}"] = value
    return data | extra
