"""Who may see and do what in the movement's social-network work.

- The **communication group** (national administrators appoint its members and belong to
  it by right) keeps the registry, the naming rules and the charter, reviews every post,
  connects accounts to Colombe and sees the "Relais jeunes".
- A committee's **communication lead** (appointed by its leaders) reviews that
  committee's posts and keeps its accounts, as do the committee's leaders and the people
  responsible for an account.
- The registry, the charter, campaigns and the calendar are for members of the movement
  (anyone with an active membership); visitors get a 404 for a single account or post.
- A post is read, while it is being written and reviewed, by its committee's members and
  its reviewers; once scheduled or published it shows on everyone's calendar. Nobody
  reviews a post they wrote or edited: the review is a second pair of eyes.
- Short links are made by members, to pages of this site; a short link to another site
  (printed on a tract, it sends readers wherever it says) is made or edited by the
  communication group only. Following one is public.
"""

from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.models import AuditEntry
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import (
    active_membership,
    active_structures,
    is_active_member,
    is_authenticated,
)
from colombe.outreach.models import (
    Campaign,
    CharterPage,
    CommunicationRole,
    Post,
    ShortLink,
    SocialAccount,
)


def in_communication_group(user: Any) -> bool:
    if not is_authenticated(user) or not user.is_active:
        return False
    return (
        policy.is_national_admin(user)
        or CommunicationRole.objects.filter(user=user, structure__isnull=True).exists()
    )


def is_communication_lead(user: Any, structure: Structure) -> bool:
    if not is_authenticated(user):
        return False
    return CommunicationRole.objects.filter(user=user, structure=structure).exists()


def is_member(user: Any) -> bool:
    return is_active_member(user) or policy.is_national_admin(user)


def leads(user: Any, structure: Structure) -> bool:
    membership = active_membership(user, structure)
    return membership is not None and membership.role == Membership.Role.LEADER


def speaks_for(user: Any, structure: Structure) -> bool:
    """May post and keep accounts on behalf of ``structure``: its active members draft,
    this is who may *edit* what the structure says."""
    return in_communication_group(user) or active_membership(user, structure) is not None


def structures_user_speaks_for(user: Any) -> QuerySet[Structure]:
    if in_communication_group(user):
        return Structure.objects.all()
    return active_structures(user)


def committee_ids(user: Any) -> QuerySet:
    """The ids of the structures ``user`` is an active member of, as a subquery."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "structure_id"
    )


# Registry -----------------------------------------------------------------------------


def visible_accounts(user: Any) -> QuerySet[SocialAccount]:
    if is_member(user):
        return SocialAccount.objects.all()
    return SocialAccount.objects.none()


@policy.register_visibility(SocialAccount, scope=visible_accounts)
def can_see_account(user: Any, account: SocialAccount) -> bool:
    return is_member(user)


def public_accounts_of(structure: Structure) -> QuerySet[SocialAccount]:
    """The accounts a structure shows the world (its mini-site's "Follow us"): the
    registry itself is for members, but an active account is public on its network."""
    return SocialAccount.objects.filter(owner=structure, status=SocialAccount.Status.ACTIVE)


@policy.register("outreach.add_account")
def can_add_account(user: Any, _nothing: Any = None) -> bool:
    """The communication group, and leaders and communication leads of any structure
    (for their own structure: the form offers only those)."""
    return in_communication_group(user) or accounts_structures(user).exists()


def accounts_structures(user: Any) -> QuerySet[Structure]:
    """Structures whose accounts ``user`` keeps."""
    if in_communication_group(user):
        return Structure.objects.all()
    if not is_authenticated(user):
        return Structure.objects.none()
    led = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role=Membership.Role.LEADER
    ).values("structure_id")
    communication = CommunicationRole.objects.filter(user=user).values("structure_id")
    return Structure.objects.filter(Q(pk__in=led) | Q(pk__in=communication))


@policy.register("outreach.edit_account")
def can_edit_account(user: Any, account: SocialAccount) -> bool:
    if not is_authenticated(user):
        return False
    return (
        accounts_structures(user).filter(pk=account.owner_id).exists()
        or account.responsible.filter(pk=user.pk).exists()
    )


@policy.register("outreach.connect_account")
def can_connect_account(user: Any, account: SocialAccount) -> bool:
    """Giving Colombe the keys of an account (a token that can post in the movement's
    name) is for the communication group only."""
    return account.posts_through_api and in_communication_group(user)


@policy.register("outreach.manage_naming")
def can_manage_naming(user: Any, _nothing: Any = None) -> bool:
    return in_communication_group(user)


# Charter ------------------------------------------------------------------------------


def visible_charter_pages(user: Any) -> QuerySet[CharterPage]:
    if is_member(user):
        return CharterPage.objects.all()
    return CharterPage.objects.none()


@policy.register_visibility(CharterPage, scope=visible_charter_pages)
def can_see_charter_page(user: Any, page: CharterPage) -> bool:
    return is_member(user)


@policy.register("outreach.edit_charter")
def can_edit_charter(user: Any, _nothing: Any = None) -> bool:
    return in_communication_group(user)


@policy.register("outreach.appoint")
def can_appoint(user: Any, structure: Structure | None = None) -> bool:
    """National administrators appoint the communication group; a structure's leaders
    (and the communication group) appoint its communication lead."""
    if structure is None:
        return policy.is_national_admin(user)
    return in_communication_group(user) or leads(user, structure)


@policy.register("outreach.see_volunteers")
def can_see_volunteers(user: Any, _nothing: Any = None) -> bool:
    return in_communication_group(user)


# Campaigns ----------------------------------------------------------------------------


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    if is_member(user):
        return Campaign.objects.all()
    return Campaign.objects.none()


@policy.register_visibility(Campaign, scope=visible_campaigns)
def can_see_campaign(user: Any, campaign: Campaign) -> bool:
    return is_member(user)


@policy.register("outreach.manage_campaigns")
def can_manage_campaigns(user: Any, _nothing: Any = None) -> bool:
    return in_communication_group(user)


# Posts --------------------------------------------------------------------------------

# Once a post is on its way out, every member sees it on the calendar.
ON_THE_CALENDAR = [Post.Status.SCHEDULED, Post.Status.PUBLISHED]


def visible_posts(user: Any) -> QuerySet[Post]:
    if in_communication_group(user):
        return Post.objects.all()
    if not is_member(user):
        return Post.objects.none()
    committees = committee_ids(user)
    led = CommunicationRole.objects.filter(user=user).values("structure_id")
    return Post.objects.filter(
        Q(status__in=ON_THE_CALENDAR)
        | Q(author=user)
        | Q(structure_id__in=committees)
        | Q(structure_id__in=led)
    )


@policy.register_visibility(Post, scope=visible_posts)
def can_see_post(user: Any, post: Post) -> bool:
    return visible_posts(user).filter(pk=post.pk).exists()


@policy.register("outreach.draft_post")
def can_draft_post(user: Any, _nothing: Any = None) -> bool:
    return structures_user_speaks_for(user).exists()


EDITABLE = [Post.Status.DRAFT, Post.Status.CHANGES_REQUESTED]


@policy.register("outreach.edit_post")
def can_edit_post(user: Any, post: Post) -> bool:
    """Before review, its committee's members (and the group) shape it together."""
    return post.status in EDITABLE and speaks_for(user, post.structure)


def reviews_for(user: Any, structure: Structure) -> bool:
    return in_communication_group(user) or is_communication_lead(user, structure)


# What services.py records when someone writes or changes a post's text or images.
EDITING_ACTIONS = [
    "outreach.post.created",
    "outreach.post.updated",
    "outreach.post.image_added",
    "outreach.post.image_removed",
]


def editing_log() -> QuerySet[AuditEntry]:
    """The audit entries of everyone who wrote or changed a post."""
    return AuditEntry.objects.filter(action__in=EDITING_ACTIONS, object_type=Post._meta.label_lower)


def has_shaped(user: Any, post: Post) -> bool:
    """Whether ``user`` wrote or edited ``post``, as the audit log remembers it (the
    author field alone forgets the committee members who changed the text since)."""
    return (
        post.author_id == user.pk
        or editing_log().filter(actor=user, object_id=str(post.pk)).exists()
    )


def posts_to_review(user: Any) -> QuerySet[Post]:
    """The posts ``user`` may review now (``can_review_post`` for a whole list): in
    review, in a structure they review for, neither written nor edited by them."""
    if not is_authenticated(user):
        return Post.objects.none()
    shaped = editing_log().filter(actor=user, object_id=Cast(OuterRef("pk"), CharField()))
    waiting = (
        Post.objects.filter(status=Post.Status.IN_REVIEW)
        .exclude(author=user)
        .exclude(Exists(shaped))
    )
    if in_communication_group(user):
        return waiting
    led = CommunicationRole.objects.filter(user=user).values("structure_id")
    return waiting.filter(structure_id__in=led)


def post_reviewers(post: Post) -> QuerySet[User]:
    """Who may review ``post`` (``can_review_post`` the other way round): the
    communication group (national administrators by right) and the structure's
    communication leads, minus anyone who wrote or edited it."""
    roles = CommunicationRole.objects.filter(
        Q(structure__isnull=True) | Q(structure=post.structure_id)
    ).values("user_id")
    # Without the null actors: NOT IN over a NULL would exclude everyone.
    editors = editing_log().filter(object_id=str(post.pk), actor__isnull=False).values("actor_id")
    reviewers = User.objects.filter(Q(pk__in=roles) | Q(is_national_admin=True), is_active=True)
    reviewers = reviewers.exclude(pk__in=editors)
    if post.author_id is not None:
        reviewers = reviewers.exclude(pk=post.author_id)
    return reviewers


@policy.register("outreach.review_post")
def can_review_post(user: Any, post: Post) -> bool:
    return (
        post.status == Post.Status.IN_REVIEW
        and reviews_for(user, post.structure)
        and not has_shaped(user, post)
    )


@policy.register("outreach.unschedule_post")
def can_unschedule_post(user: Any, post: Post) -> bool:
    """A scheduled post can be taken back to review until it has gone out."""
    return post.status == Post.Status.SCHEDULED and reviews_for(user, post.structure)


@policy.register("outreach.record_publication")
def can_record_publication(user: Any, post: Post) -> bool:
    """Networks without an open API: someone posts it by hand and says so."""
    return post.status in ON_THE_CALENDAR and speaks_for(user, post.structure)


@policy.register("outreach.comment_post")
def can_comment_post(user: Any, post: Post) -> bool:
    return speaks_for(user, post.structure) or reviews_for(user, post.structure)


@policy.register("outreach.delete_post")
def can_delete_post(user: Any, post: Post) -> bool:
    """A post that went out stays, for the record."""
    return post.status != Post.Status.PUBLISHED and (
        post.author_id == getattr(user, "pk", None) or in_communication_group(user)
    )


# Short links --------------------------------------------------------------------------


def visible_short_links(user: Any) -> QuerySet[ShortLink]:
    if is_member(user):
        return ShortLink.objects.all()
    return ShortLink.objects.none()


@policy.register_visibility(ShortLink, scope=visible_short_links)
def can_see_short_link(user: Any, link: ShortLink) -> bool:
    """The management page of a link (its counts); following it is public."""
    return is_member(user)


@policy.register("outreach.add_short_link")
def can_add_short_link(user: Any, _nothing: Any = None) -> bool:
    return is_member(user)


@policy.register("outreach.link_elsewhere")
def can_link_elsewhere(user: Any, _nothing: Any = None) -> bool:
    """A short link to another site could send tract readers anywhere (an open
    redirect under the movement's name): the communication group decides."""
    return in_communication_group(user)


@policy.register("outreach.edit_short_link")
def can_edit_short_link(user: Any, link: ShortLink) -> bool:
    return is_authenticated(user) and (
        link.created_by_id == user.pk or in_communication_group(user)
    )
