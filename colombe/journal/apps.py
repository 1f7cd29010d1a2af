from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "colombe.journal"
    label = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.journal.policy")
