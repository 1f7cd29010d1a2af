"""/reseaux/: the communication group's tools. Each part has its own URL module."""

from django.urls import include, path

app_name = "outreach"
urlpatterns = [
    path("", include("colombe.outreach.registry_urls")),
    path("", include("colombe.outreach.connect_urls")),
    path("", include("colombe.outreach.post_urls")),
    path("", include("colombe.outreach.share_urls")),
]
