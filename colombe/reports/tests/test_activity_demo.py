"""The demo's territories carry their official codes, so the map of the demo feed links
its three regions and their departments, and its chart has a year of activity."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from colombe.core import demo as core_demo
from colombe.reports.demo import seed_reports
from colombe.reports.tests.activity_helpers import feed_map_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    cast = core_demo.seed_people(
        structures, core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    )
    core_demo.seed_groups(structures, cast, report)
    seed_reports(structures, cast, report)


def test_the_demo_map_links_every_region_and_department_with_reports(
    client: Client, demo: None
) -> None:
    france = feed_map_page(client)
    regions = {label.split(":")[0] for label in france.links}
    assert regions == {"Auvergne-Rhône-Alpes", "Île-de-France", "Occitanie"}
    assert all(france.rows[name] > 0 for name in regions)
    departments = feed_map_page(client, territory="auvergne-rhone-alpes")
    assert {label.split(":")[0] for label in departments.links} == {"Rhône", "Isère", "Loire"}
    assert sum(departments.rows.values()) == france.rows["Auvergne-Rhône-Alpes"]


def test_the_demo_chart_has_a_year_of_activity(client: Client, demo: None) -> None:
    chart = client.get(reverse("reports:feed")).context["activity"]
    busy_months = [month for month in chart.months if month.total]
    assert len(busy_months) >= 10
    assert len(chart.kinds) >= 5
