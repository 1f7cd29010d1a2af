from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "colombe.outreach"
    label = "outreach"
    verbose_name = _("Social networks")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.outreach.policy")
