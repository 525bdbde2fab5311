"""
The kernel data plane (src/dp/kernel.c) inside the lab guest, whose
kernel has ppp_generic and pppoe:

    guest root namespace                      guest netns kp<pid>
      mpd5 (this tree's binary), PPPoE AC        pppd + rp-pppoe.so
      on kv<pid>a  <======== veth ========>      on kv<pid>b

The session's links are PX_PROTO_OE channels connected to a ppp unit
that mpd5 renamed to ng0: the interface is a real ppp device (not a tun),
`show iface` says "kernel", pings and a TCP stream cross it, and the
kernel's counters (`show iface`/`ip -s link`) see the bytes.  Then mpd5
is killed with SIGKILL: the unit, its addresses and routes vanish with
the daemon's descriptors; a restarted mpd5 serves pppd's reconnection
with exactly one ppp unit again.
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
SRV_ADDR = "10.79.0.1"
POOL = ("10.79.0.10", "10.79.0.20")
PORT = 5005
XFER_BYTES = 1 << 20


def conf(veth, bundle_extra=()):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tlog +iface2 +phys2",
        "server:",
        "\tset ippool add pool1 %s %s" % POOL,
        "\tcreate bundle template B",
        "\tset ipcp ranges %s/32 ippool pool1" % SRV_ADDR,
        # the idle check reads the kernel's counters every second
        "\tset iface idle 3600"] +
        list(bundle_extra) + [
        "\tcreate link template L pppoe",
        "\tset link action bundle B",
        "\tset link enable chap-md5",
        "\tset pppoe iface %s" % veth,
        '\tset pppoe service "*"',
        "\tset link enable incoming",
        ""])


@pytest.fixture
def kernel_lab(lab):
    """veth pair + peer namespace in the guest; removed afterwards."""
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "kp" + tag, "va": "kv%sa" % tag, "vb": "kv%sb" % tag,
         "dir": "/tmp/kdp" + tag, "pids": []}
    g.run("ip netns add {ns} && ip link add {va} type veth peer name {vb} "
          "&& ip link set {vb} netns {ns} && ip link set {va} up && "
          "ip -n {ns} link set lo up && ip -n {ns} link set {vb} up && "
          "mkdir -p {dir}".format(**k), check=True)
    g.write(k["dir"] + "/mpd.conf", conf(k["va"]))
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    yield k
    for pid in k["pids"]:
        g.kill(pid)
    g.run("ip netns del {ns}; ip link del {va}".format(**k))


def start_mpd(g, k, log):
    return start_guest_mpd(g, k["pids"], k["dir"], "server", log)


def assert_clean_log(text):
    """No sanitizer report in a guest daemon's output (MPD_BIN may be the
    ASan build: `MPD_BIN=build-asan/mpd5 make interop`)."""
    for marker in ("ERROR: AddressSanitizer", "LeakSanitizer",
                   "runtime error:"):
        assert marker not in text, text[-6000:]


def ppp_links(g):
    """Names of the guest root namespace's ppp-type interfaces."""
    _, out = g.run("ip -o link show type ppp 2>/dev/null; "
                   "ip -o link show | grep 'link/ppp'")
    return sorted(set(re.findall(r"^\d+: ([^:@]+)[:@]", out, re.M)))


def test_kernel_backend_pppd_client(lab, kernel_lab, daemons):
    g, k = lab.guest, kernel_lab
    log = k["dir"] + "/mpd.log"
    start_mpd(g, k, log)
    plog = k["dir"] + "/pppd.log"
    pppd = g.spawn("exec ip netns exec %s pppd nodetach debug logfile %s "
                   "plugin rp-pppoe.so nic-%s user %s password %s noauth "
                   "noipdefault nodefaultroute persist maxfail 0 "
                   "holdoff 1 lcp-echo-interval 1 lcp-echo-failure 3" % (
                       k["ns"], plog, k["vb"], CLI_NAME, CLI_PASS),
                   log=plog + ".out")
    k["pids"].append(pppd)

    def peer_up():
        _, out = g.run("ip -n %s -4 -o addr show dev ppp0 2>/dev/null"
                       % k["ns"])
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None
    try:
        local, peer = wait_for(peer_up, GUEST_TIMEOUT, "pppd's ppp0 up",
                               interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            e, g.read(plog)[-3000:], g.read(log)[-5000:]))
    assert peer == SRV_ADDR

    # mpd5's interface is a ppp unit renamed to ng0, on the kernel backend
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    text = g.read(log)
    assert re.search(r"PPPoE: session 0x[0-9a-f]{4} on kernel channel",
                     text), text[-4000:]
    m = re.search(r"\[(B-\d+)\] IFACE: ppp unit \d+ is ng0", text)
    assert m, text[-4000:]
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' 'show iface'"
                    % (CONSOLE_PY, PORT, m.group(1)), timeout=60)
    assert rc == 0, out
    assert re.search(r"\tData plane      : kernel \(ppp_generic, links on "
                     r"kernel channels\)\r\n", out), out

    # data: ping both ways, a TCP stream from the peer to mpd5's host
    guest_ping(g, SRV_ADDR, k["ns"])
    guest_ping(g, local)
    guest_stream(g, k["dir"] + "/recv.log", k["ns"], None, SRV_ADDR, 5201,
                 XFER_BYTES)
    # the kernel counted the stream on ng0 (mpd5 never saw it)
    assert if_counter(g, "ng0", "rx_bytes") >= XFER_BYTES

    # SIGKILL: the unit and its routes go with the daemon's descriptors
    g.kill(k["pids"][0], sig=9)
    wait_for(lambda: ppp_links(g) == [], 20, "ng0 to vanish")
    _, routes = g.run("ip -4 route show; ip -4 addr show")
    assert "10.79.0." not in routes, routes
    # a new daemon: pppd (persist) reconnects, one unit again
    k["pids"].pop(0)
    assert_clean_log(g.read(log))
    g.run("rm -f %s %s/mpd.pid" % (log, k["dir"]))
    start_mpd(g, k, log)
    wait_for(lambda: ppp_links(g) == ["ng0"] and peer_up(), GUEST_TIMEOUT,
             "pppd's session again on one ppp unit", interval=0.5)
    guest_ping(g, SRV_ADDR, k["ns"], n=2)
    g.kill(k["pids"].pop(0))            # SIGTERM: a clean exit
    assert_clean_log(g.read(log))


def client_conf(veth):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tlog +iface2 +phys2",
        "client:",
        "\tcreate bundle static B",
        "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
        "\tcreate link static C pppoe",
        "\tset link action bundle B",
        "\tset auth authname %s" % CLI_NAME,
        "\tset auth password %s" % CLI_PASS,
        "\tset pppoe iface %s" % veth,
        '\tset pppoe service ""',
        "\topen",
        ""])


def test_kernel_backend_mpd5_client(lab, kernel_lab, daemons):
    """mpd5's PPPoE client against pppoe-server + pppd (CHAP-MD5) in a
    guest namespace: its static bundle is created on tun (no link names
    it yet) and moves to the kernel data plane when the session's link
    joins (auto mode); mpd5 closes the session with a PADT."""
    g, k = lab.guest, kernel_lab
    opts, slog, spid = (k["dir"] + "/srv.options", k["dir"] + "/srv.log",
                        k["dir"] + "/srv.pid")
    g.write(opts, "require-chap\ndebug\nlogfile %s\nnodefaultroute\n"
            "noproxyarp\n" % slog)
    rc, out = g.run("ip netns exec %s pppoe-server -I %s -L 10.81.0.1 "
                    "-R 10.81.0.10 -N 2 -O %s -X %s </dev/null >/dev/null "
                    "2>&1; for i in $(seq 50); do [ -s %s ] && break; "
                    "sleep 0.2; done; head -n 1 %s" % (
                        k["ns"], k["vb"], opts, spid, spid, spid))
    assert rc == 0, out
    k["pids"].append(int(out.split()[0]))
    g.write(k["dir"] + "/mpd.conf", client_conf(k["va"]))
    log = k["dir"] + "/mpd.log"
    g.run("rm -f " + log)
    from conftest import MPD_BIN
    pid = g.spawn("exec %s -d %s -p %s/mpd.pid client" % (
        MPD_BIN, k["dir"], k["dir"]), log=log)
    k["pids"].insert(0, pid)

    def up():
        assert g.status(pid) is None, g.read(log)
        _, out = g.run("ip -4 -o addr show dev ng0 2>/dev/null")
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None
    try:
        local, peer = wait_for(up, GUEST_TIMEOUT, "ng0 up", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            e, g.read(slog)[-3000:], g.read(log)[-5000:]))
    assert peer == "10.81.0.1"
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    assert re.search(r"PPPoE: session 0x[0-9a-f]{4} on kernel channel",
                     g.read(log))
    rc, out = g.run("python3 %s %d admin adminpw 'bundle B' 'show iface'"
                    % (CONSOLE_PY, PORT), timeout=60)
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    assert re.search(r"\[B\] IFACE: ng0 moves to the kernel data plane",
                     g.read(log)), g.read(log)[-3000:]
    guest_ping(g, "10.81.0.1")
    guest_stream(g, k["dir"] + "/recv2.log", None, k["ns"], "10.81.0.1",
                 5202, XFER_BYTES)
    assert if_counter(g, "ng0", "tx_bytes") >= XFER_BYTES

    # mpd5 closes: LCP Terminate, then its PADT; pppd sees the end
    g.run("python3 %s %d admin adminpw 'link C' 'close'" % (CONSOLE_PY,
                                                             PORT))
    wait_for(lambda: "PPPoE: sent PADT" in g.read(log), GUEST_TIMEOUT,
             "mpd5's PADT")
    wait_for(lambda: "Connection terminated" in g.read(slog), GUEST_TIMEOUT,
             "pppd to see the end", interval=0.5)
    wait_for(lambda: "10.81.0." not in g.run("ip -4 addr show")[1], 20,
             "ng0's addresses to go")
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert ppp_links(g) == []
    assert_clean_log(g.read(log))


def test_compression_without_ccp_stays_in_kernel(lab, kernel_lab):
    """A bundle with compression enabled whose peer refuses CCP (pppd
    `noccp`: a Protocol-Reject) stays on the kernel backend: the choice
    follows what CCP negotiates, not the configuration (an MPPC bundle
    moving to tun is in test_kernel_ccp.py)."""
    g, k = lab.guest, kernel_lab
    g.write(k["dir"] + "/mpd.conf", conf(k["va"], [
        "\tset bundle enable compression",
        "\tset ccp yes deflate"]))
    log = k["dir"] + "/mpd-ccp.log"
    start_mpd(g, k, log)
    plog = k["dir"] + "/pppd-ccp.log"
    k["pids"].append(g.spawn(
        "exec ip netns exec %s pppd nodetach logfile %s plugin rp-pppoe.so "
        "nic-%s user %s password %s noauth noipdefault nodefaultroute "
        "noccp" % (k["ns"], plog, k["vb"], CLI_NAME, CLI_PASS),
        log=plog + ".out"))
    try:
        wait_for(lambda: "inet " in g.run("ip -4 -o addr show dev ng0 "
                                          "2>/dev/null")[1],
                 GUEST_TIMEOUT, "ng0 up", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, g.read(log)[-4000:]))
    assert ppp_links(g) == ["ng0"], "ng0 should be a ppp unit"
    m = re.search(r"\[(B-\d+)\] IFACE: created interface ng0", g.read(log))
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' 'show iface'"
                    % (CONSOLE_PY, PORT, m.group(1) if m else "B-1"),
                    timeout=60)
    assert "\tData plane      : kernel (ppp_generic, links on kernel "\
        "channels)\r\n" in out, out
    guest_ping(g, SRV_ADDR, k["ns"])
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert_clean_log(g.read(log))
