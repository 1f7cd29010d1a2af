"""The movement's presence on social networks, kept homogeneous by its communication group:
a registry of accounts checked against a naming convention, an editorial charter, posts
drafted by committees and reviewed before they go out, a shared calendar, cross-posting
where a network has an open API, and short links for tracts and posters."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag
from colombe.movement.models import Structure


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    PEERTUBE = "peertube", "PeerTube"
    TELEGRAM = "telegram", "Telegram"
    WHATSAPP = "whatsapp", "WhatsApp"


# Networks Colombe posts to itself, through their open APIs. The others get a prepared
# post and a link to their share dialog.
API_NETWORKS = frozenset({Network.MASTODON, Network.BLUESKY})

# The longest text each network accepts in a post (characters as the network counts them;
# Bluesky counts graphemes, close enough to characters for French text).
TEXT_LIMITS = {
    Network.MASTODON: 500,
    Network.BLUESKY: 300,
    Network.FACEBOOK: 63206,
    Network.INSTAGRAM: 2200,
    Network.X: 280,
    Network.LINKEDIN: 3000,
    Network.TIKTOK: 2200,
    Network.YOUTUBE: 5000,
    Network.PEERTUBE: 10000,
    Network.TELEGRAM: 4096,
    Network.WHATSAPP: 65536,
}


class CommunicationRole(models.Model):
    """Who speaks for the movement on social networks. Without a structure: a member of
    the national communication group (appointed by a national administrator), who
    reviews every post and keeps the registry and charter. With a structure: that
    committee's communication lead (appointed by its leaders), who reviews its posts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="communication_roles"
    )
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="communication_roles",
        verbose_name=_("structure"),
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"], name="one_communication_role_per_structure"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(structure__isnull=True),
                name="one_seat_in_the_communication_group",
            ),
        ]
        verbose_name = _("communication role")
        verbose_name_plural = _("communication roles")

    def __str__(self) -> str:
        return f"{self.user} ({self.structure or _('communication group')})"


class NamingRule(models.Model):
    """The naming convention for one kind of owner: how its accounts are labelled and
    introduced. Templates use {movement}, {name} (the structure's name) and {place}
    (its territory), e.g. "{movement} — {name}"."""

    owner_kind = models.CharField(
        _("kind of owner"), max_length=20, choices=Structure.Kind.choices, unique=True
    )
    label_template = models.CharField(_("label template"), max_length=200)
    bio_template = models.TextField(_("description template"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner_kind"]
        verbose_name = _("naming rule")
        verbose_name_plural = _("naming rules")

    def __str__(self) -> str:
        return self.label_template


class SocialAccount(models.Model):
    """One of the movement's accounts on a social network."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")

    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    handle = models.CharField(_("handle"), max_length=200, help_text=_("e.g. @colombe_lyon"))
    url = models.URLField(_("address of the account"), max_length=500)
    label = models.CharField(
        _("label"), max_length=200, help_text=_("The name shown on the network.")
    )
    bio = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="social_accounts",
        verbose_name=_("owner committee or team"),
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="responsible_for_accounts",
        verbose_name=_("responsible people"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The connection Colombe posts through (Mastodon and Bluesky only). The secret (an
    # access token or an app password) is encrypted at rest and never shown again.
    api_base_url = models.URLField(_("server address"), max_length=300, blank=True)
    api_login = models.CharField(_("login"), max_length=200, blank=True)
    api_secret_encrypted = models.TextField(blank=True, editable=False)
    connected_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "label"]
        constraints = [
            models.UniqueConstraint(fields=["network", "handle"], name="one_entry_per_account")
        ]
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")

    def __str__(self) -> str:
        return f"{self.label} ({self.get_network_display()})"

    def get_absolute_url(self) -> str:
        return reverse("outreach:account", args=[self.pk])

    @property
    def posts_through_api(self) -> bool:
        return self.network in API_NETWORKS

    @property
    def is_connected(self) -> bool:
        return bool(self.api_secret_encrypted)


class CharterPage(models.Model):
    """A page of the editorial charter, written by the communication group."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("charter page")
        verbose_name_plural = _("charter pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:charter_page", args=[self.slug])


class ChecklistItem(models.Model):
    """A question every post is reviewed against ("Is the image described?")."""

    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class Campaign(models.Model):
    """A campaign posts belong to, shown as a band on the calendar, with its results."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="outreach_campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:campaign", args=[self.slug])


class Post(models.Model):
    """A post for one or more of the movement's accounts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        related_name="outreach_posts",
        verbose_name=_("on behalf of"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("campaign"),
    )
    text = models.TextField(_("text"))
    link_url = models.URLField(_("link"), max_length=500, blank=True)
    link_title = models.CharField(max_length=300, blank=True)
    link_description = models.TextField(blank=True)
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="outreach_posts")
    accounts: "models.ManyToManyField[SocialAccount, PostTarget]" = models.ManyToManyField(
        SocialAccount, through="PostTarget", related_name="posts", verbose_name=_("accounts")
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="outreach_post_due")]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("outreach:post", args=[self.pk])


class PostImage(models.Model):
    """An image of a post, re-encoded without metadata, with the alt text every network
    shows to people who cannot see it (required)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="outreach/images/%Y/%m/")
    alt_text = models.CharField(_("description of the image"), max_length=1000)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class PostTarget(models.Model):
    """A post on one account: what happened when it went out there."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        RETRY = "retry", _("Will try again")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="targets")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Sent with every attempt so a network that received a post whose answer was lost
    # does not publish it twice (Mastodon's Idempotency-Key, Bluesky's record key).
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    boosts = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    metrics_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "account"], name="one_target_per_account")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outreach_target_due")]

    def __str__(self) -> str:
        return f"{self.post} → {self.account}"


class PostReview(models.Model):
    """A reviewer's decision on a post, with the charter checklist they went through."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    checked_items = models.ManyToManyField(ChecklistItem, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.post}: {self.decision}"


class PostComment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class ShortLink(models.Model):
    """A short address (/l/<code>) printed on tracts and posters, with its QR code.
    Visits are counted per day and nothing else: no address, no browser, no cookie."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    target = models.CharField(
        _("destination"),
        max_length=500,
        help_text=_("A page of this site (/petitions/…) or a full https:// address."),
    )
    title = models.CharField(_("name"), max_length=200)
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="short_links",
        verbose_name=_("committee"),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="short_links",
        verbose_name=_("campaign"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("short link")
        verbose_name_plural = _("short links")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("outreach:short_link", args=[self.code])


class ShortLinkVisits(models.Model):
    """The number of visits of a short link on one day."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="daily_visits")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="one_visit_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.link}: {self.day} ({self.visits})"


class OutreachVolunteer(models.Model):
    """A member who offers to create content or to train others ("Relais jeunes"),
    self-declared and shown only to the communication group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outreach_volunteer"
    )
    creates_content = models.BooleanField(_("I can create content"), default=False)
    trains_others = models.BooleanField(_("I can train other members"), default=False)
    is_young = models.BooleanField(_("I am between 18 and 35"), default=False)
    networks = models.CharField(
        _("networks I use"), max_length=300, blank=True, help_text=_("e.g. Instagram, TikTok")
    )
    skills = models.TextField(_("what I can do"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outreach volunteer")
        verbose_name_plural = _("outreach volunteers")

    def __str__(self) -> str:
        return str(self.user)
