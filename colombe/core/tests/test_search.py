from typing import Any

from django.test import Client
from django.urls import reverse

from colombe.accounts.models import ProfileVisibility
from colombe.core.hashtags import get_or_create_hashtags
from tests import factories
from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG, World


def search(client: Client, query: str) -> str:
    response = client.get(reverse("core:search"), {"q": query})
    assert response.status_code == 200
    # Matched words are highlighted: compare the text without the marks.
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def test_search_finds_committees_and_open_groups(client: Client, world: World) -> None:
    body = search(client, "Lyon")
    assert "Comité de Lyon" in body
    assert world.public_group.name in body


def test_outsider_search_finds_no_trace_of_secret_group(client: Client, world: World) -> None:
    world.secret_group.hashtags.set(get_or_create_hashtags(["hirondelle"]))
    client.force_login(world.eve)
    for query in ["Zéphyr", "Quetzal", "Cercle", "hirondelle", "Discussion"]:
        body = search(client, query)
        assert SECRET_GROUP_NAME not in body
        assert SECRET_GROUP_SLUG not in body
        assert "#hirondelle" not in body


def test_member_search_finds_secret_group_and_its_discussions(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    body = search(client, "Quetzal")
    assert SECRET_GROUP_NAME in body


def test_private_discussions_are_not_searchable_by_outsiders(client: Client, world: World) -> None:
    client.force_login(world.eve)
    body = search(client, "Discussion")
    assert f"Discussion — {world.public_group.name}" in body
    assert f"Discussion — {world.private_group.name}" not in body


def test_short_query_asks_for_more(client: Client, world: World) -> None:
    assert "Tapez au moins deux caractères" in search(client, "a")


def test_search_query_count_does_not_grow_with_results(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        group = factories.GroupFactory.create(
            owner=world.lyon, name=f"Lyon {number}", slug=f"l-{number}"
        )
        factories.ThreadFactory.create(group=group, title=f"Lyon discussion {number}")
    client.force_login(world.charlie)
    # Session, user, the policy scopes' membership checks, hits per kind, one page.
    with django_assert_max_num_queries(14):
        search(client, "Lyon")


def test_interests_of_hidden_profiles_are_not_searchable(client: Client, world: World) -> None:
    world.frank.interests.set(get_or_create_hashtags(["colibri"]))
    world.frank.profile_visibility = ProfileVisibility.NOBODY
    world.frank.save()
    assert "#colibri" not in search(client, "colibri")
    client.force_login(world.eve)
    assert "#colibri" not in search(client, "colibri")
    world.frank.profile_visibility = ProfileVisibility.MOVEMENT
    world.frank.save()
    assert "#colibri" in search(client, "colibri")
