"""Days of action: who calls them, their page with local actions by region, the map and
the count of committees taking part."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.actions import agenda, services
from colombe.actions.demo import seed_actions
from colombe.actions.models import Action, DayOfAction, SignUp
from colombe.actions.tests.plan_helpers import plan
from colombe.core import demo as core_demo
from colombe.movement.models import Structure, Territory
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def call(world: World, user: object = None, **fields: object) -> DayOfAction:
    values = {
        "title": "Journée nationale pour la paix",
        "call": "Le **21 septembre**, agissons partout.",
        "starts_on": timezone.localdate() + timedelta(days=3),
        "ends_on": timezone.localdate() + timedelta(days=3),
        "territory": Territory.objects.get(slug="france"),
        "called_by": world.national,
        **fields,
    }
    return services.call_day(user or world.alice, hashtags="#paix", **values)


def test_national_administrators_call_national_days(world: World) -> None:
    day = call(world)
    assert day.slug == f"journee-nationale-pour-la-paix-{day.starts_on:%Y}"
    assert "<strong>21 septembre</strong>" in day.call_html
    with pytest.raises(PermissionDenied):
        call(world, world.bob)


def test_regional_coordinators_call_regional_days(world: World) -> None:
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    region.coordinators.add(world.dana)
    day = call(world, world.dana, territory=region, called_by=world.lyon, title="Journée régionale")
    assert day.territory == region
    with pytest.raises(PermissionDenied):
        call(world, world.dana)  # France is not theirs


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("eve", 403), ("charlie", 403), ("bob", 403), ("alice", 200)],
)
def test_day_forms_per_persona(world: World, persona: str, status: int) -> None:
    day = call(world)
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    assert client.get(reverse("actions:day_create")).status_code == status
    assert client.get(reverse("actions:day_edit", args=[day.slug])).status_code == status
    assert client.get(reverse("actions:days")).status_code == 200
    assert client.get(day.get_absolute_url()).status_code == 200


def test_call_a_day_with_the_form(world: World) -> None:
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        reverse("actions:day_create"),
        {
            "title": "Journée contre les armes nucléaires",
            "call": "Rassemblons-nous.",
            "starts_on": "2031-08-06",
            "ends_on": "2031-08-09",
            "territory": Territory.objects.get(slug="france").pk,
            "called_by": world.national.pk,
        },
    )
    day = DayOfAction.objects.get()
    assert response["Location"] == day.get_absolute_url()
    bad = client.post(reverse("actions:day_create"), {"title": "x", "starts_on": "2031-08-09"})
    assert bad.status_code == 422 and "error-summary" in bad.text


def test_the_day_page_lists_local_actions_by_region_and_counts_committees(world: World) -> None:
    day = call(world)
    Territory.objects.filter(slug="auvergne-rhone-alpes").update(code="84")
    france = Territory.objects.get(slug="france")
    occitanie = factories.TerritoryFactory.create(
        name="Occitanie", slug="occitanie", level=Territory.Level.REGION, parent=france, code="76"
    )
    herault = factories.TerritoryFactory.create(
        name="Hérault",
        slug="herault",
        level=Territory.Level.DEPARTMENT,
        parent=occitanie,
        code="34",
    )
    sete = factories.StructureFactory.create(name="Comité de Sète", slug="sete", territory=herault)
    plan(world, title="Tracts à Lyon", day_of_action=day, co_organisers=[world.collective])
    starts_at = timezone.now() + timedelta(days=3)
    services.plan_action(
        world.alice,
        sete,
        kind="rally",
        title="Rassemblement sur le port",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place="Quai",
        town="Sète",
        territory=herault,
        day_of_action=day,
    )
    plan(world, title=SECRET_GROUP_NAME, day_of_action=day, group=world.secret_group)
    cancelled = plan(world, title="Annulée", day_of_action=day)
    services.cancel_action(world.bob, cancelled)

    response = Client().get(day.get_absolute_url())
    figures = response.context["figures"]
    assert [(g.name, [a.title for a in g.actions]) for g in figures.regions] == [
        ("Auvergne-Rhône-Alpes", ["Tracts à Lyon", "Annulée"]),
        ("Occitanie", ["Rassemblement sur le port"]),
    ]
    assert (figures.action_count, figures.committee_count, figures.structure_count) == (2, 2, 3)
    shades = {area.code: area.count for area in figures.map.areas}
    assert (shades["84"], shades["76"], shades["11"]) == (1, 1, 0)
    assert "<strong>21 septembre</strong>" in response.text
    assert "2 committees taking part" in response.text
    assert SECRET_GROUP_NAME not in response.text
    member = Client()
    member.force_login(world.charlie)
    assert SECRET_GROUP_NAME in member.get(day.get_absolute_url()).text


def test_a_local_action_joins_a_day_from_its_page(world: World) -> None:
    day = call(world)
    client = Client()
    client.force_login(world.bob)
    assert reverse("actions:create") + f"?journee={day.slug}" in client.get(
        day.get_absolute_url()
    ).text.replace("&amp;", "&")
    form = client.get(reverse("actions:create"), {"comite": world.lyon.slug, "journee": day.slug})
    assert form.context["form"].initial["day_of_action"] == day.pk
    assert Action.objects.count() == 0


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> tuple[dict[str, Structure], core_demo.Cast]:
    """The demo movement: territories, structures, people, groups."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    cast = core_demo.seed_people(
        structures, core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    )
    return structures, cast


def test_the_demo_day_of_action_seeds_once(
    movement: tuple[dict[str, Structure], core_demo.Cast],
) -> None:
    structures, cast = movement
    first = core_demo.SeedReport()
    seed_actions(structures, cast, first)
    second = core_demo.SeedReport()
    seed_actions(structures, cast, second)
    assert not second.created
    day = DayOfAction.objects.get()
    assert day.starts_on == timezone.localdate() + timedelta(weeks=3)
    figures = agenda.day_figures(cast.eve, day)
    assert figures.committee_count >= 8 and len(figures.regions) == 3
    lyon = Action.objects.get(day_of_action=day, structure__slug="comite-lyon")
    assert lyon.slots.filter(kind="remote").exists()
    assert SignUp.objects.filter(slot__action=lyon, user=cast.charlie, share_phone=True).exists()
    past = Action.objects.get(day_of_action=None)
    assert past.report is not None and past.report.people_reached == 1
