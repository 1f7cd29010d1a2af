from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.groups.models import Group
from colombe.movement.models import Structure

GOAL_STEPS = (100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000)


def next_goal(goal: int, count: int) -> int:
    """The goal shown: the organiser's, raised to the next round step once reached."""
    while count >= goal:
        goal = next((step for step in GOAL_STEPS if step > goal), goal * 2)
    return goal


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    owner = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("run by")
    )
    # Optional: a group of the owning structure that organises the petition with it.
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="petitions"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists, links."))
    body_html = models.TextField(editable=False)
    addressee = models.CharField(_("addressed to"), max_length=200)
    goal = models.PositiveIntegerField(_("signature goal"), default=1000)
    starts_at = models.DateTimeField(_("opens on"), null=True, blank=True)
    ends_at = models.DateTimeField(_("closes on"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    collect_postcode = models.BooleanField(_("ask for postcode and town"), default=True)
    collect_country = models.BooleanField(_("ask for the country"), default=False)
    collect_comment = models.BooleanField(_("allow a comment"), default=False)
    # The wording of the separate, unticked "keep me informed" consent, versioned so each
    # signature records the exact text its signer agreed to.
    consent_text = models.TextField(_("wording of the 'keep me informed' consent"))
    consent_version = models.PositiveIntegerField(default=1)
    retention_months = models.PositiveSmallIntegerField(
        _("months after closing before signers are anonymised"), default=6
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.slug])


class PetitionRevision(models.Model):
    """A snapshot of the petition's public wording after each edit: its history."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"


class Signature(models.Model):
    """One signer. The email address is stored encrypted; uniqueness is enforced on a keyed
    hash of its canonical form, so the database never holds a searchable address."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email_encrypted = models.TextField(blank=True)
    email_hash = models.CharField(max_length=64)
    # Keyed hash of the normalised first name, last name and postcode: how a paper
    # signature without an address is recognised as a duplicate of an earlier one.
    identity_hash = models.CharField(max_length=64, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    department = models.CharField(max_length=3, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    show_publicly = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True)
    is_paper = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    keep_informed = models.BooleanField(default=False)
    keep_informed_version = models.PositiveIntegerField(null=True, blank=True)
    keep_informed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_hash"], name="one_signature_per_email"
            )
        ]
        indexes = [
            models.Index(fields=["petition", "status", "confirmed_at"], name="signature_by_status"),
            models.Index(fields=["status", "created_at"], name="signature_expiry"),
            models.Index(fields=["petition", "identity_hash"], name="signature_by_identity"),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"signature {self.pk}"


class CounterShard(models.Model):
    """One of several rows that together count a petition's confirmed signatures: each
    confirmation adds to a random shard, so no single row is updated by every request."""

    SHARDS = 16

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="counter_shards")
    shard = models.PositiveSmallIntegerField()
    confirmed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "shard"], name="one_counter_shard")
        ]

    def __str__(self) -> str:
        return f"shard {self.shard}"
