"""The timeline of the archive: by year and month, newest first, filtered, paginated,
counted per year, in a constant number of queries, and only what the visitor may see."""

import re
from datetime import date
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.mediatheque.item_views import PAGE_SIZE
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.page_helpers import make_item, make_outlet, make_theme, page_of
from colombe.movement.models import Territory
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

INDEX = "mediatheque:index"


def timeline(client: Client, **params: Any) -> str:
    return page_of(client, reverse(INDEX), **params)


def card_titles(page: str) -> list[str]:
    return re.findall(r'<h4><a href="[^"]+">([^<]+)</a></h4>', page)


def headings(page: str) -> list[str]:
    return re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", page)


def test_items_are_grouped_by_year_and_month_newest_first(
    client: Client, world: World, english_pages: None
) -> None:
    make_item(world.bob, title="Décembre", published_on=date(2025, 12, 24))
    make_item(world.bob, title="Mars, tôt", published_on=date(2026, 3, 2))
    make_item(world.bob, title="Janvier", published_on=date(2026, 1, 15))
    make_item(world.bob, title="Mars, tard", published_on=date(2026, 3, 20))
    page = timeline(client)
    assert card_titles(page) == ["Mars, tard", "Mars, tôt", "Janvier", "Décembre"]
    shown = [h for h in headings(page) if re.match(r"^(\d{4}|\w+ \d{4})$", h)]
    assert shown == ["2026", "March 2026", "January 2026", "2025", "December 2025"]


def test_years_are_counted_in_a_side_list(client: Client, world: World) -> None:
    for day in (1, 2, 3):
        make_item(world.bob, published_on=date(2026, 1, day))
    make_item(world.bob, published_on=date(2024, 5, 1))
    make_item(world.bob, published_on=date(2024, 5, 2), visibility=MediaItem.Visibility.MEMBERS)
    page = timeline(client)
    years = re.findall(r'year=(\d{4})"[^>]*>\d{4}</a>\s*<span class="meta">\((\d+)\)', page)
    assert years == [("2026", "3"), ("2024", "1")]
    only_2024 = timeline(client, year=2024)
    assert len(card_titles(only_2024)) == 1
    assert 'year=2024" aria-current="page"' in only_2024


def test_empty_archive(client: Client, world: World, english_pages: None) -> None:
    assert "The archive is empty for now." in timeline(client)
    make_item(world.bob)
    assert "No item matches these filters." in timeline(client, year=1999)


def test_only_what_the_visitor_may_see(client: Client, world: World) -> None:
    make_item(world.bob, title="Public")
    make_item(world.bob, title="Membres", visibility=MediaItem.Visibility.MEMBERS)
    make_item(
        world.bob,
        title="Cercle",
        visibility=MediaItem.Visibility.GROUP,
        group=world.secret_group,
        outlet=make_outlet("Radio Zéphyr"),
    )
    assert card_titles(timeline(client)) == ["Public"]
    client.force_login(world.alice)
    page = timeline(client)
    assert sorted(card_titles(page)) == ["Membres", "Public"]
    # Nor the outlet of the group's item, in the filter's list.
    assert "Radio Zéphyr" not in page and SECRET_GROUP_NAME not in page
    client.force_login(world.charlie)
    assert sorted(card_titles(timeline(client))) == ["Cercle", "Membres", "Public"]


def test_filter_by_outlet_theme_hashtag_kind_and_words(client: Client, world: World) -> None:
    radio, tv = make_outlet("France Bleu"), make_outlet("France 3")
    schools = make_theme("Écoles")
    make_item(world.bob, title="A", outlet=radio, themes=(schools,), hashtags=("paix",))
    make_item(world.bob, title="B", outlet=tv, hashtags=("Désarmement",))
    make_item(
        world.bob, title="C", kind=MediaItem.Kind.ARTICLE, description="Une marche pour la paix"
    )
    assert card_titles(timeline(client, outlet=radio.slug)) == ["A"]
    assert card_titles(timeline(client, theme=schools.slug)) == ["A"]
    assert card_titles(timeline(client, hashtag="#desarmement")) == ["B"]
    assert card_titles(timeline(client, kind="article")) == ["C"]
    assert card_titles(timeline(client, q="marche")) == ["C"]
    assert card_titles(timeline(client, outlet=tv.slug, hashtag="paix")) == []


def test_filter_by_territory_includes_its_departments_and_committees(
    client: Client, world: World
) -> None:
    rhone = Territory.objects.get(slug="rhone")
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    other_region = factories.TerritoryFactory.create(
        name="Bretagne", slug="bretagne", level=Territory.Level.REGION, parent=region.parent
    )
    make_item(world.bob, title="Département", territory=rhone)
    make_item(world.bob, title="Région", territory=region)
    make_item(world.bob, title="Bretagne", territory=other_region)
    by_committee = make_item(world.bob, title="Comité")
    by_committee.structures.set([world.lyon])
    expected = ["Comité", "Département", "Région"]
    assert sorted(card_titles(timeline(client, territory="auvergne-rhone-alpes"))) == expected
    assert sorted(card_titles(timeline(client, territory="rhone"))) == ["Comité", "Département"]
    assert card_titles(timeline(client, territory="bretagne")) == ["Bretagne"]


def test_pages_keep_the_filters(client: Client, world: World, english_pages: None) -> None:
    for number in range(PAGE_SIZE + 1):
        make_item(world.bob, title=f"Item {number}", hashtags=("paix",))
    first = timeline(client, hashtag="paix")
    assert len(card_titles(first)) == PAGE_SIZE
    assert 'href="?hashtag=paix&amp;page=2"' in first
    second = timeline(client, hashtag="paix", page=2)
    assert card_titles(second) == ["Item 0"]


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        timeline(client, hashtag="paix")
    return len(queries)


def add_items(world: World, count: int, start: int) -> None:
    outlet, theme = make_outlet(f"Chaîne {start}"), make_theme(f"Thème {start}")
    for number in range(count):
        make_item(
            world.bob,
            title=f"Item {start + number}",
            published_on=date(2020 + number % 6, 1 + number % 12, 1),
            outlet=outlet,
            themes=(theme,),
            hashtags=("paix",),
            visibility=MediaItem.Visibility.MEMBERS if number % 2 else MediaItem.Visibility.PUBLIC,
        )


def test_query_count_does_not_grow_with_items(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.charlie)
    add_items(world, 3, start=0)
    timeline(client)  # the first request of a session writes it
    few = count_queries(client)
    add_items(world, PAGE_SIZE, start=100)
    assert count_queries(client) == few
    # Session, user, membership (scope, "may add"), outlets, territories, themes, count,
    # page, themes of the page, years.
    with django_assert_max_num_queries(11):
        timeline(client, hashtag="paix")
