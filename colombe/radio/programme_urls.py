"""URLs of the radio's programme: listeners' pages and podcast feeds, presenters' episodes,
the management of shows, schedule and playlist, and the studio."""

from django.urls import path

from colombe.radio import (
    episode_views,
    management_views,
    programme_views,
    relay_views,
    studio_views,
)

listening = [
    path("", programme_views.player, name="player"),
    path("emissions/<slug:slug>/", programme_views.show_page, name="show"),
    path("emissions/<slug:slug>/artwork.jpg", programme_views.artwork, name="artwork"),
    path("emissions/<slug:slug>/podcast.xml", programme_views.feed, name="feed"),
    path("emissions/<slug:slug>/<int:number>/", programme_views.episode_page, name="episode"),
    path(
        "emissions/<slug:slug>/<int:number>/audio.mp3",
        programme_views.episode_audio,
        name="episode_audio",
    ),
]

episodes = [
    path(
        "emissions/<slug:slug>/nouvel-episode/",
        episode_views.episode_create,
        name="episode_create",
    ),
    path(
        "emissions/<slug:slug>/<int:number>/modifier/",
        episode_views.episode_edit,
        name="episode_edit",
    ),
    path(
        "emissions/<slug:slug>/<int:number>/publier/",
        episode_views.episode_publish,
        name="episode_publish",
    ),
    path(
        "emissions/<slug:slug>/<int:number>/retirer/",
        episode_views.episode_unpublish,
        name="episode_unpublish",
    ),
    path(
        "emissions/<slug:slug>/<int:number>/supprimer/",
        episode_views.episode_delete,
        name="episode_delete",
    ),
    path(
        "emissions/<slug:slug>/<int:number>/archiver/",
        episode_views.archive_episode,
        name="archive_episode",
    ),
]

management = [
    path("gestion/", management_views.manage, name="manage"),
    path("gestion/emissions/nouvelle/", management_views.show_create, name="show_create"),
    path("gestion/emissions/<slug:slug>/modifier/", management_views.show_edit, name="show_edit"),
    path("gestion/creneaux/ajouter/", management_views.slot_add, name="slot_add"),
    path("gestion/creneaux/<int:pk>/supprimer/", management_views.slot_remove, name="slot_remove"),
    path("gestion/playlist/ajouter/", management_views.playlist_add, name="playlist_add"),
    path(
        "gestion/playlist/<int:pk>/deplacer/",
        management_views.playlist_move,
        name="playlist_move",
    ),
    path(
        "gestion/playlist/<int:pk>/retirer/",
        management_views.playlist_remove,
        name="playlist_remove",
    ),
]

studio = [
    path("studio/", studio_views.studio, name="studio"),
    path("studio/identifiants/", studio_views.credential_create, name="credential_create"),
    path(
        "studio/identifiants/<int:pk>/revoquer/",
        studio_views.credential_revoke,
        name="credential_revoke",
    ),
    path("studio/relais/<slug:slug>/", relay_views.relay_start, name="relay_start"),
    path("studio/relais/<int:pk>/arreter/", relay_views.relay_stop, name="relay_stop"),
]

urlpatterns = listening + episodes + management + studio
