"""Forms of the planning pages. Times are typed on the wall clock of the site's time zone
(a date, a start and an end time: what people write on a leaflet)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.actions import services
from colombe.actions.models import Action, ActionKind, DayOfAction, Slot
from colombe.movement.models import PartnerOrganisation, Structure, Territory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# What the form sets besides ``services.ACTION_FIELDS``.
RELATED_FIELDS = ("hashtags", "co_organisers", "partners")


def wall_clock(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end on ``day``; an end at or before the start ends the next day (a
    vigil from 22:00 to 01:00; "until midnight" is 00:00)."""
    starts_at, ends_at = wall_clock(day, start), wall_clock(day, end)
    if end <= start:
        ends_at += timedelta(days=1)
    return starts_at, ends_at


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of action"), choices=ActionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. What people will do and why."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("e.g. Place Bellecour, in front of the fountain"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    town = forms.CharField(label=_("Town"), max_length=120)
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.order_by("level", "name"),
        help_text=_("Where the action counts on the maps (its department or town)."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-90,
        max_value=90,
        help_text=_("Optional, e.g. 45.75781: adds a link to OpenStreetMap."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
        help_text=_("Optional, e.g. 4.83201."),
    )
    material = forms.CharField(
        label=_("Material needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stand, table, leaflets, banner…"),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=[c for c in Action.Visibility.choices if c[0] != Action.Visibility.GROUP],
        widget=forms.RadioSelect,
        initial=Action.Visibility.PUBLIC,
    )
    day_of_action = forms.ModelChoiceField(
        label=_("Part of a day of action"),
        queryset=DayOfAction.objects.none(),
        required=False,
        empty_label=_("No"),
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("With other committees"),
        queryset=Structure.objects.order_by("name"),
        required=False,
        help_text=_("Committees that organise it together with yours."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=PartnerOrganisation.objects.order_by("name"),
        required=False,
    )
    hashtags = forms.CharField(
        label=_("Hashtags"), required=False, max_length=300, help_text=_("e.g. #paix #désarmement")
    )

    def __init__(
        self, *args: Any, days: QuerySet[DayOfAction], in_group: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        day_field = self.fields["day_of_action"]
        assert isinstance(day_field, forms.ModelChoiceField)
        day_field.queryset = days
        if in_group:  # a group's action is for the group's members: nothing to choose
            del self.fields["visibility"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"date", "start_time", "end_time"} <= data.keys():
            data["starts_at"], data["ends_at"] = span(
                data["date"], data["start_time"], data["end_time"]
            )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return data

    def action_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [*sorted(services.ACTION_FIELDS), *RELATED_FIELDS]
        if "visibility" not in self.fields:  # a group's action: the group decides
            names.remove("visibility")
        return {name: data[name] for name in names}

    @staticmethod
    def initial_for(action: Action) -> dict[str, Any]:
        starts, ends = timezone.localtime(action.starts_at), timezone.localtime(action.ends_at)
        return {
            "kind": action.kind,
            "title": action.title,
            "description": action.description,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "place": action.place,
            "address": action.address,
            "town": action.town,
            "territory": action.territory_id,
            "latitude": action.latitude,
            "longitude": action.longitude,
            "material": action.material,
            "visibility": action.visibility,
            "day_of_action": action.day_of_action_id,
            "co_organisers": list(action.co_organisers.values_list("pk", flat=True)),
            "partners": list(action.partners.values_list("pk", flat=True)),
            "hashtags": " ".join(f"#{tag.name}" for tag in action.hashtags.all()),
        }


class SlotForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Slot.Kind.choices,
        widget=forms.RadioSelect,
        initial=Slot.Kind.SHIFT,
    )
    label = forms.CharField(
        label=_("What"),
        max_length=200,
        help_text=_("e.g. “Distribute leaflets”, “I bring the stand”, “Call members”"),
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start_time = forms.TimeField(
        label=_("From"), required=False, widget=TIME_INPUT, help_text=_("On the day of the action.")
    )
    end_time = forms.TimeField(label=_("To"), required=False, widget=TIME_INPUT)
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Empty: no limit."),
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if (start is None) != (end is None):
            self.add_error("end_time", _("Give both times, or neither."))
        return data

    def slot_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        starts_at = ends_at = None
        if data["start_time"] is not None and data["end_time"] is not None:
            day = timezone.localtime(self.action.starts_at).date()
            starts_at, ends_at = span(day, data["start_time"], data["end_time"])
        return {
            "kind": data["kind"],
            "label": data["label"],
            "description": data["description"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": data["capacity"],
        }

    @staticmethod
    def initial_for(slot: Slot) -> dict[str, Any]:
        return {
            "kind": slot.kind,
            "label": slot.label,
            "description": slot.description,
            "start_time": timezone.localtime(slot.starts_at).time() if slot.starts_at else None,
            "end_time": timezone.localtime(slot.ends_at).time() if slot.ends_at else None,
            "capacity": slot.capacity,
        }


class SignUpForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        help_text=_("Only if the organisers may call you; erased a week after the action."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    share_phone = forms.BooleanField(label=_("The organisers may call me"), required=False)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=300,
        help_text=_("e.g. “I can bring a table”"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("share_phone") and not data.get("phone", "").strip():
            self.add_error("phone", _("Give the number the organisers may call."))
        return data


class AgendaFilterForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Territory.objects.filter(level__lte=Territory.Level.DEPARTMENT),
        to_field_name="slug",
        required=False,
        empty_label=_("Everywhere"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        choices=[("", _("All kinds")), *ActionKind.choices],
        required=False,
    )
    comite = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=Structure.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All committees"),
    )
    journee = forms.ModelChoiceField(
        label=_("Day of action"),
        queryset=DayOfAction.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, committees: QuerySet[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comite = self.fields["comite"]
        assert isinstance(comite, forms.ModelChoiceField)
        comite.queryset = committees


class DayForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    call = forms.CharField(
        label=_("The call"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. Why, what committees are asked to do, the material."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    territory = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Territory.objects.none(),
        help_text=_("France for a national day, a region for a regional one."),
    )
    called_by = forms.ModelChoiceField(label=_("Called by"), queryset=Structure.objects.none())
    hashtags = forms.CharField(label=_("Hashtags"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        territories: QuerySet[Territory],
        structures: QuerySet[Structure],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("territory", territories), ("called_by", structures)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last day cannot come before the first."))
        return data

    @staticmethod
    def initial_for(day: DayOfAction) -> dict[str, Any]:
        return {
            "title": day.title,
            "call": day.call,
            "starts_on": day.starts_on,
            "ends_on": day.ends_on,
            "territory": day.territory_id,
            "called_by": day.called_by_id,
            "hashtags": " ".join(f"#{tag.name}" for tag in day.hashtags.all()),
        }
