"""The filters of the feed "What the committees do": a GET form that works without
JavaScript."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from colombe.core.hashtags import normalise_hashtag
from colombe.core.models import fold_hashtag
from colombe.movement.models import Territory
from colombe.movement.policy import subtree_filter
from colombe.reports.models import ActionReport


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Departments are indented under their region in the list.
        prefix = "— " if obj.level == Territory.Level.DEPARTMENT else ""
        return f"{prefix}{obj.name}"


def regions_and_departments() -> list[Territory]:
    """Every region and department, alphabetically, in one query: what the territory
    filter lists and what the feed's map draws."""
    return list(
        Territory.objects.filter(level__in=[Territory.Level.REGION, Territory.Level.DEPARTMENT])
        .only("name", "slug", "level", "code", "parent_id")
        .order_by("name")
    )


def region_and_department_choices(nodes: list[Territory]) -> list[Territory]:
    """Regions, each followed by its departments, alphabetically (``nodes`` are)."""
    regions = [t for t in nodes if t.level == Territory.Level.REGION]
    ordered: list[Territory] = []
    for region in regions:
        ordered.append(region)
        ordered.extend(t for t in nodes if t.parent_id == region.pk)
    placed = {t.pk for t in ordered}
    ordered.extend(t for t in nodes if t.pk not in placed)
    return ordered


class FeedFilterForm(forms.Form):
    territory = TerritoryChoiceField(
        label=_("Region or department"),
        queryset=Territory.objects.filter(
            level__in=[Territory.Level.REGION, Territory.Level.DEPARTMENT]
        ),
        to_field_name="slug",
        required=False,
        empty_label=_("Everywhere"),
    )
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=[("", _("All kinds of action")), *ActionReport.Kind.choices],
        required=False,
    )
    hashtag = forms.CharField(label=_("Hashtag"), max_length=61, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, territories: list[Territory] | None = None, **kwargs: Any
    ) -> None:
        """``territories`` (``regions_and_departments``) are listed by the territory
        filter, regions followed by their departments; without them, no such filter."""
        super().__init__(*args, **kwargs)
        if territories is None:
            del self.fields["territory"]
            return
        field = self.fields["territory"]
        assert isinstance(field, TerritoryChoiceField)
        field.choices = [("", field.empty_label or "")] + [
            (t.slug, field.label_from_instance(t))
            for t in region_and_department_choices(territories)
        ]

    def clean_hashtag(self) -> str:
        return normalise_hashtag(self.cleaned_data.get("hashtag") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        return data

    def apply(
        self, reports: QuerySet[ActionReport]
    ) -> tuple[QuerySet[ActionReport], dict[str, str]]:
        """The reports that pass the valid filters, and the chosen values for the
        pagination links."""
        chosen: dict[str, str] = {}
        if not self.is_valid():
            return reports, chosen
        data = self.cleaned_data
        territory = data.get("territory")
        if territory is not None:
            reports = reports.filter(
                subtree_filter([territory.pk], prefix="structure__territory__")
            )
            chosen["territory"] = territory.slug
        if data["kind"]:
            reports = reports.filter(kind=data["kind"])
            chosen["kind"] = data["kind"]
        if data["hashtag"]:
            reports = reports.filter(hashtags__key=fold_hashtag(data["hashtag"]))
            chosen["hashtag"] = data["hashtag"]
        if data["start"]:
            reports = reports.filter(happened_on__gte=data["start"])
            chosen["start"] = data["start"].isoformat()
        if data["end"]:
            reports = reports.filter(happened_on__lte=data["end"])
            chosen["end"] = data["end"].isoformat()
        return reports, chosen
