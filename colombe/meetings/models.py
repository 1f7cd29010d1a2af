"""Meetings and videoconferences.

A meeting belongs to a structure (committee, working group, collective, national office)
and optionally to one of its groups, from which it inherits its secrecy. The video itself
runs on an engine (Janus by default, see ``engines/``); Colombe keeps who may join, who
joined, the chat, the recordings and the minutes."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.groups.models import Group
from colombe.movement.models import PartnerOrganisation, Structure

# The largest "réunion" where everyone may publish video; beyond it, use a webinar.
MEETING_PUBLISHERS_MAX = 50
WEBINAR_STAGE_MAX = 12
WEBINAR_AUDIENCE_MAX = 1000


class MeetingSeries(models.Model):
    """A recurrence (the weekly working-group visio): its occurrences are ordinary
    meetings created up front, each of which can then be moved or cancelled alone."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month (same weekday)")

    frequency = models.CharField(_("repeats"), max_length=12, choices=Frequency.choices)
    occurrences = models.PositiveSmallIntegerField(_("number of meetings"), default=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} × {self.occurrences}"


class Meeting(models.Model):
    class Format(models.TextChoices):
        MEETING = "meeting", _("Meeting (everyone may speak, up to about 50)")
        WEBINAR = "webinar", _("Large meeting / webinar (a stage and an audience)")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Anyone (public meeting)")
        MOVEMENT = "movement", _("Members of the movement")
        OWNER = "owner", _("Members of the organising committee or group")

    class Access(models.TextChoices):
        OPEN = "open", _("Those who may join enter directly")
        RESTRICTED = "restricted", _("A moderator admits each person from the lobby")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("In progress")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    owner = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organised by")
    )
    # When set, the meeting is the group's and is exactly as secret as the group.
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("group"),
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown: lists, links."))
    agenda_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.MEETING
    )
    audience = models.CharField(
        _("who may see and join"), max_length=10, choices=Audience.choices, default=Audience.OWNER
    )
    access = models.CharField(
        _("entry"), max_length=10, choices=Access.choices, default=Access.OPEN
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_required = models.BooleanField(
        _("registration required"),
        default=False,
        help_text=_("People register first; beyond the capacity they join a waiting list."),
    )
    dial_in = models.TextField(
        _("dial-in details"),
        blank=True,
        help_text=_("A phone number and code, shown when the video engine is unreachable."),
    )
    engine = models.CharField(_("video engine"), max_length=20, default="janus")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    locked = models.BooleanField(default=False)
    # Where the engine placed the room: which server (an index into the engine's list of
    # servers) and the room's identifier there. The room secret stays in the engine state.
    engine_server = models.CharField(max_length=200, blank=True)
    engine_room = models.CharField(max_length=200, blank=True)
    engine_state = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.slug])

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.group or self.owner

    @property
    def is_webinar(self) -> bool:
        return self.format == self.Format.WEBINAR

    @property
    def is_over(self) -> bool:
        return self.status in {self.Status.ENDED, self.Status.CANCELLED}

    def opens_at(self) -> datetime:
        """People may enter the lobby a little before the start."""
        return self.starts_at - timedelta(minutes=settings.MEETING_LOBBY_OPENS_MINUTES)


class MeetingInvitation(models.Model):
    """A personal, expiring, revocable join link, for a member, a partner organisation's
    representative or an outside guest (who needs no account)."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        PARTNER = "partner", _("Partner organisation")
        GUEST = "guest", _("Guest")

    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUEST)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ATTENDEE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True)
    # The link's token is derived from this nonce and SECRET_KEY (services.personal_token),
    # so that reminders can repeat the same personal link; the database alone holds
    # neither the token nor enough to rebuild it.
    token_nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="one_invitation_per_email")
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.meeting.audit_scope

    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.meeting}"


class Participant(models.Model):
    """One person's seat in a meeting, from the lobby to leaving: it is also the
    attendance record (who joined, when, for how long)."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        SPEAKER = "speaker", _("Speaker")
        ATTENDEE = "attendee", _("Participant")
        AUDIENCE = "audience", _("Audience")

    class State(models.TextChoices):
        LOBBY = "lobby", _("Waiting in the lobby")
        ADMITTED = "admitted", _("Admitted")
        IN_ROOM = "in_room", _("In the meeting")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed by a moderator")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_seats",
    )
    invitation = models.ForeignKey(
        MeetingInvitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participants",
    )
    display_name = models.CharField(_("name shown to others"), max_length=80)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ATTENDEE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LOBBY)
    audio_only = models.BooleanField(default=False)
    # The personal credential the engine knows this seat by (Janus ``allowed`` token,
    # LiveKit identity…). Not the room secret: it opens this seat only.
    engine_token = models.CharField(max_length=64, unique=True)
    engine_feed = models.CharField(max_length=64, blank=True)
    # The engine server that holds this seat's token (Janus: a webinar audience seat is
    # placed on one of several edge instances; everyone else is on the room's server).
    engine_server = models.CharField(max_length=200, blank=True)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    muted_by_moderator = models.BooleanField(default=False)
    entered_lobby_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_lobby_at"]
        indexes = [models.Index(fields=["meeting", "state"], name="participant_meeting_state")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.meeting.audit_scope

    @property
    def may_publish(self) -> bool:
        """Whether this seat sends video: everyone in a réunion, the stage in a webinar."""
        return self.role != self.Role.AUDIENCE

    def duration(self) -> timedelta | None:
        if self.joined_at is None:
            return None
        return (self.left_at or timezone.now()) - self.joined_at


class ChatMessage(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="chat_messages")
    author = models.ForeignKey(
        Participant, null=True, on_delete=models.SET_NULL, related_name="chat_messages"
    )
    author_name = models.CharField(max_length=80)
    body = models.TextField(max_length=2000)
    is_question = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class Recording(models.Model):
    class Status(models.TextChoices):
        RECORDING = "recording", _("Recording")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recordings")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECORDING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Where the engine writes raw files (Janus .mjr) for this recording.
    raw_directory = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="meetings/recordings/%Y/%m/", blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.meeting.audit_scope


class Minutes(models.Model):
    """What was said and decided; published as a post in the owning group's space."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    keep_chat = models.BooleanField(_("keep the chat with the minutes"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting}"

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.meeting.audit_scope


class Decision(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ActionItem(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=500)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_action_items",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # When the assignee was emailed this action (once the minutes are published): each
    # assignee is told once, also about actions added or reassigned after publication.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A person's private iCal feed of "my meetings". Calendar clients send no cookies:
    the secret in the feed's URL is the only credential, so only its SHA-256 is kept and
    the URL is shown once, when it is (re)generated."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user}"
