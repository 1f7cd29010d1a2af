"""The lists of field actions need as many queries for many items as for one: the
agenda, the days of action, the print templates, the print page (with the committee's
petitions and actions whose sheets the member may print) and an action's volunteers."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.actions.models import Action, DayOfAction
from colombe.actions.tests.plan_helpers import plan
from colombe.actions.tests.print_helpers import make_template, planned_action
from colombe.actions.tests.query_helpers import assert_constant_queries
from colombe.meetings.models import Meeting
from colombe.meetings.tests.schedule_helpers import schedule
from colombe.petitions.models import Petition
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_agenda(world: World, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        action = plan(
            world,
            title=f"Tractage {index}",
            starts_in=timedelta(days=index + 1),
            hashtags=f"#paix{index}",
        )
        action.co_organisers.add(factories.StructureFactory.create())
        schedule(world, title=f"Réunion {index}", audience=Meeting.Audience.PUBLIC)

    url = reverse("actions:agenda")
    assert_constant_queries(logged_in(world.charlie), url, add_one, django_assert_max_num_queries)


def test_days_of_action(world: World, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        starts = date.today() + timedelta(days=10 * index)
        DayOfAction.objects.create(
            title=f"Journée {index}",
            slug=f"journee-{index}",
            call="Mobilisons-nous.",
            starts_on=starts,
            ends_on=starts,
            territory=world.national.territory,
            called_by=factories.StructureFactory.create(territory=world.national.territory),
        )

    url = reverse("actions:days")
    assert_constant_queries(logged_in(world.charlie), url, add_one, django_assert_max_num_queries)


def test_print_templates(world: World, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        if index % 2:
            make_template(slug=f"avec-image-{index}", image_size=(1200, 900))
        else:
            factories.PrintTemplateFactory.create()

    url = reverse("actions:print_templates")
    assert_constant_queries(logged_in(world.charlie), url, add_one, django_assert_max_num_queries)


def test_print_page_with_the_committees_sheets(
    world: World, django_assert_max_num_queries: Any
) -> None:
    make_template()

    def add_one(index: int) -> None:
        Petition.objects.create(
            owner=world.lyon,
            title=f"Pétition {index}",
            slug=f"petition-{index}",
            body="Signez.",
            addressee="Le gouvernement",
            status=Petition.Status.PUBLISHED,
            consent_text="Tenez-moi informé·e.",
        )
        planned_action(
            world.lyon,
            slug=f"tractage-{index}-2030-05-04",
            title=f"Tractage {index}",
            created_by=world.bob,
        )

    url = reverse("actions:print_material") + "?committee=lyon"
    assert_constant_queries(logged_in(world.bob), url, add_one, django_assert_max_num_queries)
    page = logged_in(world.bob).get(url).content.decode()
    assert page.count(reverse("petitions:paper_sheet", args=["petition-1"])) == 1
    sheet = reverse("actions:volunteer_sheet", args=["tractage-1-2030-05-04"])
    assert page.count(sheet) == 1


def test_volunteers(world: World, django_assert_max_num_queries: Any) -> None:
    action = factories.ActionFactory.create(structure=world.lyon)

    def add_one(index: int) -> None:
        slot = factories.SlotFactory.create(action=action, capacity=4)
        factories.SignUpFactory.create(slot=slot, phone="0611", share_phone=True)

    url = reverse("actions:volunteers", args=[action.slug])
    assert_constant_queries(logged_in(world.bob), url, add_one, django_assert_max_num_queries)


def test_the_sheets_are_only_those_the_member_may_print(world: World) -> None:
    """The SQL scope agrees with the rules: charlie organises no petition and edits only
    the action he planned himself."""
    make_template()
    Petition.objects.create(
        owner=world.lyon,
        title="Pétition",
        slug="petition",
        body="Signez.",
        addressee="Le gouvernement",
        status=Petition.Status.PUBLISHED,
        consent_text="Tenez-moi informé·e.",
    )
    bobs = planned_action(
        world.lyon, slug="de-bob-2030-05-04", title="Action de Bob", created_by=world.bob
    )
    charlies = planned_action(
        world.lyon,
        slug="de-charlie-2030-05-04",
        title="Action de Charlie",
        created_by=world.charlie,
    )
    url = reverse("actions:print_material") + "?committee=lyon"
    for user, petitions, actions in [
        (world.bob, 1, [bobs, charlies]),
        (world.charlie, 0, [charlies]),
        (world.alice, 1, [bobs, charlies]),
    ]:
        page = logged_in(user).get(url).content.decode()
        assert page.count(reverse("petitions:paper_sheet", args=["petition"])) == petitions
        shown = [
            action
            for action in Action.objects.all()
            if reverse("actions:volunteer_sheet", args=[action.slug]) in page
        ]
        assert sorted(a.slug for a in shown) == sorted(a.slug for a in actions)
