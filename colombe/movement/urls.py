from django.urls import path

from colombe.movement import views

app_name = "movement"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("structures/<slug:slug>/", views.structure, name="structure"),
]
