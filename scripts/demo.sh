#!/bin/sh
# `make demo`: a real PPP session between two mpd5 daemons.
#
#   namespace mpd5demo-srv                         namespace mpd5demo-cli
#   mpd5 (label server)  10.77.0.1 <== veth ==> 10.77.0.2  mpd5 (label client)
#   udp link template, CHAP-MSv2 required          static udp link, `open`
#   ippool 10.78.0.100-199, ng0 10.78.0.1          ng0 gets 10.78.0.100
#
# Both daemons run in the background (-b); each has its telnet console on
# 127.0.0.1:5005 and its web page on 127.0.0.1:5006 *inside its namespace*
# (loopback is per namespace).  The script waits for the session, pings
# through it, shows the server's console and web page answering, and tells
# how to reach both and how to stop everything:
#
#   sh scripts/demo.sh          start (stops a previous demo first)
#   sh scripts/demo.sh stop     stop both daemons, delete the namespaces
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/mpd5"
run=/tmp/mpd5-demo
sns=mpd5demo-srv
cns=mpd5demo-cli
srv_ip=10.77.0.1
cli_ip=10.77.0.2
srv_tun=10.78.0.1
port=5000

stop_demo() {
	# ($run/mpd.pid: the single daemon of earlier versions of this demo)
	for d in "$run/client" "$run/server" "$run"; do
		[ -f "$d/mpd.pid" ] || continue
		pid=$(cat "$d/mpd.pid" 2>/dev/null || true)
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			continue
		fi
		kill "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	for ns in $cns $sns; do
		if ip netns list | grep -qw "^$ns"; then
			ip netns del "$ns" || true
		fi
	done
}

if [ "${1:-}" = stop ]; then
	stop_demo
	echo "demo: stopped"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)"; exit 1; }
[ -x "$bin" ] || { echo "demo: build first (make)"; exit 1; }
stop_demo
rm -rf "$run"
mkdir -p "$run/server" "$run/client"

# ---- network: two namespaces joined by a veth pair ----
ip netns add $sns
ip netns add $cns
ip link add vsrv netns $sns type veth peer name vcli netns $cns
ip -n $sns link set lo up
ip -n $cns link set lo up
ip -n $sns addr add $srv_ip/24 dev vsrv
ip -n $cns addr add $cli_ip/24 dev vcli
ip -n $sns link set vsrv up
ip -n $cns link set vcli up

# ---- configurations ----
startup='startup:
	set user foo bar admin
	set user foo1 bar1
	set console self 127.0.0.1 5005
	set console open
	set web self 127.0.0.1 5006
	set web open
'
cat > "$run/server/mpd.conf" <<EOF
$startup
server:
	set ippool add pool1 10.78.0.100 10.78.0.199
	create bundle template B
	set ipcp ranges $srv_tun/32 ippool pool1
	set ipcp dns 10.77.0.53
	create link template L udp
	set link action bundle B
	set link enable chap-msv2
	set link keep-alive 10 60
	set udp self $srv_ip $port
	set link enable incoming
EOF
printf 'demo "demo-Passw0rd"\n' > "$run/server/mpd.secret"
cat > "$run/client/mpd.conf" <<EOF
$startup
client:
	create bundle static B
	set ipcp ranges 0.0.0.0/0 0.0.0.0/0
	set ipcp enable req-pri-dns
	create link static L udp
	set link action bundle B
	set auth authname demo
	set auth password demo-Passw0rd
	set udp self $cli_ip
	set udp peer $srv_ip $port
	set link max-redial 0
	open
EOF
: > "$run/client/mpd.secret"
chmod 600 "$run/server/mpd.secret" "$run/client/mpd.secret"

console_up() {	# namespace
	printf '' | ip netns exec "$1" nc -w 1 127.0.0.1 5005 >/dev/null 2>&1
}

echo "demo: starting the server: ip netns exec $sns $bin -b -d $run/server server"
ip netns exec $sns "$bin" -b -d "$run/server" -p "$run/server/mpd.pid" server
i=0
until console_up $sns; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "demo: server console did not come up"; exit 1; }
	sleep 0.1
done
echo "demo: starting the client: ip netns exec $cns $bin -b -d $run/client client"
ip netns exec $cns "$bin" -b -d "$run/client" -p "$run/client/mpd.pid" client
i=0
until console_up $cns; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "demo: client console did not come up"; exit 1; }
	sleep 0.1
done

# ---- wait for the session: an address on the client's ngN ----
i=0
until ip -n $cns -4 -o addr show 2>/dev/null | grep -q ' inet 10\.78\.'; do
	i=$((i + 1))
	if [ $i -ge 300 ]; then
		echo "demo: the PPP session did not come up within 30 s"
		echo "demo: see: ip netns exec $cns telnet 127.0.0.1 5005 (foo / bar), 'link L' then 'show link'"
		exit 1
	fi
	sleep 0.1
done
echo
echo "== PPP session up =="
ip -n $cns -4 -br addr show | grep ' 10\.78\.' | sed 's/^/client: /'
ip -n $sns -4 -br addr show | grep ' 10\.78\.' | sed 's/^/server: /'
echo
echo "== ping through the tunnel: ip netns exec $cns ping -c 3 $srv_tun =="
ip netns exec $cns ping -n -c 3 -i 0.3 -W 2 $srv_tun

console_demo() {	# namespace, commands...
	ns=$1; shift
	{ sleep 0.3; printf 'foo\r\n'; sleep 0.2; printf 'bar\r\n'; sleep 0.2
	  for c in "$@"; do printf '%s\r\n' "$c"; sleep 0.3; done
	  printf 'exit\r\n'; sleep 0.3; } |
	ip netns exec "$ns" nc -q 1 127.0.0.1 5005 | tr -d '\377\373\375\001\003' || true
}

echo
echo "== server telnet console on 127.0.0.1:5005 in $sns (user foo / bar) =="
console_demo $sns "show version" "show summary" "show sessions" "show ippool"
echo
echo "== server web interface on http://127.0.0.1:5006/ in $sns (user foo / bar) =="
ip netns exec $sns curl -s -u foo:bar "http://127.0.0.1:5006/bincmd?show%20summary" || true
echo
echo "demo: server mpd5 PID $(cat "$run/server/mpd.pid"), client mpd5 PID $(cat "$run/client/mpd.pid")"
echo "demo: server console: ip netns exec $sns telnet 127.0.0.1 5005        (foo / bar)"
echo "demo: server web:     ip netns exec $sns curl -u foo:bar http://127.0.0.1:5006/"
echo "demo: client console: ip netns exec $cns telnet 127.0.0.1 5005        (foo / bar)"
echo "demo: client web:     ip netns exec $cns curl -u foo:bar http://127.0.0.1:5006/"
echo "demo: try:            ip netns exec $cns ping $srv_tun"
echo "demo: stop it with:   sh $top/scripts/demo.sh stop"
echo "      (or: kill \$(cat $run/client/mpd.pid) \$(cat $run/server/mpd.pid); ip netns del $cns; ip netns del $sns)"
