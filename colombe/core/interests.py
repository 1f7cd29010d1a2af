"""Following hashtags and finding people with the same interests.

A person's interests ARE the hashtags they follow (one concept: the profile's "my
interests" and the "Follow" button on a hashtag page change the same list)."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from colombe.accounts.forms import MAX_INTERESTS
from colombe.accounts.models import User
from colombe.core import interest_policy, policy, ratelimit
from colombe.core.audit import log_action
from colombe.core.hashtags import (
    find_hashtag,
    fold_hashtag,
    get_or_create_hashtags,
    hashtags_in_text,
    normalise_hashtag,
)
from colombe.core.mail import absolute_url
from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import subtree_filter
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport

# People listed on a hashtag page; the "same interests" page has them all, paginated.
HASHTAG_PAGE_PEOPLE = 50

# Proximity ranks, nearest first.
SAME_COMMITTEE, SAME_DEPARTMENT, SAME_REGION, ELSEWHERE = 0, 1, 2, 3


class TooManyInterests(ValidationError):
    pass


# --- what a hashtag page shows ----------------------------------------------------------

# The page shows the latest reports; the feed filtered by the tag shows them all.
HASHTAG_REPORTS = 20
# Petitions and meetings listed, and how many texts are read to find them.
HASHTAG_ITEMS = 20
HASHTAG_TEXT_CANDIDATES = 500


def _tagged_in_text(objects: Any, tag: Hashtag, *fields: str) -> list[Any]:
    """Petitions and meetings carry hashtags in their text, not in a field."""
    mentioning = Q()
    for field in fields:
        mentioning |= Q(**{f"{field}__contains": "#"})
    found = []
    for obj in objects.filter(mentioning)[:HASHTAG_TEXT_CANDIDATES]:
        text = "\n".join(getattr(obj, field) for field in fields)
        if tag.key in {fold_hashtag(name) for name in hashtags_in_text(text)}:
            found.append(obj)
    return found[:HASHTAG_ITEMS]


def _tagged_by_field(user: Any, tag: Hashtag) -> dict[str, list[Any]]:
    if tag.pk is None:  # a hashtag only ever written in texts has no row to link to
        return {"reports": [], "groups": [], "media_items": []}
    return {
        "reports": list(
            policy.visible(ActionReport, user)
            .filter(status=ActionReport.Status.PUBLISHED, hashtags=tag)
            .select_related("structure")
            .order_by("-happened_on", "-pk")[:HASHTAG_REPORTS]
        ),
        "groups": list(Group.objects.visible_to(user).filter(hashtags=tag).select_related("owner")),
        "media_items": list(
            policy.visible(MediaItem, user)
            .filter(hashtags=tag)
            .select_related("outlet")
            .order_by("-published_on", "-pk")[:HASHTAG_ITEMS]
        ),
    }


def hashtag_content(user: Any, tag: Hashtag) -> dict[str, list[Any]]:
    """What carries ``tag`` that ``user`` may see."""
    petitions = policy.visible(Petition, user).filter(status=Petition.Status.PUBLISHED)
    meetings = (
        policy.visible(Meeting, user)
        .filter(starts_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )
    return {
        **_tagged_by_field(user, tag),
        "petitions": _tagged_in_text(petitions.order_by("-published_at"), tag, "title", "body"),
        "meetings": _tagged_in_text(meetings, tag, "title", "agenda"),
    }


@dataclass
class HashtagPage:
    tag: Hashtag
    content: dict[str, list[Any]]
    people: list[User]
    following: bool


def hashtag_page_or_404(user: Any, name: str) -> HashtagPage:
    """A hashtag and what ``user`` may see about it. A tag they could see nothing about
    answers 404 — a tag used only by a secret group must not be confirmed, not by its
    page, a redirect to its canonical spelling, nor a "Follow" button."""
    key = fold_hashtag(name)
    if not key:
        raise Http404
    # A hashtag written only in a petition's or a meeting's text has no row yet: its
    # page still lists them (the row is made when someone follows it).
    tag = find_hashtag(name) or Hashtag(name=normalise_hashtag(name), key=key)
    content = hashtag_content(user, tag)
    people = followers_to_show(user, tag) if tag.pk else []
    following = bool(tag.pk and user.is_authenticated and user.interests.filter(pk=tag.pk).exists())
    if not any(content.values()) and not people and not following:
        raise Http404
    return HashtagPage(tag=tag, content=content, people=people, following=following)


# --- following ---------------------------------------------------------------------------


def follow_hashtag(*, user: User, tag: Hashtag) -> None:
    policy.require(user, "core.hashtags.follow", tag)
    with transaction.atomic():
        if tag.pk is None:
            tag = get_or_create_hashtags([tag.name])[0]
        if user.interests.filter(pk=tag.pk).exists():
            return
        if user.interests.count() >= MAX_INTERESTS:
            raise TooManyInterests(
                _("You already follow %(max)d hashtags: stop following one first.")
                % {"max": MAX_INTERESTS}
            )
        user.interests.add(tag)
        log_action(user, "core.hashtag.followed", tag)


def unfollow_hashtag(*, user: User, tag: Hashtag) -> None:
    policy.require(user, "core.hashtags.follow", tag)
    with transaction.atomic():
        if tag.pk is None or not user.interests.filter(pk=tag.pk).exists():
            return
        user.interests.remove(tag)
        log_action(user, "core.hashtag.unfollowed", tag)


# --- people, nearest first ---------------------------------------------------------------


def sharing_members() -> QuerySet[User]:
    """People who said yes to showing their interests and are active members."""
    active = Membership.objects.filter(user=OuterRef("pk"), status=Membership.Status.ACTIVE)
    return User.objects.filter(is_active=True, show_interests=True).filter(
        Q(Exists(active)) | Q(is_national_admin=True)
    )


def _territories_of(user: User) -> tuple[list[int], set[int], set[int]]:
    """The user's committees, and the departments and regions they lie in."""
    committees = list(
        Structure.objects.committees()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .select_related("territory__parent__parent__parent")
    )
    departments: set[int] = set()
    regions: set[int] = set()
    for committee in committees:
        for territory in committee.territory.ancestors_and_self():
            if territory.level == Territory.Level.DEPARTMENT:
                departments.add(territory.pk)
            elif territory.level == Territory.Level.REGION:
                regions.add(territory.pk)
    return [committee.pk for committee in committees], departments, regions


def _active_in_committee(condition: Q) -> Exists:
    return Exists(
        Membership.objects.filter(
            condition,
            user=OuterRef("pk"),
            status=Membership.Status.ACTIVE,
            structure__kind=Structure.Kind.COMMITTEE,
        )
    )


def proximity_to(viewer: User) -> Case:
    """0 same committee, 1 same department, 2 same region, 3 elsewhere — through the
    territories of both people's committees."""
    committees, departments, regions = _territories_of(viewer)
    prefix = "structure__territory__"
    return Case(
        When(_active_in_committee(Q(structure_id__in=committees)), then=Value(SAME_COMMITTEE)),
        When(
            _active_in_committee(subtree_filter(list(departments), prefix=prefix)),
            then=Value(SAME_DEPARTMENT),
        ),
        When(
            _active_in_committee(subtree_filter(list(regions), prefix=prefix)),
            then=Value(SAME_REGION),
        ),
        default=Value(ELSEWHERE),
        output_field=IntegerField(),
    )


def followers_to_show(viewer: Any, tag: Hashtag) -> list[User]:
    """Who follows ``tag``, for a member: only people who opted in, nearest first."""
    if not interest_policy.is_member(viewer):
        return []
    return list(
        sharing_members()
        .filter(interests=tag)
        .exclude(pk=viewer.pk)
        .annotate(proximity=proximity_to(viewer))
        .order_by("proximity", "display_name", "pk")[:HASHTAG_PAGE_PEOPLE]
    )


def people_with_same_interests(viewer: User) -> QuerySet[User]:
    """People sharing the most hashtags with the viewer, nearest first among equals."""
    policy.require(viewer, "core.interests.browse")
    mine = list(viewer.interests.values_list("pk", flat=True))
    return (
        sharing_members()
        .filter(interests__in=mine)
        .exclude(pk=viewer.pk)
        .annotate(
            shared=Count("interests", filter=Q(interests__in=mine), distinct=True),
            proximity=proximity_to(viewer),
        )
        .order_by("-shared", "proximity", "display_name", "pk")
        .prefetch_related("interests")
    )


def visible_profile_ids(viewer: Any, people: list[User]) -> set[int]:
    """Whose profile page the viewer may open (a person may share interests and still keep
    their profile to their committee)."""
    ids = [person.pk for person in people]
    return set(policy.visible(User, viewer).filter(pk__in=ids).values_list("pk", flat=True))


# --- writing to someone ------------------------------------------------------------------

CONTACT_LIMIT = 5
CONTACT_PERIOD_SECONDS = 60 * 60


class ContactLimitReached(Exception):
    pass


def contactable_person_or_404(viewer: Any, pk: int) -> User:
    """Someone else who opted in; anyone else answers 404."""
    person = sharing_members().exclude(pk=viewer.pk).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _contact_email(sender: User, recipient: User, message: str, share_address: bool) -> str:
    context = {
        "sender_name": sender.public_name,
        "recipient_name": recipient.public_name,
        "message": message,
        "share_address": share_address,
        "reply_url": absolute_url(reverse("core:interests_contact", args=[sender.pk])),
        "settings_url": absolute_url(reverse("accounts:edit_profile")),
    }
    return render_to_string("core/email/contact_body.txt", context)


def send_contact_message(
    *, sender: User, recipient: User, message: str, share_address: bool
) -> None:
    """Queue a message to ``recipient``. Their address is never shown to the sender; the
    sender's is given as Reply-To only when they ticked "share my address". A few messages
    an hour per sender: the form must not become a way to spam members."""
    policy.require(sender, "core.interests.contact", recipient)
    if not ratelimit.hit_key(
        f"core.interests.contact:{sender.pk}",
        limit=CONTACT_LIMIT,
        period_seconds=CONTACT_PERIOD_SECONDS,
    ):
        raise ContactLimitReached
    # A display name is one line; a header must never receive a line break.
    name = " ".join(sender.public_name.split())
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        subject = str(_("%(name)s writes to you through Colombe") % {"name": name})
        enqueue(
            [
                OutgoingEmail(
                    key=f"contact:{sender.pk}:{recipient.pk}:{uuid.uuid4().hex}",
                    to=recipient.email,
                    subject=subject,
                    body_text=_contact_email(sender, recipient, message, share_address),
                    category=OutboxMessage.Category.NOTICE,
                    reply_to=sender.email if share_address else "",
                )
            ]
        )
        # Who wrote to whom, never what: the message is between the two people.
        log_action(
            sender,
            "core.interests.contacted",
            recipient,
            {"address_shared": share_address},
        )
