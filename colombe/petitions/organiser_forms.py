"""Forms of the organiser pages: petition wording and settings, paper imports."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership
from colombe.movement.models import Membership, Structure
from colombe.petitions import paper, services
from colombe.petitions.models import Petition

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The fields of a petition an organiser writes, in the order of the form. Owner and group
# are chosen once, at creation.
PETITION_FIELDS = services.EDITABLE_FIELDS


def default_consent_text() -> str:
    return str(_("I agree to be kept informed about this campaign."))


def structures_for_petitions(user: Any) -> QuerySet[Structure]:
    """Structures in whose name ``user`` may launch a petition (``petitions.create``)."""
    if policy.is_national_admin(user):
        return Structure.objects.order_by("name")
    if not getattr(user, "is_authenticated", False):
        return Structure.objects.none()
    return Structure.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.LEADER,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def groups_for_petitions(user: Any, structures: QuerySet[Structure]) -> QuerySet[Group]:
    """Groups of those structures that ``user`` moderates."""
    return (
        Group.objects.filter(
            owner__in=structures,
            memberships__user=user,
            memberships__role__in=[GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR],
        )
        .select_related("owner")
        .order_by("owner__name", "name")
    )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.owner.name})"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class PetitionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text of the petition"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("You can format with Markdown: **bold**, *italics*, lists with “- ”, links."),
    )
    addressee = forms.CharField(
        label=_("Addressed to"),
        max_length=200,
        help_text=_("Who the petition asks: a minister, a mayor, a company…"),
    )
    goal = forms.IntegerField(
        label=_("Signature goal"),
        min_value=1,
        max_value=10_000_000,
        initial=1000,
        help_text=_("Once reached, the goal shown is raised to the next step automatically."),
    )
    starts_at = forms.DateTimeField(
        label=_("Opens on (optional)"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Paris time. Empty: signatures open as soon as the petition is published."),
    )
    ends_at = forms.DateTimeField(
        label=_("Closes on (optional)"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Paris time. Empty: open until you close it."),
    )
    collect_postcode = forms.BooleanField(
        label=_("Ask for the postcode and town"),
        required=False,
        initial=True,
        help_text=_("First name, last name and email are always asked."),
    )
    collect_country = forms.BooleanField(label=_("Ask for the country"), required=False)
    collect_comment = forms.BooleanField(label=_("Allow a comment"), required=False)
    consent_text = forms.CharField(
        label=_("Wording of the “keep me informed” box"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A separate box, unticked, that signers may tick to hear about the campaign. "
            "Changing it starts a new version: each signer keeps the one they agreed to."
        ),
    )
    retention_months = forms.IntegerField(
        label=_("Keep signers' details for (months after closing)"),
        min_value=1,
        max_value=60,
        initial=6,
        help_text=_("Afterwards names and addresses are erased; only the count remains."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_text"].initial = default_consent_text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The closing date must come after the opening date."))
        return data

    def petition_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PETITION_FIELDS}


class CreatePetitionForm(PetitionForm):
    owner = forms.ModelChoiceField(
        label=_("Run by"), queryset=Structure.objects.none(), empty_label=None
    )
    group = GroupChoiceField(
        label=_("Organising group (optional)"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("No group"),
        help_text=_("A group of that structure that you moderate. Its moderators can help run it."),
    )
    field_order = ["owner", "group", *PETITION_FIELDS]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        structures = structures_for_petitions(user)
        owner_field = self.fields["owner"]
        group_field = self.fields["group"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        assert isinstance(group_field, forms.ModelChoiceField)
        owner_field.queryset = structures
        group_field.queryset = groups_for_petitions(user, structures)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        owner, group = data.get("owner"), data.get("group")
        if owner and group and group.owner_id != owner.pk:
            self.add_error("group", _("This group does not belong to the chosen structure."))
        return data


class EditPetitionForm(PetitionForm):
    @classmethod
    def for_petition(cls, petition: Petition, data: Any = None) -> "EditPetitionForm":
        initial = {name: getattr(petition, name) for name in PETITION_FIELDS}
        return cls(data, initial=initial)

    def changed_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in PETITION_FIELDS if name in self.changed_data
        }


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of paper signatures (CSV or XLSX)"),
        help_text=_(
            "At most 2 MB. The first row names the columns: Prénom (First name), "
            "Nom (Last name), E-mail, Code postal (Postcode), Ville (Town)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> paper.ParsedSheet:
        return paper.parse_upload(self.cleaned_data["file"])


class PaperEntryForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    town = forms.CharField(label=_("Town"), max_length=100, required=False)

    def __init__(self, *args: Any, petition: Petition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not petition.collect_postcode:
            del self.fields["postcode"]
            del self.fields["town"]

    def paper_row(self) -> dict[str, str]:
        row = {name: "" for name in paper.FIELDS}
        row.update({name: value.strip() for name, value in self.cleaned_data.items()})
        return row
