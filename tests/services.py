import os
import shutil

import pytest
from django.conf import settings


def require_service(name: str, available: bool, how: str = "") -> None:
    """Skip when a service or browser is missing — or fail under
    COLOMBE_REQUIRE_SERVICES=1 (CI), so that nothing goes silently untested."""
    if available:
        return
    message = f"{name} is not available. {how}".strip()
    if os.environ.get("COLOMBE_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_ffmpeg() -> None:
    """ffmpeg and ffprobe, as the settings name them (Debian package ffmpeg)."""
    available = shutil.which(settings.FFMPEG_BINARY) and shutil.which(settings.FFPROBE_BINARY)
    require_service("ffmpeg", bool(available), "apt-get install ffmpeg")
