"""Write what Liquidsoap plays now (on-air.m3u, playlist.m3u) into the radio's state folder.
The scheduler does it every minute; this command does it at once (after changing the
playlist by hand, or at start-up)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from colombe.radio.streaming.playlist import write_playlists


class Command(BaseCommand):
    help = "Write the radio's playlists (the episode on air and the rotation) for Liquidsoap."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", type=Path, help="Default: settings.RADIO_STATE_DIR."
        )

    def handle(self, *args: Any, folder: Path | None, **options: Any) -> None:
        written = write_playlists(folder)
        on_air = written.on_air.title if written.on_air else "-"
        self.stdout.write(
            f"on air: {on_air}; rotation: {len(written.rotation)} tracks; "
            f"files changed: {len(written.changed)}"
        )
