from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "colombe.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The site search index follows the searchable models' saves and deletions.
        from colombe.core.search import connect_signals

        connect_signals()
