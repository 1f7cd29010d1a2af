"""The journal: an edition every two or three months about what the committees did,
compiled by the editorial team from the committees' public action reports."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.mailing.models import Newsletter
from colombe.reports.models import ActionReport, ReportPhoto


class JournalEditor(models.Model):
    """A member of the editorial team, appointed by a national administrator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_editor"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journal editor")
        verbose_name_plural = _("journal editors")

    def __str__(self) -> str:
        return str(self.user)


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROOFREADING = "proofreading", _("Proofreading")
        PUBLISHED = "published", _("Published")

    class PdfState(models.TextChoices):
        NONE = "none", _("Not generated")
        PENDING = "pending", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    editorial = models.TextField(_("editorial"), blank=True, help_text=_("Markdown."))
    editorial_html = models.TextField(editable=False, blank=True)
    cover_photo = models.ForeignKey(
        ReportPhoto,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover photo"),
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    pdf = models.FileField(upload_to="journal/pdf/", blank=True)
    pdf_state = models.CharField(max_length=10, choices=PdfState.choices, default=PdfState.NONE)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)
    # The email edition, sent through the journal's mailing list on publishing.
    newsletter = models.ForeignKey(
        Newsletter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("journal:edition", args=[self.number])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Section(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class EditionItem(models.Model):
    """A report featured in an edition, optionally with a text cut by the editors."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="journal_items")
    order = models.PositiveIntegerField(default=0)
    short_text = models.TextField(
        _("shortened text"), blank=True, help_text=_("Leave empty to print the whole report.")
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "report"], name="report_once_per_edition")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.report_id}"


class EditorialComment(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]
