from django.urls import path

from colombe.outreach import share_views

urlpatterns = [
    path("partager/mastodon/", share_views.share_mastodon, name="share_mastodon"),
    path("partager/<slug:kind>/<int:pk>.png", share_views.share_image, name="share_image"),
    path("liens/", share_views.short_links, name="short_links"),
    path("liens/nouveau/", share_views.short_link_create, name="short_link_create"),
    path("liens/<slug:code>/", share_views.short_link, name="short_link"),
    path("liens/<slug:code>/modifier/", share_views.short_link_edit, name="short_link_edit"),
    path("liens/<slug:code>/supprimer/", share_views.short_link_delete, name="short_link_delete"),
    path("liens/<slug:code>/qr.<str:fmt>", share_views.short_link_qr, name="short_link_qr"),
]
