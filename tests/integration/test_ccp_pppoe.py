"""
Compression and encryption over PPPoE between two mpd5 daemons (issue 6):
for MPPE (the seed's `set mppc yes e40 e128 stateless` with MS-CHAPv2),
MPPC+MPPE, Deflate, Predictor-1 and ECP DESE-bis the session comes up,
the interface MTU leaves room for the framing (so full-size packets fit
the 1500-byte Ethernet payload), ping and TCP transfers (random and
compressible bytes) arrive intact, and tshark finds no malformed frame.
The 100 MB transfers per algorithm are in the slow set.
"""

import pytest

from conftest import SLOWDOWN
from ppp_lab import SRV_TUN, POOL_FIRST, ping, ppp_lab, tcp_transfer  # noqa: F401
from test_ccp import SEED_MPPE, text_transfer, wait_ccp
from test_pppoe import (EthCapture, client_iface, if_mtu, start_client,
                        start_server, wait_pppoe_session)

MB = 1 << 20

CASES = {
    # name: (bundle lines, auth, proto line in show, MTU)
    "mppe128-stateless": (SEED_MPPE, "chap-msv2",
                          "mppc (MPPE(128 bits), stateless)", 1488),
    "mppc-mppe128": (["set bundle enable compression", "set ccp yes mppc",
                      "set mppc yes compress e128"], "chap-msv2",
                     "mppc (MPPE(128 bits), MPPC)", 1488),
    "deflate": (["set bundle enable compression", "set ccp yes deflate"],
                "pap", "deflate (win 15)", 1492),
    "pred1": (["set bundle enable compression", "set ccp yes pred1"], "pap",
              "pred1 ()", 1486),
    "dese-bis": (["set bundle enable encryption", "set ecp key pppoe-k3y",
                  "set ecp yes dese-bis"], "pap", "dese-bis", 1480),
}


def start_pair(lab, name):
    lines, auth, _, _ = CASES[name]
    lines = list(lines) + ["set ipcp no vjcomp"]
    srv = start_server(lab, auth=auth, bundle_extra=lines)
    cli = start_client(lab, auth=auth, bundle_extra=lines)
    b, l = wait_pppoe_session(lab, srv, cli)
    layer = "ECP" if name.startswith("dese") else "CCP"
    for mpd, bund in ((srv, b), (cli, "B")):
        out = wait_ccp(mpd, bund, layer)
        assert out.count("\tProto\t: %s\r\n" % CASES[name][2]) == 2, out
    return srv, cli, b


def wait_mtu(lab, ns, ifn, want):
    import time
    deadline = time.monotonic() + 10 * SLOWDOWN
    while time.monotonic() < deadline:
        if if_mtu(ns, ifn) == want:
            return
        time.sleep(0.1)
    assert if_mtu(ns, ifn) == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_pppoe_algorithm(ppp_lab, name):
    lab = ppp_lab
    wire = EthCapture(lab, lab.ns_a, "vA", "wire")
    srv, cli, b = start_pair(lab, name)
    ifn, loc, peer = client_iface(lab)
    wait_mtu(lab, lab.ns_b, ifn, CASES[name][3])
    ping(lab.ns_b, SRV_TUN, count=3)
    ping(lab.ns_a, POOL_FIRST, count=3)
    sent, got, n, dt = tcp_transfer(lab, 2 * MB, seed=6, timeout=60)
    assert n == 2 * MB and got == sent
    sent, got, n = text_transfer(lab, 2 * MB)
    assert n == 2 * MB and got == sent
    rows = wire.check()
    protos = [r.get("ppp.protocol") or [] for r in rows]
    want = "0x0053" if name.startswith("dese") else "0x00fd"
    assert sum(1 for p in protos if want in p) > 1000
    assert srv.alive() and cli.alive()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_pppoe_algorithm_100mb(ppp_lab, name):
    srv, cli, b = start_pair(ppp_lab, name)
    sent, got, n, dt = tcp_transfer(ppp_lab, 100 * MB, seed=12,
                                    timeout=240 * SLOWDOWN)
    print("%s: 100 MB over PPPoE in %.1fs (%.1f MB/s)" % (name, dt, 100 / dt))
    assert n == 100 * MB and got == sent
