"""URLs of an item's files and of its processing progress (under /memoire/)."""

from django.urls import path

from colombe.mediatheque import media_views as views

urlpatterns = [
    path("<slug:slug>/fichier/<str:which>/", views.media_file, name="file"),
    path("<slug:slug>/affiche.jpg", views.poster, name="poster"),
    path("<slug:slug>/sous-titres/<int:pk>.vtt", views.subtitle, name="subtitle"),
    path("<slug:slug>/traitement/", views.processing_progress, name="progress"),
]
