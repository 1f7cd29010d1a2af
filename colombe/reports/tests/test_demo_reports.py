"""Demo reports: a year of varied reports, and seeding twice creates nothing new."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from colombe.core import demo as core_demo
from colombe.movement.models import Structure
from colombe.reports.demo import seed_reports
from colombe.reports.models import ActionReport, Reaction, ReportPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> tuple[dict[str, Structure], core_demo.Cast]:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    seeder = core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    cast = core_demo.seed_people(structures, seeder)
    core_demo.seed_groups(structures, cast, report)
    return structures, cast


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (ActionReport, ReportPhoto, Reaction)
    }


def test_seed_twice_creates_nothing_new(
    movement: tuple[dict[str, Structure], core_demo.Cast],
) -> None:
    structures, cast = movement
    first = core_demo.SeedReport()
    seed_reports(structures, cast, first)
    after_first = counts()
    second = core_demo.SeedReport()
    seed_reports(structures, cast, second)
    assert counts() == after_first
    assert not second.created
    assert first.created["reports.ActionReport"] == ActionReport.objects.count() >= 50


def test_demo_reports_are_varied(movement: tuple[dict[str, Structure], core_demo.Cast]) -> None:
    structures, cast = movement
    seed_reports(structures, cast, core_demo.SeedReport())
    published = ActionReport.objects.filter(status=ActionReport.Status.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(ActionReport.Kind.values)
    regions = {r.structure.territory.region() for r in published.select_related("structure")}
    assert len(regions) == 3
    days = (timezone.localdate() - published.order_by("happened_on")[0].happened_on).days
    assert 300 <= days <= 366
    assert published.filter(paper_signatures__gt=0).exists()
    tags = set(published.values_list("hashtags__name", flat=True))
    assert {"désarmement", "paix", "palestine", "nucléaire"} <= tags
    assert ActionReport.objects.filter(status=ActionReport.Status.DRAFT).count() == 2
    secret = ActionReport.objects.get(group__slug="cellule-hirondelle")
    assert secret.visibility == ActionReport.Visibility.COMMITTEE
    assert set(published.values_list("visibility", flat=True)) == set(
        ActionReport.Visibility.values
    )


def test_demo_photo_is_a_clean_jpeg_with_thumbnail_and_alt_text(
    movement: tuple[dict[str, Structure], core_demo.Cast],
) -> None:
    from PIL import Image

    structures, cast = movement
    seed_reports(structures, cast, core_demo.SeedReport())
    (photo,) = ReportPhoto.objects.all()
    assert photo.alt_text
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG" and image.size == (photo.width, photo.height)
        assert not image.getexif()
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= 480


def test_demo_feed_shows_no_secret_report_to_eve(
    client: Client, movement: tuple[dict[str, Structure], core_demo.Cast]
) -> None:
    structures, cast = movement
    seed_reports(structures, cast, core_demo.SeedReport())
    secret = ActionReport.objects.get(group__slug="cellule-hirondelle")
    client.force_login(cast.eve)
    for page in (1, 2, 3):
        body = client.get(reverse("reports:feed"), {"page": page}).content.decode()
        assert escape(secret.title) not in body
        assert "Cellule Hirondelle" not in body
    client.force_login(cast.charlie)
    body = client.get(reverse("reports:committee", args=["comite-lyon"])).content.decode()
    assert escape(secret.title) in body
