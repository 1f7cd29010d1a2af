"""/reseaux/: the hub, the registry of accounts and its naming convention, the editorial
charter and its checklist, the communication team and the "Relais jeunes"."""

from django.urls import path

from colombe.outreach import registry_views as views

hub = [path("", views.home, name="home")]

registry = [
    path("comptes/", views.accounts, name="accounts"),
    path("comptes/hors-convention/", views.nonconforming, name="nonconforming"),
    path("comptes/nouveau/", views.account_create, name="account_create"),
    path("comptes/<int:pk>/", views.account, name="account"),
    path("comptes/<int:pk>/modifier/", views.account_edit, name="account_edit"),
    path("comptes/<int:pk>/supprimer/", views.account_delete, name="account_delete"),
    path("comptes/<int:pk>/avatar.png", views.account_avatar, name="account_avatar"),
    path("comptes/<int:pk>/banniere.png", views.account_banner, name="account_banner"),
    path("convention/", views.naming_rules, name="naming_rules"),
    path("convention/<slug:kind>/", views.naming_rule, name="naming_rule"),
]

charter = [
    path("charte/", views.charter, name="charter"),
    path("charte/nouvelle-page/", views.charter_page_create, name="charter_page_create"),
    path("charte/page/<slug:slug>/", views.charter_page, name="charter_page"),
    path("charte/page/<slug:slug>/modifier/", views.charter_page_edit, name="charter_page_edit"),
    path(
        "charte/page/<slug:slug>/supprimer/", views.charter_page_delete, name="charter_page_delete"
    ),
    path("charte/liste-de-controle/", views.checklist, name="checklist"),
    path(
        "charte/liste-de-controle/<int:pk>/modifier/",
        views.checklist_item_edit,
        name="checklist_item_edit",
    ),
    path(
        "charte/liste-de-controle/<int:pk>/deplacer/",
        views.checklist_item_move,
        name="checklist_item_move",
    ),
    path(
        "charte/liste-de-controle/<int:pk>/retirer/",
        views.checklist_item_retire,
        name="checklist_item_retire",
    ),
    path(
        "charte/liste-de-controle/<int:pk>/remettre/",
        views.checklist_item_restore,
        name="checklist_item_restore",
    ),
]

team = [
    path("equipe/", views.team, name="team"),
    path("equipe/nommer/", views.team_add, name="team_add"),
    path("equipe/<int:pk>/retirer/", views.team_remove, name="team_remove"),
]

volunteers = [
    path("relais-jeunes/", views.volunteers, name="volunteers"),
    path("relais-jeunes/ma-proposition/", views.volunteer, name="volunteer"),
    path(
        "relais-jeunes/ma-proposition/retirer/",
        views.volunteer_withdraw,
        name="volunteer_withdraw",
    ),
]

urlpatterns = hub + registry + charter + team + volunteers
