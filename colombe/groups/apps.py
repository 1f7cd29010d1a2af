from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "colombe.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.groups.policy")
