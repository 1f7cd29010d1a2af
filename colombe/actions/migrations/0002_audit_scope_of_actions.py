from typing import Any

from django.db import migrations

ACTION_TYPE = "actions.action"


def scope_of_action(group_id: int | None, structure_id: int) -> str:
    """The string ``colombe.core.audit.scope_of`` gives for ``Action.audit_scope``."""
    if group_id is not None:
        return f"groups.group:{group_id}"
    return f"movement.structure:{structure_id}"


def backfill_scopes(apps: Any, schema_editor: Any) -> None:
    """Entries logged before actions named their scope were stored without one, so a
    secret group's actions showed in every administrator's audit log. Every entry about
    actions (slots and sign-ups included) was logged with the action as its object."""
    Action = apps.get_model("actions", "Action")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for pk, group_id, structure_id in Action.objects.values_list("pk", "group_id", "structure_id"):
        AuditEntry.objects.filter(object_type=ACTION_TYPE, object_id=str(pk)).update(
            scope=scope_of_action(group_id, structure_id)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_actions_slots_days_print_templates"),
        ("core", "0006_search_index"),
    ]

    operations = [migrations.RunPython(backfill_scopes, migrations.RunPython.noop)]
