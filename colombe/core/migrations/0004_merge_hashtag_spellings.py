"""Merge hashtags that are one once folded ('#Désarmement' and '#desarmement'): the oldest
spelling stays, every link to the others (people's interests, groups, reports, and any
other relation to Hashtag) moves to it, then the others go."""

import unicodedata
from collections import defaultdict
from typing import Any

from django.db import migrations, models


def fold(raw: str) -> str:
    # A copy of colombe.core.models.fold_hashtag as it was when this migration was written.
    name = raw.strip().lstrip("#")
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped.casefold())


def many_to_many_links(apps: Any, hashtag_model: Any) -> list[tuple[Any, str, str]]:
    """(through model, owner column, hashtag column) for every many-to-many to Hashtag."""
    links = []
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            if field.related_model is hashtag_model:
                through = field.remote_field.through
                links.append((through, field.m2m_field_name(), field.m2m_reverse_field_name()))
    return links


def foreign_keys(apps: Any, hashtag_model: Any) -> list[tuple[Any, str]]:
    """(model, field) for every plain foreign key to Hashtag (none when this was written)."""
    found = []
    for model in apps.get_models():
        if model._meta.auto_created:
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is hashtag_model:
                found.append((model, field.name))
    return found


def move_links(apps: Any, hashtag_model: Any, duplicate: Any, keep: Any) -> None:
    for through, owner, tag in many_to_many_links(apps, hashtag_model):
        already = list(through.objects.filter(**{tag: keep}).values_list(f"{owner}_id", flat=True))
        rows = through.objects.filter(**{tag: duplicate})
        rows.filter(**{f"{owner}_id__in": already}).delete()
        rows.update(**{tag: keep})
    for model, name in foreign_keys(apps, hashtag_model):
        model.objects.filter(**{name: duplicate}).update(**{name: keep})


def merge_spellings(apps: Any, schema_editor: Any) -> None:
    Hashtag = apps.get_model("core", "Hashtag")
    by_key: dict[str, list[Any]] = defaultdict(list)
    for tag in Hashtag.objects.order_by("created_at", "pk"):
        by_key[fold(tag.name)].append(tag)
    for key, tags in by_key.items():
        keep, *duplicates = tags
        for duplicate in duplicates:
            move_links(apps, Hashtag, duplicate, keep)
            duplicate.delete()
        keep.key = key
        keep.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_hashtag_folded_key"),
        # Every app with a relation to Hashtag, so that its tables are in the state.
        ("accounts", "0002_user_interests_and_permissions"),
        ("groups", "0005_forget_deleted_post_text"),
        ("reports", "0001_reports_initial"),
    ]

    operations = [
        migrations.RunPython(merge_spellings, migrations.RunPython.noop),
    ]
