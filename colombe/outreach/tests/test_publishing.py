"""The publishing state machine of a post on one account, against fake network servers:
retries, failures, idempotency, the periodic sweep and the metrics read back."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from colombe.core.models import AuditEntry
from colombe.outreach import publishing
from colombe.outreach.models import Network, Post, PostTarget, SocialAccount
from colombe.outreach.tasks import fetch_metrics, publish_due_posts
from tests.fake_networks import (
    FakeBluesky,
    FakeMastodon,
    RecordedRequest,
    connect_account,
    make_account,
    scheduled_post,
)
from tests.personas import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

State = PostTarget.State
STATUSES = "/api/v1/statuses"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def tasks_not_run(settings: Any) -> None:
    """Tasks are stored but never run, so the test sees what was queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def account(world: World, fake_mastodon: FakeMastodon) -> SocialAccount:
    return connect_account(make_account(world.lyon, Network.MASTODON), fake_mastodon)


@pytest.fixture
def target(world: World, account: SocialAccount) -> PostTarget:
    return scheduled_post(world.lyon, [account]).targets.get()


def send(target: PostTarget) -> PostTarget:
    publishing.publish_target(target.pk)
    target.refresh_from_db()
    return target


def queued_target_ids() -> list[int]:
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return [result.args[0] for result in backend.results]


def test_success_publishes_the_target_and_the_post(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    target = send(target)

    [status] = fake_mastodon.statuses.values()
    assert target.state == State.PUBLISHED
    assert target.attempts == 1
    assert (target.remote_id, target.remote_url) == (status["id"], status["url"])
    assert target.published_at is not None
    assert target.next_attempt_at is None
    post = Post.objects.get(pk=target.post_id)
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == target.published_at
    assert AuditEntry.objects.filter(action="outreach.target.published").count() == 1


def test_rate_limit_retries_after_what_the_server_asked(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.fail_next(429, headers={"Retry-After": "3600"})
    before = timezone.now()

    target = send(target)

    assert target.state == State.RETRY
    assert target.next_attempt_at is not None
    wait = target.next_attempt_at - before
    assert timedelta(seconds=3600) <= wait < timedelta(seconds=3610)
    assert "slow down" in target.last_error
    assert fake_mastodon.statuses == {}


def test_server_error_retries_with_growing_delays(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.fail_next(500, times=2)

    target = send(target)
    assert target.state == State.RETRY
    assert target.next_attempt_at is not None
    first_wait = target.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    assert "had an error (500)" in target.last_error

    target = send(target)
    assert target.attempts == 2
    assert target.next_attempt_at is not None
    second_wait = target.next_attempt_at - timezone.now()
    assert timedelta(seconds=110) < second_wait <= timedelta(minutes=2)

    target = send(target)
    assert target.state == State.PUBLISHED
    assert target.last_error == ""


def test_refused_token_fails_at_once_with_a_clear_message(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.token = "another-token"  # revoked on the server

    target = send(target)

    assert target.state == State.FAILED
    assert target.attempts == 1
    assert target.last_error == (
        "The Mastodon server refused the access token: connect the account again."
    )
    assert Post.objects.get(pk=target.post_id).status == Post.Status.SCHEDULED
    assert AuditEntry.objects.filter(action="outreach.target.failed").exists()
    assert send(target).attempts == 1  # a failed target is not sent again by itself


def test_gives_up_after_the_maximum_attempts(
    settings: Any, fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    settings.OUTREACH_MAX_ATTEMPTS = 2
    fake_mastodon.fail_next(503, times=5)

    assert send(target).state == State.RETRY
    target = send(target)

    assert target.state == State.FAILED
    assert target.last_error.endswith("Colombe gave up after 2 attempts.")
    assert "had an error (503)" in target.last_error
    assert len(fake_mastodon.requests) == 2


def test_lost_answer_then_retry_publishes_one_status(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.lose_next_answer(STATUSES)

    assert send(target).state == State.RETRY
    target = send(target)

    assert target.state == State.PUBLISHED
    assert len(fake_mastodon.requests_to(STATUSES)) == 2
    assert len(fake_mastodon.statuses) == 1
    assert target.remote_id == next(iter(fake_mastodon.statuses))


def test_lost_answer_then_retry_publishes_one_bluesky_post(
    world: World, fake_bluesky: FakeBluesky
) -> None:
    account = make_account(world.lyon, Network.BLUESKY, handle="@colombe.bsky.social")
    connect_account(account, fake_bluesky)
    target = scheduled_post(world.lyon, [account]).targets.get()
    fake_bluesky.lose_next_answer("/xrpc/com.atproto.repo.createRecord")

    assert send(target).state == State.RETRY
    target = send(target)

    assert target.state == State.PUBLISHED
    assert len(fake_bluesky.records) == 1
    assert target.remote_id.endswith("/" + next(iter(fake_bluesky.records)))


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_target_send_one_request(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    second_worker: list[str] = []

    def other_worker_takes_the_same_task(request: RecordedRequest) -> None:
        # While the first worker waits for the server, a second one runs the same task.
        if request.path == STATUSES and not second_worker:
            second_worker.append(publishing.publish_target(target.pk))
            connection.close()

    fake_mastodon.on_request = other_worker_takes_the_same_task

    target = send(target)

    assert second_worker == [State.SENDING]
    assert target.state == State.PUBLISHED
    assert len(fake_mastodon.requests_to(STATUSES)) == 1


def test_unscheduled_post_is_not_sent(fake_mastodon: FakeMastodon, target: PostTarget) -> None:
    Post.objects.filter(pk=target.post_id).update(status=Post.Status.IN_REVIEW)

    assert send(target).state == State.PENDING
    assert fake_mastodon.requests == []


def test_target_of_an_account_not_connected_waits_to_be_posted_by_hand(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    SocialAccount.objects.filter(pk=target.account_id).update(api_secret_encrypted="")

    assert publishing.enqueue_due_targets() == 0
    assert send(target).state == State.PENDING
    assert fake_mastodon.requests == []


def test_unexpected_problem_counts_as_an_attempt(
    fake_mastodon: FakeMastodon, target: PostTarget, caplog: pytest.LogCaptureFixture
) -> None:
    fake_mastodon.fail_next(200, body=["not", "a", "status"])

    target = send(target)

    assert target.state == State.RETRY
    assert target.last_error == "Colombe had an unexpected problem while sending."
    assert "failed unexpectedly" in caplog.text


# The sweep -------------------------------------------------------------------------------


@pytest.mark.usefixtures("tasks_not_run")
def test_sweep_queues_each_due_target_once(
    world: World, account: SocialAccount, target: PostTarget
) -> None:
    facebook = make_account(world.lyon, Network.FACEBOOK, handle="colombe.lyon")
    later = scheduled_post(world.lyon, [account], text="Plus tard")
    Post.objects.filter(pk=later.pk).update(scheduled_at=timezone.now() + timedelta(hours=2))
    draft = scheduled_post(world.lyon, [account], text="Brouillon")
    Post.objects.filter(pk=draft.pk).update(status=Post.Status.DRAFT)
    manual = scheduled_post(world.lyon, [facebook], text="À la main")

    assert publishing.enqueue_due_targets() == 1
    assert publishing.enqueue_due_targets() == 0

    assert queued_target_ids() == [target.pk]
    assert not publishing.due_targets().filter(post__in=[later, draft, manual]).exists()


@pytest.mark.usefixtures("tasks_not_run")
def test_sweep_queues_again_a_task_presumed_lost(target: PostTarget) -> None:
    publishing.enqueue_due_targets()
    PostTarget.objects.filter(pk=target.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    assert publishing.enqueue_due_targets() == 1
    assert queued_target_ids() == [target.pk, target.pk]


@pytest.mark.usefixtures("tasks_not_run")
def test_sweep_takes_retries_when_their_time_comes(target: PostTarget) -> None:
    PostTarget.objects.filter(pk=target.pk).update(
        state=State.RETRY, attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert publishing.enqueue_due_targets() == 0

    PostTarget.objects.filter(pk=target.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert publishing.enqueue_due_targets() == 1


def test_sweep_resends_a_send_cut_off_by_a_dead_worker(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    PostTarget.objects.filter(pk=target.pk).update(
        state=State.SENDING, attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    publish_due_posts.enqueue()

    target.refresh_from_db()
    assert target.state == State.PUBLISHED
    assert target.attempts == 2
    assert len(fake_mastodon.statuses) == 1


def test_sweep_publishes_due_posts_through_the_tasks(
    world: World, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky, account: SocialAccount
) -> None:
    bluesky = make_account(world.lyon, Network.BLUESKY, handle="@colombe.bsky.social")
    connect_account(bluesky, fake_bluesky)
    post = scheduled_post(world.lyon, [account, bluesky])

    publish_due_posts.enqueue()

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert set(post.targets.values_list("state", flat=True)) == {State.PUBLISHED}
    assert len(fake_mastodon.statuses) == 1
    assert len(fake_bluesky.records) == 1


def test_post_is_published_when_every_target_is(
    world: World, fake_mastodon: FakeMastodon, account: SocialAccount
) -> None:
    facebook = make_account(world.lyon, Network.FACEBOOK, handle="colombe.lyon")
    post = scheduled_post(world.lyon, [account, facebook])

    publishing.enqueue_due_targets()
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED  # Facebook is still to be posted by hand

    by_hand = post.targets.get(account=facebook)
    publishing.record_manual_publication(world.bob, by_hand, "https://facebook.com/p/1")

    post.refresh_from_db()
    by_hand.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert (by_hand.state, by_hand.published_by) == (State.PUBLISHED, world.bob)
    assert by_hand.remote_url == "https://facebook.com/p/1"
    entry = AuditEntry.objects.get(action="outreach.target.recorded")
    assert entry.actor == world.bob


def test_recording_by_hand_needs_the_right(world: World, target: PostTarget) -> None:
    with pytest.raises(Http404):
        publishing.record_manual_publication(world.eve, target)
    with pytest.raises(PermissionDenied):
        publishing.record_manual_publication(world.frank, target)


# Retrying a failed send ----------------------------------------------------------------


def test_retry_sends_a_failed_target_again(
    world: World, fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.fail_next(401)
    assert send(target).state == State.FAILED

    target = publishing.retry_target(world.charlie, target)

    assert target.state == State.PUBLISHED
    assert target.attempts == 1
    assert len(fake_mastodon.statuses) == 1
    entry = AuditEntry.objects.get(action="outreach.target.retried")
    assert entry.actor == world.charlie


def test_only_a_failed_target_can_be_retried(world: World, target: PostTarget) -> None:
    with pytest.raises(publishing.NotRetryable):
        publishing.retry_target(world.bob, target)


# Metrics ---------------------------------------------------------------------------------


def test_metrics_are_read_back_for_last_month(
    world: World, fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky, account: SocialAccount
) -> None:
    bluesky = make_account(world.lyon, Network.BLUESKY, handle="@colombe.bsky.social")
    connect_account(bluesky, fake_bluesky)
    post = scheduled_post(world.lyon, [account, bluesky])
    old = scheduled_post(world.lyon, [account], text="Il y a longtemps")
    publishing.enqueue_due_targets()
    old_target = old.targets.get()
    PostTarget.objects.filter(pk=old_target.pk).update(
        published_at=timezone.now() - timedelta(days=31)
    )
    [status] = [s for s in fake_mastodon.statuses.values() if "longtemps" not in s["content"]]
    status.update(reblogs_count=5, favourites_count=20, replies_count=3)
    [rkey] = fake_bluesky.records
    fake_bluesky.counts[rkey].update(likeCount=7, repostCount=2, replyCount=1)

    fetch_metrics.enqueue()

    mastodon_target = post.targets.get(account=account)
    bluesky_target = post.targets.get(account=bluesky)
    assert (mastodon_target.boosts, mastodon_target.likes, mastodon_target.replies) == (5, 20, 3)
    assert (bluesky_target.boosts, bluesky_target.likes, bluesky_target.replies) == (2, 7, 1)
    assert mastodon_target.metrics_updated_at is not None
    old_target.refresh_from_db()
    assert old_target.metrics_updated_at is None
    # One session for the Bluesky account, whatever the number of its posts.
    assert len(fake_bluesky.requests_to("/xrpc/com.atproto.server.createSession")) == 2


def test_metrics_stop_for_an_account_that_is_rate_limited(
    world: World, fake_mastodon: FakeMastodon, account: SocialAccount
) -> None:
    for text in ("Un", "Deux"):
        scheduled_post(world.lyon, [account], text=text)
    publishing.enqueue_due_targets()
    fake_mastodon.fail_next(429, headers={"Retry-After": "60"})

    assert publishing.refresh_metrics() == 0
    reads = [r for r in fake_mastodon.requests if r.path.startswith(STATUSES + "/")]
    assert len(reads) == 1  # refused: the second post is not asked about
