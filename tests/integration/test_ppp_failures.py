"""
Sessions that must fail or end: wrong password and unknown user rejected,
keep-alive after the peer dies, idle and session timeouts (issue 3;
surface spec 4.4.2, 4.5.1 keep-alive, 5.4 down reasons, 10.5, 11.2, 11.3).
"""

import re
import time

import pytest

from ppp_lab import (AUTH_PROTOS, SESSION_TIMEOUT, SRV_IP, SRV_TUN,
                     Config, WireCapture, first, ping, ppp_lab,  # noqa: F401
                     tun_addrs, wait_down, wait_for)
from conftest import SLOWDOWN

# what the authenticator logs / sends for a rejected peer
FAIL_REPLY = {
    "pap": r"PAP: Reply message: Login incorrect",
    "chap-md5": r"CHAP: Reply message: Login incorrect",
    # MS-CHAP failure packets (RFC 2433 / 2759): error 691, no retry
    "chap-msv1": r"CHAP: Reply message: E=691 R=0 M=Login incorrect",
    "chap-msv2": r"CHAP: Reply message: E=691 R=0 C=[0-9A-F]{32} V=3 "
                 r"M=Login incorrect",
    "eap-md5": None,
}
FAIL_SENT = {
    "pap": r"PAP: sending NAK #\d+",
    "chap-md5": r"CHAP: sending FAILURE #\d+",
    "chap-msv1": r"CHAP: sending FAILURE #\d+",
    "chap-msv2": r"CHAP: sending FAILURE #\d+",
    "eap-md5": r"EAP: sending FAILURE #\d+",
}
FAIL_GOT = {
    "pap": r"PAP: rec'd NAK #\d+",
    "chap-md5": r"CHAP: rec'd FAILURE #\d+",
    "chap-msv1": r"CHAP: rec'd FAILURE #\d+",
    "chap-msv2": r"CHAP: rec'd FAILURE #\d+",
    "eap-md5": r"EAP: rec'd FAILURE #\d+",
}


def check_rejected(lab, s, proto, wire, first_line):
    srv, cli = s.server, s.client
    srv.wait_log(first_line, SESSION_TIMEOUT)
    srv.wait_log(r"\[L-\d+\] " + FAIL_SENT[proto])
    if FAIL_REPLY[proto]:
        srv.wait_log(r"\[L-\d+\] " + FAIL_REPLY[proto])
    srv.wait_log(r"\[L-\d+\] LCP: authorization failed")
    cli.wait_log(r"\[L\] " + FAIL_GOT[proto])
    # the client's link goes down (it does not redial: max-redial -1)
    out = wait_down(cli, "L", "", timeout=SESSION_TIMEOUT)
    assert "\tState          : DOWN\r\n" in out, out
    # no NCP ever ran, no interface got an address
    for d in (srv, cli):
        assert not re.search(r"IPCP: state change \S+ --> Opened",
                             d.log_text()), d.log_text()[-3000:]
    assert not tun_addrs(lab.ns_a) and not tun_addrs(lab.ns_b)
    # the server's link instance terminated LCP
    srv.wait_log(r"\[L-\d+\] LCP: SendTerminateReq #\d+")
    srv.wait_log(r"\[L-\d+\] Link: (DOWN event|destroyed)")
    wire.stop()
    wire.check()
    if proto == "pap":
        codes = [first(r, "pap.code") for r in wire.select(
            lambda r: r["pap.code"], src=SRV_IP)]
        assert codes and codes[-1] == "3" and "2" not in codes, codes
    elif proto.startswith("chap"):
        codes = [first(r, "chap.code") for r in wire.select(
            lambda r: r["chap.code"], src=SRV_IP)]
        assert codes and codes[-1] == "4" and "3" not in codes, codes
    else:
        codes = [first(r, "eap.code") for r in wire.select(
            lambda r: r["eap.code"], src=SRV_IP)]
        assert codes and codes[-1] == "4" and "3" not in codes, codes
    # LCP Terminate-Request from the server after the failure
    assert wire.select(lambda r: first(r, "ppp.protocol") == "0xc021"
                       and first(r, "ppp.code") == "5", src=SRV_IP)
    assert not wire.select(lambda r: first(r, "ppp.protocol") == "0x8021")
    # both daemons are still fine
    assert srv.alive() and cli.alive()
    assert srv.cmds("show version").startswith("MPD version: ")


@pytest.mark.parametrize("proto", AUTH_PROTOS)
def test_wrong_password_rejected(ppp_lab, proto):
    cfg = Config(auth=proto, client_password="not-the-password")
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg, wait=False)
    if proto in ("pap", "chap-md5", "chap-msv1", "chap-msv2"):
        first_line = r"\[L-\d+\] %s: Invalid response" % (
            "PAP" if proto == "pap" else "CHAP")
    else:
        first_line = r"\[L-\d+\] AUTH: INTERNAL returned: undefined"
    check_rejected(ppp_lab, s, proto, wire, first_line)


@pytest.mark.parametrize("proto", ["pap", "chap-md5", "chap-msv2", "eap-md5"])
def test_unknown_user_rejected(ppp_lab, proto):
    cfg = Config(auth=proto, client_name="nobody")
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg, wait=False)
    check_rejected(ppp_lab, s, proto, wire,
                   r'\[L-\d+\] AUTH: User "nobody" not found in secret file')
    assert "Invalid response" not in s.server.log_text()


@pytest.mark.slow
def test_keepalive_drops_session_after_peer_sigkill(ppp_lab):
    cfg = Config(client_extra=["set link keep-alive 1 5"])
    s = ppp_lab.session(cfg)
    out = s.client.show("link", "link L")
    assert "\tKeep-alive     : every 1 secs, timeout 5\r\n" in out, out
    ping(ppp_lab.ns_b, SRV_TUN, count=1)
    s.server.kill_hard()                       # SIGKILL by PID
    t0 = time.monotonic()
    s.client.wait_log(r"\[L\] LCP: no reply to \d+ echo request\(s\)",
                      10 * SLOWDOWN)
    out = wait_down(s.client, "L", "Echo timeout", timeout=15 * SLOWDOWN)
    dt = time.monotonic() - t0
    # echo every 1 s of silence, give up after 5 s: not before ~4 s
    assert 3.0 <= dt <= 12.0 * SLOWDOWN, dt
    assert "\tState          : DOWN\r\n" in out, out
    wait_for(lambda: not tun_addrs(ppp_lab.ns_b), 10, "client ngN gone")
    assert s.client.alive()


@pytest.mark.slow
def test_idle_timeout(ppp_lab):
    idle = 3
    cfg = Config(client_bundle_extra=["set iface idle %d" % idle])
    s = ppp_lab.session(cfg)
    out = s.client.show("iface", "bundle B")
    assert "\tIdle timeout    : %d seconds\r\n" % idle in out, out
    # traffic keeps the session up well past the idle time ...
    t_end = time.monotonic() + idle + 2
    while time.monotonic() < t_end:
        ping(ppp_lab.ns_b, SRV_TUN, count=1)
        time.sleep(0.3)
    assert "IFACE: Idle timeout" not in s.client.log_text()
    assert tun_addrs(ppp_lab.ns_b)
    # ... and silence ends it with reason "Idle timeout"
    t0 = time.monotonic()
    s.client.wait_log(r"\[B\] IFACE: Idle timeout", (idle + 5) * SLOWDOWN)
    dt = time.monotonic() - t0
    assert idle * 0.7 <= dt <= idle + idle / 4 + 2.5 * SLOWDOWN, dt
    wait_down(s.client, "L", "Idle timeout")
    wait_for(lambda: not tun_addrs(ppp_lab.ns_b), 10, "client ngN gone")
    # the server sees the peer hang up
    s.server.wait_log(r"\[L-\d+\] LCP: rec'd Terminate Request")


@pytest.mark.slow
def test_session_timeout(ppp_lab):
    limit = 3
    cfg = Config(client_bundle_extra=["set iface session %d" % limit])
    s = ppp_lab.session(cfg)
    t0 = time.monotonic()
    out = s.client.show("iface", "bundle B")
    assert "\tSession timeout : %d seconds\r\n" % limit in out, out
    # traffic does not matter for the session timeout
    while "IFACE: Session timeout" not in s.client.log_text() \
            and time.monotonic() - t0 < limit + 5 * SLOWDOWN:
        try:
            ping(ppp_lab.ns_b, SRV_TUN, count=1, timeout=1)
        except AssertionError:
            break
    s.client.wait_log(r"\[B\] IFACE: Session timeout", 5 * SLOWDOWN)
    dt = time.monotonic() - t0
    assert limit - 1 <= dt <= limit + 3 * SLOWDOWN, dt
    wait_down(s.client, "L", "Session timeout")
    wait_for(lambda: not tun_addrs(ppp_lab.ns_b), 10, "client ngN gone")


@pytest.mark.slow
def test_server_side_idle_timeout_logs_reason(ppp_lab):
    cfg = Config(server_bundle_extra=["set iface idle 2"])
    s = ppp_lab.session(cfg)
    s.server.wait_log(r"\[%s\] IFACE: Idle timeout" % re.escape(s.srv_bundle),
                      8 * SLOWDOWN)
    s.server.wait_log(r"\[%s\] LCP: SendTerminateReq" % re.escape(s.srv_link))
    wait_down(s.client, "L", "")
    wait_for(lambda: not tun_addrs(ppp_lab.ns_a), 10, "server ngN gone")
