"""The page of one committee's reports, its totals, and the ``recent_reports`` tag."""

from datetime import date
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from colombe.accounts.models import User
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import SECRET_GROUP_NAME, World

# These tests read the wording in English (the source language).
pytestmark = pytest.mark.usefixtures("english_pages")


def test_committee_page_lists_its_reports_with_totals(client: Client, world: World) -> None:
    this_year = timezone.localdate().year
    make_report(
        world.lyon,
        title="Stand de janvier",
        happened_on=date(this_year, 1, 10),
        people_reached=120,
        paper_signatures=45,
    )
    make_report(
        world.lyon,
        title="Vieux stand",
        happened_on=date(this_year - 1, 6, 1),
        people_reached=30,
        paper_signatures=100,  # last year: not in this year's signatures
    )
    make_report(world.collective, title="Ailleurs", people_reached=999)
    response = client.get(reverse("reports:committee", args=[world.lyon.slug]))
    assert response.status_code == 200
    assert response.context["totals"] == {
        "reports": 2,
        "people": 150,
        "signatures": 45,
        "year": this_year,
    }
    titles = {r.title for r in response.context["page_obj"]}
    assert titles == {"Stand de janvier", "Vieux stand"}
    body = response.content.decode()
    assert f"Paper signatures in {this_year}" in body


def test_totals_never_count_what_the_viewer_may_not_read(client: Client, world: World) -> None:
    make_report(world.lyon, title="Public", people_reached=10)
    make_report(
        world.lyon,
        title="Veillée secrète",
        group=world.secret_group,
        people_reached=1000,
    )
    make_report(world.lyon, status=ActionReport.Status.DRAFT, people_reached=500)
    url = reverse("reports:committee", args=[world.lyon.slug])
    client.force_login(world.eve)
    response = client.get(url)
    assert response.context["totals"]["reports"] == 1
    assert response.context["totals"]["people"] == 10
    assert "Veillée secrète" not in response.content.decode()
    assert SECRET_GROUP_NAME not in response.content.decode()
    client.force_login(world.charlie)
    assert client.get(url).context["totals"]["people"] == 1010


def test_unknown_committee_is_404(client: Client, world: World) -> None:
    assert client.get(reverse("reports:committee", args=["inconnu"])).status_code == 404


@pytest.mark.parametrize(("persona", "shown"), [("eve", False), ("charlie", True), ("bob", True)])
def test_report_button_for_the_committee_members(
    client: Client, world: World, persona: str, shown: bool
) -> None:
    client.force_login(getattr(world, persona))
    body = client.get(reverse("reports:committee", args=[world.lyon.slug])).content.decode()
    assert (reverse("reports:create") in body) is shown


def test_committee_page_filters_by_kind(client: Client, world: World) -> None:
    make_report(world.lyon, title="Tracts", kind="leaflets")
    make_report(world.lyon, title="Veillée", kind="vigil")
    response = client.get(reverse("reports:committee", args=[world.lyon.slug]), {"kind": "vigil"})
    assert {r.title for r in response.context["page_obj"]} == {"Veillée"}
    assert "territory" not in response.context["filters"].fields


def render_recent(world: World, user: User) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load reports_feed %}{% recent_reports structure %}")
    return template.render(Context({"request": request, "structure": world.lyon}))


def test_recent_reports_tag_shows_visible_published_reports(world: World) -> None:
    make_report(world.lyon, title="Stand public")
    make_report(world.lyon, title="Veillée Zéphyr", group=world.secret_group)
    make_report(world.lyon, title="Brouillon", status=ActionReport.Status.DRAFT, author=world.bob)
    for_eve = render_recent(world, world.eve)
    assert "Stand public" in for_eve
    assert "Veillée Zéphyr" not in for_eve
    assert "Brouillon" not in for_eve
    assert reverse("reports:create") not in for_eve
    for_charlie = render_recent(world, world.charlie)
    assert "Veillée Zéphyr" in for_charlie
    assert reverse("reports:create") in for_charlie
    assert reverse("reports:committee", args=[world.lyon.slug]) in for_charlie


def test_committee_page_constant_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.bob)
    url = reverse("reports:committee", args=[world.lyon.slug])

    def fill(count: int) -> None:
        for _ in range(count):
            report = make_report(world.lyon, hashtags="#paix", people_reached=5)
            report.photos.create(image="a.jpg", thumbnail="a-t.jpg", alt_text="Photo")
            report.reactions.create(user=world.charlie, kind="bravo")

    fill(2)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 20
