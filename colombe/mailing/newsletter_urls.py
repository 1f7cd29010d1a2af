"""Newsletters, subscriptions and unsubscribing, under /diffusion/ (namespace ``mailing``)."""

from django.urls import URLPattern, path

from colombe.mailing import newsletter_views as views

urlpatterns: list[URLPattern] = [
    path("lettres/", views.lists, name="lists"),
    path("lettres/nouvelle-liste/", views.list_create, name="list_create"),
    path("lettres/<slug:slug>/", views.list_detail, name="list"),
    path("lettres/<slug:slug>/abonnement/", views.list_subscribe, name="list_subscribe"),
    path("lettres/<slug:slug>/inscription/", views.list_join, name="list_join"),
    path("lettres/<slug:slug>/desinscription/", views.list_leave, name="list_leave"),
    path("lettres/<slug:slug>/ecrire/", views.newsletter_write, name="newsletter_write"),
    path("numeros/<int:pk>/", views.newsletter_detail, name="newsletter"),
    path("numeros/<int:pk>/modifier/", views.newsletter_edit, name="newsletter_edit"),
    path("numeros/<int:pk>/essai/", views.newsletter_test, name="newsletter_test"),
    path("numeros/<int:pk>/envoyer/", views.newsletter_send, name="newsletter_send"),
    path(
        "numeros/<int:pk>/deprogrammer/",
        views.newsletter_unschedule,
        name="newsletter_unschedule",
    ),
    path("abonnement/<str:token>/", views.confirm_subscription, name="confirm_subscription"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]
