"""Contract tests of the Bluesky client against a local server playing the AT Protocol
(PDS) API: the exact requests sent, record keys that make a retry safe, and errors."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from colombe.outreach.models import Network, PostTarget
from colombe.outreach.networks import bluesky
from colombe.outreach.networks.base import PermanentError, RateLimited, TemporaryError
from colombe.outreach.networks.bluesky import TID_ALPHABET, make_tid
from colombe.outreach.networks.registry import client_for, client_for_credentials
from tests.fake_networks import (
    FakeBluesky,
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


SESSION = "/xrpc/com.atproto.server.createSession"
UPLOAD = "/xrpc/com.atproto.repo.uploadBlob"
CREATE = "/xrpc/com.atproto.repo.createRecord"
GET_RECORD = "/xrpc/com.atproto.repo.getRecord"


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def target(world: World, fake_bluesky: FakeBluesky, media_root: Path) -> PostTarget:
    account = make_account(world.lyon, Network.BLUESKY, handle="@colombe-lyon.bsky.social")
    connect_account(account, fake_bluesky)
    post = scheduled_post(world.lyon, [account], text="Rassemblement samedi #paix")
    return post.targets.get()


def publish(target: PostTarget) -> Any:
    return client_for(target.account).publish(target.post, target)


def test_verify_opens_a_session_with_the_app_password(fake_bluesky: FakeBluesky) -> None:
    client = client_for_credentials(
        Network.BLUESKY, fake_bluesky.url, fake_bluesky.handle, fake_bluesky.password
    )

    identity = client.verify()

    assert identity.handle == f"@{fake_bluesky.handle}"
    assert fake_bluesky.paths == [f"POST {SESSION}"]
    assert fake_bluesky.requests[0].json() == {
        "identifier": fake_bluesky.handle,
        "password": fake_bluesky.password,
    }


def test_wrong_app_password_is_a_permanent_error(fake_bluesky: FakeBluesky) -> None:
    client = client_for_credentials(Network.BLUESKY, fake_bluesky.url, fake_bluesky.handle, "no")

    with pytest.raises(PermanentError, match="refused the login or the app password"):
        client.verify()


def test_text_post_creates_a_record_with_facets(
    fake_bluesky: FakeBluesky, target: PostTarget
) -> None:
    post = target.post
    post.text = "Rassemblement samedi #désarmement infos https://colombe.example/agenda"
    post.save()

    published = publish(target)

    assert fake_bluesky.paths == [f"POST {SESSION}", f"POST {CREATE}"]
    create = fake_bluesky.requests[1]
    assert create.headers["authorization"] == f"Bearer {fake_bluesky.access_token}"
    body = create.json()
    rkey = body["rkey"]
    assert body["repo"] == fake_bluesky.did
    assert body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == post.text
    assert record["langs"] == ["fr"]
    assert "embed" not in record
    text_bytes = post.text.encode()
    facets = {
        text_bytes[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in record["facets"]
    }
    assert facets == {
        "#désarmement": {"$type": "app.bsky.richtext.facet#tag", "tag": "désarmement"},
        "https://colombe.example/agenda": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://colombe.example/agenda",
        },
    }
    assert published.remote_id == f"at://{fake_bluesky.did}/app.bsky.feed.post/{rkey}"
    assert published.remote_url == f"https://bsky.app/profile/{fake_bluesky.handle}/post/{rkey}"


def test_images_are_uploaded_as_blobs_then_embedded_with_alt(
    fake_bluesky: FakeBluesky, target: PostTarget
) -> None:
    add_image(target.post, "Des manifestants tiennent une banderole", position=0)
    add_image(target.post, "Une colombe à la craie", position=1)
    target.post.link_url = "https://colombe.example/petition"
    target.post.save()

    publish(target)

    assert fake_bluesky.paths == [
        f"POST {SESSION}",
        f"POST {UPLOAD}",
        f"POST {UPLOAD}",
        f"POST {CREATE}",
    ]
    uploads = fake_bluesky.requests_to(UPLOAD)
    assert [upload.headers["content-type"] for upload in uploads] == ["image/jpeg"] * 2
    assert all(upload.body.startswith(b"\xff\xd8") for upload in uploads)
    record = fake_bluesky.requests_to(CREATE)[0].json()["record"]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [image["alt"] for image in embed["images"]] == [
        "Des manifestants tiennent une banderole",
        "Une colombe à la craie",
    ]
    assert [image["image"] for image in embed["images"]] == list(fake_bluesky.blobs.values())
    ratio = embed["images"][0]["aspectRatio"]
    assert (ratio["width"], ratio["height"]) == (40, 30)
    # With images there is no link card: the link goes in the text, clickable.
    assert record["text"] == "Rassemblement samedi #paix\n\nhttps://colombe.example/petition"
    assert any(
        feature["$type"] == "app.bsky.richtext.facet#link"
        for facet in record["facets"]
        for feature in facet["features"]
    )


def test_link_without_image_becomes_a_card(fake_bluesky: FakeBluesky, target: PostTarget) -> None:
    post = target.post
    post.link_url = "https://colombe.example/petition"
    post.link_title = "Pétition pour la paix"
    post.link_description = "Signez et partagez."
    post.save()

    publish(target)

    record = fake_bluesky.requests_to(CREATE)[0].json()["record"]
    assert record["text"] == "Rassemblement samedi #paix"
    assert record["embed"] == {
        "$type": "app.bsky.embed.external",
        "external": {
            "$type": "app.bsky.embed.external#external",
            "uri": "https://colombe.example/petition",
            "title": "Pétition pour la paix",
            "description": "Signez et partagez.",
        },
    }


def test_record_key_is_saved_before_sending_and_reused(
    fake_bluesky: FakeBluesky, target: PostTarget
) -> None:
    fake_bluesky.fail_next(502, path=CREATE)

    with pytest.raises(TemporaryError):
        publish(target)
    target.refresh_from_db()
    first_key = fake_bluesky.requests_to(CREATE)[0].json()["rkey"]
    assert target.remote_id == first_key

    publish(target)

    assert fake_bluesky.requests_to(CREATE)[1].json()["rkey"] == first_key
    assert list(fake_bluesky.records) == [first_key]


def test_lost_answer_then_retry_publishes_once(
    fake_bluesky: FakeBluesky, target: PostTarget
) -> None:
    fake_bluesky.lose_next_answer(CREATE)

    with pytest.raises(TemporaryError):
        publish(target)
    target.refresh_from_db()
    published = publish(target)

    assert len(fake_bluesky.records) == 1
    [rkey] = fake_bluesky.records
    assert published.remote_id.endswith(f"/{rkey}")
    # The second attempt asked for the record under its key and did not create another.
    assert [r.path for r in fake_bluesky.requests if r.path != SESSION] == [
        CREATE,
        GET_RECORD,
    ]
    assert fake_bluesky.requests_to(GET_RECORD)[0].query["rkey"] == [rkey]


def test_tid_record_keys_are_valid() -> None:
    key = make_tid(1_767_225_600_000_000, 513)

    assert len(key) == 13
    assert set(key) <= set(TID_ALPHABET)
    assert key[0] in "234567abcdefghij"
    assert make_tid(1_767_225_600_000_001, 513) > key  # sortable by time


def test_rate_limit_gives_retry_after(fake_bluesky: FakeBluesky, target: PostTarget) -> None:
    fake_bluesky.fail_next(
        429, path=CREATE, headers={"Retry-After": "90"}, body={"error": "RateLimitExceeded"}
    )

    with pytest.raises(RateLimited) as raised:
        publish(target)

    assert raised.value.retry_after == 90


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(
    fake_bluesky: FakeBluesky, target: PostTarget, status: int
) -> None:
    fake_bluesky.fail_next(status, path=CREATE)

    with pytest.raises(TemporaryError):
        publish(target)


def test_dropped_connection_is_temporary(fake_bluesky: FakeBluesky, target: PostTarget) -> None:
    fake_bluesky.drop_next(path=SESSION)

    with pytest.raises(TemporaryError, match="could not be reached"):
        publish(target)


def test_invalid_record_is_permanent(
    fake_bluesky: FakeBluesky, target: PostTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake listens on 127.0.0.1: it is taken for a public server here, whose
    # explanation is shown.
    monkeypatch.setattr(bluesky, "checked_server", lambda address: True)
    fake_bluesky.fail_next(
        400,
        path=CREATE,
        body={"error": "InvalidRequest", "message": "Record/text must not be longer than 300"},
    )

    with pytest.raises(PermanentError, match="must not be longer than 300"):
        publish(target)


def test_what_a_local_server_said_is_not_repeated(
    fake_bluesky: FakeBluesky, target: PostTarget
) -> None:
    fake_bluesky.fail_next(
        400, path=CREATE, body={"error": "InvalidRequest", "message": "db at 10.0.0.3 is down"}
    )

    with pytest.raises(PermanentError) as refused:
        publish(target)

    assert "10.0.0.3" not in refused.value.message
    assert "no details shown" in refused.value.message


def test_redirects_are_not_followed(fake_bluesky: FakeBluesky, target: PostTarget) -> None:
    fake_bluesky.fail_next(
        307, path=CREATE, headers={"Location": fake_bluesky.url + "/xrpc/ailleurs"}
    )

    with pytest.raises(PermanentError, match="sent Colombe to another address"):
        publish(target)

    assert fake_bluesky.requests[-1].path == CREATE
    assert all(request.path != "/xrpc/ailleurs" for request in fake_bluesky.requests)


def test_a_redirected_login_is_not_followed(fake_bluesky: FakeBluesky) -> None:
    fake_bluesky.fail_next(302, headers={"Location": fake_bluesky.url + "/ailleurs"})
    client = client_for_credentials(
        Network.BLUESKY, fake_bluesky.url, fake_bluesky.handle, fake_bluesky.password
    )

    with pytest.raises(PermanentError, match="sent Colombe to another address"):
        client.verify()

    assert len(fake_bluesky.requests) == 1


def test_a_server_of_a_private_network_is_refused_at_publish_time(
    fake_bluesky: FakeBluesky, target: PostTarget, settings: Any
) -> None:
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = False
    target.account.api_base_url = fake_bluesky.url.replace("http://", "https://")
    target.account.save()

    with pytest.raises(PermanentError, match="only to servers on the internet"):
        publish(target)

    assert fake_bluesky.requests == []


def test_metrics_come_from_get_posts(fake_bluesky: FakeBluesky, target: PostTarget) -> None:
    published = publish(target)
    rkey = published.remote_id.rsplit("/", 1)[-1]
    fake_bluesky.counts[rkey].update(likeCount=9, repostCount=3, quoteCount=1, replyCount=2)
    target.remote_id = published.remote_id

    metrics = client_for(target.account).metrics(target)

    assert (metrics.boosts, metrics.likes, metrics.replies) == (4, 9, 2)
    request = fake_bluesky.requests[-1]
    assert request.path == "/xrpc/app.bsky.feed.getPosts"
    assert request.query["uris"] == [published.remote_id]
