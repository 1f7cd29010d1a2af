from datetime import date
from typing import Any

from colombe.journal import services
from colombe.journal.models import Edition
from colombe.reports import services as report_services
from colombe.reports.models import ActionReport, ReportPhoto
from colombe.reports.tests.report_helpers import jpeg_with_gps, make_report

PERIOD = (date(2026, 9, 1), date(2026, 11, 30))


def report_in_period(world: Any, title: str, **fields: Any) -> ActionReport:
    return make_report(world, title=title, **{"happened_on": date(2026, 10, 15), **fields})


def add_photo(report: ActionReport, alt: str = "Des militants au marché") -> ReportPhoto:
    return report_services.add_photo(report, jpeg_with_gps((900, 600)), alt)


def open_edition(world: Any, title: str = "Automne 2026") -> Edition:
    return services.open_edition(
        actor=world.alice, title=title, period_start=PERIOD[0], period_end=PERIOD[1]
    )


def published_edition(world: Any, *reports: ActionReport, title: str = "Automne") -> Edition:
    edition = open_edition(world, title)
    for report in reports:
        services.add_report(actor=world.alice, edition=edition, report=report)
    services.send_to_proofreading(actor=world.alice, edition=edition)
    services.publish_edition(actor=world.alice, edition=edition)
    edition.refresh_from_db()
    return edition
