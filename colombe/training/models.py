"""Training across the digital divide: sessions (in person or online), a library of plain
guides, one-to-one mentoring for a digital task, and the skills members declare."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure, Territory


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Topic(models.Model):
    """A digital task people learn or teach ("Join a video meeting", "Share a petition")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    class TrainerKind(models.TextChoices):
        MEMBER = "member", _("A member")
        YOUNG_VOLUNTEER = "young_volunteer", _("A young volunteer")
        GUEST = "guest", _("An outside expert")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online (a Colombe meeting)")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("topic")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("organised by"),
    )
    trainer_kind = models.CharField(
        _("trainer"), max_length=16, choices=TrainerKind.choices, default=TrainerKind.MEMBER
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_trained",
        verbose_name=_("trainer (member)"),
    )
    guest_trainer = models.CharField(
        _("outside expert"), max_length=200, blank=True, help_text=_("Name and organisation.")
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
        verbose_name=_("online meeting"),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("start"), db_index=True)
    ends_at = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    materials = models.TextField(
        _("materials"), blank=True, help_text=_("Markdown: links, what to bring.")
    )
    materials_html = models.TextField(editable=False, blank=True)
    is_cancelled = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:session", args=[self.slug])


class Registration(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    needs = models.CharField(_("anything the trainer should know"), max_length=300, blank=True)
    # None until the trainer takes attendance.
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_registration_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


class Feedback(models.Model):
    """What a participant thought of a session (only after attending)."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    usefulness = models.PositiveSmallIntegerField(_("how useful was it? (1–5)"))
    clarity = models.PositiveSmallIntegerField(_("how clear was it? (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.registration)


class Resource(models.Model):
    """A short guide in plain French, optionally with a video from the archive; printable."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("in one sentence"), max_length=300)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("topic"),
    )
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="training_resources")
    video = models.ForeignKey(
        MediaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_resources",
        verbose_name=_("video from the archive"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "title"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:resource", args=[self.slug])


class Skill(models.Model):
    """What a member says they can do, or want to learn, on a topic. Self-declared and
    private by default: only the pairing uses it, unless they list themselves as a
    trainer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_skills"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="skills")
    can_teach = models.BooleanField(_("I can help others with it"), default=False)
    wants_to_learn = models.BooleanField(_("I want to learn it"), default=False)
    listed_as_trainer = models.BooleanField(_("show me in the trainers' directory"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_skill_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.topic}"


class MentoringRequest(models.Model):
    """A member asks for help with a digital task; a trainer offers; the member accepts
    the offer (and with it, that both see each other's email); both confirm the session
    happened."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a helper")
        PAIRED = "paired", _("Paired")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_requests"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="mentoring_requests", verbose_name=_("topic")
    )
    details = models.TextField(_("what you need"), blank=True)
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentoring_requests",
        verbose_name=_("where you are"),
    )
    availability = models.CharField(
        _("when you are available"), max_length=300, help_text=_("e.g. weekday afternoons")
    )
    in_person = models.BooleanField(_("I prefer to meet in person"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentoring_given",
    )
    paired_at = models.DateTimeField(null=True, blank=True)
    # Set when the person who asked accepts the helper's offer: only then does each see
    # the other's email address.
    accepted_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_requester_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_mentor_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")

    def __str__(self) -> str:
        return f"{self.requester}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training:mentoring_request", args=[self.pk])
