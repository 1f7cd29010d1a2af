#!/bin/sh
# Start the local Janus for `make run` (Procfile: `janus: scripts/run-janus.sh`).
# The configuration is written from Django settings into var/janus/ on every start, so
# the secrets always match the ones Colombe uses.
set -eu
cd "$(dirname "$0")/.."

if ! command -v janus >/dev/null 2>&1; then
    echo "Janus is not installed: video meetings will say the engine is unreachable."
    echo "Install it with: sudo apt-get install janus   (Debian 12 or later)"
    # honcho stops every process when one exits: stay up, doing nothing.
    exec sleep infinity
fi

.venv/bin/python -m colombe.meetings.engines.janus_config var/janus >/dev/null
exec janus -F var/janus -C var/janus/janus.jcfg -o
