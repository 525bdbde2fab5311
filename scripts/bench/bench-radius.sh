#!/bin/sh
# make bench extra: PPPoE set-up rate with FreeRADIUS in the loop next to
# mpd.secret (scripts/bench/bench_radius.py; needs freeradius and socat).
# Options in BENCH_RADIUS_ARGS (e.g. "-n 500").
set -eu
cd "$(dirname "$0")/../.."
command -v freeradius >/dev/null 2>&1 || { echo "bench-radius: no freeradius"; exit 0; }
# shellcheck disable=SC2086
/usr/bin/python3 scripts/bench/bench_radius.py ${BENCH_RADIUS_ARGS:-}
