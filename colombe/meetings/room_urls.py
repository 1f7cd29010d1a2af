"""URLs of the meetings app: room part."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
