"""Forms of the radio: a show, a schedule slot, the playlist, an episode."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.validators import single_line
from colombe.mediatheque.media_files import check_audio_upload
from colombe.mediatheque.models import MediaItem
from colombe.movement.models import Membership
from colombe.radio import artwork, programme, services
from colombe.radio.models import Episode, ScheduleSlot, Show
from colombe.radio.xml_text import fits_in_xml

# How many members a presenter search offers at once.
PRESENTER_MATCHES = 30
MIN_SEARCH_LENGTH = 3
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# In place of the title of an archive item the reader may not see.
UNSEEN_ITEM = _("An item you cannot see")


def refuse_control_characters(
    form: forms.BaseForm, *, one_line: tuple[str, ...], several_lines: tuple[str, ...]
) -> None:
    """Titles and descriptions go into the podcast feed (and titles into the stream's
    "now playing"): XML cannot carry control characters, so none is accepted."""
    for name in one_line:
        form.fields[name].validators.append(single_line)
    for name in several_lines:
        form.fields[name].validators.append(fits_in_xml)


def eligible_presenters() -> QuerySet[User]:
    """Members of the movement (an active membership) and national administrators."""
    members = Q(memberships__status=Membership.Status.ACTIVE) | Q(is_national_admin=True)
    return User.objects.filter(members, is_active=True).distinct().order_by("display_name", "pk")


def presenter_choices(search: str, current: list[int]) -> QuerySet[User]:
    """The current presenters and the members whose email or name contains ``search``."""
    wanted = set(current)
    if len(search) >= MIN_SEARCH_LENGTH:
        matches = eligible_presenters().filter(
            Q(email__icontains=search) | Q(display_name__icontains=search)
        )
        wanted |= set(matches.values_list("pk", flat=True)[:PRESENTER_MATCHES])
    return User.objects.filter(pk__in=wanted).order_by("display_name", "pk")


class PresenterField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Only radio managers see this form: the email tells two namesakes apart.
        return f"{obj.public_name} ({obj.email})"


class ShowForm(forms.ModelForm):
    # A plain file field: the artwork checks (format, square, size) are ours.
    artwork_upload = forms.FileField(
        label=_("Artwork"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("A square JPEG or PNG image, from 1400 to 3000 pixels wide."),
    )
    presenters = PresenterField(
        label=_("Presenters"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Search members by email or name above to add them here."),
    )

    class Meta:
        model = Show
        fields = ["title", "description", "author", "language", "explicit", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "language": forms.Select(choices=settings.LANGUAGES),
        }

    def __init__(self, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_control_characters(
            self, one_line=("title", "author"), several_lines=("description",)
        )
        field = cast(forms.ModelMultipleChoiceField, self.fields["presenters"])
        if self.is_bound:
            # Any member may be chosen: the search only narrows what the page shows.
            field.queryset = eligible_presenters()
        else:
            current = []
            if self.instance.pk:
                current = list(self.instance.presenters.values_list("pk", flat=True))
            field.queryset = presenter_choices(search, current)
            self.initial.setdefault("presenters", current)

    def clean_artwork_upload(self) -> Any:
        upload = self.cleaned_data.get("artwork_upload")
        return artwork.check_artwork(upload) if upload else None

    def show_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.SHOW_FIELDS}


class SlotForm(forms.ModelForm):
    class Meta:
        model = ScheduleSlot
        fields = ["show", "weekday", "starts_at", "duration_minutes"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 1, "max": 24 * 60}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_field = cast(forms.ModelChoiceField, self.fields["show"])
        show_field.label = _("Radio show")
        show_field.empty_label = None

    def clean_duration_minutes(self) -> int:
        minutes = cast(int, self.cleaned_data["duration_minutes"])
        if not 1 <= minutes <= 24 * 60:
            raise forms.ValidationError(_("A slot lasts from 1 minute to 24 hours."))
        return minutes


class PlaylistAddForm(forms.Form):
    """One of: an audio item of the archive, or a published episode."""

    item = forms.ModelChoiceField(
        label=_("Audio from the archive"),
        queryset=MediaItem.objects.none(),
        required=False,
        empty_label=_("Choose…"),
    )
    episode = forms.ModelChoiceField(
        label=_("Published episode"),
        queryset=Episode.objects.none(),
        required=False,
        empty_label=_("Choose…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = services.playlist_items().order_by("-published_on", "title")
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = items
        episodes = programme.playable_episodes().order_by("show__title", "-number")
        cast(forms.ModelChoiceField, self.fields["episode"]).queryset = episodes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("item")) == bool(cleaned.get("episode")):
            raise forms.ValidationError(_("Choose either an archive item or an episode."))
        return cleaned


class ArchiveAudioField(forms.ModelChoiceField):
    """Archive audio, by title. An item the reader may not see (the episode's source,
    moved since into a group they are not in) keeps its place under a neutral label."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unseen: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk in self.unseen:
            return str(UNSEEN_ITEM)
        return str(super().label_from_instance(obj))


class EpisodeForm(forms.ModelForm):
    audio_upload = forms.FileField(
        label=_("Audio file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "audio/*"}),
        help_text=_("MP3, M4A, Ogg, Opus, WAV or FLAC. It is converted to MP3 for podcast apps."),
    )
    source_item = ArchiveAudioField(
        label=_("Or audio from the archive"),
        queryset=MediaItem.objects.none(),
        required=False,
        empty_label=pgettext_lazy("audio", "None"),
        help_text=_("Public audio items of La mémoire, ready to play."),
    )

    class Meta:
        model = Episode
        fields = ["title", "description", "airs_at"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "airs_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        }
        help_texts = {
            "airs_at": _(
                "Within one of the show's slots, so that it plays on air. Leave empty for an "
                "episode only offered as a podcast."
            ),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_control_characters(self, one_line=("title",), several_lines=("description",))
        source = cast(ArchiveAudioField, self.fields["source_item"])
        # The item the episode was made from stays a valid choice even if it changed since.
        current = MediaItem.objects.filter(pk=self.instance.source_item_id)
        offered = services.playlist_items() | current
        source.queryset = offered.order_by("-published_on", "title")
        source.unseen = frozenset(
            current.exclude(pk__in=policy.visible(MediaItem, user).values("pk")).values_list(
                "pk", flat=True
            )
        )
        self.initial.setdefault("source_item", self.instance.source_item_id)

    def clean_audio_upload(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("audio_upload")
        if not upload:
            return None
        check_audio_upload(upload)  # raises ValidationError with the reason
        upload.seek(0)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("audio_upload") and cleaned.get("source_item"):
            raise forms.ValidationError(
                _("Upload a file or choose audio from the archive, not both.")
            )
        return cleaned

    def episode_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.EPISODE_FIELDS}
