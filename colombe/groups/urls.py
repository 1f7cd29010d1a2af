from django.urls import path

from colombe.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/discussions/<int:pk>/", views.thread, name="thread"),
]
