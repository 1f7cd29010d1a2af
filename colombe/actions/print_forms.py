"""Forms of the printable material: a template (national office) and what to print."""

import io
import os
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from colombe.actions import printing
from colombe.actions.models import PrintTemplate
from colombe.actions.policy import templates_for
from colombe.actions.print_services import TEMPLATE_FIELDS, TemplateImage
from colombe.core.validators import single_line
from colombe.groups.uploads import check_upload
from colombe.movement.models import Structure
from colombe.movement.policy import active_structures

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png")


# A template -------------------------------------------------------------------------


def checked_image(upload: UploadedFile) -> TemplateImage:
    """A JPEG or PNG image, re-encoded without its metadata."""
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in IMAGE_EXTENSIONS:
        raise ValidationError(_("Please upload a JPEG or PNG image."), code="bad_type")
    checked = check_upload(upload)
    checked.file.seek(0)
    data = checked.file.read()
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    return TemplateImage(data, "png" if extension == "png" else "jpg", size)


def too_small_for_print(kind: str, page_size: str, size: tuple[int, int]) -> ValidationError:
    width, height = printing.pixels_needed(kind, page_size)
    return ValidationError(
        _(
            "This image is too small to print well: it is %(width)s × %(height)s pixels and "
            "would print at %(dpi)s dpi on this %(size)s. Print shops need at least "
            "%(min)s dpi: use an image of at least %(needed_width)s × %(needed_height)s "
            "pixels."
        )
        % {
            "width": size[0],
            "height": size[1],
            "dpi": int(printing.print_dpi(kind, page_size, size)),
            "size": page_size,
            "min": printing.MIN_PRINT_DPI,
            "needed_width": width,
            "needed_height": height,
        },
        code="low_resolution",
    )


class PrintTemplateForm(forms.ModelForm):
    # A plain file field: the checks (type, metadata, resolution for the page) are ours.
    image_upload = forms.FileField(
        label=gettext_lazy("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=gettext_lazy(
            "A JPEG or PNG photo or drawing, large enough to print at 150 dpi or more: "
            "the page tells the size needed if it is too small."
        ),
    )
    remove_image = forms.BooleanField(label=gettext_lazy("Remove the image"), required=False)

    class Meta:
        model = PrintTemplate
        fields = list(TEMPLATE_FIELDS)
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "page_size": gettext_lazy(
                "Leaflets: A5 or A4. Posters and stand signs: A4 or A3. Stand signs are "
                "printed in landscape."
            ),
            "image_alt": gettext_lazy(
                "What the image shows, for people who cannot see it (in the preview)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "headline", "image_alt"):
            self.fields[name].validators.append(single_line)
        if not self.instance.image:
            del self.fields["remove_image"]

    def clean_image_upload(self) -> TemplateImage | None:
        upload = self.cleaned_data.get("image_upload")
        return checked_image(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, page_size = cleaned.get("kind"), cleaned.get("page_size")
        size = self.printed_image_size()
        if size is not None and not cleaned.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        if not kind or not page_size:
            return cleaned
        if page_size not in printing.PAGE_SIZES_BY_KIND[kind]:
            self.add_error(
                "page_size",
                _("A %(kind)s is printed in %(sizes)s.")
                % {
                    "kind": PrintTemplate.Kind(kind).label.lower(),
                    "sizes": _(" or ").join(printing.PAGE_SIZES_BY_KIND[kind]),
                },
            )
        elif (
            size is not None and printing.print_dpi(kind, page_size, size) < printing.MIN_PRINT_DPI
        ):
            field = "image_upload" if self.cleaned_data.get("image_upload") else None
            self.add_error(field, too_small_for_print(kind, page_size, size))
        return cleaned

    def printed_image_size(self) -> tuple[int, int] | None:
        """The size of the image the template will print: the new one, else the current
        one (whose resolution may not suit a larger page), unless it is removed."""
        new_image = cast(TemplateImage | None, self.cleaned_data.get("image_upload"))
        if new_image is not None:
            return new_image.size
        if not self.instance.image or self.cleaned_data.get("remove_image"):
            return None
        return (self.instance.image.width, self.instance.image.height)

    def template_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TEMPLATE_FIELDS}


# What to print ----------------------------------------------------------------------


class MaterialForm(forms.Form):
    """A template, a committee among the user's and where its QR code leads. Sent by GET
    (the preview is a page one can bookmark and share with the committee). Without
    JavaScript, the targets offered are those of the committee last sent: a target of
    another committee is refused with a message, and the right ones are then offered."""

    template = forms.ModelChoiceField(
        label=gettext_lazy("Model"),
        queryset=PrintTemplate.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )
    committee = forms.ModelChoiceField(
        label=gettext_lazy("For the committee"),
        queryset=Structure.objects.none(),
        to_field_name="slug",
        empty_label=None,
        help_text=gettext_lazy("Its name and contact are printed on the material."),
    )
    target = forms.ChoiceField(
        label=gettext_lazy("The QR code leads to"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "This is not a page of the chosen committee (or it is no longer open): "
                "please choose again."
            )
        },
        help_text=gettext_lazy(
            "The committee's page, one of its open petitions or one of its coming public "
            "actions. After changing the committee, press “Preview” to see its own."
        ),
    )

    def __init__(self, user: Any, data: Any = None, initial: Any = None) -> None:
        super().__init__(data, initial=initial)
        templates = templates_for(user).order_by("kind", "name")
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = templates
        committees = active_structures(user).order_by("name")
        cast(forms.ModelChoiceField, self.fields["committee"]).queryset = committees
        self.chosen_committee = self.committee_from(committees, data, initial)
        targets = printing.print_targets(self.chosen_committee) if self.chosen_committee else []
        self.targets = {target.key: target for target in targets}
        cast(forms.ChoiceField, self.fields["target"]).choices = [
            (target.key, target.label) for target in targets
        ]

    @staticmethod
    def committee_from(committees: QuerySet[Structure], data: Any, initial: Any) -> Any:
        slug = (data or initial or {}).get("committee")
        return (committees.filter(slug=slug).first() if slug else None) or committees.first()

    def clean_target(self) -> printing.PrintTarget:
        return self.targets[self.cleaned_data["target"]]
