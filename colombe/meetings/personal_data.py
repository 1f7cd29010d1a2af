"""What the meetings app holds about one person, for their GDPR export."""

from datetime import datetime
from typing import Any

from colombe.core import policy
from colombe.meetings.models import ActionItem, ChatMessage, Meeting, Participant, Registration


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def meetings_data(user: Any) -> dict[str, Any]:
    """Registrations, seats (attendance), chat messages and assigned actions. A meeting is
    named only while the person may still see it (they may have left a secret group)."""
    visible_ids = set(policy.visible(Meeting, user).values_list("pk", flat=True))

    def title(meeting: Meeting) -> str | None:
        return meeting.title if meeting.pk in visible_ids else None

    seats = Participant.objects.filter(user=user).select_related("meeting")
    return {
        "meeting_registrations": [
            {
                "meeting_id": r.meeting_id,
                "meeting": title(r.meeting),
                "status": r.status,
                "registered_at": _when(r.created_at),
            }
            for r in Registration.objects.filter(user=user).select_related("meeting")
        ],
        "meeting_attendance": [
            {
                "meeting_id": seat.meeting_id,
                "meeting": title(seat.meeting),
                "display_name": seat.display_name,
                "role": seat.role,
                "joined_at": _when(seat.joined_at),
                "left_at": _when(seat.left_at),
            }
            for seat in seats
        ],
        "meeting_chat_messages": [
            {"meeting_id": m.meeting_id, "text": m.body, "sent_at": _when(m.created_at)}
            for m in ChatMessage.objects.filter(author__user=user)
        ],
        "meeting_action_items": [
            {
                "meeting_id": a.minutes.meeting_id,
                "action": a.text,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "done_at": _when(a.done_at),
            }
            for a in ActionItem.objects.filter(assignee=user).select_related("minutes")
        ],
    }
