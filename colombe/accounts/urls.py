from django.urls import path

from colombe.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.me, name="me"),
    path("personnes/<int:pk>/", views.profile, name="profile"),
]
