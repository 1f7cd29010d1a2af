from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementConfig(AppConfig):
    name = "colombe.movement"
    label = "movement"
    verbose_name = _("Movement")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.movement.policy")
