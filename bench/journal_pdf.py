"""Benchmark: the print edition of the journal (`make bench-journal`).

Workload: a fresh SQLite database and media folder in a temporary directory, 20
committees across regions, and an edition of 200 public reports in four sections, each
report with its own 1200x800 JPEG photo and a few paragraphs of text, one photo on the
cover. Timed: laying out the pages (WeasyPrint ``render``) and writing the PDF, as the
``render_edition_pdf`` task does — the edition is read from the database inside the
timing, as in production.

Target (issue 5): < 30 s. Results in bench/results/journal.json."""

import argparse
import io
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import harness

TARGET_SECONDS = 30.0
PARAGRAPH = (
    "Le comité a tenu un stand sur la place du marché, distribué des tracts pour la paix et "
    "recueilli des signatures pour la pétition nationale. Beaucoup de passants se sont "
    "arrêtés pour discuter du désarmement nucléaire ; plusieurs jeunes ont laissé leurs "
    "coordonnées pour rejoindre le comité. "
)


def configure(work: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "colombe.settings"
    os.environ["COLOMBE_VAR_DIR"] = str(work / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def photo_bytes(number: int) -> bytes:
    """A distinct drawn photo per report (no two images alike, as in a real edition)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800), (40 + number % 200, 90, 160 - number % 120))
    draw = ImageDraw.Draw(image)
    for band in range(0, 1200, 60):
        shade = (band * 7 + number * 13) % 255
        draw.rectangle((band, 500 + (band + number) % 200, band + 50, 800), fill=(shade, 200, 90))
    draw.text((60, 60), f"Action {number}", fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def build_edition(reports: int) -> Any:
    from django.core.files.base import ContentFile

    from colombe.accounts.models import User
    from colombe.journal.models import Edition, EditionItem, Section
    from colombe.movement.models import Structure, Territory
    from colombe.reports.models import ActionReport, ReportPhoto

    france = Territory.objects.create(name="France", slug="france", level=Territory.Level.NATIONAL)
    regions = [
        Territory.objects.create(
            name=f"Région {n}", slug=f"region-{n}", level=Territory.Level.REGION, parent=france
        )
        for n in range(5)
    ]
    committees = [
        Structure.objects.create(
            kind=Structure.Kind.COMMITTEE,
            name=f"Comité {n}",
            slug=f"comite-{n}",
            territory=regions[n % len(regions)],
        )
        for n in range(20)
    ]
    editor = User.objects.create(email="alice@bench.example", display_name="Alice")
    start = date(2026, 9, 1)
    edition = Edition.objects.create(
        number=1,
        title="Ce que font les comités — banc d'essai",
        period_start=start,
        period_end=start + timedelta(days=90),
        editorial="Un numéro de **200 actions**.",
        editorial_html="<p>Un numéro de <strong>200 actions</strong>.</p>",
        status=Edition.Status.PUBLISHED,
        created_by=editor,
    )
    sections = [
        Section.objects.create(edition=edition, title=f"Rubrique {n + 1}", order=n)
        for n in range(4)
    ]
    kinds = list(ActionReport.Kind.values)
    for number in range(reports):
        report = ActionReport.objects.create(
            structure=committees[number % len(committees)],
            author=editor,
            kind=kinds[number % len(kinds)],
            title=f"Action {number} : stand et tracts pour la paix",
            slug=f"action-{number}",
            happened_on=start + timedelta(days=number % 90),
            town=f"Ville {number % 37}",
            body_html="".join(f"<p>{PARAGRAPH}</p>" for _ in range(1 + number % 3)),
            visibility=ActionReport.Visibility.PUBLIC,
            status=ActionReport.Status.PUBLISHED,
        )
        photo = ReportPhoto(report=report, alt_text=f"Photo de l'action {number}")
        photo.image.save(f"bench-{number}.jpg", ContentFile(photo_bytes(number)), save=False)
        photo.thumbnail.name = photo.image.name
        photo.width, photo.height = 1200, 800
        photo.save()
        EditionItem.objects.create(
            edition=edition, report=report, section=sections[number % 4], order=number
        )
        if number == 0:
            edition.cover_photo = photo
            edition.save(update_fields=["cover_photo"])
    return edition


def run(reports: int) -> dict[str, Any]:
    from colombe.journal import pdf
    from colombe.journal.models import Edition

    edition = build_edition(reports)
    started = time.perf_counter()
    document = pdf.render_document(Edition.objects.get(pk=edition.pk))
    laid_out = time.perf_counter()
    content = document.write_pdf()
    finished = time.perf_counter()
    total = finished - started
    return {
        "reports": reports,
        "photos": reports,
        "pages": len(document.pages),
        "pdf_megabytes": round(len(content) / 1_000_000, 1),
        "layout_seconds": round(laid_out - started, 2),
        "write_seconds": round(finished - laid_out, 2),
        "total_seconds": round(total, 2),
        "target_seconds": TARGET_SECONDS,
        "met": total < TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="colombe-bench-journal-") as work:
        configure(Path(work))
        result = run(args.reports)
    path = harness.RESULTS / "journal.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": harness.machine(), **result}, indent=2) + "\n")
    verdict = "met" if result["met"] else "NOT MET"
    print(
        f"Journal PDF: {result['reports']} reports with photos, {result['pages']} pages, "
        f"{result['pdf_megabytes']} MB in {result['total_seconds']} s "
        f"(layout {result['layout_seconds']} s, writing {result['write_seconds']} s); "
        f"target < {TARGET_SECONDS:.0f} s: {verdict}. Written to {path}."
    )


if __name__ == "__main__":
    main()
