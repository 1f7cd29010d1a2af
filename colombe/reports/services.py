"""Writing action reports: create, edit, publish, photos, reactions, comments, reuse.

Each action checks the policy, writes in one transaction and records an audit entry."""

import re
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.core.ratelimit import hit_key
from colombe.core.slugs import first_free_slug
from colombe.groups.models import Group, Visibility
from colombe.movement.models import Structure
from colombe.reports import photos
from colombe.reports.models import ActionReport, Comment, Reaction, ReportPhoto

# What a form may set on a report (besides the "hashtags" text).
EDITABLE_FIELDS = (
    "kind",
    "title",
    "happened_on",
    "town",
    "people_reached",
    "paper_signatures",
    "petition",
    "meeting",
    "body",
    "visibility",
)
# "#désarmement" in a text, not inside a word, a URL fragment ("/#top") or an entity.
BODY_HASHTAG_RE = re.compile(r"(?<![\w&#/])#([\w-]{2,60})", re.UNICODE)
COMMENTS_PER_PERIOD = 10
COMMENT_PERIOD_SECONDS = 10 * 60


class ReportActionError(Exception):
    """A refusal to show the user (too many photos, too many comments, incomplete report)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hashtags_in_body(body: str) -> list[str]:
    return parse_hashtags(" ".join(BODY_HASHTAG_RE.findall(body or "")))


def unique_slug(title: str, happened_on: date, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180].strip("-") or "compte-rendu"
    dated = f"{base}-{happened_on.isoformat()}"
    return first_free_slug(ActionReport.objects.all(), dated, exclude_pk)


def group_forces_committee(group: Group | None) -> bool:
    return group is not None and group.visibility != Visibility.PUBLIC


def _apply(report: ActionReport, fields: dict[str, Any]) -> str | None:
    """Copy form fields onto ``report``; return the hashtags text if given."""
    hashtags_text = fields.pop("hashtags", None)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"{name} is not an editable field of a report.")
        setattr(report, name, value)
    if not report.kind:
        report.kind = ActionReport.Kind.OTHER
    if report.happened_on is None:
        report.happened_on = timezone.localdate()
    if group_forces_committee(report.group):
        # A report in a private or secret group's space is as closed as the group.
        report.visibility = ActionReport.Visibility.COMMITTEE
    report.body_html = render_markdown(report.body)
    return hashtags_text


def _set_hashtags(report: ActionReport, hashtags_text: str | None) -> None:
    names = parse_hashtags(hashtags_text or "")
    names += [name for name in hashtags_in_body(report.body) if name not in names]
    report.hashtags.set(get_or_create_hashtags(names))


def create_report(
    author: Any, structure: Structure, group: Group | None = None, **fields: Any
) -> ActionReport:
    """A new draft of what ``structure`` (or ``group``, in its space) did."""
    if group is not None:
        structure = group.owner
    policy.require(author, "reports.create", group or structure)
    report = ActionReport(structure=structure, group=group, author=author)
    hashtags_text = _apply(report, fields)
    with transaction.atomic():
        report.slug = unique_slug(report.title, report.happened_on)
        report.save()
        _set_hashtags(report, hashtags_text)
        log_action(author, "reports.report.created", report, {"title": report.title})
    return report


def update_report(actor: Any, report: ActionReport, **fields: Any) -> ActionReport:
    policy.require(actor, "reports.edit", report)
    hashtags_text = _apply(report, fields)
    with transaction.atomic():
        if report.status == ActionReport.Status.DRAFT:
            # A draft's address follows its title; a published one keeps its links.
            report.slug = unique_slug(report.title, report.happened_on, exclude_pk=report.pk)
        report.save()
        _set_hashtags(report, hashtags_text)
        log_action(actor, "reports.report.updated", report)
    return report


def missing_for_publication(report: ActionReport) -> list[str]:
    missing = []
    if not report.title.strip():
        missing.append(str(ActionReport._meta.get_field("title").verbose_name))
    if not report.town.strip():
        missing.append(str(ActionReport._meta.get_field("town").verbose_name))
    return missing


def publish_report(actor: Any, report: ActionReport) -> ActionReport:
    policy.require(actor, "reports.edit", report)
    missing = missing_for_publication(report)
    if missing:
        raise ReportActionError(
            _("Before publishing, please fill in: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    if report.status == ActionReport.Status.PUBLISHED:
        return report
    with transaction.atomic():
        report.status = ActionReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.save(update_fields=["status", "published_at", "updated_at"])
        log_action(actor, "reports.report.published", report)
    return report


def delete_report(actor: Any, report: ActionReport) -> None:
    policy.require(actor, "reports.edit", report)
    files = [(p.image, p.thumbnail) for p in report.photos.all()]
    with transaction.atomic():
        log_action(actor, "reports.report.deleted", report, {"title": report.title})
        report.delete()

        def remove_files() -> None:
            for image, thumbnail in files:
                image.delete(save=False)
                thumbnail.delete(save=False)

        transaction.on_commit(remove_files)


def add_photo(
    report: ActionReport,
    upload: "UploadedFile | photos.ProcessedPhoto",
    alt_text: str,
    *,
    actor: Any = None,
) -> ReportPhoto:
    """Store a photo re-encoded without metadata, with its thumbnail and alt text."""
    if actor is not None:
        policy.require(actor, "reports.edit", report)
    if not alt_text.strip():
        raise ReportActionError(_("Please describe the photo for people who cannot see it."))
    processed = (
        upload if isinstance(upload, photos.ProcessedPhoto) else photos.process_photo(upload)
    )
    with transaction.atomic():
        # Lock the report so two uploads at once cannot go past the limit.
        ActionReport.objects.select_for_update().filter(pk=report.pk).first()
        if report.photos.count() >= photos.MAX_PHOTOS:
            raise ReportActionError(
                _("A report has at most %(count)s photos.") % {"count": photos.MAX_PHOTOS}
            )
        last = report.photos.aggregate(last=Max("position"))["last"]
        photo = ReportPhoto(
            report=report,
            alt_text=alt_text.strip(),
            width=processed.width,
            height=processed.height,
            position=0 if last is None else last + 1,
        )
        name = photos.stored_name(processed.extension)
        photo.image.save(name, ContentFile(processed.image), save=False)
        photo.thumbnail.save(name, ContentFile(processed.thumbnail), save=False)
        photo.save()
        log_action(actor or report.author, "reports.photo.added", report, {"photo": photo.pk})
    return photo


def remove_photo(actor: Any, photo: ReportPhoto) -> None:
    policy.require(actor, "reports.edit", photo.report)
    image, thumbnail = photo.image, photo.thumbnail
    with transaction.atomic():
        log_action(actor, "reports.photo.removed", photo.report, {"photo": photo.pk})
        photo.delete()

        def remove_files() -> None:
            image.delete(save=False)
            thumbnail.delete(save=False)

        transaction.on_commit(remove_files)


def react(report: ActionReport, user: Any, kind: str) -> bool:
    """Toggle ``user``'s reaction of ``kind``; True when the reaction is now there."""
    policy.require(user, "reports.react", report)
    if kind not in Reaction.Kind.values:
        raise ValueError(f"Unknown reaction {kind}.")
    with transaction.atomic():
        deleted, _count = Reaction.objects.filter(report=report, user=user, kind=kind).delete()
        if deleted:
            log_action(user, "reports.reaction.removed", report, {"kind": kind})
            return False
        Reaction.objects.get_or_create(report=report, user=user, kind=kind)
        log_action(user, "reports.reaction.added", report, {"kind": kind})
    return True


def comment(report: ActionReport, user: Any, body: str) -> Comment:
    policy.require(user, "reports.react", report)
    if not hit_key(
        f"reports.comment:{user.pk}",
        limit=COMMENTS_PER_PERIOD,
        period_seconds=COMMENT_PERIOD_SECONDS,
    ):
        raise ReportActionError(_("You have posted many comments. Please wait a few minutes."))
    with transaction.atomic():
        created = Comment.objects.create(report=report, author=user, body=body.strip())
        log_action(user, "reports.comment.created", report, {"comment": created.pk})
    return created


def set_comment_hidden(comment: Comment, user: Any, *, hidden: bool) -> None:
    """Hide a comment from everyone but the moderators, or show it again; recorded in the
    audit log. Doing it twice changes nothing."""
    policy.require(user, "reports.moderate", comment.report)
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=hidden).update(
            hidden_at=timezone.now() if hidden else None
        )
        if changed:
            action = "reports.comment.hidden" if hidden else "reports.comment.shown"
            log_action(user, action, comment.report, {"comment": comment.pk})


def reuse_report(report: ActionReport, user: Any, structure: Structure) -> ActionReport:
    """A draft plan for ``structure`` copied from ``report``: what was done and how, not
    when, where or with how many people — and not the photos."""
    policy.require(user, "reports.reuse", report)
    policy.require(user, "reports.create", structure)
    copy = ActionReport(
        structure=structure,
        author=user,
        kind=report.kind,
        title=(_("(reused) %(title)s") % {"title": report.title})[:200],
        happened_on=timezone.localdate(),
        town="",
        body=report.body,
        body_html=render_markdown(report.body),
        reused_from=report,
    )
    with transaction.atomic():
        copy.slug = unique_slug(copy.title, copy.happened_on)
        copy.save()
        copy.hashtags.set(report.hashtags.all())
        log_action(user, "reports.report.reused", copy, {"from": report.pk})
    return copy
