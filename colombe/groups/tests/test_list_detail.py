from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import Hashtag
from colombe.groups.models import Document, Group, GroupMembership, JoinRequest, Visibility
from colombe.groups.tests.conftest import assert_hides_secret
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db
LIST_URL = reverse("groups:list")


def secret_group_urls(world: World) -> list[str]:
    """Every URL of the app that names the secret group (ids of its objects included)."""
    group = world.secret_group
    slug = group.slug
    thread = group.threads.get()
    post = thread.posts.get()
    membership = GroupMembership.objects.get(group=group, user=world.charlie)
    join_request = cast(JoinRequest, factories.JoinRequestFactory(group=group))
    document = cast(Document, factories.DocumentFactory(group=group))
    return [
        reverse("groups:detail", args=[slug]),
        reverse("groups:edit", args=[slug]),
        reverse("groups:invite", args=[slug]),
        reverse("groups:join", args=[slug]),
        reverse("groups:leave", args=[slug]),
        reverse("groups:manage", args=[slug]),
        reverse("groups:approve_request", args=[slug, join_request.pk]),
        reverse("groups:reject_request", args=[slug, join_request.pk]),
        reverse("groups:members", args=[slug]),
        reverse("groups:remove_member", args=[slug, membership.pk]),
        reverse("groups:change_role", args=[slug, membership.pk]),
        reverse("groups:threads", args=[slug]),
        reverse("groups:new_thread", args=[slug]),
        reverse("groups:thread", args=[slug, thread.pk]),
        reverse("groups:reply", args=[slug, thread.pk]),
        reverse("groups:edit_post", args=[slug, post.pk]),
        reverse("groups:delete_post", args=[slug, post.pk]),
        reverse("groups:hide_post", args=[slug, post.pk]),
        reverse("groups:documents", args=[slug]),
        reverse("groups:upload", args=[slug]),
        reverse("groups:document", args=[slug, document.pk]),
        reverse("groups:new_version", args=[slug, document.pk]),
        reverse("groups:download", args=[slug, document.pk, 1]),
    ]


@pytest.mark.parametrize("persona", ["anonymous", "eve", "dana", "alice", "frank"])
def test_every_secret_group_url_is_404_for_outsiders(
    client: Client, world: World, persona: str
) -> None:
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    for url in secret_group_urls(world):
        assert_hides_secret(client.get(url))
        assert_hides_secret(client.post(url, {"body": "x", "name": "x", "email": "a@b.org"}))


def test_list_hides_secret_group_from_outsiders(client: Client, world: World) -> None:
    for user in [None, world.eve, world.alice]:
        if user is not None:
            client.force_login(user)
        body = client.get(LIST_URL).content.decode()
        assert "Groupe public de Lyon" in body
        assert "Groupe privé de Lyon" in body
        assert SECRET_GROUP_NAME not in body
        assert world.secret_group.slug not in body


def test_list_filtered_on_secret_shows_nothing_to_outsiders(client: Client, world: World) -> None:
    client.force_login(world.eve)
    body = client.get(LIST_URL, {"visibility": "secret"}).content.decode()
    assert SECRET_GROUP_NAME not in body
    assert "No group matches your search." in body


def test_members_see_secret_group_and_their_groups(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.get(LIST_URL)
    body = response.content.decode()
    assert SECRET_GROUP_NAME in body
    assert body.count(SECRET_GROUP_NAME) == 2  # "My groups" and the full list


def test_my_groups_empty_state(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert "You are not a member of any group yet." in client.get(LIST_URL).content.decode()


def test_search_and_visibility_filter(client: Client, world: World) -> None:
    body = client.get(LIST_URL, {"q": "privé"}).content.decode()
    assert "Groupe privé de Lyon" in body
    assert "Groupe public de Lyon" not in body
    body = client.get(LIST_URL, {"visibility": Visibility.PUBLIC}).content.decode()
    assert "Groupe public de Lyon" in body
    assert "Groupe privé de Lyon" not in body


def test_list_shows_member_count_and_owner(client: Client, world: World) -> None:
    body = client.get(LIST_URL, {"q": "public"}).content.decode()
    assert "Comité de Lyon" in body
    assert "2 members" in body


def test_list_is_paginated_and_keeps_the_filter(client: Client, world: World) -> None:
    for number in range(30):
        factories.GroupFactory(name=f"Zz atelier {number:02d}", owner=world.lyon)
    first = client.get(LIST_URL, {"q": "atelier"}).content.decode()
    assert "Zz atelier 24" in first and "Zz atelier 25" not in first
    assert "q=atelier&amp;page=2" in first
    second = client.get(LIST_URL, {"q": "atelier", "page": "2"}).content.decode()
    assert "Zz atelier 25" in second


def test_list_does_not_do_a_query_per_group(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.charlie)
    for number in range(20):
        group = cast(Group, factories.GroupFactory(owner=world.lyon, name=f"Groupe {number}"))
        group.hashtags.add(cast(Hashtag, factories.HashtagFactory()))
        factories.GroupMembershipFactory(group=group, user=world.charlie)
    # Session and login bookkeeping take ~7 queries; 20 groups must not add 20 more.
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    assert response.status_code == 200


def test_public_detail_for_anonymous(client: Client, world: World) -> None:
    response = client.get(world.public_group.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Groupe public de Lyon" in body
    assert "Comité de Lyon" in body
    assert "2 members" in body
    assert "Discussion — Groupe public de Lyon" in body
    assert "Log in to join" in body


def test_private_detail_for_outsider_shows_description_not_content(
    client: Client, world: World
) -> None:
    client.force_login(world.eve)
    body = client.get(world.private_group.get_absolute_url()).content.decode()
    assert "Groupe privé de Lyon" in body
    assert "A group." in body
    assert "Discussion — Groupe privé de Lyon" not in body
    assert "are for its members" in body
    assert "Ask to join" in body


def test_member_detail_shows_role_and_actions(client: Client, world: World) -> None:
    client.force_login(world.bob)
    body = client.get(world.secret_group.get_absolute_url()).content.decode()
    assert SECRET_GROUP_NAME in body
    assert "Your role: Owner" in body
    for label in ["Invite someone", "Requests and invitations", "Edit the group", "Members"]:
        assert label in body


@pytest.mark.parametrize("name", ["threads", "documents", "members"])
def test_private_content_is_members_only_for_outsiders(
    client: Client, world: World, name: str
) -> None:
    client.force_login(world.eve)
    response = client.get(reverse(f"groups:{name}", args=[world.private_group.slug]))
    assert response.status_code == 403
    assert "For members only" in response.content.decode()


def test_private_thread_is_members_only(client: Client, world: World) -> None:
    thread = world.private_group.threads.get()
    client.force_login(world.eve)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 403
    assert "Hello" not in response.content.decode()


def test_public_content_readable_by_anonymous(client: Client, world: World) -> None:
    slug = world.public_group.slug
    assert client.get(reverse("groups:threads", args=[slug])).status_code == 200
    assert client.get(reverse("groups:documents", args=[slug])).status_code == 200
    # The member list stays for members even in a public group (GDPR).
    client.force_login(world.eve)
    assert client.get(reverse("groups:members", args=[slug])).status_code == 403


def test_unknown_group_is_404(client: Client, world: World) -> None:
    assert client.get(reverse("groups:detail", args=["nothing-here"])).status_code == 404


def test_pages_are_in_french_by_default(client: Client, world: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    client.force_login(world.charlie)
    body = client.get(LIST_URL).content.decode()
    assert "Mes groupes" in body and "Trouver un groupe" in body and "2 membres" in body
    body = client.get(world.private_group.get_absolute_url()).content.decode()
    assert "Quitter le groupe" in body
