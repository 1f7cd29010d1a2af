"""The streaming half of the live relay of a meeting: one ffmpeg per *slot* turns the
audio Janus forwards (RTP, Opus) into MP3 and pushes it to the slot's Liquidsoap harbor
mount, where the slots are mixed into the radio's ``relay`` source
(deploy/radio/radio.liq.template).

    Janus rtp_forward ──RTP Opus──▶ RADIO_RELAY_RTP_HOST:<slot port>
        ──▶ ffmpeg (SDP file) ──MP3, Icecast protocol──▶ harbor /<prefix>-<n> ──▶ add()

Slot i listens on RADIO_RELAY_RTP_BASE_PORT + 2 * i: RTP takes an even port and RTCP the
next one. ``RelayPlayer`` starts and stops the processes; ``run_radio_relay`` decides
which slots play."""

import ipaddress
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from colombe.radio.streaming.config import BITRATE_KBPS, StreamingConfig

logger = logging.getLogger(__name__)

# What Janus forwards: the payload type Colombe asks rtp_forward for, and Opus's clock
# and channels as RFC 7587 always declares them (mono speakers included).
OPUS_PAYLOAD_TYPE = 111
RELAY_USER = "relay"
STOP_TIMEOUT_SECONDS = 3.0
# How long ffmpeg waits for an RTP packet that came out of order before skipping it:
# longer would add to the relay's delay, shorter would drop packets a LAN merely delayed.
REORDER_DELAY_MICROSECONDS = 100_000
# A speaker whose audio stops coming (lost connection) leaves the mix after this long:
# ffmpeg ends, the harbor frees the slot's mount, and the next play() waits for them again.
RTP_TIMEOUT_SECONDS = 5
# What ffmpeg says then.
RTP_TIMED_OUT = "Connection timed out"
# The end of an ffmpeg log quoted when it died.
LOG_TAIL_CHARACTERS = 600
PASSWORD_PRESET_FILE = "relay-password.ffpreset"
# ffmpeg gets SIGTERM when the process that started it dies, even killed (util-linux's
# setpriv sets the parent-death signal, then runs ffmpeg): a left-over ffmpeg would keep
# the slot's port, and the next relay could not use it. The signal follows the *thread*
# that started ffmpeg: drive the player from one that lives as long as it does.
ENDS_WITH_PARENT = ("setpriv", "--pdeathsig", "TERM", "--")


@dataclass(frozen=True)
class RelaySlot:
    index: int  # 0-based
    rtp_port: int
    harbor_mount: str  # "relay-1", no leading slash

    @property
    def number(self) -> int:
        return self.index + 1


def relay_slots() -> list[RelaySlot]:
    base = settings.RADIO_RELAY_RTP_BASE_PORT
    prefix = settings.RADIO_RELAY_HARBOR_MOUNT_PREFIX
    return [
        RelaySlot(index=index, rtp_port=base + 2 * index, harbor_mount=f"{prefix}-{index + 1}")
        for index in range(settings.RADIO_RELAY_SLOTS)
    ]


def rtp_host() -> str:
    return str(settings.RADIO_RELAY_RTP_HOST)


def slot_sdp(slot: RelaySlot, host: str) -> str:
    """The session description ffmpeg reads to receive the slot's RTP stream. Its
    connection line must be an IPv4 address (c=IN IP4)."""
    address = ipaddress.IPv4Address(host)
    return "\r\n".join(
        [
            "v=0",
            f"o=- 0 0 IN IP4 {address}",
            f"s=Colombe relay {slot.number}",
            f"c=IN IP4 {address}",
            "t=0 0",
            f"m=audio {slot.rtp_port} RTP/AVP {OPUS_PAYLOAD_TYPE}",
            f"a=rtpmap:{OPUS_PAYLOAD_TYPE} opus/48000/2",
            "a=recvonly",
            "",
        ]
    )


def harbor_host(config: StreamingConfig) -> str:
    """Where ffmpeg reaches the harbor: its bind address, or loopback when it listens on
    every interface."""
    if config.harbor_bind_address in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return config.harbor_bind_address


def ffmpeg_command(
    config: StreamingConfig, slot: RelaySlot, host: str, sdp_file: Path, password_file: Path
) -> list[str]:
    """ffmpeg receiving the slot's RTP on ``host`` only and pushing MP3 to its harbor
    mount. The password comes from a preset file (``-fpre``), not from the command line
    that any local user can read in the process list."""
    harbor = f"{harbor_host(config)}:{config.harbor_port}"
    return [
        *(settings.FFMPEG_BINARY, "-nostdin", "-hide_banner", "-nostats"),
        *("-loglevel", "warning"),
        # Only the SDP file and its RTP/UDP stream: never what an SDP could point to.
        *("-protocol_whitelist", "file,udp,rtp"),
        # Start at the first packet: the SDP already says what the stream is.
        *("-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0"),
        *("-max_delay", str(REORDER_DELAY_MICROSECONDS)),
        *("-listen_timeout", str(RTP_TIMEOUT_SECONDS)),
        # Without it ffmpeg listens on every interface.
        *("-localaddr", host),
        *("-i", str(sdp_file)),
        # Silence where packets are missing (lost, or left out by Opus between words), so
        # that the harbor receives the speaker's time as it passed.
        *("-af", "aresample=async=1"),
        # No tags: Liquidsoap would read the SDP's session name as a title.
        *("-map_metadata", "-1", "-id3v2_version", "0", "-write_xing", "0"),
        *("-c:a", "libmp3lame", "-b:a", f"{BITRATE_KBPS}k", "-ar", "44100", "-ac", "2"),
        *("-fpre", str(password_file)),
        *("-content_type", "audio/mpeg", "-f", "mp3"),
        f"icecast://{RELAY_USER}@{harbor}/{slot.harbor_mount}",
    ]


def _write_private(path: Path, content: str) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(content)


def _log_tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-LOG_TAIL_CHARACTERS:].strip()
    except OSError:
        return ""


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """Ask the process to end (ffmpeg ends its stream cleanly on SIGTERM); kill one that
    hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


class RelayPlayer:
    """The ffmpeg processes of the relay, one per slot in use. ``work_dir`` receives the
    SDP files, the password preset and each slot's ffmpeg log (``relay-<n>.log``)."""

    def __init__(self, config: StreamingConfig, work_dir: Path) -> None:
        self.config = config
        self.work_dir = work_dir
        self._processes: dict[int, subprocess.Popen[bytes]] = {}

    def play(self, slot: RelaySlot) -> None:
        """Start the slot's ffmpeg unless it runs; start it again if it died."""
        process = self._processes.get(slot.index)
        if process is not None:
            if process.poll() is None:
                return
            self._log_exit(slot, process)
        self._processes[slot.index] = self._start(slot)

    def silence(self, slot: RelaySlot) -> None:
        process = self._processes.pop(slot.index, None)
        if process is not None:
            stop_process(process)

    def stop_all(self) -> None:
        for index in list(self._processes):
            stop_process(self._processes.pop(index))

    def playing(self) -> set[int]:
        return {index for index, process in self._processes.items() if process.poll() is None}

    def _log_exit(self, slot: RelaySlot, process: subprocess.Popen[bytes]) -> None:
        tail = _log_tail(self._log_file(slot))
        if RTP_TIMED_OUT in tail:
            # A muted or silent speaker: expected, and repeated while it lasts.
            logger.info(
                "Relay slot %s: no audio for %s s; listening again.",
                slot.number,
                RTP_TIMEOUT_SECONDS,
            )
            return
        logger.warning(
            "Relay slot %s: ffmpeg exited with status %s; restarting it. %s",
            slot.number,
            process.returncode,
            tail,
        )

    def _log_file(self, slot: RelaySlot) -> Path:
        return self.work_dir / f"relay-{slot.number}.log"

    def _start(self, slot: RelaySlot) -> subprocess.Popen[bytes]:
        # The folder holds the password: only its owner may read it.
        self.work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.work_dir.chmod(0o700)
        host = rtp_host()
        sdp_file = self.work_dir / f"relay-{slot.number}.sdp"
        sdp_file.write_text(slot_sdp(slot, host))
        password_file = self.work_dir / PASSWORD_PRESET_FILE
        _write_private(password_file, f"password={self.config.relay_password}\n")
        command = ffmpeg_command(self.config, slot, host, sdp_file, password_file)
        with self._log_file(slot).open("wb") as log:
            # Its own process group: a Ctrl-C meant for run_radio_relay reaches the
            # player, which stops its processes itself.
            return subprocess.Popen(
                [*ENDS_WITH_PARENT, *command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                process_group=0,
            )
