"""Serving an item's files (original, rendition, poster, subtitles) and its processing
progress.

Files are private storage: every request goes through the permission policy, and an item
the visitor may not see answers 404 on every URL. Media are served with byte ranges, so
a player can seek in a long report without downloading all of it. Files of public items
may be kept by the visitor's browser for an hour (never by a shared cache, which would
keep serving them after the item is narrowed); originals, and the files of other items,
are never kept.

A video's or a sound's original (with its source's metadata) is served to its editors
only (``mediatheque.original``); to everyone else it does not exist. Every file is
downloaded under the item's name, never under the name it had on the uploader's
computer."""

from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.mediatheque.models import MediaItem, Subtitle
from colombe.meetings.byte_ranges import PRIVATE, ranged_file_response

BROWSER_ONLY = "private, max-age=3600"
# Kinds of content a browser shows without risk; anything else is downloaded.
INLINE_TYPES = ("image/", "audio/", "video/", "application/pdf")


def cache_policy(item: MediaItem) -> str:
    return BROWSER_ONLY if item.visibility == MediaItem.Visibility.PUBLIC else PRIVATE


def serve(
    request: HttpRequest,
    item: MediaItem,
    field: FieldFile,
    *,
    content_type: str,
    cache_control: str | None = None,
) -> HttpResponseBase:
    """The file, named after the item with the stored file's extension (stored names
    are random, their extension is the one the content was recognised as)."""
    if not field:
        raise Http404
    return ranged_file_response(
        request,
        field,
        content_type=content_type or "application/octet-stream",
        filename=f"{item.slug}{PurePosixPath(field.name or '').suffix}",
        as_attachment=not content_type.startswith(INLINE_TYPES),
        cache_control=cache_control or cache_policy(item),
    )


@require_http_methods(["GET", "HEAD"])
@visible_object_view(MediaItem)
def media_file(request: HttpRequest, item: MediaItem, which: str) -> HttpResponseBase:
    """The uploaded original (as received) or the web rendition (MP4 or MP3)."""
    if which == "original":
        if not policy.has_perm(request.user, "mediatheque.original", item):
            raise Http404
        # A video's original is for its editors alone: no cache keeps any original.
        return serve(
            request,
            item,
            item.original,
            content_type=item.original_content_type,
            cache_control=PRIVATE,
        )
    if which == "rendition":
        return serve(request, item, item.rendition, content_type=item.rendition_content_type)
    raise Http404


@require_http_methods(["GET", "HEAD"])
@visible_object_view(MediaItem)
def poster(request: HttpRequest, item: MediaItem) -> HttpResponseBase:
    return serve(request, item, item.poster, content_type="image/jpeg")


@require_http_methods(["GET", "HEAD"])
@visible_object_view(MediaItem)
def subtitle(request: HttpRequest, item: MediaItem, pk: int) -> HttpResponseBase:
    track = Subtitle.objects.filter(item=item, pk=pk).first()
    if track is None:
        raise Http404
    return ranged_file_response(
        request,
        track.file,
        content_type="text/vtt; charset=utf-8",
        filename=f"{item.slug}.{track.language}.vtt",
        cache_control=cache_policy(item),
    )


@require_GET
@visible_object_view(MediaItem, perm="mediatheque.edit")
def processing_progress(request: HttpRequest, item: MediaItem) -> JsonResponse:
    """Where the conversion stands, for the uploader's page to poll (progress.js)."""
    state: dict[str, str | int] = {
        "status": item.processing,
        "label": str(item.get_processing_display()),
        "progress": item.processing_progress,
        "error": item.processing_error,
    }
    if item.processing == MediaItem.Processing.READY:
        state["ready_url"] = item.get_absolute_url()
    response = JsonResponse(state)
    response["Cache-Control"] = PRIVATE
    return response
