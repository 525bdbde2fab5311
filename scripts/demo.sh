#!/bin/sh
# `make demo`: start mpd5 on conf/mpd.conf.sample with the telnet console
# and the web interface open, in a private network namespace, and show
# both answering.  PPP sessions between two daemons join the demo when the
# PPP engine lands (see README).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/mpd5"
run=/tmp/mpd5-demo
ns=mpd5demo

[ -x "$bin" ] || { echo "demo: build first (make)"; exit 1; }
if [ -f "$run/mpd.pid" ] && kill -0 "$(cat "$run/mpd.pid")" 2>/dev/null; then
	kill "$(cat "$run/mpd.pid")" || true
	sleep 1
fi
rm -rf "$run"
mkdir -p "$run"
cp "$top"/conf/mpd.conf.sample "$run/mpd.conf"
cp "$top"/conf/mpd.secret.sample "$run/mpd.secret"
chmod 600 "$run/mpd.secret"
# The web page listens on loopback only in the demo.
sed -i 's/set web self 0.0.0.0/set web self 127.0.0.1/' "$run/mpd.conf"

echo "demo: starting mpd5 -b -d $run (label pptp_server)"
"$bin" -b -d "$run" -p "$run/mpd.pid" pptp_server
i=0
until printf '' | nc -w 1 127.0.0.1 5005 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "demo: console did not come up"; exit 1; }
	sleep 0.1
done

echo
echo "== telnet console on 127.0.0.1:5005 (user foo / bar) =="
{ sleep 0.3; printf 'foo\r\n'; sleep 0.2; printf 'bar\r\n'; sleep 0.2
  printf 'show version\r\n'; sleep 0.2; printf 'show summary\r\n'; sleep 0.2
  printf 'exit\r\n'; sleep 0.3; } | nc -q 1 127.0.0.1 5005 | tr -d '\377\373\375\001\003' || true
echo
echo "== web interface on http://127.0.0.1:5006/ (user foo / bar) =="
curl -s -u foo:bar "http://127.0.0.1:5006/bincmd?show%20version" || true
echo
echo "demo: mpd5 runs as PID $(cat "$run/mpd.pid")"
echo "demo: console: telnet 127.0.0.1 5005   web: http://127.0.0.1:5006/   (foo / bar)"
echo "demo: stop it with: kill \$(cat $run/mpd.pid)"
