from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadioConfig(AppConfig):
    name = "colombe.radio"
    label = "radio"
    verbose_name = _("Web radio")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.radio.policy")
