"""Sending scheduled posts to the networks with an open API, and recording the others.

A ``PostTarget`` (one post on one account) moves::

    PENDING ──(sweep queues it)──> PENDING (queued) ──(worker claims it)──> SENDING
    SENDING ──> PUBLISHED
            ──> RETRY (temporary error, rate limit: next_attempt_at) ──> … SENDING
            ──> FAILED (permanent error, or OUTREACH_MAX_ATTEMPTS reached)
    FAILED ──(retry_target)──> PENDING (queued)

``next_attempt_at`` always says when the sweep should look at a target again: the time of
the next attempt (RETRY), the time after which a queued task is presumed lost (PENDING,
RETRY) or the time after which a send is presumed cut off by a dead worker (SENDING).
Sending twice is harmless — Mastodon's Idempotency-Key and Bluesky's record key make the
network publish once — so a presumed-lost task is simply queued again.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.outreach.models import API_NETWORKS, Post, PostTarget, SocialAccount
from colombe.outreach.networks.base import (
    NetworkClient,
    NetworkError,
    PermanentError,
    Published,
    RateLimited,
    TemporaryError,
)
from colombe.outreach.networks.registry import client_for

logger = logging.getLogger(__name__)

State = PostTarget.State

# A queued task that has not started after this long is presumed lost.
QUEUED_GRACE = timedelta(minutes=10)
# A send that has not finished after this long was cut off (the worker died).
SENDING_TIMEOUT = timedelta(minutes=10)
# Waits between attempts: 1 min, 2, 4, 8… at most 6 hours.
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=6)
# Counts are fetched back for a month after publication.
METRICS_WINDOW = timedelta(days=30)


class NotRetryable(Exception):
    """Only a failed send can be tried again."""


def publish_target(target_id: int) -> str:
    """Send one target if it is still waiting; returns its state afterwards."""
    target = claim(target_id)
    if target is None:
        current = PostTarget.objects.filter(pk=target_id).values_list("state", flat=True).first()
        return current or "gone"
    try:
        published = client_for(target.account).publish(target.post, target)
    except PermanentError as error:
        record_failure(target, error.message)
    except TemporaryError as error:
        record_temporary_error(target, error)
    except Exception:
        # A surprise (an answer the client cannot read, a bug) must not leave the target
        # SENDING forever: it counts as an attempt, and the log keeps the details.
        logger.exception("Sending post target %s failed unexpectedly.", target.pk)
        record_temporary_error(
            target, TemporaryError(_("Colombe had an unexpected problem while sending."))
        )
    else:
        record_success(target, published)
    return target.state


def claim(target_id: int) -> PostTarget | None:
    """Mark the target SENDING for this worker, or None when it is not to be sent now
    (already being sent, published, failed, or its post was taken back)."""
    now = timezone.now()
    with transaction.atomic():
        # The post is locked too: taking it back to review (services.unschedule) waits
        # for this decision, and this one sees the post's status as it is.
        target = (
            PostTarget.objects.select_for_update(of=("self", "post"))
            .select_related("account", "post")
            .filter(pk=target_id)
            .first()
        )
        if target is None or target.state not in (State.PENDING, State.RETRY):
            return None
        if not target.account.is_connected:
            return None  # disconnected since: someone will post it by hand
        post = target.post
        if post.status != Post.Status.SCHEDULED or (post.scheduled_at or now) > now:
            return None
        target.state = State.SENDING
        target.attempts += 1
        target.next_attempt_at = now + SENDING_TIMEOUT
        target.save(update_fields=["state", "attempts", "next_attempt_at"])
    return target


def record_success(target: PostTarget, published: Published) -> None:
    with transaction.atomic():
        target.state = State.PUBLISHED
        target.remote_id = published.remote_id
        target.remote_url = published.remote_url
        target.published_at = timezone.now()
        target.next_attempt_at = None
        target.last_error = ""
        target.save(
            update_fields=[
                "state",
                "remote_id",
                "remote_url",
                "published_at",
                "next_attempt_at",
                "last_error",
            ]
        )
        log_action(None, "outreach.target.published", target, {"url": published.remote_url})
        refresh_post_status(target.post)


def record_temporary_error(target: PostTarget, error: TemporaryError) -> None:
    if target.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
        record_failure(
            target,
            _("%(error)s Colombe gave up after %(attempts)d attempts.")
            % {"error": error.message, "attempts": target.attempts},
        )
        return
    delay = retry_delay(target.attempts)
    if isinstance(error, RateLimited) and error.retry_after is not None:
        delay = max(delay, timedelta(seconds=error.retry_after))
    target.state = State.RETRY
    target.next_attempt_at = timezone.now() + delay
    target.last_error = error.message
    target.save(update_fields=["state", "next_attempt_at", "last_error"])


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def record_failure(target: PostTarget, message: str) -> None:
    with transaction.atomic():
        target.state = State.FAILED
        target.next_attempt_at = None
        target.last_error = message
        target.save(update_fields=["state", "next_attempt_at", "last_error"])
        log_action(None, "outreach.target.failed", target, {"error": message})


def refresh_post_status(post: Post) -> bool:
    """A scheduled post becomes PUBLISHED once it is out on every account. Returns
    whether it did now."""
    targets = PostTarget.objects.filter(post=post)
    if not targets.exists() or targets.exclude(state=State.PUBLISHED).exists():
        return False
    published_at = targets.aggregate(last=Max("published_at"))["last"] or timezone.now()
    changed = Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
        status=Post.Status.PUBLISHED, published_at=published_at
    )
    if changed:
        post.status = Post.Status.PUBLISHED
        post.published_at = published_at
    return bool(changed)


def record_manual_publication(actor: Any, target: PostTarget, remote_url: str = "") -> PostTarget:
    """Someone posted it by hand (a network without an open API, or instead of a send
    that failed) and says so."""
    policy.require(actor, "outreach.record_publication", target.post)
    with transaction.atomic():
        target = PostTarget.objects.select_for_update().select_related("post").get(pk=target.pk)
        if target.state in (State.PUBLISHED, State.SENDING):
            return target  # already out, or going out from Colombe right now
        target.state = State.PUBLISHED
        target.published_at = timezone.now()
        target.published_by = actor
        target.remote_url = remote_url
        target.next_attempt_at = None
        target.save(
            update_fields=["state", "published_at", "published_by", "remote_url", "next_attempt_at"]
        )
        log_action(
            actor,
            "outreach.target.recorded",
            target,
            {"account": target.account_id, "url": remote_url},
        )
        refresh_post_status(target.post)
    return target


def retry_target(actor: Any, target: PostTarget) -> PostTarget:
    """A failed send goes back to the queue, with a fresh set of attempts (and the same
    idempotency key, so a post that did go out is not published twice)."""
    from colombe.outreach.tasks import publish_target_task  # tasks imports this module

    policy.require(actor, "outreach.record_publication", target.post)
    with transaction.atomic():
        target = PostTarget.objects.select_for_update().get(pk=target.pk)
        if target.state != State.FAILED:
            raise NotRetryable
        target.state = State.PENDING
        target.attempts = 0
        target.last_error = ""
        target.next_attempt_at = timezone.now() + QUEUED_GRACE
        target.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
        log_action(actor, "outreach.target.retried", target, {"account": target.account_id})
        publish_target_task.enqueue(target.pk)
    target.refresh_from_db()
    return target


def due_targets(now: datetime | None = None) -> QuerySet[PostTarget]:
    """Targets of due scheduled posts that a worker should take up: waiting ones not
    queued yet, retries whose time has come, and queued or sending ones presumed lost."""
    now = now or timezone.now()
    waiting = Q(state__in=[State.PENDING, State.RETRY])
    return PostTarget.objects.filter(
        Q(waiting & Q(next_attempt_at__isnull=True))
        | Q(state__in=[State.PENDING, State.RETRY, State.SENDING], next_attempt_at__lte=now),
        post__status=Post.Status.SCHEDULED,
        post__scheduled_at__lte=now,
        account__network__in=API_NETWORKS,
    ).exclude(account__api_secret_encrypted="")  # not connected: posted by hand


def enqueue_due_targets() -> int:
    """Queue each due target once (the next sweep skips it while its task is waiting).
    Returns how many were queued."""
    from colombe.outreach.tasks import publish_target_task  # tasks imports this module

    now = timezone.now()
    with transaction.atomic():
        due = list(
            due_targets(now)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
        )
        PostTarget.objects.filter(pk__in=due, state=State.SENDING).update(state=State.RETRY)
        PostTarget.objects.filter(pk__in=due).update(next_attempt_at=now + QUEUED_GRACE)
        for target_id in due:
            publish_target_task.enqueue(target_id)
    return len(due)


def refresh_metrics() -> int:
    """Fetch the boosts, likes and replies of last month's posts back from the networks,
    one session per account. Returns how many targets were updated."""
    since = timezone.now() - METRICS_WINDOW
    targets = (
        PostTarget.objects.filter(
            state=State.PUBLISHED,
            published_at__gte=since,
            account__network__in=API_NETWORKS,
        )
        .exclude(remote_id="")
        .exclude(account__api_secret_encrypted="")
        .select_related("account")
        .order_by("account_id", "pk")
    )
    by_account: dict[int, list[PostTarget]] = {}
    for target in targets:
        by_account.setdefault(target.account_id, []).append(target)
    return sum(refresh_account_metrics(batch[0].account, batch) for batch in by_account.values())


def refresh_account_metrics(account: SocialAccount, targets: list[PostTarget]) -> int:
    try:
        client = client_for(account)
    except PermanentError:
        return 0
    updated = 0
    for target in targets:
        try:
            fetch_target_metrics(client, target)
        except RateLimited:
            break  # the account's quota is spent: the next hourly run goes on
        except NetworkError:
            continue
        updated += 1
    return updated


def fetch_target_metrics(client: NetworkClient, target: PostTarget) -> None:
    metrics = client.metrics(target)
    target.boosts = metrics.boosts
    target.likes = metrics.likes
    target.replies = metrics.replies
    target.metrics_updated_at = timezone.now()
    target.save(update_fields=["boosts", "likes", "replies", "metrics_updated_at"])
