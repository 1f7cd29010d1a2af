"""Forms of the scheduling pages. Times are typed on the wall clock of the meeting's time
zone (a date, a start and an end time: what people write in an invitation)."""

from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.meetings.models import (
    MEETING_PUBLISHERS_MAX,
    WEBINAR_AUDIENCE_MAX,
    WEBINAR_STAGE_MAX,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
)
from colombe.movement.models import PartnerOrganisation, Structure

MAX_OCCURRENCES = 52


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in available_timezones() if "/" in zone)
    return [(zone, zone.replace("_", " ")) for zone in zones]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: lists, links."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    format = forms.ChoiceField(
        label=_("Format"), choices=Meeting.Format.choices, widget=forms.RadioSelect
    )
    audience = forms.ChoiceField(
        label=_("Who may see and join"), choices=Meeting.Audience.choices, widget=forms.RadioSelect
    )
    access = forms.ChoiceField(
        label=_("Entry"), choices=Meeting.Access.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=2,
        help_text=_("Leave empty for no limit."),
    )
    registration_required = forms.BooleanField(
        label=_("People must register first (waiting list beyond the capacity)"),
        required=False,
    )
    dial_in = forms.CharField(
        label=_("Dial-in details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A phone number and code, shown when the video engine is unreachable."),
    )

    engine = forms.ChoiceField(
        label=_("Video engine"),
        help_text=_(
            "Only national administrators choose: other engines run on servers the "
            "movement pays for."
        ),
    )

    def __init__(
        self,
        *args: Any,
        fixed_audience: bool = False,
        engine_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "time_zone": timezone.get_current_timezone_name(),
            "format": Meeting.Format.MEETING,
            "audience": Meeting.Audience.OWNER,
            "access": Meeting.Access.OPEN,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        if fixed_audience:  # a private or secret group's meeting is for its members
            del self.fields["audience"]
        if engine_choices and len(engine_choices) > 1:
            engine_field = cast(forms.ChoiceField, self.fields["engine"])
            engine_field.choices = engine_choices
            self.fields["engine"].initial = settings.MEETING_DEFAULT_ENGINE
        else:  # nothing to choose: the default engine
            del self.fields["engine"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"date", "start_time", "end_time", "time_zone"} <= data.keys():
            data["starts_at"], data["ends_at"] = self.times(data)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("The meeting must end after it starts."))
        self.check_capacity(data)
        return data

    @staticmethod
    def times(data: dict[str, Any]) -> tuple[datetime, datetime]:
        zone = ZoneInfo(data["time_zone"])
        starts_at = datetime.combine(data["date"], data["start_time"], tzinfo=zone)
        ends_at = datetime.combine(data["date"], data["end_time"], tzinfo=zone)
        if data["end_time"] == time(0, 0):  # "until midnight"
            ends_at += timedelta(days=1)
        return starts_at, ends_at

    def check_capacity(self, data: dict[str, Any]) -> None:
        capacity = data.get("capacity")
        if capacity is None:
            return
        if data.get("format") == Meeting.Format.MEETING and capacity > MEETING_PUBLISHERS_MAX:
            message = _(
                "A meeting where everyone may speak holds up to %(max)s people: choose the "
                "large meeting (webinar) format."
            )
            self.add_error("capacity", message % {"max": MEETING_PUBLISHERS_MAX})
        if capacity > WEBINAR_AUDIENCE_MAX + WEBINAR_STAGE_MAX:
            message = _("The largest audience is %(max)s people.")
            self.add_error("capacity", message % {"max": WEBINAR_AUDIENCE_MAX})

    def meeting_fields(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        skip = {"date", "start_time", "end_time", "frequency", "occurrences"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        zone = ZoneInfo(meeting.time_zone)
        start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        return {
            "title": meeting.title,
            "agenda": meeting.agenda,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "time_zone": meeting.time_zone,
            "format": meeting.format,
            "audience": meeting.audience,
            "access": meeting.access,
            "capacity": meeting.capacity,
            "registration_required": meeting.registration_required,
            "dial_in": meeting.dial_in,
            "engine": meeting.engine,
        }


class NewMeetingForm(MeetingForm):
    """Scheduling adds the recurrence; each occurrence is then edited on its own."""

    frequency = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[("", _("Does not repeat")), *MeetingSeries.Frequency.choices],
    )
    occurrences = forms.IntegerField(
        label=_("Number of meetings"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        initial=1,
        help_text=_("For a repeating meeting: how many to schedule."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at = data.get("starts_at")
        if starts_at is not None and starts_at < timezone.now():
            self.add_error("date", _("This date is in the past."))
        return data


class AgendaFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Organised by"),
        queryset=Structure.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All"),
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All")), *Meeting.Format.choices]
    )
    mine = forms.BooleanField(label=_("Only my meetings"), required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    kind = forms.ChoiceField(
        label=_("This person is"),
        choices=MeetingInvitation.Kind.choices,
        initial=MeetingInvitation.Kind.GUEST,
    )
    role = forms.ChoiceField(
        label=_("Role in the meeting"),
        choices=MeetingInvitation.Role.choices,
        initial=MeetingInvitation.Role.ATTENDEE,
    )


class PartnerInviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        to_field_name="slug",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation_field.queryset = organisations
