"""/reseaux/: connecting accounts to Colombe."""

from django.urls import path

from colombe.outreach import connect_views as views

urlpatterns = [
    path("comptes/<int:pk>/connexion/", views.account_connect, name="account_connect"),
    path("comptes/<int:pk>/deconnexion/", views.account_disconnect, name="account_disconnect"),
]
