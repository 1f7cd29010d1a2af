"""The print edition: an A4 PDF rendered by WeasyPrint (cover, table of contents,
sections in two columns, photos, page numbers), written once to MEDIA and served from
there until the edition changes."""

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from colombe.journal.models import Edition
from colombe.journal.services import printed_sections
from colombe.reports.models import ReportPhoto
from colombe.reports.photos import content_type

PHOTO_SCHEME = "colombe-photo"


def photo_url(photo: ReportPhoto) -> str:
    return f"{PHOTO_SCHEME}:{photo.pk}"


def photo_fetcher(allowed: set[int]) -> Any:
    """Images come only from the photos of the edition's reports, read from storage:
    WeasyPrint never fetches a URL a report's text could point to."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PhotoFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme, _colon, key = url.partition(":")
            if scheme != PHOTO_SCHEME or not key.isdigit() or int(key) not in allowed:
                raise ValueError(f"Refused URL {url}")
            photo = ReportPhoto.objects.get(pk=int(key))
            with photo.image.open("rb") as image:
                body = image.read()
            headers = {"Content-Type": content_type(photo.image.name)}
            return URLFetcherResponse(url, body, headers)

    return PhotoFetcher()


def edition_html(edition: Edition) -> tuple[str, set[int]]:
    sections = printed_sections(edition)
    photos = {photo.pk for s in sections for item in s.items for photo in item.report.photos.all()}
    if edition.cover_photo_id is not None:
        photos.add(edition.cover_photo_id)
    context = {"edition": edition, "sections": sections, "photo_scheme": PHOTO_SCHEME}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("journal/pdf/edition.html", context), photos


def render_document(edition: Edition) -> Any:
    """The laid-out pages (a WeasyPrint Document), before they are written as PDF."""
    # Imported here: WeasyPrint takes a while to load, and only this task needs it.
    from weasyprint import HTML

    html, photos = edition_html(edition)
    return HTML(string=html, url_fetcher=photo_fetcher(photos)).render()


def edition_pdf(edition: Edition) -> bytes:
    return render_document(edition).write_pdf() or b""


def generate(edition_id: int) -> None:
    edition = Edition.objects.get(pk=edition_id)
    try:
        content = edition_pdf(edition)
    except Exception:
        Edition.objects.filter(pk=edition_id).update(pdf_state=Edition.PdfState.FAILED)
        raise
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        old_name = edition.pdf.name
        edition.pdf.save(f"journal-{edition.number}.pdf", ContentFile(content), save=False)
        edition.pdf_state = Edition.PdfState.READY
        edition.pdf_generated_at = timezone.now()
        edition.save(update_fields=["pdf", "pdf_state", "pdf_generated_at"])
    if old_name and old_name != edition.pdf.name:
        edition.pdf.storage.delete(old_name)
