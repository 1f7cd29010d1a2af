"""Serving a stored file with HTTP Range requests (RFC 9110 §14), so that a player can
seek in a two-hour recording without downloading all of it first.

One range per request: that is what media players send. A request for several ranges
gets the whole file (allowed by the RFC), a range in another unit is ignored, and a byte
range that cannot be satisfied answers 416 with the file's size."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_SIZE = 64 * 1024
# Recordings of private meetings (and anything not public) must not stay in shared caches.
PRIVATE = "private, no-store"
BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The client asked for bytes the file does not have, or wrote the range wrong."""


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range asked for, or None to send the whole file."""
    header = header.strip()
    if not header.startswith("bytes=") or "," in header:
        return None
    match = BYTE_RANGE.match(header.replace(" ", ""))
    if match is None:
        raise Unsatisfiable
    first, last = match.groups()
    if first == "":
        return suffix_range(last, size)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise Unsatisfiable
    return ByteRange(start, end)


def suffix_range(last: str, size: int) -> ByteRange:
    """``bytes=-500``: the last 500 bytes (the whole file when it is shorter)."""
    if not last or int(last) == 0 or size == 0:
        raise Unsatisfiable
    return ByteRange(max(size - int(last), 0), size - 1)


def read_range(handle: IO[bytes], byte_range: ByteRange) -> Iterator[bytes]:
    try:
        handle.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest,
    file: File,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool = False,
    cache_control: str = PRIVATE,
) -> HttpResponse | StreamingHttpResponse:
    """The whole file, or the byte range asked for. ``cache_control`` defaults to
    private: pass a public policy only for files anyone may see."""
    size = file.size
    try:
        byte_range = parse_range(request.headers.get("range", ""), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return with_common_headers(response, cache_control)
    if byte_range is None:
        full = FileResponse(
            file.open("rb"),
            content_type=content_type,
            filename=filename,
            as_attachment=as_attachment,
        )
        return with_common_headers(full, cache_control)
    partial = StreamingHttpResponse(
        read_range(file.open("rb"), byte_range), status=206, content_type=content_type
    )
    partial["Content-Length"] = str(byte_range.length)
    partial["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        partial["Content-Disposition"] = disposition
    return with_common_headers(partial, cache_control)


def with_common_headers(
    response: HttpResponse | StreamingHttpResponse, cache_control: str = PRIVATE
) -> HttpResponse | StreamingHttpResponse:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
