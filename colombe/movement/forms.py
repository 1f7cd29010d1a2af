from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from colombe.outreach.root_slugs import reserved_root_slugs

CONTACT_MESSAGE_MAX_LENGTH = 3000
JOIN_MESSAGE_MAX_LENGTH = 1000


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, town or department"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Territory.objects.filter(level=Territory.Level.REGION),
        required=False,
        empty_label=_("All regions"),
        to_field_name="slug",
    )


class ContactForm(forms.Form):
    """Anyone may write to a structure; the leaders answer by email (reply-to)."""

    name = forms.CharField(label=_("Your name"), max_length=80)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The leaders will answer you at this address."),
    )
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=CONTACT_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # Robots fill every field; people never see this one (see the .honeypot class).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def message_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("name", "email", "message")}


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the leaders (optional)"),
        required=False,
        max_length=JOIN_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say a few words about yourself and why you want to join."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation you represent"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        empty_label=_("None: I join in my own name"),
    )

    def __init__(self, *args: Any, structure: Structure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if structure.kind == Structure.Kind.COLLECTIVE:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = structure.partners.all()
        else:
            del self.fields["organisation"]


# The roles a leader gives; representatives come in through their organisation.
ROLE_CHOICES = [
    (Membership.Role.LEADER.value, Membership.Role.LEADER.label),
    (Membership.Role.MEMBER.value, Membership.Role.MEMBER.label),
]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["name", "slug", "kind", "territory", "description"]
        labels = {"slug": _("Web address (slug)")}
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens, used in the page address."),
        }

    def __init__(self, *args: Any, territories: QuerySet[Territory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = territories.order_by("level", "name")

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        # The committee's public page is /<slug>/: another address must not hide it.
        if slug.lower() in reserved_root_slugs():
            raise forms.ValidationError(
                _("This address is used by another part of the site; choose another one.")
            )
        return slug


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "slug", "level", "code", "parent"]
        labels = {"slug": _("Web address (slug)"), "parent": _("Part of")}

    def __init__(
        self, *args: Any, parents: QuerySet[Territory], allow_national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        queryset = parents.exclude(level=Territory.Level.LOCAL)
        if self.instance.pk:
            queryset = queryset.exclude(pk=self.instance.pk)
        parent.queryset = queryset.order_by("level", "name")
        parent.required = not allow_national
        if not allow_national:
            level = self.fields["level"]
            assert isinstance(level, forms.TypedChoiceField)
            level.choices = [
                (value, label)
                for value, label in Territory.Level.choices
                if value != Territory.Level.NATIONAL
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level, parent = cleaned.get("level"), cleaned.get("parent")
        if level is None:
            return cleaned
        if level == Territory.Level.NATIONAL and parent is not None:
            self.add_error("parent", _("The national level is not part of another territory."))
        elif level != Territory.Level.NATIONAL and parent is None:
            self.add_error("parent", _("Choose the territory this one is part of."))
        elif parent is not None and parent.level >= level:
            self.add_error(
                "parent",
                _("The territory it is part of must be at a higher level (e.g. a region)."),
            )
        if self.instance.pk and self.instance.children.filter(level__lte=level).exists():
            self.add_error(
                "level", _("Some territories inside this one are at this level or above.")
            )
        return cleaned


class DescriptionForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "description": _(
                "Shown to everyone on the structure's page: what you do, when and where "
                "you meet, how to take part."
            )
        }


class CoordinatorForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person"),
        max_length=254,
        help_text=_("The person must already have an account on Colombe."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class PartnerChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=PartnerOrganisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args: Any, collective: Structure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PartnerOrganisation.objects.exclude(collectives=collective)


class PartnerOrganisationForm(forms.ModelForm):
    # Declared here to say which scheme an address typed without one gets.
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For example https://example.org (optional)."),
    )

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
