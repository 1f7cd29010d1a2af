"""What the actions app holds about one person, for their GDPR export."""

from datetime import datetime
from typing import Any

from colombe.actions.models import Action, SignUp
from colombe.core import policy


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def actions_data(user: Any) -> dict[str, Any]:
    """The person's sign-ups, with the phone number and comment they gave. An action is
    named only while they may still see it (they may have left a secret group)."""
    visible_ids = set(policy.visible(Action, user).values_list("pk", flat=True))
    sign_ups = SignUp.objects.filter(user=user).select_related("slot__action").order_by("pk")
    return {
        "action_sign_ups": [
            {
                "action_id": s.slot.action_id,
                "action": s.slot.action.title if s.slot.action_id in visible_ids else None,
                "slot": s.slot.label if s.slot.action_id in visible_ids else None,
                "phone": s.phone,
                "share_phone": s.share_phone,
                "comment": s.comment,
                "signed_up_at": _when(s.created_at),
                "reminded_at": _when(s.reminded_at),
            }
            for s in sign_ups
        ]
    }
