from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "colombe.reports"
    label = "reports"
    verbose_name = _("Action reports")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.reports.policy")
        import_module("colombe.reports.feed_figures").connect_signals()
