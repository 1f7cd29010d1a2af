"""Relaying a large meeting live on the radio.

People decide here (``start_relay``, ``stop_relay``: the policy, clear refusals, the
audit log); a ``MeetingRelay`` row records the decision. The relay process
(``manage.py run_radio_relay``) does the work with ``RelayReconciler``: every second it
looks at the active relay and makes the world match it — each published stage feed's
audio forwarded by Janus to a slot's port, the slot's ffmpeg playing it to Liquidsoap,
the meeting's title on air — and undoes all of it when the relay stops or the meeting
ends. The forwards it holds are written in the relay's ``state`` as soon as they exist,
so that a process that died leaves nothing it cannot find and stop again.

See docs/radio.md, "Relay a large meeting"."""

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.meetings import engines, room_services
from colombe.meetings.engines.base import StageAudioRelay, relays_stage_audio, stage_audio_relay
from colombe.meetings.models import Meeting, Participant
from colombe.radio.models import MeetingRelay
from colombe.radio.streaming import control
from colombe.radio.streaming.relay import RelayPlayer, RelaySlot, relay_slots, rtp_host

logger = logging.getLogger(__name__)


class RelayRefused(Exception):
    """Why a relay cannot start or stop, in words for the person who asked.
    ``forbidden`` refusals are about the person (403), the others about the meeting or
    the radio now."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.forbidden = forbidden


def active_relay() -> MeetingRelay | None:
    return MeetingRelay.objects.filter(stopped_at__isnull=True).select_related("meeting").first()


def is_public(meeting: Meeting) -> bool:
    """Whether anyone, signed in or not, may know the meeting: the radio is heard by all."""
    return policy.can_see(AnonymousUser(), meeting)


def refusal(meeting: Meeting) -> str | None:
    """Why this meeting cannot be relayed now, or None when it can."""
    if not meeting.is_webinar:
        return _("Only a large meeting (webinar) can be relayed: the radio broadcasts its stage.")
    if not is_public(meeting):
        return _("Only a public meeting can be relayed: anyone can hear the radio.")
    if meeting.status != Meeting.Status.LIVE:
        return _("The meeting is not in progress: it can be relayed once started, until it ends.")
    if not relays_stage_audio(engines.engine_for(meeting)):
        return _(
            "This meeting’s video engine cannot send its sound to the radio: only meetings "
            "on the built-in engine (Janus) can be relayed."
        )
    current = active_relay()
    if current is not None:
        return _("The radio already relays “%(title)s”: stop that relay first.") % {
            "title": current.title
        }
    return None


def relayable_meetings(user: Any) -> list[Meeting]:
    """The public webinars in progress that ``user`` may relay now (none while another
    relay is on air)."""
    if active_relay() is not None:
        return []
    candidates = policy.visible(Meeting, AnonymousUser()).filter(
        format=Meeting.Format.WEBINAR, status=Meeting.Status.LIVE
    )
    return [
        meeting
        for meeting in candidates.select_related("group", "owner").order_by("started_at", "pk")
        if relays_stage_audio(engines.engine_for(meeting))
        and policy.has_perm(user, "radio.relay", meeting)
    ]


def start_relay(user: Any, meeting: Meeting) -> MeetingRelay:
    """Put the meeting's stage on air; the relay process picks it up within a second."""
    if not policy.has_perm(user, "radio.relay", meeting):
        raise RelayRefused(
            _("Only a presenter who organises this meeting, or a radio manager, may relay it."),
            forbidden=True,
        )
    reason = refusal(meeting)
    if reason is not None:
        raise RelayRefused(reason)
    try:
        with transaction.atomic():
            relay = MeetingRelay.objects.create(
                meeting=meeting, title=meeting.title, started_by=user
            )
            log_action(user, "radio.relay.started", relay, {"meeting": meeting.pk})
    except IntegrityError as error:
        # Someone else started a relay between the check and now.
        raise RelayRefused(_("The radio already relays another meeting.")) from error
    room_services.announce_change(meeting)
    return relay


def stop_relay(user: Any, relay: MeetingRelay) -> None:
    """Take the meeting off air (stopping twice is harmless)."""
    if not policy.has_perm(user, "radio.stop_relay", relay):
        raise RelayRefused(
            _(
                "Only the person who started the relay, the meeting’s organisers or a radio "
                "manager may stop it."
            ),
            forbidden=True,
        )
    if _end(relay, MeetingRelay.StopReason.STOPPED, by=user):
        room_services.announce_change(relay.meeting)


def _end(relay: MeetingRelay, reason: str, by: Any = None) -> bool:
    """Mark the relay stopped; False when it already was. The row is updated on its
    stop fields only: the relay process writes ``state`` at the same time."""
    with transaction.atomic():
        stopped = MeetingRelay.objects.filter(pk=relay.pk, stopped_at__isnull=True).update(
            stopped_at=timezone.now(),
            stopped_by=by if getattr(by, "is_authenticated", False) else None,
            stop_reason=reason,
        )
        if stopped:
            log_action(by, "radio.relay.stopped", relay, {"reason": reason})
    return bool(stopped)


# The relay process ----------------------------------------------------------------------


def _stop_reason(meeting: Meeting) -> str | None:
    """Why the relay must stop on its own: the meeting ended, or it was made members-only
    (or turned into a réunion) while on air — what is said there is no longer public."""
    if meeting.is_over:
        return MeetingRelay.StopReason.MEETING_ENDED
    if not meeting.is_webinar or not is_public(meeting):
        return MeetingRelay.StopReason.NOT_PUBLIC
    return None


def published_stage_feeds(meeting: Meeting) -> list[str]:
    """The stage feeds publishing now, first joined first: the feeds the webinar fans
    out to its audience (``engine_state["mountpoints"]``) whose seat is still on stage in
    the room. The order comes from the seats: PostgreSQL's jsonb keeps no key order."""
    fanned_out = list(meeting.engine_state.get("mountpoints", {}))
    return list(
        meeting.participants.filter(state=Participant.State.IN_ROOM, engine_feed__in=fanned_out)
        .exclude(role=Participant.Role.AUDIENCE)
        .order_by("joined_at", "pk")
        .values_list("engine_feed", flat=True)
    )


class RelayReconciler:
    """Makes the antenna match the active relay, one ``reconcile()`` at a time. Holds
    the ffmpeg processes (``player``) and remembers which relay's title Liquidsoap got;
    everything else is read again from the database on each call."""

    def __init__(self, player: RelayPlayer) -> None:
        self.player = player
        self.slots = relay_slots()
        self.slot_at = {slot.index: slot for slot in self.slots}
        self.announced: int | None = None
        # Forwards left by a previous process are stopped before anything else.
        self.resumed = False
        # Feeds beyond the slots, already logged (the log says it once per feed).
        self.left_out: set[str] = set()

    def reconcile(self) -> None:
        if not self.resumed:
            for leftover in MeetingRelay.objects.exclude(state={}):
                self.release(leftover)
            self.resumed = True
        self.release_stopped()
        relay = active_relay()
        if relay is None:
            self._go_quiet()
            return
        reason = _stop_reason(relay.meeting)
        if reason is not None:
            if _end(relay, reason):
                room_services.announce_change(relay.meeting)
            logger.info("Relay of %r stopped: %s.", relay.title, reason)
            self.release(relay)
            self._go_quiet()
            return
        # Said again every second: Liquidsoap inserts the title only when it changes,
        # and a Liquidsoap restarted during the relay gets it back at once.
        if control.set_relay_title(relay.title):
            self.announced = relay.pk
        self._follow_stage(relay)

    def release_stopped(self) -> None:
        """Stop the forwards still held by stopped relays (stopped from the web, or left
        by a process that died)."""
        for relay in MeetingRelay.objects.filter(stopped_at__isnull=False).exclude(state={}):
            self.release(relay)

    def release(self, relay: MeetingRelay) -> None:
        """Stop every forward of the relay and its slots' ffmpeg. A forward is forgotten
        only once Janus said it is gone (or never existed): Janus down keeps it for the
        next attempt."""
        relay.refresh_from_db(fields=["state"])
        engine = stage_audio_relay(engines.engine_for(relay.meeting))
        for feed, forward in list(relay.state.items()):
            slot = self.slot_at.get(int(forward["slot"]))
            if slot is not None:  # None: fewer slots configured since
                self.player.silence(slot)
            engine.stop_stage_audio(relay.meeting, feed, int(forward["stream_id"]))
            del relay.state[feed]
            _save_state(relay)

    def shut_down(self) -> None:
        """The process stops (SIGTERM): forwards and ffmpeg stop, the relay stays active
        so that the next start resumes it."""
        relay = active_relay()
        try:
            if relay is not None:
                self.release(relay)
        finally:
            self.player.stop_all()

    def _go_quiet(self) -> None:
        if self.announced is not None and control.set_relay_title(""):
            self.announced = None
        if self.player.playing():
            self.player.stop_all()
        self.left_out.clear()

    def _follow_stage(self, relay: MeetingRelay) -> None:
        meeting = relay.meeting
        engine = stage_audio_relay(engines.engine_for(meeting))
        feeds = published_stage_feeds(meeting)
        self._drop_lost_forwards(relay, engine, feeds)
        for feed in feeds:
            if feed not in relay.state:
                self._forward(relay, engine, feed)
        in_use = {int(forward["slot"]) for forward in relay.state.values()}
        for slot in self.slots:
            if slot.index in in_use:
                self.player.play(slot)  # restarts an ffmpeg that died
            elif slot.index in self.player.playing():
                self.player.silence(slot)

    def _drop_lost_forwards(
        self, relay: MeetingRelay, engine: StageAudioRelay, feeds: list[str]
    ) -> None:
        """Forget the forwards of feeds that left the stage, and those Janus no longer
        has (a forward dies with its publisher: a speaker who reloads the page publishes
        anew and is forwarded again)."""
        if not relay.state:
            return
        running = engine.stage_audio_forwards(relay.meeting)
        for feed, forward in list(relay.state.items()):
            stream_id = int(forward["stream_id"])
            if feed in feeds and stream_id in running:
                continue
            engine.stop_stage_audio(relay.meeting, feed, stream_id)
            del relay.state[feed]
            _save_state(relay)

    def _forward(self, relay: MeetingRelay, engine: StageAudioRelay, feed: str) -> None:
        slot = self._free_slot(relay)
        if slot is None:
            if feed not in self.left_out:
                logger.warning(
                    "Relay of %r: %s speakers at most are heard; feed %s is left out.",
                    relay.title,
                    len(self.slots),
                    feed,
                )
                self.left_out.add(feed)
            return
        self.player.play(slot)
        stream_id = engine.forward_stage_audio(relay.meeting, feed, rtp_host(), slot.rtp_port)
        relay.state[feed] = {"slot": slot.index, "stream_id": stream_id}
        _save_state(relay)
        self.left_out.discard(feed)

    def _free_slot(self, relay: MeetingRelay) -> RelaySlot | None:
        taken = {int(forward["slot"]) for forward in relay.state.values()}
        return next((slot for slot in self.slots if slot.index not in taken), None)


def _save_state(relay: MeetingRelay) -> None:
    """Write the forwards held, and nothing else (a person may be stopping the relay)."""
    MeetingRelay.objects.filter(pk=relay.pk).update(state=relay.state)
