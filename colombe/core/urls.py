from django.urls import path

from colombe.core import interest_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("tags/<str:name>/", views.hashtag, name="hashtag"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("journal-d-audit/", views.audit_log, name="audit_log"),
]

# Hashtags and interests (issue 5): following, people with the same interests, the digest.
urlpatterns += [
    path("tags/<str:name>/suivre/", interest_views.follow, name="hashtag_follow"),
    path("tags/<str:name>/ne-plus-suivre/", interest_views.unfollow, name="hashtag_unfollow"),
    path("interets/", interest_views.same_interests, name="interests"),
    path("interets/ecrire/<int:pk>/", interest_views.contact, name="interests_contact"),
    path(
        "interets/resume/desabonnement/<str:token>/",
        interest_views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
