"""/formation/: training sessions, guides, mentoring and skills."""

from django.urls import path

from colombe.training import mentoring_views, resource_views, session_views, views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("sessions/", session_views.sessions, name="sessions"),
    path("sessions/nouvelle/", session_views.session_create, name="session_create"),
    path("sessions/<slug:slug>/", session_views.session, name="session"),
    path("sessions/<slug:slug>/modifier/", session_views.session_edit, name="session_edit"),
    path("sessions/<slug:slug>/annuler/", session_views.session_cancel, name="session_cancel"),
    path("sessions/<slug:slug>/inscription/", session_views.register, name="register"),
    path("sessions/<slug:slug>/desinscription/", session_views.unregister, name="unregister"),
    path("sessions/<slug:slug>/presences/", session_views.attendance, name="attendance"),
    path("sessions/<slug:slug>/avis/", session_views.feedback, name="feedback"),
    path("sessions/<slug:slug>/agenda.ics", session_views.session_ical, name="session_ical"),
    path("guides/", resource_views.resources, name="resources"),
    path("guides/nouveau/", resource_views.resource_create, name="resource_create"),
    path("guides/<slug:slug>/", resource_views.resource, name="resource"),
    path("guides/<slug:slug>/imprimer/", resource_views.resource_print, name="resource_print"),
    path("guides/<slug:slug>/guide.pdf", resource_views.resource_pdf, name="resource_pdf"),
    path("guides/<slug:slug>/modifier/", resource_views.resource_edit, name="resource_edit"),
    path("competences/", views.skills, name="skills"),
    path("formateurs/", views.trainers, name="trainers"),
    path("entraide/", mentoring_views.mentoring, name="mentoring"),
    path("entraide/demander/", mentoring_views.mentoring_ask, name="mentoring_ask"),
    path("entraide/besoins/", views.demand, name="demand"),
    path("entraide/<int:pk>/", mentoring_views.mentoring_request, name="mentoring_request"),
    path("entraide/<int:pk>/proposer/", mentoring_views.mentoring_offer, name="mentoring_offer"),
    path("entraide/<int:pk>/accepter/", mentoring_views.mentoring_accept, name="mentoring_accept"),
    path("entraide/<int:pk>/refuser/", mentoring_views.mentoring_decline, name="mentoring_decline"),
    path(
        "entraide/<int:pk>/confirmer/", mentoring_views.mentoring_confirm, name="mentoring_confirm"
    ),
    path("entraide/<int:pk>/annuler/", mentoring_views.mentoring_cancel, name="mentoring_cancel"),
]
