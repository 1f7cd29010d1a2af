"""Who may follow hashtags, meet people with the same interests and write to them.

Interests can reveal political opinions (a special category under the GDPR), so finding
people by them is for members of the movement only, and only among people who said yes
("show my interests to other members"). Looking for others needs the same yes from the
viewer: nobody browses people who cannot find them back."""

from typing import Any

from colombe.core import policy
from colombe.movement.models import Membership


def is_member(user: Any) -> bool:
    """An active member of a structure of the movement, or a national administrator."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if policy.is_national_admin(user):
        return True
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()


def shares_interests(user: Any) -> bool:
    return is_member(user) and bool(user.show_interests)


@policy.register("core.hashtags.follow")
def can_follow(user: Any, tag: Any) -> bool:
    return is_member(user)


@policy.register("core.interests.browse")
def can_browse(user: Any, obj: Any = None) -> bool:
    """The "same interests near me" page: opt-in on both sides."""
    return shares_interests(user)


@policy.register("core.interests.contact")
def can_contact(user: Any, recipient: Any) -> bool:
    """Writing to someone found through interests: the sender has opted in too (the
    recipient's own yes is checked by ``interests.contactable_people``, a 404 otherwise)."""
    return shares_interests(user) and getattr(recipient, "pk", None) != user.pk
