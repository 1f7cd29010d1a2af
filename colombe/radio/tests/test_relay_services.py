"""Relaying a meeting on the radio: who may start and stop it, the refusals, the audit log,
and the relay process's reconcile against a real Janus, real ffmpeg and a real radio
chain (Icecast + Liquidsoap, whose harbor takes the slots' ffmpeg).

The stage publishes from the server side (``tests.janus.StagePublisher``): the forwards
are real while no media flows, so each slot's ffmpeg runs, connected to its harbor
mount, and waits for packets."""

import fcntl
import io
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.meetings import room_services
from colombe.meetings.engines.janus import JanusEngine
from colombe.meetings.models import Meeting, Participant
from colombe.meetings.tests.test_engine_janus import make_meeting
from colombe.meetings.tests.test_engine_janus_edges import seat, webinar_on_air
from colombe.meetings.tests.test_engine_janus_relay import relay_forwards
from colombe.radio import relay_services
from colombe.radio.management.commands import run_radio_relay
from colombe.radio.models import MeetingRelay
from colombe.radio.relay_services import RelayReconciler, RelayRefused
from colombe.radio.streaming import config
from colombe.radio.streaming.relay import RelayPlayer, relay_slots
from colombe.radio.tests.radio_helpers import make_show
from tests.janus import JanusServer, StagePublisher, free_port
from tests.personas import World
from tests.radio import (
    RadioChain,
    chain_config,
    free_udp_ports,
    launch_icecast,
    launch_liquidsoap,
    point_settings_at,
    require_radio_packages,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

# The policy ------------------------------------------------------------------------------


def public_webinar(world: World, **fields: Any) -> Meeting:
    """A public webinar of Lyon (Bob leads Lyon: he organises it), in progress."""
    values: dict[str, Any] = {
        "owner": world.lyon,
        "format": Meeting.Format.WEBINAR,
        "audience": Meeting.Audience.PUBLIC,
        "status": Meeting.Status.LIVE,
        "started_at": timezone.now(),
        "title": "Meeting « pour la paix »",
        **fields,
    }
    return make_meeting(**values)


@pytest.fixture
def presenters(world: World) -> World:
    """Bob and Charlie present a show; Bob organises Lyon's meetings, Charlie does not."""
    show = make_show()
    show.presenters.add(world.bob, world.charlie)
    return world


def refusal_of(user: Any, meeting: Meeting) -> RelayRefused:
    with pytest.raises(RelayRefused) as refused:
        relay_services.start_relay(user, meeting)
    return refused.value


def test_a_presenter_who_organises_the_meeting_relays_it(presenters: World):
    meeting = public_webinar(presenters)

    relay = relay_services.start_relay(presenters.bob, meeting)

    assert relay.is_active and relay.meeting == meeting and relay.started_by == presenters.bob
    assert relay.title == "Meeting « pour la paix »"
    assert relay_services.active_relay() == relay
    entry = AuditEntry.objects.get(action="radio.relay.started")
    assert entry.actor == presenters.bob and entry.object_id == str(relay.pk)


def test_the_title_on_air_is_the_one_announced(presenters: World):
    meeting = public_webinar(presenters)
    relay = relay_services.start_relay(presenters.bob, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(title="Changed afterwards")
    relay.refresh_from_db()
    assert relay.title == "Meeting « pour la paix »"


def test_radio_managers_relay_any_public_webinar(presenters: World):
    assert relay_services.start_relay(presenters.alice, public_webinar(presenters)).is_active


@pytest.mark.parametrize("who", ["charlie", "eve"])
def test_presenters_who_do_not_organise_and_organisers_who_do_not_present_may_not(
    presenters: World, who: str
):
    meeting = public_webinar(presenters)
    if who == "eve":  # organises (created the meeting) but presents no show
        Meeting.objects.filter(pk=meeting.pk).update(created_by=presenters.eve)
        meeting.refresh_from_db()
    refused = refusal_of(getattr(presenters, who), meeting)
    assert refused.forbidden
    assert "organises this meeting" in refused.message
    assert not MeetingRelay.objects.exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"format": Meeting.Format.MEETING}, "Only a large meeting (webinar)"),
        ({"audience": Meeting.Audience.MOVEMENT}, "Only a public meeting"),
        ({"audience": Meeting.Audience.OWNER}, "Only a public meeting"),
        ({"status": Meeting.Status.SCHEDULED, "started_at": None}, "not in progress"),
        ({"status": Meeting.Status.ENDED}, "not in progress"),
        ({"engine": "livekit"}, "cannot send its sound to the radio"),
    ],
)
def test_only_a_public_webinar_in_progress_on_janus_is_relayed(
    presenters: World, fields: dict[str, Any], reason: str
):
    refused = refusal_of(presenters.bob, public_webinar(presenters, **fields))
    assert not refused.forbidden
    assert reason in refused.message
    assert not MeetingRelay.objects.exists()


def test_a_public_meeting_of_a_private_group_is_not_public(presenters: World):
    meeting = public_webinar(presenters, group=presenters.private_group)
    assert "Only a public meeting" in refusal_of(presenters.bob, meeting).message


def test_the_radio_relays_one_meeting_at_a_time(presenters: World):
    first = public_webinar(presenters, title="First")
    relay_services.start_relay(presenters.bob, first)

    refused = refusal_of(presenters.alice, public_webinar(presenters, title="Second"))

    assert "already relays “First”" in refused.message
    assert relay_services.relayable_meetings(presenters.alice) == []


def test_the_database_holds_one_active_relay_at_most(presenters: World):
    MeetingRelay.objects.create(meeting=public_webinar(presenters), title="One")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRelay.objects.create(meeting=public_webinar(presenters), title="Two")
    MeetingRelay.objects.update(stopped_at=timezone.now())
    MeetingRelay.objects.create(meeting=public_webinar(presenters), title="Three")


def test_the_studio_offers_what_each_presenter_may_relay(presenters: World):
    lyon = public_webinar(presenters, title="Lyon")
    public_webinar(presenters, title="Elsewhere", owner=presenters.collective)
    public_webinar(presenters, title="Members only", audience=Meeting.Audience.MOVEMENT)
    public_webinar(presenters, title="Tomorrow", status=Meeting.Status.SCHEDULED)

    assert relay_services.relayable_meetings(presenters.bob) == [lyon]
    assert relay_services.relayable_meetings(presenters.charlie) == []
    assert [m.title for m in relay_services.relayable_meetings(presenters.alice)] == [
        "Lyon",
        "Elsewhere",
    ]


@pytest.mark.parametrize("who", ["bob", "alice", "frank"])
def test_the_starter_organisers_and_managers_stop_the_relay(presenters: World, who: str):
    """Bob started it, Alice manages the radio, Frank organises the meeting (he created
    it) and presents no show."""
    meeting = public_webinar(presenters, created_by=presenters.frank)
    relay = relay_services.start_relay(presenters.bob, meeting)
    user = getattr(presenters, who)

    relay_services.stop_relay(user, relay)
    relay_services.stop_relay(user, relay)

    relay.refresh_from_db()
    assert relay.stopped_at is not None and relay.stopped_by == user
    assert relay.stop_reason == MeetingRelay.StopReason.STOPPED
    assert AuditEntry.objects.filter(action="radio.relay.stopped").count() == 1


def test_another_presenter_may_not_stop_it(presenters: World):
    relay = relay_services.start_relay(presenters.bob, public_webinar(presenters))
    with pytest.raises(RelayRefused) as refused:
        relay_services.stop_relay(presenters.charlie, relay)
    assert refused.value.forbidden
    relay.refresh_from_db()
    assert relay.is_active


def test_the_room_knows_it_is_relayed(presenters: World):
    meeting = public_webinar(presenters)
    moderator = seat(meeting, Participant.Role.MODERATOR)
    assert room_services.room_state(meeting, moderator)["relayed"] is False

    relay = relay_services.start_relay(presenters.bob, meeting)
    assert room_services.room_state(meeting, moderator)["relayed"] is True

    relay_services.stop_relay(presenters.bob, relay)
    assert room_services.room_state(meeting, moderator)["relayed"] is False


# The relay process -----------------------------------------------------------------------


def test_a_meeting_made_members_only_goes_off_air(presenters: World, tmp_path: Path):
    relay = relay_services.start_relay(presenters.bob, public_webinar(presenters))
    Meeting.objects.filter(pk=relay.meeting.pk).update(audience=Meeting.Audience.MOVEMENT)

    RelayReconciler(RelayPlayer(config.from_settings(), tmp_path)).reconcile()

    relay.refresh_from_db()
    assert relay.stopped_at is not None
    assert relay.stop_reason == MeetingRelay.StopReason.NOT_PUBLIC


@pytest.fixture(scope="module")
def relay_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadioChain]:
    """Icecast and Liquidsoap, whose harbor takes the relay slots' ffmpeg."""
    require_radio_packages()
    chain = chain_config(tmp_path_factory.mktemp("relay-radio"))
    with launch_icecast(chain) as icecast, launch_liquidsoap(chain) as liquidsoap:
        yield RadioChain(chain, icecast, liquidsoap)


@pytest.fixture
def relay_settings(
    settings: Any, janus_settings: JanusServer, relay_chain: RadioChain
) -> JanusServer:
    point_settings_at(settings, relay_chain.config)
    settings.RADIO_RELAY_RTP_HOST = "127.0.0.1"
    settings.RADIO_RELAY_RTP_BASE_PORT = free_udp_ports(2 * settings.RADIO_RELAY_SLOTS)
    return janus_settings


@pytest.fixture
def player(relay_settings: JanusServer, tmp_path: Path) -> Iterator[RelayPlayer]:
    player = RelayPlayer(config.from_settings(), tmp_path / "relay")
    yield player
    player.stop_all()


def relayed_webinar(world: World, server: JanusServer) -> tuple[MeetingRelay, Participant]:
    """A public webinar with a speaker publishing on stage, relayed by Alice."""
    meeting, speaker = webinar_on_air(server)
    Meeting.objects.filter(pk=meeting.pk).update(audience=Meeting.Audience.PUBLIC)
    meeting.refresh_from_db()
    return relay_services.start_relay(world.alice, meeting), speaker


def slot_port(index: int) -> int:
    return relay_slots()[index].rtp_port


def test_the_stage_goes_on_air_then_off_when_the_relay_stops(
    world: World, relay_settings: JanusServer, player: RelayPlayer
):
    relay, speaker = relayed_webinar(world, relay_settings)
    reconciler = RelayReconciler(player)

    reconciler.reconcile()

    relay.refresh_from_db()
    forward = relay.state[speaker.engine_feed]
    assert forward["slot"] == 0
    [janus_forward] = relay_forwards(relay_settings, relay.meeting, slot_port(0))
    assert janus_forward["stream_id"] == forward["stream_id"]
    assert janus_forward["type"] == "audio"
    assert reconciler.announced == relay.pk  # Liquidsoap took the title
    # ffmpeg stays up, connected to the slot's harbor mount (refused, it would exit at once).
    time.sleep(1)
    assert player.playing() == {0}

    reconciler.reconcile()  # nothing changed: nothing forwarded twice
    assert len(relay_forwards(relay_settings, relay.meeting, slot_port(0))) == 1

    relay_services.stop_relay(world.alice, relay)
    reconciler.reconcile()

    relay.refresh_from_db()
    assert relay.state == {}
    assert relay_forwards(relay_settings, relay.meeting, slot_port(0)) == []
    assert player.playing() == set()
    assert reconciler.announced is None  # the title was cleared


def test_a_speaker_who_leaves_the_stage_is_silenced(
    world: World, relay_settings: JanusServer, player: RelayPlayer
):
    relay, speaker = relayed_webinar(world, relay_settings)
    reconciler = RelayReconciler(player)
    reconciler.reconcile()

    room_services.leave(speaker)
    reconciler.reconcile()

    relay.refresh_from_db()
    assert relay.is_active and relay.state == {}
    assert player.playing() == set()


def test_the_end_of_the_meeting_ends_the_relay(
    world: World, relay_settings: JanusServer, player: RelayPlayer
):
    relay, speaker = relayed_webinar(world, relay_settings)
    reconciler = RelayReconciler(player)
    reconciler.reconcile()

    room_services.end_meeting(relay.meeting, by=speaker)
    reconciler.reconcile()

    relay.refresh_from_db()
    assert relay.stopped_at is not None and relay.stopped_by is None
    assert relay.stop_reason == MeetingRelay.StopReason.MEETING_ENDED
    assert relay.state == {}
    assert player.playing() == set()
    stopped = AuditEntry.objects.get(action="radio.relay.stopped")
    assert stopped.actor is None and stopped.data == {"reason": "meeting_ended"}


def test_a_forward_lost_with_its_publisher_is_made_again(
    world: World, relay_settings: JanusServer, player: RelayPlayer
):
    relay, speaker = relayed_webinar(world, relay_settings)
    reconciler = RelayReconciler(player)
    reconciler.reconcile()
    relay.refresh_from_db()
    lost = relay.state[speaker.engine_feed]["stream_id"]
    # What Janus does when the speaker's page reloads: the old publisher's forwards die.
    JanusEngine().stop_stage_audio(relay.meeting, speaker.engine_feed, lost)

    reconciler.reconcile()

    relay.refresh_from_db()
    [janus_forward] = relay_forwards(relay_settings, relay.meeting, slot_port(0))
    assert janus_forward["stream_id"] == relay.state[speaker.engine_feed]["stream_id"] != lost


def test_a_restarted_process_replaces_the_forwards_left_by_the_last_one(
    world: World, relay_settings: JanusServer, player: RelayPlayer, tmp_path: Path
):
    relay, speaker = relayed_webinar(world, relay_settings)
    crashed = RelayPlayer(config.from_settings(), tmp_path / "crashed")
    RelayReconciler(crashed).reconcile()
    crashed.stop_all()  # what the kernel does to the ffmpeg of a process that died
    relay.refresh_from_db()
    left = relay.state[speaker.engine_feed]["stream_id"]

    RelayReconciler(player).reconcile()

    relay.refresh_from_db()
    [janus_forward] = relay_forwards(relay_settings, relay.meeting, slot_port(0))
    assert janus_forward["stream_id"] == relay.state[speaker.engine_feed]["stream_id"] != left
    assert player.playing() == {0}


def test_speakers_beyond_the_slots_are_left_out_and_logged(
    world: World,
    relay_settings: JanusServer,
    player: RelayPlayer,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
):
    settings.RADIO_RELAY_SLOTS = 1
    relay, first = relayed_webinar(world, relay_settings)
    second = seat(relay.meeting, Participant.Role.SPEAKER)
    grant = room_services.join(second)
    StagePublisher(relay_settings.http_url, relay_settings.admin_secret).publish(
        grant.config["room"], grant.config["feed"], grant.config["token"]
    )
    second.refresh_from_db()
    room_services.published(second)
    reconciler = RelayReconciler(RelayPlayer(config.from_settings(), player.work_dir))

    with caplog.at_level(logging.WARNING, logger="colombe.radio.relay_services"):
        reconciler.reconcile()
        reconciler.reconcile()

    relay.refresh_from_db()
    assert list(relay.state) == [first.engine_feed]
    assert [r.message for r in caplog.records].count(
        f"Relay of {relay.title!r}: 1 speakers at most are heard; feed "
        f"{second.engine_feed} is left out."
    ) == 1
    reconciler.player.stop_all()


# The command ------------------------------------------------------------------------------


def dead_janus() -> str:
    dead = f"http://127.0.0.1:{free_port()}/janus"
    return f"{dead}|{dead}|http://127.0.0.1:{free_port()}/admin"


def test_sigterm_stops_the_forwards_and_leaves_the_relay_active(
    world: World, relay_settings: JanusServer
):
    relay, _speaker = relayed_webinar(world, relay_settings)
    seen_on_air: list[list[dict[str, Any]]] = []

    def terminate() -> None:
        seen_on_air.append(relay_forwards(relay_settings, relay.meeting, slot_port(0)))
        os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Timer(1.5, terminate)
    timer.start()
    started = time.monotonic()
    call_command("run_radio_relay", max_seconds=30, tick=0.2)
    timer.join()

    assert time.monotonic() - started < 10
    assert len(seen_on_air[0]) == 1  # the command forwarded the speaker
    relay.refresh_from_db()
    assert relay.is_active and relay.state == {}
    assert relay_forwards(relay_settings, relay.meeting, slot_port(0)) == []


def test_the_command_survives_janus_down(
    world: World, relay_settings: JanusServer, settings: Any, caplog: pytest.LogCaptureFixture
):
    relay, _speaker = relayed_webinar(world, relay_settings)
    settings.JANUS_SERVERS = [dead_janus()]

    with caplog.at_level(logging.WARNING):
        call_command("run_radio_relay", max_seconds=0.6, tick=0.2)

    relay.refresh_from_db()
    assert relay.is_active and relay.state == {}
    assert any("Radio relay:" in record.message for record in caplog.records)


def test_the_command_says_when_ffmpeg_is_missing(settings: Any):
    settings.FFMPEG_BINARY = "/nonexistent/ffmpeg"
    started = timezone.now()
    errors = io.StringIO()

    call_command("run_radio_relay", max_seconds=0.3, stderr=errors)

    assert "The radio relay is idle: /nonexistent/ffmpeg not found" in errors.getvalue()
    assert timezone.now() - started >= timedelta(seconds=0.3)


def test_a_second_relay_process_stays_idle(settings: Any, tmp_path: Path):
    """It would stop the first one's forwards at its start and fight over the ports."""
    settings.RADIO_STATE_DIR = tmp_path
    folder = tmp_path / run_radio_relay.WORK_FOLDER
    folder.mkdir()
    errors = io.StringIO()

    with (folder / run_radio_relay.LOCK_FILE).open("w") as first:
        fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
        call_command("run_radio_relay", max_seconds=0.3, stderr=errors)

    assert "another run_radio_relay holds" in errors.getvalue()
