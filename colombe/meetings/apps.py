from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "colombe.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.meetings.policy")
