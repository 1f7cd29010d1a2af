from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils.html import escape

from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Uploaded files go to a temporary folder, never to the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    """Assert on the English source strings; test_translation.py checks the French."""
    settings.LANGUAGE_CODE = "en"


def assert_hides_secret(response: Any) -> None:
    """The secret group answers 404 and its name or slug appear nowhere in the answer.

    The page may repeat the address that was asked for (the language switch sends the
    visitor back to it): that tells nothing the visitor did not type, and an unknown slug
    gets the same page, so the requested path is left out of the search."""
    assert response.status_code == 404
    requested = response.wsgi_request.get_full_path()
    body = response.content.decode().replace(escape(requested), "").replace(requested, "")
    assert SECRET_GROUP_NAME not in body
    assert SECRET_GROUP_SLUG not in body
    assert SECRET_GROUP_SLUG not in response.get("Location", "")
