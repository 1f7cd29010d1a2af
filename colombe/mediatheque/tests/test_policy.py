"""Who may know that an archive item exists, and who may add and edit items."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from colombe.core import policy
from colombe.mediatheque.models import MediaItem
from tests.personas import World

Audience = MediaItem.Visibility


def make_item(slug: str, visibility: str, **fields: object) -> MediaItem:
    return MediaItem.objects.create(
        kind=MediaItem.Kind.LINK,
        title=slug,
        slug=slug,
        published_on=datetime.date(2026, 3, 1),
        external_url="https://example.org/reportage",
        visibility=visibility,
        **fields,
    )


@pytest.fixture
def items(world: World) -> dict[str, MediaItem]:
    return {
        "public": make_item("public", Audience.PUBLIC),
        "members": make_item("members", Audience.MEMBERS),
        "secret": make_item("secret", Audience.GROUP, group=world.secret_group),
        "eves": make_item("eves", Audience.MEMBERS, created_by=world.eve),
    }


def seen_by(user: object) -> set[str]:
    return set(policy.visible(MediaItem, user).values_list("slug", flat=True))


def test_anonymous_visitors_see_public_items_only(items: dict[str, MediaItem]) -> None:
    assert seen_by(AnonymousUser()) == {"public"}


def test_members_of_the_movement_see_members_items(
    world: World, items: dict[str, MediaItem]
) -> None:
    assert seen_by(world.charlie) == {"public", "members", "secret", "eves"}


def test_a_secret_groups_item_is_hidden_from_a_national_admin_outside_it(
    world: World, items: dict[str, MediaItem]
) -> None:
    assert seen_by(world.alice) == {"public", "members", "eves"}
    assert not policy.can_see(world.alice, items["secret"])


def test_a_pending_member_sees_only_public_items_and_their_own(
    world: World, items: dict[str, MediaItem]
) -> None:
    assert seen_by(world.dana) == {"public"}
    assert seen_by(world.eve) == {"public", "eves"}


def test_members_add_items_and_authors_or_admins_edit_them(
    world: World, items: dict[str, MediaItem]
) -> None:
    assert policy.has_perm(world.charlie, "mediatheque.add")
    assert not policy.has_perm(world.eve, "mediatheque.add")
    assert not policy.has_perm(AnonymousUser(), "mediatheque.add")
    assert policy.has_perm(world.eve, "mediatheque.edit", items["eves"])
    assert policy.has_perm(world.alice, "mediatheque.edit", items["eves"])
    assert not policy.has_perm(world.charlie, "mediatheque.edit", items["eves"])


# A group's items belong to its current members ---------------------------------------------


def test_someone_removed_from_a_group_loses_the_items_they_filed_in_it(world: World) -> None:
    filed = make_item("filed", Audience.GROUP, group=world.secret_group, created_by=world.charlie)
    assert policy.can_see(world.charlie, filed)
    world.secret_group.memberships.filter(user=world.charlie).delete()

    assert "filed" not in seen_by(world.charlie)
    assert not policy.has_perm(world.charlie, "mediatheque.edit", filed)


def test_the_author_keeps_the_items_they_filed_for_members_or_the_public(world: World) -> None:
    make_item("for-members", Audience.MEMBERS, created_by=world.eve)
    make_item("for-all", Audience.PUBLIC, created_by=world.eve)

    assert seen_by(world.eve) == {"for-members", "for-all"}
