"""Action reports ("comptes rendus d'action"): what a committee did in the field, told
in under two minutes from a phone, so that other committees can learn from it and reuse
it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure
from colombe.petitions.models import Petition


class ActionReport(models.Model):
    class Kind(models.TextChoices):
        LEAFLETS = "leaflets", _("Leaflet distribution")
        STAND = "stand", _("Stand")
        DEMONSTRATION = "demonstration", _("Demonstration")
        DEBATE = "debate", _("Public debate")
        SCREENING = "screening", _("Film screening")
        SCHOOL = "school", _("School visit")
        OFFICIALS = "officials", _("Meeting with elected officials")
        VIGIL = "vigil", _("Vigil")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MOVEMENT = "movement", _("Members of the movement")
        COMMITTEE = "committee", _("Members of the committee")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="action_reports",
        verbose_name=_("committee"),
    )
    # A report written in a group's space is exactly as secret as the group.
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_reports",
        verbose_name=_("group"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("what was done"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    happened_on = models.DateField(_("date"), db_index=True)
    town = models.CharField(_("town"), max_length=120)
    people_reached = models.PositiveIntegerField(_("people met or present"), null=True, blank=True)
    paper_signatures = models.PositiveIntegerField(
        _("paper signatures collected"), null=True, blank=True
    )
    petition = models.ForeignKey(
        Petition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_reports",
        verbose_name=_("petition"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_reports",
        verbose_name=_("meeting"),
    )
    body = models.TextField(_("what happened"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="action_reports")
    visibility = models.CharField(
        _("who may read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # "Reuse this action": the report this draft plan was copied from.
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reuses"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Not stored: "label: count" per kind of reaction, filled for a page of feed cards in
    # one query (reports.feed_views.attach_reaction_counts).
    reaction_counts: list[str]
    # Not stored: the card's HTML, kept rendered per process (reports.cards).
    card_html: str

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("action report")
        verbose_name_plural = _("action reports")
        indexes = [
            models.Index(fields=["status", "visibility", "-happened_on"], name="report_feed"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.slug])

    @property
    def audit_scope(self) -> "Group | Structure":
        return self.group or self.structure


class ReportPhoto(models.Model):
    """A photo re-encoded without its metadata (no GPS position leaks), with a thumbnail
    and the alt text people who cannot see it need."""

    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reports/photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="reports/thumbnails/%Y/%m/")
    alt_text = models.CharField(_("description of the photo"), max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class Reaction(models.Model):
    class Kind(models.TextChoices):
        BRAVO = "bravo", _("Bravo")
        DID_IT_TOO = "did_it_too", _("We did it too")

    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_reactions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user", "kind"], name="one_reaction_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.report}"


class Comment(models.Model):
    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]
