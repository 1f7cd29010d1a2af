#!/usr/bin/env bash
# Installs the Debian packages Colombe needs. As root it installs them; otherwise it
# prints the exact apt-get line and carries on with what already works.
set -euo pipefail

# gettext: translations; chromium: browser tests; pango, harfbuzz and fonts: WeasyPrint PDFs;
# wrk: the load generator of the benchmarks; janus, janus-tools (janus-pp-rec), ffmpeg and
# iproute2: the built-in video engine, its recordings and the media test network; icecast2
# and liquidsoap: the web radio (ffmpeg also converts the archive's video and audio).
PACKAGES=(gettext chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 wrk janus janus-tools ffmpeg iproute2 icecast2 liquidsoap)

missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Some Debian packages are missing. To install them, run:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    echo "Carrying on without them (browser tests and translations may be skipped)."
fi
