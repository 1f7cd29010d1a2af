"""Circulars and the coverage page, under /diffusion/ (namespace ``mailing``)."""

from django.urls import path

from colombe.mailing import circular_views as views
from colombe.mailing import coverage_views

urlpatterns = [
    path("circulaires/", views.circulars, name="circulars"),
    path("circulaires/nouvelle/", views.circular_create, name="circular_create"),
    path("circulaires/<int:pk>/", views.circular, name="circular"),
    path("circulaires/<int:pk>/modifier/", views.circular_edit, name="circular_edit"),
    path("circulaires/<int:pk>/test/", views.circular_test, name="circular_test"),
    path("circulaires/<int:pk>/envoyer/", views.circular_send, name="circular_send"),
    path("circulaires/<int:pk>/programmer/", views.circular_schedule, name="circular_schedule"),
    path(
        "circulaires/<int:pk>/deprogrammer/",
        views.circular_unschedule,
        name="circular_unschedule",
    ),
    path("circulaires/<int:pk>/transmettre/", views.circular_forward, name="circular_forward"),
    path(
        "circulaires/<int:pk>/pieces-jointes/<int:attachment_pk>/",
        views.circular_attachment,
        name="circular_attachment",
    ),
    path("bien-recu/<str:token>/", views.acknowledge, name="circular_acknowledge"),
    path("couverture/", coverage_views.coverage, name="coverage"),
]
