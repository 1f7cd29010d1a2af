from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "colombe.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.petitions.policy")
        # And this one connects the forgetting of cached petitions to their saves.
        import_module("colombe.petitions.public_cache")
