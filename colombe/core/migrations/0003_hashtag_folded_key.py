"""Hashtags get a folded key ('desarmement' for '#Désarmement'); filled and made unique
by the next two migrations, each in its own transaction (PostgreSQL refuses to alter a
table with deferred constraint checks pending from the data moved in between)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_entry_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="hashtag",
            name="key",
            field=models.CharField(max_length=120, null=True),
        ),
    ]
