from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from colombe.core.sitemaps import SITEMAPS

urlpatterns = [
    path("", include("colombe.core.urls")),
    path("compte/", include("colombe.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("mouvement/", include("colombe.movement.urls")),
    path("groupes/", include("colombe.groups.urls")),
    path("petitions/", include("colombe.petitions.urls")),
    path("reunions/", include("colombe.meetings.urls")),
    path("comptes-rendus/", include("colombe.reports.urls")),
    path("diffusion/", include("colombe.mailing.urls")),
    path("journal/", include("colombe.journal.urls")),
    path("memoire/", include("colombe.mediatheque.urls")),
    path("radio/", include("colombe.radio.urls")),
    path("reseaux/", include("colombe.outreach.urls")),
    path("actions/", include("colombe.actions.urls")),
    path("formation/", include("colombe.training.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Last: committee mini-sites live at /<committee-slug>/.
    path("", include("colombe.outreach.public_urls")),
]
