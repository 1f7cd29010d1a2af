from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(label=_("Display name"), max_length=80)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice."), required=True
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        from colombe.accounts.services import record_signup

        record_signup(user=user, display_name=self.cleaned_data["display_name"])
