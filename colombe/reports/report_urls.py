"""URLs of the reports app: writing and reading one report."""

from django.urls import path

from colombe.reports import report_views as views

urlpatterns = [
    path("nouveau/", views.create, name="create"),
    # Before "<slug>/brouillon/": the first automatic save of a new report.
    path("nouveau/brouillon/", views.autosave_new, name="autosave_new"),
    path("mes-brouillons/", views.drafts, name="drafts"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/brouillon/", views.autosave, name="autosave"),
    path("<slug:slug>/publier/", views.publish, name="publish"),
    path("<slug:slug>/supprimer/", views.delete, name="delete"),
    path("<slug:slug>/photos/<int:pk>/", views.photo_file, name="photo"),
    path("<slug:slug>/photos/<int:pk>/miniature/", views.thumbnail, name="thumbnail"),
    path("<slug:slug>/photos/<int:pk>/retirer/", views.remove_photo, name="remove_photo"),
    path("<slug:slug>/reaction/", views.react, name="react"),
    path("<slug:slug>/commentaires/", views.comment, name="comment"),
    path("<slug:slug>/commentaires/<int:pk>/masquer/", views.hide_comment, name="hide_comment"),
    path("<slug:slug>/reutiliser/", views.reuse, name="reuse"),
]
