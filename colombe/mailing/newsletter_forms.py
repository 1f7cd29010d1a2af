"""Forms of the newsletters: the public subscription form, a list, an issue, sending it,
and the preference page."""

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.core.validators import single_line
from colombe.mailing.models import MailingList, Newsletter, Subscription
from colombe.movement.models import Structure, Territory
from colombe.petitions.models import Petition

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm. Nothing is sent before you confirm."),
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        max_length=12,
        required=False,
        help_text=_("To receive the news of your area."),
        widget=forms.TextInput({"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    consent = forms.BooleanField(required=True)
    # Robots fill every field; people never see this one (see the .honeypot class).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput({"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, mailing_list: MailingList, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The list's own wording, never ticked in advance (GDPR: consent is an act).
        self.fields["consent"].label = mailing_list.consent_text
        self.fields["consent"].error_messages["required"] = _(
            "Tick the box to agree to receive this newsletter."
        )

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class MailingListForm(forms.ModelForm):
    class Meta:
        model = MailingList
        fields = ["owner", "name", "description", "is_public", "consent_text"]
        widgets = {
            "description": forms.Textarea({"rows": 3}),
            "consent_text": forms.Textarea({"rows": 3}),
        }
        help_texts = {
            "is_public": _("Otherwise only members of the movement may subscribe."),
            "consent_text": _(
                "Shown next to the box people tick to subscribe, e.g. “I agree to receive "
                "the newsletter of the Lyon committee, about once a month.”"
            ),
        }

    def __init__(self, *args: Any, owners: QuerySet[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        owner_field.label = _("Sent in the name of")


class TerritoryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        prefix = "— " if obj.level == Territory.Level.DEPARTMENT else ""
        return f"{prefix}{obj.name}"


class PetitionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class NewsletterForm(forms.ModelForm):
    territories = TerritoryMultipleChoiceField(
        label=_("Only these regions or departments"),
        queryset=Territory.objects.filter(
            level__in=[Territory.Level.REGION, Territory.Level.DEPARTMENT]
        ).order_by("name"),
        required=False,
        widget=forms.SelectMultiple({"size": 6}),
        help_text=_("Leave empty to write to everyone. A region includes its departments."),
    )
    petition = PetitionChoiceField(
        label=_("Also to the signers of this petition who asked to be kept informed"),
        queryset=Petition.objects.none(),
        required=False,
    )

    class Meta:
        model = Newsletter
        fields = ["subject", "body", "territories", "hashtag", "petition"]
        widgets = {"body": forms.Textarea({"rows": 14})}
        help_texts = {
            "body": _("You can format with Markdown: **bold**, *italics*, lists with “- ”, links."),
            "hashtag": _(
                "Only members who list this hashtag in their interests, e.g. #désarmement."
            ),
        }

    def __init__(self, *args: Any, petitions: QuerySet[Petition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].validators.append(single_line)
        petition_field = self.fields["petition"]
        assert isinstance(petition_field, forms.ModelChoiceField)
        petition_field.queryset = petitions

    def service_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in ("subject", "body", "hashtag", "petition")
        }


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class SendForm(forms.Form):
    NOW = "now"
    LATER = "later"

    when = forms.ChoiceField(
        label=_("When"),
        choices=[(NOW, _("Send now")), (LATER, _("Send at a chosen time"))],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    scheduled_for = forms.DateTimeField(
        label=_("Send at (Paris time)"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        widget=DateTimeLocalInput(),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("when") == self.LATER:
            when = cleaned.get("scheduled_for")
            if when is None:
                self.add_error("scheduled_for", _("Choose the date and time of sending."))
            elif when <= timezone.now():
                self.add_error("scheduled_for", _("Choose a time in the future."))
        return cleaned

    def scheduled_time(self) -> datetime | None:
        if self.cleaned_data["when"] == self.LATER:
            when: datetime = self.cleaned_data["scheduled_for"]
            return when
        return None


class PreferencesForm(forms.Form):
    lists = forms.TypedMultipleChoiceField(
        label=_("I want to receive"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, subscriptions: QuerySet[Subscription], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lists"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(s.mailing_list_id, s.mailing_list.name) for s in subscriptions]
        if not self.is_bound:
            field.initial = [
                s.mailing_list_id for s in subscriptions if s.status == Subscription.Status.ACTIVE
            ]
