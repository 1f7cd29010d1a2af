"""The national office's print templates: create, edit, delete (each audited)."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify

from colombe.actions.models import PrintTemplate
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.slugs import first_free_slug

TEMPLATE_FIELDS = (
    "name",
    "kind",
    "page_size",
    "headline",
    "body",
    "image_alt",
    "is_active",
)


@dataclass(frozen=True)
class TemplateImage:
    """An uploaded image, checked and re-encoded without metadata."""

    data: bytes
    extension: str
    size: tuple[int, int]


def remove_file_on_commit(stored: FieldFile) -> None:
    storage, name = stored.storage, stored.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def store_image(template: PrintTemplate, image: TemplateImage | None, remove: bool) -> None:
    """A new image gets a random name (the uploaded one may say more than the image);
    the old file goes once the change is committed."""
    if (image is not None or remove) and template.image:
        remove_file_on_commit(template.image)
        template.image.name = ""
    if image is not None:
        name = f"{uuid.uuid4().hex}.{image.extension}"
        template.image.save(name, ContentFile(image.data), save=False)


def create_print_template(
    actor: Any, *, image: TemplateImage | None = None, **fields: Any
) -> PrintTemplate:
    policy.require(actor, "actions.manage_print_templates")
    template = PrintTemplate(updated_by=actor, **fields)
    with transaction.atomic():
        base = slugify(template.name)[:200] or "modele"
        template.slug = first_free_slug(PrintTemplate.objects.all(), base)
        store_image(template, image, remove=False)
        template.save()
        log_action(actor, "actions.print_template.created", template, {"name": template.name})
    return template


def update_print_template(
    actor: Any,
    template: PrintTemplate,
    *,
    image: TemplateImage | None = None,
    remove_image: bool = False,
    **fields: Any,
) -> PrintTemplate:
    """The slug stays: committees may have bookmarked a preview."""
    policy.require(actor, "actions.manage_print_templates")
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_by = actor
    with transaction.atomic():
        store_image(template, image, remove=remove_image)
        template.save()
        log_action(actor, "actions.print_template.updated", template, {"name": template.name})
    return template


def delete_print_template(actor: Any, template: PrintTemplate) -> None:
    policy.require(actor, "actions.manage_print_templates")
    with transaction.atomic():
        log_action(actor, "actions.print_template.deleted", template, {"name": template.name})
        if template.image:
            remove_file_on_commit(template.image)
        template.delete()
