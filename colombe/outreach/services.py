"""The life of a post: drafted by a committee, reviewed by the communication group or the
committee's communication lead, scheduled, then published (colombe.outreach.publishing).
Campaigns, which posts belong to, are kept here too.

Each action checks the policy, writes in one transaction, records an audit entry and
enqueues its emails in that transaction.

How long a text is: every network's limit (``models.TEXT_LIMITS``) is checked against the
text *as it will be published* (``text_as_published``: the text, then the link on its own
line unless the text already holds it), counting each web address as 23 characters, as
Mastodon (and X) do whatever the address's length. Publishers use ``text_as_published``
so that what was counted is what goes out."""

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, hashtags_in_text, parse_hashtags
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.slugs import first_free_slug
from colombe.movement.models import Structure
from colombe.outreach import preview_tasks
from colombe.outreach.models import (
    TEXT_LIMITS,
    Campaign,
    ChecklistItem,
    Network,
    Post,
    PostComment,
    PostImage,
    PostReview,
    PostTarget,
    SocialAccount,
)
from colombe.outreach.policy import (
    in_communication_group,
    post_reviewers,
    structures_user_speaks_for,
)
from colombe.reports import photos

MAX_IMAGES = 4
URL_LENGTH = 23
URL_RE = re.compile(r"https?://\S+")
# Post fields a form may set; anything else is the workflow's business.
CONTENT_FIELDS = ("structure", "campaign", "text", "link_url")


class PostActionError(Exception):
    """A refusal to show the user (a step that does not apply, a missing comment…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Checking a post -------------------------------------------------------------------------


def text_as_published(text: str, link_url: str) -> str:
    """What goes out: the text, and the link after it unless the text already has it."""
    text = text.strip()
    if link_url and link_url not in text:
        return f"{text}\n\n{link_url}"
    return text


def counted_length(text: str) -> int:
    """The length networks count: each web address counts 23 characters."""
    return len(URL_RE.sub("x" * URL_LENGTH, text))


def length_errors(text: str, link_url: str, networks: Iterable[str]) -> list[str]:
    """One message per network the text is too long for, naming the excess."""
    length = counted_length(text_as_published(text, link_url))
    errors = []
    for network in sorted(set(networks)):
        limit = TEXT_LIMITS[Network(network)]
        if length > limit:
            errors.append(
                _(
                    "The text is too long for %(network)s: %(length)s characters, "
                    "%(excess)s more than its limit of %(limit)s."
                )
                % {
                    "network": Network(network).label,
                    "length": length,
                    "excess": length - limit,
                    "limit": limit,
                }
            )
    return errors


def targetable_accounts(user: Any, structure: Structure) -> QuerySet[SocialAccount]:
    """Accounts ``user`` may post to on behalf of ``structure``: the structure's own
    active accounts; the communication group may use any active account."""
    active = SocialAccount.objects.filter(status=SocialAccount.Status.ACTIVE)
    if in_communication_group(user):
        return active
    return active.filter(owner=structure)


def dormant_errors(accounts: Iterable[SocialAccount]) -> list[str]:
    return [
        _("%(account)s is dormant: it cannot publish.") % {"account": str(account)}
        for account in accounts
        if account.status == SocialAccount.Status.DORMANT
    ]


def target_errors(user: Any, structure: Structure, accounts: Iterable[SocialAccount]) -> list[str]:
    accounts = list(accounts)
    allowed = set(targetable_accounts(user, structure).values_list("pk", flat=True))
    # A dormant account is named once, as dormant (it is never among the allowed ones).
    foreign = [
        _("%(account)s is not an account of %(structure)s.")
        % {"account": str(account), "structure": structure.name}
        for account in accounts
        if account.status != SocialAccount.Status.DORMANT and account.pk not in allowed
    ]
    return dormant_errors(accounts) + foreign


def check_content(
    user: Any,
    *,
    structure: Structure,
    text: str,
    link_url: str,
    accounts: list[SocialAccount],
) -> None:
    """Raise a ValidationError naming the fields (text, accounts) that are wrong."""
    problems: dict[str, list[str]] = {}
    if not text.strip():
        problems["text"] = [_("Please write the text of the post.")]
    else:
        too_long = length_errors(text, link_url, [account.network for account in accounts])
        if too_long:
            problems["text"] = too_long
    wrong_targets = target_errors(user, structure, accounts)
    if wrong_targets:
        problems["accounts"] = wrong_targets
    if problems:
        raise ValidationError(problems)


def check_ready(post: Post) -> None:
    """What a post needs before review and again before it is scheduled (an account may
    have gone dormant meanwhile)."""
    accounts = [target.account for target in post.targets.select_related("account")]
    if not accounts:
        raise PostActionError(_("Choose at least one account to publish on."))
    problems = length_errors(post.text, post.link_url, [account.network for account in accounts])
    problems += dormant_errors(accounts)
    if post.images.filter(alt_text="").exists():
        problems.append(_("Every image needs a description."))
    if problems:
        raise PostActionError(" ".join(problems))


# Writing a post --------------------------------------------------------------------------


def set_content(post: Post, fields: dict[str, Any]) -> bool:
    """Copy the form's fields; True when the link changed (its preview is fetched again)."""
    old_link = post.link_url
    for name, value in fields.items():
        if name not in CONTENT_FIELDS:
            raise TypeError(f"{name} may not be set by a form.")
        setattr(post, name, value)
    post.text = post.text.strip()
    link_changed = post.link_url != old_link
    if link_changed:
        post.link_title = ""
        post.link_description = ""
    return link_changed


def save_targets_and_hashtags(post: Post, accounts: list[SocialAccount]) -> None:
    chosen = {account.pk for account in accounts}
    post.targets.exclude(account_id__in=chosen).delete()
    existing = set(post.targets.values_list("account_id", flat=True))
    PostTarget.objects.bulk_create(
        [
            PostTarget(post=post, account=account)
            for account in accounts
            if account.pk not in existing
        ]
    )
    post.hashtags.set(get_or_create_hashtags(hashtags_in_text(post.text)))


def fetch_preview_if(link_changed: bool, post: Post) -> None:
    if link_changed and post.link_url:
        preview_tasks.fetch_link_preview.enqueue(post.pk, post.link_url)


def require_speaks_for(actor: Any, structure: Structure) -> None:
    if not structures_user_speaks_for(actor).filter(pk=structure.pk).exists():
        raise PermissionDenied


def create_post(actor: Any, *, accounts: list[SocialAccount], **fields: Any) -> Post:
    policy.require(actor, "outreach.draft_post")
    require_speaks_for(actor, fields["structure"])
    post = Post(author=actor)
    link_changed = set_content(post, fields)
    check_content(
        actor, structure=post.structure, text=post.text, link_url=post.link_url, accounts=accounts
    )
    with transaction.atomic():
        post.save()
        save_targets_and_hashtags(post, accounts)
        log_action(actor, "outreach.post.created", post, {"structure": post.structure_id})
        fetch_preview_if(link_changed, post)
    return post


def update_post(actor: Any, post: Post, *, accounts: list[SocialAccount], **fields: Any) -> Post:
    policy.require(actor, "outreach.edit_post", post)
    require_speaks_for(actor, fields.get("structure", post.structure))
    link_changed = set_content(post, fields)
    check_content(
        actor, structure=post.structure, text=post.text, link_url=post.link_url, accounts=accounts
    )
    with transaction.atomic():
        post.save()
        save_targets_and_hashtags(post, accounts)
        log_action(actor, "outreach.post.updated", post, {"link_changed": link_changed})
        fetch_preview_if(link_changed, post)
    return post


def add_image(
    actor: Any, post: Post, upload: "UploadedFile | photos.ProcessedPhoto", alt_text: str
) -> PostImage:
    """Store an image re-encoded without metadata, with its required description."""
    policy.require(actor, "outreach.edit_post", post)
    if not alt_text.strip():
        raise PostActionError(_("Please describe the image for people who cannot see it."))
    processed = (
        upload if isinstance(upload, photos.ProcessedPhoto) else photos.process_photo(upload)
    )
    with transaction.atomic():
        # Lock the post so two uploads at once cannot go past the limit.
        Post.objects.select_for_update().filter(pk=post.pk).first()
        if post.images.count() >= MAX_IMAGES:
            raise PostActionError(_("A post has at most %(count)s images.") % {"count": MAX_IMAGES})
        last = post.images.aggregate(last=Max("position"))["last"]
        image = PostImage(
            post=post,
            alt_text=alt_text.strip(),
            width=processed.width,
            height=processed.height,
            position=0 if last is None else last + 1,
        )
        image.image.save(
            photos.stored_name(processed.extension), ContentFile(processed.image), save=False
        )
        image.save()
        log_action(actor, "outreach.post.image_added", post, {"image": image.pk})
    return image


def remove_files_on_commit(images: Iterable[PostImage]) -> None:
    names = [(image.image.storage, image.image.name) for image in images if image.image]

    def remove() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def remove_image(actor: Any, image: PostImage) -> None:
    policy.require(actor, "outreach.edit_post", image.post)
    with transaction.atomic():
        log_action(actor, "outreach.post.image_removed", image.post, {"image": image.pk})
        remove_files_on_commit([image])
        image.delete()


def delete_post(actor: Any, post: Post) -> None:
    policy.require(actor, "outreach.delete_post", post)
    with transaction.atomic():
        log_action(actor, "outreach.post.deleted", post, {"text": post.text[:200]})
        remove_files_on_commit(post.images.all())
        post.delete()


def add_comment(actor: Any, post: Post, body: str) -> PostComment:
    policy.require(actor, "outreach.comment_post", post)
    if not body.strip():
        raise PostActionError(_("Please write your comment."))
    with transaction.atomic():
        comment = PostComment.objects.create(post=post, author=actor, body=body.strip())
        log_action(actor, "outreach.post.commented", post, {"comment": comment.pk})
    return comment


# Review ----------------------------------------------------------------------------------


def reviewers_of(post: Post) -> list[User]:
    """Who is asked to review ``post``: see ``policy.post_reviewers``."""
    return list(post_reviewers(post).order_by("pk"))


def email_context(post: Post) -> dict[str, Any]:
    return {
        "post": post,
        "structure": post.structure,
        "post_url": absolute_url(post.get_absolute_url()),
    }


def submit_for_review(actor: Any, post: Post) -> Post:
    policy.require(actor, "outreach.edit_post", post)
    check_ready(post)
    with transaction.atomic():
        post.status = Post.Status.IN_REVIEW
        post.submitted_at = timezone.now()
        post.save(update_fields=["status", "submitted_at", "updated_at"])
        log_action(actor, "outreach.post.submitted", post)
        context = {**email_context(post), "author": actor}
        for reviewer in reviewers_of(post):
            enqueue_templated_email(
                to=[reviewer.email],
                template="outreach/email/review_requested",
                context={**context, "review_url": absolute_url(review_path(post))},
            )
    return post


def review_path(post: Post) -> str:
    return reverse("outreach:post_review", args=[post.pk])


def record_review(
    reviewer: Any,
    post: Post,
    decision: str,
    comment: str,
    checked_items: Iterable[ChecklistItem],
) -> PostReview:
    review = PostReview.objects.create(
        post=post, reviewer=reviewer, decision=decision, comment=comment.strip()
    )
    review.checked_items.set([item for item in checked_items if item.is_active])
    return review


def email_author(post: Post, review: PostReview) -> None:
    author = post.author
    if author is None or not author.is_active:
        return
    enqueue_templated_email(
        to=[author.email],
        template="outreach/email/reviewed",
        context={**email_context(post), "review": review},
    )


def request_changes(
    reviewer: Any, post: Post, comment: str, checked_items: Iterable[ChecklistItem]
) -> PostReview:
    policy.require(reviewer, "outreach.review_post", post)
    if not comment.strip():
        raise PostActionError(_("Please say what should change."))
    with transaction.atomic():
        review = record_review(
            reviewer, post, PostReview.Decision.CHANGES_REQUESTED, comment, checked_items
        )
        post.status = Post.Status.CHANGES_REQUESTED
        post.save(update_fields=["status", "updated_at"])
        log_action(reviewer, "outreach.post.changes_requested", post, {"review": review.pk})
        email_author(post, review)
    return review


def approve_and_schedule(
    reviewer: Any,
    post: Post,
    when: datetime | None,
    checked_items: Iterable[ChecklistItem],
    comment: str = "",
) -> PostReview:
    """Approve the post and schedule it at ``when`` (now when None). A time already past
    sends it at once."""
    policy.require(reviewer, "outreach.review_post", post)
    check_ready(post)
    when = when or timezone.now()
    with transaction.atomic():
        review = record_review(reviewer, post, PostReview.Decision.APPROVED, comment, checked_items)
        post.status = Post.Status.SCHEDULED
        post.scheduled_at = when
        post.reviewed_by = reviewer
        post.save(update_fields=["status", "scheduled_at", "reviewed_by", "updated_at"])
        post.targets.update(
            state=PostTarget.State.PENDING, attempts=0, next_attempt_at=None, last_error=""
        )
        log_action(
            reviewer,
            "outreach.post.approved",
            post,
            {"review": review.pk, "scheduled_at": when.isoformat()},
        )
        email_author(post, review)
        if when <= timezone.now():
            transaction.on_commit(publish_now)
    return review


def publish_now() -> None:
    # Imported here: the tasks reach the network clients, which import this module
    # (text_as_published).
    from colombe.outreach.tasks import publish_due_posts

    publish_due_posts.enqueue()


def unschedule(actor: Any, post: Post) -> Post:
    """Take a scheduled post back to review, before any account has it."""
    policy.require(actor, "outreach.unschedule_post", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        gone_out = locked.targets.filter(
            state__in=[PostTarget.State.SENDING, PostTarget.State.PUBLISHED]
        )
        if locked.status != Post.Status.SCHEDULED or gone_out.exists():
            raise PostActionError(_("This post is already going out: it cannot be taken back."))
        post.status = Post.Status.IN_REVIEW
        post.scheduled_at = None
        post.reviewed_by = None
        post.save(update_fields=["status", "scheduled_at", "reviewed_by", "updated_at"])
        log_action(actor, "outreach.post.unscheduled", post)
    return post


# Campaigns -------------------------------------------------------------------------------

CAMPAIGN_FIELDS = ("title", "description", "starts_on", "ends_on")


def save_campaign(actor: Any, campaign: Campaign, hashtags: str, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in CAMPAIGN_FIELDS:
            raise TypeError(f"{name} may not be set by a form.")
        setattr(campaign, name, value)
    creating = campaign.pk is None
    with transaction.atomic():
        if creating:
            base = slugify(campaign.title)[:200].strip("-") or "campagne"
            campaign.slug = first_free_slug(Campaign.objects.all(), base)
            campaign.created_by = actor
        campaign.save()
        campaign.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        action = "outreach.campaign.created" if creating else "outreach.campaign.updated"
        log_action(actor, action, campaign, {"title": campaign.title})


def create_campaign(actor: Any, *, hashtags: str = "", **fields: Any) -> Campaign:
    policy.require(actor, "outreach.manage_campaigns")
    campaign = Campaign()
    save_campaign(actor, campaign, hashtags, fields)
    return campaign


def update_campaign(
    actor: Any, campaign: Campaign, *, hashtags: str = "", **fields: Any
) -> Campaign:
    policy.require(actor, "outreach.manage_campaigns", campaign)
    save_campaign(actor, campaign, hashtags, fields)
    return campaign


def delete_campaign(actor: Any, campaign: Campaign) -> None:
    """Its posts and short links stay, without a campaign (``on_delete=SET_NULL``)."""
    policy.require(actor, "outreach.manage_campaigns", campaign)
    with transaction.atomic():
        log_action(actor, "outreach.campaign.deleted", campaign, {"title": campaign.title})
        campaign.delete()
