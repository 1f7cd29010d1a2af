import os
import shutil

import pytest


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
