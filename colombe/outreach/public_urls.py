"""Root-level public addresses: short links (/l/<code>) and committee mini-sites
(/<committee-slug>/). Included last in the root URLconf so every other prefix wins."""

from django.urls import URLPattern

app_name = "presence"
urlpatterns: list[URLPattern] = []
