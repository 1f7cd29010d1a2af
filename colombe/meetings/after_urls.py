"""URLs of the meetings app: after part."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
