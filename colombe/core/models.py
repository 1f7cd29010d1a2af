import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One service action: who did what (dotted code) to which object, with what data.

    Entries keep the object's type and id, never its name, so browsing the log does not
    reveal the name of a secret group to an administrator who is not a member.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The object whose visibility governs who may read this entry, as "app.model:pk" —
    # e.g. the secret group a thread belongs to. Empty: national administrators read it.
    scope = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


def fold_hashtag(raw: str) -> str:
    """'#Désarmement' -> 'desarmement': the key under which every spelling of a hashtag
    (accents, case, Unicode composition) is one and the same."""
    name = raw.strip().lstrip("#")
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped.casefold())


class Hashtag(models.Model):
    """An interest people and groups share, stored without the leading '#'.

    ``name`` is the spelling shown (the first one seen, accents kept); ``key`` is the
    folded spelling that makes ``#Désarmement`` and ``#desarmement`` one hashtag."""

    name = models.CharField(max_length=60, unique=True)
    # NFKD may lengthen a name (ligatures), hence more room than ``name``.
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self) -> str:
        return f"#{self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.key:
            self.key = fold_hashtag(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:hashtag", args=[self.name])
