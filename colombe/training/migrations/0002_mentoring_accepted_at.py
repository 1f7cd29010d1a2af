from typing import Any

from django.db import migrations, models
from django.db.models import F


def accept_existing_pairings(apps: Any, schema_editor: Any) -> None:
    """Pairs made before offers needed accepting already saw each other's address: they
    keep their pairing instead of waiting for an acceptance nobody will ask for."""
    MentoringRequest = apps.get_model("training", "MentoringRequest")
    MentoringRequest.objects.filter(status__in=["paired", "done"]).update(
        accepted_at=F("paired_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_sessions_guides_mentoring_skills"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentoringrequest",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(accept_existing_pairings, migrations.RunPython.noop),
    ]
