#!/usr/bin/env bash
# Start Radio Colombe's streaming chain for `make run` (Procfile: `radio: scripts/run-radio.sh`):
# Icecast serves listeners, Liquidsoap makes the programme. Their configuration is written
# from Django settings into var/radio/ on every start (`manage.py radio_config`), so the
# passwords and the callback secret always match the ones Colombe uses.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for binary in icecast2 liquidsoap ffmpeg; do
    command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
done
if ((${#missing[@]})); then
    echo "The radio is not started: ${missing[*]} not installed (the player page says the stream is not reachable)."
    echo "Install with: sudo apt-get install icecast2 liquidsoap ffmpeg   (Debian 12 or later)"
    # honcho stops every process when one exits: stay up, doing nothing.
    exec sleep infinity
fi

# --starting: a live session left open by a stopped Liquidsoap is closed, and the
# playlists are written before Liquidsoap first reads them.
state_dir=$(.venv/bin/python manage.py radio_config --starting)

icecast2 -c "$state_dir/icecast.xml" &
icecast_pid=$!
# Liquidsoap keeps retrying until Icecast accepts its source: no need to wait for it.
liquidsoap "$state_dir/radio.liq" &
liquidsoap_pid=$!

stop_both() {
    kill "$icecast_pid" "$liquidsoap_pid" 2>/dev/null || true
    wait "$icecast_pid" "$liquidsoap_pid" 2>/dev/null || true
}
trap 'stop_both; exit 0' INT TERM

# If either stops, stop the other and exit, so that honcho notices and stops `make run`.
status=0
wait -n "$icecast_pid" "$liquidsoap_pid" || status=$?
echo "The radio stopped (Icecast or Liquidsoap exited with status $status)." >&2
stop_both
exit $((status == 0 ? 1 : status))
