"""
Bad input from a scripted PPP peer (issue 3; RFC 1661 sections 4, 5 and 6,
RFC 1332, RFC 1877; surface spec 11.2, 11.4).

A python peer on a second address of the client namespace talks to the
server's udp link template while a real session (client daemon) runs
beside it with a ping going.  The peer sends malformed, truncated,
repeated and contradictory LCP/IPCP options, unknown codes and protocols
and Configure-Request storms.  The daemon must answer per RFC
(Configure-Nak / Configure-Reject / Code-Reject / Protocol-Reject, silent
discard of invalid packets), keep the real session passing traffic, and
stay up; every frame it sends decodes cleanly in tshark.
"""

import os
import random
import re
import socket
import struct
import subprocess
import time

import pytest

from conftest import SLOWDOWN
from ppp_lab import (BAD_IP, DNS1, POOL_FIRST, SRV_IP, SRV_TUN, Config,
                     WireCapture, fcs16, first, hdlc_decode_one, ns_socket,
                     ping, ppp_lab)  # noqa: F401 (ppp_lab: fixture)

LCP, IPCP, PAP, CHAP = 0xC021, 0x8021, 0xC023, 0xC223
CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ = 1, 2, 3, 4
TERM_REQ, TERM_ACK, CODE_REJ, PROTO_REJ = 5, 6, 7, 8
ECHO_REQ, ECHO_REP, DISCARD_REQ = 9, 10, 11


# --------------------------------------------------------------------------
# a scripted peer
# --------------------------------------------------------------------------

def opt(t, value=b""):
    return bytes([t, 2 + len(value)]) + value


def cp_packet(code, ident, data=b"", length=None):
    n = 4 + len(data) if length is None else length
    return bytes([code, ident]) + struct.pack(">H", n) + data


def frame(proto, payload):
    return b"\xff\x03" + struct.pack(">H", proto) + payload


def parse_frame(b):
    if b[:2] == b"\xff\x03":
        b = b[2:]
    if not b:
        return None, b""
    if b[0] & 1:                           # compressed protocol field
        return b[0], b[1:]
    if len(b) < 2:
        return None, b""
    return b[0] << 8 | b[1], b[2:]


def parse_cp(data):
    if len(data) < 4:
        return None
    code, ident = data[0], data[1]
    n = struct.unpack(">H", data[2:4])[0]
    return code, ident, data[4:n]


def parse_opts(data):
    res, i = [], 0
    while i + 2 <= len(data):
        t, n = data[i], data[i + 1]
        if n < 2 or i + n > len(data):
            break
        res.append((t, data[i + 2:i + n]))
        i += n
    return res


class Peer:
    """A PPP peer on udp from BAD_IP:sport to the server's link template."""

    def __init__(self, lab, port, sport=0):
        self.sock = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_DGRAM,
                              bind=(BAD_IP, sport), connect=(SRV_IP, port))
        lab.sockets.append(self.sock)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.rx = []             # (proto, code, id, data) from the server
        self.server_creq = None  # last LCP Configure-Request of the server
        self.server_ipcp_creq = None

    def send(self, proto, payload):
        self.sock.send(frame(proto, payload))

    def send_raw(self, data):
        self.sock.send(data)

    def _poll(self, timeout):
        self.sock.settimeout(timeout)
        try:
            b = self.sock.recv(65536)
        except (socket.timeout, BlockingIOError):
            return None
        except ConnectionRefusedError:
            return None
        proto, rest = parse_frame(b)
        cp = parse_cp(rest) if proto in (LCP, IPCP, PAP, CHAP) else None
        item = (proto,) + (cp if cp else (None, None, rest))
        self.rx.append(item)
        if proto == LCP and cp and cp[0] == CONF_REQ:
            self.server_creq = cp
        if proto == IPCP and cp and cp[0] == CONF_REQ:
            self.server_ipcp_creq = cp
        return item

    def drain(self, quiet=0.2):
        while self._poll(quiet) is not None:
            pass

    def wait(self, pred, timeout=3.0):
        """First newly received (proto, code, id, data) matching pred."""
        deadline = time.monotonic() + timeout * SLOWDOWN
        while time.monotonic() < deadline:
            item = self._poll(max(0.01, deadline - time.monotonic()))
            if item is not None and pred(item):
                return item
        return None

    def reply(self, proto, ident, codes, timeout=3.0):
        return self.wait(lambda it: it[0] == proto and it[2] == ident
                         and it[1] in codes, timeout)

    def request(self, proto, ident, options, codes=(CONF_ACK, CONF_NAK,
                                                     CONF_REJ), timeout=3.0):
        self.send(proto, cp_packet(CONF_REQ, ident, options))
        return self.reply(proto, ident, codes, timeout)

    def seen(self, proto, ident, codes):
        return [it for it in self.rx if it[0] == proto and it[2] == ident
                and it[1] in codes]


# --------------------------------------------------------------------------
# the lab: server + real client session + pinger
# --------------------------------------------------------------------------

@pytest.fixture
def victim(ppp_lab):
    cfg = Config(addr="ippool", dns=True)
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN, count=1)
    out = open(os.path.join(ppp_lab.workdir, "ping.txt"), "wb")
    pinger = ppp_lab.popen(ppp_lab.ns_b, ["ping", "-n", "-i", "0.1", "-W",
                                          "1", SRV_TUN],
                           stdout=out, stderr=subprocess.STDOUT)
    s.wire, s.pinger, s.ping_out = wire, pinger, out
    return s


def finish(lab, s, min_pings=3):
    """Stop the pinger; the real session passed every ping; daemon fine."""
    time.sleep(0.3)                         # let the last replies arrive
    s.pinger.send_signal(2)                 # SIGINT: ping prints totals
    s.pinger.wait(10)
    s.ping_out.close()
    with open(s.ping_out.name) as f:
        text = f.read()
    m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
    assert m, text
    tx, rx = int(m.group(1)), int(m.group(2))
    assert tx >= min_pings, text
    assert rx >= tx - 1, "the real session lost pings:\n" + text[-2000:]
    assert s.server.alive() and s.client.alive()
    assert s.server.cmds("show version").startswith("MPD version: ")
    ping(lab.ns_b, SRV_TUN, count=2)
    # the real session is untouched
    out = s.server.show("ipcp", "bundle " + s.srv_bundle)
    assert "IPCP [Opened]" in out and "\tPeer: %s\r\n" % POOL_FIRST in out


def open_lcp(p, magic=b"\x11\x22\x33\x44", ident=200):
    """Bring LCP to Opened: Ack the server's request, get ours Acked."""
    if p.server_creq is None:
        assert p.wait(lambda it: it[0] == LCP and it[1] == CONF_REQ), \
            "server sent no LCP Configure-Request"
    r = p.request(LCP, ident, opt(1, b"\x05\xdc") + opt(5, magic),
                  codes=(CONF_ACK,))
    assert r, "sane Configure-Request not Acked: %r" % p.rx[-5:]
    c = p.server_creq
    p.send(LCP, cp_packet(CONF_ACK, c[1], c[2]))
    # LCP is Opened on the server when it answers an Echo-Request
    p.send(LCP, cp_packet(ECHO_REQ, 77, magic + b"hello"))
    r = p.reply(LCP, 77, (ECHO_REP,))
    assert r, "no Echo-Reply after LCP should be open: %r" % p.rx[-5:]
    return c


def acked(p, ident):
    """A sane request the server Acks (resets its Max-Failure counter:
    RFC 1661 4.6 counts Configure-Naks sent without an Ack between)."""
    r = p.request(LCP, ident, opt(1, b"\x05\xdc") +
                  opt(5, struct.pack(">I", 0x5A000000 + ident)))
    assert r and r[1] == CONF_ACK, r


def check_structure(wire):
    """
    Every LCP/IPCP packet the server sent has a consistent Length field,
    and the options of its Configure-Ack/Nak/Reject parse exactly (as
    TLVs) to the end of the packet.
    """
    bad = []
    for src, f in wire.frames:
        if src != SRV_IP:
            continue
        proto, rest = parse_frame(f)
        if proto not in (LCP, IPCP):
            continue
        if len(rest) < 4:
            bad.append(f.hex())
            continue
        n = struct.unpack(">H", rest[2:4])[0]
        if n < 4 or n > len(rest):
            bad.append(f.hex())
            continue
        if rest[0] in (CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ):
            i, data = 0, rest[4:n]
            while i + 2 <= len(data) and data[i + 1] >= 2:
                i += data[i + 1]
            if i != len(data):
                bad.append(f.hex())
    assert not bad, "badly formed packets from the server:\n" + "\n".join(
        bad[:20])


def is_reject(r):
    """A Configure-Reject (echoes the peer's options verbatim)."""
    return first(r, "ppp.protocol") in ("0xc021", "0x8021") and \
        first(r, "ppp.code") == "4"


def server_magic(creq):
    for t, v in parse_opts(creq[2]):
        if t == 5:
            return v
    return None


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------

def test_lcp_bad_options_answered_per_rfc(ppp_lab, victim):
    s = victim
    p = Peer(ppp_lab, s.cfg.port)
    mru = opt(1, b"\x05\xdc")

    # unknown option type: Configure-Reject carrying exactly that option
    unknown = opt(99, b"\xab\xcd")
    r = p.request(LCP, 1, mru + unknown)
    assert r and r[1] == CONF_REJ, r
    assert r[3] == unknown, r

    # Quality-Protocol (LQR) is not implemented: rejected (spec 11.1)
    lqr = opt(4, b"\xc0\x25")
    r = p.request(LCP, 2, mru + lqr)
    assert r and r[1] == CONF_REJ and r[3] == lqr, r

    # FCS-Alternatives, Numbered-Mode, Callback from the peer: rejected
    for i, o in enumerate((opt(9, b"\x02"), opt(11, b"\x01\x07"),
                           opt(13, b"\x06"))):
        r = p.request(LCP, 3 + i, mru + o)
        assert r and r[1] == CONF_REJ and r[3] == o, (o, r)

    # MRU below the minimum: Nak with an acceptable MRU
    acked(p, 100)
    r = p.request(LCP, 10, opt(1, struct.pack(">H", 100)))
    assert r and r[1] in (CONF_NAK, CONF_REJ), r
    if r[1] == CONF_NAK:
        o = parse_opts(r[3])
        assert [t for t, v in o] == [1], o
        assert struct.unpack(">H", o[0][1])[0] >= 296, o

    # magic number zero is illegal (RFC 1661 6.4): Nak'd or Rejected
    acked(p, 101)
    r = p.request(LCP, 11, mru + opt(5, b"\x00\x00\x00\x00"))
    assert r and r[1] in (CONF_NAK, CONF_REJ), r
    if r[1] == CONF_NAK:
        (t, v), = parse_opts(r[3])
        assert t == 5 and v != b"\x00\x00\x00\x00", r

    # our own magic number coming back (loop-back): Nak with another one
    assert p.wait(lambda it: it[0] == LCP and it[1] == CONF_REQ) or \
        p.server_creq
    smagic = server_magic(p.server_creq)
    assert smagic, p.server_creq
    acked(p, 102)
    r = p.request(LCP, 12, mru + opt(5, smagic))
    assert r and r[1] == CONF_NAK, r
    (t, v), = parse_opts(r[3])
    assert t == 5 and v != smagic, r

    # authentication protocol the server does not do: Nak with one it
    # accepts (PAP, CHAP-MD5, CHAP-MSv2: spec 4.5.1 defaults) or Reject
    acked(p, 103)
    r = p.request(LCP, 13, mru + opt(3, b"\xc2\x23\x99"))
    assert r and r[1] in (CONF_NAK, CONF_REJ), r
    if r[1] == CONF_NAK:
        (t, v), = parse_opts(r[3])
        assert t == 3 and v in (b"\xc0\x23", b"\xc2\x23\x05",
                                b"\xc2\x23\x81"), r
    acked(p, 104)
    r = p.request(LCP, 14, mru + opt(3, b"\x12\x34"))
    assert r and r[1] in (CONF_NAK, CONF_REJ), r

    # repeated and contradictory options: a well-formed answer, and an Ack
    # (if any) echoes the request verbatim
    for ident, opts in ((15, mru + mru),
                        (16, mru + opt(1, b"\x01\x28")),
                        (17, opt(5, b"\x01\x02\x03\x04") +
                         opt(5, b"\x05\x06\x07\x08")),
                        (18, opt(7) + opt(7) + opt(8))):
        r = p.request(LCP, ident, opts)
        assert r, "no answer to request #%d" % ident
        if r[1] == CONF_ACK:
            assert r[3] == opts, r

    # option with a wrong fixed length (MRU of 3 bytes, magic of 2):
    # never Acked; a Reject carries the option verbatim
    for ident, opts in ((19, b"\x01\x03\x05"), (20, b"\x05\x04\x01\x02")):
        r = p.request(LCP, ident, opts, timeout=0.5)
        assert r is None or r[1] != CONF_ACK, (ident, r)
        assert r is None or r[1] != CONF_REJ or r[3] == opts, (ident, r)

    # truncated: an option running past the packet, a zero-length option,
    # Length field larger than the packet, a 3-byte packet: no Ack
    for ident, raw in ((21, cp_packet(CONF_REQ, 21, mru + b"\x05\x0a\x01")),
                       (22, cp_packet(CONF_REQ, 22, mru + b"\x63\x00")),
                       (23, cp_packet(CONF_REQ, 23, mru, length=40)),
                       (24, b"\x01\x18\x00")):
        p.send(LCP, raw)
        r = p.reply(LCP, ident, (CONF_ACK,), timeout=0.5)
        assert r is None, (ident, r)

    # the same request repeated (retransmission): answered each time
    for _ in range(3):
        r = p.request(LCP, 25, mru + unknown)
        assert r and r[1] == CONF_REJ, r

    # unknown LCP code: Code-Reject with the rejected packet inside
    bogus = cp_packet(0x42, 26, b"whatever")
    p.send(LCP, bogus)
    r = p.wait(lambda it: it[0] == LCP and it[1] == CODE_REJ)
    assert r, "no Code-Reject for LCP code 0x42"
    assert r[3].startswith(bogus), r

    # a non-LCP packet before LCP is open is silently discarded
    p.send(IPCP, cp_packet(CONF_REQ, 27, opt(3, b"\x00" * 4)))
    p.send(0x8071, cp_packet(CONF_REQ, 28, b""))
    time.sleep(0.3)
    p.drain()
    assert not [it for it in p.rx if it[0] == LCP and it[1] == PROTO_REJ]
    assert not [it for it in p.rx if it[0] == IPCP]

    finish(ppp_lab, s)
    # every frame the server sent decodes cleanly; the capture agrees
    wire = s.wire
    wire.stop()
    check_structure(wire)
    # (Rejects #19 and #20 echo our malformed options: tshark flags them)
    wire.check(only_from=SRV_IP, skip=lambda r: first(r, "ppp.protocol")
               == "0xc021" and first(r, "ppp.code") == "4"
               and first(r, "ppp.identifier") in ("19", "20"))
    rej = [f for src, f in wire.frames if src == SRV_IP and
           f[:8] == b"\xff\x03\xc0\x21\x04\x01\x00\x08"]
    assert rej and rej[0][8:] == unknown, rej
    crej = wire.select(lambda r: first(r, "ppp.protocol") == "0xc021"
                       and first(r, "ppp.code") == "7", src=SRV_IP)
    assert crej, "Code-Reject not in the capture"


def test_lcp_rejects_do_not_exhaust_max_failure(ppp_lab, victim):
    # RFC 1661 4.6: Max-Failure (5) counts Configure-Naks sent without an
    # Ack; Configure-Rejects do not count.  After six Rejects in a row an
    # MRU below the minimum must still be Nak'd, not Rejected.
    s = victim
    p = Peer(ppp_lab, s.cfg.port)
    mru = opt(1, b"\x05\xdc")
    for ident in range(1, 7):
        r = p.request(LCP, ident, mru + opt(99, b"\x00"))
        assert r and r[1] == CONF_REJ, r
    r = p.request(LCP, 7, opt(1, struct.pack(">H", 100)))
    assert r and r[1] == CONF_NAK, (
        "MRU 100 after 6 Configure-Rejects was answered with code %d "
        "(expected Configure-Nak)" % (r[1] if r else -1))
    # and five Naks in a row, no Ack: the sixth is converted to a Reject
    acked(p, 50)
    codes = []
    for ident in range(10, 17):
        r = p.request(LCP, ident, opt(1, struct.pack(">H", 100)))
        codes.append(r[1] if r else None)
    assert codes[:5] == [CONF_NAK] * 5, codes
    assert CONF_REJ in codes[5:], codes
    finish(ppp_lab, s)


def test_lcp_open_then_unknown_protocols_and_ipcp_options(ppp_lab, victim):
    s = victim
    p = Peer(ppp_lab, s.cfg.port)
    p.send(LCP, cp_packet(CONF_REQ, 1, opt(1, b"\x05\xdc")))
    magic = b"\x0b\xad\xca\xfe"
    open_lcp(p, magic)

    # unknown protocols while Opened: Protocol-Reject (LCP code 8) with
    # the rejected protocol number and the start of the packet
    for proto in (0x8071, 0x0091, 0x4021, 0xC0FF):
        body = b"\x01\x02\x03\x04payload"
        p.send(proto, body)
        r = p.wait(lambda it: it[0] == LCP and it[1] == PROTO_REJ
                   and it[3][:2] == struct.pack(">H", proto))
        assert r, "no Protocol-Reject for 0x%04x: %r" % (proto, p.rx[-4:])
        assert r[3][2:].startswith(body[:8]), r

    # echo with the peer's magic number is answered with the server's
    c = p.server_creq
    p.send(LCP, cp_packet(ECHO_REQ, 40, magic + b"abc"))
    r = p.reply(LCP, 40, (ECHO_REP,))
    assert r and r[3][:4] == server_magic(c), r
    # Discard-Request: no answer at all
    p.send(LCP, cp_packet(DISCARD_REQ, 41, magic + b"zzz"))
    assert p.reply(LCP, 41, range(256), timeout=0.5) is None
    # a short Echo-Request (no magic) is discarded
    p.send(LCP, cp_packet(ECHO_REQ, 42, b"\x01"))
    assert p.reply(LCP, 42, (ECHO_REP,), timeout=0.5) is None

    # no authentication configured: the link joins a bundle, IPCP starts
    r = p.wait(lambda it: it[0] == IPCP and it[1] == CONF_REQ, timeout=5)
    assert r, "server did not start IPCP: %r" % p.rx[-5:]
    sreq = r
    # IP-Address 0.0.0.0: Nak with an address from the pool (not the one
    # the real session has)
    r = p.request(IPCP, 1, opt(3, b"\x00" * 4))
    assert r and r[1] == CONF_NAK, r
    (t, v), = parse_opts(r[3])
    assert t == 3 and socket.inet_ntoa(v) not in ("0.0.0.0", POOL_FIRST), r
    offered = v
    def ipcp_acked(ident):
        r = p.request(IPCP, ident, opt(3, offered))
        assert r and r[1] == CONF_ACK, r
    # deprecated IP-Addresses (1), Mobile-IPv4 (4), unknown (0x55): Reject
    for ident, o in ((2, opt(1, b"\x0a\x00\x00\x01\x0a\x00\x00\x02")),
                     (3, opt(4, b"\x0a\x00\x00\x09")),
                     (4, opt(0x55, b"\x01\x02"))):
        r = p.request(IPCP, ident, opt(3, offered) + o)
        assert r and r[1] == CONF_REJ and r[3] == o, (o, r)
    # VJ with an unknown compression protocol: Nak (with VJ) or Reject
    ipcp_acked(100)
    r = p.request(IPCP, 5, opt(3, offered) + opt(2, b"\x12\x34"))
    assert r and r[1] in (CONF_NAK, CONF_REJ), r
    if r[1] == CONF_NAK:
        (t, v), = parse_opts(r[3])
        assert t == 2 and v[:2] == b"\x00\x2d", r
    # DNS request: Nak'd with the configured DNS server (RFC 1877)
    ipcp_acked(101)
    r = p.request(IPCP, 6, opt(3, offered) + opt(129, b"\x00" * 4))
    assert r and r[1] == CONF_NAK, r
    assert (129, socket.inet_aton(DNS1)) in parse_opts(r[3]), r
    # an address the pool did not offer (the real session's): Nak
    ipcp_acked(102)
    r = p.request(IPCP, 7, opt(3, socket.inet_aton(POOL_FIRST)))
    assert r and r[1] == CONF_NAK, r
    assert parse_opts(r[3])[0][1] != socket.inet_aton(POOL_FIRST), r
    # truncated and malformed IPCP requests: never Acked
    for ident, raw in ((8, cp_packet(CONF_REQ, 8, opt(3, offered)[:4])),
                       (9, cp_packet(CONF_REQ, 9, b"\x03\x00")),
                       (10, cp_packet(CONF_REQ, 10, opt(3, offered),
                                      length=30))):
        p.send(IPCP, raw)
        assert p.reply(IPCP, ident, (CONF_ACK,), timeout=0.7) is None, ident
    # unknown IPCP code: Code-Reject (IPCP code 7)
    bogus = cp_packet(0x20, 11, b"??")
    p.send(IPCP, bogus)
    r = p.wait(lambda it: it[0] == IPCP and it[1] == CODE_REJ)
    assert r and r[3].startswith(bogus), r
    # finally a good request is Acked, and we Ack the server's
    r = p.request(IPCP, 12, opt(3, offered))
    assert r and r[1] == CONF_ACK, r
    sreq = p.server_ipcp_creq
    p.send(IPCP, cp_packet(CONF_ACK, sreq[1], sreq[2]))
    # IPCP of the bad peer's bundle comes up beside the real one
    s.server.wait_log(r"\[B-\d+\] IPCP: LayerUp[\s\S]*\[B-\d+\] IPCP: "
                      r"LayerUp", 5)
    finish(ppp_lab, s)
    s.wire.stop()
    check_structure(s.wire)
    s.wire.check(only_from=SRV_IP)
    prej = s.wire.select(lambda r: first(r, "ppp.protocol") == "0xc021"
                         and first(r, "ppp.code") == "8", src=SRV_IP)
    assert {first(r, "lcp.rej_proto") for r in prej} >= {"0x8071", "0x0091"}, \
        [r["lcp.rej_proto"] for r in prej]


def test_garbage_frames_dropped(ppp_lab, victim):
    s = victim
    p = Peer(ppp_lab, s.cfg.port)
    p.send(LCP, cp_packet(CONF_REQ, 1, opt(1, b"\x05\xdc")))
    assert p.reply(LCP, 1, (CONF_ACK,))
    rnd = random.Random(1234)
    junk = [b"", b"\xff", b"\xff\x03", b"\xff\x03\xc0", b"\xff\x03\xc0\x21",
            b"\xff\x03\xc0\x21\x01", b"\x00", b"\x7e" * 40,
            b"\xff\x03\x80\x21\x01\x01\x00\x04"]
    junk += [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 64)))
             for _ in range(300)]
    junk += [b"\xff\x03\xc0\x21" + bytes(rnd.getrandbits(8)
                                         for _ in range(rnd.randint(0, 40)))
             for _ in range(300)]
    junk += [b"\xff\x03\xc0\x21" + bytes([rnd.randint(1, 11), 7]) +
             struct.pack(">H", rnd.randint(0, 2000)) +
             bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 40)))
             for _ in range(300)]
    junk.append(b"\xff\x03\xc0\x21" + b"\x09" * 2000)     # over the MRU
    for j in junk:
        p.send_raw(j)
    p.drain()
    # the link instance is still usable afterwards
    open_lcp(p, ident=201)
    finish(ppp_lab, s)
    s.wire.stop()
    check_structure(s.wire)
    s.wire.check(only_from=SRV_IP, skip=is_reject)


def new_calls_storm(lab, s, count):
    """
    Many source ports, one LCP Configure-Request each, sent back to back:
    every one is a new link instance that must answer its own peer.
    """
    peers = []
    for i in range(count):
        q = Peer(lab, s.cfg.port)
        q.send(LCP, cp_packet(CONF_REQ, 1, opt(1, b"\x05\xdc")))
        peers.append(q)
    missing = [q.sock.getsockname()[1] for q in peers
               if not q.reply(LCP, 1, (CONF_ACK,), timeout=3)]
    if missing:
        time.sleep(0.5)
        log = s.server.log_text()
        calls = re.findall(r"Incoming UDP connection from %s (\d+)"
                           % re.escape(BAD_IP), log)
        twice = re.findall(r"\[(L-\d+)\] LCP: rec'd Configure Request #1 "
                           r"\((?:Ack-Sent|Ack-Rcvd|Opened)\)", log)
        wire = ""
        if getattr(s, "wire", None) is not None:
            s.wire.cap.stop(allow_drops=True)
            p = subprocess.run(["tcpdump", "-n", "-r", s.wire.raw],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            wire = "\n".join(l for l in p.stdout.decode().splitlines()
                             if any(".%d " % m in l or ".%d:" % m in l
                                    for m in missing))
        raise AssertionError(
            "on the wire (server veth):\n%s\n"
            "no Configure-Ack for %d of %d new calls, from ports %s; the "
            "server logged %d incoming calls from %s; links that got a "
            "second Configure-Request #1 (another peer's?): %s; log lines "
            "naming the missing ports:\n%s" % (
                wire, len(missing), count, missing, len(calls), BAD_IP, twice,
                "\n".join(l for l in log.splitlines()
                          if any(str(m) in l for m in missing)
                          or any("[%s]" % t in l for t in twice)) or "(none)"))


def test_udp_new_calls_back_to_back(ppp_lab, victim):
    # udp link template: each new peer gets a link instance and its own
    # connected socket; datagrams of other new peers arriving meanwhile
    # must not be lost or fed to the wrong link
    new_calls_storm(ppp_lab, victim, 60)
    finish(ppp_lab, victim)


@pytest.mark.slow
def test_configure_request_storms(ppp_lab, victim):
    s = victim
    # tens of thousands of frames: the capture may miss some (checked
    # frames are only those it got)
    s.wire.allow_drops = True
    p = Peer(ppp_lab, s.cfg.port)
    rnd = random.Random(99)
    t_end = time.monotonic() + 3
    n = 0
    # LCP Configure-Request storm on one link: valid, bad and random
    # options; then, with LCP open, IPCP and LCP requests mixed
    while time.monotonic() < t_end and n < 20000:
        kind = n % 4
        if kind == 0:
            body = opt(1, b"\x05\xdc") + opt(5, struct.pack(">I", n + 1))
        elif kind == 1:
            body = opt(rnd.randint(0, 255), bytes(rnd.getrandbits(8) for _ in
                                                   range(rnd.randint(0, 6))))
        elif kind == 2:
            body = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 30)))
        else:
            body = opt(1, struct.pack(">H", rnd.randint(0, 3000)))
        p.send(LCP, cp_packet(CONF_REQ, n & 0xFF, body))
        n += 1
        if n % 50 == 0:
            p.drain(0.0)
            p.send(IPCP, cp_packet(CONF_REQ, n & 0xFF, opt(3, b"\0" * 4)))
    assert n >= 1000, n
    p.drain(0.5)
    answered = [it for it in p.rx if it[0] == LCP and it[1] in
                (CONF_ACK, CONF_NAK, CONF_REJ)]
    assert len(answered) > n // 4, (len(answered), n)
    new_calls_storm(ppp_lab, s, 100)
    # the first peer can still bring its link up properly
    p2 = Peer(ppp_lab, s.cfg.port)
    p2.send(LCP, cp_packet(CONF_REQ, 1, opt(1, b"\x05\xdc")))
    open_lcp(p2, ident=202)
    finish(ppp_lab, s, min_pings=5)
    s.wire.stop()
    check_structure(s.wire)
    # Rejects echo the storm's random options, which tshark may flag
    s.wire.check(only_from=SRV_IP, skip=is_reject)


# --------------------------------------------------------------------------
# tcp: async-HDLC framing garbage
# --------------------------------------------------------------------------

def hdlc(frame_bytes, accm=0xFFFFFFFF, fcs=None):
    f = fcs16(frame_bytes) ^ 0xFFFF if fcs is None else fcs
    data = frame_bytes + bytes([f & 0xFF, f >> 8])
    out = bytearray(b"\x7e")
    for b in data:
        if b in (0x7D, 0x7E) or (b < 0x20 and accm >> b & 1):
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    out.append(0x7E)
    return bytes(out)


class TcpPeer:
    def __init__(self, lab, port):
        self.sock = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                              bind=(BAD_IP, 0), connect=(SRV_IP, port),
                              timeout=5)
        lab.sockets.append(self.sock)
        self.buf = b""
        self.rx = []

    def send(self, data):
        self.sock.sendall(data)

    def wait(self, pred, timeout=3.0):
        deadline = time.monotonic() + timeout * SLOWDOWN
        while time.monotonic() < deadline:
            while b"\x7e" in self.buf:
                raw, _, self.buf = self.buf.partition(b"\x7e")
                if not raw:
                    continue
                f, err = hdlc_decode_one(raw)
                assert err is None, err
                proto, rest = parse_frame(f)
                cp = parse_cp(rest) if proto in (LCP, IPCP) else None
                item = (proto,) + (cp if cp else (None, None, rest))
                self.rx.append(item)
                if pred(item):
                    return item
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d
        return None


def test_tcp_hdlc_garbage(ppp_lab):
    cfg = Config(transport="tcp", addr="ippool")
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    out = open(os.path.join(ppp_lab.workdir, "ping.txt"), "wb")
    s.pinger = ppp_lab.popen(ppp_lab.ns_b, ["ping", "-n", "-i", "0.1", "-W",
                                            "1", SRV_TUN],
                             stdout=out, stderr=subprocess.STDOUT)
    s.ping_out = out
    p = TcpPeer(ppp_lab, cfg.port)
    creq = frame(LCP, cp_packet(CONF_REQ, 1, opt(1, b"\x05\xdc")))
    rnd = random.Random(5)
    # bad FCS, lone escapes, runts, flags only, junk between flags, a
    # frame far over the MRU and a long run without any flag
    p.send(hdlc(creq, fcs=0x1234))
    p.send(b"\x7e\x7d\x7e\x7e\x01\x7e\x7e\x7e\x7e\xff\x7e")
    p.send(hdlc(creq)[:-5] + b"\x7e")                  # truncated
    p.send(hdlc(frame(LCP, b"\x09" * 5000)))           # > MRU
    p.send(bytes(rnd.getrandbits(8) | 1 for _ in range(20000)))  # no flag
    p.send(b"\x7e")
    for _ in range(200):
        p.send(b"\x7e" + bytes(rnd.getrandbits(8) for _ in
                               range(rnd.randint(1, 60))) + b"\x7e")
    # a good frame after all that is still understood
    p.send(hdlc(creq))
    r = p.wait(lambda it: it[0] == LCP and it[1] == CONF_ACK and it[2] == 1,
               timeout=5)
    assert r, "no Configure-Ack after the garbage: %r" % p.rx[-5:]
    # bad FCS frames were dropped: nothing answered them
    assert len([it for it in p.rx if it[0] == LCP and it[1] == CONF_ACK
                and it[2] == 1]) == 1, p.rx
    finish(ppp_lab, s)
    wire.stop()
    check_structure(wire)
    wire.check(only_from=SRV_IP, skip=is_reject)
