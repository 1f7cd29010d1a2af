"""Helpers for tests of uploads, processing and serving: uploads made from generated clips
(``colombe.mediatheque.clips``), archive items holding a file, and ffprobe's view of a
result."""

import datetime
import json
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from colombe.mediatheque.models import MediaItem


def uploaded(path: Path, name: str | None = None) -> SimpleUploadedFile:
    """The file as Django hands a small upload to a form (in memory)."""
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def uploaded_to_disk(path: Path, name: str | None = None) -> TemporaryUploadedFile:
    """The file as Django hands a large upload to a form (streamed to a temporary file)."""
    data = path.read_bytes()
    upload = TemporaryUploadedFile(name or path.name, "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


def item_with_original(
    path: Path,
    *,
    kind: str = MediaItem.Kind.VIDEO,
    slug: str = "reportage-2026-03-01",
    content_type: str = "video/mp4",
    **fields: Any,
) -> MediaItem:
    """A public archive item whose uploaded original is ``path``, waiting to be processed."""
    item = MediaItem(
        kind=kind,
        title="Reportage",
        slug=slug,
        published_on=datetime.date(2026, 3, 1),
        original_name=path.name,
        original_content_type=content_type,
        original_size=path.stat().st_size,
        processing=MediaItem.Processing.PENDING,
        **fields,
    )
    with path.open("rb") as content:
        item.original.save(path.name, File(content), save=False)
    item.save()
    return item


def ffprobe(path: str | Path) -> dict[str, Any]:
    output = subprocess.run(
        [
            *(settings.FFPROBE_BINARY, "-v", "error", "-print_format", "json"),
            *("-show_format", "-show_streams", str(path)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def streams_by_type(path: str | Path) -> dict[str, dict[str, Any]]:
    return {stream["codec_type"]: stream for stream in ffprobe(path)["streams"]}
