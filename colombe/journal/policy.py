"""Who may read and make the journal.

A published edition is public. Drafts and editions in proofreading exist only for the
editorial team (national administrators appoint it and belong to it by right): anyone
else gets a 404."""

from typing import Any

from django.db.models import QuerySet

from colombe.core import policy
from colombe.journal.models import Edition, JournalEditor
from colombe.movement.policy import is_authenticated


def is_editor(user: Any) -> bool:
    if not is_authenticated(user) or not user.is_active:
        return False
    return policy.is_national_admin(user) or JournalEditor.objects.filter(user=user).exists()


def visible_editions(user: Any) -> QuerySet[Edition]:
    if is_editor(user):
        return Edition.objects.all()
    return Edition.objects.filter(status=Edition.Status.PUBLISHED)


@policy.register_visibility(Edition, scope=visible_editions)
def can_see_edition(user: Any, edition: Edition) -> bool:
    return edition.is_published or is_editor(user)


@policy.register("journal.create")
def can_create(user: Any, obj: Any = None) -> bool:
    return is_editor(user)


@policy.register("journal.edit")
def can_edit(user: Any, edition: Edition) -> bool:
    """Once published, an edition is what subscribers received: it is not edited."""
    return is_editor(user) and not edition.is_published


@policy.register("journal.publish")
def can_publish(user: Any, edition: Edition) -> bool:
    """Only an edition that went through proofreading is published."""
    return is_editor(user) and edition.status == Edition.Status.PROOFREADING


@policy.register("journal.appoint")
def can_appoint(user: Any, obj: Any = None) -> bool:
    return policy.is_national_admin(user)
