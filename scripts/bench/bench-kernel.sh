#!/bin/sh
# bench-kernel.sh - one PPPoE session inside the lab guest (scripts/lab),
# mpd5 as the access concentrator on the kernel data plane and then on
# the tun data plane, pppd (rp-pppoe.so) as the client in a guest network
# namespace; a TCP stream from the client to mpd5's side is timed.
# Then the set-up rate: an mpd5 client daemon (tun, bench.py's session
# generator) in a guest namespace dials N PPPoE sessions (CHAP-MD5 +
# IPCP, one bundle each) against mpd5 on each data plane.
# Prints, per data plane:
#
#     dataplane <kernel|tun> pppoe <MB/s>
#     dataplane <kernel|tun> mpd5-cpu-ms-per-MB <ms>   (mpd5's CPU time)
#     dataplane <kernel|tun> mpd5-cpu-us-per-packet <us> (<n> packets)
#     dataplane <kernel|tun> guest-cpu-us-per-packet <us>
#         (every CPU of the guest: kernel, mpd5, sender and receiver)
#     dataplane <kernel|tun> setups-per-s <rate> (<N> sessions in <s> s,
#         <n> per server CPU-s)
#     dataplane <kernel|tun> mpd5-rss-kb-per-session <KB>
#     dataplane <kernel|tun> teardown-s <s>     (SIGTERM to the client)
#
# Packets are those counted on ng0 (both directions).  Under TCG (no
# KVM) the guest is 10-40x slower than the host: compare kernel with tun,
# not with other machines.
#   MPD_BIN (default build/mpd5), BENCH_MB (default 16),
#   BENCH_KSESSIONS (default 64).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/bench_kernel.py" "$@"
