from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import ProfileVisibility, User
from colombe.core.hashtags import parse_hashtags

MAX_INTERESTS = 20


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see. You can use a first name or a nickname."),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice."), required=True
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        from colombe.accounts.services import record_signup

        record_signup(user=user, display_name=self.cleaned_data["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see. Your email address is never shown."),
    )
    languages = forms.CharField(
        label=_("Languages I speak"),
        max_length=120,
        required=False,
        help_text=_("For example: français, English"),
    )
    interests = forms.CharField(
        label=_("My interests"),
        max_length=600,
        required=False,
        help_text=_("Hashtags separated by spaces, for example: #peace #disarmament"),
    )
    profile_visibility = forms.ChoiceField(
        label=_("Who may see my profile"),
        choices=ProfileVisibility.choices,
        widget=forms.RadioSelect,
    )
    show_interests = forms.BooleanField(
        label=_("Show my interests to other members"),
        required=False,
        help_text=_(
            "Members of the movement then see that you follow these hashtags and may write"
            " to you through Colombe (your email address stays hidden). Interests can say"
            " a lot about your opinions: this is off unless you turn it on."
        ),
    )
    weekly_digest = forms.BooleanField(
        label=_("Send me a weekly email about my hashtags"),
        required=False,
        help_text=_("What is new with the hashtags you follow, once a week at most."),
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> "ProfileForm":
        initial = {
            "display_name": user.display_name,
            "languages": user.languages,
            "interests": " ".join(f"#{tag.name}" for tag in user.interests.order_by("name")),
            "profile_visibility": user.profile_visibility,
            "show_interests": user.show_interests,
            "weekly_digest": user.weekly_digest,
        }
        return cls(data=data, initial=initial)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter a name."))
        return name

    def clean_interests(self) -> list[str]:
        names = parse_hashtags(self.cleaned_data["interests"])
        if len(names) > MAX_INTERESTS:
            raise forms.ValidationError(
                _("Please choose at most %(max)d interests.") % {"max": MAX_INTERESTS}
            )
        return names


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the current password: holding a session (a phone
    left unlocked, a stolen cookie) must not be enough to erase someone."""

    password = forms.CharField(
        label=_("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        typed: str = self.cleaned_data["password"]
        if not self.user.check_password(typed):
            raise forms.ValidationError(_("This is not your password."))
        return typed
