from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "colombe.mailing"
    label = "mailing"
    verbose_name = _("Circulars and newsletters")

    def ready(self) -> None:
        # Importing the module registers the app's rules with the permission policy.
        import_module("colombe.mailing.policy")
        # Connects the receiver of django-anymail's tracking signal (provider bounces).
        import_module("colombe.mailing.bounces")
