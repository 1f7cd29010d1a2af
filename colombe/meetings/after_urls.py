"""URLs of the meetings app: what comes after (attendance, recordings, minutes)."""

from django.urls import path

from colombe.meetings import after_views

urlpatterns = [
    path("<slug:slug>/presences/", after_views.attendance_page, name="attendance"),
    path("<slug:slug>/compte-rendu/", after_views.minutes_page, name="minutes"),
    path("<slug:slug>/compte-rendu/modifier/", after_views.minutes_edit, name="minutes_edit"),
    path("<slug:slug>/compte-rendu/publier/", after_views.minutes_publish, name="minutes_publish"),
    path(
        "<slug:slug>/enregistrements/<int:pk>/",
        after_views.recording_file,
        name="recording_file",
    ),
]
