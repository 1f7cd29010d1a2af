"""Forms of the circulars: compose, schedule, forward, and the archive's filters.

The compose form only checks that what is named exists; whether the person may speak
for that sender or address that audience is the service's decision (a coordinator who
names another region gets a 403, not a form error that would hide the refusal)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from colombe.core import policy
from colombe.core.validators import single_line
from colombe.groups.forms import MARKDOWN_HELP, UploadField, upload_help
from colombe.groups.models import Group
from colombe.mailing.circulars import CircularDraft
from colombe.mailing.models import Circular, CircularAttachment
from colombe.mailing.policy import national_offices_led_by, regions_coordinated_by
from colombe.movement.models import Structure, Territory

Audience = Circular.Audience
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MAX_ATTACHMENTS = 10


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files, each checked like a group's documents (size, type, content)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("At most %(count)s files at a time.") % {"count": MAX_ATTACHMENTS}
            )
        return [super(MultipleUploadField, self).clean(one, initial) for one in files]


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.territory.name})"


def sender_value(circular: Circular) -> str:
    if circular.sender_structure_id is not None:
        return f"structure:{circular.sender_structure_id}"
    return f"territory:{circular.sender_territory_id}"


def sender_choices(user: Any, circular: Circular | None = None) -> list[tuple[str, str]]:
    """The offices the person leads and the regions they coordinate — and the circular's
    own sender, so that editing someone else's draft does not change who it is from."""
    offices = [(f"structure:{s.pk}", s.name) for s in national_offices_led_by(user)]
    regions = [(f"territory:{t.pk}", str(t)) for t in regions_coordinated_by(user)]
    choices = offices + regions
    if circular is not None and sender_value(circular) not in dict(choices):
        sender = circular.sender_structure or circular.sender_territory
        choices.insert(0, (sender_value(circular), str(sender)))
    return choices


class CircularForm(forms.Form):
    # A text field drawn as a list: any existing sender is accepted here (see above).
    sender = forms.CharField(label=_("Sent on behalf of"), widget=forms.Select)
    subject = forms.CharField(label=_("Subject"), max_length=200, validators=[single_line])
    body = forms.CharField(
        label=_("Text"), max_length=50000, widget=forms.Textarea(attrs={"rows": 14})
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Circular.Urgency.choices,
        initial=Circular.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    escalation_hours = forms.IntegerField(
        label=_("For an urgent circular: alert the committee's leaders after (hours)"),
        min_value=1,
        max_value=168,
        initial=24,
        help_text=_(
            "When no relay of a committee has clicked “Bien reçu” within this delay, its "
            "leaders receive the circular too."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Who receives it"),
        choices=Audience.choices,
        initial=Audience.ALL_RELAYS,
        widget=forms.RadioSelect,
        help_text=_("A circular sent on behalf of a region reaches that region only."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions (for “relays of some regions”)"),
        queryset=Territory.objects.filter(level=Territory.Level.REGION),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Group (for “members of a group”)"), queryset=Group.objects.none(), required=False
    )
    structure = StructureChoiceField(
        label=_("Working group or committee (for “members of a working group or committee”)"),
        queryset=Structure.objects.filter(
            kind__in=[Structure.Kind.COMMITTEE, Structure.Kind.WORKING_GROUP]
        ).select_related("territory"),
        required=False,
    )
    collective = StructureChoiceField(
        label=_("Collective (for “partner representatives of a collective”)"),
        queryset=Structure.objects.filter(kind=Structure.Kind.COLLECTIVE).select_related(
            "territory"
        ),
        required=False,
    )
    attachments = MultipleUploadField(label=_("Attachments"), required=False)

    def __init__(
        self, *args: Any, user: Any, circular: Circular | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        sender_widget: Any = self.fields["sender"].widget
        sender_widget.choices = sender_choices(user, circular)
        self.fields["body"].help_text = MARKDOWN_HELP
        self.fields["attachments"].help_text = upload_help()
        group_field: Any = self.fields["group"]
        group_field.queryset = policy.visible(Group, user).order_by("name")
        self.offer_regions(user)
        if circular is not None:
            self.add_removal(circular)

    def offer_regions(self, user: Any) -> None:
        """Show the regions the person may address; any region is accepted here and the
        service refuses the others (403)."""
        field: Any = self.fields["regions"]
        if not policy.is_national_admin(user) and not national_offices_led_by(user).exists():
            field.choices = [(t.pk, t.name) for t in regions_coordinated_by(user)]

    def add_removal(self, circular: Circular) -> None:
        attachments = circular.attachments.all()
        if attachments:
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label=_("Remove these attachments"),
                queryset=attachments,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_sender(self) -> Structure | Territory:
        kind, _sep, pk = self.cleaned_data["sender"].partition(":")
        found: Structure | Territory | None = None
        if kind == "structure" and pk.isdigit():
            found = Structure.objects.filter(pk=pk).first()
        elif kind == "territory" and pk.isdigit():
            found = Territory.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError(_("Choose who the circular is from."))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        needed = {
            Audience.REGION_RELAYS: ("regions", _("Choose at least one region.")),
            Audience.GROUP: ("group", _("Choose the group.")),
            Audience.STRUCTURE: ("structure", _("Choose the working group or committee.")),
            Audience.PARTNERS: ("collective", _("Choose the collective.")),
        }
        audience = cleaned.get("audience")
        if audience in needed:
            name, message = needed[audience]
            if not cleaned.get(name):
                self.add_error(name, message)
        return cleaned

    def draft(self) -> CircularDraft:
        data = self.cleaned_data
        sender = data["sender"]
        audience = data["audience"]
        return CircularDraft(
            subject=data["subject"],
            body=data["body"],
            urgency=data["urgency"],
            audience=audience,
            escalation_hours=data["escalation_hours"],
            sender_structure=sender if isinstance(sender, Structure) else None,
            sender_territory=sender if isinstance(sender, Territory) else None,
            regions=list(data.get("regions") or []),
            group=data.get("group"),
            structure=data.get("collective")
            if audience == Audience.PARTNERS
            else data.get("structure"),
        )

    @property
    def uploads(self) -> list[Any]:
        return self.cleaned_data.get("attachments") or []

    @property
    def removed_attachments(self) -> list[int]:
        removed: list[CircularAttachment] = self.cleaned_data.get("remove_attachments") or []
        return [attachment.pk for attachment in removed]


def initial_for(circular: Circular) -> dict[str, Any]:
    partners = circular.audience == Audience.PARTNERS
    return {
        "sender": sender_value(circular),
        "subject": circular.subject,
        "body": circular.body,
        "urgency": circular.urgency,
        "escalation_hours": circular.escalation_hours,
        "audience": circular.audience,
        "regions": list(circular.regions.all()),
        "group": circular.group_id,
        "structure": None if partners else circular.structure_id,
        "collective": circular.structure_id if partners else None,
    }


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send on"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        help_text=_("Paris time."),
    )


class ForwardForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Structure.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("A word to add at the top (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, committees: list[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = Structure.objects.filter(pk__in=[c.pk for c in committees])
        if len(committees) == 1:
            field.widget = forms.HiddenInput()


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(label=_("Subject contains"), max_length=100, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", _("All")), *Circular.Urgency.choices],
        required=False,
    )


PROBLEM_CHOICES = [
    ("", _("All committees")),
    ("none", _("No confirmed relay")),
    ("under_covered", _("Fewer than 3 confirmed relays")),
    ("bouncing", _("A relay's address bounces")),
    ("not_acknowledged", _("Did not acknowledge a recent circular")),
    ("escalated", _("Escalated")),
]


class CoverageFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("All my regions"),
    )
    problem = forms.ChoiceField(label=_("Show"), choices=PROBLEM_CHOICES, required=False)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["region"]
        field.queryset = regions
