"""
PPTP interop (RFC 2637): pptp-linux + pppd in the guest dial the mpd5
PNS on the host (tun backend), configured as the seed's PPTP VPN server
(/work/shared/seeds: the pptp_server section with its MPPE lines, the
addresses adapted to the lab: the pool must not cover the tunnel's own
192.0.2.0/24, or the client would route its GRE into its own tunnel).

pppd authenticates with MS-CHAPv2 and requires MPPE-128; mpd5 offers
`set mppc yes e40 e128 stateless`, so 128-bit stateless MPPE is what both
ends settle on (pppd's log, mpd5's `show ccp`).  The session pings both
ways and carries a TCP stream each way (sha256 at both ends) through the
encrypted tunnel; the client ends it (pptp's Call-Clear-Request).
tshark decodes every PPTP control and GRE frame with no malformed field,
and the GRE payload is CCP-encrypted (PPP 0x00fd).

The other way round, mpd5 as PAC dials pptpd + pppd in the guest with
the same MPPE lines, pings, sends a TCP stream and closes the call.
"""

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, startup_conf, wait_for
from lab_tunnel import (FilterCapture, host_addrs, host_peer_iface,
                        ping_guest, ping_host, show, tcp_guest_to_host,
                        tcp_host_to_guest, wait_guest_ppp)

HOST_IP = "192.0.2.1"               # the tap (scripts/lab/lab.py)
PNS_ADDR = "10.80.0.1"
POOL = ("10.80.0.50", "10.80.0.99")
UNIT = 4                            # the guest's ppp4


def pns_conf():
    # the seed's pptp_server section, addresses adapted
    lines = ["pptp_server:",
             "set ippool add VPNPOOL %s %s" % POOL,
             "create bundle template VPN",
             "set iface enable proxy-arp",
             "set iface idle 1800",
             "set iface enable tcpmssfix",
             "set ipcp yes vjcomp",
             "set ipcp ranges %s/32 ippool VPNPOOL" % PNS_ADDR,
             "set bundle enable compression",
             "set ccp yes mppc",
             "set mppc yes e40 e128 stateless",
             "create link template VPNLINK pptp",
             "set link action bundle VPN",
             "set link enable multilink",
             "set link yes acfcomp protocomp",
             "set link no pap chap eap",
             "set link enable chap-msv2",
             "set link keep-alive 10 60",
             "set pptp self %s" % HOST_IP,
             "set link enable incoming"]
    return startup_conf() + "\n\t".join(lines) + "\n"


def test_pptp_linux_to_mpd5_pns(lab, daemons, guest_procs):
    g = lab.guest
    cap = FilterCapture(lab, "pptp-pns", "tcp port 1723 or ip proto 47")
    srv = lab.daemon("pns", pns_conf(), "pptp_server",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(srv)
    srv.start()

    log, out = "/tmp/pptp-client.log", "/tmp/pptp-client.out"
    g.run("rm -f %s %s" % (log, out))
    pid = g.spawn(
        "exec pppd pty 'pptp %s --nolaunchpppd --loglevel 1' nodetach "
        "debug logfile %s name %s user %s password %s remotename PPTP "
        "noauth refuse-eap refuse-pap refuse-chap refuse-mschap "
        "require-mppe-128 nobsdcomp nodeflate noipdefault nodefaultroute "
        "persist maxfail 1 holdoff 1 unit %d" % (
            HOST_IP, log, CLI_NAME, CLI_NAME, CLI_PASS, UNIT), log=out)
    guest_procs.append(pid)

    def alive():
        assert g.status(pid) is None, "pppd exited:\n" + g.read(log) + \
            g.read(out)

    def logs():
        return "---- pppd ----\n%s\n%s\n---- mpd5 ----\n%s" % (
            g.read(log)[-3000:], g.read(out)[-2000:], srv.log_text()[-5000:])
    ifname = "ppp%d" % UNIT
    local, peer = wait_guest_ppp(g, ifname, alive, logs)
    assert peer == PNS_ADDR
    assert POOL[0] <= local <= POOL[1], local
    wait_for(lambda: host_peer_iface(lab.netns, local), GUEST_TIMEOUT,
             "the PNS's ngN")
    text = g.read(log)
    assert "<auth chap MS-v2>" in text, logs()
    assert "CHAP authentication succeeded" in text, logs()
    assert "MPPE 128-bit stateless compression enabled" in text, logs()
    bundle = srv.wait_log(r"Link: Join bundle \"(\S+)\"").group(1)
    ccp = show(srv, bundle, "ccp")
    assert "CCP [Opened]" in ccp, ccp
    assert "mppc (MPPE(128 bits), stateless)" in ccp, ccp

    ping_guest(g, PNS_ADDR)
    ping_host(lab.netns, local)
    tcp_guest_to_host(lab, PNS_ADDR)
    tcp_host_to_guest(lab, local, log="/tmp/pptp-xfer.log")

    link = srv.wait_log(r"\[(\S+)\] Link: Join bundle").group(1)
    # the client hangs up: SIGTERM to pppd and pptp (one process group);
    # pptp clears the call (Call-Clear-Request), pppd's LCP Terminate-
    # Request may be too late for the tunnel
    g.kill(pid)
    srv.wait_log(r"\[%s\] Link: DOWN event" % link)
    srv.wait_log(r"\[%s\] PPTP: call #\d+ (cleared|disconnected) by peer"
                 % link)
    wait_for(lambda: not host_addrs(lab.netns), GUEST_TIMEOUT,
             "the PNS's ngN to go")
    assert cap.count("pptp.control_message_type == 12") >= 1, \
        cap.tshark("-Y", "pptp")            # Call-Clear-Request
    assert cap.count("gre && ppp.protocol == 0x00fd") > 100, \
        cap.tshark("-q", "-z", "io,phs")
    cap.assert_clean()


# --------------------------------------------------------------------------
# mpd5 PAC on the host -> pptpd (+ pppd) in the guest
# --------------------------------------------------------------------------

GUEST_IP = "192.0.2.2"
GPNS_ADDR = "10.81.0.1"             # pptpd's localip
GPOOL = "10.81.0.10"                # pptpd's remoteip


def pac_conf():
    lines = ["pac:",
             "create bundle static B",
             "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
             "set bundle enable compression",
             "set ccp yes mppc",
             "set mppc yes e40 e128 stateless",
             "create link static C pptp",
             "set link action bundle B",
             "set auth authname %s" % CLI_NAME,
             "set auth password %s" % CLI_PASS,
             "set pptp self %s" % HOST_IP,
             "set pptp peer %s" % GUEST_IP,
             "open"]
    return startup_conf() + "\n\t".join(lines) + "\n"


def test_mpd5_pac_to_pptpd(lab, daemons, guest_procs):
    g = lab.guest
    cap = FilterCapture(lab, "pptp-pac", "tcp port 1723 or ip proto 47")
    log, out = "/tmp/pptpd-ppp.log", "/tmp/pptpd.out"
    conf, opts = "/tmp/pptpd.conf", "/tmp/pptpd.options"
    g.write(opts, "\n".join(["name pptpd", "require-mschap-v2",
                             "refuse-pap", "refuse-chap", "refuse-mschap",
                             "refuse-eap", "require-mppe-128", "nobsdcomp",
                             "nodeflate", "nodefaultroute", "noproxyarp",
                             "debug", "logfile " + log, ""]))
    g.write(conf, "option %s\nlocalip %s\nremoteip %s\n" % (
        opts, GPNS_ADDR, GPOOL))
    g.run("rm -f %s %s" % (log, out))
    pid = g.spawn("exec pptpd -f -c %s -l %s -p /tmp/pptpd.pid"
                  % (conf, GUEST_IP), log=out)
    guest_procs.append(pid)
    wait_for(lambda: g.run("ss -ltn | grep -q ':1723 '")[0] == 0,
             GUEST_TIMEOUT, "pptpd to listen", interval=0.3)

    cli = lab.daemon("pac", pac_conf(), "pac",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(cli)
    cli.start()

    def logs():
        return "---- pppd ----\n%s\n%s\n---- mpd5 ----\n%s" % (
            g.read(log)[-3000:], g.read(out)[-2000:], cli.log_text()[-5000:])
    try:
        ng, local = wait_for(lambda: host_peer_iface(lab.netns, GPNS_ADDR),
                             GUEST_TIMEOUT, "the PAC's ngN up", interval=0.3)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    assert local == GPOOL
    text = g.read(log)
    assert "<auth chap MS-v2>" in text, logs()
    assert "MPPE 128-bit stateless compression enabled" in text, logs()
    ccp = show(cli, "B", "ccp")
    assert "CCP [Opened]" in ccp, ccp
    assert "mppc (MPPE(128 bits), stateless)" in ccp, ccp

    ping_host(lab.netns, GPNS_ADDR)
    ping_guest(g, local)
    tcp_host_to_guest(lab, GPNS_ADDR, log="/tmp/pptpd-xfer.log")

    # the PAC closes: LCP Terminate, Call-Clear-Request ... pptpd's pppd
    # ends
    cli.cmds("link C", "close")
    cli.wait_log(r"\[C\] Link: DOWN event")
    wait_for(lambda: "Connection terminated" in g.read(log), GUEST_TIMEOUT,
             "pptpd's pppd to end", interval=0.5)
    wait_for(lambda: GPNS_ADDR not in [p for _, p in
                                       host_addrs(lab.netns).values()],
             GUEST_TIMEOUT, "the PAC's ngN to lose its address")
    g.kill(pid)
    assert cap.count("gre && ppp.protocol == 0x00fd") > 100, \
        cap.tshark("-q", "-z", "io,phs")
    cap.assert_clean()
