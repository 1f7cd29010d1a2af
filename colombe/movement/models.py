from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """A node of the territory tree: national → region → department → local."""

    class Level(models.IntegerChoices):
        NATIONAL = 0, _("National")
        REGION = 1, _("Region")
        DEPARTMENT = 2, _("Department")
        LOCAL = 3, _("Local")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("official code"), max_length=10, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_territories",
        verbose_name=_("regional coordinators"),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list["Territory"]:
        chain: list[Territory] = []
        node: Territory | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def region(self) -> "Territory | None":
        return next((t for t in self.ancestors_and_self() if t.level == self.Level.REGION), None)


class PartnerOrganisation(models.Model):
    """An organisation outside the movement that takes part in a collective."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(max_length=180, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class StructureQuerySet(models.QuerySet["Structure"]):
    def committees(self) -> "StructureQuerySet":
        return self.filter(kind=Structure.Kind.COMMITTEE)


class Structure(models.Model):
    """A part of the movement that has members and can own groups and meetings:
    the national office, a local committee, a thematic working group, or a collective of
    partner organisations. One model so that ownership and roles work the same way."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National office")
        COMMITTEE = "committee", _("Local committee")
        WORKING_GROUP = "working_group", _("Working group")
        COLLECTIVE = "collective", _("Collective of organisations")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="structures", verbose_name=_("territory")
    )
    description = models.TextField(_("public description"), blank=True)
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="collectives", verbose_name=_("partners")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("movement:structure", args=[self.slug])


class Membership(models.Model):
    """A person in a structure. Requests start pending until a leader approves them."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative of a partner organisation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")

    MAX_RELAYS = 4

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    # Relays (3 or 4 per committee) receive national information for their committee.
    is_relay = models.BooleanField(_("relay"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representatives",
        verbose_name=_("represented organisation"),
    )
    message = models.TextField(_("message to the leaders"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["structure", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"], name="one_membership_per_structure"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.structure}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
