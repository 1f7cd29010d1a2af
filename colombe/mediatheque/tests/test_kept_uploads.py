"""A file that passed its checks is kept while its form is corrected (staging.py): the
uploader does not send a large video twice."""

import datetime
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.mediatheque import staging
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tasks import discard_abandoned_uploads
from colombe.mediatheque.tests.media_helpers import pdf_upload
from colombe.mediatheque.tests.page_helpers import item_form_data
from tests.personas import World


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


KEPT_TOKEN_RE = re.compile(r'name="kept_upload" value="([^"]+)"')


def kept_files() -> list[str]:
    if not default_storage.exists(staging.STAGING_FOLDER):
        return []
    return default_storage.listdir(staging.STAGING_FOLDER)[1]


def refused_with_kept_file(client: Client) -> str:
    """Send a good PDF with the title left empty; returns the token of the kept file."""
    data = item_form_data(title="", file=pdf_upload("coupure-le-progres.pdf"))
    response = client.post(reverse("mediatheque:add"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "coupure-le-progres.pdf" in page  # the page says the file is kept
    match = KEPT_TOKEN_RE.search(page)
    assert match is not None
    return match.group(1)


def test_the_corrected_form_files_the_kept_file_without_sending_it_again(
    client: Client, world: World
) -> None:
    client.force_login(world.charlie)
    token = refused_with_kept_file(client)
    assert len(kept_files()) == 1

    response = client.post(reverse("mediatheque:add"), item_form_data(kept_upload=token))

    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert item.original_name == "coupure-le-progres.pdf"
    assert item.original_content_type == "application/pdf"
    with item.original.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    assert kept_files() == []  # filed: the kept copy is gone


def test_a_kept_file_is_its_uploaders_only(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    token = refused_with_kept_file(client)
    client.force_login(world.bob)

    response = client.post(reverse("mediatheque:add"), item_form_data(kept_upload=token))

    assert response.status_code == 422
    assert "n’est plus conservé" in response.content.decode()
    assert not MediaItem.objects.exists()


def test_a_tampered_token_is_refused(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    token = refused_with_kept_file(client)

    response = client.post(reverse("mediatheque:add"), item_form_data(kept_upload=token + "x"))

    assert response.status_code == 422
    assert not MediaItem.objects.exists()


def test_abandoned_kept_files_are_discarded_after_a_day(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    refused_with_kept_file(client)
    refused_with_kept_file(client)
    old, recent = kept_files()
    two_days_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(f"{staging.STAGING_FOLDER}/{old}"), (two_days_ago,) * 2)

    discarded = discard_abandoned_uploads.call()

    assert discarded == 1
    assert kept_files() == [recent]
