"""
PPTP (RFC 2637) between mpd5 daemons in network namespaces (issue 5;
surface spec 4.6.3, 5.6, 10.3, 10.4, `show pptp`).

    ns a (server)  vA 10.231.0.1 <== veth ==> vB 10.231.0.2  ns b (client)
                                                 10.231.0.3  (rogue peer)

The server has a pptp link template with `set link enable incoming` on
`set pptp self 10.231.0.1 PORT` (TCP); the client has static pptp links
with `set pptp peer 10.231.0.1 PORT` and opens them.  By default the
client places Outgoing-Call-Requests (the PNS role, like the Microsoft
client); with `disable outcall` it places Incoming-Call-Requests (the
PAC role).  Sessions come up with CHAP-MD5 and MS-CHAPv2, carry ping and
TCP over enhanced GRE (userland, raw IPPROTO_GRE socket); several calls
share one control connection; teardown from either side (Call-Clear-
Request / Call-Disconnect-Notify); windowing and always-ack; a
user-space relay (TCP proxy + raw GRE forwarder) drops 5% of the GRE
packets each way and delays another 5% behind the next one.

Bad input: a rogue TCP peer sends truncated and malformed control
messages, a broken stream, calls before Start-Control-Connection, and
GRE packets for unknown call ids, while a real session keeps passing
ping.

Wire checks: tcpdump keeps the control connection and all GRE; tshark
decodes them (`-d tcp.port==PORT,pptp`) and no frame may be malformed or
carry an expert error.
"""

import os
import random
import re
import socket
import struct
import threading

from conftest import IO_TIMEOUT, SLOWDOWN, in_netns, wait_for
from ppp_lab import (BAD_IP, CLI_IP, CLI_NAME, CLI_PASS, SRV_IP, SRV_TUN,
                     SESSION_TIMEOUT, Capture, Config,
                     ipcp_opened, ns_socket, ping, tcp_transfer, tun_addrs,
                     ppp_lab)  # noqa: F401 (fixture)
from tunnel_lab import (TunnelCapture, multi_client_conf, show_tunnels,
                        start_on_default_port, wait_bundle_up)

MB = 1 << 20
TYPE = "pptp"


def pptp_cfg(auth="chap-md5", server_extra=(), client_extra=(), **kw):
    return Config(transport="pptp", auth=auth,
                  server_extra=list(server_extra) + ["log +phys2"],
                  client_extra=list(client_extra), **kw)


def pptp_client_conf(cfg, n, extra=()):
    return multi_client_conf("pptp", n, cfg.auth, (SRV_IP, cfg.port), extra)


def tunnels(mpd):
    return show_tunnels(mpd, "pptp", r"pptp\d+\t (\S+) (\d+) <=> "
                        r"(\S+) (\d+)\t(\S+)\t(\d+) calls\r\n")


def established(mpd):
    return [t for t in tunnels(mpd) if t[4] == "ESTABLISHED"]


FIELDS = ["frame.number", "ip.src", "pptp.control_message_type", "gre.key.call_id",
          "gre.sequence_number", "gre.ack_number", "ppp.protocol",
          "_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
          "_ws.col.Protocol", "_ws.col.Info"]


class PptpCapture(TunnelCapture):
    FIELDS = FIELDS

    def __init__(self, lab, port, name="pptp"):
        super().__init__(lab, port, name,
                         "(tcp port %d) or ip proto 47 or "
                         "(ip[6:2] & 0x1fff != 0)" % port,
                         "tcp.port==%d,pptp" % port)

    def ctrl_types(self):
        out = []
        for r in self.rows:
            out += [int(x, 0) for x in r["pptp.control_message_type"]]
        return out


def test_pptp_chap_ping_tcp_wire(ppp_lab):
    """Client (PNS, outcall) -> server, CHAP-MD5, ping + 1 MB TCP; tshark."""
    cfg = pptp_cfg()
    cap = PptpCapture(ppp_lab, cfg.port)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN)
    sent, got, n, _ = tcp_transfer(ppp_lab, MB)
    assert (sent, n) == (got, MB)
    t = established(s.server)
    assert len(t) == 1 and t[0][:2] == (SRV_IP, cfg.port) and \
        t[0][2] == CLI_IP and t[0][5] == 1, s.server.show("pptp")
    dev = s.server.show("device", "link " + s.srv_link)
    assert "\tIncoming     : YES\r\n" in dev, dev
    # the status page: device type, state and the peer's outer address
    page = s.server.get("/").text
    assert re.search(r">%s</a></td>\s*<td[^>]*><a[^>]*>UP</a></td>"
                     r"\s*<td[^>]*>%s</td>" % (TYPE, re.escape(CLI_IP)),
                     page), page
    assert "\tCurrent peer : %s, port " % CLI_IP in dev, dev
    s.client.cmds("link L", "close")
    s.server.wait_log(r"\[%s\] PPTP: call #\d+ cleared by peer"
                      % s.srv_link)
    cap.stop()
    cap.check()
    types = cap.ctrl_types()
    for t in (1, 2, 7, 8, 12, 13):
        assert t in types, (t, types)
    gre = [r for r in cap.rows if r["gre.key.call_id"]]
    assert gre and any(r["ppp.protocol"] for r in gre)


def test_pptp_pac_mschapv2_server_closes(ppp_lab):
    """`disable outcall`: ICRQ/ICRP/ICCN; MS-CHAPv2; server hangs up."""
    cfg = pptp_cfg(auth="chap-msv2",
                   client_extra=["set pptp disable outcall",
                                 "set pptp enable windowing always-ack",
                                 "set pptp callingnum 5550001"])
    cap = PptpCapture(ppp_lab, cfg.port)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN)
    sent, got, n, _ = tcp_transfer(ppp_lab, MB // 2)
    assert (sent, n) == (got, MB // 2)
    dev = s.server.show("device", "link " + s.srv_link)
    assert "\tCalling number: 5550001\r\n" in dev, dev
    s.server.cmds("link " + s.srv_link, "close")
    s.client.wait_log(r"\[L\] PPTP: call #\d+ cleared by peer")
    cap.stop()
    cap.check()
    types = cap.ctrl_types()
    for t in (9, 10, 11, 12, 13):
        assert t in types, (t, types)
    assert 7 not in types


def test_pptp_many_calls_one_connection(ppp_lab):
    n = 5
    cfg = pptp_cfg(addr="ippool",
                   server_extra=["set pptp disable delayed-ack"])
    srv = ppp_lab.start_server(cfg)
    cli = ppp_lab.daemon(ppp_lab.ns_b, "client", pptp_client_conf(cfg, n),
                         cfg.client_secret(), "client").start()
    for i in range(n):
        wait_bundle_up(cli, "B%d" % i, others=(srv,))
    t = established(srv)
    assert len(t) == 1 and t[0][5] == n, srv.show("pptp")
    ping(ppp_lab.ns_b, SRV_TUN)
    cli.cmds("link L0", "close")
    wait_for(lambda: established(srv) and established(srv)[0][5] == n - 1,
             IO_TIMEOUT, "n-1 calls")
    ping(ppp_lab.ns_b, SRV_TUN)


def pmsg(t, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, 0x1a2b3c4d, t, 0) + body


SCCRQ = pmsg(1, struct.pack("!HHIIHH", 0x100, 0, 1, 1, 0, 0x101) +
             b"rogue".ljust(64, b"\0") + b"x".ljust(64, b"\0"))


def ocrq(cid):
    return pmsg(7, struct.pack("!HHIIIIHHHH", cid, 1, 300, 10000000, 3, 3,
                               64, 0, 0, 0) + bytes(128))


def test_pptp_bad_input(ppp_lab):
    """Bad control streams and stray GRE beside a live session."""
    cfg = pptp_cfg()
    cap = PptpCapture(ppp_lab, cfg.port)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN)
    target = (SRV_IP, cfg.port)

    def rogue(data):
        c = ns_socket(ppp_lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                      bind=(BAD_IP, 0), connect=target, timeout=5)
        ppp_lab.sockets.append(c)
        c.sendall(data)
        return c

    # truncated message then EOF; bad magic; bad length; a call before
    # the start; an unknown type; garbage
    cases = [SCCRQ[:40], SCCRQ[:4] + b"\0\0\0\0" + SCCRQ[8:],
             struct.pack("!HHI", 4, 1, 0x1a2b3c4d) + b"\0" * 8,
             ocrq(5), pmsg(99, b"\0" * 4), os.urandom(300)]
    socks = []
    for d in cases:
        try:
            c = rogue(d)
            c.shutdown(socket.SHUT_WR)
        except OSError:
            continue            # the server was quicker to hang up
        socks.append(c)
    for c in socks:
        c.settimeout(5 * SLOWDOWN)
        try:
            while c.recv(4096):
                pass
        except OSError:
            pass
    # a proper start, then a message with the wrong length for its type
    c = rogue(SCCRQ)
    c.settimeout(5 * SLOWDOWN)
    hdr = c.recv(156)
    assert len(hdr) >= 12 and struct.unpack("!H", hdr[8:10])[0] == 2
    c.sendall(pmsg(7, b"\0" * 20))       # OCRQ of 32 bytes
    # GRE for unknown call ids, and malformed GRE, from the rogue address
    with in_netns(ppp_lab.ns_b):
        g = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
    ppp_lab.sockets.append(g)
    g.bind((BAD_IP, 0))
    for cid in (0, 1, 0xffff):
        g.sendto(struct.pack("!BBHHHI", 0x30, 0x01, 0x880b, 4, cid, 1) +
                 b"\xff\x03\xc0\x21", (SRV_IP, 0))
    g.sendto(b"\x30\x01\x88\x0b\x00\xff\x00\x01", (SRV_IP, 0))
    g.sendto(b"\x00", (SRV_IP, 0))
    # a connection flood that never says anything: bounded, harmless
    flood = []
    for i in range(100):
        try:
            f = ns_socket(ppp_lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                          bind=(BAD_IP, 0), connect=target, timeout=5)
        except OSError:
            continue
        ppp_lab.sockets.append(f)
        flood.append(f)
    wait_for(lambda: "too many connections in set-up" in
             s.server.log_text(), IO_TIMEOUT, "the set-up cap")
    assert len([t for t in tunnels(s.server) if t[4] == "IDLE"]) <= 64
    ping(ppp_lab.ns_b, SRV_TUN)
    log = s.server.log_text()
    for what in ("bad control stream", "truncated control message",
                 "malformed control message dropped",
                 "before the connection is up"):
        assert what in log, what
    assert s.server.alive()
    assert ipcp_opened(s.client, "B")
    assert any(t[2] == CLI_IP and t[5] == 1 for t in established(s.server))
    # whatever the server answered decodes cleanly
    cap.check(only_from=SRV_IP)


def test_pptp_idle_connection_stops_and_limit(ppp_lab):
    """pptplimit 1: two calls, two connections; idle ones stop (pptptimeout)."""
    cfg = pptp_cfg(addr="ippool")
    srv = ppp_lab.start_server(cfg)
    cli = ppp_lab.daemon(ppp_lab.ns_b, "client", pptp_client_conf(cfg, 0),
                         cfg.client_secret(), "client").start()
    cli.cmds("set global pptplimit 1", "set global pptptimeout 1")
    for i in range(2):
        cli.cmds("create bundle static B%d" % i,
                 "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
                 "create link static L%d pptp" % i,
                 "set link action bundle B%d" % i,
                 "set auth authname %s" % CLI_NAME,
                 "set auth password %s" % CLI_PASS,
                 "set pptp self %s" % CLI_IP,
                 "set pptp peer %s %d" % (SRV_IP, cfg.port),
                 "open")
    for i in range(2):
        wait_bundle_up(cli, "B%d" % i, others=(srv,))
    assert sorted(t[5] for t in established(cli)) == [1, 1], \
        cli.show("pptp")
    cli.cmds("link L0", "close", "link L1", "close")
    wait_for(lambda: not tunnels(cli) and not tunnels(srv), IO_TIMEOUT + 10,
             "both control connections gone")


def test_pptp_default_port(ppp_lab):
    """No ports configured: the server listens on 1723."""
    srv, cli = start_on_default_port(ppp_lab, pptp_cfg(), "pptp", 1723)
    wait_bundle_up(cli, "B", others=(srv,))
    assert established(srv)[0][:2] == (SRV_IP, 1723)
    ping(ppp_lab.ns_b, SRV_TUN)


def test_pptp_daemon_exit_stops_connection(ppp_lab):
    """The client daemon exits: Stop-Control-Connection-Request first."""
    s = ppp_lab.session(pptp_cfg())
    s.client.stop()
    s.server.wait_log(r"recv StopCtrlConnRequest")
    wait_for(lambda: not tunnels(s.server), IO_TIMEOUT, "connection gone")


class GreRelay:
    """
    A user-space PPTP relay in ns b at BAD_IP: the control connection is
    proxied as is (TCP is reliable anyway); GRE is forwarded by a raw
    socket with loss and reordering in each direction.  The client talks
    to BAD_IP, the server sees BAD_IP as its peer.
    """

    def __init__(self, lab, target, loss=0.05, reorder=0.05, seed=11):
        self.lab, self.target = lab, target
        self.loss, self.reorder = loss, reorder
        self.rnd = random.Random(seed)
        self.stats = {"fwd": 0, "lost": 0, "reordered": 0}
        self.stop_flag = False
        self.lsock = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                               bind=(BAD_IP, 0))
        self.lsock.listen(4)
        self.lsock.settimeout(0.2)
        self.port = self.lsock.getsockname()[1]
        with in_netns(lab.ns_b):
            self.gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        self.gre.bind((BAD_IP, 0))
        self.gre.settimeout(0.2)
        lab.sockets += [self.lsock, self.gre]
        self.threads = [threading.Thread(target=self.accept_loop,
                                         daemon=True),
                        threading.Thread(target=self.gre_loop, daemon=True)]
        for t in self.threads:
            t.start()

    def pump(self, a, b):
        try:
            while not self.stop_flag:
                try:
                    d = a.recv(65536)
                except socket.timeout:
                    continue
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def accept_loop(self):
        while not self.stop_flag:
            try:
                c, _ = self.lsock.accept()
            except (socket.timeout, OSError):
                continue
            u = ns_socket(self.lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                          bind=(BAD_IP, 0), connect=self.target)
            c.settimeout(0.2)
            u.settimeout(0.2)
            self.lab.sockets += [c, u]
            for x, y in ((c, u), (u, c)):
                threading.Thread(target=self.pump, args=(x, y),
                                 daemon=True).start()

    def gre_loop(self):
        held = {}
        while not self.stop_flag:
            try:
                pkt = self.gre.recv(65536)
            except (socket.timeout, OSError):
                continue
            ihl = (pkt[0] & 0x0f) * 4
            src = socket.inet_ntoa(pkt[12:16])
            if src == CLI_IP:
                dst = SRV_IP
            elif src == SRV_IP:
                dst = CLI_IP
            else:
                continue            # our own forwarded packets
            payload = pkt[ihl:]
            x = self.rnd.random()
            if x < self.loss:
                self.stats["lost"] += 1
                continue
            if x < self.loss + self.reorder and dst not in held:
                held[dst] = payload
                self.stats["reordered"] += 1
                continue
            try:
                self.gre.sendto(payload, (dst, 0))
                if dst in held:
                    self.gre.sendto(held.pop(dst), (dst, 0))
            except OSError:
                pass
            self.stats["fwd"] += 1

    def close(self):
        self.stop_flag = True
        for t in self.threads:
            t.join(2)


def test_pptp_lossy_gre_relay(ppp_lab):
    """5% GRE loss + 5% reordering each way: the call and TCP survive."""
    cfg = pptp_cfg()
    relay = GreRelay(ppp_lab, (SRV_IP, cfg.port))
    try:
        conf = cfg.client_conf().replace(
            "set pptp peer %s %d" % (SRV_IP, cfg.port),
            "set pptp peer %s %d" % (BAD_IP, relay.port))
        srv = ppp_lab.start_server(cfg)
        cli = ppp_lab.daemon(ppp_lab.ns_b, "client", conf,
                             cfg.client_secret(), "client").start()
        wait_bundle_up(cli, "B", others=(srv,), timeout=SESSION_TIMEOUT * 3)
        # the server's side of the bundle has its address too
        wait_for(lambda: SRV_TUN in str(tun_addrs(ppp_lab.ns_a)),
                 SESSION_TIMEOUT, "server tunnel address")
        sent, got, n, _ = tcp_transfer(ppp_lab, MB // 4, timeout=120)
        assert (sent, n) == (got, MB // 4)
        assert relay.stats["lost"] > 0 and relay.stats["reordered"] > 0
        assert established(srv)[0][2] == BAD_IP
    finally:
        relay.close()
