"""
RADIUS against a real FreeRADIUS (issue 8; surface spec 4.5.2, 4.5.3, 5.8,
9.3, 9.5; RFC 2865, 2866, 2548, 3579, 5176).

    ns a: mpd5 server + FreeRADIUS on 127.0.0.1   <== veth ==>   ns b: mpd5 client

The server authenticates the client through radius-auth (internal
disabled, so only RADIUS can let it in) and accounts through radius-acct.
Checked: PAP / CHAP-MD5 / MS-CHAPv1 / MS-CHAPv2 logins over udp and
PPPoE links, EAP relayed to FreeRADIUS (radius-proxy), Framed-IP-Address
and Framed-Pool on the interfaces, MPPE keys from MS-MPPE-Send/Recv-Key
and MS-CHAP-MPPE-Keys, Reject, Session-Timeout ending the session,
accounting Start / Interim / Stop in FreeRADIUS's detail file with the
link's counters after a measured transfer (and Stop on SIGTERM), mpd5's
vendor attributes through conf/dictionary.mpd, failover (dead first
server, then skipped), all servers dead (login refused, accounting
spooled then delivered), acct-mandatory, radclient Disconnect and CoA
against the built-in DAE server with its NAKs, forged and malformed
replies from a fake server that also checks Message-Authenticator, a
flood at the DAE port, PAM through pam_pwdfile, the ext-acct script.
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
from ppp_lab import (CLI_NAME, CLI_PASS, CLI_TUN, POOL_FIRST, POOL_LAST, SRV_TUN, Config,
                     ns_socket, nsexec, tcp_transfer, tun_addrs,
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
        Filter-Id = "flt1",
        Framed-MTU = 1400,
        Framed-Route = "10.250.0.0/16 0.0.0.0 1"
radchap Cleartext-Password := "radpass2"
        Framed-Pool = "radpool"
radms   Cleartext-Password := "radpass3"
        Framed-IP-Address = 10.232.3.9
radshort Cleartext-Password := "radpass4"
        Session-Timeout = 4
radacct Cleartext-Password := "radpass5"
        Acct-Interim-Interval = 2
%s     Cleartext-Password := "%s"
        Framed-IP-Address = 10.232.3.11
rejectme Auth-Type := Reject
        Reply-Message = "go away"
""" % (FRAMED_IP, CLI_NAME, CLI_PASS)


def radius_lines(servers=((AUTH_PORT, ACCT_PORT),), timeout=1, retries=2,
                 acct=True, extra=()):
    lines = ["set auth disable internal",
             "set auth enable radius-auth" + (" radius-acct" if acct else ""),
             "set radius timeout %d" % timeout,
             "set radius retries %d" % retries]
    # servers are tried in the order given: mpd5 tries the newest first
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
    # Framed-MTU caps the interface, Framed-Route routes via the peer
    from ppp_lab import ip
    ifname = list(tun_addrs(ppp_lab.ns_a))[0]
    assert "mtu 1400 " in ip("-n", ppp_lab.ns_a, "link", "show", ifname)
    assert ifname in ip("-n", ppp_lab.ns_a, "route", "show", "10.250.0.0/16")


def test_chap_framed_pool(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radchap", "radpass2", auth="chap-md5"))
    local, _ = list(tun_addrs(ppp_lab.ns_b).values())[0]
    assert local.startswith("10.232.4."), local
    assert "RAD_ACCESS_ACCEPT" in srv_log(s)


@pytest.mark.parametrize("proto", ["chap-msv2", "chap-msv1"])
def test_mschap_mppe_keys(ppp_lab, radius, proto):
    s = ppp_lab.session(rad_config("radms", "radpass3", auth=proto))
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


def radclient(lab, code, attrs, secret=SECRET, port=3799):
    """radclient in the server's namespace; returns (rc, output)."""
    p = subprocess.run(["ip", "netns", "exec", lab.ns_a, "radclient", "-x",
                        "-r", "1", "-t", str(int(2 * SLOWDOWN)),
                        "127.0.0.1:%d" % port, code, secret],
                       input=attrs.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode("latin-1")


DAE = ["set radsrv self 127.0.0.1", "set radsrv peer 127.0.0.1 %s" % SECRET,
       "set radsrv open"]


def test_session_timeout_and_accounting(ppp_lab, radius):
    """Start / Interim / Stop with the counters of a measured transfer."""
    s = ppp_lab.session(rad_config("radacct", "radpass5"))
    nbytes = 3 << 20
    sent, got, n, _ = tcp_transfer(ppp_lab, nbytes)
    assert sent == got and n == nbytes
    # an Interim-Update after the transfer (Acct-Interim-Interval 2)
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Interim-Update" and
                         int(r.get("Acct-Input-Octets", 0)) >= nbytes
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Interim-Update with the transfer")
    link = s.server.show("link", "link " + s.srv_link)
    s.client.cmds("link L", "close")
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Stop"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Stop record")
    recs = radius.detail_records()
    kinds = [r["Acct-Status-Type"] for r in recs]
    assert kinds[0] == "Start" and kinds[-1] == "Stop", kinds
    start, stop = recs[0], recs[-1]
    assert start["User-Name"] == "radacct"
    assert start["Framed-IP-Address"].startswith("10.232."), start
    assert start["Acct-Authentic"] == "RADIUS"
    assert start["Acct-Session-Id"] == stop["Acct-Session-Id"]
    assert start["NAS-Port-Type"] == "Virtual"
    # outer addresses: the server (callee) is the tunnel server end
    from ppp_lab import SRV_IP, CLI_IP
    assert start["Tunnel-Server-Endpoint:0"].startswith(SRV_IP), start
    assert start["Tunnel-Client-Endpoint:0"].startswith(CLI_IP), start
    assert stop["Acct-Terminate-Cause"] == "User-Request", stop
    inn = int(stop["Acct-Input-Octets"]) + \
        (int(stop.get("Acct-Input-Gigawords", 0)) << 32)
    # at least the client -> server payload; at most full frames (MRU
    # 1500 + PPP header) for every packet counted: TCP retransmissions
    # under load are traffic too, so no fixed overhead ratio
    pkts = int(stop["Acct-Input-Packets"])
    assert nbytes < inn <= pkts * 1504, stop
    # `show link` counters (taken just before the close) agree
    shown = int(re.search(r"Input octets   : (\d+)", link).group(1))
    assert abs(shown - inn) < 4096, (shown, inn)
    assert pkts > nbytes // 1500
    assert int(stop["Acct-Output-Packets"]) > 0
    assert int(stop["Acct-Session-Time"]) >= 1


def test_session_timeout_enforced(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radshort", "radpass4"))
    s.server.wait_log(r"\[%s\] IFACE: Session timeout" % s.srv_bundle,
                      timeout=20 * SLOWDOWN)
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    wait_for(lambda: any(r.get("Acct-Terminate-Cause") == "Session-Timeout"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Stop with Session-Timeout")


def test_disconnect_and_naks(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radpap", "radpass1", extra=DAE))
    # unknown session
    rc, out = radclient(ppp_lab, "disconnect", 'User-Name = "nobody"\n')
    assert "Disconnect-NAK" in out and "Session-Context-Not-Found" in out, out
    # no identification attribute
    rc, out = radclient(ppp_lab, "disconnect", 'Reply-Message = "x"\n')
    assert "Disconnect-NAK" in out and "Missing-Attribute" in out, out
    # a NAS-IP-Address that is not ours
    rc, out = radclient(ppp_lab, "disconnect", 'User-Name = "radpap"\n'
                        'NAS-IP-Address = 10.9.9.9\n')
    assert "Disconnect-NAK" in out and "NAS-Identification-Mismatch" in out, \
        out
    # Service-Type is refused
    rc, out = radclient(ppp_lab, "coa", 'User-Name = "radpap"\n'
                        'Service-Type = Authorize-Only\n')
    assert "CoA-NAK" in out and "Unsupported-Service" in out, out
    # wrong secret: silently discarded (RFC 5176 3.5), counted
    rc, out = radclient(ppp_lab, "disconnect", 'User-Name = "radpap"\n',
                        secret="wrong-secret")
    assert rc != 0 and "Disconnect-ACK" not in out, out
    out = s.server.show("radsrv")
    assert re.search(r"Bad authentic\.: 1\r\n", out), out
    # the session is still up; now end it
    assert tun_addrs(ppp_lab.ns_b)
    rc, out = radclient(ppp_lab, "disconnect",
                        'User-Name = "radpap"\nAcct-Session-Id = "%s"\n'
                        % session_id(s))
    assert rc == 0 and "Received Disconnect-ACK" in out, out
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    # disabled type: Administratively-Prohibited
    s.server.cmds("set radsrv disable coa")
    rc, out = radclient(ppp_lab, "coa", 'User-Name = "radpap"\n')
    assert "CoA-NAK" in out and "Administratively-Prohibited" in out, out


def session_id(s):
    out = s.server.show("link", "link " + s.srv_link)
    return re.search(r"Session Id     : (\S+)", out).group(1)


def test_coa_session_timeout(ppp_lab, radius):
    s = ppp_lab.session(rad_config("radpap", "radpass1", extra=DAE))
    # a new interim interval starts Interim-Updates; State is echoed
    rc, out = radclient(ppp_lab, "coa", 'Framed-IP-Address = %s\n'
                        'Acct-Interim-Interval = 1\nState = 0x7374\n'
                        'Idle-Timeout = 900\n' % FRAMED_IP)
    assert rc == 0 and "Received CoA-ACK" in out, out
    assert re.search(r"State = 0x7374", out), out
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Interim-Update"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Interim-Update after the CoA")
    out = s.server.show("auth", "link " + s.srv_link)
    assert "\tIdle-Timeout    : 900\r\n" in out, out
    assert "\tAcct-Update     : 1\r\n" in out, out
    rc, out = radclient(ppp_lab, "coa", 'User-Name = "radpap"\n'
                        'Session-Timeout = 3\n')
    assert rc == 0 and "Received CoA-ACK" in out, out
    out = s.server.show("auth", "link " + s.srv_link)
    assert "\tSession-Timeout : 3\r\n" in out, out
    s.server.wait_log(r"\[%s\] IFACE: Session timeout" % s.srv_bundle,
                      timeout=20 * SLOWDOWN)
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)


def test_failover_first_server_dead(ppp_lab, radius):
    # the dead server (nothing listens on 21899) is tried first
    s = ppp_lab.session(rad_config(
        "radpap", "radpass1", servers=((21899, 21898),
                                       (AUTH_PORT, ACCT_PORT)),
        extra=["log +radius2"]))
    log = srv_log(s)
    assert "RADIUS: server 127.0.0.1 21899 not responding" in log
    assert "RAD_ACCESS_ACCEPT" in log
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == FRAMED_IP
    # the next login skips the server that did not answer
    s.client.cmds("link L", "close")
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    s.client.cmds("link L", "open")
    s.server.wait_log(r"RADIUS: skipping server 127.0.0.1 21899 \(not "
                      r"responding lately\)")
    wait_for(lambda: s.server.log_text().count("RAD_ACCESS_ACCEPT") >= 2,
             IO_TIMEOUT, "the second login accepted")
    # `log +radius2` shows the attributes, never the password
    log = s.server.log_text()
    assert "RADIUS: Get Framed-IP-Address (8): %s" % FRAMED_IP in log
    assert "RADIUS: Put User-Password (2), len 16" in log
    assert "radpass1" not in log and SECRET not in log


def test_all_dead_then_spool(ppp_lab, radius):
    cfg = rad_config("radpap", "radpass1")
    s = ppp_lab.session(cfg)
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Start"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Start record")
    radius.stop()
    # the session ends while no server answers: Stop is spooled
    s.client.cmds("link L", "close")
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    s.server.wait_log(r"accounting STOP spooled", timeout=20 * SLOWDOWN)
    # a new login fails: no server, internal disabled
    mark = len(s.server.sink.messages())
    s.client.cmds("link L", "open")
    s.server.wait_log(r"AUTH: RADIUS returned error", timeout=20 * SLOWDOWN)
    s.server.wait_log(r"ran out of backends", timeout=20 * SLOWDOWN)
    # the server returns: the spooled Stop is delivered
    s.client.cmds("link L", "close")
    radius.start()
    s.server.wait_log(r"spooled accounting STOP delivered",
                      timeout=30 * SLOWDOWN)
    recs = radius.detail_records()
    stops = [r for r in recs if r.get("Acct-Status-Type") == "Stop"]
    assert stops and int(stops[0].get("Acct-Delay-Time", "0")) > 0, stops
    out = s.server.show("radius", "link L")
    assert re.search(r"Acct spooled   : [1-9]", out), out
    assert re.search(r"Acct delivered : [1-9]", out), out
    assert re.search(r"Acct waiting   : 0\r\n", out), out
    assert "RAD_ACCESS_ACCEPT" not in "\n".join(
        s.server.sink.messages()[mark:])


FAKE_PORT = 21950


def rad_attr(t, v):
    return bytes([t, len(v) + 2]) + v


def rad_reply(code, rid, req_auth, attrs, secret=SECRET):
    length = 20 + len(attrs)
    hdr = struct.pack(">BBH", code, rid, length)
    auth = hashlib.md5(hdr + req_auth + attrs + secret.encode()).digest()
    return hdr + auth + attrs


def msg_auth_ok(pkt, secret=SECRET):
    """The request carries a valid Message-Authenticator (RFC 3579 3.2)."""
    import hmac
    off = 20
    while off + 2 <= len(pkt):
        t, ln = pkt[off], pkt[off + 1]
        if ln < 2:
            return False
        if t == 80 and ln == 18:
            z = pkt[:off + 2] + b"\0" * 16 + pkt[off + 18:]
            mac = hmac.new(secret.encode(), z, hashlib.md5).digest()
            return mac == pkt[off + 2:off + 18]
        off += ln
    return False


def fake_server(lab, stop, seen):
    """
    A RADIUS 'server' answering every Access-Request with a burst of bad
    replies first, then a valid Access-Accept.  Returns the thread.
    """
    import threading
    sock = ns_socket(lab.ns_a, socket.AF_INET, socket.SOCK_DGRAM,
                     bind=("127.0.0.1", FAKE_PORT), timeout=0.2)
    lab.sockets.append(sock)

    def run():
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 20 or data[0] != 1:
                continue
            if not msg_auth_ok(data):
                continue          # `set radius enable message-authentic`
            seen.append(data)
            rid, ra = data[1], data[4:20]
            good_attrs = rad_attr(8, socket.inet_aton(FRAMED_IP))
            good = rad_reply(2, rid, ra, good_attrs)
            bad = [
                good[:10],                                   # truncated
                good[:2] + struct.pack(">H", 200) + good[4:],  # length > dgram
                rad_reply(2, rid, ra, b"\x08\x01\x00\x00\x00\x00"),  # len 1
                rad_reply(2, rid, ra, b"\x08\xf0" + b"\x00" * 4),  # oversized
                rad_reply(2, (rid + 1) & 0xff, ra, good_attrs),  # wrong id
                rad_reply(5, rid, ra, good_attrs),           # wrong code
                good[:4] + os.urandom(16) + good[20:],        # bad auth
                rad_reply(2, rid, ra, good_attrs, secret="other"),
                b"\x02" + bytes([rid]) + b"\x00\x14" + b"\x00" * 4000,
            ]
            for b in bad:
                sock.sendto(b, peer)
            time.sleep(0.05)
            sock.sendto(good, peer)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_bad_replies_and_radsrv_flood(ppp_lab, radius):
    import threading
    stop = threading.Event()
    seen = []
    fake_server(ppp_lab, stop, seen)
    try:
        s = ppp_lab.session(rad_config(
            "radpap", "radpass1", servers=((FAKE_PORT, 0),), acct=False,
            extra=DAE + ["set radius timeout 3",
                         "set radius enable message-authentic"]))
    finally:
        stop.set()
    assert seen, "no request with a valid Message-Authenticator"
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == FRAMED_IP
    out = s.server.show("radius", "link " + s.srv_link)
    counts = dict(re.findall(r"\t([A-Z][\w .]+?)\s*: (\d+)\r\n", out))
    assert int(counts["Malformed"]) >= 4, out
    assert int(counts["Wrong id"]) >= 1, out
    assert int(counts["Wrong code"]) >= 1, out
    assert int(counts["Bad authentic."]) >= 2, out
    # a flood of garbage and forged requests at the DAE port
    fl = ns_socket(ppp_lab.ns_a, socket.AF_INET, socket.SOCK_DGRAM)
    ppp_lab.sockets.append(fl)
    rnd = __import__("random").Random(8)
    for i in range(3000):
        kind = i % 4
        if kind == 0:
            pkt = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 60)))
        elif kind == 1:      # well formed, forged authenticator
            attrs = rad_attr(1, b"radpap")
            pkt = struct.pack(">BBH", 40, i & 0xff, 20 + len(attrs)) + \
                os.urandom(16) + attrs
        elif kind == 2:      # truncated attribute
            pkt = struct.pack(">BBH", 43, i & 0xff, 24) + b"\x00" * 16 + \
                b"\x01\x09ab"
        else:                # unexpected code
            pkt = struct.pack(">BBH", 2, i & 0xff, 20) + b"\x00" * 16
        fl.sendto(pkt, ("127.0.0.1", 3799))
        if i % 50 == 49:
            time.sleep(0.01)     # stay below the socket buffer
    wait_for(lambda: int(re.search(r"Received      : (\d+)",
                                   s.server.show("radsrv")).group(1))
             >= 2900, IO_TIMEOUT, "radsrv to read the flood")
    out = s.server.show("radsrv")
    assert re.search(r"Bad authentic\.: 7\d\d\r\n", out), out
    assert re.search(r"Malformed     : \d{4}\r\n", out), out
    assert re.search(r"ACKs sent     : 0\r\n", out), out
    # the session and the DAE server still work
    rc, out = radclient(ppp_lab, "coa", 'User-Name = "radpap"\n'
                        'Idle-Timeout = 600\n')
    assert rc == 0 and "Received CoA-ACK" in out, out
    assert tun_addrs(ppp_lab.ns_b)


def server_session(lab, cfg, **kw):
    """A server of cfg started with NsMpd's extra kw (args, env) and a
    client of cfg, up: (session, server, client)."""
    from ppp_lab import NsMpd, Session
    m = NsMpd(lab.ns_a, os.path.join(lab.workdir, "server"),
              conf=cfg.server_conf(), secret=cfg.server_secret(),
              label="server", **kw)
    lab.daemons.append(m)
    m.start()
    cli = lab.start_client(cfg)
    s = Session(lab, cfg, m, cli)
    wait_session_up(s)
    return s, m, cli


def test_pam_pwdfile(ppp_lab):
    """pam-auth through a private PAM service using pam_pwdfile."""
    svc = "mpdtest-%d" % os.getpid()
    pamfile = "/etc/pam.d/" + svc
    pwd = os.path.join(ppp_lab.workdir, "passwd")
    h = subprocess.run(["openssl", "passwd", "-6", "pampass1"],
                       stdout=subprocess.PIPE, check=True).stdout.decode()
    with open(pwd, "w") as f:
        f.write("pamuser:%s\n" % h.strip())
    with open(pamfile, "w") as f:
        f.write("auth    required  pam_pwdfile.so pwdfile=%s\n"
                "account required  pam_permit.so\n" % pwd)
    try:
        cfg = Config(auth="pap", client_name="pamuser",
                     client_password="pampass1",
                     server_extra=["set auth disable internal",
                                   "set auth enable pam-auth"])
        s, m, cli = server_session(ppp_lab, cfg, args=("-m", svc))
        assert "AUTH: PAM returned: authenticated" in m.log_text()
        # a wrong password is refused by PAM
        cli.cmds("link L", "close")
        m.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
        cli.cmds("link L", "set auth password wrong", "open")
        m.wait_log(r"AUTH: PAM error: Authentication failure")
        m.wait_log(r"PAP: Auth return status: failed")
    finally:
        os.unlink(pamfile)


@pytest.mark.parametrize("proto", ["pap", "chap-md5", "chap-msv2"])
def test_pppoe_accounting(ppp_lab, radius, proto):
    """PPPoE through RADIUS, Calling-Station-Id = peer MAC."""
    import test_pppoe as tp
    srv = ppp_lab.daemon(ppp_lab.ns_a, "server", tp.server_conf(
        auth=proto, extra=radius_lines()), tp.SERVER_SECRET,
        "server").start()
    cli = tp.start_client(ppp_lab, auth=proto)
    b, lnk = tp.wait_pppoe_session(ppp_lab, srv, cli)
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == "10.232.3.11"
    assert "RAD_ACCESS_ACCEPT" in srv.log_text()
    out = srv.show("auth", "link " + lnk)
    assert ("\tMPPE Keys       : yes\r\n" in out) == \
        (proto == "chap-msv2"), out
    mac = ip_link_mac(ppp_lab.ns_b, "vB")
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Start"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Start record")
    start = [r for r in radius.detail_records()
             if r.get("Acct-Status-Type") == "Start"][0]
    assert start["NAS-Port-Type"] == "Ethernet", start
    assert start["NAS-Port-Id"] == "vA", start
    # mpd5's vendor attributes, named by conf/dictionary.mpd
    assert start["mpd-link"] == lnk and start["mpd-bundle"] == b, start
    assert start["mpd-iface"].startswith("ng"), start
    assert start["Tunnel-Medium-Type:0"] == "IEEE-802" or \
        start.get("Tunnel-Medium-Type") == "IEEE-802", start
    assert mac.replace(":", "").lower() in \
        start["Calling-Station-Id"].replace(":", "").replace("-", "") \
        .replace(".", "").lower(), (mac, start)
    cli.cmds("link C", "close")
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Stop"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Stop record")


def ip_link_mac(ns, dev):
    from ppp_lab import ip
    out = ip("-n", ns, "link", "show", dev)
    return re.search(r"link/ether (\S+)", out).group(1)


def test_eap_radius_proxy(ppp_lab, radius):
    """EAP relayed to FreeRADIUS (RFC 3579): Identity, then EAP-MD5."""
    cfg = Config(auth="eap-md5", client_name="radpap",
                 client_password="radpass1",
                 server_extra=radius_lines(acct=False) +
                 ["set eap disable md5", "set eap enable radius-proxy"])
    s = ppp_lab.session(cfg)
    log = srv_log(s)
    assert "EAP: relaying Identity to RADIUS" in log
    assert "EAP: relaying MD5" in log
    assert "RAD_ACCESS_CHALLENGE" in log and "RAD_ACCESS_ACCEPT" in log
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == FRAMED_IP
    # a wrong password: FreeRADIUS rejects, the peer gets EAP Failure
    s.client.cmds("link L", "close")
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)
    s.client.cmds("link L", "set auth password wrong", "open")
    s.server.wait_log(r"RAD_ACCESS_REJECT")
    s.client.wait_log(r"EAP: rec'd FAILURE")


EXTACCT = r"""#!/bin/sh
# records the request; asks to drop the user on its first UPDATE
req=$(sed '/^$/q')
printf '%s\n====\n' "$req" >> "@OUT@"
case "$req" in
*ACCT_STATUS_TYPE:UPDATE*) printf 'MPD_DROP_USER:1\n\n' ;;
*) printf '\n' ;;
esac
"""


def test_ext_acct_script(ppp_lab):
    """ext-acct: START / UPDATE / STOP requests; MPD_DROP_USER closes."""
    out = os.path.join(ppp_lab.workdir, "acct.out")
    script = os.path.join(ppp_lab.workdir, "acct.sh")
    with open(script, "w") as f:
        f.write(EXTACCT.replace("@OUT@", out))
    os.chmod(script, 0o755)
    s = ppp_lab.session(Config(auth="pap", server_extra=[
        "set auth enable ext-acct", "set auth extacct-script " + script,
        "set auth acct-update 2"]))
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link,
                      timeout=20 * SLOWDOWN)
    wait_for(lambda: os.path.exists(out) and
             open(out).read().count("====") >= 3, IO_TIMEOUT,
             "three ext-acct requests")
    reqs = [dict(l.split(":", 1) for l in r.strip().split("\n") if ":" in l)
            for r in open(out).read().split("====") if r.strip()]
    assert [r["ACCT_STATUS_TYPE"] for r in reqs[:3]] == \
        ["START", "UPDATE", "STOP"], reqs
    start, upd, stop = reqs[:3]
    assert list(start)[:4] == ["ACCT_STATUS_TYPE", "ACCT_SESSION_ID",
                               "ACCT_MULTI_SESSION_ID", "USER_NAME"], start
    assert start["USER_NAME"] == CLI_NAME and start["LINK"] == s.srv_link
    assert start["FRAMED_IP_ADDRESS"] == CLI_TUN, start
    assert "ACCT_INPUT_OCTETS" not in start
    assert int(upd["ACCT_INPUT_OCTETS"]) >= 0 and "ACCT_SESSION_TIME" in upd
    assert stop["ACCT_TERMINATE_CAUSE"] == "Manual", stop
    assert int(stop["ACCT_SESSION_TIME"]) >= 2, stop


def test_shutdown_sends_stop(ppp_lab, radius):
    """SIGTERM: the Stop (Admin-Reboot) reaches the server before exit."""
    s = ppp_lab.session(rad_config("radpap", "radpass1"))
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Start"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Start record")
    s.server.stop()
    stops = [r for r in radius.detail_records()
             if r.get("Acct-Status-Type") == "Stop"]
    assert stops and stops[0]["Acct-Terminate-Cause"] == "Admin-Reboot", \
        radius.detail_records()


def test_acct_mandatory_start_fails(ppp_lab):
    """Local login, accounting to a dead server: acct-mandatory closes."""
    s = ppp_lab.session(Config(auth="pap", server_extra=[
        "set auth enable radius-acct", "set radius timeout 1",
        "set radius retries 1",
        "set radius server 127.0.0.1 %s 21899 21898" % SECRET]))
    s.server.wait_log(r"\[%s\] ACCT: Accounting START failed, closing the "
                      r"link" % s.srv_link, timeout=20 * SLOWDOWN)
    s.server.wait_log(r"\[%s\] Link: DOWN event" % s.srv_link)


def test_spooled_interims_coalesce(ppp_lab, radius):
    """Servers down: the waiting Interim-Updates of a session become one."""
    s = ppp_lab.session(rad_config("radacct", "radpass5"))
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Interim-Update"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "a first Interim-Update")
    radius.stop()
    before = len(radius.detail_records())
    s.server.wait_log(r"accounting UPDATE spooled", timeout=20 * SLOWDOWN)
    time.sleep(7)               # three more intervals of 2 s
    out = s.server.show("radius", "link " + s.srv_link)
    waiting = int(re.search(r"Acct waiting   : (\d+)", out).group(1))
    assert 1 <= waiting <= 2, out
    radius.start()
    s.server.wait_log(r"spooled accounting UPDATE delivered",
                      timeout=30 * SLOWDOWN)
    wait_for(lambda: len(radius.detail_records()) > before, IO_TIMEOUT,
             "the delivered update")


PAM_SESSION_SCRIPT = r"""#!/bin/sh
echo "$PAM_TYPE $PAM_USER $PAM_RHOST" >> "@OUT@"
"""


def test_pam_acct_sessions(ppp_lab):
    """pam-acct: a PAM session opened at Start, closed at Stop (pam_exec)."""
    svc = "mpdacct-%d" % os.getpid()
    pamfile = "/etc/pam.d/" + svc
    out = os.path.join(ppp_lab.workdir, "pam.out")
    script = os.path.join(ppp_lab.workdir, "pamsess.sh")
    with open(script, "w") as f:
        f.write(PAM_SESSION_SCRIPT.replace("@OUT@", out))
    os.chmod(script, 0o755)
    with open(pamfile, "w") as f:
        f.write("auth    required pam_permit.so\n"
                "session required pam_exec.so %s\n" % script)
    try:
        cfg = Config(auth="pap", server_extra=["set auth enable pam-acct"])
        s, m, cli = server_session(ppp_lab, cfg, args=("-m", svc))
        wait_for(lambda: os.path.exists(out) and "open_session" in
                 open(out).read(), IO_TIMEOUT, "PAM open_session")
        cli.cmds("link L", "close")
        wait_for(lambda: "close_session" in open(out).read(), IO_TIMEOUT,
                 "PAM close_session")
        lines = open(out).read().split("\n")
        assert lines[0].startswith("open_session %s " % CLI_NAME), lines
        assert lines[1].startswith("close_session %s " % CLI_NAME), lines
    finally:
        os.unlink(pamfile)


def test_radius_wire_decodes(ppp_lab, radius):
    """Every RADIUS datagram on the wire decodes in tshark, authenticators
    validated with the shared secret (Access, Accounting, CoA/Disconnect)."""
    from ppp_lab import Capture, ERROR_SEVERITY
    pcap = os.path.join(ppp_lab.workdir, "radius.pcap")
    cap = Capture(ppp_lab, ppp_lab.ns_a, "lo",
                  "udp port %d or udp port %d or udp port 3799"
                  % (AUTH_PORT, ACCT_PORT), pcap)
    s = ppp_lab.session(rad_config(
        "radpap", "radpass1",
        extra=DAE + ["set radius enable message-authentic"]))
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Start"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Start record")
    rc, out = radclient(ppp_lab, "coa", 'User-Name = "radpap"\n'
                        'Session-Timeout = 600\n')
    assert rc == 0, out
    rc, out = radclient(ppp_lab, "disconnect", 'User-Name = "radpap"\n')
    assert rc == 0, out
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Stop"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Stop record")
    time.sleep(0.5)
    cap.stop()
    p = subprocess.run(
        ["tshark", "-n", "-r", pcap,
         "-d", "udp.port==%d,radius" % AUTH_PORT,
         "-d", "udp.port==%d,radius" % ACCT_PORT,
         "-o", "radius.shared_secret:" + SECRET,
         "-o", "radius.validate_authenticator:TRUE",
         "-T", "fields", "-E", "separator=\x01", "-E", "occurrence=a",
         "-e", "frame.number", "-e", "_ws.col.Protocol", "-e",
         "_ws.col.Info", "-e", "_ws.malformed", "-e",
         "_ws.expert.severity", "-e", "_ws.expert.message"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    rows = [l.split("\x01") for l in p.stdout.decode().splitlines()]
    info = " | ".join(r[2] for r in rows)
    for want in ("Access-Request", "Access-Accept", "Accounting-Request",
                 "Accounting-Response", "CoA-ACK", "Disconnect-ACK"):
        assert want in info, info
    bad = [r for r in rows if r[1] != "RADIUS" or r[3] or any(
        x.isdigit() and int(x) >= ERROR_SEVERITY for x in r[4].split(","))]
    assert not bad, bad
    # the authenticators: tshark checks them with the shared secret (and
    # flags them all with a wrong one, the control)
    for secret, field in ((SECRET, "valid"), ("wrong", "invalid")):
        p = subprocess.run(
            ["tshark", "-n", "-r", pcap,
             "-d", "udp.port==%d,radius" % AUTH_PORT,
             "-d", "udp.port==%d,radius" % ACCT_PORT,
             "-o", "radius.shared_secret:" + secret,
             "-o", "radius.validate_authenticator:TRUE",
             "-T", "fields", "-E", "separator=\x01",
             "-e", "_ws.col.Info", "-e", "radius.authenticator.valid",
             "-e", "radius.authenticator.invalid"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        resp = [l.split("\x01") for l in p.stdout.decode().splitlines()
                if re.search(r"Accept|Response|ACK", l)]
        assert len(resp) >= 5, p.stdout.decode()
        # ours (CoA-ACK, Disconnect-ACK) and FreeRADIUS's answers to ours
        assert all(r[1 if field == "valid" else 2] == "1" for r in resp), \
            (secret, p.stdout.decode())


def test_radius_conf_file(ppp_lab, radius):
    """`set radius config`: servers from a radius.conf(5) file."""
    conf = os.path.join(ppp_lab.workdir, "radius.conf")
    with open(conf, "w") as f:
        f.write("# radius.conf(5)\n"
                "auth 127.0.0.1:21899 \"%s\" 1 1\n"      # dead, tried first
                "auth 127.0.0.1:%d \"%s\" 2 2\n"
                "acct 127.0.0.1:%d %s\n" % (SECRET, AUTH_PORT, SECRET,
                                            ACCT_PORT, SECRET))
    s = ppp_lab.session(Config(
        auth="pap", client_name="radpap", client_password="radpass1",
        server_extra=["set auth disable internal",
                      "set auth enable radius-auth radius-acct",
                      "set radius config " + conf]))
    assert list(tun_addrs(ppp_lab.ns_b).values())[0][0] == FRAMED_IP
    assert "server 127.0.0.1 21899 not responding" in s.server.log_text()
    wait_for(lambda: any(r.get("Acct-Status-Type") == "Start"
                         for r in radius.detail_records()),
             IO_TIMEOUT, "Start record")


def test_system_acct_utmp(ppp_lab):
    """system-acct: utmp/wtmp login and logout records (private files)."""
    utmp = os.path.join(ppp_lab.workdir, "utmp")
    wtmp = os.path.join(ppp_lab.workdir, "wtmp")
    for f in (utmp, wtmp):
        open(f, "wb").close()
    cfg = Config(auth="pap", server_extra=["set auth enable system-acct"])
    s, m, cli = server_session(
        ppp_lab, cfg, env={"MPD_UTMP_FILE": utmp, "MPD_WTMP_FILE": wtmp})

    def dump(path):
        return subprocess.run(["utmpdump", path], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode()
    wait_for(lambda: "[%s" % CLI_NAME in dump(utmp), IO_TIMEOUT,
             "the login in utmp")
    cli.cmds("link L", "close")
    wait_for(lambda: dump(wtmp).count("\n") >= 2, IO_TIMEOUT,
             "login and logout in wtmp")
    recs = [l for l in dump(wtmp).splitlines() if l.startswith("[")]
    assert recs[0].startswith("[7]") and "[%s" % CLI_NAME in recs[0], recs
    assert recs[1].startswith("[8]"), recs
    # the login line is the link's name in both
    line = re.findall(r"\[([^\]]*)\]", recs[0])[4].strip()
    assert line.startswith("L-") and line in recs[1], recs
