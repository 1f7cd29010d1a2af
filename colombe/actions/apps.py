from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "colombe.actions"
    label = "actions"
    verbose_name = _("Field actions")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.actions.policy")
