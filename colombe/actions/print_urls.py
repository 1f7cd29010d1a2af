"""/actions/imprimer/: the national office's templates and printing them for a committee;
/actions/<slug>/feuille-benevoles.pdf: an action's volunteer sheet."""

from django.urls import path

from colombe.actions import print_views

urlpatterns = [
    path("imprimer/", print_views.print_material, name="print_material"),
    path("imprimer/document.pdf", print_views.print_pdf, name="print_pdf"),
    path("imprimer/modeles/", print_views.templates_list, name="print_templates"),
    path("imprimer/modeles/nouveau/", print_views.template_create, name="print_template_create"),
    path(
        "imprimer/modeles/<slug:slug>/modifier/",
        print_views.template_edit,
        name="print_template_edit",
    ),
    path(
        "imprimer/modeles/<slug:slug>/supprimer/",
        print_views.template_delete,
        name="print_template_delete",
    ),
    path(
        "imprimer/modeles/<slug:slug>/image.jpg",
        print_views.template_image,
        name="print_template_image",
    ),
    path(
        "<slug:slug>/feuille-benevoles.pdf",
        print_views.volunteer_sheet,
        name="volunteer_sheet",
    ),
]
