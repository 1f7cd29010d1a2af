from django.test import Client
from django.urls import reverse

from colombe.accounts.models import ProfileVisibility
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from tests.personas import SECRET_GROUP_NAME, World


def test_parse_hashtags_normalises_and_deduplicates() -> None:
    assert parse_hashtags("#Désarmement, paix #paix  climat") == ["désarmement", "paix", "climat"]


def test_tag_used_only_by_a_secret_group_is_404_for_outsiders(client: Client, world: World) -> None:
    world.secret_group.hashtags.set(get_or_create_hashtags(["hirondelle"]))
    url = reverse("core:hashtag", args=["hirondelle"])
    assert client.get(url).status_code == 404
    client.force_login(world.eve)
    assert client.get(url).status_code == 404
    client.force_login(world.charlie)
    response = client.get(url)
    assert response.status_code == 200
    assert SECRET_GROUP_NAME in response.content.decode()


def test_tag_page_lists_open_groups_and_people_who_opted_in(client: Client, world: World) -> None:
    tags = get_or_create_hashtags(["désarmement"])
    world.public_group.hashtags.set(tags)
    world.secret_group.hashtags.set(tags)
    world.charlie.interests.set(tags)
    world.charlie.show_interests = True
    world.charlie.save()
    # A visible profile is not a yes to being listed by one's interests.
    world.alice.interests.set(tags)
    world.alice.profile_visibility = ProfileVisibility.MOVEMENT
    world.alice.save()
    client.force_login(world.eve)
    body = client.get(reverse("core:hashtag", args=["désarmement"])).content.decode()
    assert world.public_group.name in body
    assert SECRET_GROUP_NAME not in body
    assert "Charlie" not in body  # Eve is not a member of the movement
    client.force_login(world.bob)
    body = client.get(reverse("core:hashtag", args=["désarmement"])).content.decode()
    assert "Charlie" in body
    assert "Alice" not in body


def test_unknown_tag_is_404(client: Client, world: World) -> None:
    assert client.get(reverse("core:hashtag", args=["inconnu"])).status_code == 404
