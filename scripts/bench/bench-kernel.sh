#!/bin/sh
# bench-kernel.sh - one PPPoE session inside the lab guest (scripts/lab),
# mpd5 as the access concentrator on the kernel data plane and then on
# the tun data plane, pppd (rp-pppoe.so) as the client in a guest network
# namespace; a TCP stream from the client to mpd5's side is timed.
# Prints one line per data plane:
#
#     dataplane <kernel|tun> pppoe <MB/s>
#     dataplane <kernel|tun> mpd5-cpu-ms-per-MB <ms>   (mpd5's CPU time)
#
# Under TCG (no KVM) the guest is 10-40x slower than the host: compare
# the two lines with each other, not with other machines.
#   MPD_BIN (default build/mpd5), BENCH_MB (default 16).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/bench_kernel.py" "$@"
