from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.groups.policy import structures_for_new_groups
from colombe.groups.uploads import CheckedUpload, allowed_extensions_text, check_upload
from colombe.movement.models import Structure

MARKDOWN_HELP = _("You can format with Markdown: **bold**, *italics*, lists with “- ”, links.")
VISIBILITY_EXPLANATIONS: dict[str, Promise] = {
    Visibility.PUBLIC: _(
        "Anyone can find the group and read its discussions and documents, even without an account."
    ),
    Visibility.PRIVATE: _(
        "Anyone can find the group and read its description. "
        "Discussions and documents are for members."
    ),
    Visibility.SECRET: _(
        "Only members know that the group exists. People join by invitation only."
    ),
}


class RadioSelectWidget(forms.RadioSelect):
    """Radio buttons with a short explanation under each option, tied to its button by
    aria-describedby so that screen readers read it too. (The class name keeps
    BoundField.widget_type == "radioselect", which core/_form.html uses to draw the
    fieldset and legend.)"""

    option_template_name = "groups/widgets/explained_radio_option.html"

    def __init__(self, explanations: Mapping[str, Promise], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.explanations = explanations

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        explanation = self.explanations.get(option["value"])
        option_id = option["attrs"].get("id")
        if explanation and option_id:
            option["explanation"] = explanation
            option["explanation_id"] = f"{option_id}_explanation"
            option["attrs"]["aria-describedby"] = option["explanation_id"]
        return option


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the group is for, who it is for. Visible to everyone who sees the group."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see the group"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=RadioSelectWidget(VISIBILITY_EXPLANATIONS),
    )
    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=500,
        help_text=_(
            "Topics of the group, separated by spaces or commas. Example: #paix désarmement"
        ),
    )


class EditGroupForm(GroupForm):
    """The group's settings. Only owners change the visibility (the field is left out
    for moderators), and revealing a secret group asks them to confirm."""

    def __init__(self, data: Any = None, *, group: Group, may_change_visibility: bool) -> None:
        initial = {
            "name": group.name,
            "description": group.description,
            "visibility": group.visibility,
            "hashtags": " ".join(f"#{tag.name}" for tag in group.hashtags.all()),
        }
        super().__init__(data, initial=initial)
        if not may_change_visibility:
            del self.fields["visibility"]
        elif group.visibility == Visibility.SECRET:
            self.fields["confirm_reveal"] = forms.BooleanField(
                label=_("I understand that people outside the group will learn it exists"),
                required=False,
                help_text=_("Needed only to make this secret group public or private."),
            )
            self.order_fields(["name", "description", "visibility", "confirm_reveal"])


def visibility_summary(group: Group) -> dict[str, Any]:
    """The group's visibility, for people who see it but may not change it."""
    return {
        "label": group.get_visibility_display(),
        "explanation": VISIBILITY_EXPLANATIONS[group.visibility],
    }


class CreateGroupForm(GroupForm):
    owner = forms.ModelChoiceField(
        label=_("Owned by"),
        queryset=Structure.objects.none(),
        help_text=_("The committee, working group or collective the group belongs to."),
    )
    field_order = ["owner", "name", "description", "visibility", "hashtags"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = structures_for_new_groups(user).order_by("name")


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        required=False,
        choices=[("", _("All groups")), *Visibility.choices],
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The person receives a link valid for 14 days, usable once."),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the moderators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Say who you are and why you want to join."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GroupMembership.Role.choices)


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=20000, widget=forms.Textarea, help_text=MARKDOWN_HELP
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=20000, widget=forms.Textarea, help_text=MARKDOWN_HELP
    )


class UploadField(forms.FileField):
    """A file checked for size, type and content; cleans to a CheckedUpload."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        uploaded = super().clean(data, initial)
        if not isinstance(uploaded, UploadedFile):
            return uploaded
        return check_upload(uploaded)


def upload_help() -> str:
    return str(_("Maximum size: %(limit)s. Accepted types: %(types)s.")) % {
        "limit": filesizeformat(settings.COLOMBE_MAX_UPLOAD_BYTES),
        "types": allowed_extensions_text(),
    }


class VersionForm(forms.Form):
    file = UploadField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()

    @property
    def checked_upload(self) -> CheckedUpload:
        return self.cleaned_data["file"]


class DocumentForm(VersionForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    field_order = ["title", "file"]
