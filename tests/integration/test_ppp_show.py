"""
`show iface/ipcp/bundle/link/lcp/auth` during a live session, compared with
golden transcripts written from the surface spec (sections 4.2, 5.2-5.5,
5.7, 5.9); see golden/README for the mask syntax.  Variable parts (times,
magic numbers, session ids, counters) are masked; the rest, labels, tabs
and CRLFs included, must match byte for byte.
"""

import os
import re

import pytest

from ppp_lab import (SRV_TUN, Config, ip, ping,
                     ppp_lab)  # noqa: F401 (ppp_lab: fixture)

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")


def golden_pattern(line, subst):
    for k, v in subst.items():
        line = line.replace(k, v)
    out = ""
    pos = 0
    for m in re.finditer(r"\{(N|HEX8|ANY|ALT:[^}]*)\}", line):
        out += re.escape(line[pos:m.start()].replace("\\t", "\t"))
        tok = m.group(1)
        if tok == "N":
            out += r"\d+"
        elif tok == "HEX8":
            out += r"0x[0-9a-f]{8}"
        elif tok == "ANY":
            out += r"[^\r\n]*"
        else:
            out += "(?:%s)" % "|".join(re.escape(a)
                                       for a in tok[4:].split("|"))
        pos = m.end()
    out += re.escape(line[pos:].replace("\\t", "\t"))
    return out


def assert_golden(text, name, dir=None, **subst):
    """Match text (CRLF lines) against golden/<name>.txt."""
    subst = {"{%s}" % k: v for k, v in subst.items()}
    if dir is not None:
        subst["@DIR@"] = dir
    with open(os.path.join(GOLDEN, name + ".txt")) as f:
        golden = f.read().split("\n")
    if golden and golden[-1] == "":
        golden.pop()
    assert text.endswith("\r\n"), "output does not end in CRLF: %r" % text
    lines = text[:-2].split("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF in %r" % text
    i = 0
    for gl in golden:
        optional = gl.startswith("?")
        pat = golden_pattern(gl[1:] if optional else gl, subst)
        if i < len(lines) and re.fullmatch(pat, lines[i]):
            i += 1
            continue
        if optional:
            continue
        got = lines[i] if i < len(lines) else "<end of output>"
        raise AssertionError(
            "%s: line %d differs\n  golden: %r\n  got:    %r\n---- output "
            "----\n%s" % (name, i + 1, gl, got, text))
    assert i == len(lines), "%s: extra lines from %d:\n%s" % (
        name, i + 1, "\n".join(repr(l) for l in lines[i:]))


@pytest.fixture
def show_session(ppp_lab):
    cfg = Config(
        auth="chap-md5", addr="ippool", dns=True, scripts="client",
        server_bundle_extra=["set ipcp nbns 10.231.0.55"],
        server_extra=["set link keep-alive 10 60",
                      "set link ident mpd-test-server"],
        client_bundle_extra=["set iface route 10.99.0.0/16",
                             "set iface idle 600", "set iface session 900",
                             "set iface enable tcpmssfix"])
    s = ppp_lab.session(cfg)
    ping(ppp_lab.ns_b, SRV_TUN, count=1)
    return s


def test_show_goldens(show_session):
    s = show_session
    srv, cli = s.server, s.client
    names = {"BUNDLE": s.srv_bundle, "LINK": s.srv_link}
    assert s.srv_link, "server link instance name not found in the log"

    assert_golden(cli.show("iface", "bundle B"), "ppp_client_iface",
                  dir=cli.dir)
    assert_golden(srv.show("iface", "bundle " + s.srv_bundle),
                  "ppp_server_iface")
    assert_golden(cli.show("ipcp", "bundle B"), "ppp_client_ipcp")
    assert_golden(srv.show("ipcp", "bundle " + s.srv_bundle),
                  "ppp_server_ipcp", **names)
    assert_golden(cli.show("bundle", "bundle B"), "ppp_client_bundle")
    assert_golden(srv.show("bundle", "bundle " + s.srv_bundle),
                  "ppp_server_bundle", **names)
    assert_golden(cli.show("link", "link L"), "ppp_client_link")
    assert_golden(srv.show("link", "link " + s.srv_link), "ppp_server_link",
                  **names)
    clcp = cli.show("lcp", "link L")
    slcp = srv.show("lcp", "link " + s.srv_link)
    assert_golden(clcp, "ppp_client_lcp")
    assert_golden(slcp, "ppp_server_lcp")
    assert_golden(srv.show("auth", "link " + s.srv_link), "ppp_server_auth")

    # the masked magic numbers agree across the two daemons
    def magics(t):
        return re.findall(r"\tMAGIC    : (0x[0-9a-f]{8})\r\n", t)
    cself, cpeer = magics(clcp)
    sself, speer = magics(slcp)
    assert (cself, cpeer) == (speer, sself), (clcp, slcp)
    assert cself != sself

    # the static route of `set iface route` is in the client's table
    out = ip("-n", s.lab.ns_b, "-4", "route", "show")
    assert re.search(r"^10\.99\.0\.0/16 .*dev ng\d+", out, re.M), out


def test_show_counters_move_with_traffic(show_session):
    s = show_session

    def counters(text):
        return {k: int(v) for k, v in re.findall(
            r"\t(Input octets|Input frames|Output octets|Output frames)"
            r" *: (\d+)\r\n", text)}
    before = counters(s.client.show("bundle", "bundle B"))
    ping(s.lab.ns_b, SRV_TUN, count=5)
    after = counters(s.client.show("bundle", "bundle B"))
    assert after["Output frames"] >= before["Output frames"] + 5, (before,
                                                                  after)
    assert after["Input frames"] >= before["Input frames"] + 5
    # 5 echo requests of 84 bytes went out
    assert after["Output octets"] >= before["Output octets"] + 5 * 84
    srv = counters(s.server.show("bundle", "bundle " + s.srv_bundle))
    assert srv["Input frames"] >= 5
