"""Contract tests of the Mastodon client against a local server playing the Mastodon API:
the exact requests sent, and how errors and rate limits come back."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from colombe.outreach import publishing
from colombe.outreach.models import Network, PostTarget
from colombe.outreach.networks import mastodon
from colombe.outreach.networks.base import PermanentError, RateLimited, TemporaryError
from colombe.outreach.networks.registry import client_for, client_for_credentials
from tests.fake_networks import (
    FakeMastodon,
    add_image,
    connect_account,
    make_account,
    scheduled_post,
)
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Error messages in English, the source language the tests read (posts keep the
    movement's language, settings.LANGUAGE_CODE)."""
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def target(world: World, fake_mastodon: FakeMastodon, media_root: Path) -> PostTarget:
    account = connect_account(make_account(world.lyon, Network.MASTODON), fake_mastodon)
    post = scheduled_post(world.lyon, [account], text="Rassemblement samedi #paix")
    return post.targets.get()


def publish(target: PostTarget) -> Any:
    return client_for(target.account).publish(target.post, target)


def test_verify_reads_the_account_with_the_token(fake_mastodon: FakeMastodon) -> None:
    client = client_for_credentials(Network.MASTODON, fake_mastodon.url, "", fake_mastodon.token)

    identity = client.verify()

    host = "127.0.0.1"
    assert identity.handle == f"@colombe_lyon@{host}"
    assert identity.display_name == "Colombe — Lyon"
    # No version check, no instance information: only the one request.
    assert fake_mastodon.paths == ["GET /api/v1/accounts/verify_credentials"]
    request = fake_mastodon.requests[0]
    assert request.headers["authorization"] == f"Bearer {fake_mastodon.token}"


def test_wrong_token_is_a_permanent_error_that_says_so(fake_mastodon: FakeMastodon) -> None:
    client = client_for_credentials(Network.MASTODON, fake_mastodon.url, "", "not-the-token")

    with pytest.raises(PermanentError, match="refused the access token"):
        client.verify()


def test_text_post_sends_one_status_with_idempotency_key(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    published = publish(target)

    assert fake_mastodon.paths == ["POST /api/v1/statuses"]
    request = fake_mastodon.requests[0]
    assert request.headers["authorization"] == f"Bearer {fake_mastodon.token}"
    assert request.headers["idempotency-key"] == str(target.idempotency_key)
    form = request.form()
    assert form["status"] == ["Rassemblement samedi #paix"]
    assert form["visibility"] == ["public"]
    assert "media_ids[]" not in form
    status = fake_mastodon.statuses[published.remote_id]
    assert published.remote_url == status["url"]


def test_link_is_added_to_the_text_unless_already_there(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    post = target.post
    post.link_url = "https://colombe.example/petitions/paix/"
    post.save()

    publish(target)
    post.text = f"Signez : {post.link_url}"
    post.save()
    target.idempotency_key = uuid.uuid4()  # another send, not a retry
    publish(target)

    texts = [r.form()["status"][0] for r in fake_mastodon.requests_to("/api/v1/statuses")]
    assert texts == [
        "Rassemblement samedi #paix\n\nhttps://colombe.example/petitions/paix/",
        "Signez : https://colombe.example/petitions/paix/",
    ]


def test_images_are_uploaded_with_alt_text_before_the_status(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    add_image(target.post, "Des manifestants tiennent une banderole « Paix »", position=0)
    add_image(target.post, "Une colombe dessinée à la craie", position=1)

    publish(target)

    assert fake_mastodon.paths == [
        "POST /api/v2/media",
        "POST /api/v2/media",
        "POST /api/v1/statuses",
    ]
    uploads = [request.multipart() for request in fake_mastodon.requests[:2]]
    assert [upload["description"].text for upload in uploads] == [
        "Des manifestants tiennent une banderole « Paix »",
        "Une colombe dessinée à la craie",
    ]
    assert uploads[0]["file"].content_type == "image/jpeg"
    assert uploads[0]["file"].data.startswith(b"\xff\xd8")  # a JPEG
    for request in fake_mastodon.requests:
        assert request.headers["authorization"] == f"Bearer {fake_mastodon.token}"
    status = fake_mastodon.requests[2].form()
    assert status["media_ids[]"] == sorted(fake_mastodon.media)


def test_requests_name_this_site(fake_mastodon: FakeMastodon, settings: Any) -> None:
    settings.SITE_URL = "https://paix.example"

    client_for_credentials(Network.MASTODON, fake_mastodon.url, "", fake_mastodon.token).verify()

    assert fake_mastodon.requests[0].headers["user-agent"] == "Colombe (+https://paix.example)"


def test_waits_for_media_processing_before_posting(
    fake_mastodon: FakeMastodon, target: PostTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mastodon, "MEDIA_POLL_SECONDS", 0)
    fake_mastodon.processing_polls = 2
    add_image(target.post, "Une banderole")

    published = publish(target)

    [media_id] = fake_mastodon.media
    assert fake_mastodon.paths == [
        "POST /api/v2/media",
        f"GET /api/v1/media/{media_id}",
        f"GET /api/v1/media/{media_id}",
        f"GET /api/v1/media/{media_id}",
        "POST /api/v1/statuses",
    ]
    assert fake_mastodon.statuses[published.remote_id]["media_attachments"][0]["id"] == media_id


def test_an_image_still_processing_after_a_few_seconds_is_retried_later(
    fake_mastodon: FakeMastodon, target: PostTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker waits a few seconds at most, then the RETRY schedule takes over."""
    slept: list[float] = []
    monkeypatch.setattr(mastodon.time, "sleep", slept.append)
    fake_mastodon.processing_polls = 10
    add_image(target.post, "Une banderole")

    state = publishing.publish_target(target.pk)

    assert state == PostTarget.State.RETRY
    assert sum(slept) <= 3
    [media_id] = fake_mastodon.media
    assert fake_mastodon.paths == ["POST /api/v2/media"] + [f"GET /api/v1/media/{media_id}"] * 3
    assert not fake_mastodon.statuses
    target.refresh_from_db()
    assert target.last_error == "The server is still processing an image of the post."
    assert target.next_attempt_at is not None


def test_same_target_sent_twice_publishes_one_status(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    first = publish(target)
    second = publish(target)

    assert first == second
    assert len(fake_mastodon.statuses) == 1
    assert len(fake_mastodon.requests_to("/api/v1/statuses")) == 2


def test_rate_limit_raises_with_retry_after_and_does_not_sleep(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.fail_next(429, headers={"Retry-After": "120"}, body={"error": "Too many"})

    with pytest.raises(RateLimited) as raised:
        publish(target)

    assert raised.value.retry_after == 120
    assert len(fake_mastodon.requests) == 1


def test_rate_limit_reset_header_gives_the_wait() -> None:
    headers = {"X-RateLimit-Reset": "2026-01-01T00:05:00.000Z"}
    now = 1767225600.0  # 2026-01-01T00:00:00Z

    assert mastodon.seconds_to_wait(headers, now=lambda: now) == 300


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(
    fake_mastodon: FakeMastodon, target: PostTarget, status: int
) -> None:
    fake_mastodon.fail_next(status)

    with pytest.raises(TemporaryError, match=f"had an error \\({status}\\)"):
        publish(target)


def test_dropped_connection_is_temporary(fake_mastodon: FakeMastodon, target: PostTarget) -> None:
    fake_mastodon.drop_next()

    with pytest.raises(TemporaryError, match="could not be reached"):
        publish(target)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "refused the access token"),
        (403, "lacks a permission"),
        (422, "refused the post"),
    ],
)
def test_refusals_are_permanent(
    fake_mastodon: FakeMastodon, target: PostTarget, status: int, message: str
) -> None:
    fake_mastodon.fail_next(status, body={"error": "Text is too long"})

    with pytest.raises(PermanentError, match=message):
        publish(target)


def test_what_a_local_server_said_is_not_repeated(
    fake_mastodon: FakeMastodon, target: PostTarget
) -> None:
    fake_mastodon.fail_next(422, body={"error": "redis://10.0.0.3 is down"})

    with pytest.raises(PermanentError) as refused:
        publish(target)

    assert "10.0.0.3" not in refused.value.message
    assert "no details shown" in refused.value.message


def test_what_a_public_server_said_is_shown(
    fake_mastodon: FakeMastodon, target: PostTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake listens on 127.0.0.1: it is taken for a public server here.
    monkeypatch.setattr(mastodon, "checked_server", lambda address: True)
    fake_mastodon.fail_next(422, body={"error": "Text is too long"})

    with pytest.raises(PermanentError, match="refused the post: Text is too long"):
        publish(target)


def test_redirects_are_not_followed(fake_mastodon: FakeMastodon, target: PostTarget) -> None:
    elsewhere = fake_mastodon.url + "/ailleurs"
    fake_mastodon.fail_next(307, headers={"Location": elsewhere})

    with pytest.raises(PermanentError, match="sent Colombe to another address"):
        publish(target)

    assert fake_mastodon.paths == ["POST /api/v1/statuses"]


def test_a_server_of_a_private_network_is_refused_at_publish_time(
    fake_mastodon: FakeMastodon, target: PostTarget, settings: Any
) -> None:
    # Connected while allowed (or before the name pointed here): refused before sending.
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = False
    target.account.api_base_url = fake_mastodon.url.replace("http://", "https://")
    target.account.save()

    with pytest.raises(PermanentError, match="only to servers on the internet"):
        publish(target)

    assert fake_mastodon.requests == []


def test_plain_http_is_refused_at_publish_time(
    fake_mastodon: FakeMastodon, target: PostTarget, settings: Any
) -> None:
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = False

    with pytest.raises(PermanentError, match="must start with https://"):
        publish(target)

    assert fake_mastodon.requests == []


def test_metrics_read_the_status_counts(fake_mastodon: FakeMastodon, target: PostTarget) -> None:
    published = publish(target)
    fake_mastodon.statuses[published.remote_id].update(
        reblogs_count=4, favourites_count=12, replies_count=2
    )
    target.remote_id = published.remote_id

    metrics = client_for(target.account).metrics(target)

    assert (metrics.boosts, metrics.likes, metrics.replies) == (4, 12, 2)
    assert fake_mastodon.paths[-1] == f"GET /api/v1/statuses/{published.remote_id}"
