"""
CCP interop (RFC 1962) over PPPoE: pppd in the guest dials the mpd5
access concentrator on the host (tun backend) with compression on both
ends.

  deflate   pppd `deflate 15` (the kernel's ppp_deflate) against mpd5's
            `set ccp yes deflate` (RFC 1979, window 15 both ways); pppd
            over Debian's user-space pppoe client, as rp-pppoe.so turns
            Deflate off;
  mppe128   pppd + rp-pppoe.so `require-mppe-128` (the kernel's
            ppp_mppe) against the seed's `set mppc yes e40 e128
            stateless` with MS-CHAPv2 (RFC 3078/3079: 128-bit stateless).

pppd's log and mpd5's `show ccp` name the algorithm; ping both ways and
a TCP stream each way (sha256 at both ends) cross the compressor; the
session frames on the wire are CCP datagrams (PPP 0x00fd) and tshark
finds no malformed frame.
"""

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from lab_tunnel import (FilterCapture, host_addrs, host_peer_iface,
                        ping_guest, ping_host, show, tcp_guest_to_host,
                        tcp_host_to_guest, wait_guest_ppp)
from test_pppoe_interop import POOL, SRV_ADDR, server_conf

UNIT = 5                            # the guest's ppp5

# pppd's rp-pppoe.so plugin turns Deflate, BSD-Compress and VJ off (its
# check_options hook runs after the command line), so the Deflate case
# runs pppd over Debian's user-space pppoe client instead (a pty; the
# PPPoE framing is the same on the wire)
PPPOE_PLUGIN = "plugin rp-pppoe.so nic-eth0"
PPPOE_PTY = ("pty 'pppoe -I eth0' noaccomp default-asyncmap mtu 1492 "
             "mru 1492")

CASES = {
    # name: (auth, mpd5 bundle lines, pppd options, pppd's log line,
    #        mpd5's `show ccp` Proto)
    "deflate": ("pap", ["set bundle enable compression",
                        "set ccp yes deflate"],
                PPPOE_PTY + " deflate 15 nobsdcomp nopredictor1",
                "Deflate (15) compression enabled",
                "deflate (win 15)"),
    "mppe128": ("chap-msv2", ["set bundle enable compression",
                              "set ccp yes mppc",
                              "set mppc yes e40 e128 stateless"],
                PPPOE_PLUGIN + " require-mppe-128 nobsdcomp nodeflate",
                "MPPE 128-bit stateless compression enabled",
                "mppc (MPPE(128 bits), stateless)"),
}


def ccp_server_conf(tap, name):
    auth, bundle_lines, _, _, _ = CASES[name]
    conf = server_conf(tap, auth)
    extra = "".join("\t%s\n" % line for line in bundle_lines)
    return conf.replace("\tcreate link template L pppoe\n",
                        extra + "\tcreate link template L pppoe\n")


@pytest.mark.parametrize("name", sorted(CASES))
def test_pppd_ccp_over_pppoe(lab, daemons, guest_procs, name):
    auth, _, pppd_opts, pppd_line, proto = CASES[name]
    g = lab.guest
    cap = FilterCapture(lab, "ccp-%s" % name, "ether proto 0x8863 or "
                        "ether proto 0x8864")
    srv = lab.daemon("ccp-%s" % name, ccp_server_conf(lab.tap, name),
                     "server", secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(srv)
    srv.start()
    log = "/tmp/pppd-ccp-%s.log" % name
    g.run("rm -f %s" % log)
    pid = g.spawn("exec pppd nodetach debug logfile %s "
                  "user %s password %s noauth refuse-eap "
                  "noipdefault nodefaultroute novj %s unit %d"
                  % (log, CLI_NAME, CLI_PASS, pppd_opts, UNIT),
                  log=log + ".out")
    guest_procs.append(pid)

    def alive():
        assert g.status(pid) is None, "pppd exited:\n" + g.read(log)

    def logs():
        return "---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            g.read(log)[-4000:], srv.log_text()[-5000:])
    ifname = "ppp%d" % UNIT
    local, peer = wait_guest_ppp(g, ifname, alive, logs)
    assert peer == SRV_ADDR
    assert POOL[0] <= local <= POOL[1], local
    wait_for(lambda: host_peer_iface(lab.netns, local), GUEST_TIMEOUT,
             "the server's ngN")
    try:
        wait_for(lambda: pppd_line in g.read(log), GUEST_TIMEOUT,
                 "pppd: %s" % pppd_line, interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    bundle = srv.wait_log(r"Link: Join bundle \"(\S+)\"").group(1)

    def ccp_opened():
        out = show(srv, bundle, "ccp")
        return out if "CCP [Opened]" in out else None
    ccp = wait_for(ccp_opened, GUEST_TIMEOUT, "mpd5's CCP [Opened]",
                   interval=0.3)
    assert proto in ccp, ccp

    ping_guest(g, SRV_ADDR)
    ping_host(lab.netns, local)
    tcp_guest_to_host(lab, SRV_ADDR)
    tcp_host_to_guest(lab, local, log="/tmp/ccp-xfer-%s.log" % name)
    assert g.status(pid) is None, logs()
    g.kill(pid)
    srv.wait_log(r"Link: DOWN event")
    wait_for(lambda: not host_addrs(lab.netns), GUEST_TIMEOUT,
             "the server's ngN to go")
    assert cap.count("pppoes && ppp.protocol == 0x00fd") > 100, \
        cap.tshark("-q", "-z", "io,phs")
    cap.assert_clean()
