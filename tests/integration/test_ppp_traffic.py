"""
IP traffic through the ngN interfaces of two mpd5 daemons (issue 3: ping,
bulk TCP with identical bytes, checksum-correct packets on the wire;
surface spec 4.4.2 tcpmssfix, 4.4.3 vjcomp, 4.6.4, 11.4).
"""

import os
import re
import socket

import pytest

from ppp_lab import (CLI_TUN, SRV_TUN, Capture, Config, WireCapture, first,
                     ip, ip_packet, ping, ppp_lab,  # noqa: F401
                     read_pcap, tcp_transfer, tun_addrs)
from conftest import SLOWDOWN

MB = 1 << 20


def bundle_counters(mpd, bundle):
    out = mpd.show("bundle", "bundle " + bundle)
    return {k: int(v) for k, v in re.findall(r"\t([A-Z][a-z]+(?: [a-z]+)?) *: (\d+)\r\n",
                                             out)}


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_ping_and_transfer_checksums_on_the_wire(ppp_lab, transport):
    # no VJ, so that tshark sees (and checks) every IP/TCP header
    cfg = Config(transport=transport,
                 client_bundle_extra=["set ipcp no vjcomp"])
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN, count=3)
    ping(ppp_lab.ns_a, CLI_TUN, count=3)
    sent, got, n, dt = tcp_transfer(ppp_lab, 4 * MB, seed=7, timeout=60)
    assert n == 4 * MB and got == sent
    rows = wire.check()          # IP/TCP/UDP/ICMP checksums validated too
    ip_rows = [r for r in rows if r["ip.src"]]
    assert len(ip_rows) > 2000, len(ip_rows)
    # tunnel addresses inside, PFC/ACFC negotiated: 1-byte protocol field
    tcp_frames = [f for src, f in wire.frames if f[:1] == b"\x21"]
    assert len(tcp_frames) > 1000
    assert not any(f[:2] == b"\xff\x03" for src, f in wire.frames
                   if f[:1] == b"\x21")
    assert {first(r, "ip.src") for r in ip_rows} == {SRV_TUN, CLI_TUN}
    # no VJ was negotiated
    assert not [r for r in rows if first(r, "ppp.protocol") in
                ("0x002d", "0x002f")]
    # both daemons counted what passed
    c = bundle_counters(s.client, "B")
    assert c["Output octets"] >= 4 * MB, c
    assert c["Bad protocols"] == 0 and c["Runts"] == 0, c


def test_transfer_with_vj_compression(ppp_lab):
    cfg = Config()
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    out = s.client.show("ipcp", "bundle B")
    assert ("\tSelf: VJCOMP, 16 compression channels, CID not compressible"
            in out), out
    sent, got, n, dt = tcp_transfer(ppp_lab, 4 * MB, seed=3, timeout=60)
    assert n == 4 * MB and got == sent
    rows = wire.check(checksums=False)
    # compressed TCP (0x002d) frames were really used
    vj = [r for r in rows if first(r, "ppp.protocol") == "0x002d"]
    assert len(vj) > 100, len(vj)
    out = s.client.show("ipcp", "bundle B")
    m = re.search(r"\tOut comp : (\d+)\r\n", out)
    assert m and int(m.group(1)) > 100, out


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_transfer_100mb(ppp_lab, transport):
    s = ppp_lab.session(Config(transport=transport))
    sent, got, n, dt = tcp_transfer(ppp_lab, 100 * MB, seed=11,
                                    timeout=120 * SLOWDOWN)
    print("100 MB over %s in %.1fs (%.1f MB/s)" % (transport, dt, 100 / dt))
    assert n == 100 * MB
    assert got == sent, "sha256 differs after 100 MB"
    c = bundle_counters(s.server, s.srv_bundle)
    assert c["Input octets"] >= 100 * MB, c
    assert s.server.alive() and s.client.alive()
    ping(ppp_lab.ns_b, SRV_TUN, count=1)


def syn_mss(frames):
    """[(src, dst, flags, mss)] for the TCP SYNs among raw IPv4 packets."""
    res = []
    for pkt in frames:
        if not pkt or pkt[0] >> 4 != 4 or pkt[9] != 6:
            continue
        ihl = (pkt[0] & 15) * 4
        tcp = pkt[ihl:]
        if len(tcp) < 20 or not tcp[13] & 0x02:
            continue
        opts = tcp[20:(tcp[12] >> 4) * 4]
        i = 0
        while i < len(opts):
            if opts[i] == 0:
                break
            if opts[i] == 1:
                i += 1
                continue
            if i + 1 >= len(opts) or opts[i + 1] < 2:
                break
            if opts[i] == 2 and opts[i + 1] == 4:
                res.append((socket.inet_ntoa(pkt[12:16]),
                            socket.inet_ntoa(pkt[16:20]), tcp[13],
                            opts[i + 2] << 8 | opts[i + 3]))
            i += opts[i + 1]
    return res


def ppp_ip(frame):
    """The IPv4 packet in a PPP frame (ACFC/PFC or not), else None."""
    if frame[:2] == b"\xff\x03":
        frame = frame[2:]
    if frame[:1] == b"\x21":
        return frame[1:]
    if frame[:2] == b"\x00\x21":
        return frame[2:]
    return None


def test_tcpmssfix_clamps_syn_both_ways(ppp_lab):
    # client: iface MTU 1400 (override) and tcpmssfix; its kernel is told
    # to advertise MSS 1460 anyway (route advmss), the server's kernel
    # advertises 1460 too: the client daemon must clamp both to 1360
    cfg = Config(client_bundle_extra=["set iface enable tcpmssfix",
                                      "set iface mtu 1400 override",
                                      "set ipcp no vjcomp"])
    wire = WireCapture(ppp_lab, cfg)
    ppp_lab.session(cfg)
    ifname = list(tun_addrs(ppp_lab.ns_b))[0]
    assert "mtu 1400" in ip("-n", ppp_lab.ns_b, "link", "show", ifname)
    ip("-n", ppp_lab.ns_b, "route", "replace", SRV_TUN, "dev", ifname,
       "advmss", "1460")
    tun = Capture(ppp_lab, ppp_lab.ns_b, ifname, "tcp",
                  os.path.join(ppp_lab.workdir, "tun.pcap"))
    sent, got, n, dt = tcp_transfer(ppp_lab, 64 * 1024, seed=5, timeout=30)
    assert got == sent
    tun.stop()
    wire.stop()
    on_tun = syn_mss([p for ts, lt, f in read_pcap(tun.path)
                      for p in [ip_packet(f, lt)] if p])
    on_wire = syn_mss([ppp_ip(f) for src, f in wire.frames])
    syn = lambda l: [m for a, b, fl, m in l if fl & 0x12 == 0x02]  # noqa
    synack = lambda l: [m for a, b, fl, m in l if fl & 0x12 == 0x12]  # noqa
    # SYN: the client kernel said 1460, the wire carries 1360
    assert syn(on_tun) == [1460], on_tun
    assert syn(on_wire) == [1360], on_wire
    # SYN-ACK: the server said 1460 on the wire, the client kernel got 1360
    assert synack(on_wire) == [1460], on_wire
    assert synack(on_tun) == [1360], on_tun
    wire.check()
