#!/bin/sh
# bench-ccp - MB/s of the CCP/ECP codecs (MPPE, MPPC, Deflate,
# Predictor-1, DESE-bis), one line per algorithm and direction:
#     ccp <alg> <tx|rx> <MB/s>
# Builds build/libmpd.a if needed and scripts/bench/bench_ccp.c against it.
# Usage: scripts/bench/bench-ccp.sh [megabytes-per-run]   (default 32)
set -e
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libmpd.a" >/dev/null
mkdir -p "$BUILD/bench"
LIBS=$(pkg-config --libs libssl libcrypto zlib 2>/dev/null || echo "-lssl -lcrypto -lz")
${CC:-cc} -O2 -std=gnu11 -Isrc -o "$BUILD/bench/bench_ccp" \
	scripts/bench/bench_ccp.c "$BUILD/libmpd.a" $LIBS -lpthread
exec "$BUILD/bench/bench_ccp" "$@"
