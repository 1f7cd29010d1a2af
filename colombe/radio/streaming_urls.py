from django.urls import URLPattern, path

from colombe.radio import streaming_views

urlpatterns: list[URLPattern] = [
    path("en-cours.json", streaming_views.now_playing, name="now_playing"),
    # Called by Liquidsoap only (authenticated by RADIO_CALLBACK_SECRET).
    path("liquidsoap/connexion/", streaming_views.harbor_auth, name="harbor_auth"),
    path("liquidsoap/direct-ouvert/", streaming_views.harbor_connected, name="harbor_connected"),
    path(
        "liquidsoap/direct-ferme/",
        streaming_views.harbor_disconnected,
        name="harbor_disconnected",
    ),
]
