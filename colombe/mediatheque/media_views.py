"""Serving an item's files (original, rendition, poster, subtitles) and its processing
progress.

Files are private storage: every request goes through the permission policy, and an item
the visitor may not see answers 404 on every URL. Media are served with byte ranges, so
a player can seek in a long report without downloading all of it. Files of public items
may be kept by caches for an hour; the others never."""

from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from colombe.core.object_views import visible_object_view
from colombe.mediatheque.models import MediaItem, Subtitle
from colombe.meetings.byte_ranges import PRIVATE, ranged_file_response

PUBLIC = "public, max-age=3600"
# Kinds of content a browser shows without risk; anything else is downloaded.
INLINE_TYPES = ("image/", "audio/", "video/", "application/pdf")


def cache_policy(item: MediaItem) -> str:
    return PUBLIC if item.visibility == MediaItem.Visibility.PUBLIC else PRIVATE


def serve(
    request: HttpRequest,
    item: MediaItem,
    field: FieldFile,
    *,
    content_type: str,
    filename: str,
) -> HttpResponseBase:
    if not field:
        raise Http404
    return ranged_file_response(
        request,
        field,
        content_type=content_type or "application/octet-stream",
        filename=filename,
        as_attachment=not content_type.startswith(INLINE_TYPES),
        cache_control=cache_policy(item),
    )


@require_http_methods(["GET", "HEAD"])
@visible_object_view(MediaItem)
def media_file(request: HttpRequest, item: MediaItem, which: str) -> HttpResponseBase:
    """The uploaded original (as received) or the web rendition (MP4 or MP3)."""
    if which == "original":
        name = item.original_name or PurePosixPath(item.original.name).name
        return serve(
            request, item, item.original, content_type=item.original_content_type, filename=name
        )
    if which == "rendition":
        suffix = PurePosixPath(item.rendition.name).suffix
        return serve(
            request,
            item,
            item.rendition,
            content_type=item.rendition_content_type,
            filename=f"{item.slug}{suffix}",
        )
    raise Http404


@require_http_methods(["GET", "HEAD"])
@visible_object_view(MediaItem)
def poster(request: HttpRequest, item: MediaItem) -> HttpResponseBase:
    return serve(request, item, item.poster, content_type="image/jpeg", filename=f"{item.slug}.jpg")


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
