"""
L2TPv2 interop (RFC 2661): xl2tpd + pppd in the guest as LAC dial the
mpd5 LNS on the host (tun backend; `set l2tp self` on the tap's address).

The tunnel is authenticated with a shared secret (xl2tpd's `challenge`,
mpd5's `set l2tp secret`); in the MS-CHAPv2 case mpd5 hides its AVPs
(`set l2tp enable hidden`: xl2tpd must unhide them with the secret;
xl2tpd 1.3.18 itself sends none hidden, whatever its `hidden bit`); the
LNS requires CHAP-MD5 or MS-CHAPv2 from the LAC's pppd.  The session
comes up, pings both ways, carries a TCP stream each way with a sha256 at
both ends, and is torn down from one side: the LAC (xl2tpd's `d` control
command: StopCCN) or the LNS (`close` on the link: CDN).

The other way round, mpd5 as LAC dials xl2tpd + pppd as LNS in the guest
(tunnel secret, CHAP-MD5), pings, sends a TCP stream, closes the call
(CDN) and, with `set global l2tptimeout 2`, the idle tunnel (StopCCN).

tshark decodes every L2TP datagram with no malformed field.
"""

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, startup_conf, wait_for
from lab_tunnel import (FilterCapture, host_addrs, host_peer_iface,
                        ping_guest, ping_host, tcp_guest_to_host,
                        tcp_host_to_guest, wait_guest_ppp)

HOST_IP = "192.0.2.1"               # the tap (scripts/lab/lab.py)
LNS_ADDR = "10.79.0.1"
POOL = ("10.79.0.10", "10.79.0.20")
TUNNEL_SECRET = "l2tp-Interop5"
UNITS = {"chap-md5": 2, "chap-msv2": 3}    # the guest's pppN
AUTH_LINES = {"chap-md5": ["set link no pap chap eap",
                           "set link enable chap-md5"],
              "chap-msv2": ["set link no pap chap eap",
                            "set link enable chap-msv2"]}
PPPD_AUTH = {"chap-md5": "<auth chap MD5>", "chap-msv2": "<auth chap MS-v2>"}
HIDDEN = {"chap-md5": False, "chap-msv2": True}


def lns_conf(auth):
    lines = ["lns:",
             "set ippool add pool1 %s %s" % POOL,
             "create bundle template B",
             "set ipcp ranges %s/32 ippool pool1" % LNS_ADDR,
             "create link template L l2tp",
             "set link action bundle B"]
    lines += AUTH_LINES[auth]
    lines += ["set link keep-alive 10 60",
              "set l2tp self %s" % HOST_IP,
              "set l2tp secret %s" % TUNNEL_SECRET,
              "set l2tp hostname mpd5-lns"]
    if HIDDEN[auth]:
        lines.append("set l2tp enable hidden")
    lines.append("set link enable incoming")
    return startup_conf() + "\n\t".join(lines) + "\n"


def xl2tpd_conf(opts):
    return "\n".join([
        "[global]",
        "port = 1701",
        "access control = no",
        "",
        "[lac mpd]",
        "lns = %s" % HOST_IP,
        "autodial = yes",
        "redial = no",
        "challenge = yes",
        "require authentication = no",
        "hostname = guest-lac",
        "name = %s" % CLI_NAME,
        "length bit = yes",
        "ppp debug = yes",
        "pppoptfile = %s" % opts,
        ""])


def pppd_opts(log, unit):
    return "\n".join(["name %s" % CLI_NAME, "user %s" % CLI_NAME,
                      "password %s" % CLI_PASS, "noauth", "refuse-eap",
                      "refuse-pap", "noipdefault", "nodefaultroute",
                      "noccp", "debug", "logfile %s" % log,
                      "unit %d" % unit, ""])


@pytest.mark.parametrize("auth,closer", [("chap-md5", "lac"),
                                         ("chap-msv2", "lns")])
def test_xl2tpd_lac_to_mpd5_lns(lab, daemons, guest_procs, auth, closer):
    g = lab.guest
    cap = FilterCapture(lab, "l2tp-%s" % auth, "udp port 1701")
    srv = lab.daemon("lns-%s" % auth, lns_conf(auth), "lns",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(srv)
    srv.start()

    base = "/tmp/xl2tpd-%s" % auth
    log, opts, conf = base + ".pppd.log", base + ".options", base + ".conf"
    ctl, xlog = base + ".control", base + ".log"
    g.write(opts, pppd_opts(log, UNITS[auth]))
    g.write(conf, xl2tpd_conf(opts))
    # the tunnel secret: xl2tpd reads it from its l2tp-secrets file
    g.write("/etc/xl2tpd/l2tp-secrets", "* * %s\n" % TUNNEL_SECRET, 0o600)
    g.run("rm -f %s %s %s; mkdir -p /var/run/xl2tpd" % (log, ctl, xlog))
    pid = g.spawn("exec xl2tpd -D -c %s -C %s -p %s.pid" % (conf, ctl, base),
                  log=xlog)
    guest_procs.append(pid)

    def alive():
        assert g.status(pid) is None, "xl2tpd exited:\n" + g.read(xlog)

    def logs():
        return "---- xl2tpd ----\n%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" \
            % (g.read(xlog)[-3000:], g.read(log)[-3000:],
               srv.log_text()[-4000:])
    ifname = "ppp%d" % UNITS[auth]
    local, peer = wait_guest_ppp(g, ifname, alive, logs)
    assert peer == LNS_ADDR
    assert POOL[0] <= local <= POOL[1], local
    ng, _ = wait_for(lambda: host_peer_iface(lab.netns, local),
                     GUEST_TIMEOUT, "the LNS's ngN")
    text = g.read(log)
    assert PPPD_AUTH[auth] in text, logs()
    assert "CHAP authentication succeeded" in text, logs()
    srv.wait_log(r"L2TP: control connection .* established")

    ping_guest(g, LNS_ADDR)
    ping_host(lab.netns, local)
    tcp_guest_to_host(lab, LNS_ADDR)
    tcp_host_to_guest(lab, local, log=base + ".xfer")

    link = srv.wait_log(r"\[(L-\d+)\] Link: Join bundle").group(1)
    if closer == "lac":
        # xl2tpd tears the tunnel down: StopCCN, the session goes with it
        g.run("echo 'd mpd' > %s" % ctl)
        srv.wait_log(r"L2TP: control connection .* closed by peer")
        srv.wait_log(r"\[%s\] Link: DOWN event" % link)
        stop_type = 4
    else:
        srv.cmds("link %s" % link, "close")
        srv.wait_log(r"\[%s\] L2TP: call #\d+ terminated locally" % link)
        stop_type = 14              # CDN
    # pppd ends with its session: the unit goes away
    wait_for(lambda: not guest_link_exists(g, ifname), GUEST_TIMEOUT,
             "%s to go in the guest" % ifname, interval=0.5)
    wait_for(lambda: not host_addrs(lab.netns), GUEST_TIMEOUT,
             "the LNS's ngN to go")
    g.kill(pid)
    n = cap.count("l2tp.avp.message_type == %d" % stop_type)
    assert n >= 1, "no %s on the wire:\n%s" % (
        "StopCCN" if stop_type == 4 else "CDN", cap.tshark("-Y", "l2tp"))
    assert cap.count("l2tp.avp.message_type == 2") >= 1   # SCCRP (mpd5)
    if HIDDEN[auth]:
        # mpd5's hidden AVPs (SCCRP's Challenge Response ... ICRP)
        assert cap.count("ip.src == %s && l2tp.avp.hidden == 1"
                         % HOST_IP) >= 1, cap.tshark("-Y", "l2tp")
    cap.assert_clean()


def guest_link_exists(g, ifname):
    rc, _ = g.run("ip link show dev %s >/dev/null 2>&1" % ifname)
    return rc == 0


# --------------------------------------------------------------------------
# mpd5 LAC on the host -> xl2tpd + pppd as LNS in the guest
# --------------------------------------------------------------------------

GUEST_IP = "192.0.2.2"
GLNS_ADDR = "10.82.0.1"             # xl2tpd's local ip
GPOOL = ("10.82.0.10", "10.82.0.20")


def lac_conf():
    lines = ["lac:",
             # the tunnel closes 2 s after its last call (StopCCN)
             "set global l2tptimeout 2",
             "create bundle static B",
             "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
             "create link static C l2tp",
             "set link action bundle B",
             "set auth authname %s" % CLI_NAME,
             "set auth password %s" % CLI_PASS,
             "set l2tp self %s" % HOST_IP,
             "set l2tp peer %s" % GUEST_IP,
             "set l2tp secret %s" % TUNNEL_SECRET,
             "set l2tp hostname mpd5-lac",
             "open"]
    return startup_conf() + "\n\t".join(lines) + "\n"


def test_mpd5_lac_to_xl2tpd_lns(lab, daemons, guest_procs):
    """CHAP-MD5 (xl2tpd's `require chap`); mpd5 closes the call (CDN) and,
    with no call left, the tunnel (StopCCN)."""
    g = lab.guest
    cap = FilterCapture(lab, "l2tp-lac", "udp port 1701")
    base = "/tmp/xl2tpd-lns"
    log, opts, conf = base + ".pppd.log", base + ".options", base + ".conf"
    ctl, xlog = base + ".control", base + ".log"
    g.write(opts, "\n".join(["name xl2tpd-lns", "refuse-eap", "debug",
                             "logfile %s" % log, "nodefaultroute",
                             "noproxyarp", "noccp", "unit 6", ""]))
    g.write(conf, "\n".join([
        "[global]", "port = 1701", "access control = no", "",
        "[lns default]",
        "ip range = %s-%s" % GPOOL,
        "local ip = %s" % GLNS_ADDR,
        "challenge = yes",
        "require chap = yes",
        "refuse pap = yes",
        "require authentication = yes",
        "hostname = guest-lns",
        "name = xl2tpd-lns",
        "length bit = yes",
        "ppp debug = yes",
        "pppoptfile = %s" % opts, ""]))
    g.write("/etc/xl2tpd/l2tp-secrets", "* * %s\n" % TUNNEL_SECRET, 0o600)
    g.run("rm -f %s %s %s; mkdir -p /var/run/xl2tpd" % (log, ctl, xlog))
    pid = g.spawn("exec xl2tpd -D -c %s -C %s -p %s.pid" % (conf, ctl, base),
                  log=xlog)
    guest_procs.append(pid)
    wait_for(lambda: "Listening on IP address" in g.read(xlog),
             GUEST_TIMEOUT, "xl2tpd to listen", interval=0.3)

    cli = lab.daemon("lac", lac_conf(), "lac",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(cli)
    cli.start()

    def logs():
        return "---- xl2tpd ----\n%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" \
            % (g.read(xlog)[-3000:], g.read(log)[-3000:],
               cli.log_text()[-4000:])
    try:
        ng, local = wait_for(lambda: host_peer_iface(lab.netns, GLNS_ADDR),
                             GUEST_TIMEOUT, "the LAC's ngN up", interval=0.3)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    assert GPOOL[0] <= local <= GPOOL[1], local
    text = g.read(log)
    assert "<auth chap MD5>" in text, logs()
    assert "sent [CHAP Success" in text, logs()

    ping_host(lab.netns, GLNS_ADDR)
    ping_guest(g, local)
    tcp_host_to_guest(lab, GLNS_ADDR, log=base + ".xfer")

    cli.cmds("link C", "close")
    cli.wait_log(r"\[C\] L2TP: call #\d+ terminated locally")
    cli.wait_log(r"L2TP: closing control connection .*result 1")
    wait_for(lambda: "Connection terminated" in g.read(log), GUEST_TIMEOUT,
             "xl2tpd's pppd to end", interval=0.5)
    wait_for(lambda: GLNS_ADDR not in [p for _, p in
                                       host_addrs(lab.netns).values()],
             GUEST_TIMEOUT, "the LAC's ngN to lose its address")
    # xl2tpd acknowledges the StopCCN (a ZLB), then forgets the tunnel
    cap.stop()
    out = cap.tshark("-Y", "l2tp.avp.message_type == 4 || "
                     "l2tp.avp.message_type == 14", "-T", "fields",
                     "-e", "ip.src", "-e", "l2tp.avp.message_type")
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    assert [HOST_IP, "14"] in rows and [HOST_IP, "4"] in rows, out
    g.kill(pid)
    cap.assert_clean()
