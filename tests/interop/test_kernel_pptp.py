"""
PPTP calls on the kernel data plane (src/link/pptp_ctrl.c kernel channel,
src/dp/kernel.c) inside the lab guest, whose kernel has ppp_generic, gre
and pptp:

    guest root namespace                      guest netns tp<pid>
      mpd5 (this tree's binary), PPTP server     pptp-linux + pppd
      on tv<pid>a 10.85.0.1  <=== veth ===>      on tv<pid>b 10.85.0.2

pptp-linux places Outgoing-Call-Requests; mpd5 answers them and puts each
call on a PX_PROTO_PPTP socket: the kernel builds and parses the GRE, LCP
and MS-CHAPv2 (no MPPE: the bundle must stay in the kernel) pass through
the channel's /dev/ppp descriptor, and the call's channel is connected
to a ppp unit renamed to ng0.  `show iface` says "kernel"; pings and a
TCP stream cross; the kernel's counters see the bytes; mpd5 holds no raw
GRE socket (no IP packet of the call reaches it).

One pppd session after another: the client clears the first call
(pptp-linux's Call-Clear-Request), mpd5 disconnects the second (`close`:
Call-Disconnect-Notify), pppd (persist) dials a third, and mpd5 is
killed with SIGKILL: the unit vanishes and the call id is free again in
the kernel (a PX_PROTO_PPTP socket binds it).
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
SELF, PEER = "10.85.0.1", "10.85.0.2"
SRV_ADDR = "10.86.0.1"
POOL = ("10.86.0.10", "10.86.0.20")
PORT = 5007
XFER_BYTES = 1 << 20
UNIT = 7                            # the client's ppp7 in its namespace

# bind a PX_PROTO_PPTP socket to call id argv[1] at argv[2]: 0 when the
# kernel has no socket with that call id any more
BIND_PY = r"""
import ctypes, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.socket(24, socket.SOCK_STREAM, 2)
if fd < 0:
    sys.exit("socket: %d" % ctypes.get_errno())
sa = struct.pack("=HIH2x4s", 24, 2, int(sys.argv[1]),
                 socket.inet_aton(sys.argv[2])).ljust(30, b"\0")
if libc.bind(fd, sa, len(sa)) < 0:
    sys.exit("bind: %d" % ctypes.get_errno())
print("free")
"""


def conf():
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
        "\tset iface idle 3600",
        "\tcreate link template L pptp",
        "\tset link action bundle B",
        "\tset link no pap chap eap",
        "\tset link enable chap-msv2",
        "\tset pptp self %s" % SELF,
        "\tset link enable incoming",
        ""])


@pytest.fixture
def pptp_lab(lab):
    """veth pair + peer namespace in the guest; removed afterwards."""
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "tp" + tag, "va": "tv%sa" % tag, "vb": "tv%sb" % tag,
         "dir": "/tmp/kpptp" + tag, "pids": [], "self": SELF,
         "peer": PEER}
    g.run("ip netns add {ns} && ip link add {va} type veth peer name {vb} "
          "&& ip link set {vb} netns {ns} && ip addr add {self}/24 dev {va} "
          "&& ip link set {va} up && ip -n {ns} link set lo up && "
          "ip -n {ns} addr add {peer}/24 dev {vb} && "
          "ip -n {ns} link set {vb} up && mkdir -p {dir}".format(**k),
          check=True)
    g.write(k["dir"] + "/mpd.conf", conf())
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    yield k
    for pid in k["pids"]:
        g.kill(pid)
    g.run("ip netns del {ns}; ip link del {va}".format(**k))


def ppp_links(g):
    """Names of the guest root namespace's ppp-type interfaces."""
    _, out = g.run("ip -o link show | grep 'link/ppp'")
    return sorted(set(re.findall(r"^\d+: ([^:@]+)[:@]", out, re.M)))


def assert_clean_log(text):
    for marker in ("ERROR: AddressSanitizer", "LeakSanitizer",
                   "runtime error:"):
        assert marker not in text, text[-6000:]


def test_kernel_pptp_server(lab, pptp_lab, daemons):
    g, k = lab.guest, pptp_lab
    log = k["dir"] + "/mpd.log"
    mpd = start_guest_mpd(g, k["pids"], k["dir"], "server", log,
                          listeners=1)

    def pppd(name, extra):
        plog = "%s/%s.log" % (k["dir"], name)
        pid = g.spawn(
            "exec ip netns exec %s pppd pty 'pptp %s --nolaunchpppd "
            "--loglevel 1' nodetach debug logfile %s name %s user %s "
            "password %s remotename PPTP noauth refuse-eap refuse-pap "
            "refuse-chap refuse-mschap noccp noipdefault nodefaultroute "
            "holdoff 1 unit %d %s" % (k["ns"], SELF, plog, CLI_NAME,
                                      CLI_NAME, CLI_PASS, UNIT, extra),
            log=plog + ".out")
        k["pids"].append(pid)
        return pid, plog

    def peer_up():
        _, out = g.run("ip -n %s -4 -o addr show dev ppp%d 2>/dev/null"
                       % (k["ns"], UNIT))
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None

    def wait_up(plog, what):
        try:
            return wait_for(lambda: peer_up() and ppp_links(g) == ["ng0"]
                            and peer_up(), GUEST_TIMEOUT, what,
                            interval=0.5)
        except AssertionError as e:
            raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n"
                                 "%s\n%s" % (e, g.read(plog)[-3000:],
                                             g.read(log)[-5000:],
                                             g.run("ip -d link")[1]))

    # ---- call 1: data, then the client clears the call ----
    pid, plog = pppd("pppd1", "maxfail 1")
    local, peer = wait_up(plog, "pppd's ppp%d up" % UNIT)
    assert peer == SRV_ADDR
    assert POOL[0] <= local <= POOL[1], local
    text = g.read(log)
    assert re.search(r"PPTP: call #\d+ on kernel channel \d+", text), \
        text[-4000:]
    assert "CHAP authentication succeeded" in g.read(plog)
    m = re.search(r"\[(B-\d+)\] IFACE: ppp unit \d+ is ng0", text)
    assert m, text[-4000:]
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' 'show iface'"
                    % (CONSOLE_PY, PORT, m.group(1)), timeout=60)
    assert rc == 0, out
    assert re.search(r"\tData plane      : kernel \(ppp_generic, links on "
                     r"kernel channels\)\r\n", out), out
    # the kernel has the GRE: mpd5 holds no raw socket
    _, out = g.run("ss -w -a -n -p")
    assert "pid=%d," % mpd not in out, out

    guest_ping(g, SRV_ADDR, k["ns"])
    guest_ping(g, local)
    guest_stream(g, k["dir"] + "/recv.log", k["ns"], None, SRV_ADDR, 5203,
                 XFER_BYTES)
    assert if_counter(g, "ng0", "rx_bytes") >= XFER_BYTES

    # the client hangs up: pptp-linux sends Call-Clear-Request
    g.kill(pid)
    k["pids"].remove(pid)
    wait_for(lambda: re.search(r"PPTP: call #\d+ (cleared|disconnected) "
                               r"by peer", g.read(log)), GUEST_TIMEOUT,
             "mpd5 to see the Call-Clear-Request")
    wait_for(lambda: ppp_links(g) == [], GUEST_TIMEOUT, "ng0 to go")

    # ---- call 2: mpd5 disconnects it (Call-Disconnect-Notify) ----
    pid, plog = pppd("pppd2", "persist maxfail 0")
    wait_up(plog, "the second call")
    link = re.findall(r"\[(L-\d+)\] Link: Join bundle", g.read(log))[-1]
    rc, out = g.run("python3 %s %d admin adminpw 'link %s' 'close'" % (
        CONSOLE_PY, PORT, link), timeout=60)
    assert rc == 0, out
    wait_for(lambda: re.search(r"\[%s\] PPTP: call #\d+ terminated locally"
                               % link, g.read(log)), GUEST_TIMEOUT,
             "mpd5 to hang up")
    wait_for(lambda: g.read(plog).count("Connection terminated") >= 1 or
             g.read(plog).count("Modem hangup") >= 1, GUEST_TIMEOUT,
             "pppd to see the end", interval=0.5)

    # ---- call 3 (pppd's redial), then SIGKILL ----
    wait_up(plog, "pppd's redial")
    cids = re.findall(r"PPTP: call #\d+ connected \(peer [\d.]+, call ids "
                      r"(\d+)/\d+\)", g.read(log))
    assert len(cids) == 3, g.read(log)[-4000:]
    rc, out = g.run("python3 -c '%s' %s %s" % (BIND_PY, cids[-1], SELF))
    assert rc != 0 and "bind: 16" in out, out       # EBUSY: in use
    g.kill(mpd, sig=9)
    k["pids"].remove(mpd)
    wait_for(lambda: ppp_links(g) == [], 20, "ng0 to vanish")
    _, routes = g.run("ip -4 route show; ip -4 addr show")
    assert "10.86.0." not in routes, routes
    wait_for(lambda: g.run("python3 -c '%s' %s %s" % (
        BIND_PY, cids[-1], SELF))[0] == 0, 20, "the call id to be free")
    # the client notices (its GRE and control connection lead nowhere)
    g.kill(pid)
    k["pids"].remove(pid)
    assert_clean_log(g.read(log))


# --------------------------------------------------------------------------
# mpd5 dials pptpd (+ pppd) in the namespace, on the kernel backend
# --------------------------------------------------------------------------

GPNS_ADDR, GPOOL = "10.87.0.1", "10.87.0.10"    # pptpd's localip/remoteip


def client_conf():
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        # auto mode: the static bundle starts on tun (no link names it
        # yet) and moves to the kernel when the call's link joins
        "\tlog +iface2 +phys2",
        "client:",
        "\tcreate bundle static B",
        "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
        "\tcreate link static C pptp",
        "\tset link action bundle B",
        "\tset auth authname %s" % CLI_NAME,
        "\tset auth password %s" % CLI_PASS,
        "\tset pptp self %s" % SELF,
        "\tset pptp peer %s" % PEER,
        "\topen",
        ""])


def test_kernel_pptp_client_to_pptpd(lab, pptp_lab, daemons):
    """mpd5 places the call (Outgoing-Call-Request, the PNS role) to
    pptpd: its end of the call is a kernel channel, the tunnel carries a
    ping and a TCP stream counted by ng0, and mpd5's `close` clears the
    call (Call-Clear-Request): pptpd's pppd ends."""
    from conftest import MPD_BIN
    g, k = lab.guest, pptp_lab
    slog, opts, sconf = (k["dir"] + "/pptpd-ppp.log",
                         k["dir"] + "/pptpd.options", k["dir"] + "/pptpd.conf")
    g.write(opts, "\n".join(["name pptpd", "require-mschap-v2",
                             "refuse-pap", "refuse-chap", "refuse-mschap",
                             "refuse-eap", "noccp", "nodefaultroute",
                             "noproxyarp", "debug", "logfile " + slog, ""]))
    g.write(sconf, "option %s\nlocalip %s\nremoteip %s\n" % (
        opts, GPNS_ADDR, GPOOL))
    k["pids"].append(g.spawn(
        "exec ip netns exec %s pptpd -f -c %s -l %s -p %s/pptpd.pid" % (
            k["ns"], sconf, PEER, k["dir"]), log=k["dir"] + "/pptpd.out"))
    wait_for(lambda: g.run("ip netns exec %s ss -ltn | grep -q ':1723 '"
                           % k["ns"])[0] == 0, GUEST_TIMEOUT,
             "pptpd to listen", interval=0.3)
    g.write(k["dir"] + "/mpd.conf", client_conf())
    log = k["dir"] + "/mpd-client.log"
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
    assert (local, peer) == (GPOOL, GPNS_ADDR)
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    assert re.search(r"\[C\] PPTP: call #\d+ on kernel channel \d+",
                     g.read(log)), g.read(log)[-4000:]
    rc, out = g.run("python3 %s %d admin adminpw 'bundle B' 'show iface'"
                    % (CONSOLE_PY, PORT), timeout=60)
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    guest_ping(g, GPNS_ADDR)
    guest_stream(g, k["dir"] + "/recv2.log", None, k["ns"], GPNS_ADDR, 5204,
                 XFER_BYTES)
    assert if_counter(g, "ng0", "tx_bytes") >= XFER_BYTES

    # mpd5 (the PNS) clears the call; pptpd's pppd ends
    g.run("python3 %s %d admin adminpw 'link C' 'close'" % (CONSOLE_PY,
                                                             PORT))
    wait_for(lambda: re.search(r"\[C\] PPTP: call #\d+ terminated locally",
                               g.read(log)), GUEST_TIMEOUT, "the hang-up")
    wait_for(lambda: "Connection terminated" in g.read(slog) or
             "Modem hangup" in g.read(slog), GUEST_TIMEOUT,
             "pptpd's pppd to end", interval=0.5)
    # a static bundle keeps its interface; the addresses go
    wait_for(lambda: "10.87.0." not in g.run("ip -4 addr show")[1], 20,
             "ng0's addresses to go")
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert ppp_links(g) == []
    assert_clean_log(g.read(log))
