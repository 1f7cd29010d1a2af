"""A fourth audience: the active members of one committee (a committee meeting's
recording is archived for them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mediatheque", "0001_archive_items"),
        ("movement", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediaitem",
            name="structure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_media_items",
                to="movement.structure",
                verbose_name="committee",
            ),
        ),
        migrations.AlterField(
            model_name="mediaitem",
            name="visibility",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    ("members", "Members of the movement"),
                    ("group", "Members of a group"),
                    ("committee", "Members of a committee"),
                ],
                default="public",
                max_length=10,
                verbose_name="who may see it",
            ),
        ),
        migrations.AddConstraint(
            model_name="mediaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("visibility", "committee"),
                        ("structure__isnull", False),
                        ("group__isnull", True),
                    ),
                    models.Q(
                        models.Q(("visibility", "committee"), _negated=True),
                        ("structure__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="media_structure_iff_committee_visibility",
            ),
        ),
    ]
