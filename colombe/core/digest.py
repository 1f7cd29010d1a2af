"""The weekly digest: for each person who follows hashtags, one email a week with what
is new and visible to them under those hashtags.

The run is idempotent: the email of ISO week W for person P has the outbox key
``digest:W:P`` and covers the week before W (Monday to Monday, local time). The scheduler
may start it every hour; only the first run of a week sends, and a server down on Monday
sends on Tuesday what it would have sent on Monday."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import fold_hashtag, hashtags_in_text
from colombe.core.mail import absolute_url
from colombe.groups.models import Group
from colombe.mailing.models import OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.meetings.models import Meeting
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport

UNSUBSCRIBE_SALT = "colombe.core.digest.unsubscribe"
KINDS = ("report", "group", "petition", "meeting")


@dataclass(frozen=True)
class Week:
    """The ISO week a digest is sent in, and the week before it that it covers."""

    year: int
    number: int
    covers_from: datetime
    covers_until: datetime

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"


@dataclass(frozen=True)
class Item:
    kind: str
    pk: int
    title: str
    url: str
    keys: frozenset[str]  # folded hashtags
    tags: tuple[str, ...]  # display spellings


def digest_week(now: datetime) -> Week:
    local = timezone.localtime(now)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    year, number, _weekday = local.isocalendar()
    return Week(year, number, monday - timedelta(days=7), monday)


# --- what is new -------------------------------------------------------------------------


def _tagged_item(kind: str, obj: Any, title: str, names: Iterable[str]) -> Item | None:
    tags = tuple(names)
    if not tags:
        return None
    return Item(
        kind=kind,
        pk=obj.pk,
        title=title,
        url=absolute_url(obj.get_absolute_url()),
        keys=frozenset(fold_hashtag(name) for name in tags),
        tags=tags,
    )


def _new_reports(week: Week) -> Iterator[Item | None]:
    reports = ActionReport.objects.filter(
        status=ActionReport.Status.PUBLISHED,
        published_at__gte=week.covers_from,
        published_at__lt=week.covers_until,
    ).prefetch_related("hashtags")
    for report in reports:
        yield _tagged_item("report", report, report.title, [t.name for t in report.hashtags.all()])


def _new_groups(week: Week) -> Iterator[Item | None]:
    groups = Group.objects.filter(
        created_at__gte=week.covers_from, created_at__lt=week.covers_until
    ).prefetch_related("hashtags")
    for group in groups:
        yield _tagged_item("group", group, group.name, [t.name for t in group.hashtags.all()])


def _new_petitions(week: Week) -> Iterator[Item | None]:
    # Petitions and meetings have no hashtag field: their text carries the hashtags.
    petitions = Petition.objects.filter(
        status=Petition.Status.PUBLISHED,
        published_at__gte=week.covers_from,
        published_at__lt=week.covers_until,
    ).only("pk", "slug", "title", "body")
    for petition in petitions:
        names = hashtags_in_text(f"{petition.title}\n{petition.body}")
        yield _tagged_item("petition", petition, petition.title, names)


def _new_meetings(week: Week) -> Iterator[Item | None]:
    meetings = Meeting.objects.filter(
        created_at__gte=week.covers_from,
        created_at__lt=week.covers_until,
        starts_at__gte=week.covers_until,
    ).exclude(status=Meeting.Status.CANCELLED)
    for meeting in meetings.only("pk", "slug", "title", "agenda"):
        names = hashtags_in_text(f"{meeting.title}\n{meeting.agenda}")
        yield _tagged_item("meeting", meeting, meeting.title, names)


def new_items(week: Week) -> list[Item]:
    """Everything published or created during the week that carries a hashtag — for
    everyone; each person's digest keeps only what they may see."""
    found = [*_new_reports(week), *_new_groups(week), *_new_petitions(week)]
    found += _new_meetings(week)
    return [item for item in found if item is not None]


# --- for one person ----------------------------------------------------------------------


def _visible_pks(user: User, kind: str, pks: list[int]) -> set[int]:
    scopes = {
        "report": lambda: policy.visible(ActionReport, user),
        "group": lambda: Group.objects.visible_to(user),
        "petition": lambda: policy.visible(Petition, user),
        "meeting": lambda: policy.visible(Meeting, user),
    }
    return set(scopes[kind]().filter(pk__in=pks).values_list("pk", flat=True))


def items_for(user: User, items: list[Item], followed: set[str]) -> list[Item]:
    """The items carrying one of the person's hashtags that the policy lets them see."""
    relevant = [item for item in items if item.keys & followed]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in relevant:
        by_kind[item.kind].append(item.pk)
    visible = {kind: _visible_pks(user, kind, pks) for kind, pks in by_kind.items()}
    return [item for item in relevant if item.pk in visible[item.kind]]


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_token(token: str) -> User | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


def digest_email(user: User, week: Week, items: list[Item]) -> OutgoingEmail:
    unsubscribe_url = absolute_url(
        reverse("core:digest_unsubscribe", args=[unsubscribe_token(user)])
    )
    context = {
        "person": user,
        "week": week,
        "sections": [(kind, [item for item in items if item.kind == kind]) for kind in KINDS],
        "count": len(items),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute_url(reverse("accounts:edit_profile")),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("core/email/digest_subject.txt", context).split())
        body = render_to_string("core/email/digest_body.txt", context)
    return OutgoingEmail(
        key=f"digest:{week.label}:{user.pk}",
        to=user.email,
        subject=subject,
        body_text=body,
        category=OutboxMessage.Category.NOTICE,
        priority=OutboxMessage.PRIORITY_BULK,
        headers={
            # RFC 8058: mail clients show an "unsubscribe" button that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# --- the weekly run ----------------------------------------------------------------------


def _recipients(week: Week) -> Any:
    follows = User.interests.through.objects.filter(user_id=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True, weekly_digest=True)
        .filter(Exists(follows))
        .exclude(pk__in=_already_sent(week))
        .prefetch_related("interests")
        .order_by("pk")
    )


def _already_sent(week: Week) -> list[int]:
    prefix = f"digest:{week.label}:"
    keys = OutboxMessage.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    return [int(key.removeprefix(prefix)) for key in keys]


def send_weekly_digests(now: datetime | None = None) -> int:
    """Queue this week's digests that are not queued yet; return how many were queued."""
    week = digest_week(now or timezone.now())
    items = new_items(week)
    if not items:
        return 0
    queued = 0
    for user in _recipients(week).iterator(chunk_size=500):
        followed = {tag.key for tag in user.interests.all()}
        mine = items_for(user, items, followed)
        if not mine:
            continue
        with transaction.atomic():
            queued += enqueue([digest_email(user, week, mine)])
    if queued:
        log_action(None, "core.digest.sent", None, {"week": week.label, "emails": queued})
    return queued


def stop_digest(user: User) -> None:
    """One click in the email: no more digests until the person turns it back on."""
    with transaction.atomic():
        if not user.weekly_digest:
            return
        user.weekly_digest = False
        user.save(update_fields=["weekly_digest"])
        log_action(user, "core.digest.unsubscribed", user)
