#!/bin/sh
# make bench: print mpd5's performance figures for this machine.
#   bench.py          PPPoE set-up rate, memory per session, teardown,
#                     one session's throughput vs the raw veth+TUN limit
#   bench-* extras    other figures when their parts are built (compression
#                     and encryption MB/s, the kernel data plane in the lab)
# Options for bench.py can be passed in BENCH_ARGS (e.g. "-n 1000 -t 3").
set -eu
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: run as root (sudo make bench)" >&2
	exit 1
fi
# shellcheck disable=SC2086
/usr/bin/python3 scripts/bench/bench.py ${BENCH_ARGS:-}
for extra in scripts/bench/bench-*.sh; do
	[ -f "$extra" ] || continue
	echo
	sh "$extra"
done
