"""Activity charts: reports per month and kind over the last twelve months, counted
through the policy scope in one query, on the feed and on a committee's page, with the
same figures in a table."""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.reports import activity
from colombe.reports.feed_views import published_reports
from colombe.reports.tests.feed_helpers import make_report
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")

TODAY = date(2026, 3, 15)


def test_twelve_months_end_with_this_one_across_the_new_year() -> None:
    starts = activity.month_starts(TODAY)
    assert starts[0] == date(2025, 4, 1)
    assert starts[-1] == date(2026, 3, 1)
    assert len(starts) == 12 == len(set(starts))


def test_reports_are_counted_per_month_and_kind(world: World) -> None:
    make_report(world.lyon, kind="vigil", happened_on=date(2026, 3, 2))
    make_report(world.lyon, kind="vigil", happened_on=date(2026, 3, 14))
    make_report(world.lyon, kind="stand", happened_on=date(2026, 3, 1))
    make_report(world.lyon, kind="vigil", happened_on=date(2025, 4, 1))
    # Outside the window: thirteen months ago, and a date still to come.
    make_report(world.lyon, kind="debate", happened_on=date(2025, 3, 31))
    make_report(world.lyon, kind="debate", happened_on=date(2026, 3, 16))
    chart = activity.monthly_activity(published_reports(world.eve), today=TODAY)
    assert chart.kinds == [("stand", "Stand"), ("vigil", "Vigil")]
    assert chart.months[-1].counts == [1, 2]
    assert chart.months[0].counts == [0, 1]
    assert chart.total == 4
    assert chart.kind_totals() == [1, 3]
    data = chart.chart_data()
    assert data["labels"][-1] == "March 2026"
    assert data["datasets"][1] == {
        "kind": "vigil",
        "label": "Vigil",
        "counts": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    }


def test_the_secret_groups_report_counts_only_for_its_members(world: World) -> None:
    make_report(world.lyon, happened_on=date(2026, 3, 2))
    make_report(world.lyon, happened_on=date(2026, 3, 3), group=world.secret_group)
    assert activity.monthly_activity(published_reports(world.eve), today=TODAY).total == 1
    assert activity.monthly_activity(published_reports(world.bob), today=TODAY).total == 2


def test_the_chart_counts_in_one_query(world: World, django_assert_num_queries: Any) -> None:
    for number in range(5):
        make_report(
            world.lyon, happened_on=date(2026, 1 + number % 3, 1), hashtags="#paix #désarmement"
        )
    # A join that repeats each report (two hashtags) does not count it twice.
    reports = published_reports(world.charlie).filter(hashtags__name__in=["paix", "désarmement"])
    with django_assert_num_queries(1):
        chart = activity.monthly_activity(reports, today=TODAY)
    assert chart.total == 5


def test_the_feeds_chart_follows_its_filters(client: Client, world: World) -> None:
    make_report(world.lyon, kind="vigil")
    make_report(world.lyon, kind="stand")
    response = client.get(reverse("reports:feed"), {"kind": "vigil"})
    chart = response.context["activity"]
    assert chart.kinds == [("vigil", "Vigil")]
    assert chart.total == 1


def test_the_table_repeats_the_charts_figures(client: Client, world: World) -> None:
    make_report(world.lyon, kind="vigil")
    make_report(world.lyon, kind="vigil")
    make_report(world.lyon, kind="school")
    other = factories.StructureFactory.create(territory=world.lyon.territory)
    make_report(other, kind="stand")
    response = client.get(reverse("reports:committee", args=[world.lyon.slug]))
    html = response.content.decode()
    chart = response.context["activity"]
    assert chart.kinds == [("school", "School visit"), ("vigil", "Vigil")]
    table = html[html.index('class="activity-figures"') :]
    head = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert head == ["Month", "School visit", "Vigil", "Total"]
    foot = table[table.index("<tfoot>") : table.index("</tfoot>")]
    assert re.findall(r"<td>(\d+)</td>", foot) == ["1", "2", "3"]
    rows = re.findall(r"<tr><th scope=\"row\"><time[^>]*>([^<]+)</time></th>(.*?)</tr>", table)
    assert [label for label, _cells in rows] == chart.chart_data()["labels"]
    for (_label, cells), month in zip(rows, chart.months, strict=True):
        assert re.findall(r"<td>(\d+)</td>", cells) == [*map(str, month.counts), str(month.total)]
    assert 'id="report-activity-data"' in html


def test_a_committee_without_reports_says_so(client: Client, world: World) -> None:
    response = client.get(reverse("reports:committee", args=[world.lyon.slug]))
    assert b"No action reported over the last twelve months." in response.content
    assert b"report-activity-data" not in response.content
