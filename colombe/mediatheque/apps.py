from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediathequeConfig(AppConfig):
    name = "colombe.mediatheque"
    label = "mediatheque"
    verbose_name = _("Media archive")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.mediatheque.policy")
