"""The one short signing form of a petition page."""

import re
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from colombe.core import ratelimit
from colombe.core.cache import Guard, Hit
from colombe.petitions import altcha
from colombe.petitions.models import Petition

SOURCE_MAX_LENGTH = 40
# The window of the rate limit per email domain (PETITION_SIGNS_PER_DOMAIN_PER_MINUTE).
DOMAIN_PERIOD_SECONDS = 60
# Countries most signers come from; "other" keeps the form short for everyone else.
COUNTRY_CHOICES = [
    ("", _("Choose a country")),
    ("FR", _("France")),
    ("BE", _("Belgium")),
    ("CH", _("Switzerland")),
    ("LU", _("Luxembourg")),
    ("CA", _("Canada")),
    ("DE", _("Germany")),
    ("IT", _("Italy")),
    ("ES", _("Spain")),
    ("PT", _("Portugal")),
    ("GB", _("United Kingdom")),
    ("MA", _("Morocco")),
    ("DZ", _("Algeria")),
    ("TN", _("Tunisia")),
    ("SN", _("Senegal")),
    ("CI", _("Côte d'Ivoire")),
    ("ZZ", _("Another country")),
]
# Only the fields the petition asks for are kept.
OPTIONAL_FIELDS = {
    "collect_postcode": ("postcode", "town"),
    "collect_country": ("country",),
    "collect_comment": ("comment",),
}
ANTI_BOT_FIELDS = ("altcha", "fallback_token", "fallback_answer")


def clean_source(value: str) -> str:
    """The share source from a link's ``?source=``: a short word, nothing else."""
    return re.sub(r"[^a-z0-9_-]", "", value.lower())[:SOURCE_MAX_LENGTH]


class AntiRobotForm(forms.Form):
    """The anti-robot proof of forms anyone can post: an ALTCHA proof-of-work, or a signed
    question for visitors without JavaScript (see ``colombe.petitions.altcha``)."""

    # Filled by the ALTCHA widget, or by the question shown to visitors without JavaScript.
    altcha = forms.CharField(
        required=False, max_length=altcha.PAYLOAD_MAX_LENGTH, widget=forms.HiddenInput
    )
    fallback_token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    fallback_answer = forms.CharField(label=_("Anti-robot question"), required=False, max_length=10)

    # What the error says when no proof came at all ("…before signing", "…before sending").
    missing_proof_message = _("Please complete the anti-robot check.")
    # Spend the proof only while this holds (else altcha's GuardChanged, nothing spent).
    spend_while: Guard | None = None

    def hits_with_proof(self, cleaned: dict[str, Any]) -> list[Hit]:
        """Rate-limit hits to count when the proof is spent, in the same round trip."""
        return []

    def check_not_a_robot(self, cleaned: dict[str, Any]) -> None:
        payload = cleaned.get("altcha", "")
        answer = cleaned.get("fallback_answer", "")
        hits = self.hits_with_proof(cleaned)
        if payload:
            if not altcha.verify_payload(payload, self.spend_while, hits):
                self.add_error(
                    None, _("The anti-robot check failed or has expired. Please try again.")
                )
        elif answer:
            token = cleaned.get("fallback_token", "")
            if not altcha.verify_fallback(token, answer, self.spend_while, hits):
                self.add_error(
                    "fallback_answer", _("Wrong or expired answer. Please answer the new question.")
                )
        else:
            self.add_error(None, self.missing_proof_message)


class SignatureForm(AntiRobotForm):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature. It is never shown."),
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=12, widget=forms.TextInput({"autocomplete": "postal-code"})
    )
    town = forms.CharField(
        label=_("Town"), max_length=100, widget=forms.TextInput({"autocomplete": "address-level2"})
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
    show_publicly = forms.BooleanField(
        label=_("Show my first name and town in the list of signers"), required=False
    )
    keep_informed = forms.BooleanField(required=False)
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # Robots fill every field; people never see this one (see the .honeypot class).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput({"autocomplete": "off", "tabindex": "-1"}),
    )
    missing_proof_message = _("Please complete the anti-robot check before signing.")

    def __init__(
        self,
        *args: Any,
        petition: Petition,
        spend_while: Guard | None = None,
        count_domain: bool = False,
        **kwargs: Any,
    ) -> None:
        """``count_domain``: count the signature against its email domain's rate limit
        when its proof is spent (``domain_hit`` then tells the count)."""
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.spend_while = spend_while
        self.count_domain = count_domain
        self.domain_hit: Hit | None = None
        for setting, names in OPTIONAL_FIELDS.items():
            if not getattr(petition, setting):
                for name in names:
                    del self.fields[name]
        self.fields["keep_informed"] = consent_field(petition.consent_text)

    def form_fields(self) -> list[forms.BoundField]:
        """What a person fills in: everything but the hidden, honeypot and anti-bot fields."""
        hidden = {"website", *ANTI_BOT_FIELDS}
        return [field for field in self.visible_fields() if field.name not in hidden]

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def hits_with_proof(self, cleaned: dict[str, Any]) -> list[Hit]:
        """The email domain's hit, kept as ``domain_hit``: spending the proof counts it."""
        if not self.count_domain:
            return []
        domain = cleaned["email"].rpartition("@")[2].strip().lower()
        key = f"petition-sign-domain:{domain}"
        self.domain_hit = ratelimit.pending_hit(key, period_seconds=DOMAIN_PERIOD_SECONDS)
        return [self.domain_hit]

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The proof is spent only once everything else is right, so a typo does not cost
        # the visitor a new proof-of-work... and a robot learns nothing cheaper.
        if not self.errors and not self.is_spam():
            self.check_not_a_robot(cleaned)
        return cleaned

    def signer_fields(self) -> dict[str, Any]:
        """The cleaned values, named as services.sign() takes them."""
        names = [
            "first_name",
            "last_name",
            "email",
            "postcode",
            "town",
            "country",
            "comment",
            "show_publicly",
            "keep_informed",
            "source",
        ]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class SharedFields(dict[str, forms.Field]):
    """The signing form's fields, shared by every form: Django deep-copies a form's
    fields for each form, which was a tenth of a signature's cost. Nothing changes a field
    once built (the one that differs between petitions, the consent box, is replaced
    whole, see consent_field()), so the forms may share them; each form still gets its
    own dictionary of them, from which it removes the fields its petition does not ask."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


SignatureForm.base_fields = SharedFields(SignatureForm.base_fields)


@lru_cache(maxsize=256)
def consent_field(consent_text: str) -> forms.BooleanField:
    """The "keep me informed" box with a petition's wording, built once per wording."""
    return forms.BooleanField(label=consent_text, required=False)
