"""The campaign form (the communication group)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from colombe.outreach.models import Campaign


class CampaignForm(forms.ModelForm):
    hashtags_text = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=500,
        help_text=_("Separated by spaces or commas, e.g. #peace #disarmament."),
    )

    class Meta:
        model = Campaign
        fields = ["title", "description", "starts_on", "ends_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = self.instance.hashtags.values_list("name", flat=True)
            self.fields["hashtags_text"].initial = " ".join(f"#{name}" for name in names)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign must end on or after its start."))
        return data

    def campaign_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "hashtags": data["hashtags_text"],
        }
