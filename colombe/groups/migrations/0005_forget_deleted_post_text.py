from django.db import migrations


def forget_text_of_deleted_posts(apps, schema_editor):
    """Messages deleted before deletion blanked their text: blank it now."""
    Post = apps.get_model("groups", "Post")
    Post.objects.filter(deleted_at__isnull=False).update(body="", body_html="")


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0004_invitation_revoked_at_and_blank_email"),
    ]

    operations = [
        migrations.RunPython(
            forget_text_of_deleted_posts, migrations.RunPython.noop, elidable=True
        ),
    ]
