"""/actions/: planning and staffing field actions, days of action, printable material."""

from django.urls import include, path

app_name = "actions"
urlpatterns = [
    path("", include("colombe.actions.plan_urls")),
    path("", include("colombe.actions.print_urls")),
]
