import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from colombe.reports import services
from colombe.reports.models import ActionReport


def jpeg_with_gps(
    size: tuple[int, int] = (1200, 800), name: str = "photo.jpg"
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def make_report(
    world: Any, *, group: Any = None, publish: bool = True, **fields: Any
) -> ActionReport:
    values = {
        "kind": ActionReport.Kind.LEAFLETS,
        "title": "Tractage au marché",
        "happened_on": date(2026, 11, 1),
        "town": "Lyon",
        "body": "Nous avons distribué 300 tracts.",
        "visibility": ActionReport.Visibility.PUBLIC,
        **fields,
    }
    report = services.create_report(world.bob, world.lyon, group, **values)
    if publish:
        services.publish_report(world.bob, report)
    return report


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "leaflets",
        "title": "Tractage devant la gare",
        "happened_on": "2026-11-20",
        "town": "Lyon",
        "people_reached": "120",
        "paper_signatures": "35",
        "petition": "",
        "body": "Très bon accueil. #désarmement",
        "hashtags": "#paix",
        "visibility": "public",
        "photo_alt": "",
        **overrides,
    }
