"""Fake Mastodon and Bluesky servers for tests: real HTTP servers on 127.0.0.1 (a thread
each, a free port) playing the part of each API our clients use, so that no test reaches
the internet and every test can check the exact requests sent.

Fixtures (registered in the root ``conftest.py``), one fresh server per test; both turn
on ``OUTREACH_ALLOW_LOCAL_SERVERS`` for the test (``allow_local_servers``):

- ``fake_mastodon`` — ``url`` is the instance address (``account.api_base_url``),
  ``token`` the access token it accepts. Serves verify_credentials, POST /api/v2/media
  (+ GET /api/v1/media/<id> while "processing"), POST /api/v1/statuses (honouring
  Idempotency-Key: the same key answers the same status), GET /api/v1/statuses/<id>, and
  the instance information (which our client must never ask for).
- ``fake_bluesky`` — ``url`` is the PDS address, ``handle``/``did``/``password`` the
  account. Serves createSession, refreshSession, uploadBlob, createRecord (a record key
  already used answers 500, as the real PDS does), getRecord and app.bsky.feed.getPosts.

Both record every request (``requests``: method, path, query, headers, body, with
``json()``, ``form()`` and ``multipart()`` readers; ``requests_to(path)`` filters) and can
be told to misbehave for the next requests::

    fake_mastodon.fail_next(429, headers={"Retry-After": "120"})   # answer 429 once
    fake_mastodon.fail_next(500, times=2, path="/api/v1/statuses")  # only on that path
    fake_mastodon.drop_next()              # close the connection without an answer
    fake_mastodon.lose_next_answer("/api/v1/statuses")  # do it, then drop the answer

``on_request`` (a callable taking the request) runs in the server thread before each
request is handled: a test can act "while the server is busy" with it.
"""

import base64
import email.parser
import email.policy
import hashlib
import itertools
import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)

    def multipart(self) -> dict[str, "MultipartField"]:
        head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.body)
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            fields[str(name)] = MultipartField(
                filename=part.get_filename(),
                content_type=part.get_content_type(),
                data=data if isinstance(data, bytes) else b"",
            )
        return fields


@dataclass
class MultipartField:
    filename: str | None
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode()


@dataclass
class Misbehaviour:
    kind: str  # "status", "drop" or "lose_answer"
    path: str | None
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer(ABC):
    """The HTTP part both fakes share: a threaded server, the request log and the
    misbehaviour queue. Subclasses answer in ``answer``."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.on_request: Callable[[RecordedRequest], None] | None = None
        self._misbehaviours: list[Misbehaviour] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(100_000_001)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_id(self) -> str:
        return str(next(self._ids))

    # Misbehaving on demand -----------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next ``times`` requests (to ``path`` when given) with ``status``
        and ``body`` (JSON) instead of handling them."""
        for _time in range(times):
            self._misbehaviours.append(
                Misbehaviour("status", path, status, headers or {}, body or {"error": "Test"})
            )

    def drop_next(self, *, times: int = 1, path: str | None = None) -> None:
        """Close the connection of the next requests without handling or answering them."""
        self._misbehaviours.extend(Misbehaviour("drop", path) for _time in range(times))

    def lose_next_answer(self, path: str) -> None:
        """Handle the next request to ``path``, then close the connection without
        answering: the client cannot know it worked."""
        self._misbehaviours.append(Misbehaviour("lose_answer", path))

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        return [
            request
            for request in self.requests
            if request.path == path and (method is None or request.method == method)
        ]

    @property
    def paths(self) -> list[str]:
        return [f"{request.method} {request.path}" for request in self.requests]

    def _misbehaviour_for(self, path: str) -> Misbehaviour | None:
        with self._lock:
            for index, misbehaviour in enumerate(self._misbehaviours):
                if misbehaviour.path is None or misbehaviour.path == path:
                    return self._misbehaviours.pop(index)
        return None

    # Serving -------------------------------------------------------------------------

    @abstractmethod
    def answer(self, request: RecordedRequest) -> Answer:
        """What the network answers to ``request`` (each fake plays its own API)."""

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=handler.command,
            path=split.path,
            query=parse_qs(split.query),
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(request)
        if self.on_request is not None:
            self.on_request(request)
        misbehaviour = self._misbehaviour_for(request.path)
        if misbehaviour is not None and misbehaviour.kind == "drop":
            handler.close_connection = True
            return
        if misbehaviour is not None and misbehaviour.kind == "status":
            answer = Answer(misbehaviour.status, misbehaviour.body, misbehaviour.headers)
        else:
            with self._lock:
                answer = self.answer(request)
        if misbehaviour is not None and misbehaviour.kind == "lose_answer":
            handler.close_connection = True
            return
        payload = json.dumps(answer.body).encode()
        handler.send_response(answer.status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._serve(self)

            def do_POST(self) -> None:
                fake._serve(self)

            def do_HEAD(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads ``requests`` instead."""

        return Handler


def not_found(message: str = "Record not found") -> Answer:
    return Answer(404, {"error": message})


# Mastodon ----------------------------------------------------------------------------


class FakeMastodon(FakeServer):
    token = "colombe-test-token"
    username = "colombe_lyon"
    display_name = "Colombe — Lyon"

    def __init__(self) -> None:
        super().__init__()
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.by_idempotency_key: dict[str, str] = {}
        # How many times GET /api/v1/media/<id> answers "still processing" per upload.
        self.processing_polls = 0

    def answer(self, request: RecordedRequest) -> Answer:
        path = request.path
        if path in ("/api/v1/instance", "/api/v2/instance"):
            return Answer(200, {"uri": "fake.example", "title": "Fake", "version": "4.3.0"})
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"error": "The access token is invalid"})
        if path == "/api/v1/accounts/verify_credentials" and request.method == "GET":
            return Answer(200, self.account())
        if path == "/api/v2/media" and request.method == "POST":
            return self.upload(request)
        if path.startswith("/api/v1/media/") and request.method == "GET":
            return self.poll_media(path.rsplit("/", 1)[-1])
        if path == "/api/v1/statuses" and request.method == "POST":
            return self.post_status(request)
        if path.startswith("/api/v1/statuses/") and request.method == "GET":
            status = self.statuses.get(path.rsplit("/", 1)[-1])
            return Answer(200, status) if status else not_found()
        return not_found()

    def account(self) -> dict[str, Any]:
        return {
            "id": "1",
            "username": self.username,
            "acct": self.username,
            "display_name": self.display_name,
            "url": f"{self.url}/@{self.username}",
        }

    def upload(self, request: RecordedRequest) -> Answer:
        fields = request.multipart()
        media_id = self.next_id()
        self.media[media_id] = {
            "id": media_id,
            "type": "image",
            "description": fields["description"].text if "description" in fields else None,
            "url": None,
            "polls_left": self.processing_polls,
        }
        if self.processing_polls:
            return Answer(202, self.media_view(media_id))
        self.media[media_id]["url"] = f"{self.url}/media/{media_id}.jpg"
        return Answer(200, self.media_view(media_id))

    def poll_media(self, media_id: str) -> Answer:
        media = self.media.get(media_id)
        if media is None:
            return not_found()
        if media["polls_left"] > 0:
            media["polls_left"] -= 1
            return Answer(206, self.media_view(media_id))
        media["url"] = f"{self.url}/media/{media_id}.jpg"
        return Answer(200, self.media_view(media_id))

    def media_view(self, media_id: str) -> dict[str, Any]:
        return {key: value for key, value in self.media[media_id].items() if key != "polls_left"}

    def post_status(self, request: RecordedRequest) -> Answer:
        key = request.headers.get("idempotency-key")
        if key and key in self.by_idempotency_key:
            return Answer(200, self.statuses[self.by_idempotency_key[key]])
        form = request.form()
        media_ids = form.get("media_ids[]", [])
        unknown = [media_id for media_id in media_ids if media_id not in self.media]
        if unknown:
            return Answer(422, {"error": f"Validation failed: unknown media {unknown}"})
        if any(self.media[media_id]["url"] is None for media_id in media_ids):
            return Answer(422, {"error": "Cannot attach files that have not finished processing"})
        status_id = self.next_id()
        self.statuses[status_id] = {
            "id": status_id,
            "uri": f"{self.url}/users/{self.username}/statuses/{status_id}",
            "url": f"{self.url}/@{self.username}/{status_id}",
            "content": form["status"][0],
            "visibility": form.get("visibility", ["public"])[0],
            "language": form.get("language", [None])[0],
            "media_attachments": [self.media_view(media_id) for media_id in media_ids],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "created_at": datetime.now(UTC).isoformat(),
            "account": self.account(),
        }
        if key:
            self.by_idempotency_key[key] = status_id
        return Answer(200, self.statuses[status_id])


# Bluesky -----------------------------------------------------------------------------


def fake_jwt(subject: str, scope: str, lifetime_seconds: int = 2 * 60 * 60) -> str:
    """An unsigned token shaped like the PDS's (the client reads its expiry)."""

    def encode(part: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    now = int(time.time())
    payload = {"sub": subject, "scope": scope, "iat": now, "exp": now + lifetime_seconds}
    return f"{encode({'alg': 'HS256', 'typ': 'JWT'})}.{encode(payload)}.c2lnbmF0dXJl"


def fake_cid(data: bytes) -> str:
    """A CIDv1 (raw codec, sha2-256) in base32, as the PDS names blobs."""
    digest = b"\x01\x55\x12\x20" + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(digest).decode().lower().rstrip("=")


class FakeBluesky(FakeServer):
    handle = "colombe-lyon.bsky.social"
    did = "did:plc:colombelyonfake0000000000"
    password = "abcd-efgh-ijkl-mnop"

    def __init__(self) -> None:
        super().__init__()
        self.access_token = ""
        self.refresh_token = ""
        self.blobs: dict[str, dict[str, Any]] = {}
        self.records: dict[str, dict[str, Any]] = {}  # by rkey
        self.counts: dict[str, dict[str, int]] = {}  # by rkey: likeCount, repostCount…

    def answer(self, request: RecordedRequest) -> Answer:
        method = request.path.removeprefix("/xrpc/")
        if method == "com.atproto.server.createSession":
            return self.create_session(request.json())
        if method == "com.atproto.server.refreshSession":
            if request.headers.get("authorization") != f"Bearer {self.refresh_token}":
                return Answer(400, {"error": "ExpiredToken", "message": "Token has expired"})
            return Answer(200, self.new_session())
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return Answer(401, {"error": "AuthenticationRequired", "message": "Invalid token"})
        handlers: dict[str, Callable[[RecordedRequest], Answer]] = {
            "com.atproto.repo.uploadBlob": self.upload_blob,
            "com.atproto.repo.createRecord": self.create_record,
            "com.atproto.repo.getRecord": self.get_record,
            "app.bsky.feed.getPosts": self.get_posts,
        }
        if method not in handlers:
            return Answer(501, {"error": "MethodNotImplemented", "message": method})
        return handlers[method](request)

    def create_session(self, body: dict[str, Any]) -> Answer:
        if body.get("identifier") not in (self.handle, self.did) or (
            body.get("password") != self.password
        ):
            return Answer(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            )
        return Answer(200, self.new_session())

    def new_session(self) -> dict[str, Any]:
        self.access_token = fake_jwt(self.did, "com.atproto.appPass")
        self.refresh_token = fake_jwt(self.did, "com.atproto.refresh", 90 * 24 * 60 * 60)
        return {
            "accessJwt": self.access_token,
            "refreshJwt": self.refresh_token,
            "handle": self.handle,
            "did": self.did,
            "active": True,
        }

    def upload_blob(self, request: RecordedRequest) -> Answer:
        cid = fake_cid(request.body)
        blob = {
            "$type": "blob",
            "ref": {"$link": cid},
            "mimeType": request.headers.get("content-type", ""),
            "size": len(request.body),
        }
        self.blobs[cid] = blob
        return Answer(200, {"blob": blob})

    def uri(self, rkey: str) -> str:
        return f"at://{self.did}/app.bsky.feed.post/{rkey}"

    def create_record(self, request: RecordedRequest) -> Answer:
        body = request.json()
        rkey = body.get("rkey") or self.next_id()
        if rkey in self.records:
            # What the real PDS answers when the key is taken.
            return Answer(500, {"error": "InternalServerError", "message": "Internal Server Error"})
        record = body["record"]
        self.records[rkey] = record
        self.counts[rkey] = {"likeCount": 0, "repostCount": 0, "replyCount": 0, "quoteCount": 0}
        return Answer(
            200,
            {"uri": self.uri(rkey), "cid": fake_cid(json.dumps(record).encode())},
        )

    def get_record(self, request: RecordedRequest) -> Answer:
        rkey = request.query.get("rkey", [""])[0]
        if rkey not in self.records:
            return Answer(
                400,
                {
                    "error": "RecordNotFound",
                    "message": f"Could not locate record: {self.uri(rkey)}",
                },
            )
        record = self.records[rkey]
        return Answer(
            200,
            {"uri": self.uri(rkey), "cid": fake_cid(json.dumps(record).encode()), "value": record},
        )

    def get_posts(self, request: RecordedRequest) -> Answer:
        posts = []
        for uri in request.query.get("uris", []):
            rkey = uri.rsplit("/", 1)[-1]
            if rkey in self.records:
                posts.append(self.post_view(rkey))
        return Answer(200, {"posts": posts})

    def post_view(self, rkey: str) -> dict[str, Any]:
        record = self.records[rkey]
        return {
            "uri": self.uri(rkey),
            "cid": fake_cid(json.dumps(record).encode()),
            "author": {"did": self.did, "handle": self.handle},
            "record": record,
            "indexedAt": record.get("createdAt"),
            **self.counts[rkey],
        }


@pytest.fixture
def allow_local_servers(settings: Any) -> None:
    """The fakes listen on 127.0.0.1, an address Colombe refuses for a network server
    unless told otherwise (colombe.outreach.networks.servers)."""
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = True


@pytest.fixture
def fake_mastodon(allow_local_servers: None) -> Iterator[FakeMastodon]:
    server = FakeMastodon()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_bluesky(allow_local_servers: None) -> Iterator[FakeBluesky]:
    server = FakeBluesky()
    server.start()
    yield server
    server.stop()


# Rows for tests ----------------------------------------------------------------------
# Django models are imported inside the helpers: pytest loads this plugin before Django
# is set up.


def connect_account(account: Any, server: FakeServer) -> Any:
    """Point ``account`` at a fake server, with the credentials that server accepts."""
    from colombe.outreach.credentials import encrypt_secret

    if isinstance(server, FakeBluesky):
        account.api_login, secret = server.handle, server.password
    elif isinstance(server, FakeMastodon):
        account.api_login, secret = "", server.token
    else:
        raise TypeError(server)
    account.api_base_url = server.url
    account.api_secret_encrypted = encrypt_secret(secret)
    account.connected_at = datetime.now(UTC)
    account.save()
    return account


def jpeg_bytes(width: int = 40, height: int = 30, red: int = 200) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (red, 30, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def add_image(post: Any, alt_text: str, position: int = 0) -> Any:
    """An image of ``post`` (saved under MEDIA_ROOT), described by ``alt_text``."""
    from django.core.files.base import ContentFile

    from colombe.outreach.models import PostImage

    image = PostImage(post=post, alt_text=alt_text, width=40, height=30, position=position)
    content = jpeg_bytes(red=200 - 20 * position)  # each image its own bytes
    image.image.save(f"image-{position}.jpg", ContentFile(content), save=True)
    return image


def make_account(owner: Any, network: str, handle: str = "@colombe_lyon") -> Any:
    """A registry entry for ``owner`` on ``network``, not connected yet."""
    from colombe.outreach.models import SocialAccount

    return SocialAccount.objects.create(
        network=network,
        handle=handle,
        url=f"https://{network}.example/{handle}",
        label=f"Colombe — {owner.name}",
        owner=owner,
    )


def scheduled_post(
    structure: Any, accounts: list[Any], text: str = "Rassemblement samedi #paix", **fields: Any
) -> Any:
    """A post approved and due now, with one waiting target per account."""
    from colombe.outreach.models import Post, PostTarget

    post = Post.objects.create(
        structure=structure,
        text=text,
        status=Post.Status.SCHEDULED,
        scheduled_at=datetime.now(UTC),
        **fields,
    )
    for account in accounts:
        PostTarget.objects.create(post=post, account=account)
    return post
