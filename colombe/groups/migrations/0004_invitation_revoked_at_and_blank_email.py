from django.db import migrations, models


def forget_addresses_of_accepted_invitations(apps, schema_editor):
    """An accepted invitation no longer needs the address it was sent to."""
    Invitation = apps.get_model("groups", "Invitation")
    Invitation.objects.filter(accepted_at__isnull=False).exclude(email="").update(email="")


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0003_post_hidden_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="email address"),
        ),
        migrations.RunPython(
            forget_addresses_of_accepted_invitations, migrations.RunPython.noop, elidable=True
        ),
    ]
