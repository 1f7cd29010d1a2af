"""Demo journal: a published edition from the demo's reports, and a draft."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from colombe.core import demo as core_demo
from colombe.journal.demo import seed_journal
from colombe.journal.models import Edition, EditionItem
from colombe.reports.demo import seed_reports
from colombe.reports.feeds import public_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(settings: Any, tmp_path: Path) -> core_demo.Cast:
    settings.VAR_DIR = tmp_path / "var"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    seeder = core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    people = core_demo.seed_people(structures, seeder)
    core_demo.seed_groups(structures, people, report)
    seed_reports(structures, people, report)
    return people


def test_demo_has_a_published_edition_with_photos_and_a_draft(cast: core_demo.Cast) -> None:
    seed_journal(cast.alice, core_demo.SeedReport())
    published = Edition.objects.get(status=Edition.Status.PUBLISHED)
    draft = Edition.objects.get(status=Edition.Status.DRAFT)
    assert published.items.count() >= 5 and draft.items.exists() and draft.comments.exists()
    assert published.cover_photo is not None and published.pdf_state == Edition.PdfState.READY
    featured = set(EditionItem.objects.values_list("report_id", flat=True))
    assert set(public_reports().filter(pk__in=featured).values_list("pk", flat=True)) == featured
    page = Client().get(published.get_absolute_url())
    assert page.status_code == 200 and published.cover_photo.report.title in page.content.decode()
    second = core_demo.SeedReport()
    seed_journal(cast.alice, second)
    assert not second.created and Edition.objects.count() == 2
