"""
IPCP addressing, DNS and the interface up/down scripts between two mpd5
daemons in two namespaces (issue 3; surface spec 4.3.6, 4.4.2, 4.4.3,
5.9, 5.10 `show ippool`, 9.1, 11.4).
"""

import os
import re

import pytest

from ppp_lab import (CLI_IP, CLI_NAME, CLI_TUN, DNS1, DNS2, POOL_FIRST,
                     SECRET_IP, SRV_IP, SRV_TUN, Config, WireCapture, first,
                     log_mark, parse_script_calls, ping, ppp_lab,  # noqa: F401
                     tun_addrs, wait_for, wait_session_up)


def only_tun(ns):
    addrs = tun_addrs(ns)
    assert len(addrs) == 1, addrs
    return list(addrs.items())[0]


def show_iface_name(mpd, bundle):
    out = mpd.show("iface", "bundle " + bundle)
    m = re.search(r"Interface status:\r\n(?:\t.*\r\n)*?\tName            : "
                  r"(\S+)\r\n", out)
    assert m, out
    return m.group(1)


def test_addresses_from_ranges(ppp_lab):
    s = ppp_lab.session(Config())
    # kernel: ngN point-to-point addresses in both namespaces
    ifname, (local, peer) = only_tun(ppp_lab.ns_a)
    assert (local, peer) == (SRV_TUN, CLI_TUN)
    assert re.match(r"^ng\d+$", ifname), ifname
    assert ifname == show_iface_name(s.server, s.srv_bundle)
    cif, (clocal, cpeer) = only_tun(ppp_lab.ns_b)
    assert (clocal, cpeer) == (CLI_TUN, SRV_TUN)
    assert cif == show_iface_name(s.client, "B")
    out = s.server.show("ipcp", "bundle " + s.srv_bundle)
    assert ("Allowed IP address ranges:\r\n\tSelf: %s/32\r\n\tPeer: %s/32\r\n"
            % (SRV_TUN, CLI_TUN)) in out, out
    assert ("Current addressing:\r\n\tSelf: %s\r\n\tPeer: %s\r\n"
            % (SRV_TUN, CLI_TUN)) in out, out
    out = s.client.show("ipcp", "bundle B")
    assert ("Allowed IP address ranges:\r\n\tSelf: 0.0.0.0/0\r\n"
            "\tPeer: 0.0.0.0/0\r\n") in out, out
    assert ("Current addressing:\r\n\tSelf: %s\r\n\tPeer: %s\r\n"
            % (CLI_TUN, SRV_TUN)) in out, out
    out = s.client.show("iface", "bundle B")
    assert "\tIP Addresses    : %s/32 -> %s\r\n" % (CLI_TUN, SRV_TUN) in out, out
    ping(ppp_lab.ns_b, SRV_TUN)


def test_addresses_from_ippool_and_released_on_down(ppp_lab):
    s = ppp_lab.session(Config(addr="ippool"))
    assert only_tun(ppp_lab.ns_b)[1] == (POOL_FIRST, SRV_TUN)
    assert only_tun(ppp_lab.ns_a)[1] == (SRV_TUN, POOL_FIRST)
    out = s.server.show("ipcp", "bundle " + s.srv_bundle)
    assert "\tPeer: ippool pool1\r\n" in out, out
    out = s.server.show("ippool")
    assert out == "Available IP pools:\r\n\tpool1:\tused    1 of   11\r\n", \
        repr(out)
    ping(ppp_lab.ns_b, SRV_TUN)

    # the client hangs up: the address goes back to the pool ...
    mark = log_mark(s.server)
    s.client.cmds("link L", "close")
    wait_for(lambda: "used    0 of   11" in s.server.show("ippool"), 15,
             "pool address released")
    wait_for(lambda: not tun_addrs(ppp_lab.ns_b), 10, "client ngN down")
    # ... and the next session gets the same (lowest free) address again
    s.client.cmds("link L", "open")
    wait_session_up(s, since=mark)
    assert only_tun(ppp_lab.ns_b)[1] == (POOL_FIRST, SRV_TUN)
    ping(ppp_lab.ns_b, SRV_TUN)


def test_address_from_secret_ip_column(ppp_lab):
    # mpd.secret column 3 wins over `set ipcp ranges` (spec 4.4.3 priority)
    s = ppp_lab.session(Config(auth="chap-md5", addr="secret"))
    assert only_tun(ppp_lab.ns_b)[1] == (SECRET_IP, SRV_TUN)
    assert only_tun(ppp_lab.ns_a)[1] == (SRV_TUN, SECRET_IP)
    out = s.server.show("auth", "link " + s.srv_link)
    assert re.search(r"\tIP range        : %s(/32)?\r\n" % re.escape(SECRET_IP),
                     out), out
    ping(ppp_lab.ns_b, SRV_TUN)


def test_secret_ip_column_beats_ippool(ppp_lab):
    cfg = Config(auth="pap", addr="ippool",
                 secret_lines=["%s %s %s" % (CLI_NAME, "bar-Secret2",
                                             SECRET_IP)])
    s = ppp_lab.session(cfg)
    assert only_tun(ppp_lab.ns_b)[1] == (SECRET_IP, SRV_TUN)
    # nothing was taken from the pool
    assert "used    0 of   11" in s.server.show("ippool")


def test_dns_delivered(ppp_lab):
    cfg = Config(dns=True, scripts=True)
    wire = WireCapture(ppp_lab, cfg)
    s = ppp_lab.session(cfg)
    out = s.client.show("ipcp", "bundle B")
    assert ("Server info peer gave to us:\r\n"
            "DNS servers : %15s  %15s\r\n" % (DNS1, DNS2)) in out, out
    out = s.server.show("ipcp", "bundle " + s.srv_bundle)
    assert ("Server info we give to peer:\r\n"
            "DNS servers : %15s  %15s\r\n" % (DNS1, DNS2)) in out, out
    # the up-script of the client gets them as "dns1 <ip>" "dns2 <ip>"
    calls = wait_for(lambda: parse_script_calls(
        os.path.join(s.client.dir, "up.calls")), 10, "client up-script")
    assert calls[0][5:7] == ["dns1 %s" % DNS1, "dns2 %s" % DNS2], calls
    # on the wire: the server Naks the client's 0.0.0.0 DNS requests
    wire.stop()
    wire.check()
    naks = wire.select(lambda r: first(r, "ppp.protocol") == "0x8021"
                       and first(r, "ppp.code") == "3"
                       and r["ipcp.opt.pri_dns_address"], src=SRV_IP)
    assert naks, "no IPCP Configure-Nak with DNS from the server"
    assert naks[0]["ipcp.opt.pri_dns_address"] == [DNS1], naks[0]
    assert naks[0]["ipcp.opt.sec_dns_address"] == [DNS2], naks[0]
    acks = wire.select(lambda r: first(r, "ppp.protocol") == "0x8021"
                       and first(r, "ppp.code") == "2"
                       and r["ipcp.opt.pri_dns_address"], src=SRV_IP)
    assert acks and acks[-1]["ipcp.opt.pri_dns_address"] == [DNS1], acks


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_up_down_script_arguments(ppp_lab, transport):
    cfg = Config(transport=transport, auth="chap-md5", dns=True,
                 scripts=True)
    s = ppp_lab.session(cfg)
    sif = show_iface_name(s.server, s.srv_bundle)
    cif = show_iface_name(s.client, "B")
    sup = os.path.join(s.server.dir, "up.calls")
    cup = os.path.join(s.client.dir, "up.calls")
    sdown = os.path.join(s.server.dir, "down.calls")
    cdown = os.path.join(s.client.dir, "down.calls")
    wait_for(lambda: parse_script_calls(sup) and parse_script_calls(cup), 10,
             "up-scripts")
    # spec 9.1, IPv4 up: iface inet self/width peer authname dns1 dns2
    # peer-address filter-id
    assert parse_script_calls(sup) == [
        [sif, "inet", SRV_TUN + "/32", CLI_TUN, CLI_NAME, "", "", CLI_IP, "-"]]
    assert parse_script_calls(cup) == [
        [cif, "inet", CLI_TUN + "/32", SRV_TUN, "-", "dns1 " + DNS1,
         "dns2 " + DNS2, SRV_IP, "-"]]
    assert not parse_script_calls(sdown) and not parse_script_calls(cdown)

    s.client.cmds("link L", "close")
    wait_for(lambda: parse_script_calls(sdown) and parse_script_calls(cdown),
             15, "down-scripts")
    # IPv4 down: iface inet self/width peer authname peer-address filter-id
    assert parse_script_calls(sdown) == [
        [sif, "inet", SRV_TUN + "/32", CLI_TUN, CLI_NAME, CLI_IP, "-"]]
    assert parse_script_calls(cdown) == [
        [cif, "inet", CLI_TUN + "/32", SRV_TUN, "-", SRV_IP, "-"]]
    # run once per protocol going down, not again at daemon shutdown
    assert len(parse_script_calls(sup)) == 1
