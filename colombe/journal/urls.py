from django.urls import path

from colombe.journal import feeds, views

app_name = "journal"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("flux.atom", feeds.edition_atom, name="atom"),
    path("nouvelle/", views.open_edition, name="open"),
    path("equipe/", views.team, name="team"),
    path("equipe/<int:pk>/retirer/", views.remove_editor, name="remove_editor"),
    path("<int:number>/", views.edition, name="edition"),
    path("<int:number>/pdf/", views.pdf_download, name="pdf"),
    path("<int:number>/pdf/etat/", views.pdf_status, name="pdf_status"),
    path("<int:number>/pdf/generer/", views.pdf_generate, name="pdf_generate"),
    path("<int:number>/rediger/", views.edit, name="edit"),
    path("<int:number>/rediger/edition/", views.update_details, name="update_details"),
    path("<int:number>/rediger/ajouter/", views.add_report, name="add_report"),
    path("<int:number>/rediger/elements/<int:pk>/", views.update_item, name="update_item"),
    path(
        "<int:number>/rediger/elements/<int:pk>/monter/",
        views.move_item,
        {"direction": "up"},
        name="move_item_up",
    ),
    path(
        "<int:number>/rediger/elements/<int:pk>/descendre/",
        views.move_item,
        {"direction": "down"},
        name="move_item_down",
    ),
    path("<int:number>/rediger/elements/<int:pk>/retirer/", views.remove_item, name="remove_item"),
    path("<int:number>/rediger/rubriques/", views.add_section, name="add_section"),
    path(
        "<int:number>/rediger/rubriques/<int:pk>/monter/",
        views.move_section,
        {"direction": "up"},
        name="move_section_up",
    ),
    path(
        "<int:number>/rediger/rubriques/<int:pk>/descendre/",
        views.move_section,
        {"direction": "down"},
        name="move_section_down",
    ),
    path(
        "<int:number>/rediger/rubriques/<int:pk>/retirer/",
        views.remove_section,
        name="remove_section",
    ),
    path("<int:number>/rediger/commentaires/", views.comment, name="comment"),
    path("<int:number>/relecture/", views.to_proofreading, name="to_proofreading"),
    path("<int:number>/brouillon/", views.to_draft, name="to_draft"),
    path("<int:number>/publier/", views.publish, name="publish"),
]
