"""What the editorial team does with an edition: open it, pick and order reports, cut
their texts, write the editorial, discuss, send it to proofreading and publish it."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url
from colombe.core.markdown import render_markdown
from colombe.journal.email_edition import send_email_edition
from colombe.journal.models import Edition, EditionItem, EditorialComment, JournalEditor, Section
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.movement.models import Membership, Structure
from colombe.reports.feeds import public_reports
from colombe.reports.models import ActionReport, ReportPhoto

# Committees featured in this many previous editions come after the others.
RECENT_EDITIONS = 3
MAX_PROPOSALS = 300

Direction = Literal["up", "down"]


# The editorial team ----------------------------------------------------------------------


def appoint_editor(*, actor: Any, user: Any) -> JournalEditor:
    policy.require(actor, "journal.appoint")
    with transaction.atomic():
        editor, _created = JournalEditor.objects.get_or_create(
            user=user, defaults={"appointed_by": actor}
        )
        log_action(actor, "journal.editor.appointed", editor, {"user": user.pk})
    return editor


def remove_editor(*, actor: Any, editor: JournalEditor) -> None:
    policy.require(actor, "journal.appoint")
    with transaction.atomic():
        log_action(actor, "journal.editor.removed", editor, {"user": editor.user_id})
        editor.delete()


# Editions ------------------------------------------------------------------------------


def next_number() -> int:
    return (Edition.objects.aggregate(last=Max("number"))["last"] or 0) + 1


def open_edition(*, actor: Any, title: str, period_start: date, period_end: date) -> Edition:
    policy.require(actor, "journal.create")
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    with transaction.atomic():
        edition = Edition.objects.create(
            number=next_number(),
            title=title,
            period_start=period_start,
            period_end=period_end,
            created_by=actor,
        )
        log_action(actor, "journal.edition.opened", edition)
    return edition


def cover_choices(edition: Edition) -> QuerySet[ReportPhoto]:
    """The cover is one of the featured reports' photos."""
    featured = public_reports().filter(journal_items__edition=edition).values("pk")
    return ReportPhoto.objects.filter(report_id__in=featured).select_related("report")


def update_edition(*, actor: Any, edition: Edition, fields: dict[str, Any]) -> Edition:
    policy.require(actor, "journal.edit", edition)
    cover = fields.get("cover_photo")
    if cover is not None and not cover_choices(edition).filter(pk=cover.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        for name, value in fields.items():
            setattr(edition, name, value)
        edition.editorial_html = render_markdown(edition.editorial)
        edition.save()
        log_action(actor, "journal.edition.updated", edition)
    return edition


# Proposals -----------------------------------------------------------------------------


@dataclass
class ProposalGroup:
    region: str
    kind: str
    reports: list[ActionReport] = field(default_factory=list)


def region_name(structure: Structure) -> str:
    region = structure.territory.region() if structure.territory_id else None
    return region.name if region is not None else _("National")


def proposed_reports(edition: Edition) -> QuerySet[ActionReport]:
    """The period's public, published reports not yet in the edition: those with photos
    first, then committees not featured in the last editions, then the most recent."""
    recent = (
        Edition.objects.filter(status=Edition.Status.PUBLISHED)
        .exclude(pk=edition.pk)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:RECENT_EDITIONS]
    )
    featured_recently = EditionItem.objects.filter(
        edition_id__in=list(recent), report__structure_id=OuterRef("structure_id")
    )
    return (
        public_reports()
        .filter(happened_on__range=(edition.period_start, edition.period_end))
        .exclude(journal_items__edition=edition)
        .annotate(
            has_photo=Exists(ReportPhoto.objects.filter(report_id=OuterRef("pk"))),
            featured_recently=Exists(featured_recently),
        )
        .select_related("structure__territory__parent__parent__parent")
        .order_by("-has_photo", "featured_recently", "-happened_on", "-pk")
    )


def group_proposals(reports: list[ActionReport]) -> list[ProposalGroup]:
    """By region, then by kind of action; each group keeps the proposal order."""
    groups: dict[tuple[str, str], ProposalGroup] = {}
    for report in reports:
        region = region_name(report.structure)
        key = (region, report.get_kind_display())
        groups.setdefault(key, ProposalGroup(region=key[0], kind=key[1])).reports.append(report)
    return [groups[key] for key in sorted(groups)]


def proposals(edition: Edition) -> list[ProposalGroup]:
    return group_proposals(list(proposed_reports(edition)[:MAX_PROPOSALS]))


# Items and sections --------------------------------------------------------------------


def _next_order(queryset: QuerySet[Any]) -> int:
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 1


def add_report(
    *, actor: Any, edition: Edition, report: ActionReport, section: Section | None = None
) -> EditionItem:
    policy.require(actor, "journal.edit", edition)
    # The journal is public: only public, published reports may be featured.
    if not public_reports().filter(pk=report.pk).exists():
        raise PermissionDenied
    if section is not None and section.edition_id != edition.pk:
        raise PermissionDenied
    with transaction.atomic():
        item, _created = EditionItem.objects.get_or_create(
            edition=edition,
            report=report,
            defaults={"section": section, "order": _next_order(edition.items.all())},
        )
        log_action(actor, "journal.item.added", edition, {"report": report.pk})
    return item


def update_item(
    *, actor: Any, item: EditionItem, section: Section | None, short_text: str
) -> EditionItem:
    policy.require(actor, "journal.edit", item.edition)
    if section is not None and section.edition_id != item.edition_id:
        raise PermissionDenied
    with transaction.atomic():
        item.section = section
        item.short_text = short_text
        item.save(update_fields=["section", "short_text"])
        log_action(actor, "journal.item.updated", item.edition, {"item": item.pk})
    return item


def remove_item(*, actor: Any, item: EditionItem) -> None:
    policy.require(actor, "journal.edit", item.edition)
    with transaction.atomic():
        log_action(actor, "journal.item.removed", item.edition, {"report": item.report_id})
        item.delete()


def _swap_with_neighbour(siblings: QuerySet[Any], current: Any, direction: Direction) -> None:
    ordered = list(siblings.order_by("order", "pk"))
    index = ordered.index(current)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])


def move_item(*, actor: Any, item: EditionItem, direction: Direction) -> None:
    """Up or down among the items of its section (no JavaScript needed)."""
    policy.require(actor, "journal.edit", item.edition)
    with transaction.atomic():
        siblings = item.edition.items.filter(section=item.section)
        _swap_with_neighbour(siblings, item, direction)
        log_action(actor, "journal.item.moved", item.edition, {"item": item.pk})


def add_section(*, actor: Any, edition: Edition, title: str) -> Section:
    policy.require(actor, "journal.edit", edition)
    with transaction.atomic():
        section = Section.objects.create(
            edition=edition, title=title, order=_next_order(edition.sections.all())
        )
        log_action(actor, "journal.section.added", edition, {"section": section.pk})
    return section


def move_section(*, actor: Any, section: Section, direction: Direction) -> None:
    policy.require(actor, "journal.edit", section.edition)
    with transaction.atomic():
        _swap_with_neighbour(section.edition.sections.all(), section, direction)
        log_action(actor, "journal.section.moved", section.edition, {"section": section.pk})


def remove_section(*, actor: Any, section: Section) -> None:
    """Its items stay in the edition, outside any section."""
    policy.require(actor, "journal.edit", section.edition)
    with transaction.atomic():
        log_action(actor, "journal.section.removed", section.edition, {"title": section.title})
        section.delete()


def add_comment(*, actor: Any, edition: Edition, body: str) -> EditorialComment:
    policy.require(actor, "journal.edit", edition)
    with transaction.atomic():
        comment = EditorialComment.objects.create(edition=edition, author=actor, body=body)
        log_action(actor, "journal.comment.added", edition, {"comment": comment.pk})
    return comment


# Workflow ------------------------------------------------------------------------------


def _move_to(actor: Any, edition: Edition, status: str, action: str) -> None:
    with transaction.atomic():
        edition.status = status
        edition.save(update_fields=["status", "updated_at"])
        log_action(actor, action, edition)


def send_to_proofreading(*, actor: Any, edition: Edition) -> None:
    policy.require(actor, "journal.edit", edition)
    if edition.status != Edition.Status.DRAFT:
        raise PermissionDenied
    _move_to(actor, edition, Edition.Status.PROOFREADING, "journal.edition.proofreading")


def back_to_draft(*, actor: Any, edition: Edition) -> None:
    policy.require(actor, "journal.edit", edition)
    if edition.status != Edition.Status.PROOFREADING:
        raise PermissionDenied
    _move_to(actor, edition, Edition.Status.DRAFT, "journal.edition.draft")


def publish_edition(*, actor: Any, edition: Edition) -> None:
    """Publish, tell each featured committee's leaders, send the email edition and start
    the PDF — all in one transaction: none of them exists without the others."""
    policy.require(actor, "journal.publish", edition)
    with transaction.atomic():
        edition.status = Edition.Status.PUBLISHED
        edition.published_at = timezone.now()
        edition.save(update_fields=["status", "published_at", "updated_at"])
        sent = enqueue(notices(edition))
        sections = printed_sections(edition)
        edition.newsletter = send_email_edition(actor=actor, edition=edition, sections=sections)
        edition.save(update_fields=["newsletter"])
        log_action(actor, "journal.edition.published", edition, {"notices": sent})
        start_pdf(edition)


# Outputs -------------------------------------------------------------------------------


def featured_items(edition: Edition) -> QuerySet[EditionItem]:
    """The items as readers see them: a report that stopped being public since it was
    picked drops out of every output."""
    return (
        edition.items.filter(report__in=public_reports())
        .select_related("report__structure", "section")
        .prefetch_related("report__photos")
        .order_by("section__order", "section_id", "order", "pk")
    )


@dataclass
class PrintedSection:
    title: str
    items: list[EditionItem]


def printed_sections(edition: Edition) -> list[PrintedSection]:
    """Sections in order, then the items outside any section under "Other actions"."""
    by_section: dict[int | None, list[EditionItem]] = {}
    for item in featured_items(edition):
        by_section.setdefault(item.section_id, []).append(item)
    sections = [
        PrintedSection(section.title, by_section[section.pk])
        for section in edition.sections.all()
        if section.pk in by_section
    ]
    if None in by_section:
        title = _("Other actions") if sections else _("The committees' actions")
        sections.append(PrintedSection(title, by_section[None]))
    return sections


def featured_leaders(edition: Edition) -> QuerySet[Membership]:
    committees = featured_items(edition).values("report__structure_id")
    return (
        Membership.objects.filter(
            structure_id__in=committees,
            role=Membership.Role.LEADER,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .select_related("user", "structure")
        .order_by("user_id", "structure_id")
    )


def notices(edition: Edition) -> list[OutgoingEmail]:
    """One "your action appears in the journal" email per leader, naming every featured
    committee they lead."""
    committees_of: dict[int, list[Membership]] = {}
    for membership in featured_leaders(edition):
        committees_of.setdefault(membership.user_id, []).append(membership)
    with translation.override(settings.LANGUAGE_CODE):
        return [_notice(edition, memberships) for memberships in committees_of.values()]


def _notice(edition: Edition, memberships: list[Membership]) -> OutgoingEmail:
    user = memberships[0].user
    context = {
        "edition": edition,
        "committees": [membership.structure for membership in memberships],
        "edition_url": absolute_url(edition.get_absolute_url()),
    }
    subject = " ".join(render_to_string("journal/email/notice_subject.txt", context).split())
    return OutgoingEmail(
        key=f"journal:{edition.pk}:notice:{user.pk}",
        to=user.email,
        subject=subject,
        body_text=render_to_string("journal/email/notice_body.txt", context),
        category=OutboxMessage.Category.NOTICE,
    )


def start_pdf(edition: Edition) -> None:
    """Mark the PDF as being generated and enqueue its task (with the caller's data)."""
    from colombe.journal.tasks import render_edition_pdf  # tasks imports this module

    with transaction.atomic():
        edition.pdf_state = Edition.PdfState.PENDING
        edition.save(update_fields=["pdf_state"])
        render_edition_pdf.enqueue(edition.pk)


def regenerate_pdf(*, actor: Any, edition: Edition) -> None:
    """Editors preview the PDF of a draft, or refresh a published one."""
    policy.require(actor, "journal.create")
    with transaction.atomic():
        log_action(actor, "journal.pdf.requested", edition)
        start_pdf(edition)
