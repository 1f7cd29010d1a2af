"""URLs of the meetings app: the room part (lobby, live meeting, moderation)."""

from django.urls import path

from colombe.meetings import engine_views, room_views

urlpatterns = [
    path("rejoindre/<str:token>/", room_views.invitation, name="invitation"),
    path("moteurs/livekit/evenements/", engine_views.livekit_webhook, name="livekit_webhook"),
    path("<slug:slug>/salle/", room_views.lobby, name="lobby"),
    path("<slug:slug>/direct/", room_views.room, name="room"),
    path("<slug:slug>/direct/etat/", room_views.room_state, name="room_state"),
    path("<slug:slug>/direct/chat/", room_views.chat_post, name="chat_post"),
    path("<slug:slug>/direct/main/", room_views.hand, name="hand"),
    path("<slug:slug>/direct/publie/", room_views.published, name="published"),
    path("<slug:slug>/direct/quitter/", room_views.leave, name="leave"),
    path("<slug:slug>/direct/moderation/", room_views.moderate, name="moderate"),
    path(
        "<slug:slug>/direct/enregistrement/", room_views.recording_toggle, name="recording_toggle"
    ),
    path("<slug:slug>/direct/terminer/", room_views.end, name="end"),
]
