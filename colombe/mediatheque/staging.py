"""A checked upload kept while its form is corrected.

Browsers never fill a file field again: without this, a title left empty would mean
sending a video of several hundred megabytes a second time, on the connection that took
minutes the first time. A file that passed its checks is kept in private storage and the
form carries a signed token naming it; the token is good for its uploader only, for a
day, and the file is deleted once filed (or by the daily sweep)."""

import datetime
import secrets
from typing import Any

from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone

from colombe.mediatheque.media_files import CheckedMedia

STAGING_FOLDER = "mediatheque/staged"
MAX_AGE = datetime.timedelta(days=1)
SALT = "colombe.mediatheque.staged-upload"


def stage(user: Any, upload: CheckedMedia) -> str:
    """Keep ``upload`` and return the token that gives it back to ``user``."""
    upload.file.seek(0)
    name = f"{STAGING_FOLDER}/{secrets.token_hex(16)}.{upload.extension}"
    path = default_storage.save(name, upload.file)
    return signing.dumps(
        {
            "user": user.pk,
            "path": path,
            "kind": upload.kind,
            "content_type": upload.content_type,
            "name": upload.original_name,
            "extension": upload.extension,
        },
        salt=SALT,
    )


def unstage(user: Any, token: str) -> tuple[CheckedMedia, str] | None:
    """The upload a token names, with its storage path; None when the token is not this
    user's, is tampered with or too old, or its file is gone."""
    try:
        kept = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    path = kept.get("path", "")
    if kept.get("user") != user.pk or not path.startswith(f"{STAGING_FOLDER}/"):
        return None
    if not default_storage.exists(path):
        return None
    upload = CheckedMedia(
        kind=kept["kind"],
        content_type=kept["content_type"],
        original_name=kept["name"],
        size=default_storage.size(path),
        file=default_storage.open(path, "rb"),
        extension=kept["extension"],
    )
    return upload, path


def discard(path: str) -> None:
    if path.startswith(f"{STAGING_FOLDER}/"):
        default_storage.delete(path)


def discard_stale() -> int:
    """Delete kept uploads whose form was abandoned; returns how many."""
    if not default_storage.exists(STAGING_FOLDER):
        return 0
    _folders, names = default_storage.listdir(STAGING_FOLDER)
    cutoff = timezone.now() - MAX_AGE
    stale = [
        f"{STAGING_FOLDER}/{name}"
        for name in names
        if default_storage.get_modified_time(f"{STAGING_FOLDER}/{name}") < cutoff
    ]
    for path in stale:
        default_storage.delete(path)
    return len(stale)
