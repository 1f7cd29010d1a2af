"""The archive in the site search and on hashtag pages: found by whoever may see the item,
and by nobody else."""

from typing import Any

from django.test import Client
from django.urls import reverse

from colombe.core.tests.search_helpers import plain, search_page
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.page_helpers import make_item, make_outlet, page_of
from tests.personas import SECRET_GROUP_NAME, World

Visibility = MediaItem.Visibility


def search(client: Client, query: str, **params: Any) -> str:
    return plain(search_page(client, query, **params))


def test_anonymous_visitor_finds_a_public_item_not_a_members_one(
    client: Client, world: World
) -> None:
    public = make_item(world.bob, title="Reportage Tournesol", description="Une chaîne humaine.")
    members = make_item(world.bob, title="Réunion Tournesol", visibility=Visibility.MEMBERS)
    page = search(client, "Tournesol")
    assert public.get_absolute_url() in page and "Reportage Tournesol" in page
    assert members.get_absolute_url() not in page
    client.force_login(world.charlie)
    assert members.get_absolute_url() in search(client, "Tournesol")


def test_items_are_found_by_description_and_outlet(
    client: Client, world: World, english_pages: None
) -> None:
    outlet = make_outlet("Radio Ondine")
    item = make_item(world.bob, description="Une chaîne humaine", outlet=outlet)
    assert item.get_absolute_url() in search(client, "humaine")
    page = search(client, "Ondine")
    assert item.get_absolute_url() in page and "Media archive" in page


def test_a_secret_group_item_is_found_only_by_its_members(client: Client, world: World) -> None:
    item = make_item(
        world.bob,
        title="Archive Mésange",
        visibility=Visibility.GROUP,
        group=world.secret_group,
        hashtags=("mésangebleue",),
    )
    for person in (world.eve, world.alice):
        client.force_login(person)
        for query in ("Mésange", "mésangebleue"):
            page = search(client, query)
            assert item.get_absolute_url() not in page and "#mésangebleue" not in page
            assert SECRET_GROUP_NAME not in page
    client.force_login(world.charlie)
    assert item.get_absolute_url() in search(client, "Mésange")
    assert "#mésangebleue" in search(client, "mésangebleue")


def test_changes_reach_the_index(client: Client, world: World) -> None:
    outlet = make_outlet("Radio Ondine")
    item = make_item(world.bob, title="Premier titre", outlet=outlet)
    item.title = "Titre Corrigé"
    item.save()
    assert item.get_absolute_url() in search(client, "Corrigé")
    outlet.name = "Radio Coquelicot"
    outlet.save()
    assert item.get_absolute_url() in search(client, "Coquelicot")
    item.visibility = Visibility.MEMBERS
    item.save()
    assert item.get_absolute_url() not in search(client, "Corrigé")
    client.force_login(world.charlie)
    url = item.get_absolute_url()
    item.delete()
    assert url not in search(client, "Corrigé")


def test_hashtag_page_lists_the_items_one_may_see(
    client: Client, world: World, english_pages: None
) -> None:
    public = make_item(world.bob, title="Reportage public", hashtags=("colombe",))
    members = make_item(
        world.bob, title="Archive interne", visibility=Visibility.MEMBERS, hashtags=("colombe",)
    )
    page = page_of(client, reverse("core:hashtag", args=["colombe"]))
    assert public.get_absolute_url() in page and members.get_absolute_url() not in page
    assert f"{reverse('mediatheque:index')}?hashtag=colombe" in page
    client.force_login(world.charlie)
    assert members.get_absolute_url() in page_of(client, reverse("core:hashtag", args=["colombe"]))


def test_a_hashtag_only_on_a_secret_group_item_has_no_page_for_outsiders(
    client: Client, world: World
) -> None:
    make_item(
        world.bob, visibility=Visibility.GROUP, group=world.secret_group, hashtags=("pinson",)
    )
    client.force_login(world.eve)
    assert client.get(reverse("core:hashtag", args=["pinson"])).status_code == 404
    client.force_login(world.charlie)
    assert client.get(reverse("core:hashtag", args=["pinson"])).status_code == 200
