"""
PPP sessions between two mpd5 daemons in two network namespaces: every
authentication protocol in both directions, over udp and over tcp
(issue 3; surface spec 4.5.1, 4.5.2, 4.6.4, 5.7, 10.3, 10.4, 11.3).

Each test brings up one session, pings through the ngN interfaces, and
checks the authenticator's log, `show auth`, `show lcp` and the wire: the
LCP Auth-Protocol option and the authentication exchange as tshark decodes
them, with no malformed frame anywhere.
"""

import re

import pytest

from ppp_lab import (AUTH_PROTOS, CLI_IP, CLI_NAME, CLI_TUN, SRV_IP,
                     SRV_NAME, SRV_TUN, Config, WireCapture, first, ping,
                     ppp_lab)  # noqa: F401 (fixture)

# LCP Auth-Protocol option as tshark shows it: (protocol, algorithm)
WIRE_AUTH = {
    "pap": ("0xc023", None),
    "chap-md5": ("0xc223", "5"),
    "chap-msv1": ("0xc223", "128"),
    "chap-msv2": ("0xc223", "129"),
    "eap-md5": ("0xc227", None),
}
# `show lcp` AUTHTYPE of the side that requires authentication
SHOW_AUTHTYPE = {"pap": "PAP", "chap-md5": "CHAP", "chap-msv1": "CHAP",
                 "chap-msv2": "CHAP", "eap-md5": "EAP"}
# log lines: (authenticator sends, peer receives)
LOG_SUCCESS = {
    "pap": (r"PAP: sending ACK #\d+", r"PAP: rec'd ACK #\d+"),
    "chap-md5": (r"CHAP: sending SUCCESS #\d+", r"CHAP: rec'd SUCCESS #\d+"),
    "chap-msv1": (r"CHAP: sending SUCCESS #\d+", r"CHAP: rec'd SUCCESS #\d+"),
    "chap-msv2": (r"CHAP: sending SUCCESS #\d+", r"CHAP: rec'd SUCCESS #\d+"),
    "eap-md5": (r"EAP: sending SUCCESS #\d+", r"EAP: rec'd SUCCESS #\d+"),
}


def squeeze(seq):
    """Drop consecutive repeats (retransmissions on a slow machine)."""
    out = []
    for x in seq:
        if not out or out[-1] != x:
            out.append(x)
    return out


def section(text, title):
    """Lines of a `show lcp` block ('Self:' or 'Peer:')."""
    m = re.search(title + r"\r\n((?:\t[^\r\n]*\r\n)+)", text)
    assert m, "no %r block in:\n%s" % (title, text)
    return m.group(1)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("direction", ["server", "client"])
@pytest.mark.parametrize("proto", AUTH_PROTOS)
def test_session_auth(ppp_lab, proto, direction, transport):
    cfg = Config(transport=transport, auth=proto, direction=direction)
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN, count=2)
    ping(ppp_lab.ns_a, CLI_TUN, count=2)

    if direction == "server":
        auth, peer = s.server, s.client
        auth_link, peer_link = "link " + s.srv_link, "link " + s.cli_link
        name, auth_ip = CLI_NAME, SRV_IP
    else:
        auth, peer = s.client, s.server
        auth_link, peer_link = "link " + s.cli_link, "link " + s.srv_link
        name, auth_ip = SRV_NAME, CLI_IP

    # log: the authenticator says success, the peer hears it
    sent, got = LOG_SUCCESS[proto]
    auth.wait_log(r"\[[^\]]+\] " + sent)
    peer.wait_log(r"\[[^\]]+\] " + got)
    for d in (auth, peer):
        d.wait_log(r"\[[^\]]+\] LCP: authorization successful")

    # show auth / show lcp on the authenticator
    out = auth.show("auth", auth_link)
    assert "\tPeer authname   : %s\r\n" % name in out, out
    lcp = auth.show("lcp", auth_link)
    assert lcp.startswith("LCP [Opened]\r\n"), lcp
    assert "\tAUTHTYPE : %s\r\n" % SHOW_AUTHTYPE[proto] in section(lcp, "Self:")
    assert "\tAUTHTYPE : none\r\n" in section(lcp, "Peer:"), lcp
    plcp = peer.show("lcp", peer_link)
    assert "\tAUTHTYPE : %s\r\n" % SHOW_AUTHTYPE[proto] in section(plcp, "Peer:")
    if direction == "server":
        b = s.server.show("bundle", "bundle " + s.srv_bundle)
        assert '\tPeer authname  : "%s"\r\n' % CLI_NAME in b, b

    # the wire
    wire.stop()
    wire.check()
    want_proto, want_alg = WIRE_AUTH[proto]
    peer_ip = CLI_IP if direction == "server" else SRV_IP
    creq = lambda r: (first(r, "ppp.protocol") == "0xc021" and  # noqa: E731
                      first(r, "ppp.code") == "1")
    reqs = wire.select(creq, src=auth_ip)
    assert reqs, "authenticator sent no LCP Configure-Request"
    assert reqs[-1]["lcp.opt.auth_protocol"] == [want_proto], reqs[-1]
    if want_alg:
        assert reqs[-1]["lcp.opt.algorithm"] == [want_alg], reqs[-1]
    # the peer never asks for authentication itself
    for r in wire.select(creq, src=peer_ip):
        assert not r["lcp.opt.auth_protocol"], r
    if proto == "pap":
        codes = squeeze((r["src"], first(r, "pap.code"))
                        for r in wire.select(lambda r: r["pap.code"]))
        assert codes == [(peer_ip, "1"), (auth_ip, "2")], codes
    elif proto.startswith("chap"):
        codes = squeeze((r["src"], first(r, "chap.code"))
                        for r in wire.select(lambda r: r["chap.code"]))
        assert codes == [(auth_ip, "1"), (peer_ip, "2"), (auth_ip, "3")], codes
    else:
        codes = squeeze((r["src"], first(r, "eap.code"), first(r, "eap.type"))
                        for r in wire.select(lambda r: r["eap.code"]))
        assert codes == [(auth_ip, "1", "1"), (peer_ip, "2", "1"),
                         (auth_ip, "1", "4"), (peer_ip, "2", "4"),
                         (auth_ip, "3", None)], codes
    # the pings crossed the link as IP (0x0021) frames, both ways
    for src in (SRV_IP, CLI_IP):
        assert wire.select(lambda r: r["icmp.type"], src=src), \
            "no ICMP frames from %s on the wire" % src
