"""Email that must arrive: circulars to each committee's relays, newsletters people chose
to receive, and the outbox every message goes through (one row per recipient, so that a
worker killed at any moment neither loses nor repeats one)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.groups.models import Group
from colombe.movement.models import Structure, Territory
from colombe.petitions.models import Petition


class OutboxMessage(models.Model):
    """One email to one recipient. ``key`` makes enqueueing idempotent (the same circular
    is never queued twice for the same person); ``message_id`` stays the same across
    retries so a receiver, and the tests, can recognise a message."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    class Category(models.TextChoices):
        CIRCULAR = "circular", _("Circular")
        NEWSLETTER = "newsletter", _("Newsletter")
        NOTICE = "notice", _("Notice")

    # Lower goes first: urgent circulars to relays before a newsletter to thousands.
    PRIORITY_URGENT = 0
    PRIORITY_RELAYS = 10
    PRIORITY_NORMAL = 50
    PRIORITY_BULK = 90

    key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=250, unique=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(default=PRIORITY_NORMAL)
    to_email = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra headers such as List-Unsubscribe, as {"Name": "value"}.
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        indexes = [
            models.Index(
                fields=["state", "priority", "next_attempt_at"], name="outbox_due_messages"
            ),
            models.Index(fields=["to_email", "state"], name="outbox_by_recipient"),
        ]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self) -> str:
        return f"{self.key} → {self.to_email} ({self.state})"


class AddressHealth(models.Model):
    """What bounces taught us about an address. Repeated hard bounces disable it: nothing
    more is sent there and a relay with it is flagged on the coverage page."""

    email = models.EmailField(max_length=254, unique=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    soft_bounces = models.PositiveIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    last_diagnostic = models.TextField(blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("address health")
        verbose_name_plural = _("address health")

    def __str__(self) -> str:
        return self.email


class Circular(models.Model):
    """Information from the national or a regional office (or a committee forwarding one)
    that must reach its audience without delay."""

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Audience(models.TextChoices):
        ALL_RELAYS = "relays", _("All committees' relays")
        REGION_RELAYS = "region_relays", _("Relays of some regions")
        ALL_MEMBERS = "members", _("All members of the movement")
        GROUP = "group", _("Members of a group")
        STRUCTURE = "structure", _("Members of a working group or committee")
        PARTNERS = "partners", _("Partner representatives of a collective")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL_RELAYS
    )
    regions = models.ManyToManyField(
        Territory, blank=True, related_name="+", verbose_name=_("regions")
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="circulars"
    )
    # The working group, committee or collective the audience is drawn from.
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="circulars_received",
        verbose_name=_("working group, committee or collective"),
    )
    # Who it is from: the national office, a region (its coordinators write), or the
    # committee of a relay who forwarded it.
    sender_structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.PROTECT, related_name="circulars_sent"
    )
    sender_territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="circulars_sent"
    )
    forwarded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forwards"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Urgent circulars: when no relay of a committee has acknowledged within this delay,
    # the committee's leaders receive it too and the coverage page flags the committee.
    escalation_hours = models.PositiveSmallIntegerField(_("escalate after (hours)"), default=24)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="circular_due")]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("mailing:circular", args=[self.pk])

    @property
    def audit_scope(self) -> Group | None:
        """A group's circular is logged in the group's scope: entries about a secret
        group's circular stay hidden from whoever may not know the group."""
        return self.group


def attachment_path(instance: "CircularAttachment", filename: str) -> str:
    return f"circulars/{instance.circular_id}/{filename}"


class CircularAttachment(models.Model):
    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CircularRecipient(models.Model):
    """A person a circular was sent to, and whether they said "Bien reçu"."""

    class Reason(models.TextChoices):
        RELAY = "relay", _("Relay")
        MEMBER = "member", _("Member")
        ESCALATION = "escalation", _("Leader (no relay acknowledged)")
        TEST = "test", _("Test send")

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "user"], name="one_recipient_row_per_person"
            )
        ]
        verbose_name = _("circular recipient")
        verbose_name_plural = _("circular recipients")

    def __str__(self) -> str:
        return f"{self.circular_id} → {self.user_id}"


class CircularCommittee(models.Model):
    """Per committee: how many relays the circular went to, who acknowledged first, and
    whether it was escalated — what the coverage page reads."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="committees")
    committee = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    relays_sent = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "committee"], name="one_row_per_committee_and_circular"
            )
        ]
        verbose_name = _("committee reached by a circular")
        verbose_name_plural = _("committees reached by a circular")

    def __str__(self) -> str:
        return f"{self.circular_id} @ {self.committee_id}"


class MailingList(models.Model):
    """A newsletter people subscribe to (double opt-in) and may leave in one click."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="mailing_lists", verbose_name=_("owner")
    )
    # Public lists have a subscription form for anyone; others are for members.
    is_public = models.BooleanField(_("anyone may subscribe"), default=True)
    consent_text = models.TextField(_("wording of the subscription consent"))
    consent_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mailing:list", args=[self.slug])


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    # For segmenting by territory without keeping an address: the department or region.
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    consent_version = models.PositiveIntegerField()
    consented_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing_list", "email"], name="one_subscription_per_address"
            )
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.email} @ {self.mailing_list}"


class GlobalUnsubscribe(models.Model):
    """ "Unsubscribe from everything": no newsletter of any list, and no petition's
    campaign news, is ever sent to this address again (duty circulars to relays are not
    newsletters: a relay stops by stepping down as relay)."""

    email = models.EmailField(max_length=254, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address unsubscribed from everything")
        verbose_name_plural = _("addresses unsubscribed from everything")

    def __str__(self) -> str:
        return self.email


class Newsletter(models.Model):
    """One issue of a mailing list, optionally narrowed to a segment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="newsletters"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Segment: empty means every subscriber of the list.
    territories = models.ManyToManyField(
        Territory, blank=True, related_name="+", verbose_name=_("only these territories")
    )
    hashtag = models.CharField(_("only people following this hashtag"), max_length=100, blank=True)
    # Also send to this petition's signers who consented to be kept informed.
    petition = models.ForeignKey(
        Petition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("also to consenting signers of"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="newsletter_due")]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def __str__(self) -> str:
        return self.subject
