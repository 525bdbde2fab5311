"""
PPPoE interop (RFC 2516) between mpd5 and Linux's own PPP stack.

  pppd_client_*   pppd + rp-pppoe.so (kernel-mode PPPoE) in the guest
                  dials mpd5's access concentrator on the host (tun
                  backend, on the tap that is the guest's eth0 wire);
  mpd5_client_*   mpd5's PPPoE client on the host dials pppoe-server in
                  the guest (pppd behind Debian's user-space pppoe helper).

Each case authenticates with one of PAP, CHAP-MD5, MS-CHAPv2 (the side
that serves requires it; pppd's debug log shows what was negotiated),
checks LCP echo both ways (pppd's lcp-echo-interval against mpd5's
answers, mpd5's keep-alive against pppd's), pings both ways, moves a TCP
stream with a sha256 at both ends, then ends the session from one side
and finds that side's PADT on the wire; tshark decodes every discovery
and session frame of the case with no malformed field.
"""

import os
import re
import socket
import threading

import pytest

from conftest import (CLI_NAME, CLI_PASS, GUEST_MAC, GUEST_TIMEOUT,
                      in_netns, run, startup_conf, wait_for)
import xfer

SRV_ADDR = "10.77.0.1"              # mpd5 server's end
POOL = ("10.77.0.10", "10.77.0.20")
GSRV_ADDR = "10.78.0.1"             # pppoe-server's end (guest)
GPOOL = "10.78.0.10"
XFER_BYTES = 512 * 1024
XFER_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xfer.py")

AUTH_LINE = {"pap": "set link enable pap",
             "chap-md5": "set link enable chap-md5",
             "chap-msv2": "set link enable chap-msv2"}
# what pppd's debug log prints in the LCP option of that protocol
PPPD_AUTH = {"pap": "<auth pap>", "chap-md5": "<auth chap MD5>",
             "chap-msv2": "<auth chap MS-v2>"}
PPPD_REQUIRE = {"pap": "require-pap", "chap-md5": "require-chap",
                "chap-msv2": "require-mschap-v2"}


def server_conf(tap, auth):
    lines = ["server:",
             "set ippool add pool1 %s %s" % POOL,
             "create bundle template B",
             "set ipcp ranges %s/32 ippool pool1" % SRV_ADDR,
             "create link template L pppoe",
             "set link action bundle B",
             AUTH_LINE[auth],
             "set link keep-alive 1 30",
             "set pppoe iface %s" % tap,
             'set pppoe service "*"',
             "set link enable incoming"]
    return startup_conf() + "\n\t".join(lines) + "\n"


def client_conf(tap):
    lines = ["client:",
             "create bundle static B",
             "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
             "create link static C pppoe",
             "set link action bundle B",
             "set link keep-alive 1 30",
             "set auth authname %s" % CLI_NAME,
             "set auth password %s" % CLI_PASS,
             "set pppoe iface %s" % tap,
             'set pppoe service ""',
             "open"]
    return startup_conf() + "\n\t".join(lines) + "\n"


def host_addrs(netns):
    """{ifname: (local, peer)} of the point-to-point interfaces."""
    _, out = run(["ip", "-n", netns, "-o", "-4", "addr", "show"])
    res = {}
    for m in re.finditer(r"^\d+:\s+(\S+)\s+inet ([\d.]+) peer ([\d.]+)", out,
                         re.M):
        res[m.group(1)] = (m.group(2), m.group(3))
    return res


def guest_ppp_addr(g, ifname="ppp0"):
    rc, out = g.run("ip -4 -o addr show dev %s 2>/dev/null" % ifname)
    m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
    return (m.group(1), m.group(2)) if m else None


def ping_host(netns, addr):
    def ok():
        rc, _ = run(["ip", "netns", "exec", netns, "ping", "-n", "-c", "2",
                     "-i", "0.3", "-W", "3", addr], timeout=30, check=False)
        return rc == 0
    wait_for(ok, GUEST_TIMEOUT / 2, "ping %s from the host" % addr,
             interval=0.5)


def ping_guest(g, addr):
    rc, out = g.run("ping -n -c 3 -i 0.3 -W 3 %s" % addr, timeout=40)
    assert rc == 0, "ping %s from the guest failed:\n%s" % (addr, out)


def host_receiver(netns, addr, port):
    """Listen in the lab namespace; the thread's result in res."""
    with in_netns(netns):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(GUEST_TIMEOUT)
    res = {}

    def body():
        try:
            c, _ = ls.accept()
            c.settimeout(GUEST_TIMEOUT)
            res["n"], res["sha"] = xfer.recv(c)
            c.close()
        except OSError as e:
            res["error"] = repr(e)
        finally:
            ls.close()
    t = threading.Thread(target=body, daemon=True)
    t.start()
    return t, res


def tcp_guest_to_host(lab, addr):
    """The guest sends XFER_BYTES to addr (a host address) over PPP."""
    port = 40000 + os.getpid() % 10000
    t, res = host_receiver(lab.netns, addr, port)
    rc, out = lab.guest.run("python3 %s send %s %d %d 60" % (
        XFER_PY, addr, port, XFER_BYTES), timeout=90)
    t.join(GUEST_TIMEOUT)
    assert rc == 0, "guest sender failed:\n" + out
    m = re.search(r"sent (\d+) (\w+)", out)
    assert m and int(m.group(1)) == XFER_BYTES, out
    assert res.get("n") == XFER_BYTES and res.get("sha") == m.group(2), (
        "host received %r, guest sent %s" % (res, out))


def tcp_host_to_guest(lab, addr, log="/tmp/xfer-recv.log"):
    """The host sends XFER_BYTES to addr (a guest address) over PPP."""
    g = lab.guest
    port = 41000 + os.getpid() % 10000
    g.run("rm -f %s" % log)
    pid = g.spawn("exec python3 %s recv %s %d 60" % (XFER_PY, addr, port),
                  log=log)
    try:
        wait_for(lambda: "listening" in g.read(log) or
                 g.status(pid) is not None, GUEST_TIMEOUT,
                 "guest receiver to listen", interval=0.3)
        with in_netns(lab.netns):
            c = socket.create_connection((addr, port), timeout=GUEST_TIMEOUT)
        n, sha = xfer.send(c, XFER_BYTES)
        c.close()
        wait_for(lambda: g.status(pid) is not None, GUEST_TIMEOUT,
                 "guest receiver to finish", interval=0.3)
        out = g.read(log)
        assert "recv %d %s" % (n, sha) in out, (
            "guest received %r, host sent %d %s" % (out, n, sha))
    finally:
        if g.status(pid) is None:
            g.kill(pid)


def pppd_log(lab, path):
    return lab.guest.read(path)


# --------------------------------------------------------------------------
# pppd (rp-pppoe.so) in the guest -> mpd5 access concentrator on the host
# --------------------------------------------------------------------------

@pytest.mark.parametrize("auth,closer", [("pap", "client"),
                                         ("chap-md5", "server"),
                                         ("chap-msv2", "client")])
def test_pppd_client_to_mpd5_server(lab, daemons, guest_procs, auth, closer):
    g = lab.guest
    cap = lab.capture("pppd-client-%s" % auth)
    srv = lab.daemon("srv-%s" % auth, server_conf(lab.tap, auth), "server",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(srv)
    srv.start()
    log = "/tmp/pppd-client-%s.log" % auth
    g.run("rm -f %s" % log)
    pid = g.spawn("exec pppd nodetach debug debug logfile %s plugin rp-pppoe.so "
                  "nic-eth0 user %s password %s noauth noipdefault "
                  "nodefaultroute persist maxfail 1 holdoff 1 "
                  "lcp-echo-interval 3 lcp-echo-failure 10 "
                  "refuse-eap unit 0" % (log, CLI_NAME, CLI_PASS),
                  log=log + ".out")
    guest_procs.append(pid)

    def up():
        assert g.status(pid) is None, "pppd exited:\n" + g.read(log)
        return guest_ppp_addr(g)
    try:
        local, peer = wait_for(up, GUEST_TIMEOUT, "ppp0 up in the guest",
                               interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            e, g.read(log)[-4000:], srv.log_text()[-4000:]))
    assert peer == SRV_ADDR
    assert POOL[0] <= local <= POOL[1] and local.startswith("10.77.0.")
    ng = wait_for(lambda: host_addrs(lab.netns), GUEST_TIMEOUT,
                  "the server's ngN address")
    assert (SRV_ADDR, local) in ng.values(), ng

    text = pppd_log(lab, log)
    assert PPPD_AUTH[auth] in text, "pppd did not see %s:\n%s" % (
        PPPD_AUTH[auth], text[-3000:])
    assert re.search(r"(PAP|CHAP) authentication succeeded", text), text

    ping_guest(g, SRV_ADDR)
    ping_host(lab.netns, local)
    tcp_guest_to_host(lab, SRV_ADDR)

    # LCP echo both ways: pppd asks every 3 s, mpd5 answers; mpd5's
    # keep-alive (1 s) asks while the link is idle, pppd answers
    def echoes():
        t = pppd_log(lab, log)
        return ("rcvd [LCP EchoRep" in t and "rcvd [LCP EchoReq" in t
                and "sent [LCP EchoRep" in t)
    try:
        wait_for(echoes, 20, "LCP echoes both ways", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s" % (
            e, "\n".join(l for l in pppd_log(lab, log).splitlines()
                         if "LCP" in l)[-3000:]))

    link = srv.wait_log(r"\[(L-\d+)\] Link: Join bundle").group(1)
    if closer == "client":
        # pppd: LCP Terminate-Request; mpd5 acks it, and as the access
        # concentrator ends the PPPoE session with its PADT (pppd's
        # plugin sends none once the session has been terminated)
        g.kill(pid)
        srv.wait_log(r"\[%s\] Link: DOWN event" % link)
        assert "sent [LCP TermReq" in pppd_log(lab, log)
        m = srv.wait_log(r"PPPoE: (sent|received) PADT")
        expect = lab.tap_mac if m.group(1) == "sent" else GUEST_MAC
    else:
        srv.cmds("link %s" % link, "close")
        srv.wait_log(r"PPPoE: sent PADT")
        wait_for(lambda: "Connection terminated" in pppd_log(lab, log) or
                 "PADT" in pppd_log(lab, log), GUEST_TIMEOUT,
                 "pppd to see the session end", interval=0.5)
        expect = lab.tap_mac
    wait_for(lambda: not host_addrs(lab.netns), GUEST_TIMEOUT,
             "the server's ngN to go")
    g.kill(pid)
    srcs = cap.padt_sources()
    assert expect in srcs, "no PADT from the %s (%s); PADTs from %r\n%s" % (
        closer, expect, srcs, cap.summary())
    cap.assert_clean()


# --------------------------------------------------------------------------
# mpd5 PPPoE client on the host -> pppoe-server (+ pppd) in the guest
# --------------------------------------------------------------------------

@pytest.mark.parametrize("auth,closer", [("pap", "server"),
                                         ("chap-md5", "client"),
                                         ("chap-msv2", "server")])
def test_mpd5_client_to_pppoe_server(lab, daemons, guest_procs, auth,
                                     closer):
    g = lab.guest
    cap = lab.capture("mpd5-client-%s" % auth)
    log = "/tmp/pppoe-srv-%s.log" % auth
    opts = "/tmp/pppoe-srv-%s.options" % auth
    pidf = "/tmp/pppoe-srv-%s.pid" % auth
    g.write(opts, "\n".join([PPPD_REQUIRE[auth], "debug", "debug", "logfile " + log,
                             "lcp-echo-interval 3", "lcp-echo-failure 10",
                             "nodefaultroute", "noproxyarp", ""]))
    g.run("rm -f %s %s" % (log, pidf))
    rc, out = g.run("pppoe-server -I eth0 -L %s -R %s -N 2 -O %s -X %s "
                    "</dev/null >/dev/null 2>&1" % (
                        GSRV_ADDR, GPOOL, opts, pidf), timeout=30)
    assert rc == 0, out
    rc, out = g.run("for i in $(seq 50); do [ -s %s ] && break; sleep 0.2; "
                    "done; head -n 1 %s" % (pidf, pidf))
    srv_pid = int(out.split()[0])
    guest_procs.append(srv_pid)

    cli = lab.daemon("cli-%s" % auth, client_conf(lab.tap), "client",
                     secret="%s %s\n" % (CLI_NAME, CLI_PASS))
    daemons.append(cli)
    cli.start()

    def up():
        for ifname, (local, peer) in host_addrs(lab.netns).items():
            if peer == GSRV_ADDR:
                return ifname, local
        return None
    try:
        ng, local = wait_for(up, GUEST_TIMEOUT, "the client's ngN up",
                             interval=0.3)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            e, g.read(log)[-4000:], cli.log_text()[-4000:]))
    assert local.startswith("10.78.0.")   # pppoe-server's -R pool
    text = g.read(log)
    assert PPPD_AUTH[auth] in text, "pppd did not ask for %s:\n%s" % (
        PPPD_AUTH[auth], text[-3000:])
    assert re.search(r"sent \[(PAP AuthAck|CHAP Success)", text), text[-3000:]

    ping_host(lab.netns, GSRV_ADDR)
    ping_guest(g, local)
    tcp_host_to_guest(lab, GSRV_ADDR)

    def echoes():
        t = pppd_log(lab, log)
        return ("rcvd [LCP EchoRep" in t and "rcvd [LCP EchoReq" in t
                and "sent [LCP EchoRep" in t)
    try:
        wait_for(echoes, 20, "LCP echoes both ways", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s" % (
            e, "\n".join(l for l in pppd_log(lab, log).splitlines()
                         if "LCP" in l)[-3000:]))

    if closer == "client":
        cli.cmds("link C", "close")
        cli.wait_log(r"PPPoE: sent PADT")
        wait_for(lambda: "Connection terminated" in g.read(log),
                 GUEST_TIMEOUT, "pppd to see the session end", interval=0.5)
        expect = lab.tap_mac
    else:
        # the session's pppd: /run/<its pppN>.pid
        rc, out = g.run("set -e; i=$(ip -o -4 addr show | awk '$4 == \"%s\""
                        " {print $2}'); kill $(head -n 1 /run/$i.pid)"
                        % GSRV_ADDR)
        assert rc == 0, out
        cli.wait_log(r"\[C\] Link: DOWN event")
        cli.wait_log(r"PPPoE: received PADT")
        expect = GUEST_MAC
    wait_for(lambda: GSRV_ADDR not in [p for _, p in
                                       host_addrs(lab.netns).values()],
             GUEST_TIMEOUT, "the client's ngN to lose its address")
    g.kill(srv_pid)
    srcs = cap.padt_sources()
    assert expect in srcs, "no PADT from the %s (%s); PADTs from %r\n%s" % (
        closer, expect, srcs, cap.summary())
    cap.assert_clean()

