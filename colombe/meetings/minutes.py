"""Minutes of a meeting: writing them, publishing them to the owning group, telling each
assignee about their actions.

Published minutes of a group's meeting live twice: on the minutes page (with the chat
and the recordings) and as a post in a discussion of the group, so that members find them
where they talk. Editing after publication rewrites that post (shown as edited) rather
than adding a second one."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.markdown import render_markdown
from colombe.groups.models import GroupMembership, Post, Thread
from colombe.meetings.models import ActionItem, Meeting, Minutes
from colombe.movement.models import Membership

THREAD_TITLE_MAX = 200


class MinutesError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def minutes_of(meeting: Meeting) -> Minutes:
    """The meeting's minutes, or new empty ones (not saved) to start writing."""
    found = Minutes.objects.filter(meeting=meeting).first()
    return found or Minutes(meeting=meeting)


def assignee_choices(meeting: Meeting, minutes: Minutes) -> QuerySet[User]:
    """Who may be given an action: the people who joined the meeting and the members of
    its owner (the group's members for a group meeting, so that a secret group's actions
    go to nobody outside it), plus whoever already holds one."""
    joined = meeting.participants.filter(user__isnull=False).values("user_id")
    holders = ActionItem.objects.filter(minutes_id=minutes.pk).values("assignee_id")
    people = User.objects.filter(
        Q(pk__in=joined) | Q(pk__in=owner_member_ids(meeting)) | Q(pk__in=holders),
        is_active=True,
    )
    return people.distinct().order_by("display_name", "pk")


def owner_member_ids(meeting: Meeting) -> QuerySet:
    if meeting.group is not None:
        return GroupMembership.objects.filter(group=meeting.group).values("user_id")
    active = Membership.objects.filter(structure=meeting.owner, status=Membership.Status.ACTIVE)
    return active.values("user_id")


def save_rows(formset: BaseInlineFormSet, minutes: Minutes) -> None:
    """Save a validated formset in the order of its rows, leaving out removed rows and
    new rows left empty."""
    formset.save(commit=False)
    for removed in formset.deleted_objects:
        removed.delete()
    position = 0
    for form in formset.forms:
        if form in formset.deleted_forms or (form.instance.pk is None and not form.has_changed()):
            continue
        row = form.save(commit=False)
        row.minutes = minutes
        row.position = position
        row.save()
        position += 1


def save_minutes(
    *,
    actor: Any,
    meeting: Meeting,
    form: ModelForm,
    decisions: BaseInlineFormSet,
    actions: BaseInlineFormSet,
) -> Minutes:
    """Save validated minutes. Once published, the group's post follows the edit and new
    assignees are told."""
    policy.require(actor, "meetings.organise", meeting)
    with transaction.atomic():
        minutes = form.save(commit=False)
        minutes.meeting = meeting
        minutes.author = actor
        minutes.body_html = render_markdown(minutes.body)
        minutes.save()
        save_rows(decisions, minutes)
        save_rows(actions, minutes)
        log_action(actor, "meetings.minutes.saved", minutes, {"meeting": meeting.pk})
        if minutes.published_at is not None:
            publish_to_group(actor, minutes)
            minutes.save(update_fields=["published_post"])
            notify_assignees(minutes)
    return minutes


def publish_minutes(*, actor: Any, meeting: Meeting) -> Minutes:
    """Publish (or publish again after an edit): the minutes page opens to everyone who
    may see the meeting, the group gets one post, each assignee one email."""
    policy.require(actor, "meetings.organise", meeting)
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None:
            raise MinutesError(_("Write the minutes before publishing them."))
        first_time = minutes.published_at is None
        if first_time:
            minutes.published_at = timezone.now()
        publish_to_group(actor, minutes)
        minutes.save(update_fields=["published_at", "published_post"])
        notified = notify_assignees(minutes)
        action = "meetings.minutes.published" if first_time else "meetings.minutes.republished"
        log_action(
            actor,
            action,
            minutes,
            {"post": minutes.published_post_id, "assignees_notified": notified},
        )
    return minutes


# The group's post -----------------------------------------------------------------------


def thread_title(meeting: Meeting) -> str:
    day = date_format(timezone.localtime(meeting.starts_at).date(), "SHORT_DATE_FORMAT")
    title = _("Minutes — %(title)s (%(date)s)") % {"title": meeting.title, "date": day}
    return title[:THREAD_TITLE_MAX]


def post_markdown(minutes: Minutes) -> str:
    """The minutes as one Markdown message: the text, then decisions and actions as
    lists, then a link to the page with the chat and the recordings."""
    parts = [minutes.body.strip()] if minutes.body.strip() else []
    decisions = [f"- {decision.text}" for decision in minutes.decisions.all()]
    if decisions:
        parts.append(f"## {_('Decisions')}\n\n" + "\n".join(decisions))
    actions = [f"- {action_line(item)}" for item in minutes.action_items.select_related("assignee")]
    if actions:
        parts.append(f"## {_('Action items')}\n\n" + "\n".join(actions))
    link = reverse("meetings:minutes", args=[minutes.meeting.slug])
    parts.append(f"[{_('The minutes on the meeting page')}]({absolute_url(link)})")
    return "\n\n".join(parts)


def action_line(item: ActionItem) -> str:
    line = item.text
    if item.assignee is not None:
        line += f" — {item.assignee.public_name}"
    if item.due_on is not None:
        line += " — " + _("by %(date)s") % {"date": date_format(item.due_on, "SHORT_DATE_FORMAT")}
    if item.done_at is not None:
        line += f" ({_('done')})"
    return line


def publish_to_group(actor: Any, minutes: Minutes) -> None:
    """Create or rewrite the group's post. Written in the site's language: the post is
    for all the group's members, not for the publisher alone."""
    meeting = minutes.meeting
    if meeting.group is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title, body = thread_title(meeting), post_markdown(minutes)
    post = minutes.published_post
    if post is not None and post.deleted_at is None:
        post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        Thread.objects.filter(pk=post.thread_id).update(title=title)
        return
    thread = Thread.objects.create(group=meeting.group, title=title, author=actor)
    minutes.published_post = Post.objects.create(
        thread=thread, author=actor, body=body, body_html=render_markdown(body)
    )


# Emails to assignees -------------------------------------------------------------------


def notify_assignees(minutes: Minutes) -> int:
    """Email each assignee the actions they have not been told about yet; returns how
    many people were emailed."""
    pending = list(
        minutes.action_items.filter(
            assignee__isnull=False, notified_at__isnull=True, done_at__isnull=True
        ).select_related("assignee")
    )
    by_person: dict[User, list[ActionItem]] = defaultdict(list)
    for item in pending:
        assert item.assignee is not None
        by_person[item.assignee].append(item)
    meeting = minutes.meeting
    minutes_url = absolute_url(reverse("meetings:minutes", args=[meeting.slug]))
    for person, items in by_person.items():
        enqueue_templated_email(
            to=[person.email],
            template="meetings/email/action_items",
            context={"person": person, "meeting": meeting, "items": items, "url": minutes_url},
        )
    ActionItem.objects.filter(pk__in=[item.pk for item in pending]).update(
        notified_at=timezone.now()
    )
    return len(by_person)
