"""The media archive ("La mémoire"): every report on television, radio, the press and the
web about the movement, kept by Colombe itself so that the memory does not depend on a
platform that can delete it.

An item is either an uploaded file (video, audio, a scan or PDF of an article, a photo)
processed in the task queue into a web-friendly rendition, or a link to the outlet or a
video platform shown with a privacy-friendly embed."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.meetings.models import Recording
from colombe.movement.models import Structure, Territory


class Outlet(models.Model):
    """Who broadcast or published it: a TV channel, a radio station, a newspaper, a site."""

    class Kind(models.TextChoices):
        TV = "tv", _("Television")
        RADIO = "radio", _("Radio")
        PRESS = "press", _("Press")
        WEB = "web", _("Website")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(_("kind of outlet"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A broad subject the archive is browsed by (disarmament, schools, Ukraine…);
    hashtags stay free, themes are a short list kept tidy by the archivists."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class MediaItem(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        ARTICLE = "article", _("Press article")
        LINK = "link", _("Web link")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the movement")
        GROUP = "group", _("Members of a group")
        COMMITTEE = "committee", _("Members of a committee")

    class Processing(models.TextChoices):
        # Links, PDFs and images have nothing to convert.
        NONE = "none", _("Nothing to process")
        PENDING = "pending", _("Waiting to be processed")
        RUNNING = "running", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Processing failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    published_on = models.DateField(_("date broadcast or published"), db_index=True)
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("outlet"),
    )
    structures = models.ManyToManyField(
        Structure, blank=True, related_name="media_items", verbose_name=_("committees concerned")
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_items",
        verbose_name=_("territory concerned"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="items", verbose_name=_("themes")
    )
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="media_items")
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    rights = models.CharField(
        _("rights and licence"),
        max_length=300,
        blank=True,
        help_text=_("Who holds the rights, and what the movement may do with it."),
    )
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Set exactly when visibility is "group": the item is as secret as the group.
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="media_items",
        verbose_name=_("group"),
    )
    # Set exactly when visibility is "committee": for its active members (a committee
    # meeting's recording is archived so).
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_media_items",
        verbose_name=_("committee"),
    )

    # An uploaded file, kept as received (a failed conversion never loses it)…
    original = models.FileField(upload_to="mediatheque/originals/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    original_content_type = models.CharField(max_length=100, blank=True)
    original_size = models.PositiveBigIntegerField(default=0)
    # …or a link to the outlet or a video platform.
    external_url = models.URLField(_("link"), max_length=500, blank=True)

    rendition = models.FileField(upload_to="mediatheque/renditions/%Y/%m/", blank=True)
    rendition_content_type = models.CharField(max_length=100, blank=True)
    rendition_size = models.PositiveBigIntegerField(default=0)
    poster = models.ImageField(upload_to="mediatheque/posters/%Y/%m/", blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    processing = models.CharField(
        max_length=10, choices=Processing.choices, default=Processing.NONE
    )
    processing_progress = models.PositiveSmallIntegerField(default=0)  # percent
    processing_error = models.TextField(blank=True)

    # Archived in one click from a meeting's recording.
    from_recording = models.OneToOneField(
        Recording,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archived_as",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("archive item")
        verbose_name_plural = _("archive items")
        indexes = [
            models.Index(fields=["visibility", "-published_on"], name="mediatheque_timeline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(visibility="group") & models.Q(group__isnull=False))
                | (~models.Q(visibility="group") & models.Q(group__isnull=True)),
                name="media_group_iff_group_visibility",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(visibility="committee")
                    & models.Q(structure__isnull=False)
                    & models.Q(group__isnull=True)
                )
                | (~models.Q(visibility="committee") & models.Q(structure__isnull=True)),
                name="media_structure_iff_committee_visibility",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mediatheque:detail", args=[self.slug])

    @property
    def audit_scope(self) -> Group | Structure | None:
        return self.group or self.structure

    @property
    def is_playable(self) -> bool:
        return self.kind in (self.Kind.VIDEO, self.Kind.AUDIO) and bool(self.rendition)


class Appearance(models.Model):
    """Someone seen or heard in the item. Recorded only with their consent, and the date
    it was given, so that the name can be shown next to the item."""

    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="appearances")
    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="media_appearances",
    )
    consent_given_on = models.DateField(_("consent given on"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subtitle(models.Model):
    """A WebVTT subtitle track for a video or audio item."""

    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="subtitles")
    language = models.CharField(_("language"), max_length=12, default="fr")
    label = models.CharField(_("label"), max_length=60)
    file = models.FileField(upload_to="mediatheque/subtitles/%Y/%m/")

    class Meta:
        ordering = ["language", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="one_subtitle_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.language})"
