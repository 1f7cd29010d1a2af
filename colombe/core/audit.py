from typing import Any

from django.db import models

from colombe.core.models import AuditEntry


def scope_of(obj: models.Model | None) -> str:
    """Objects that live inside something with its own visibility (a thread in a group)
    name it through an ``audit_scope`` attribute."""
    scope = getattr(obj, "audit_scope", None)
    return object_label(scope) if scope is not None else ""


def object_label(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


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
        scope=scope_of(obj),
    )
