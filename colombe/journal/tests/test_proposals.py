"""What Colombe proposes for an edition: the period's public, published reports."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from colombe.journal import services
from colombe.journal.tests.journal_helpers import (
    add_photo,
    open_edition,
    published_edition,
    report_in_period,
)
from colombe.reports import services as report_services
from colombe.reports.models import ActionReport
from tests import factories

pytestmark = pytest.mark.django_db


def proposed_titles(edition):
    return [report.title for report in services.proposed_reports(edition)]


def test_only_public_published_reports_of_the_period(world):
    report_in_period(world, "Public dans la période")
    report_in_period(world, "Trop ancien", happened_on=date(2026, 1, 10))
    report_in_period(world, "Pour les membres", visibility=ActionReport.Visibility.MOVEMENT)
    report_in_period(world, "Pour le comité", visibility=ActionReport.Visibility.COMMITTEE)
    report_in_period(world, "Brouillon", publish=False)
    report_in_period(world, "Du groupe secret", group=world.secret_group)
    report_in_period(world, "Du groupe public", group=world.public_group)
    edition = open_edition(world)
    assert sorted(proposed_titles(edition)) == ["Du groupe public", "Public dans la période"]
    page = Client()
    page.force_login(world.alice)
    html = page.get(reverse("journal:edit", args=[edition.number])).content.decode()
    assert "Public dans la période" in html and "Du groupe secret" not in html


def test_a_secret_groups_report_cannot_be_added(world):
    secret = report_in_period(world, "Du groupe secret", group=world.secret_group)
    edition = open_edition(world)
    with pytest.raises(PermissionDenied):
        services.add_report(actor=world.alice, edition=edition, report=secret)
    client = Client()
    client.force_login(world.alice)
    url = reverse("journal:add_report", args=[edition.number])
    assert client.post(url, {"report": secret.pk}).status_code == 404
    assert not edition.items.exists()


def test_a_report_made_secret_later_drops_out_of_the_edition(world):
    report = report_in_period(world, "Devenu confidentiel")
    edition = open_edition(world)
    services.add_report(actor=world.alice, edition=edition, report=report)
    ActionReport.objects.filter(pk=report.pk).update(visibility=ActionReport.Visibility.COMMITTEE)
    assert services.printed_sections(edition) == []


def test_reports_with_photos_come_first(world):
    report_in_period(world, "Sans photo", happened_on=date(2026, 11, 20))
    with_photo = report_in_period(world, "Avec photo", happened_on=date(2026, 9, 5))
    add_photo(with_photo)
    assert proposed_titles(open_edition(world)) == ["Avec photo", "Sans photo"]


def test_committees_featured_recently_come_after_the_others(world):
    grenoble = factories.StructureFactory.create(name="Comité de Grenoble", slug="grenoble")
    factories.MembershipFactory.create(user=world.bob, structure=grenoble)
    earlier = report_in_period(world, "Lyon, été", happened_on=date(2026, 7, 1))
    published_edition(world, earlier, title="Été")
    report_in_period(world, "Lyon, automne", happened_on=date(2026, 11, 20))
    # Grenoble was never featured: its older report comes first.
    grenoble_report = report_services.create_report(
        world.bob,
        grenoble,
        None,
        kind=ActionReport.Kind.STAND,
        title="Grenoble, automne",
        happened_on=date(2026, 10, 1),
        town="Grenoble",
        body="Un stand.",
        visibility=ActionReport.Visibility.PUBLIC,
    )
    report_services.publish_report(world.bob, grenoble_report)
    edition = services.open_edition(
        actor=world.alice,
        title="Automne",
        period_start=date(2026, 9, 1),
        period_end=date(2026, 11, 30),
    )
    assert proposed_titles(edition) == ["Grenoble, automne", "Lyon, automne"]


def test_proposals_are_grouped_by_region_and_kind(world):
    report_in_period(world, "Tracts", kind=ActionReport.Kind.LEAFLETS)
    report_in_period(world, "Veillée", kind=ActionReport.Kind.VIGIL)
    groups = services.proposals(open_edition(world))
    assert [(g.region, [r.title for r in g.reports]) for g in groups] == [
        ("Auvergne-Rhône-Alpes", ["Tracts"]),
        ("Auvergne-Rhône-Alpes", ["Veillée"]),
    ]
    assert groups[0].kind != groups[1].kind
