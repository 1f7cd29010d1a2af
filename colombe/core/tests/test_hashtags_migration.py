"""The migration that merges spellings: two hashtags that fold alike become one, and every
link to either (people's interests, groups, reports) points at the one kept."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from colombe.accounts.models import User
from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import build_world

BEFORE = [("core", "0003_hashtag_folded_key")]


def migrate_to(targets: list[tuple[str, str]]) -> Any:
    """Migrate, and return the models as the applied migrations of every app left them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(sorted(executor.loader.applied_migrations)).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_spellings_are_merged_and_links_kept() -> None:
    world = build_world()
    report = make_report(world.lyon, title="Tractage pour la paix")
    old_apps = migrate_to(BEFORE)
    try:
        OldHashtag = old_apps.get_model("core", "Hashtag")
        OldUser = old_apps.get_model("accounts", "User")
        OldGroup = old_apps.get_model("groups", "Group")
        OldReport = old_apps.get_model("reports", "ActionReport")
        first = OldHashtag.objects.create(name="désarmement")
        plain = OldHashtag.objects.create(name="desarmement")
        decomposed = OldHashtag.objects.create(name="de\u0301sarmement")
        other = OldHashtag.objects.create(name="paix")
        charlie = OldUser.objects.get(pk=world.charlie.pk)
        charlie.interests.add(first, plain, other)  # two spellings: one link after
        OldUser.objects.get(pk=world.bob.pk).interests.add(plain)
        OldGroup.objects.get(pk=world.public_group.pk).hashtags.add(decomposed)
        OldReport.objects.get(pk=report.pk).hashtags.add(plain, decomposed)
    finally:
        migrate_to(latest())

    tag = Hashtag.objects.get(key="desarmement")
    assert tag.name == "désarmement"
    assert Hashtag.objects.filter(key="paix").exists()
    assert Hashtag.objects.count() == 2
    charlie_tags = User.objects.get(pk=world.charlie.pk).interests.all()
    assert sorted(t.key for t in charlie_tags) == ["desarmement", "paix"]
    assert list(User.objects.get(pk=world.bob.pk).interests.all()) == [tag]
    assert list(Group.objects.get(pk=world.public_group.pk).hashtags.all()) == [tag]
    assert list(ActionReport.objects.get(pk=report.pk).hashtags.all()) == [tag]
