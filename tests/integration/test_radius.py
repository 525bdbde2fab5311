"""
RADIUS against a real FreeRADIUS (issue 8; surface spec 4.5.2, 4.5.3, 5.8,
9.3, 9.5; RFC 2865, 2866, 2548, 3579, 5176).

    ns a: mpd5 server + FreeRADIUS on 127.0.0.1   <== veth ==>   ns b: mpd5 client

The server authenticates the client through radius-auth (internal
disabled, so only RADIUS can let it in) and accounts through radius-acct.
Checked: PAP / CHAP-MD5 / MS-CHAPv2 logins, Framed-IP-Address and
Framed-Pool on the interfaces, MPPE keys from MS-MPPE-Send/Recv-Key,
Reject, Session-Timeout ending the session, accounting Start / Interim /
Stop in FreeRADIUS's detail file with the link's counters after a
measured transfer, failover (dead first server), all servers dead (login
refused, accounting spooled then delivered), radclient Disconnect and
CoA against the built-in DAE server with its NAKs, forged and malformed
replies from a fake server, PAM through pam_pwdfile.
"""

import os
import re
import socket
import struct
import subprocess
import time
import hashlib

import pytest

from conftest import IO_TIMEOUT, SLOWDOWN, in_netns, wait_for
from ppp_lab import (CLI_TUN, POOL_FIRST, POOL_LAST, SRV_TUN, Config,
                     ns_socket, nsexec, tcp_transfer, tun_addrs, wait_down,
                     wait_session_up,
                     ppp_lab)  # noqa: F401 (fixture)
from radius_lab import SECRET, FreeRadius

AUTH_PORT, ACCT_PORT = 21812, 21813
FRAMED_IP = "10.232.3.7"
RADPOOL = ("10.232.4.10", "10.232.4.20")

USERS = """radpap  Cleartext-Password := "radpass1"
        Framed-IP-Address = %s,
        Session-Timeout = 3600,
        Reply-Message = "hello pap",
        Class = 0x6d70642d636c617373,
        Filter-Id = "flt1"
radchap Cleartext-Password := "radpass2"
        Framed-Pool = "radpool"
radms   Cleartext-Password := "radpass3"
        Framed-IP-Address = 10.232.3.9
radshort Cleartext-Password := "radpass4"
        Session-Timeout = 4
radacct Cleartext-Password := "radpass5"
        Acct-Interim-Interval = 2
rejectme Auth-Type := Reject
        Reply-Message = "go away"
""" % FRAMED_IP


def radius_lines(servers=((AUTH_PORT, ACCT_PORT),), timeout=1, retries=2,
                 acct=True, extra=()):
    lines = ["set auth disable internal",
             "set auth enable radius-auth" + (" radius-acct" if acct else ""),
             "set radius timeout %d" % timeout,
             "set radius retries %d" % retries]
    # newest first: the last line added is tried first
    for a, c in reversed(servers):
        lines.append("set radius server 127.0.0.1 %s %d %d" % (SECRET, a, c))
    return lines + list(extra)


def rad_config(user, password, auth="pap", servers=((AUTH_PORT, ACCT_PORT),),
               extra=(), acct=True, **kw):
    return Config(auth=auth, client_name=user, client_password=password,
                  server_extra=radius_lines(servers, acct=acct, extra=extra),
                  server_bundle_extra=["set ippool add radpool %s %s"
                                       % RADPOOL],
                  **kw)


@pytest.fixture
def radius(ppp_lab):
    d = os.path.join(ppp_lab.workdir, "radius")
    os.makedirs(d, exist_ok=True)
    fr = FreeRadius(ppp_lab.ns_a, d, USERS, AUTH_PORT, ACCT_PORT)
    fr.start()
    yield fr
    fr.stop()


def srv_log(s):
    return s.server.log_text()


def test_pap_framed_ip_and_attributes(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radpap", "radpass1"))
    addrs = tun_addrs(ppp_lab.ns_b)
    assert list(addrs.values())[0][0] == FRAMED_IP, addrs
    log = srv_log(s)
    assert "AUTH: Trying RADIUS" in log
    assert "RADIUS: rec'd RAD_ACCESS_ACCEPT" in log
    assert "AUTH: RADIUS returned: authenticated" in log
    # the client saw the server's Reply-Message in the PAP Ack
    s.client.wait_log(r"MESG: hello pap")
    out = s.server.show("auth", "link " + s.srv_link)
    assert "\tPeer authname   : radpap\r\n" in out, out
    assert "\tSession-Timeout : 3600\r\n" in out, out
    out = s.server.show("radius", "link " + s.srv_link)
    assert "\tAuthenticated  : yes\r\n" in out, out
    assert "\tClass          : 0x6d70642d636c617373\r\n" in out, out
    assert "\tFilter Id      : flt1\r\n" in out, out
    assert "secret     : *********" in out and SECRET not in out


def test_chap_framed_pool(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radchap", "radpass2", auth="chap-md5"))
    local, _ = list(tun_addrs(ppp_lab.ns_b).values())[0]
    assert local.startswith("10.232.4."), local
    assert "RAD_ACCESS_ACCEPT" in srv_log(s)


def test_mschapv2_mppe_keys(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radms", "radpass3", auth="chap-msv2"))
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == "10.232.3.9"
    # the authenticator's Success carried FreeRADIUS's S= string: the
    # client verified it (else it would have failed the login)
    s.client.wait_log(r"CHAP: rec'd SUCCESS")
    out = s.server.show("auth", "link " + s.srv_link)
    assert "\tMPPE Keys       : yes\r\n" in out, out


def test_reject(ppp_lab, radius):
    cfg = rad_config("rejectme", "whatever")
    srv = ppp_lab.start_server(cfg)
    ppp_lab.start_client(cfg)
    srv.wait_log(r"RAD_ACCESS_REJECT")
    srv.wait_log(r"PAP: Reply message: go away")
    assert "ran out of backends" in srv.log_text()
    assert not tun_addrs(ppp_lab.ns_a)
