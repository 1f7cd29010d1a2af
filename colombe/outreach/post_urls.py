"""Posts (/reseaux/publications/), the editorial calendar and campaigns."""

from django.urls import path

from colombe.outreach import calendar_views, campaign_views, post_views

urlpatterns = [
    path("publications/", post_views.post_list, name="posts"),
    path("publications/nouvelle/", post_views.post_create, name="post_create"),
    path("publications/<int:pk>/", post_views.post_detail, name="post"),
    path("publications/<int:pk>/modifier/", post_views.post_edit, name="post_edit"),
    path("publications/<int:pk>/supprimer/", post_views.post_delete, name="post_delete"),
    path("publications/<int:pk>/soumettre/", post_views.post_submit, name="post_submit"),
    path("publications/<int:pk>/relecture/", post_views.post_review, name="post_review"),
    path("publications/<int:pk>/deprogrammer/", post_views.post_unschedule, name="post_unschedule"),
    path("publications/<int:pk>/commentaires/", post_views.post_comment, name="post_comment"),
    path("publications/<int:pk>/images/<int:image_pk>/", post_views.post_image, name="post_image"),
    path(
        "publications/<int:pk>/images/<int:image_pk>/retirer/",
        post_views.post_image_remove,
        name="post_image_remove",
    ),
    path(
        "publications/<int:pk>/comptes/<int:target_pk>/publiee/",
        post_views.target_record,
        name="target_record",
    ),
    path(
        "publications/<int:pk>/comptes/<int:target_pk>/reessayer/",
        post_views.target_retry,
        name="target_retry",
    ),
    path("calendrier/", calendar_views.calendar, name="calendar"),
    path("campagnes/", campaign_views.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", campaign_views.campaign_create, name="campaign_create"),
    path("campagnes/<slug:slug>/", campaign_views.campaign_detail, name="campaign"),
    path("campagnes/<slug:slug>/modifier/", campaign_views.campaign_edit, name="campaign_edit"),
    path(
        "campagnes/<slug:slug>/supprimer/", campaign_views.campaign_delete, name="campaign_delete"
    ),
]
