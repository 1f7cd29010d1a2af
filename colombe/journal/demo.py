"""Demo journal for ``manage.py seed_demo``: a published edition compiled from the demo's
public reports of the last three months (with the stand's photo on the cover), and the
next edition in draft with two actions picked and a comment between editors.

Seeding twice creates nothing: the editions are looked up by title first. Nothing is
emailed: the demo's editions are written directly, not through ``publish_edition``."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from colombe.accounts.models import User
from colombe.core.markdown import render_markdown
from colombe.journal import services
from colombe.journal.models import Edition, EditionItem, EditorialComment, Section
from colombe.reports.models import ActionReport, ReportPhoto

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import SeedReport

PUBLISHED_TITLE = "Ce que font les comités — l'automne en actions"
DRAFT_TITLE = "Ce que font les comités — prochain numéro"
PUBLISHED_ITEMS = 10
DRAFT_ITEMS = 2
IN_THE_STREET = {
    ActionReport.Kind.LEAFLETS,
    ActionReport.Kind.STAND,
    ActionReport.Kind.DEMONSTRATION,
    ActionReport.Kind.VIGIL,
}
EDITORIAL = (
    "Ce numéro rassemble ce que les comités ont fait ces trois derniers mois : stands, "
    "distributions de tracts, débats, projections…\n\n"
    "**Merci** à toutes celles et ceux qui racontent leurs actions : c'est ainsi que les "
    "autres comités peuvent s'en inspirer. #paix"
)


def seed_journal(alice: User, report: "SeedReport") -> None:
    if Edition.objects.filter(title__in=[PUBLISHED_TITLE, DRAFT_TITLE]).exists():
        return
    with transaction.atomic():
        published = _published_edition(alice, report)
        _draft_edition(alice, report)
        services.start_pdf(published)


def _new_edition(alice: User, title: str, start_days: int, end_days: int) -> Edition:
    today = timezone.localdate()
    return Edition.objects.create(
        number=services.next_number(),
        title=title,
        period_start=today + timedelta(days=start_days),
        period_end=today + timedelta(days=end_days),
        created_by=alice,
    )


def _published_edition(alice: User, report: "SeedReport") -> Edition:
    edition = _new_edition(alice, PUBLISHED_TITLE, -91, -1)
    street = Section.objects.create(edition=edition, title="Dans la rue", order=1)
    debate = Section.objects.create(edition=edition, title="Débattre et convaincre", order=2)
    picked = list(services.proposed_reports(edition)[:PUBLISHED_ITEMS])
    for order, action in enumerate(picked, start=1):
        section = street if action.kind in IN_THE_STREET else debate
        EditionItem.objects.create(edition=edition, report=action, section=section, order=order)
    report.add(Section, 2)
    report.add(EditionItem, len(picked))
    edition.editorial = EDITORIAL
    edition.editorial_html = render_markdown(EDITORIAL)
    edition.cover_photo = ReportPhoto.objects.filter(report__in=picked).first()
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = timezone.now()
    edition.save()
    report.add(Edition)
    return edition


def _draft_edition(alice: User, report: "SeedReport") -> Edition:
    edition = _new_edition(alice, DRAFT_TITLE, -14, 76)
    for order, action in enumerate(services.proposed_reports(edition)[:DRAFT_ITEMS], start=1):
        EditionItem.objects.create(edition=edition, report=action, order=order)
        report.add(EditionItem)
    EditorialComment.objects.create(
        edition=edition,
        author=alice,
        body="Il nous manque une action d'un comité qui n'a jamais paru : des idées ?",
    )
    report.add(Edition)
    report.add(EditorialComment)
    return edition
