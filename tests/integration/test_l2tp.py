"""
L2TPv2 (RFC 2661) between mpd5 daemons in network namespaces (issue 5;
surface spec 4.6.2, 5.6, 10.3, 10.4, `show l2tp`).

    ns a (LNS)  vA 10.231.0.1 <== veth ==> vB 10.231.0.2  ns b (LAC)

The LNS runs an l2tp link template with `set link enable incoming` on
`set l2tp self 10.231.0.1 PORT`; the LAC has static l2tp links with `set
l2tp peer 10.231.0.1 PORT` and opens them.  Sessions come up with
CHAP-MD5 and MS-CHAPv2 and carry ping and TCP; several links share one
tunnel; teardown from either side (CDN); tunnel authentication with the
shared secret and hidden AVPs; a wrong secret fails with StopCCN result 4.

Wire checks: tcpdump keeps every UDP datagram of the tunnel; tshark
decodes them as L2TP (udp.port decoded as l2tp) and no frame may be
malformed or carry an expert error.
"""

import re
import socket
import struct
import subprocess
import threading
import time
import random

import pytest

from conftest import IO_TIMEOUT, SLOWDOWN, wait_for
from ppp_lab import (CLI_IP, SRV_IP, SRV_TUN, Capture, Config, ipcp_opened,
                     ns_socket, ping, tcp_transfer, tun_addrs, wait_down,
                     wait_session_up, SESSION_TIMEOUT,
                     ppp_lab)  # noqa: F401 (fixture)


def l2tp_cfg(auth="chap-md5", secret=None, client_secret=None, hidden=False,
             server_extra=(), client_extra=(), **kw):
    se, ce = list(server_extra), list(client_extra)
    if secret is not None:
        se.append("set l2tp secret %s" % secret)
    cs = secret if client_secret is None else client_secret
    if cs is not None:
        ce.append("set l2tp secret %s" % cs)
    if hidden:
        se.append("set l2tp enable hidden")
        ce.append("set l2tp enable hidden")
    se.append("set l2tp hostname lns-test")
    ce.append("set l2tp hostname lac-test")
    return Config(transport="l2tp", auth=auth, server_extra=se,
                  client_extra=ce, **kw)


def test_l2tp_session_chap(ppp_lab):
    s = ppp_lab.session(l2tp_cfg())
    ping(ppp_lab.ns_b, SRV_TUN)
    out = s.server.show("l2tp")
    assert re.search(r"Active L2TP tunnels:\r\n0x[0-9a-f]+\t %s %d <=> %s "
                     r"\d+\testablished 1 calls" % (SRV_IP, s.cfg.port,
                                                    CLI_IP), out), out
