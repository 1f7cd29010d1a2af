"""Forms of the post workflow: the composer, the review, comments, recording a post
published by hand. The checks themselves live in colombe.outreach.services."""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.movement.models import Structure
from colombe.outreach import services
from colombe.outreach.models import Campaign, ChecklistItem, Post, PostReview, SocialAccount
from colombe.outreach.policy import in_communication_group, structures_user_speaks_for
from colombe.reports import photos


def composer_accounts(user: Any) -> QuerySet[SocialAccount]:
    """Accounts offered in the composer: the active accounts of the structures the user
    speaks for (any active account for the communication group). Which of them fit the
    chosen structure is checked on saving."""
    active = SocialAccount.objects.filter(status=SocialAccount.Status.ACTIVE)
    if not in_communication_group(user):
        active = active.filter(owner__in=structures_user_speaks_for(user))
    return active.select_related("owner").order_by("network", "label")


class PostForm(forms.Form):
    structure = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Structure.objects.none(), empty_label=None
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("No campaign"),
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Hashtags (#peace) are taken from the text. A web address counts 23 characters, "
            "as on Mastodon."
        ),
    )
    link_url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("Added after the text unless the text has it. A preview is fetched."),
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Publish on"),
        queryset=SocialAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, post: Post | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.post = post
        structures = structures_user_speaks_for(user).order_by("name")
        cast(forms.ModelChoiceField, self.fields["structure"]).queryset = structures
        campaigns = Campaign.objects.order_by("-starts_on", "title")
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        accounts = composer_accounts(user)
        if post is not None:
            # Accounts already chosen stay shown (and refused if they went dormant).
            accounts = accounts | SocialAccount.objects.filter(targets__post=post)
        self.account_choices = accounts.distinct()
        self.accounts_field.queryset = self.account_choices
        free_slots = services.MAX_IMAGES - (post.images.count() if post else 0)
        self.image_slots = []
        for number in range(1, free_slots + 1):
            self.fields[f"image_{number}"] = forms.FileField(
                label=_("Image %(number)s") % {"number": number},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp"}
                ),
            )
            self.fields[f"alt_{number}"] = forms.CharField(
                label=_("Description of image %(number)s") % {"number": number},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required with an image: what it shows, for people who cannot see it."),
            )
            self.image_slots.append((self[f"image_{number}"], self[f"alt_{number}"]))

    @property
    def accounts_field(self) -> forms.ModelMultipleChoiceField:
        return cast(forms.ModelMultipleChoiceField, self.fields["accounts"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.processed_images: list[tuple[photos.ProcessedPhoto, str]] = []
        for number in range(1, len(self.image_slots) + 1):
            self.clean_image_slot(number)
        if "structure" in data and "text" in data and not self.has_error("link_url"):
            try:
                services.check_content(
                    self.user,
                    structure=data["structure"],
                    text=data["text"],
                    link_url=data.get("link_url", ""),
                    accounts=list(data.get("accounts", [])),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def clean_image_slot(self, number: int) -> None:
        upload = self.cleaned_data.get(f"image_{number}")
        alt_text = self.cleaned_data.get(f"alt_{number}", "").strip()
        if not upload:
            return
        if not alt_text:
            self.add_error(
                f"alt_{number}", _("Please describe the image for people who cannot see it.")
            )
            return
        try:
            self.processed_images.append((photos.process_photo(upload), alt_text))
        except ValidationError as error:
            self.add_error(f"image_{number}", error)

    def post_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "structure": data["structure"],
            "campaign": data["campaign"],
            "text": data["text"],
            "link_url": data["link_url"],
            "accounts": list(data["accounts"]),
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (PostReview.Decision.APPROVED, _("Approve and schedule")),
            (PostReview.Decision.CHANGES_REQUESTED, _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
    )
    checked_items = forms.ModelMultipleChoiceField(
        label=_("Editorial charter: what you checked"),
        queryset=ChecklistItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scheduled_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Paris time. Empty, or a time already past: published at once."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you ask for changes: say what should change."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = ChecklistItem.objects.filter(is_active=True)
        cast(forms.ModelMultipleChoiceField, self.fields["checked_items"]).queryset = items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        asks_changes = data.get("decision") == PostReview.Decision.CHANGES_REQUESTED
        if asks_changes and not data.get("comment", "").strip():
            self.add_error("comment", _("Please say what should change."))
        return data

    def publication_time(self) -> datetime:
        return self.cleaned_data.get("scheduled_at") or timezone.now()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class RecordPublicationForm(forms.Form):
    remote_url = forms.URLField(
        label=_("Address of the post on the network"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_("Optional: copy it from the network once published, to find it again."),
    )


class PostSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the posts"), required=False, max_length=200)
