"""What engines tell Colombe on their own: LiveKit's signed webhooks keep the attendance
of meetings that run on LiveKit (who joined, when they left)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from colombe.meetings import room_services
from colombe.meetings.engines.base import EngineError
from colombe.meetings.engines.livekit import LiveKitEngine, read_webhook


@csrf_exempt  # called by the LiveKit server, authenticated by its signature instead
@require_POST
def livekit_webhook(request: HttpRequest) -> HttpResponse:
    if not LiveKitEngine().is_configured():
        raise Http404
    try:
        event = read_webhook(request.body.decode(), request.headers.get("Authorization", ""))
    except (EngineError, UnicodeDecodeError):
        return HttpResponse(status=401)
    room_services.record_engine_presence(
        engine="livekit", room=event["room"], identity=event["identity"], event=event["event"]
    )
    return HttpResponse(status=204)
