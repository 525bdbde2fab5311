"""
tcp and udp links on kernel channels (src/link/ttychan.c, src/sys/ttyppp.c)
inside the lab guest: a pty whose slave is in line discipline N_PPP is the
ppp_generic channel, and mpd5 relays the pty master to the socket.

    guest root namespace                      guest netns kt<pid>
      mpd5 server, kernel data plane             mpd5 client, tun backend
      tcp 7001 / udp 7002 on kt<pid>a  <= veth => kt<pid>b

One daemon run covers both link types (one bundle each).  The server's
interfaces are ppp units (ng0, ng1), `show iface` says kernel, its log
says each call is on a kernel channel; pings and a TCP stream cross each
bundle and the kernel's counters see the stream.  The client is
user-space framing on tun (link/hdlc.c), so the kernel's async framing
talks to ours.  The server closes the tcp link, the client the udp one
(LCP through the channel both ways); a client restarted in auto mode
reconnects both (its outgoing calls on kernel channels under tun
bundles), and a server killed with SIGKILL leaves no ppp unit behind.
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
SRV_PORT = 5008
CLI_PORT = 5009
VA, VB = "10.84.0.1", "10.84.0.2"
XFER_BYTES = 256 * 1024


def server_conf():
    lines = [
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % SRV_PORT,
        "\tset console open",
        "\tlog +iface2 +phys2",
        "server:",
        "\tset ippool add pool1 10.83.0.10 10.83.0.20"]
    for b, addr, t, port in (("BT", "10.83.0.1", "tcp", 7001),
                             ("BU", "10.83.0.2", "udp", 7002)):
        lines += [
            "\tcreate bundle template %s" % b,
            "\tset ipcp ranges %s/32 ippool pool1" % addr,
            "\tset iface idle 3600",
            "\tcreate link template L%s %s" % (b[1], t),
            "\tset link action bundle %s" % b,
            "\tset link enable chap-md5",
            "\tset %s self %s %d" % (t, VA, port),
            "\tset link enable incoming"]
    return "\n".join(lines + [""])


def client_conf(dataplane):
    lines = [
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % CLI_PORT,
        "\tset console open",
        "\tset global dataplane %s" % dataplane,
        "\tlog +phys2",
        "client:"]
    for b, link, t, port in (("CBT", "CT", "tcp", 7001),
                             ("CBU", "CU", "udp", 7002)):
        lines += [
            "\tcreate bundle static %s" % b,
            "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
            "\tcreate link static %s %s" % (link, t),
            "\tset link action bundle %s" % b,
            "\tset auth authname %s" % CLI_NAME,
            "\tset auth password %s" % CLI_PASS,
            "\tset %s peer %s %d" % (t, VA, port),
            "\topen"]
    return "\n".join(lines + [""])


@pytest.fixture
def tty_lab(lab):
    """veth pair + client namespace in the guest; removed afterwards."""
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "kt" + tag, "va": "kt%sa" % tag, "vb": "kt%sb" % tag,
         "dir": "/tmp/ktty" + tag, "pids": [], "VA": VA, "VB": VB}
    g.run("ip netns add {ns} && ip link add {va} type veth peer name {vb} "
          "&& ip link set {vb} netns {ns} && ip addr add {VA}/24 dev {va} "
          "&& ip link set {va} up && ip -n {ns} link set lo up && "
          "ip -n {ns} addr add {VB}/24 dev {vb} && "
          "ip -n {ns} link set {vb} up && mkdir -p {dir}/s {dir}/c"
          .format(**k), check=True)
    g.write(k["dir"] + "/s/mpd.conf", server_conf())
    g.write(k["dir"] + "/s/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    g.write(k["dir"] + "/c/mpd.conf", client_conf("tun"))
    yield k
    for pid in k["pids"]:
        g.kill(pid)
    g.run("ip netns del {ns}; ip link del {va}".format(**k))


def spawn_mpd(g, k, side, label, log, ns=None, listeners=0):
    return start_guest_mpd(g, k["pids"], "%s/%s" % (k["dir"], side), label,
                           log, ns, listeners)


def assert_clean_log(text):
    for marker in ("ERROR: AddressSanitizer", "LeakSanitizer",
                   "runtime error:"):
        assert marker not in text, text[-6000:]


def ppp_links(g):
    """Names of the guest root namespace's ppp-type interfaces."""
    _, out = g.run("ip -o link show | grep 'link/ppp'")
    return sorted(set(re.findall(r"^\d+: ([^:@]+)[:@]", out, re.M)))


def console(g, port, cmds, ns=None):
    rc, out = g.run("%spython3 %s %d admin adminpw %s" % (
        "ip netns exec %s " % ns if ns else "", CONSOLE_PY, port,
        " ".join("'%s'" % c for c in cmds)), timeout=60)
    assert rc == 0, out
    return out


def units(g, log):
    """{bundle template: ngN} of the server's kernel units."""
    return dict((m.group(1), m.group(2)) for m in re.finditer(
        r"\[(B[TU])-\d+\] IFACE: ppp unit \d+ is (ng\d+)", g.read(log)))


def test_tcp_udp_on_kernel_channels(lab, tty_lab):
    g, k = lab.guest, tty_lab
    slog, clog = k["dir"] + "/srv.log", k["dir"] + "/cli.log"
    srv = spawn_mpd(g, k, "s", "server", slog, listeners=2)
    cli = spawn_mpd(g, k, "c", "client", clog, k["ns"])

    def both_up():
        assert g.status(srv) is None, g.read(slog)[-4000:]
        _, out = g.run("ip -n %s -4 -o addr show" % k["ns"])
        peers = set(re.findall(r"inet 10\.83\.0\.\d+ peer (10\.83\.0\.\d+)",
                               out))
        return peers == {"10.83.0.1", "10.83.0.2"} and \
            len(ppp_links(g)) == 2
    try:
        wait_for(both_up, GUEST_TIMEOUT, "both client bundles up",
                 interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- server ----\n%s\n---- client ----\n%s"
                             % (e, g.read(slog)[-5000:], g.read(clog)[-4000:]))
    text = g.read(slog)
    for tag in ("TCP", "UDP"):
        assert re.search(r"\[L%s-\d+\] %s: call on kernel channel \d+ "
                         r"\(N_PPP pty\)" % (tag[0], tag), text), text[-4000:]
    u = units(g, slog)
    assert sorted(u) == ["BT", "BU"] and sorted(u.values()) == \
        ppp_links(g), (u, text[-4000:])
    for b in ("BT", "BU"):
        m = re.search(r"\[(%s-\d+)\] IFACE: ppp unit" % b, text)
        out = console(g, SRV_PORT, ["bundle %s" % m.group(1), "show iface"])
        assert "\tData plane      : kernel (ppp_generic, links on kernel " \
            "channels)\r\n" in out, out

    _, out = g.run("ip -n %s -4 -o addr show" % k["ns"])
    local = dict((p, a) for a, p in re.findall(
        r"inet (10\.83\.0\.\d+) peer (10\.83\.0\.\d+)", out))
    for srv_addr, b, port in (("10.83.0.1", "BT", 5301),
                              ("10.83.0.2", "BU", 5302)):
        guest_ping(g, srv_addr, k["ns"], n=2)
        guest_ping(g, local[srv_addr], n=2)
        guest_stream(g, "%s/recv%d.log" % (k["dir"], port), k["ns"], None,
                     srv_addr, port, XFER_BYTES, secs=90,
                     detail=lambda: g.read(slog)[-3000:])
        # the kernel counted the stream on the unit (mpd5 relayed bytes
        # but never saw the packets)
        assert if_counter(g, u[b], "rx_bytes") >= XFER_BYTES
        # the other way: the kernel frames onto the pty faster than the
        # relay and the client take it (back-pressure through the pty)
        guest_stream(g, "%s/recv%d-back.log" % (k["dir"], port), None,
                     k["ns"], local[srv_addr], port, XFER_BYTES // 2,
                     secs=90, detail=lambda: g.read(slog)[-3000:])
        assert if_counter(g, u[b], "tx_bytes") >= XFER_BYTES // 2

    # the server closes the tcp link: LCP Terminate out of the channel
    lt = re.search(r"\[(LT-\d+)\] TCP: call on kernel", text).group(1)
    console(g, SRV_PORT, ["link %s" % lt, "close"])
    wait_for(lambda: "[CT] Link: DOWN event" in g.read(clog), GUEST_TIMEOUT,
             "the client's tcp link to go down", interval=0.5)
    wait_for(lambda: ppp_links(g) == [u["BU"]], 30, "the tcp bundle's unit "
             "to go", interval=0.5)
    # the client closes the udp link: the server hears it on the channel
    console(g, CLI_PORT, ["link CU", "close"], ns=k["ns"])
    wait_for(lambda: ppp_links(g) == [], 30, "the udp bundle's unit to go",
             interval=0.5)
    assert "10.83.0." not in g.run("ip -4 addr show")[1]

    # both again, from a client in auto mode: its static bundles are on
    # tun, but its outgoing calls get kernel channels too (tun bundle over
    # an N_PPP channel, kernel framing at both ends)
    assert g.kill(cli) == 0, g.read(clog)[-4000:]
    k["pids"].remove(cli)
    assert_clean_log(g.read(clog))
    g.write(k["dir"] + "/c/mpd.conf", client_conf("auto"))
    g.run("rm -f %s %s/c/mpd.pid" % (clog, k["dir"]))
    spawn_mpd(g, k, "c", "client", clog, k["ns"])
    wait_for(both_up, GUEST_TIMEOUT, "two units again", interval=0.5)
    text = g.read(clog)
    for tag in ("TCP", "UDP"):
        assert re.search(r"\[C%s\] %s: call on kernel channel \d+ "
                         r"\(N_PPP pty\)" % (tag[0], tag), text), text[-4000:]
    for srv_addr in ("10.83.0.1", "10.83.0.2"):
        rc, out = g.run("ip netns exec %s ping -n -c 2 -i 0.3 -W 3 %s"
                        % (k["ns"], srv_addr), timeout=40)
        assert rc == 0, out
    # SIGKILL: units and ptys go with the descriptors
    g.kill(srv, sig=9)
    wait_for(lambda: ppp_links(g) == [], 20, "the units to vanish")
    _, routes = g.run("ip -4 route show; ip -4 addr show")
    assert "10.83.0." not in routes, routes
    k["pids"].remove(srv)
    assert_clean_log(g.read(slog))
    assert_clean_log(g.read(clog))
