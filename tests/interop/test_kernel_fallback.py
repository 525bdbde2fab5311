"""
The move to tun after CCP on the link types whose kernel channel stays
(udp: a pty in N_PPP; L2TP: a kernel session; PPTP: a PX_PROTO_PPTP
socket), inside the lab guest (PPPoE, whose channel is released, is in
test_kernel_ccp.py):

    guest root namespace                      guest netns kt<pid>
      mpd5 server, kernel data plane             mpd5 client, tun backend
      udp / l2tp / pptp on kt<pid>a   <= veth => kt<pid>b

The client asks for MPPC, which ppp_generic cannot run: the server's
bundle leaves its ppp unit for a TUN device of the same name while the
call stays on its kernel channel (disconnected from the unit), and the
frames, MPPC-compressed, then cross user space: ping and a TCP stream.
"""

import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping
from test_kernel_tty import (VA, console, ppp_links, spawn_mpd,
                             tty_lab)  # noqa: F401 (fixture)

SRV_PORT, CLI_PORT = 5008, 5009
# link type: (server's `self` line, client's `peer` line, server's log
# line for the call's kernel channel)
TYPES = {
    "udp": ("set udp self %s 7002", "set udp peer %s 7002",
            r"UDP: call on kernel channel"),
    "l2tp": ("set l2tp self %s", "set l2tp peer %s",
             r"L2TP: session \d+/\d+ on kernel channel"),
    "pptp": ("set pptp self %s", "set pptp peer %s",
             r"PPTP: call #\d+ on kernel channel"),
}


def server_conf(t):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % SRV_PORT,
        "\tset console open",
        "\tlog +iface2 +phys2 +ccp",
        "server:",
        "\tset ippool add pool1 10.83.0.10 10.83.0.20",
        "\tcreate bundle template BU",
        "\tset ipcp ranges 10.83.0.2/32 ippool pool1",
        "\tset iface idle 3600",
        "\tset bundle enable compression",
        "\tset ccp yes mppc",
        "\tset mppc yes compress",
        "\tcreate link template LU %s" % t,
        "\tset link action bundle BU",
        "\tset link enable chap-md5",
        "\t" + TYPES[t][0] % VA,
        "\tset link enable incoming",
        ""])


def client_conf(t):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % CLI_PORT,
        "\tset console open",
        "\tset global dataplane tun",
        "client:",
        "\tcreate bundle static CBU",
        "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
        "\tset bundle enable compression",
        "\tset ccp yes mppc",
        "\tset mppc yes compress",
        "\tcreate link static CU %s" % t,
        "\tset link action bundle CBU",
        "\tset auth authname %s" % CLI_NAME,
        "\tset auth password %s" % CLI_PASS,
        "\t" + TYPES[t][1] % VA,
        "\topen",
        ""])


@pytest.mark.parametrize("t", sorted(TYPES))
def test_bundle_moves_to_tun_after_mppc(lab, tty_lab, t):
    g, k = lab.guest, tty_lab
    g.write(k["dir"] + "/s/mpd.conf", server_conf(t))
    g.write(k["dir"] + "/c/mpd.conf", client_conf(t))
    # one log pair per link type: the daemon appends, and the fixture's
    # directory outlives a parameter
    slog = "%s/s-%s.log" % (k["dir"], t)
    clog = "%s/c-%s.log" % (k["dir"], t)
    spawn_mpd(g, k, "s", "server", slog, listeners=1)
    spawn_mpd(g, k, "c", "client", clog, k["ns"])

    def logs():
        return "---- client ----\n%s\n---- server ----\n%s" % (
            g.read(clog)[-3000:], g.read(slog)[-4000:])

    def moved():
        m = re.search(r"\[(BU-\d+)\] IFACE: MPPC negotiated: (ng\d+) moves "
                      r"to the tun data plane", g.read(slog))
        return m.groups() if m else None
    bname, ifname = wait_for(moved, GUEST_TIMEOUT * 2, "the move to tun",
                             interval=1.0)

    def addr():
        _, out = g.run("ip -n %s -4 -o addr show dev ng0 2>/dev/null"
                       % k["ns"])
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None
    try:
        local, peer = wait_for(addr, GUEST_TIMEOUT, "client ng0 up",
                               interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    assert re.search(TYPES[t][2], g.read(slog)), logs()
    assert ppp_links(g) == [], g.run("ip -d link")[1]
    out = console(g, SRV_PORT, ["bundle " + bname, "show iface"])
    assert "\tData plane      : tun (MPPC negotiated)\r\n" in out, out
    try:
        guest_ping(g, peer, k["ns"])
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    out = console(g, SRV_PORT, ["bundle " + bname, "show ccp"])
    assert "MPPC" in out, out
