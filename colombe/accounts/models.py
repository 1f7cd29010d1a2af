from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.core.models import Hashtag


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_national_admin", True)
        return self.create_user(email, password, **fields)


class ProfileVisibility(models.TextChoices):
    COMMITTEE = "committee", _("Members of my committees")
    MOVEMENT = "movement", _("Everyone in the movement")
    NOBODY = "nobody", _("Nobody")


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Logs in with their email; the profile lives here too.

    Political opinion is special-category data under the GDPR: we keep only what the
    movement needs (a display name, languages, interests) and the person chooses who sees it.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    languages = models.CharField(
        _("languages"), max_length=120, blank=True, help_text=_("For example: français, English")
    )
    interests = models.ManyToManyField(
        Hashtag, blank=True, related_name="people", verbose_name=_("interests")
    )
    profile_visibility = models.CharField(
        _("who may see my profile"),
        max_length=20,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.COMMITTEE,
    )
    # Interests can reveal political opinions (GDPR special category): nobody is listed
    # as following a hashtag, or offered as a contact, without saying yes here.
    show_interests = models.BooleanField(_("show my interests to other members"), default=False)
    # The weekly email about what is new with the hashtags one follows; one click in the
    # email turns it off.
    weekly_digest = models.BooleanField(_("weekly digest of my hashtags"), default=True)
    is_national_admin = models.BooleanField(_("national administrator"), default=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What others see: the display name, never the email address."""
        return self.display_name or str(_("Member #%(id)s") % {"id": self.pk})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:profile", args=[self.pk])


class Consent(models.Model):
    """A consent given, with the version of the text the person agreed to."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of use and privacy notice")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    text_version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.kind} v{self.text_version}"
