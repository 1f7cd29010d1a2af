from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_merge_hashtag_spellings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hashtag",
            name="key",
            field=models.CharField(max_length=120, unique=True),
        ),
    ]
