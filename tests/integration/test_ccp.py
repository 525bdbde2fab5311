"""
Compression and encryption between two mpd5 daemons (issue 6; RFC 1962
CCP, RFC 2118 MPPC, RFC 3078/3079 MPPE, RFC 1979 Deflate, RFC 1978
Predictor-1, RFC 1968 ECP with RFC 2419 DESE-bis / RFC 1969 DESE; surface
spec 4.4.5-4.4.7, 5.9).

For every algorithm: CCP (or ECP) opens with the expected choice in `show
ccp` / `show ecp`, ping passes, TCP transfers arrive byte-identical
(compressible text and random data), the wire really carries 0x00FD /
0x0053 frames and tshark finds nothing malformed.  Also: the seed's MPPE
lines (`set mppc yes e40`, `e128`, `stateless`), `crypt-reqd` against a
peer without encryption, and a scripted peer sending corrupt compressed
frames, wrong coherency counts, Reset-Request and CCP option storms
beside a live session.
"""

import hashlib
import random
import re
import socket
import struct
import threading
import time
import zlib

import pytest

from conftest import SLOWDOWN
from ppp_lab import (CLI_IP, CLI_TUN, SRV_IP, SRV_TUN, Config,
                     decode_problems, WireCapture, first, ns_socket,
                     ping, ppp_lab, tcp_transfer,  # noqa: F401
                     wait_down)
from test_ppp_badinput import (Peer, cp_packet, finish, open_lcp, opt,
                               parse_frame)

MB = 1 << 20
CCP, ECP, IPCP = 0x80FD, 0x8053, 0x8021
COMPD, CRYPT = 0x00FD, 0x0053
RESET_REQ, RESET_ACK = 14, 15

SEED_MPPE = ["set bundle enable compression", "set ccp yes mppc",
             "set mppc yes e40", "set mppc yes e128",
             "set mppc yes stateless"]

# name -> (bundle lines for both daemons, auth, expected `show ccp` Proto)
ALGS = {
    "mppe128-stateless": (SEED_MPPE, "chap-msv2",
                          "mppc (MPPE(128 bits), stateless)"),
    "mppe40-stateful": (["set bundle enable compression", "set ccp yes mppc",
                         "set mppc yes e40"], "chap-msv2",
                        "mppc (MPPE(40 bits))"),
    "mppe56-msv1": (["set bundle enable compression", "set ccp yes mppc",
                     "set mppc yes e56"], "chap-msv1", "mppc (MPPE(56 bits))"),
    "mppc": (["set bundle enable compression", "set ccp yes mppc",
              "set mppc yes compress"], None, "mppc (MPPC)"),
    "mppc-mppe128": (["set bundle enable compression", "set ccp yes mppc",
                      "set mppc yes compress e128"], "chap-msv2",
                     "mppc (MPPE(128 bits), MPPC)"),
    "deflate": (["set bundle enable compression", "set ccp yes deflate"],
                None, "deflate (win 15)"),
    "pred1": (["set bundle enable compression", "set ccp yes pred1"], None,
              "pred1 ()"),
}


def alg_config(name, transport="udp"):
    lines, auth, _ = ALGS[name]
    extra = ["set ipcp no vjcomp"]
    srv_extra, cli_extra = [], []
    if auth == "chap-msv1":
        cli_extra = ["set link accept chap-msv1"]
    return Config(transport=transport, auth=auth,
                  server_bundle_extra=lines + extra,
                  client_bundle_extra=lines + extra,
                  server_extra=srv_extra, client_extra=cli_extra)


def wait_ccp(mpd, bundle, proto="CCP", timeout=15.0):
    deadline = time.monotonic() + timeout * SLOWDOWN
    out = ""
    while time.monotonic() < deadline:
        out = mpd.show(proto.lower(), "bundle " + bundle)
        if "%s [Opened]" % proto in out:
            return out
        time.sleep(0.1)
    raise AssertionError("%s not opened:\n%s\n---- log ----\n%s"
                         % (proto, out, mpd.log_text()[-6000:]))


def text_transfer(lab, nbytes, timeout=60.0):
    """Compressible bytes from ns b to ns a; (sent sha, got sha, n)."""
    words = [b"GET /index.html HTTP/1.1\r\n", b"Host: example.net\r\n",
             b"the quick brown fox jumps over the lazy dog ",
             b"0123456789abcdef", b"\r\n"]
    rnd = random.Random(5)
    chunks, n = [], 0
    while n < nbytes:
        w = rnd.choice(words) + str(rnd.randrange(1000)).encode()
        chunks.append(w)
        n += len(w)
    data = b"".join(chunks)[:nbytes]
    port = 32000 + rnd.randrange(1000)
    ls = ns_socket(lab.ns_a, socket.AF_INET, socket.SOCK_STREAM,
                   bind=(SRV_TUN, port))
    lab.sockets.append(ls)
    ls.listen(1)
    ls.settimeout(timeout * SLOWDOWN)
    res = {}

    def rx():
        h, got = hashlib.sha256(), 0
        c, _ = ls.accept()
        c.settimeout(timeout * SLOWDOWN)
        while True:
            d = c.recv(1 << 20)
            if not d:
                break
            h.update(d)
            got += len(d)
        c.close()
        res["sha"], res["n"] = h.hexdigest(), got

    t = threading.Thread(target=rx, daemon=True)
    t.start()
    cs = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                   timeout=timeout * SLOWDOWN)
    lab.sockets.append(cs)
    cs.connect((SRV_TUN, port))
    cs.sendall(data)
    cs.close()
    t.join(timeout * SLOWDOWN)
    return hashlib.sha256(data).hexdigest(), res.get("sha"), res.get("n")


def show_counter(out, section, field):
    part = out.split(section, 1)[1]
    m = re.search(r"\t%s\t: (\d+)" % field, part)
    return int(m.group(1)) if m else None


def check_alg_session(lab, s, alg, text_bytes, seed):
    """Both ends show alg in `show ccp`; ping both ways; text_bytes of
    compressible text and 1 MB of random bytes arrive identical; the
    client's outgoing counters saw all of it.  Returns the counter match
    (uncompressed, compressed bytes) and the client's `show ccp`."""
    expect = ALGS[alg][2]
    for mpd, b in ((s.server, s.srv_bundle), (s.client, s.cli_bundle)):
        out = wait_ccp(mpd, b)
        assert out.count("\tProto\t: %s\r\n" % expect) == 2, out
    ping(lab.ns_b, SRV_TUN, count=3)
    ping(lab.ns_a, CLI_TUN, count=3)
    sent, got, n = text_transfer(lab, text_bytes)
    assert n == text_bytes and got == sent
    sent, got, n, dt = tcp_transfer(lab, 1 * MB, seed=seed, timeout=60)
    assert n == 1 * MB and got == sent
    out = s.client.show("ccp", "bundle " + s.cli_bundle)
    m = re.search(r"Outgoing compression:\r\n.*?\tBytes\t: (\d+) -> (\d+)",
                  out, re.S)
    assert m and int(m.group(1)) >= text_bytes + 1 * MB, out
    return m, out


@pytest.mark.parametrize("alg", sorted(ALGS))
def test_algorithm_ping_and_transfer(ppp_lab, alg):
    cfg = alg_config(alg)
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    expect = ALGS[alg][2]
    m, out = check_alg_session(ppp_lab, s, alg, 2 * MB, seed=9)
    if ALGS[alg][0] is not SEED_MPPE and "MPPE" not in expect:
        # compressible text shrank overall
        assert int(m.group(2)) < int(m.group(1)), out
    rows = wire.decode(checksums=False)
    protos = [first(r, "ppp.protocol") for r in rows]
    assert protos.count("0x00fd") > 1000, set(protos)
    # no plain IP went over the wire once CCP was up (Deflate sends what
    # does not shrink as it is, RFC 1979 2.2)
    if alg != "deflate":
        assert "0x0021" not in protos[protos.index("0x00fd"):]
    bad = decode_problems(rows)
    assert not bad, bad[:3]
    assert s.server.alive() and s.client.alive()


@pytest.mark.parametrize("alg", sorted(ALGS))
def test_algorithm_over_pptp(ppp_lab, alg):
    """The same algorithms in a PPTP call (enhanced GRE in user space): the
    seed's VPN server case.  The GRE wire itself is checked by
    test_pptp.py; here: `show ccp`, ping, byte-identical transfers."""
    cfg = alg_config(alg, transport="pptp")
    s = ppp_lab.session(cfg)
    check_alg_session(ppp_lab, s, alg, 1 * MB, seed=11)
    assert s.server.alive() and s.client.alive()


def test_ecp_dese_bis(ppp_lab):
    lines = ["set bundle enable encryption", "set ecp key s3cr3t-k3y",
             "set ecp yes dese-bis dese-old", "set ipcp no vjcomp"]
    cfg = Config(server_bundle_extra=lines, client_bundle_extra=lines)
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    for mpd, b in ((s.server, s.srv_bundle), (s.client, s.cli_bundle)):
        out = wait_ccp(mpd, b, "ECP")
        assert out.count("\tProto\t: dese-bis\r\n") == 2, out
    ping(ppp_lab.ns_b, SRV_TUN, count=3)
    sent, got, n, dt = tcp_transfer(ppp_lab, 1 * MB, seed=4, timeout=60)
    assert n == 1 * MB and got == sent
    rows = wire.decode(checksums=False)
    protos = [first(r, "ppp.protocol") for r in rows]
    assert protos.count("0x0053") > 500, set(protos)
    assert "0x0021" not in protos[protos.index("0x0053"):]


def test_ccp_and_ecp_together(ppp_lab):
    lines = ["set bundle enable compression encryption",
             "set ccp yes deflate", "set ecp key k", "set ecp yes dese-old",
             "set ipcp no vjcomp"]
    cfg = Config(server_bundle_extra=lines, client_bundle_extra=lines)
    s = ppp_lab.session(cfg)
    wait_ccp(s.client, s.cli_bundle, "CCP")
    wait_ccp(s.client, s.cli_bundle, "ECP")
    ping(ppp_lab.ns_b, SRV_TUN, count=3)
    sent, got, n = text_transfer(ppp_lab, 1 * MB)
    assert n == 1 * MB and got == sent


def test_seed_mppe_offers_strongest_and_stateless(ppp_lab):
    """
    The seed's PPTP lines on the server; a client that allows e40 and
    e128: the server offers both, the client Naks it down to 128 bits.
    """
    cfg = alg_config("mppe128-stateless")
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    wait_ccp(s.server, s.srv_bundle)
    ping(ppp_lab.ns_b, SRV_TUN, count=2)
    wire.stop()
    bits = []
    for src, f in wire.frames:
        proto, rest = parse_frame(f)
        pk = parse_ccp(rest) if proto == CCP else None
        if pk and pk[0] in (1, 2, 3) and pk[2][:2] == b"\x12\x06":
            bits.append((src, pk[0], struct.unpack(">I", pk[2][2:6])[0]))
    # the server offers 40 and 128 bits, stateless; the client Naks to 128
    assert (SRV_IP, 1, 0x01000060) in bits, bits
    assert (CLI_IP, 3, 0x01000040) in bits, bits
    assert (SRV_IP, 1, 0x01000040) in bits, bits
    assert (CLI_IP, 2, 0x01000040) in bits, bits


def test_mppe_needs_mschap_keys(ppp_lab):
    """Without MS-CHAP there are no keys: MPPE is not offered, CCP ends
    with nothing (or MPPC alone where enabled)."""
    lines = ["set bundle enable compression", "set ccp yes mppc",
             "set mppc yes e128 compress"]
    cfg = Config(auth="pap", server_bundle_extra=lines,
                 client_bundle_extra=lines)
    s = ppp_lab.session(cfg)
    out = wait_ccp(s.client, s.cli_bundle)
    assert out.count("\tProto\t: mppc (MPPC)\r\n") == 2, out


def test_crypt_reqd_refuses_peer_without_encryption(ppp_lab):
    srv = SEED_MPPE + ["set bundle enable crypt-reqd"]
    cfg = Config(auth="chap-msv2", server_bundle_extra=srv,
                 client_bundle_extra=[])
    s = ppp_lab.session(cfg, wait=False)
    s.server.wait_log(r"encryption required, but not negotiated", timeout=30)
    s.server.wait_log(r"Bundle: closing link \"L-\d+\"", timeout=30)
    s.server.wait_log(r"\[B-\d+\] Bundle: destroyed", timeout=30)
    # no data crossed meanwhile, and both daemons live on
    assert s.server.alive() and s.client.alive()


@pytest.mark.parametrize("server", [
    ["set bundle enable encryption", "set ecp key k", "set ecp yes dese-bis"],
    [],
], ids=["ecp-rejected", "nothing-to-negotiate"])
def test_crypt_reqd_other_ways(ppp_lab, server):
    cfg = Config(server_bundle_extra=server + ["set bundle enable crypt-reqd"])
    s = ppp_lab.session(cfg, wait=False)
    s.server.wait_log(r"encryption required, but not negotiated", timeout=30)
    s.server.wait_log(r"\[B-\d+\] Bundle: destroyed", timeout=30)
    assert s.server.alive() and s.client.alive()


def test_crypt_reqd_with_mppe_passes(ppp_lab):
    srv = SEED_MPPE + ["set bundle enable crypt-reqd"]
    cfg = Config(auth="chap-msv2", server_bundle_extra=srv,
                 client_bundle_extra=SEED_MPPE)
    s = ppp_lab.session(cfg)
    wait_ccp(s.server, s.srv_bundle)
    ping(ppp_lab.ns_b, SRV_TUN, count=3)
    sent, got, n, dt = tcp_transfer(ppp_lab, 1 * MB, seed=2, timeout=60)
    assert n == 1 * MB and got == sent


# --------------------------------------------------------------------------
# bad input from a scripted peer beside a live session
# --------------------------------------------------------------------------

CCP_LINES = ["set bundle enable compression",
             "set ccp yes mppc deflate pred1", "set mppc yes compress"]


@pytest.fixture
def ccp_victim(ppp_lab):
    """A live session (deflate) + server template that takes mppc/deflate."""
    cfg = Config(addr="ippool", dns=True, server_bundle_extra=CCP_LINES,
                 client_bundle_extra=["set bundle enable compression",
                                      "set ccp yes deflate"])
    s = ppp_lab.session(cfg)
    wait_ccp(s.server, s.srv_bundle)
    import subprocess
    import os
    out = open(os.path.join(ppp_lab.workdir, "ping.txt"), "wb")
    s.pinger = ppp_lab.popen(ppp_lab.ns_b, ["ping", "-n", "-i", "0.1", "-W",
                                            "1", SRV_TUN],
                             stdout=out, stderr=subprocess.STDOUT)
    s.ping_out = out
    return s


def open_ipcp(p):
    """IPCP to Opened; returns the address the server gave us."""
    addr = None
    r = p.request(IPCP, 120, opt(3, socket.inet_aton("0.0.0.0")))
    if r and r[1] == 3:                      # Nak with an address
        if r[3][:2] == b"\x03\x06":
            addr = socket.inet_ntoa(r[3][2:6])
        r = p.request(IPCP, 121, r[3])
    p.wait(lambda it: it[0] == IPCP and it[1] == 1)
    c = p.server_ipcp_creq
    if c:
        p.send(IPCP, cp_packet(2, c[1], c[2]))
    return addr


def inet_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp_echo(src, dst, ident, payload):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + payload
    icmp = icmp[:2] + struct.pack("!H", inet_sum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), ident, 0,
                      64, 1, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", inet_sum(hdr)) + hdr[12:]
    return hdr + icmp


def deflate_resync_ping(p, addr):
    """
    After the junk: ask the server to reset its compressor, then ping it
    with a frame deflated from a fresh stream (its decompressor restarted
    at our Reset-Ack) and inflate its reply from a fresh stream too.
    """
    p.send(CCP, cp_packet(RESET_REQ, 98))
    assert p.wait(lambda it: it[0] == CCP and parse_ccp(it[3]) and
                  parse_ccp(it[3])[0] == RESET_ACK, timeout=2.0)
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    z = comp.compress(b"\x21" + icmp_echo(addr, SRV_TUN, 0x4242,
                                          b"\0" * 300))
    z += comp.flush(zlib.Z_SYNC_FLUSH)
    p.send(COMPD, b"\0\0" + z[:-4])
    inflater = zlib.decompressobj(-15)
    deadline = time.monotonic() + 5 * SLOWDOWN
    while time.monotonic() < deadline:
        it = p.wait(lambda it: it[0] in (COMPD, 0x21), timeout=1.0)
        if it is None:
            continue
        data = it[3]
        if it[0] == COMPD:
            assert data[:2] == b"\0\0", data[:8].hex()
            data = inflater.decompress(data[2:] + b"\0\0\xff\xff")
            assert data[:1] == b"\x21", data[:8].hex()
            data = data[1:]
        if data[9] == 1 and data[20] == 0:      # ICMP echo reply
            assert data[12:16] == socket.inet_aton(SRV_TUN)
            assert data[24:26] == b"\x42\x42"
            return
    raise AssertionError("no echo reply through the resynchronised "
                         "deflate streams: %r" % p.rx[-6:])


def ccp_packets(p):
    return [it for it in p.rx if it[0] == CCP]


def parse_ccp(rest):
    if len(rest) < 4:
        return None
    return rest[0], rest[1], rest[4:struct.unpack(">H", rest[2:4])[0]]


def peer_open_ccp(p, option):
    """
    Negotiate CCP with the server: we ask for option; of the server's
    requests we reject every algorithm but the same one, then ack.
    """
    p.send(CCP, cp_packet(1, 50, option))
    deadline = time.monotonic() + 5 * SLOWDOWN
    acked = sent_ack = False
    while time.monotonic() < deadline and not (acked and sent_ack):
        it = p.wait(lambda it: it[0] == CCP, timeout=1.0)
        if it is None:
            continue
        pk = parse_ccp(it[3])
        if pk is None:
            continue
        code, ident, data = pk
        if code == 1:
            if data[:1] == option[:1]:
                p.send(CCP, cp_packet(2, ident, data))
                sent_ack = True
            else:
                p.send(CCP, cp_packet(4, ident, data))
        elif code == 2 and ident == 50:
            acked = True
    return acked and sent_ack


def test_corrupt_frames_and_storms(ppp_lab, ccp_victim):
    s = ccp_victim
    rnd = random.Random(1)
    for option, name in ((opt(26, b"\x78\x00"), "deflate"),
                         (opt(1), "pred1"),
                         (opt(18, struct.pack(">I", 1)), "mppc")):
        p = Peer(ppp_lab, s.cfg.port)
        # the udp template answers once a datagram arrives
        p.send(0xC021, cp_packet(1, 199, opt(1, b"\x05\xdc") +
                                 opt(5, b"\x11\x22\x33\x44")))
        open_lcp(p)
        addr = open_ipcp(p)
        assert addr, p.rx[-6:]
        assert peer_open_ccp(p, option), (name, p.rx[-6:])
        p.drain(0.3)
        # corrupt compressed frames: Reset-Requests come back (rate
        # limited), or (mppc) the coherency count is checked
        for i in range(300):
            body = bytes(rnd.randrange(256) for _ in range(rnd.randrange(
                0, 200)))
            if name == "mppc" and len(body) >= 2:
                # wrong coherency counts, COMPRESSED flag set
                body = bytes([0x20 | rnd.randrange(16)]) + body[1:]
            p.send(COMPD, body)
        p.drain(0.5)
        resets = [it for it in ccp_packets(p)
                  if parse_ccp(it[3]) and parse_ccp(it[3])[0] == RESET_REQ]
        assert 1 <= len(resets) <= 20, (name, len(resets))
        # after the peer acks the reset, valid traffic would resync; the
        # server answers a Reset-Request of ours (Ack unless mppc)
        p.send(CCP, cp_packet(RESET_ACK, parse_ccp(resets[-1][3])[1]))
        p.send(CCP, cp_packet(RESET_REQ, 99))
        r = p.wait(lambda it: it[0] == CCP and parse_ccp(it[3]) and
                   parse_ccp(it[3])[0] == RESET_ACK, timeout=1.0)
        assert (r is None) == (name == "mppc"), name
        if name == "deflate":
            deflate_resync_ping(p, addr)
        # a CCP option storm: requests with junk, huge, repeated options
        for i in range(200):
            opts = b"".join(opt(rnd.choice((1, 18, 26, 24, 0, 255)),
                                bytes(rnd.randrange(256) for _ in
                                      range(rnd.choice((0, 2, 4, 9)))))
                            for _ in range(rnd.randrange(1, 6)))
            p.send(CCP, cp_packet(1, i & 0xff, opts))
        p.send(CCP, cp_packet(1, 7, b"\x12\x06\x00"))     # truncated
        p.send(CCP, cp_packet(1, 8, b"", length=900))     # bad length
        p.drain(0.3)
        assert s.server.alive()
    finish(ppp_lab, s)


@pytest.mark.slow
@pytest.mark.parametrize("alg", sorted(ALGS))
def test_algorithm_100mb(ppp_lab, alg):
    s = ppp_lab.session(alg_config(alg))
    wait_ccp(s.client, s.cli_bundle)
    sent, got, n, dt = tcp_transfer(ppp_lab, 100 * MB, seed=13,
                                    timeout=240 * SLOWDOWN)
    print("%s: 100 MB over udp in %.1fs (%.1f MB/s)" % (alg, dt, 100 / dt))
    assert n == 100 * MB and got == sent
