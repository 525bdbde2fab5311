"""
CCP on the kernel data plane (src/dp/kernel.c, ppp/ccp_run.c hooks)
inside the lab guest.  One mpd5 PPPoE server in the guest's root
namespace (`set global dataplane auto`, compression enabled, MS-CHAPv2)
serves two clients, each in its own namespace behind its own veth pair:

    pppd + rp-pppoe.so `require-mppe-128` (ns kc<pid>1), into a bundle
    with `crypt-reqd`
        -> MPPE 128-bit stateless runs in ppp_mppe: the bundle stays on
           the kernel backend (`show iface`/`show bundle`: kernel), its
           unit held IP until MPPE ran (NP mode), and `show ccp`'s
           counters (the kernel's, SIOCGPPPCSTATS) carry the TCP stream;
    an mpd5 client with only `set mppc yes compress` (ns kc<pid>2, tun)
        -> MPPC, which the kernel can't do: that bundle moves to a TUN
           device of the same ngN name ("tun (MPPC negotiated)") while
           the first one stays a ppp unit;
    pppd `nomppe deflate 15` over Debian's user-space pppoe client (ns
        kc<pid>3; rp-pppoe.so turns Deflate off)
        -> Deflate (window 15 both ways) runs in ppp_deflate: kernel.

Both pass pings and a TCP stream with a sha256 at both ends (xfer.py).
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_stream
from test_kernel_dp import assert_clean_log, ppp_links, start_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
SRV_ADDR = "10.83.0.1"
POOL = ("10.83.0.10", "10.83.0.20")
PORT = 5007
XFER_BYTES = 1 << 19


def server_conf(va1, va2, va3):
    lines = [
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tlog +iface2 +phys2 +ccp +ccp2",
        "server:",
        "\tset ippool add pool1 %s %s" % POOL]
    # BE: B that insists on encryption (its unit holds IP until MPPE runs)
    for b, extra in (("B", []), ("BE", ["\tset bundle enable crypt-reqd"])):
        lines += [
            "\tcreate bundle template %s" % b,
            "\tset ipcp ranges %s/32 ippool pool1" % SRV_ADDR,
            "\tset iface idle 3600",
            "\tset bundle enable compression",
            "\tset ccp yes mppc deflate",
            "\tset mppc yes e128 stateless",
            "\tset mppc accept compress"] + extra
    for name, veth, b in (("L1", va1, "BE"), ("L2", va2, "B"),
                          ("L3", va3, "B")):
        lines += ["\tcreate link template %s pppoe" % name,
                  "\tset link action bundle %s" % b,
                  "\tset link enable chap-msv2",
                  "\tset pppoe iface %s" % veth,
                  '\tset pppoe service "*"',
                  "\tset link enable incoming"]
    return "\n".join(lines + [""])


def mppc_client_conf(vb):
    return "\n".join([
        "startup:",
        "\tset global dataplane tun",
        "\tlog +ccp",
        "client:",
        "\tcreate bundle static B",
        "\tset bundle enable compression",
        "\tset ccp yes mppc deflate",
        "\tset mppc yes compress",
        "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
        "\tcreate link static C pppoe",
        "\tset link action bundle B",
        "\tset auth authname %s" % CLI_NAME,
        "\tset auth password %s" % CLI_PASS,
        "\tset pppoe iface %s" % vb,
        '\tset pppoe service ""',
        "\topen",
        ""])


@pytest.fixture
def ccp_lab(lab):
    """Two veth pairs, one peer namespace each; removed afterwards."""
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"dir": "/tmp/kccp" + tag, "pids": []}
    for i in (1, 2, 3):
        k["ns%d" % i] = "kc%s%d" % (tag, i)
        k["va%d" % i] = "kc%s%da" % (tag, i)
        k["vb%d" % i] = "kc%s%db" % (tag, i)
    cmds = ["mkdir -p %s/c" % k["dir"]]
    for i in (1, 2, 3):
        cmds.append("ip netns add {ns} && ip link add {va} type veth peer "
                    "name {vb} && ip link set {vb} netns {ns} && ip link set "
                    "{va} up && ip -n {ns} link set lo up && ip -n {ns} link "
                    "set {vb} up".format(ns=k["ns%d" % i], va=k["va%d" % i],
                                         vb=k["vb%d" % i]))
    g.run(" && ".join(cmds), check=True)
    g.write(k["dir"] + "/mpd.conf", server_conf(k["va1"], k["va2"], k["va3"]))
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    g.write(k["dir"] + "/c/mpd.conf", mppc_client_conf(k["vb2"]))
    yield k
    for pid in reversed(k["pids"]):
        g.kill(pid)
    g.run("ip netns del {ns1}; ip netns del {ns2}; ip netns del {ns3}; "
          "ip link del {va1}; ip link del {va2}; ip link del {va3}"
          .format(**k))


def console(g, bundle, cmd):
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' '%s'"
                    % (CONSOLE_PY, PORT, bundle, cmd), timeout=60)
    assert rc == 0, out
    return out


def tcp_stream(g, ns, port, nbytes):
    """A TCP stream from namespace ns to the server's address."""
    guest_stream(g, "/tmp/kccp-recv-%d.log" % port, ns, None, SRV_ADDR, port,
                 nbytes)


def peer_addr(g, ns, dev):
    _, out = g.run("ip -n %s -4 -o addr show dev %s 2>/dev/null"
                   % (ns, dev))
    m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
    return m.groups() if m else None


def test_kernel_mppe_and_mppc_fallback(lab, ccp_lab):
    g, k = lab.guest, ccp_lab
    log = k["dir"] + "/mpd.log"
    start_mpd(g, k, log)
    plog = k["dir"] + "/pppd.log"
    k["pids"].append(g.spawn(
        "exec ip netns exec %s pppd nodetach debug logfile %s "
        "plugin rp-pppoe.so nic-%s user %s password %s noauth refuse-eap "
        "noipdefault nodefaultroute novj require-mppe-128 nobsdcomp "
        "nodeflate" % (k["ns1"], plog, k["vb1"], CLI_NAME, CLI_PASS),
        log=plog + ".out"))
    dlog = k["dir"] + "/pppd-deflate.log"
    k["pids"].append(g.spawn(
        "exec ip netns exec %s pppd nodetach debug logfile %s "
        "pty 'pppoe -I %s' noaccomp default-asyncmap mtu 1492 mru 1492 "
        "user %s password %s noauth refuse-eap noipdefault "
        "nodefaultroute novj nomppe deflate 15 nobsdcomp nopredictor1" % (
            k["ns3"], dlog, k["vb3"], CLI_NAME, CLI_PASS),
        log=dlog + ".out"))
    clog = k["dir"] + "/c/mpd.log"
    from conftest import MPD_BIN
    k["pids"].append(g.spawn(
        "exec ip netns exec %s %s -d %s/c -p %s/c/mpd.pid client" % (
            k["ns2"], MPD_BIN, k["dir"], k["dir"]), log=clog))

    def logs():
        with open("/tmp/kccp-server.log", "w") as f:
            f.write(g.read(log))
        return "---- pppd ----\n%s\n---- pppd deflate ----\n%s\n---- " \
            "client ----\n%s\n---- server ----\n%s" % (
                g.read(plog)[-3000:], g.read(dlog)[-3000:],
                g.read(clog)[-3000:], g.read(log)[-6000:])
    try:
        wait_for(lambda: peer_addr(g, k["ns1"], "ppp0") and
                 peer_addr(g, k["ns2"], "ng0") and
                 peer_addr(g, k["ns3"], "ppp0"), GUEST_TIMEOUT,
                 "the three sessions up", interval=0.5)
        wait_for(lambda: "MPPE 128-bit stateless compression enabled" in
                 g.read(plog), GUEST_TIMEOUT, "pppd's MPPE", interval=0.5)
        wait_for(lambda: "Deflate (15) compression enabled" in
                 g.read(dlog), GUEST_TIMEOUT, "pppd's Deflate",
                 interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    text = g.read(log)
    m = re.search(r"\[(B-\d+)\] IFACE: MPPC negotiated: (ng\d+) moves to "
                  r"the tun data plane", text)
    assert m, logs()
    tun_b, tun_if = m.groups()
    units = dict(re.findall(r"\[(BE?-\d+)\] IFACE: ppp unit \d+ is "
                            r"(ng\d+)", text))
    units.pop(tun_b, None)
    assert len(units) == 2, logs()
    # which kernel bundle is which: the link of each (L1: MPPE, L3)
    kern_b = re.search(r"\[L1-\d+\] Link: Join bundle \"(BE-\d+)\"",
                       text).group(1)
    # crypt-reqd: its unit held IP from its creation until MPPE ran
    held = re.search(r"\[%s\] IFACE: ppp unit \d+: IP frames held until "
                     r"encryption is up" % kern_b, text)
    passed = re.search(r"\[%s\] IFACE: ppp unit \d+: IP frames pass"
                       % kern_b, text)
    assert held and passed and held.start() < passed.start(), logs()
    defl_b = re.search(r"\[L3-\d+\] Link: Join bundle \"(B-\d+)\"",
                       text).group(1)
    kern_if, defl_if = units[kern_b], units[defl_b]
    # two ppp units left; the MPPC bundle's ngN is a TUN now
    assert ppp_links(g) == sorted([kern_if, defl_if]), \
        g.run("ip -d link")[1]
    _, out = g.run("ip -d link show %s" % tun_if)
    assert "tun" in out, out

    out = console(g, kern_b, "show iface")
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    out = console(g, kern_b, "show bundle")
    assert "\tData plane     : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    out = console(g, tun_b, "show iface")
    assert "\tData plane      : tun (MPPC negotiated)\r\n" in out, out
    out = console(g, tun_b, "show bundle")
    assert "\tData plane     : tun (MPPC negotiated)\r\n" in out, out
    out = console(g, tun_b, "show ccp")
    assert "\tProto\t: mppc (MPPC)\r\n" in out, out

    # traffic on both: the MPPE one through ppp_mppe, the MPPC one in
    # the daemon
    out = console(g, defl_b, "show iface")
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    for ns in (k["ns1"], k["ns2"], k["ns3"]):
        rc, out = g.run("ip netns exec %s ping -n -c 2 -i 0.3 -W 3 %s"
                        % (ns, SRV_ADDR), timeout=40)
        assert rc == 0, "%s: %s\n%s\n%s\n%s\n%s" % (
            ns, out, console(g, tun_b, "show bundle"),
            g.run("ip -s link; ip -4 addr; ip -4 route")[1],
            g.run("ip -n %s -s link; ip -n %s route" % (ns, ns))[1], logs())
    tcp_stream(g, k["ns1"], 5211, XFER_BYTES)
    tcp_stream(g, k["ns2"], 5212, XFER_BYTES // 4)
    tcp_stream(g, k["ns3"], 5213, XFER_BYTES // 4)

    # the kernel's decompressor carried the stream (SIOCGPPPCSTATS)
    out = console(g, kern_b, "show ccp")
    assert "\tProto\t: mppc (MPPE(128 bits), stateless)\r\n" in out, out
    dec = out.split("Incoming decompression:")[1]
    bytes_in = int(re.search(r"\tBytes\t: (\d+) -> (\d+)", dec).group(1))
    assert bytes_in >= XFER_BYTES, out
    # ppp_deflate inflated the third stream (xfer.py's blocks repeat a
    # 32-byte digest: they compress well)
    out = console(g, defl_b, "show ccp")
    assert "\tProto\t: deflate (win 15)\r\n" in out, out
    dec = out.split("Incoming decompression:")[1]
    b_in, b_out = map(int, re.search(r"\tBytes\t: (\d+) -> (\d+)",
                                     dec).groups())
    assert b_out >= XFER_BYTES // 4 and b_in < b_out // 4, out
    # and the ppp unit counted it, the daemon did not see it
    _, out = g.run("cat /sys/class/net/%s/statistics/rx_bytes" % kern_if)
    assert int(out.strip()) >= XFER_BYTES, out

    assert g.status(k["pids"][0]) is None, logs()
    g.kill(k["pids"].pop())             # the mpd5 client
    g.kill(k["pids"].pop())             # pppd (Deflate)
    g.kill(k["pids"].pop())             # pppd (MPPE)
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert_clean_log(g.read(log))
    assert_clean_log(g.read(clog))
