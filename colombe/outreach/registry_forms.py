"""Forms of the registry, the naming convention, the charter, the communication team and
the "Relais jeunes" offers, and the filters of their lists."""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.core.validators import single_line
from colombe.movement.models import Membership, Structure
from colombe.outreach import naming
from colombe.outreach import policy as outreach_policy
from colombe.outreach.models import (
    CharterPage,
    ChecklistItem,
    NamingRule,
    Network,
    OutreachVolunteer,
    SocialAccount,
)

ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def active_members_of(structure: Structure) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__structure=structure,
        memberships__status=Membership.Status.ACTIVE,
    )


class AccountForm(forms.ModelForm):
    url = forms.URLField(
        label=_("address of the account"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The public address of the account, e.g. https://mastodon.social/@colombe"),
    )
    responsible_emails = forms.CharField(
        label=_("Responsible people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Email addresses of the members who hold the account's password, one per line. "
            "They must be active members of the owner (or of the communication group)."
        ),
    )

    class Meta:
        model = SocialAccount
        fields = ["network", "handle", "url", "label", "bio", "owner", "status"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"bio": _("The text shown on the account's profile.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = outreach_policy.accounts_structures(user)
        if self.instance.pk is not None:
            # A responsible person keeps the account without keeping its owner.
            owners = owners | Structure.objects.filter(pk=self.instance.owner_id)
            self.initial.setdefault(
                "responsible_emails",
                "\n".join(person.email for person in self.instance.responsible.order_by("email")),
            )
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners.distinct().order_by("name")
        owner_field.help_text = _("Only the structures whose accounts you keep are offered.")
        for name in ("handle", "label"):
            self.fields[name].validators.append(single_line)

    def clean_handle(self) -> str:
        return str(self.cleaned_data["handle"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        owner = cleaned.get("owner")
        if owner is not None:
            cleaned["responsible"] = self.responsible_people(
                owner, cleaned.get("responsible_emails", "")
            )
        return cleaned

    def responsible_people(self, owner: Structure, text: str) -> list[User]:
        addresses = sorted({a.lower() for a in ADDRESS_SEPARATORS.split(text) if a})
        people = list(User.objects.filter(email__in=addresses, is_active=True))
        allowed = [p for p in people if owner_member_or_group(p, owner)]
        unknown = sorted(set(addresses) - {p.email for p in allowed})
        if unknown:
            self.add_error(
                "responsible_emails",
                _("No active member of %(owner)s uses: %(addresses)s.")
                % {"owner": owner.name, "addresses": ", ".join(unknown)},
            )
        return allowed

    def account_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def owner_member_or_group(person: User, owner: Structure) -> bool:
    return outreach_policy.in_communication_group(person) or (
        active_members_of(owner).filter(pk=person.pk).exists()
    )


class NamingRuleForm(forms.ModelForm):
    class Meta:
        model = NamingRule
        fields = ["label_template", "bio_template"]
        widgets = {"bio_template": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "label_template": _(
                "Placeholders: {movement} (the movement's name), {name} (the name of the "
                "committee or team), {place} (its territory). "
                "E.g. “{movement} — {name}”."
            ),
            "bio_template": _("The same placeholders. Leave empty to suggest no description."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label_template"].validators += [single_line, naming.validate_template]
        self.fields["bio_template"].validators.append(naming.validate_template)


class CharterPageForm(forms.ModelForm):
    class Meta:
        model = CharterPage
        fields = ["title", "body", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        labels = {"position": _("Position in the charter")}
        help_texts = {
            "body": _("Markdown: **bold**, *italics*, lists with “- ”, links [text](address)."),
            "position": _("Pages are listed from the smallest number."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(single_line)


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text"]
        help_texts = {
            "text": _("A question a reviewer answers yes to, e.g. “Is every image described?”")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].validators.append(single_line)


class RoleField(forms.ModelChoiceField):
    """A structure offered as the role of its communication lead."""

    def label_from_instance(self, obj: Any) -> str:
        return str(_("Communication lead of %(structure)s") % {"structure": obj.name})


class AppointForm(forms.Form):
    structure = RoleField(
        label=_("Role"),
        queryset=Structure.objects.none(),
        required=False,
    )
    email = forms.EmailField(
        label=_("Email address of the member"),
        help_text=_("The address they log in with."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["structure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = appointable_structures(user)
        self.may_appoint_group = outreach_policy.can_appoint(user, None)
        field.required = not self.may_appoint_group
        field.empty_label = (
            str(_("Member of the national communication group")) if self.may_appoint_group else None
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email:
            cleaned["person"] = self.find_person(email.lower(), cleaned.get("structure"))
        return cleaned

    def find_person(self, email: str, structure: Structure | None) -> User | None:
        """The same answer whether nobody or a non-member uses the address: the form
        tells nobody who has an account."""
        if structure is None:
            person = User.objects.filter(email=email, is_active=True).first()
            if person is None or not outreach_policy.is_member(person):
                self.add_error("email", _("No active member of the movement uses this address."))
                return None
            return person
        person = active_members_of(structure).filter(email=email).first()
        if person is None:
            self.add_error(
                "email",
                _("No active member of %(structure)s uses this address.")
                % {"structure": structure.name},
            )
        return person


def appointable_structures(user: Any) -> QuerySet[Structure]:
    if outreach_policy.in_communication_group(user):
        return Structure.objects.order_by("name")
    return Structure.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.LEADER,
    ).order_by("name")


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = OutreachVolunteer
        fields = ["creates_content", "trains_others", "is_young", "networks", "skills"]
        widgets = {"skills": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "skills": _("E.g. short videos, visuals, captions, explaining Mastodon to beginners.")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("creates_content") or cleaned.get("trains_others")):
            raise forms.ValidationError(
                _("Tick at least one: creating content or training other members.")
            )
        return cleaned


# Filters ------------------------------------------------------------------------------


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=[("", _("All")), *Network.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=Structure.objects.filter(social_accounts__isnull=False).distinct(),
        empty_label=_("All"),
        to_field_name="slug",
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *SocialAccount.Status.choices],
    )
    off_convention = forms.BooleanField(label=_("Only labels off the convention"), required=False)


class VolunteerFilterForm(forms.Form):
    ROLES = [
        ("", _("All")),
        ("content", _("Creates content")),
        ("training", _("Trains other members")),
        ("young", _("Between 18 and 35")),
    ]
    role = forms.ChoiceField(label=_("Offer"), required=False, choices=ROLES)
    network = forms.CharField(
        label=_("Network"), required=False, max_length=50, help_text=_("E.g. Instagram")
    )
