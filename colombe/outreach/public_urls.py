"""Root-level public addresses: short links (/l/<code>) and committee mini-sites
(/<committee-slug>/). Included last in the root URLconf so every other prefix wins (see
``root_slugs``: structure slugs avoid the other prefixes)."""

from django.urls import path

from colombe.outreach import public_views

app_name = "presence"
urlpatterns = [
    path("l/<slug:code>", public_views.follow_short_link, name="short_link"),
    path("<slug:slug>/", public_views.minisite, name="minisite"),
    path("<slug:slug>/contact/", public_views.minisite_contact, name="minisite_contact"),
    path(
        "<slug:slug>/contact/merci/",
        public_views.minisite_contact_sent,
        name="minisite_contact_sent",
    ),
]
