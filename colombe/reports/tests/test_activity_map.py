"""The map of France on the feed: counts through the policy scope, the region →
department drill-down, links that filter the feed, the table that repeats the map's
figures, and a constant number of queries."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.movement.models import Territory
from colombe.reports import activity
from colombe.reports.feed_views import published_reports
from colombe.reports.tests.activity_helpers import (
    PlacedWorld,
    feed_map_page,
    place_world,
    read_map,
)
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def placed(world: World) -> PlacedWorld:
    return place_world(world)


def test_regions_count_the_reports_of_their_committees(client: Client, placed: PlacedWorld) -> None:
    make_report(placed.lyon)
    make_report(placed.grenoble)
    make_report(placed.regional)
    make_report(placed.toulouse)
    page = feed_map_page(client)
    assert page.heading == "Reports by region"
    assert page.links == {
        "Auvergne-Rhône-Alpes: 3 reports": _feed("territory=auvergne-rhone-alpes"),
        "Occitanie: 1 report": _feed("territory=occitanie"),
    }
    # The 11 other metropolitan regions are drawn, without a committee to link to.
    assert page.unlinked == 11
    assert page.total == 4


def test_eve_does_not_count_the_secret_groups_report(client: Client, placed: PlacedWorld) -> None:
    world = placed.world
    make_report(placed.lyon, title="Public")
    make_report(placed.lyon, title="Cellule", group=world.secret_group)
    client.force_login(world.eve)
    assert "Auvergne-Rhône-Alpes: 1 report" in feed_map_page(client).links
    client.force_login(world.bob)
    assert "Auvergne-Rhône-Alpes: 2 reports" in feed_map_page(client).links


def test_a_region_drills_down_to_its_departments(client: Client, placed: PlacedWorld) -> None:
    make_report(placed.lyon)
    make_report(placed.lyon)
    make_report(placed.grenoble)
    make_report(placed.regional)
    make_report(placed.toulouse)
    page = feed_map_page(client, territory="auvergne-rhone-alpes")
    assert page.heading == "Reports in Auvergne-Rhône-Alpes, by department"
    assert page.links == {
        "Rhône: 2 reports": _feed("territory=rhone"),
        "Isère: 1 report": _feed("territory=isere"),
    }
    # The region's 12 departments are drawn; those without a territory are not links.
    assert page.unlinked == 10
    assert page.rows == {"Isère": 1, "Rhône": 2, "Region-wide committees": 1}
    assert page.total == 4


def test_a_department_is_shown_among_its_regions_departments(
    client: Client, placed: PlacedWorld
) -> None:
    make_report(placed.lyon)
    make_report(placed.grenoble)
    page = feed_map_page(client, territory="rhone")
    assert page.heading == "Reports in Auvergne-Rhône-Alpes, by department"
    assert page.current == ["Rhône: 1 report"]
    # The neighbours keep their own figures so that one can move to them.
    assert "Isère: 1 report" in page.links


def test_the_map_links_filter_the_feed(client: Client, placed: PlacedWorld) -> None:
    make_report(placed.lyon, title="À Lyon")
    make_report(placed.grenoble, title="À Grenoble")
    make_report(placed.toulouse, title="À Toulouse")
    region_link = feed_map_page(client).links["Auvergne-Rhône-Alpes: 2 reports"]
    response = client.get(region_link)
    assert _titles(response) == {"À Lyon", "À Grenoble"}
    department_link = read_map(response.content.decode()).links["Isère: 1 report"]
    assert _titles(client.get(department_link)) == {"À Grenoble"}


def test_the_other_filters_count_and_stay_in_the_links(client: Client, placed: PlacedWorld) -> None:
    make_report(placed.lyon, kind="vigil")
    make_report(placed.lyon, kind="leaflets")
    make_report(placed.toulouse, kind="leaflets")
    page = feed_map_page(client, kind="vigil")
    assert page.links == {
        "Auvergne-Rhône-Alpes: 1 report": _feed("kind=vigil&territory=auvergne-rhone-alpes"),
        "Occitanie: 0 reports": _feed("kind=vigil&territory=occitanie"),
    }


def test_the_table_repeats_the_maps_figures(client: Client, placed: PlacedWorld) -> None:
    for structure, count in [(placed.lyon, 3), (placed.grenoble, 1), (placed.toulouse, 2)]:
        for _number in range(count):
            make_report(structure)
    for params in [{}, {"territory": "auvergne-rhone-alpes"}, {"territory": "occitanie"}]:
        page = feed_map_page(client, **params)
        on_map = {label.rsplit(":", 1)[0]: label for label in page.links}
        assert on_map, params
        for name, label in on_map.items():
            count = int(label.rsplit(":", 1)[1].split()[0])
            assert page.rows[name] == count, (params, name)
            assert page.row_links[name] == page.links[label]
        # Each linked area has the same words as its title, for a mouse pointer.
        assert set(page.links) <= set(page.titles)
        assert page.total == sum(page.rows.values())


def test_reports_of_national_structures_are_counted_apart(
    client: Client, placed: PlacedWorld
) -> None:
    make_report(placed.world.national)
    make_report(placed.lyon)
    page = feed_map_page(client)
    assert page.rows["National structures and collectives"] == 1
    assert page.total == 2


def test_a_region_without_outline_shows_its_table_only(client: Client, world: World) -> None:
    # The personas' region carries no code: nothing to draw, the figures stay.
    make_report(world.lyon)
    response = client.get(reverse("reports:feed"), {"territory": "auvergne-rhone-alpes"})
    html = response.content.decode()
    page = read_map(html)
    assert page.links == {}
    assert page.rows == {"Rhône": 1}
    assert '<details class="map-figures" open>' in html


def test_the_map_counts_in_two_queries(placed: PlacedWorld, django_assert_num_queries: Any) -> None:
    for structure in [placed.lyon, placed.grenoble, placed.toulouse, placed.regional] * 3:
        make_report(structure, hashtags="#paix #désarmement")
    reports = published_reports(placed.world.eve).filter(hashtags__name__in=["paix", "désarmement"])
    # Counts per committee, then the committees placed in the territory tree.
    with django_assert_num_queries(2):
        counts = activity.counts_by_territory(reports, Territory.Level.REGION)
    regions = dict(Territory.objects.filter(level=1).values_list("slug", "pk"))
    # A join that repeats a report (two hashtags) does not count it twice.
    assert counts == {regions["auvergne-rhone-alpes"]: 9, regions["occitanie"]: 3}


@pytest.mark.parametrize("territory", ["", "auvergne-rhone-alpes", "rhone"])
def test_the_feed_with_its_map_takes_a_constant_number_of_queries(
    client: Client, placed: PlacedWorld, django_assert_max_num_queries: Any, territory: str
) -> None:
    client.force_login(placed.world.charlie)
    params = {"territory": territory} if territory else {}
    make_report(placed.lyon, hashtags="#paix")
    client.get(reverse("reports:feed"), params)  # warms the session and the outlines
    # Counted with the cached figures obsolete, as after any new report.
    make_report(placed.lyon, hashtags="#paix")
    baseline = _count_queries(client, params)
    for structure in [placed.grenoble, placed.toulouse, placed.regional, placed.lyon] * 5:
        make_report(structure, hashtags="#paix #désarmement")
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse("reports:feed"), params).status_code == 200


def _count_queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:feed"), params)
    return len(queries)


def _feed(query: str) -> str:
    return f"{reverse('reports:feed')}?{query}#feed-map"


def _titles(response: Any) -> set[str]:
    assert response.status_code == 200
    return {report.title for report in response.context["page_obj"]}


def test_the_map_is_drawn_by_colombe_without_another_origin(
    client: Client, placed: PlacedWorld
) -> None:
    make_report(placed.lyon)
    html = client.get(reverse("reports:feed")).content.decode()
    section = html[html.index('id="feed-map"') : html.index("</section>", html.index("feed-map"))]
    assert "<svg" in section and "<path" in section
    # Only the SVG namespace is absolute; every link and file is on this site.
    assert section.count("://") == section.count("http://www.w3.org/2000/svg") == 1
