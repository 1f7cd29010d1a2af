"""Radio Colombe: shows, their weekly schedule and episodes, the playlist played when no
show is on, and the presenters' personal credentials to go live.

The stream itself runs outside Django (Icecast for listeners, Liquidsoap for the
programme, see ``colombe.radio.streaming``); this app says what to play and who may go
live, and reads back what Icecast reports."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from colombe.mediatheque.models import MediaItem

if TYPE_CHECKING:
    from colombe.groups.models import Group
    from colombe.movement.models import Structure


class Show(models.Model):
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    # Podcast apps want a square image of 1400 to 3000 pixels (validated on upload).
    artwork = models.ImageField(_("artwork"), upload_to="radio/artwork/", blank=True)
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="radio_shows",
        verbose_name=_("presenters"),
    )
    author = models.CharField(
        _("author shown in podcast apps"), max_length=160, default="Radio Colombe"
    )
    language = models.CharField(_("language"), max_length=12, default="fr")
    explicit = models.BooleanField(_("explicit content"), default=False)
    is_active = models.BooleanField(_("on the programme"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("show")
        verbose_name_plural = _("shows")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("radio:show", args=[self.slug])


class ScheduleSlot(models.Model):
    """A weekly slot of the programme: every Tuesday at 18:00 for 60 minutes."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="slot_duration_within_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.show} — {self.get_weekday_display()} {self.starts_at:%H:%M}"


class Episode(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("episode", "Published")

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    # Podcast apps recognise an episode by its GUID for ever: never derived from a title.
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    audio = models.FileField(upload_to="radio/episodes/%Y/%m/", blank=True)
    audio_content_type = models.CharField(max_length=100, blank=True)
    audio_size = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    processing = models.CharField(
        max_length=10,
        choices=MediaItem.Processing.choices,
        default=MediaItem.Processing.NONE,
    )
    processing_error = models.TextField(blank=True)
    # When the conversion was queued, then when a worker took it: the sweep re-queues a
    # conversion whose task was lost and fails one whose worker died.
    processing_started_at = models.DateTimeField(null=True, blank=True)
    # An episode made of audio already in the archive (an interview, a reportage).
    source_item = models.ForeignKey(
        MediaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episodes",
        verbose_name=_("audio from the archive"),
    )
    # The replay kept in the archive, once archived.
    archived_as = models.OneToOneField(
        MediaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="archived_episode"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    airs_at = models.DateTimeField(_("on air at"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["show", "number"], name="one_episode_number_per_show")
        ]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")

    def __str__(self) -> str:
        return f"{self.show} #{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("radio:episode", args=[self.show.slug, self.number])


class PlaylistEntry(models.Model):
    """What plays when no one is live and no show is scheduled: archive audio or past
    episodes, in order, round and round."""

    position = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(
        MediaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(item__isnull=False) & models.Q(episode__isnull=True))
                | (models.Q(item__isnull=True) & models.Q(episode__isnull=False)),
                name="playlist_entry_is_one_thing",
            )
        ]

    def __str__(self) -> str:
        return str(self.item or self.episode)


class HarborCredential(models.Model):
    """A presenter's personal login to the live input (Liquidsoap's harbor). Only a hash
    of the password is stored; revoking it ends the next connection attempt."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="harbor_credentials"
    )
    username = models.CharField(max_length=60, unique=True)
    password_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.username


class LiveSession(models.Model):
    """A presenter connected to the live input, as reported by Liquidsoap."""

    credential = models.ForeignKey(
        HarborCredential, null=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.credential} {self.started_at:%Y-%m-%d %H:%M}"


class MeetingRelay(models.Model):
    """A public webinar relayed live on the radio: its stage's sound goes out on the
    antenna. The relay process (``manage.py run_radio_relay``) does the work; this row
    says what to relay, who decided it, and which Janus forwards it holds."""

    class StopReason(models.TextChoices):
        STOPPED = "stopped", _("Stopped by a person")
        MEETING_ENDED = "meeting_ended", _("The meeting ended")
        # Made members-only (or no longer a webinar) while on air: it may not stay public.
        NOT_PUBLIC = "not_public", _("The meeting is no longer a public webinar")

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="radio_relays"
    )
    # The title as announced on air: a later edit of the meeting does not change it.
    title = models.CharField(_("title"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    # {stage feed id: {"slot": slot index, "stream_id": Janus forward id}}, written by the
    # relay process only; forwards left here by a stopped relay are stopped by it.
    state = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("meeting relay")
        verbose_name_plural = _("meeting relays")
        constraints = [
            # The radio has one antenna: one meeting relayed at a time.
            models.UniqueConstraint(
                models.Value(True),
                condition=models.Q(stopped_at__isnull=True),
                name="one_active_meeting_relay",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.meeting.audit_scope

    @property
    def is_active(self) -> bool:
        return self.stopped_at is None
