"""URLs of the meetings app: scheduling part (agenda, meeting page, registration,
invitations, iCal)."""

from django.urls import path

from colombe.meetings import schedule_views as views

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("nouvelle/", views.create, name="create"),
    path("mon-agenda/", views.feed_settings, name="feed_settings"),
    path("mon-agenda/desactiver/", views.feed_revoke, name="feed_revoke"),
    path("mon-agenda/<str:token>.ics", views.my_feed, name="my_feed"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/annuler/", views.cancel, name="cancel"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/desinscription/", views.unregister, name="unregister"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/invitations/membres/", views.invite_members, name="invite_members"),
    path("<slug:slug>/invitations/partenaires/", views.invite_partner, name="invite_partner"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("<slug:slug>/reunion.ics", views.meeting_ical, name="ical"),
]
