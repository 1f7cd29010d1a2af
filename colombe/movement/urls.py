from django.urls import path

from colombe.movement import views

app_name = "movement"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("groupes-de-travail/", views.working_groups, name="working_groups"),
    path("collectifs/", views.collectives, name="collectives"),
    path("nouvelle-structure/", views.structure_create, name="structure_create"),
    path("structures/<slug:slug>/", views.structure, name="structure"),
    path("structures/<slug:slug>/modifier/", views.structure_edit, name="structure_edit"),
    path("structures/<slug:slug>/contact/", views.contact, name="contact"),
    path("structures/<slug:slug>/membres/", views.members, name="members"),
    path("structures/<slug:slug>/rejoindre/", views.join, name="join"),
    path("structures/<slug:slug>/quitter/", views.leave, name="leave"),
    path("structures/<slug:slug>/demandes/<int:pk>/accepter/", views.approve, name="approve"),
    path("structures/<slug:slug>/demandes/<int:pk>/refuser/", views.reject, name="reject"),
    path("structures/<slug:slug>/membres/<int:pk>/relais/", views.name_relay, name="name_relay"),
    path(
        "structures/<slug:slug>/membres/<int:pk>/relais/retirer/",
        views.remove_relay,
        name="remove_relay",
    ),
    path("structures/<slug:slug>/membres/<int:pk>/role/", views.change_role, name="change_role"),
    path(
        "structures/<slug:slug>/membres/<int:pk>/retirer/",
        views.remove_member,
        name="remove_member",
    ),
    path("structures/<slug:slug>/description/", views.description_edit, name="description_edit"),
    path("structures/<slug:slug>/partenaires/", views.partners, name="partners"),
    path("structures/<slug:slug>/partenaires/ajouter/", views.partner_add, name="partner_add"),
    path(
        "structures/<slug:slug>/partenaires/nouvelle/", views.partner_create, name="partner_create"
    ),
    path(
        "structures/<slug:slug>/partenaires/<int:pk>/retirer/",
        views.partner_remove,
        name="partner_remove",
    ),
    path("territoires/", views.territory_list, name="territories"),
    path("territoires/nouveau/", views.territory_create, name="territory_create"),
    path("territoires/<slug:slug>/modifier/", views.territory_edit, name="territory_edit"),
    path(
        "territoires/<slug:slug>/coordination/",
        views.territory_coordinators,
        name="territory_coordinators",
    ),
    path(
        "territoires/<slug:slug>/coordination/ajouter/",
        views.territory_coordinator_add,
        name="territory_coordinator_add",
    ),
    path(
        "territoires/<slug:slug>/coordination/<int:user_pk>/retirer/",
        views.territory_coordinator_remove,
        name="territory_coordinator_remove",
    ),
]
