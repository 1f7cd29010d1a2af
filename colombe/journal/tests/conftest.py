from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Photos and PDFs written by a test go to its own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
