"""The contact form of a committee's mini-site: the movement's contact form (a honeypot
against naive robots) with the anti-robot proof of the petitions, since anyone can post it
and each message reaches the leaders' inboxes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from colombe.movement.forms import ContactForm
from colombe.petitions.forms import ANTI_BOT_FIELDS, AntiRobotForm


class MinisiteContactForm(ContactForm, AntiRobotForm):
    missing_proof_message = _("Please complete the anti-robot check before sending.")

    def message_form_fields(self) -> list[forms.BoundField]:
        """What a person fills in (the template draws the anti-robot fields itself)."""
        return [field for field in self.visible_fields() if field.name not in ANTI_BOT_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The proof is spent only once everything else is right: a typo does not cost the
        # visitor a new proof-of-work.
        if not self.errors and not self.is_spam():
            self.check_not_a_robot(cleaned)
        return cleaned
