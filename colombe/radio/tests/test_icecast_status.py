"""Reading Icecast's status-json.xsl: its three shapes (no source, one source as an object,
several as a list) in answers captured from the real Icecast 2.4.4 (files in
icecast_status/), the same shapes produced live, the cache, an unreachable Icecast, and
"now playing" pushed through the admin interface."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from colombe.radio.streaming import icecast
from colombe.radio.streaming.icecast import StreamStatus, parse_status, push_metadata, read_status
from tests.janus import free_port
from tests.radio import (
    IcecastServer,
    mount_status,
    push_source,
    source_url,
    wait_for,
    wait_until_off_air,
)

CAPTURED = Path(__file__).resolve().parent / "icecast_status"


def captured(name: str) -> Any:
    return json.loads((CAPTURED / name).read_text())


def test_no_source_means_reachable_but_off_air() -> None:
    status = parse_status(captured("no_source.json"), "/radio.mp3")
    assert status == StreamStatus(reachable=True, on_air=False, listeners=0, title="", mounts=())


def test_one_source_is_an_object() -> None:
    document = captured("one_source.json")
    assert isinstance(document["icestats"]["source"], dict)
    status = parse_status(document, "/radio.mp3")
    assert status.reachable and status.on_air
    assert status.listeners == 1
    # Icecast wrote the em dash as "&#8212;" and kept the rest as sent.
    assert status.title == 'Paroles de paix — « l\'été » "quoted" \\ back'


def test_several_sources_are_a_list_and_the_radio_mount_is_found_in_it() -> None:
    document = captured("two_sources.json")
    assert isinstance(document["icestats"]["source"], list)
    status = parse_status(document, "/radio.mp3")
    assert status.on_air and status.listeners == 1
    assert [mount.mount for mount in status.mounts] == ["/radio.mp3", "/second.mp3"]
    # The other mount has sent no metadata: no title rather than an error.
    assert status.mounts[1].title == ""


def test_a_source_on_another_mount_only_is_off_air() -> None:
    status = parse_status(captured("two_sources.json"), "/other.mp3")
    assert status.reachable and not status.on_air and len(status.mounts) == 2


def test_an_entity_is_decoded_only_when_icecast_wrote_it() -> None:
    document = captured("one_source.json")
    document["icestats"]["source"]["title"] = "Tom &amp; Jerry &#8212; &#99999999;"
    assert parse_status(document, "/radio.mp3").title == "Tom &amp; Jerry — &#99999999;"


@pytest.mark.parametrize("document", [{}, [], {"icestats": "down"}, None])
def test_what_is_not_a_status_document_is_refused(document: Any) -> None:
    with pytest.raises(ValueError):
        parse_status(document, "/radio.mp3")


def test_an_unreachable_icecast_is_reported_and_cached(settings: Any) -> None:
    settings.RADIO_ICECAST_URL = f"http://127.0.0.1:{free_port()}"
    assert read_status(timeout=0.5) == StreamStatus(reachable=False)
    assert cache.get(icecast.STATUS_CACHE_KEY) == StreamStatus(reachable=False)


def test_pushing_metadata_to_an_unreachable_icecast_fails_cleanly(settings: Any) -> None:
    settings.RADIO_ICECAST_URL = f"http://127.0.0.1:{free_port()}"
    assert push_metadata("Anything", timeout=0.5) is False


@pytest.mark.slow
def test_the_three_shapes_live(radio_settings: IcecastServer) -> None:
    config = radio_settings.config
    wait_until_off_air(config)
    assert icecast.fetch_status() == StreamStatus(reachable=True)
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), 10, "the first source")
        assert isinstance(icecast.fetch_status().mounts, tuple)
        assert icecast.fetch_status().on_air
        with push_source(source_url(config, "/second.mp3"), frequency=880):
            wait_for(lambda: len(icecast.fetch_status().mounts) == 2, 10, "the second source")
            status = icecast.fetch_status()
            assert status.on_air
            assert {mount.mount for mount in status.mounts} == {config.mount, "/second.mp3"}


@pytest.mark.slow
def test_metadata_pushed_shows_as_now_playing_and_the_cache_follows(
    radio_settings: IcecastServer,
) -> None:
    config = radio_settings.config
    wait_until_off_air(config)
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), 10, "the source")
        assert read_status().on_air
        title = "La voix des comités — « en direct » & plus"
        assert push_metadata(title) is True
        # push_metadata forgets the cached status; Icecast's statistics follow shortly.
        assert cache.get(icecast.STATUS_CACHE_KEY) is None
        wait_for(lambda: read_status().title == title, 5, "the new title")


@pytest.mark.slow
def test_the_status_is_cached_for_a_short_while(radio_settings: IcecastServer) -> None:
    config = radio_settings.config
    wait_until_off_air(config)
    assert not read_status().on_air
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), 10, "the source")
        assert not read_status().on_air  # still the cached answer
        time.sleep(icecast.STATUS_CACHE_SECONDS + 0.1)
        assert read_status().on_air


@pytest.mark.slow
def test_wrong_admin_password_is_refused(radio_settings: IcecastServer, settings: Any) -> None:
    config = radio_settings.config
    settings.RADIO_ICECAST_ADMIN_PASSWORD = "not-the-password"
    wait_until_off_air(config)
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), 10, "the source")
        assert push_metadata("Should not show") is False
        assert icecast.fetch_status().title != "Should not show"
