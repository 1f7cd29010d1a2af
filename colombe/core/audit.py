from typing import Any

from django.db import models

from colombe.core.models import AuditEntry


def log_action(
    actor: Any, action: str, obj: models.Model | None = None, data: dict | None = None
) -> AuditEntry:
    """Record one service action. Call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
