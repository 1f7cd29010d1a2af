"""Print templates, committees' targets and volunteers for the printing tests."""

import io
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from colombe.actions.models import Action, ActionKind, PrintTemplate, Slot
from colombe.movement.models import Structure

HEADLINE = "Désarmons la paix"


def picture(width: int, height: int, image_format: str = "JPEG") -> bytes:
    """A picture with shapes (not a flat colour, which any size would print well)."""
    image = Image.new("RGB", (width, height), (29, 79, 145))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(250, 200, 60))
    output = io.BytesIO()
    image.save(output, format=image_format)
    return output.getvalue()


def make_template(
    kind: str = PrintTemplate.Kind.LEAFLET,
    page_size: str = PrintTemplate.PageSize.A5,
    *,
    image_size: tuple[int, int] | None = None,
    **fields: Any,
) -> PrintTemplate:
    slug = fields.pop("slug", f"{kind}-{page_size}".lower())
    template = PrintTemplate(
        kind=kind,
        page_size=page_size,
        name=fields.pop("name", f"Modèle {kind} {page_size}"),
        slug=slug,
        headline=fields.pop("headline", HEADLINE),
        body=fields.pop("body", "Rejoignez le **comité** près de chez vous."),
        **fields,
    )
    if image_size is not None:
        template.image_alt = "Une colombe sur fond bleu"
        template.image.save(f"{slug}.jpg", ContentFile(picture(*image_size)), save=False)
    template.save()
    return template


def planned_action(structure: Structure, **fields: Any) -> Action:
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=5))
    return Action.objects.create(
        kind=fields.pop("kind", ActionKind.LEAFLETS),
        title=fields.pop("title", "Tractage au marché de la Croix-Rousse"),
        slug=fields.pop("slug", "tractage-croix-rousse-2030-05-04"),
        structure=structure,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        place=fields.pop("place", "Marché de la Croix-Rousse"),
        town=fields.pop("town", "Lyon"),
        territory=structure.territory,
        **fields,
    )


def slot(action: Action, label: str, capacity: int | None = None) -> Slot:
    return Slot.objects.create(action=action, label=label, capacity=capacity)
