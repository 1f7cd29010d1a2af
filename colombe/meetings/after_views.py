"""After the meeting: attendance for organisers, the minutes (read, edit, publish) and the
recordings' files.

Every view resolves the meeting through the policy FIRST (``meeting_view``), so that a
secret group's meeting answers 404 to outsiders on every URL, before any login redirect
that would put the slug in a Location header."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.meetings import attendance, byte_ranges
from colombe.meetings import minutes as minutes_services
from colombe.meetings.after_forms import ActionItemFormSet, DecisionFormSet, MinutesForm
from colombe.meetings.models import ChatMessage, Meeting, Minutes, Recording
from colombe.meetings.recordings import recording_type

DECISIONS_PREFIX = "decisions"
ACTIONS_PREFIX = "actions"
# The submit buttons that add an empty row instead of saving (no JavaScript needed).
ADD_ROW_BUTTONS = {"add_decision": DECISIONS_PREFIX, "add_action": ACTIONS_PREFIX}


# Attendance ---------------------------------------------------------------------------


@require_GET
@visible_object_view(Meeting, perm="meetings.organise")
def attendance_page(request: HttpRequest, meeting: Meeting) -> HttpResponseBase:
    report = attendance.attendance_report(meeting)
    if request.GET.get("format") == "csv":
        return attendance_csv(request, meeting, report)
    return render(request, "meetings/attendance.html", {"meeting": meeting, "report": report})


def attendance_csv(
    request: HttpRequest, meeting: Meeting, report: attendance.AttendanceReport
) -> StreamingHttpResponse:
    attendance.record_csv_download(actor=request.user, meeting=meeting, report=report)
    response = StreamingHttpResponse(
        attendance.csv_lines(report), content_type="text/csv; charset=utf-8"
    )
    filename = attendance.csv_filename(meeting)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# Minutes -------------------------------------------------------------------------------


@require_GET
@visible_object_view(Meeting, perm="meetings.read_minutes")
def minutes_page(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    minutes = Minutes.objects.filter(meeting=meeting).select_related("published_post").first()
    may_organise = policy.has_perm(request.user, "meetings.organise", meeting)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "decisions": minutes.decisions.all() if minutes else [],
        "actions": minutes.action_items.select_related("assignee") if minutes else [],
        "chat": kept_chat(meeting, minutes),
        "recordings": recordings_for(meeting, may_organise),
        "may_organise": may_organise,
    }
    return render(request, "meetings/minutes.html", context)


def kept_chat(meeting: Meeting, minutes: Minutes | None) -> list[ChatMessage]:
    if minutes is None or not minutes.keep_chat:
        return []
    visible = ChatMessage.objects.filter(meeting=meeting, hidden_at__isnull=True)
    return list(visible.only("author_name", "body", "is_question", "created_at"))


@dataclass(frozen=True)
class ListedRecording:
    recording: Recording
    media_type: str

    @property
    def duration_minutes(self) -> int | None:
        seconds = self.recording.duration_seconds
        return None if seconds is None else max(1, round(seconds / 60))

    @property
    def is_audio(self) -> bool:
        return self.media_type.startswith("audio/")


def recordings_for(meeting: Meeting, may_organise: bool) -> list[ListedRecording]:
    """Organisers follow every recording (in progress, processing, failed with its error);
    the others see the finished files only."""
    # The archive's button reads each recording's meeting and archived item.
    recordings = Recording.objects.filter(meeting=meeting).select_related(
        "meeting__group", "meeting__owner", "archived_as"
    )
    if not may_organise:
        recordings = recordings.filter(status=Recording.Status.READY)
    return [
        ListedRecording(recording, recording_type(recording.file.name) if recording.file else "")
        for recording in recordings
    ]


@require_http_methods(["GET", "POST"])
@visible_object_view(Meeting, perm="meetings.organise")
def minutes_edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    minutes = minutes_services.minutes_of(meeting)
    assignees = minutes_services.assignee_choices(meeting, minutes)
    data = with_added_row(request.POST) if request.method == "POST" else None
    form = MinutesForm(data, instance=minutes)
    decisions = DecisionFormSet(data, instance=minutes, prefix=DECISIONS_PREFIX)
    actions = ActionItemFormSet(data, instance=minutes, prefix=ACTIONS_PREFIX, assignees=assignees)
    context = {"meeting": meeting, "form": form, "decisions": decisions, "actions": actions}
    if request.method != "POST" or adds_a_row(request.POST):
        return render(request, "meetings/minutes_edit.html", context)
    if not (form.is_valid() and decisions.is_valid() and actions.is_valid()):
        return render(request, "meetings/minutes_edit.html", context, status=422)
    saved = minutes_services.save_minutes(
        actor=request.user, meeting=meeting, form=form, decisions=decisions, actions=actions
    )
    if saved.published_at is not None:
        messages.success(request, _("The minutes are saved; their publication is updated."))
    else:
        messages.success(request, _("The minutes are saved. They stay a draft until published."))
    return redirect("meetings:minutes", slug=meeting.slug)


def adds_a_row(post: QueryDict) -> bool:
    return any(button in post for button in ADD_ROW_BUTTONS)


def with_added_row(post: QueryDict) -> QueryDict:
    """The posted data, with one more row in the formset whose "add" button was pressed."""
    for button, prefix in ADD_ROW_BUTTONS.items():
        if button in post:
            data = post.copy()
            total_key = f"{prefix}-TOTAL_FORMS"
            try:
                data[total_key] = str(int(post.get(total_key, "0")) + 1)
            except ValueError:
                return post
            return data
    return post


@require_http_methods(["GET", "POST"])
@visible_object_view(Meeting, perm="meetings.organise")
def minutes_publish(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if request.method != "POST":
        return render(
            request, "meetings/minutes_publish.html", {"meeting": meeting, "minutes": minutes}
        )
    try:
        minutes_services.publish_minutes(actor=request.user, meeting=meeting)
    except minutes_services.MinutesError as error:
        messages.error(request, error.message)
        return redirect("meetings:minutes_edit", slug=meeting.slug)
    if meeting.group is not None:
        messages.success(request, _("The minutes are published in the group's discussions."))
    else:
        messages.success(request, _("The minutes are published on this page."))
    return redirect("meetings:minutes", slug=meeting.slug)


# Recordings ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@visible_object_view(Meeting, perm="meetings.watch_recordings")
def recording_file(request: HttpRequest, meeting: Meeting, pk: int) -> HttpResponseBase:
    recording = Recording.objects.filter(
        meeting=meeting, pk=pk, status=Recording.Status.READY
    ).first()
    if recording is None or not recording.file:
        raise Http404
    name = PurePosixPath(recording.file.name).name
    return byte_ranges.ranged_file_response(
        request, recording.file, content_type=recording_type(name), filename=name
    )
