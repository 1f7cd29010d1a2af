from django.urls import path

from colombe.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("tags/<str:name>/", views.hashtag, name="hashtag"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("journal-d-audit/", views.audit_log, name="audit_log"),
]
