"""URLs of the meetings app: schedule part."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
