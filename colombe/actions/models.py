"""Field actions: leaflets, stands, demonstrations, debates… planned by committees, staffed
by volunteers who sign up for slots or roles (or remote tasks, for those who cannot go
out), gathered under national or regional days of action, and printed for the street."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.movement.models import PartnerOrganisation, Structure, Territory
from colombe.reports.models import ActionReport


class ActionKind(models.TextChoices):
    LEAFLETS = "leaflets", _("Leaflet distribution")
    STAND = "stand", _("Stand")
    DEMONSTRATION = "demonstration", _("Demonstration")
    RALLY = "rally", _("Rally")
    DEBATE = "debate", _("Public debate")
    SCREENING = "screening", _("Film screening")
    VIGIL = "vigil", _("Vigil")
    SCHOOL = "school", _("School visit")
    OFFICIALS = "officials", _("Meeting an elected official")


# The kind of action report an action becomes once it happened.
REPORT_KINDS = {
    ActionKind.LEAFLETS: ActionReport.Kind.LEAFLETS,
    ActionKind.STAND: ActionReport.Kind.STAND,
    ActionKind.DEMONSTRATION: ActionReport.Kind.DEMONSTRATION,
    ActionKind.RALLY: ActionReport.Kind.DEMONSTRATION,
    ActionKind.DEBATE: ActionReport.Kind.DEBATE,
    ActionKind.SCREENING: ActionReport.Kind.SCREENING,
    ActionKind.VIGIL: ActionReport.Kind.VIGIL,
    ActionKind.SCHOOL: ActionReport.Kind.SCHOOL,
    ActionKind.OFFICIALS: ActionReport.Kind.OFFICIALS,
}


class DayOfAction(models.Model):
    """A national or regional day of action ("journée nationale"): one call, many local
    actions attached to it."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    call = models.TextField(_("the call"), help_text=_("Markdown."))
    call_html = models.TextField(editable=False, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="days_of_action",
        verbose_name=_("where"),
        help_text=_("France for a national day, a region for a regional one."),
    )
    called_by = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="days_of_action",
        verbose_name=_("called by"),
    )
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="days_of_action")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("day of action")
        verbose_name_plural = _("days of action")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:day", args=[self.slug])


class Action(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the movement")
        GROUP = "group", _("Members of a group")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("organising committee"),
    )
    co_organisers = models.ManyToManyField(
        Structure, blank=True, related_name="co_organised_actions", verbose_name=_("with")
    )
    partners = models.ManyToManyField(
        PartnerOrganisation,
        blank=True,
        related_name="actions",
        verbose_name=_("partner organisations"),
    )
    day_of_action = models.ForeignKey(
        DayOfAction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("day of action"),
    )
    starts_at = models.DateTimeField(_("start"), db_index=True)
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, help_text=_("e.g. Place Bellecour"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    town = models.CharField(_("town"), max_length=120)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("territory"),
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    material = models.TextField(_("material needed"), blank=True)
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # An action in a group's space is exactly as secret as the group.
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("group"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    report = models.OneToOneField(
        ActionReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_action",
        verbose_name=_("report"),
    )
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="field_actions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["visibility", "starts_at"], name="action_agenda")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.slug])

    @property
    def audit_scope(self) -> Group | Structure:
        """Audit entries about a group's action are as hidden as the group."""
        return self.group or self.structure


class Slot(models.Model):
    """Something volunteers sign up for: a time slot ("distribute from 10 to 12"), a role
    ("I bring the stand") or a remote task for those who cannot go out ("call members",
    "share the petition", "write to elected officials")."""

    class Kind(models.TextChoices):
        SHIFT = "shift", _("Time slot")
        ROLE = "role", _("Role")
        REMOTE = "remote", _("Remote task")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="slots")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHIFT)
    label = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("to"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "starts_at", "pk"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self) -> str:
        return self.label


class SignUp(models.Model):
    """A volunteer on a slot. The phone number is given for this action only, shown to
    its organisers only when the volunteer agreed, and erased once the action is over."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="sign_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_sign_ups"
    )
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    share_phone = models.BooleanField(_("the organisers may call me"), default=False)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], name="one_sign_up_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.slot}"


class PrintTemplate(models.Model):
    """A printable model (leaflet, poster, stand sign) the national office maintains;
    committees fill it in and print it."""

    class Kind(models.TextChoices):
        LEAFLET = "leaflet", _("Leaflet")
        POSTER = "poster", _("Poster")
        STAND_SIGN = "stand_sign", _("Stand sign")

    class PageSize(models.TextChoices):
        A5 = "A5", "A5"
        A4 = "A4", "A4"
        A3 = "A3", "A3"

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    page_size = models.CharField(_("page size"), max_length=2, choices=PageSize.choices)
    headline = models.CharField(_("headline"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    image = models.ImageField(_("image"), upload_to="actions/templates/", blank=True)
    image_alt = models.CharField(_("description of the image"), max_length=300, blank=True)
    is_active = models.BooleanField(_("offered to committees"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("print template")
        verbose_name_plural = _("print templates")

    def __str__(self) -> str:
        return self.name
