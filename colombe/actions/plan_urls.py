"""URLs of the planning part: agenda, calendar feed, actions, slots, volunteers, days of
action.

An action's address ends with its date (``title-YYYY-MM-DD``, see services.unique_slug):
the ``action`` converter matches only such slugs, so the pages of /actions/ that are not
an action (the printing pages, "journees", "nouvelle") are never taken for one, whatever
the order in which the URL modules are included."""

from django.urls import path, register_converter

from colombe.actions import plan_views as views


class ActionSlugConverter:
    regex = r"[-a-zA-Z0-9_]*\d{4}-\d{2}-\d{2}(?:-[a-z0-9]+)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ActionSlugConverter, "action")

urlpatterns = [
    path("", views.agenda_page, name="agenda"),
    path("agenda.ics", views.ical, name="ical"),
    path("nouvelle/", views.create, name="create"),
    path("journees/", views.days, name="days"),
    path("journees/nouvelle/", views.day_create, name="day_create"),
    path("journees/<slug:slug>/", views.day, name="day"),
    path("journees/<slug:slug>/modifier/", views.day_edit, name="day_edit"),
    path("<action:slug>/", views.detail, name="detail"),
    path("<action:slug>/modifier/", views.edit, name="edit"),
    path("<action:slug>/annuler/", views.cancel, name="cancel"),
    path("<action:slug>/creneaux/ajouter/", views.slot_add, name="slot_add"),
    path("<action:slug>/creneaux/<int:pk>/modifier/", views.slot_edit, name="slot_edit"),
    path("<action:slug>/creneaux/<int:pk>/retirer/", views.slot_remove, name="slot_remove"),
    path("<action:slug>/creneaux/<int:pk>/inscription/", views.sign_up, name="sign_up"),
    path("<action:slug>/creneaux/<int:pk>/desinscription/", views.withdraw, name="withdraw"),
    path("<action:slug>/benevoles/", views.volunteers, name="volunteers"),
    path("<action:slug>/compte-rendu/", views.to_report, name="to_report"),
]
