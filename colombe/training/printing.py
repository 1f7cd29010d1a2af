"""A guide as a PDF (WeasyPrint), for those who print it or pass it on by hand. The
document is self-contained: WeasyPrint fetches no URL that a guide's text could name."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from colombe.mediatheque.models import MediaItem
from colombe.training.models import Resource


def guide_pdf(guide: Resource, guide_url: str, video: MediaItem | None) -> bytes:
    # Imported here: WeasyPrint takes a while to load, and only this page needs it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "training/resource_print.html",
        {"guide": guide, "guide_url": guide_url, "video": video, "for_pdf": True},
    )
    stylesheet = CSS(filename=str(Path(str(finders.find("training/print.css")))))
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet]) or b""
