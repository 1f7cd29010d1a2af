"""URLs of the archive's pages: the timeline, the press room, an item and its editing."""

from django.urls import path

from colombe.mediatheque import item_views as views

# The fixed paths come first: an item's slug (which ends with its date) never shadows them.
urlpatterns = [
    path("", views.timeline, name="index"),
    path("ajouter/", views.add, name="add"),
    path("presse/", views.press, name="press"),
    path(
        "archiver/enregistrement/<int:pk>/",
        views.archive_recording,
        name="archive_recording",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/supprimer/", views.delete, name="delete"),
    path("<slug:slug>/sous-titres/", views.add_subtitle, name="add_subtitle"),
    path(
        "<slug:slug>/sous-titres/<int:pk>/retirer/",
        views.remove_subtitle,
        name="remove_subtitle",
    ),
    path("<slug:slug>/personnes/", views.add_appearance, name="add_appearance"),
    path(
        "<slug:slug>/personnes/<int:pk>/retirer/",
        views.remove_appearance,
        name="remove_appearance",
    ),
]
