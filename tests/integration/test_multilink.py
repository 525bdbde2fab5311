"""
Multilink PPP (RFC 1990, issue 9) between two mpd5 daemons.

The lab of the seed "three-uplink UDP bundle" (seeds/004): ns a is the
receiver, ns b the gateway, joined by three veth pairs (three "ISPs"):

    ns a  10.233.1.1 vA1 <== veth ==> vB1 10.233.1.2  ns b
          10.233.2.1 vA2 <== veth ==> vB2 10.233.2.2
          10.233.3.1 vA3 <== veth ==> vB3 10.233.3.2

The gateway has three static udp links (one per uplink, multilink, MRRU
1500, CHAP) in one static bundle; the receiver has one link template per
uplink feeding bundle template B, so the first link creates B-n and the
others join it by endpoint discriminator + authname.  Where the test needs
it, each uplink is rate-limited with a tc tbf qdisc on the gateway side, or
a user-space relay in ns a sits in the paths (delays, loss, injection of
bad fragments).  A second lab bundles two PPPoE links on one veth for a
1500-byte MTU.
"""

import heapq
import os
import re
import select
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import SLOWDOWN, wait_for
from ppp_lab import (CLI_NAME, CLI_PASS, CLI_TUN, ERROR_SEVERITY, SRV_TUN,
                     SESSION_TIMEOUT, Capture, Lab, _require_root, ip,
                     ipcp_opened, nsexec, ns_socket, ping, ppp_frames,
                     startup_conf, tcp_transfer, tun_addrs, write_ppp_pcap)

N_UPLINKS = 3
PORT = 6671                     # the seed's ppp/udp port
RELAY_PORT = 6672
LINK_BW = 2000000               # bits/s of each rate-limited uplink


def up_srv(k):
    return "10.233.%d.1" % k


def up_cli(k):
    return "10.233.%d.2" % k


class MlLab(Lab):
    """Lab with N_UPLINKS veth pairs instead of one."""

    def setup(self):
        for ns in (self.ns_a, self.ns_b):
            if os.path.exists("/run/netns/" + ns):
                ip("netns", "del", ns, check=False)
        ip("netns", "add", self.ns_a)
        ip("netns", "add", self.ns_b)
        self._up = True
        for ns in (self.ns_a, self.ns_b):
            ip("-n", ns, "link", "set", "lo", "up")
            nsexec(ns, ["sysctl", "-q", "-w",
                        "net.unix.max_dgram_qlen=100000",
                        "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1"])
        for k in range(1, N_UPLINKS + 1):
            a, b = "vA%d" % k, "vB%d" % k
            ip("link", "add", "name", a, "netns", self.ns_a, "type", "veth",
               "peer", "name", b, "netns", self.ns_b)
            ip("-n", self.ns_a, "addr", "add", up_srv(k) + "/24", "dev", a)
            ip("-n", self.ns_b, "addr", "add", up_cli(k) + "/24", "dev", b)
            ip("-n", self.ns_a, "link", "set", a, "up")
            ip("-n", self.ns_b, "link", "set", b, "up")
        for k in range(1, N_UPLINKS + 1):
            wait_for(lambda: "LOWER_UP" in ip("-n", self.ns_b, "link", "show",
                                              "vB%d" % k), 5, "veth carrier")

    def uplink(self, k, up):
        ip("-n", self.ns_b, "link", "set", "vB%d" % k, "up" if up else "down")

    def shape(self, k, bps=LINK_BW):
        """tbf on the gateway's side of uplink k (the data direction)."""
        ip("-n", self.ns_b, "link", "show")    # namespace alive
        p = nsexec(self.ns_b, ["tc", "qdisc", "add", "dev", "vB%d" % k,
                               "root", "tbf", "rate", str(bps),
                               "burst", "4000", "latency", "60ms"])
        return p[0] == 0


@pytest.fixture
def ml_lab(tmp_path):
    _require_root()
    lab = MlLab(str(tmp_path))
    try:
        lab.setup()
        yield lab
    finally:
        errors = lab.teardown()
        assert not errors, errors


# --------------------------------------------------------------------------
# configurations
# --------------------------------------------------------------------------

def srv_conf(ports=None, link_extra=(), bundle_extra=(), static=False):
    """The receiver: one udp link template per uplink into bundle template B
    (static: into the one static bundle B)."""
    lines = ["server:",
             "create bundle %s B" % ("static" if static else "template"),
             "set ipcp ranges %s/32 %s/32" % (SRV_TUN, CLI_TUN)]
    lines += list(bundle_extra)
    for k in range(1, N_UPLINKS + 1):
        lines += ["create link template U%d udp" % k,
                  "set link action bundle B",
                  "set link enable multilink",
                  "set link mrru 1500",
                  "set link mtu 1400",
                  "set link mru 1400",
                  "set link bandwidth %d" % LINK_BW,
                  "set link enable chap",
                  "set link keep-alive 1 4"]
        lines += list(link_extra)
        lines += ["set udp self %s %d" % (up_srv(k),
                                          (ports or {}).get(k, PORT)),
                  "set link enable incoming"]
    return startup_conf(web=True) + "\n\t".join(lines) + "\n"


def cli_conf(peer_ports=None, link_extra=(), bundle_extra=(), bod=False,
             open_links=True, authnames=None, no_open=()):
    """The gateway: three static udp links (one per uplink), one bundle."""
    lines = ["client:",
             "create bundle static B",
             "set ipcp ranges 0.0.0.0/0 0.0.0.0/0"]
    if bod:
        lines.append("set bundle links " + " ".join(
            "L%d" % k for k in range(1, N_UPLINKS + 1)))
    lines += list(bundle_extra)
    for k in range(1, N_UPLINKS + 1):
        lines += ["create link static L%d udp" % k,
                  "set link action bundle B",
                  "set link enable multilink",
                  "set link mrru 1500",
                  "set link mtu 1400",
                  "set link mru 1400",
                  "set link bandwidth %d" % LINK_BW,
                  "set auth authname %s" % (authnames or {}).get(k, CLI_NAME),
                  "set auth password %s" % CLI_PASS,
                  "set link keep-alive 1 4"]
        if not bod:
            lines += ["set link max-redial 0", "set link redial-delay 1"]
        lines += list(link_extra)
        lines += ["set udp self %s" % up_cli(k),
                  "set udp peer %s %d" % (up_srv(k),
                                          (peer_ports or {}).get(k, PORT))]
        if open_links and not bod and k not in no_open:
            lines.append("open")
    return startup_conf(web=True) + "\n\t".join(lines) + "\n"


def start_pair(lab, srv_kw=None, cli_kw=None):
    srv = lab.daemon(lab.ns_a, "server", srv_conf(**(srv_kw or {})),
                     "%s %s\nother %s\n" % (CLI_NAME, CLI_PASS, CLI_PASS),
                     "server").start()
    cli = lab.daemon(lab.ns_b, "client", cli_conf(**(cli_kw or {})),
                     "", "client").start()
    return srv, cli


def joined_links(mpd, bundle):
    """Names of the links shown Opened/UP in `show bundle`."""
    try:
        out = mpd.show("bundle", "bundle " + bundle)
    except Exception:
        return []
    m = re.search(r"\tLinks          : (.*)\r\n", out)
    return re.findall(r"(\S+?)\[Opened/UP\]", m.group(1)) if m else []


def srv_bundle(srv):
    """The server's newest bundle instance whose IPCP went up."""
    m = re.findall(r"\[(B-\d+)\] IPCP: (?:state change \S+ --> Opened|"
                   r"LayerUp)", srv.log_text())
    return m[-1] if m else None


def wait_bundle(lab, srv, cli, n=N_UPLINKS, timeout=SESSION_TIMEOUT):
    """Both IPCPs up and n links joined on both sides; server bundle name."""
    def check():
        for d in (srv, cli):
            if d.exited():
                raise AssertionError("mpd5 in %s exited" % d.ns)
        b = srv_bundle(srv)
        return b if (b and ipcp_opened(cli, "B") and ipcp_opened(srv, b)
                     and len(joined_links(cli, "B")) == n
                     and len(joined_links(srv, b)) == n
                     and ng_ifs(lab.ns_a) and ng_ifs(lab.ns_b)) \
            else None
    try:
        return wait_for(check, timeout, "bundle of %d links" % n,
                        interval=0.1)
    except AssertionError as e:
        raise AssertionError("%s\n---- server ----\n%s\n---- client ----\n%s"
                             % (e, srv.log_text()[-5000:],
                                cli.log_text()[-5000:]))


def ng_ifs(ns):
    """The bundle interfaces (ngN) of namespace ns."""
    return {k: v for k, v in tun_addrs(ns).items() if k.startswith("ng")}


def bundle_stat(out, name):
    return int(re.search(r"\t%s\s*: (\d+)" % re.escape(name), out).group(1))


def link_frames(mpd, link):
    out = mpd.show("link", "link " + link)
    return bundle_stat(out, "Output frames"), bundle_stat(out, "Input frames")


MP_FIELDS = ["frame.number", "_ws.col.Protocol", "_ws.col.Info",
             "_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
             "mp.seq", "mp.sseq", "mp.first", "mp.last"]


def wire_check(path, frames, short):
    """
    tshark decodes every PPP frame (DLT_PPP pcap) without a malformed
    field or an expert error, with the MP sequence format in use; returns
    the rows of the MP frames.
    """
    write_ppp_pcap(path, frames)
    args = ["tshark", "-n", "-r", path, "-o",
            "mp.short_seqno:%s" % ("TRUE" if short else "FALSE"),
            "-o", "ip.check_checksum:TRUE", "-T", "fields",
            "-E", "separator=\x01", "-E", "occurrence=f"]
    for f in MP_FIELDS:
        args += ["-e", f]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    rows = [dict(zip(MP_FIELDS, line.split("\x01")))
            for line in p.stdout.decode("utf-8", "replace").splitlines()]
    assert len(rows) == len(frames)
    bad = [r for r in rows if r["_ws.malformed"] or
           any(x.isdigit() and int(x) >= ERROR_SEVERITY
               for x in r["_ws.expert.severity"].split(","))]
    assert not bad, bad[:5]
    mp = [r for r in rows if r["mp.seq"] or r["mp.sseq"]]
    assert mp, [(r["_ws.col.Protocol"], r["_ws.col.Info"]) for r in rows[-20:]]
    return mp


def if_mtu(ns, ifname):
    out = ip("-n", ns, "-o", "link", "show", "dev", ifname)
    return int(re.search(r" mtu (\d+) ", out).group(1))


# --------------------------------------------------------------------------
# three uplinks: negotiation, MTU from the MRRU, show output
# --------------------------------------------------------------------------

def test_three_uplinks_bundle(ml_lab):
    lab = ml_lab
    caps = [Capture(lab, lab.ns_a, "vA%d" % k, "udp port %d" % PORT,
                    os.path.join(lab.workdir, "wire%d.pcap" % k))
            for k in range(1, N_UPLINKS + 1)]
    srv, cli = start_pair(lab)
    b = wait_bundle(lab, srv, cli)
    # one bundle on each side; the MRRU gives the 1500-byte MTU although
    # every link has MRU 1400
    for ns in (lab.ns_a, lab.ns_b):
        ifs = ng_ifs(ns)
        assert len(ifs) == 1, ifs
        assert if_mtu(ns, list(ifs)[0]) == 1500
    out = srv.show("bundle", "bundle " + b)
    assert "\tStatus         : Active\r\n" in out, out
    assert "\tPeer MRRU      : 1500 bytes\r\n" in out, out
    assert '\tPeer auth name : "%s"\r\n' % CLI_NAME in out, out
    assert re.search(r"\tPeer discrimin\.: \[(802\.1|IP Address|Magic)\]",
                     out), out
    assert "\tAvail bandwidth: %d bits/sec\r\n" % (3 * LINK_BW) in out, out
    lcp = cli.show("lcp", "link L2")
    assert "\tMRRU     : 1500 bytes\r\n" in lcp, lcp
    assert "\tSHORTSEQ : Yes\r\n" in lcp, lcp
    assert "Link: Join bundle \"%s\"" % b in srv.log_text()
    # full-size packets both ways, fragmented over the links
    before = [link_frames(cli, "L%d" % k)[0] for k in (1, 2, 3)]
    for ns, dst in ((lab.ns_b, SRV_TUN), (lab.ns_a, CLI_TUN)):
        rc, txt = nsexec(ns, ["ping", "-n", "-c", "5", "-i", "0.2", "-W",
                              "2", "-M", "do", "-s", "1472", dst])
        assert rc == 0, txt
    after = [link_frames(cli, "L%d" % k)[0] for k in (1, 2, 3)]
    assert all(a - b_ >= 5 for a, b_ in zip(after, before)), (before, after)
    out = cli.show("bundle", "bundle B")
    assert bundle_stat(out, "Output frames") >= 5
    assert bundle_stat(out, "Drop fragments") == 0, out
    lk = cli.show("link", "link L1")
    assert "\tDup fragments  : " in lk and "\tDrop fragments : 0\r\n" in lk
    # round-robin: whole packets in turn over the links
    cli.cmds("bundle B", "set bundle enable round-robin")
    before = [link_frames(cli, "L%d" % k)[0] for k in (1, 2, 3)]
    rc, txt = nsexec(lab.ns_b, ["ping", "-n", "-c", "6", "-i", "0.2", "-W",
                                "2", "-s", "1000", SRV_TUN])
    assert rc == 0, txt
    after = [link_frames(cli, "L%d" % k)[0] for k in (1, 2, 3)]
    assert all(2 <= a - b_ <= 4 for a, b_ in zip(after, before)), \
        (before, after)
    # every frame on the three uplinks decodes (short sequence numbers)
    for cap in caps:
        cap.stop()
    # the three captures in time order (tshark reassembles MP by sequence)
    merged = os.path.join(lab.workdir, "wire.pcap")
    p = subprocess.run(["mergecap", "-F", "pcap", "-w", merged] +
                       [c.path for c in caps], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    assert p.returncode == 0, p.stdout
    fr, errs = ppp_frames(merged, PORT)
    assert fr and not errs, errs
    frames = [f for _, f in fr]
    mp = wire_check(os.path.join(lab.workdir, "wire.ppp"), frames,
                    short=True)
    # 1500-byte pings in two or more fragments: B and E on different frames
    assert any(r["mp.first"] == "1" and r["mp.last"] == "0" for r in mp)
    assert any(r["mp.first"] == "0" and r["mp.last"] == "1" for r in mp)


def test_join_needs_same_discriminator_and_authname(ml_lab):
    # uplink 3 logs in as another user: into the static bundle B that the
    # first two links of "foo" hold, it may not go (mpd5's BundJoin)
    lab = ml_lab
    srv, cli = start_pair(lab, srv_kw=dict(static=True),
                          cli_kw=dict(authnames={3: "other"}, no_open=(3,)))
    wait_for(lambda: len(joined_links(srv, "B")) == 2, SESSION_TIMEOUT,
             "two links of foo in B")
    cli.cmds("link L3", "open")
    srv.wait_log(r"\[U3-\d+\] Can't join bundle B with different peer "
                 r"discriminator/authname\.", timeout=SESSION_TIMEOUT)
    wait_for(lambda: len(joined_links(srv, "B")) == 2, SESSION_TIMEOUT,
             "two links of foo in B")
    out = srv.show("bundle", "bundle B")
    assert '\tPeer authname  : "%s"\r\n' % CLI_NAME in out, out
    ping(lab.ns_b, SRV_TUN)


# --------------------------------------------------------------------------
# throughput over rate-limited uplinks, an uplink dying and returning
# --------------------------------------------------------------------------

@pytest.mark.slow
def test_throughput_and_uplink_failure(ml_lab):
    lab = ml_lab
    if not all(lab.shape(k) for k in range(1, N_UPLINKS + 1)):
        pytest.skip("tc tbf is not available on this kernel")
    srv, cli = start_pair(lab)
    b = wait_bundle(lab, srv, cli)
    nbytes = 3 << 20
    sha_s, sha_r, n, dt = tcp_transfer(lab, nbytes, timeout=120 * SLOWDOWN)
    assert (sha_s, n) == (sha_r, nbytes)
    rate = n * 8 / dt
    print("multilink: %.2f Mbit/s over 3 x %.1f Mbit/s uplinks"
          % (rate / 1e6, LINK_BW / 1e6))
    # more than one link's worth (each uplink is limited to LINK_BW)
    assert rate > 1.25 * LINK_BW, "%.0f bit/s over %.1fs" % (rate, dt)
    out = [link_frames(cli, "L%d" % k)[0] for k in (1, 2, 3)]
    assert min(out) > 300, out

    # kill uplink 2 in the middle of a transfer: TCP survives
    result = {}

    def xfer():
        try:
            result["r"] = tcp_transfer(lab, 4 << 20, seed=2,
                                       timeout=180 * SLOWDOWN)
        except Exception as e:      # reported below
            result["e"] = e
    t = threading.Thread(target=xfer, daemon=True)
    t.start()
    time.sleep(2)
    lab.uplink(2, False)
    wait_for(lambda: len(joined_links(cli, "B")) == 2, 30 * SLOWDOWN,
             "uplink 2 to leave the bundle")
    t.join(200 * SLOWDOWN)
    assert not t.is_alive()
    assert "e" not in result, result.get("e")
    sha_s, sha_r, n, dt = result["r"]
    assert (sha_s, n) == (sha_r, 4 << 20)
    # the link comes back and rejoins the same bundle
    lab.uplink(2, True)
    lab.shape(2)
    wait_for(lambda: len(joined_links(cli, "B")) == 3 and
             len(joined_links(srv, b)) == 3, 60 * SLOWDOWN,
             "uplink 2 to rejoin")
    assert len(ng_ifs(lab.ns_a)) == 1
    before = link_frames(cli, "L2")[0]
    sha_s, sha_r, n, dt = tcp_transfer(lab, 1 << 20, seed=3)
    assert sha_s == sha_r
    assert link_frames(cli, "L2")[0] - before > 50


# --------------------------------------------------------------------------
# bandwidth on demand
# --------------------------------------------------------------------------

@pytest.mark.slow
def test_bod_raises_and_lowers_links(ml_lab):
    lab = ml_lab
    if not all(lab.shape(k) for k in range(1, N_UPLINKS + 1)):
        pytest.skip("tc tbf is not available on this kernel")
    srv, cli = start_pair(lab, cli_kw=dict(
        bod=True, bundle_extra=["set bundle enable bw-manage",
                                "set bundle period 6",
                                "set bundle hiwat 60",
                                "set bundle lowat 10",
                                "set bundle min-con 2",
                                "set bundle min-dis 2"]))
    cli.cmds("bundle B", "open bund")
    wait_bundle(lab, srv, cli, n=1)
    # load: more links come up
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                tcp_transfer(lab, 1 << 20, timeout=60 * SLOWDOWN)
            except Exception:
                time.sleep(0.5)
    t = threading.Thread(target=load, daemon=True)
    t.start()
    try:
        wait_for(lambda: len(joined_links(cli, "B")) >= 2, 40 * SLOWDOWN,
                 "BoD to open a second link")
        wait_for(lambda: len(joined_links(cli, "B")) == 3, 40 * SLOWDOWN,
                 "BoD to open the third link")
    finally:
        stop.set()
        t.join(90 * SLOWDOWN)
    assert "due to increased demand" in cli.log_text()
    # idle: links are closed again, down to one
    wait_for(lambda: len(joined_links(cli, "B")) == 1, 60 * SLOWDOWN,
             "BoD to close links when idle")
    assert "due to decreased demand" in cli.log_text()
    ping(lab.ns_b, SRV_TUN)
    # the last link dropping: an open bw-manage bundle re-opens in 3-4 s
    link = joined_links(cli, "B")[0]
    lab.uplink(int(link[1:]), False)
    cli.wait_log(r"\[B\] Bundle: Last link has gone, reopening in [34] "
                 r"seconds", timeout=30 * SLOWDOWN)
    lab.uplink(int(link[1:]), True)
    lab.shape(int(link[1:]))
    wait_bundle(lab, srv, cli, n=1, timeout=60 * SLOWDOWN)
    ping(lab.ns_b, SRV_TUN)


# --------------------------------------------------------------------------
# a relay in the paths: inter-link reordering, loss, bad fragments
# --------------------------------------------------------------------------

class Relay:
    """
    User-space UDP relay in ns a for each uplink: the gateway's link k
    sends to up_srv(k):RELAY_PORT, the relay forwards to the receiver's
    up_srv(k):PORT.  Gateway->receiver MP fragments of link k are delayed
    by delay[k] ms (inter-link reordering, per-link order kept) and those
    whose sequence number matches lose(k, seq) are dropped once `active`.
    It reassembles what it forwards to know which inner packets the
    receiver can get.
    """

    def __init__(self, lab, delay, lose):
        self.lab, self.delay, self.lose = lab, delay, lose
        self.active = False
        self.front, self.back, self.cli_addr = {}, {}, {}
        for k in range(1, N_UPLINKS + 1):
            self.front[k] = ns_socket(lab.ns_a, socket.AF_INET,
                                      socket.SOCK_DGRAM,
                                      bind=(up_srv(k), RELAY_PORT))
            self.back[k] = ns_socket(lab.ns_a, socket.AF_INET,
                                     socket.SOCK_DGRAM,
                                     connect=(up_srv(k), PORT))
            lab.sockets += [self.front[k], self.back[k]]
        self.frags = {}             # seq -> (flags, payload, forwarded)
        self.wire = []              # PPP frames both ways, for tshark
        self.heap = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    @staticmethod
    def mp_parse(d):
        """(seq, flags, payload) of a long-sequence MP frame, or None."""
        if d[:2] == b"\xff\x03":
            d = d[2:]
        if d[:1] == b"\x3d":
            d = d[1:]
        elif d[:2] == b"\x00\x3d":
            d = d[2:]
        else:
            return None
        if len(d) < 4:
            return None
        return (d[1] << 16 | d[2] << 8 | d[3]), d[0] & 0xc0, d[4:]

    def run(self):
        socks = {}
        for k in self.front:
            socks[self.front[k].fileno()] = ("f", k)
            socks[self.back[k].fileno()] = ("b", k)
        while not self.stop.is_set():
            now = time.monotonic()
            with self.lock:
                while self.heap and self.heap[0][0] <= now:
                    _, _, k, d = heapq.heappop(self.heap)
                    try:
                        self.back[k].send(d)
                    except OSError:
                        pass
                timeout = 0.01 if self.heap else 0.05
            r, _, _ = select.select(list(socks), [], [], timeout)
            for fd in r:
                kind, k = socks[fd]
                try:
                    if kind == "f":
                        d, a = self.front[k].recvfrom(4096)
                        self.cli_addr[k] = a
                        self.from_client(k, d)
                    else:
                        d = self.back[k].recv(4096)
                        if len(self.wire) < 20000:
                            self.wire.append(d)
                        if k in self.cli_addr:
                            self.front[k].sendto(d, self.cli_addr[k])
                except OSError:
                    pass

    def from_client(self, k, d):
        mp = self.mp_parse(d)
        fwd = True
        if len(self.wire) < 20000:
            self.wire.append(d)
        with self.lock:
            if mp is not None and self.active:
                seq, flags, payload = mp
                fwd = not self.lose(k, seq)
                self.frags[seq] = (flags, payload, fwd)
            if fwd:
                seq_no = len(self.heap)
                heapq.heappush(self.heap, (time.monotonic() +
                                           self.delay.get(k, 0) / 1000.0,
                                           seq_no, k, d))

    def inject(self, k, frame):
        self.back[k].send(frame)

    def deliverable(self, port):
        """Counters n of the test datagrams whose fragments all passed."""
        with self.lock:
            frags = dict(self.frags)
        out = set()
        seqs = sorted(frags)
        i = 0
        while i < len(seqs):
            s = seqs[i]
            if not frags[s][0] & 0x80:
                i += 1
                continue
            body, ok, j = b"", True, i
            while j < len(seqs) and seqs[j] == s + (j - i):
                f = frags[seqs[j]]
                if j > i and f[0] & 0x80:
                    break
                body += f[1]
                ok = ok and f[2]
                if f[0] & 0x40:
                    break
                j += 1
            else:
                ok = False
            if j >= len(seqs) or seqs[j] != s + (j - i) or \
                    not frags[seqs[j]][0] & 0x40:
                ok = False
            if ok:
                n = mpt_counter(body[2:] if body[:2] == b"\x00\x21"
                                 else body[1:], port)
                if n is not None:
                    out.add(n)
            i = j + 1 if j > i else i + 1
        return out

    def close(self):
        self.stop.set()
        self.th.join(5)


def mpt_counter(pkt, port):
    """n of an IPv4/UDP datagram to port carrying b'MPT' + n, else None."""
    if len(pkt) < 28 or pkt[0] >> 4 != 4:
        return None
    ihl = (pkt[0] & 15) * 4
    if pkt[9] != 17 or struct.unpack(">H", pkt[ihl + 2:ihl + 4])[0] != port:
        return None
    body = pkt[ihl + 8:]
    if body[:3] != b"MPT":
        return None
    return struct.unpack(">I", body[3:7])[0]


def relay_pair(lab, relay_kw):
    relay = Relay(lab, **relay_kw)
    ports = {k: RELAY_PORT for k in range(1, N_UPLINKS + 1)}
    long_seq = ["set link disable shortseq", "set link deny shortseq"]
    srv, cli = start_pair(lab, srv_kw=dict(link_extra=long_seq),
                          cli_kw=dict(peer_ports=ports, link_extra=long_seq))
    return relay, srv, cli


def send_counted(lab, port, count, sizes):
    """count datagrams MPT+n of varying sizes from ns b to SRV_TUN:port."""
    s = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_DGRAM)
    lab.sockets.append(s)
    for n in range(count):
        size = sizes[n % len(sizes)]
        s.sendto(b"MPT" + struct.pack(">I", n) + b"x" * (size - 7),
                 (SRV_TUN, port))
        if n % 10 == 9:
            time.sleep(0.01)


def test_reorder_and_loss_between_links(ml_lab):
    lab = ml_lab
    relay, srv, cli = relay_pair(lab, dict(
        delay={1: 40, 3: 15},
        lose=lambda k, seq: k == 2 and seq % 13 == 5))
    try:
        b = wait_bundle(lab, srv, cli)
        port = 32100
        rs = ns_socket(lab.ns_a, socket.AF_INET, socket.SOCK_DGRAM,
                       bind=(SRV_TUN, port))
        rs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        rs.settimeout(0.5)
        lab.sockets.append(rs)
        got = []

        def reader():
            idle = 0
            while idle < 6 * SLOWDOWN:
                try:
                    d = rs.recv(4096)
                except socket.timeout:
                    idle += 1
                    continue
                except OSError:
                    return
                idle = 0
                got.append(struct.unpack(">I", d[3:7])[0])
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        relay.active = True
        count = 600
        send_counted(lab, port, count, [100, 300, 700, 1200, 1472, 40])
        t.join(60 * SLOWDOWN)
        assert not t.is_alive()
        relay.active = False
        want = relay.deliverable(port)
        # in order, nothing twice, and every packet that arrived whole
        assert got == sorted(set(got)), got[:50]
        assert set(got) == want, (sorted(want - set(got))[:20],
                                  sorted(set(got) - want)[:20])
        assert count * 0.5 < len(got) < count, len(got)
        out = srv.show("bundle", "bundle " + b)
        assert bundle_stat(out, "Drop fragments") > 0, out
        # memory bounded: nothing left queued once the traffic stopped
        mem = srv.cmds("show mem")
        m = re.search(r"\n\s*mpfrag\s+(\d+)", mem)
        assert m is None or int(m.group(1)) <= 256, mem
        ping(lab.ns_b, SRV_TUN)
        # every frame both ways decodes (long sequence numbers)
        wire_check(os.path.join(lab.workdir, "relay.pcap"),
                   list(relay.wire), short=False)
    finally:
        relay.close()


def test_bad_fragments_dropped_and_counted(ml_lab):
    lab = ml_lab
    relay, srv, cli = relay_pair(lab, dict(delay={}, lose=lambda k, s: False))
    try:
        b = wait_bundle(lab, srv, cli)
        ping(lab.ns_b, SRV_TUN)
        relay.active = True
        ping(lab.ns_b, SRV_TUN, count=2)
        with relay.lock:
            last = max(relay.frags) if relay.frags else 0
        before = srv.show("bundle", "bundle " + b)

        def mp(flags, seq, payload):
            return (b"\xff\x03\x00\x3d" + bytes([flags]) +
                    struct.pack(">I", seq & 0xffffff)[1:] + payload)
        ipkt = b"\x00\x21" + b"\x45" + b"\x00" * 19
        frames = [
            mp(0xc0, last + 0x400000, ipkt),        # wild sequence number
            mp(0xc0, last + 20000, ipkt),           # beyond the window
            mp(0x40, last + 3, b"lone-E"),          # lone E
            mp(0x00, last + 4, b"lone-middle"),     # orphan
            mp(0x80, last + 5, b"lone-B"),          # B, then another B
            mp(0xc0, last + 6, ipkt),
        ]
        # oversized reassembly: 4 x 1000 bytes > MRRU 1500
        frames += [mp(0x80 if i == 0 else (0x40 if i == 3 else 0),
                      last + 7 + i, b"\x00\x21" + b"O" * 998)
                   for i in range(4)]
        frames += [b"\xff\x03\x00\x3d\x80", b"\xff\x03\x00\x3d"]  # runts
        for f in frames:
            relay.inject(2, f)
        wait_for(lambda: bundle_stat(srv.show("bundle", "bundle " + b),
                                     "Drop fragments") >=
                 bundle_stat(before, "Drop fragments") + 6, 10 * SLOWDOWN,
                 "drops counted")
        out = srv.show("bundle", "bundle " + b)
        assert bundle_stat(out, "Runts") >= bundle_stat(before, "Runts") + 2
        lk = srv.show("link", "link " + joined_links(srv, b)[0])
        assert "\tDrop fragments : " in lk
        # the session is unharmed
        relay.active = False
        ping(lab.ns_b, SRV_TUN)
        assert len(joined_links(srv, b)) == N_UPLINKS
        assert srv.alive() and cli.alive()
    finally:
        relay.close()


# --------------------------------------------------------------------------
# two PPPoE links bundled: 1500-byte MTU
# --------------------------------------------------------------------------

@pytest.fixture
def pppoe_lab(tmp_path):
    _require_root()
    lab = Lab(str(tmp_path))
    try:
        lab.setup()
        yield lab
    finally:
        errors = lab.teardown()
        assert not errors, errors


def test_pppoe_two_links_mtu_1500(pppoe_lab):
    lab = pppoe_lab
    srv_lines = ["server:",
                 "create bundle template B",
                 "set ipcp ranges %s/32 %s/32" % (SRV_TUN, CLI_TUN),
                 "create link template P pppoe",
                 "set link action bundle B",
                 "set link enable multilink",
                 "set link enable chap",
                 "set pppoe iface vA",
                 "set pppoe service \"*\"",
                 "set link enable incoming"]
    cli_lines = ["client:",
                 "create bundle static B",
                 "set ipcp ranges 0.0.0.0/0 0.0.0.0/0"]
    for k in (1, 2):
        cli_lines += ["create link static C%d pppoe" % k,
                      "set link action bundle B",
                      "set link enable multilink",
                      "set auth authname %s" % CLI_NAME,
                      "set auth password %s" % CLI_PASS,
                      "set pppoe iface vB",
                      "set pppoe service \"\"",
                      "open"]
    srv = lab.daemon(lab.ns_a, "server",
                     startup_conf(web=True) + "\n\t".join(srv_lines) + "\n",
                     "%s %s\n" % (CLI_NAME, CLI_PASS), "server").start()
    cli = lab.daemon(lab.ns_b, "client",
                     startup_conf(web=True) + "\n\t".join(cli_lines) + "\n",
                     "", "client").start()
    b = wait_bundle(lab, srv, cli, n=2)
    for ns in (lab.ns_a, lab.ns_b):
        ifs = ng_ifs(ns)
        assert len(ifs) == 1, ifs
        assert if_mtu(ns, list(ifs)[0]) == 1500
    lcp = cli.show("lcp", "link C1")
    assert "\tMRU      : 1492 bytes\r\n" in lcp, lcp
    for ns, dst in ((lab.ns_b, SRV_TUN), (lab.ns_a, CLI_TUN)):
        rc, txt = nsexec(ns, ["ping", "-n", "-c", "3", "-i", "0.2", "-W",
                              "2", "-M", "do", "-s", "1472", dst])
        assert rc == 0, txt
    out = srv.show("bundle", "bundle " + b)
    assert "\tStatus         : Active\r\n" in out, out
    assert "\tPeer MRRU      : 2048 bytes\r\n" in out, out
