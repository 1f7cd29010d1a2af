from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.core import policy
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure
from colombe.petitions.models import Petition
from colombe.reports import photos
from colombe.reports.models import ActionReport

# How far back the meetings offered in the report form go.
MEETING_CHOICE_DAYS = 120


class ReportForm(forms.ModelForm):
    """The one short page to report an action from a phone. ``draft=True`` (saving a
    draft, autosave) asks only for a title; publishing asks for the rest."""

    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=500,
        help_text=_("For example: #disarmament #youth. Hashtags in the text count too."),
    )
    # A plain file field: the photo checks (type, content, size) are ours.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP. Its location and camera data are removed."),
    )
    photo_alt = forms.CharField(
        label=_("Describe the photo"),
        required=False,
        max_length=300,
        help_text=_("For people who cannot see it, e.g. “Three volunteers hand out leaflets”."),
    )

    class Meta:
        model = ActionReport
        fields = [
            "kind",
            "title",
            "happened_on",
            "town",
            "people_reached",
            "paper_signatures",
            "petition",
            "meeting",
            "body",
            "visibility",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "people_reached": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "paper_signatures": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        help_texts = {"body": _("Markdown: **bold**, lists, links.")}

    def __init__(
        self,
        *args: Any,
        user: Any,
        draft: bool = False,
        fixed_visibility: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons without the "---------" choice.
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(ActionReport.Kind.choices)
        cast(forms.ChoiceField, self.fields["visibility"]).choices = list(
            ActionReport.Visibility.choices
        )
        if not self.instance.pk:
            self.initial.setdefault("happened_on", timezone.localdate())
        else:
            names = self.instance.hashtags.values_list("name", flat=True)
            self.initial.setdefault("hashtags", " ".join(f"#{name}" for name in names))
        petitions = policy.visible(Petition, user).filter(status=Petition.Status.PUBLISHED)
        if self.instance.petition_id:
            petitions = petitions | Petition.objects.filter(pk=self.instance.petition_id)
        petition_field = cast(forms.ModelChoiceField, self.fields["petition"])
        petition_field.queryset = petitions.order_by("title").distinct()
        petition_field.label = _("Petition (optional)")
        petition_field.empty_label = _("None")
        self.limit_meetings(user)
        if draft:
            for name in ("kind", "happened_on", "town", "visibility"):
                self.fields[name].required = False
        if fixed_visibility:
            del self.fields["visibility"]

    def limit_meetings(self, user: Any) -> None:
        """The meetings of the last few months the person may see (the action often
        follows a committee meeting), and the one already linked."""
        since = timezone.now() - timedelta(days=MEETING_CHOICE_DAYS)
        meetings = policy.visible(Meeting, user).filter(starts_at__gte=since)
        if self.instance.meeting_id:
            meetings = meetings | Meeting.objects.filter(pk=self.instance.meeting_id)
        meeting_field = cast(forms.ModelChoiceField, self.fields["meeting"])
        meeting_field.queryset = meetings.order_by("-starts_at").distinct()
        meeting_field.label = _("Meeting (optional)")
        meeting_field.empty_label = _("None")

    def clean_photo(self) -> photos.ProcessedPhoto | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return photos.process_photo(upload)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") and not (cleaned.get("photo_alt") or "").strip():
            self.add_error(
                "photo_alt", _("Please describe the photo for people who cannot see it.")
            )
        photo_count = self.instance.photos.count() if self.instance.pk else 0
        if cleaned.get("photo") and photo_count >= photos.MAX_PHOTOS:
            self.add_error(
                "photo",
                ValidationError(
                    _("A report has at most %(count)s photos.") % {"count": photos.MAX_PHOTOS}
                ),
            )
        return cleaned

    def report_fields(self) -> dict[str, Any]:
        """What the services take: the model fields the form shows, and the hashtags."""
        data = {
            name: self.cleaned_data[name] for name in self._meta.fields or [] if name in self.fields
        }
        if data.get("visibility") == "":
            data.pop("visibility")
        data["hashtags"] = self.cleaned_data.get("hashtags", "")
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReuseForm(forms.Form):
    structure = forms.ModelChoiceField(
        label=_("For which committee?"), queryset=Structure.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["structure"]).queryset = structures
