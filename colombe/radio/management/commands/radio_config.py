"""Write the configuration of Icecast and Liquidsoap from Colombe's settings.

    python manage.py radio_config                  # into settings.RADIO_STATE_DIR
    python manage.py radio_config /etc/colombe/radio
    python manage.py radio_config --starting       # also: the chain is (re)starting

``--starting`` is for the script that starts the chain (scripts/run-radio.sh): a
Liquidsoap that starts has no presenter connected, so a live session left open by a
stopped one is closed, and the playlists are written before Liquidsoap reads them."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from colombe.radio import live
from colombe.radio.streaming import config
from colombe.radio.streaming.playlist import write_playlists


class Command(BaseCommand):
    help = "Write icecast.xml and radio.liq for the radio from the settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", type=Path, help="Default: settings.RADIO_STATE_DIR."
        )
        parser.add_argument(
            "--starting",
            action="store_true",
            help="Also end live sessions left open and write the playlists.",
        )

    def handle(self, *args: Any, folder: Path | None, starting: bool, **options: Any) -> None:
        state_dir = config.write_config(config.from_settings(folder))
        if starting:
            live.live_ended()
            write_playlists(state_dir)
        self.stdout.write(str(state_dir))
