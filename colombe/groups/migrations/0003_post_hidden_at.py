from typing import Any

from django.db import migrations, models
from django.db.models.functions import Now


def mark_hidden_posts(apps: Any, schema_editor: Any) -> None:
    """Messages hidden before this field existed are those with a hiding moderator."""
    Post = apps.get_model("groups", "Post")
    Post.objects.filter(hidden_by__isnull=False).update(hidden_at=Now())


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_short_visibility_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="hidden_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_hidden_posts, migrations.RunPython.noop),
    ]
