"""URLs of the reports app: the feed of what committees do, per committee, Atom feeds."""

from django.urls import path

from colombe.reports import feed_views, feeds

urlpatterns = [
    path("", feed_views.feed, name="feed"),
    path("flux.atom", feeds.feed_atom, name="feed_atom"),
    path("comite/<slug:slug>/", feed_views.committee, name="committee"),
    path("comite/<slug:slug>/flux.atom", feeds.committee_atom, name="committee_atom"),
    path("sujet/<str:name>/flux.atom", feeds.hashtag_atom, name="hashtag_atom"),
]
