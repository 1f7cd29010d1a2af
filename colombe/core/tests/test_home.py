from typing import Any

from django.test import Client
from django.urls import reverse

from tests import factories
from tests.personas import SECRET_GROUP_NAME, World


def test_home_lists_public_committees_and_open_groups_in_french(
    client: Client, world: World
) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Comité de Lyon" in body
    assert world.public_group.name in body
    assert world.private_group.name in body
    assert SECRET_GROUP_NAME not in body
    assert reverse("account_signup") in body


def test_home_shows_secret_group_to_its_member(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    assert SECRET_GROUP_NAME in client.get(reverse("core:home")).content.decode()


def test_language_switch_to_english(client: Client, world: World) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Committees" in body


def test_home_query_count_does_not_grow_with_groups(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        factories.GroupFactory.create(owner=world.lyon, name=f"Groupe {number}", slug=f"g-{number}")
    client.force_login(world.charlie)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("core:home")).status_code == 200
