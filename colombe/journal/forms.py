from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.journal.models import Edition, EditionItem, EditorialComment, Section
from colombe.reports.models import ReportPhoto


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # A date input only understands ISO dates, whatever the language.
        super().__init__(format="%Y-%m-%d")


class OpenEditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["title", "period_start", "period_end"]
        widgets: dict[str, forms.Widget] = {
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class CoverChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.alt_text} ({obj.report.title})"


class EditionDetailsForm(OpenEditionForm):
    cover_photo = CoverChoice(
        queryset=ReportPhoto.objects.none(), required=False, label=_("Cover photo")
    )

    class Meta(OpenEditionForm.Meta):
        fields = ["title", "period_start", "period_end", "editorial", "cover_photo"]
        widgets = {**OpenEditionForm.Meta.widgets, "editorial": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, cover_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cover_photo"]).queryset = cover_choices


class ItemForm(forms.ModelForm):
    class Meta:
        model = EditionItem
        fields = ["section", "short_text"]
        widgets = {"short_text": forms.Textarea(attrs={"rows": 4})}
        labels = {"section": _("Section")}

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = edition.sections.all()
        cast(forms.ModelChoiceField, self.fields["section"]).queryset = sections


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title"]
        labels = {"title": _("Title of the new section")}


class CommentForm(forms.ModelForm):
    class Meta:
        model = EditorialComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": _("Your comment for the other editors")}


class AppointForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the member to appoint"))

    def clean_email(self) -> User:
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No member has this address."))
        return user
