"""
The L2TP kernel channel (src/sys/l2tpnl.c, src/link/l2tp_ctrl.c) on the
kernel data plane inside the lab guest, whose kernel has l2tp_core,
l2tp_netlink and l2tp_ppp:

    guest root namespace                       guest netns kl<pid>
      mpd5 (this tree's binary), LNS             xl2tpd + pppd (pppol2tp)
      on kl<pid>a 10.76.0.1  <=== veth ===>      LAC on kl<pid>b 10.76.0.2
                  10.76.0.3

mpd5 keeps the control connection; the call's data is a kernel session
of a kernel tunnel created on mpd5's UDP socket (`ip l2tp show` lists
them), its PPP channel is connected to the ppp unit renamed ng0: `show
iface` says kernel, pings and a TCP stream cross and the kernel counts
the bytes.  Tear-down by the LAC (xl2tpd's StopCCN) leaves no kernel
tunnel or session.  A call into a bundle that an ng link also names
(tun backend, a second `self` address) is still a kernel channel, whose
descriptor carries every frame through user space: ping crosses.  A
SIGKILL of mpd5 takes its kernel tunnel and session with its descriptors.

The other way round, mpd5 as LAC on the kernel backend (`set global
dataplane kernel`, static bundle) dials xl2tpd + pppd as LNS in the
namespace: a kernel session again, ping, a TCP stream counted on ng0,
and mpd5's close (CDN, then StopCCN of the idle tunnel after
`l2tptimeout`) leaves no kernel tunnel or session.
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
LNS_ADDR = "10.78.0.1"
POOL = ("10.78.0.10", "10.78.0.20")
PORT = 5007
UNIT = 7                        # pppd's ppp7 in the LAC namespace
XFER_BYTES = 1 << 20


def lns_link(name, bundle, self_ip):
    return ["\tcreate link template %s l2tp" % name,
            "\tset link action bundle %s" % bundle,
            "\tset link no pap chap eap",
            "\tset link enable chap-md5",
            "\tset l2tp self %s" % self_ip,
            "\tset l2tp hostname mpd5-lns",
            "\tset link enable incoming"]


def lns_conf(self_ip, self_ip2):
    """Calls to self_ip join B (kernel); calls to self_ip2 join BC, which
    an ng link (netgraph: no kernel channel on Linux) also names: BC is
    on tun while its L2TP call is a kernel channel."""
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tset global l2tptimeout 2",
        "\tlog +iface2 +phys2",
        "lns:",
        "\tset ippool add pool1 %s %s" % POOL,
        "\tcreate bundle template B",
        "\tset ipcp ranges %s/32 ippool pool1" % LNS_ADDR,
        "\tset iface idle 3600",
        "\tcreate bundle template BC",
        "\tset ipcp ranges %s/32 ippool pool1" % LNS_ADDR,
        "\tset iface idle 3600"] +
        lns_link("L", "B", self_ip) + lns_link("LC", "BC", self_ip2) +
        ["\tcreate link static LM ng",
         "\tset link action bundle BC",
         ""])


def xl2tpd_lac(name, lns, autodial, opts):
    return ["[lac %s]" % name,
            "lns = %s" % lns,
            "autodial = %s" % ("yes" if autodial else "no"),
            "redial = no",
            "require authentication = no",
            "hostname = guest-lac",
            "name = %s" % CLI_NAME,
            "pppoptfile = %s" % opts,
            ""]


def xl2tpd_conf(lns, lns2, opts):
    return "\n".join(["[global]", "port = 1701", "access control = no",
                      ""] + xl2tpd_lac("mpd", lns, True, opts) +
                     xl2tpd_lac("mpdc", lns2, False, opts))


def pppd_opts(log):
    return "\n".join(["name %s" % CLI_NAME, "user %s" % CLI_NAME,
                      "password %s" % CLI_PASS, "noauth", "refuse-eap",
                      "refuse-pap", "noipdefault", "nodefaultroute",
                      "noccp", "debug", "logfile %s" % log,
                      "unit %d" % UNIT, ""])


@pytest.fixture
def l2tp_lab(lab):
    """veth pair + the LAC's namespace in the guest; removed afterwards."""
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "kl" + tag, "va": "kl%sa" % tag, "vb": "kl%sb" % tag,
         "dir": "/tmp/kl2tp" + tag, "pids": []}
    g.run("ip netns add {ns} && ip link add {va} type veth peer name {vb} "
          "&& ip link set {vb} netns {ns} && ip addr add 10.76.0.1/24 dev "
          "{va} && ip link set {va} up && ip -n {ns} link set lo up && "
          "ip addr add 10.76.0.3/24 dev {va} && "
          "ip -n {ns} addr add 10.76.0.2/24 dev {vb} && "
          "ip -n {ns} link set {vb} up && mkdir -p {dir}".format(**k),
          check=True)
    g.write(k["dir"] + "/mpd.conf", lns_conf("10.76.0.1", "10.76.0.3"))
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    yield k
    for pid in k["pids"]:
        g.kill(pid)
    g.run("ip netns del {ns}; ip link del {va}".format(**k))


def kernel_l2tp(g):
    """(tunnels, sessions) of the guest root namespace's kernel."""
    _, t = g.run("ip l2tp show tunnel")
    _, s = g.run("ip l2tp show session")
    return (re.findall(r"^Tunnel (\d+)", t, re.M),
            re.findall(r"^Session (\d+)", s, re.M))


def ppp_links(g):
    _, out = g.run("ip -o link show | grep 'link/ppp'")
    return sorted(set(re.findall(r"^\d+: ([^:@]+)[:@]", out, re.M)))


def assert_clean_log(text):
    for marker in ("ERROR: AddressSanitizer", "LeakSanitizer",
                   "runtime error:"):
        assert marker not in text, text[-6000:]


def test_kernel_l2tp_lns(lab, l2tp_lab):
    g, k = lab.guest, l2tp_lab
    log = k["dir"] + "/mpd.log"
    mpd = start_guest_mpd(g, k["pids"], k["dir"], "lns", log, listeners=1)

    base = k["dir"] + "/xl2tpd"
    plog, opts, conf = base + ".pppd.log", base + ".options", base + ".conf"
    ctl, xlog = base + ".control", base + ".log"
    g.write(opts, pppd_opts(plog))
    g.write(conf, xl2tpd_conf("10.76.0.1", "10.76.0.3", opts))
    g.run("mkdir -p /var/run/xl2tpd")
    xl = g.spawn("exec ip netns exec %s xl2tpd -D -c %s -C %s -p %s.pid"
                 % (k["ns"], conf, ctl, base), log=xlog)
    k["pids"].append(xl)

    def logs():
        return "---- xl2tpd ----\n%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" \
            % (g.read(xlog)[-2000:], g.read(plog)[-2000:],
               g.read(log)[-5000:])

    def lac_up():
        assert g.status(xl) is None, logs()
        _, out = g.run("ip -n %s -4 -o addr show dev ppp%d 2>/dev/null"
                       % (k["ns"], UNIT))
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None

    def wait_up(what):
        try:
            return wait_for(lac_up, GUEST_TIMEOUT, what, interval=0.5)
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (e, logs()))

    def wait_gone(what, timeout=30):
        wait_for(lambda: kernel_l2tp(g) == ([], []), timeout,
                 what + ": no kernel tunnel or session", interval=0.5)

    local, peer = wait_up("the LAC's ppp%d up" % UNIT)
    assert peer == LNS_ADDR

    # the call is a kernel session; ng0 is a ppp unit on the kernel backend
    text = g.read(log)
    assert re.search(r"L2TP: session \d+/\d+ on kernel channel \d+", text), \
        logs()
    tunnels, sessions = kernel_l2tp(g)
    assert len(tunnels) == 1 and len(sessions) == 1, (tunnels, sessions)
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    m = re.search(r"\[(B-\d+)\] IFACE: ppp unit \d+ is ng0", text)
    assert m, logs()
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' 'show iface'"
                    % (CONSOLE_PY, PORT, m.group(1)), timeout=60)
    assert rc == 0, out
    assert re.search(r"\tData plane      : kernel \(ppp_generic, links on "
                     r"kernel channels\)\r\n", out), out

    # data: ping both ways, a TCP stream from the LAC side to the LNS
    guest_ping(g, LNS_ADDR, k["ns"])
    guest_ping(g, local)
    guest_stream(g, k["dir"] + "/recv.log", k["ns"], None, LNS_ADDR, 5203,
                 XFER_BYTES, pids=k["pids"])
    # the kernel counted the stream on ng0
    assert if_counter(g, "ng0", "rx_bytes") >= XFER_BYTES
    # `dataseq` (on by default): the kernel session sends Ns/Nr
    _, out = g.run("ip l2tp show session")
    assert "sequence numbering: send" in out, out

    # xl2tpd closes the tunnel (StopCCN): the session goes with it
    g.run("echo 'd mpd' > %s" % ctl)
    wait_for(lambda: re.search(r"control connection .* closed by peer",
                               g.read(log)), GUEST_TIMEOUT, "the StopCCN")
    wait_gone("xl2tpd closed the tunnel")

    # a call into BC (an ng link names it too): its interface is a tun
    # device, yet the call is a kernel channel that carries every frame
    # to and from user space
    # the first pppd must be gone, not only its address: while it holds
    # ppp%d the next one takes another unit (pppd's `unit` falls back)
    wait_for(lambda: g.run("ip -n %s link show dev ppp%d 2>/dev/null"
                           % (k["ns"], UNIT))[0] != 0, GUEST_TIMEOUT,
             "the LAC's ppp%d to go" % UNIT, interval=0.5)
    g.run("echo 'c mpdc' > %s" % ctl)
    local, _ = wait_up("the call into the tun bundle")
    assert len(kernel_l2tp(g)[1]) == 1, logs()
    assert len(re.findall(r"L2TP: session \d+/\d+ on kernel channel",
                          g.read(log))) == 2, logs()
    assert ppp_links(g) == [], ("BC's interface should be a tun device\n"
                                + logs())
    m = re.findall(r"\[(BC-\d+)\] IFACE: created interface ng\d+ \(tun\)",
                   g.read(log))
    assert m, logs()
    rc, out = g.run("python3 %s %d admin adminpw 'bundle %s' 'show iface'"
                    % (CONSOLE_PY, PORT, m[-1]), timeout=60)
    assert "\tData plane      : tun (link LM is ng)\r\n" in out, out
    rc, out = g.run("ip netns exec %s ping -n -c 3 -i 0.3 -W 3 %s"
                    % (k["ns"], LNS_ADDR), timeout=40)
    assert rc == 0, out

    # SIGKILL: nothing stays in the kernel
    g.kill(mpd, sig=9)
    k["pids"].remove(mpd)
    wait_gone("mpd5 killed", timeout=20)
    wait_for(lambda: ppp_links(g) == [], 20, "ng0 to vanish")
    assert_clean_log(g.read(log))


GLNS_ADDR = "10.75.0.1"             # xl2tpd's local ip
GPOOL = ("10.75.0.10", "10.75.0.20")


def lac_conf(self_ip, peer_ip):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tset global dataplane kernel",
        "\tset global l2tptimeout 2",
        "\tlog +iface2 +phys2",
        "lac:",
        "\tcreate bundle static B",
        "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0",
        "\tcreate link static C l2tp",
        "\tset link action bundle B",
        "\tset auth authname %s" % CLI_NAME,
        "\tset auth password %s" % CLI_PASS,
        "\tset l2tp self %s" % self_ip,
        "\tset l2tp peer %s" % peer_ip,
        "\tset l2tp hostname mpd5-lac",
        "\topen",
        ""])


def test_kernel_l2tp_lac(lab, l2tp_lab):
    g, k = lab.guest, l2tp_lab
    base = k["dir"] + "/xl2tpd-lns"
    plog, opts, conf = base + ".pppd.log", base + ".options", base + ".conf"
    ctl, xlog = base + ".control", base + ".log"
    g.write(opts, "\n".join(["name xl2tpd-lns", "refuse-eap", "debug",
                             "logfile %s" % plog, "nodefaultroute",
                             "noproxyarp", "noccp", "unit %d" % UNIT, ""]))
    g.write(conf, "\n".join([
        "[global]", "port = 1701", "access control = no", "",
        "[lns default]",
        "ip range = %s-%s" % GPOOL,
        "local ip = %s" % GLNS_ADDR,
        "require chap = yes",
        "refuse pap = yes",
        "require authentication = yes",
        "hostname = guest-lns",
        "name = xl2tpd-lns",
        "pppoptfile = %s" % opts, ""]))
    g.run("mkdir -p /var/run/xl2tpd")
    xl = g.spawn("exec ip netns exec %s xl2tpd -D -c %s -C %s -p %s.pid"
                 % (k["ns"], conf, ctl, base), log=xlog)
    k["pids"].append(xl)
    wait_for(lambda: "Listening on IP address" in g.read(xlog),
             GUEST_TIMEOUT, "xl2tpd to listen", interval=0.3)

    from conftest import MPD_BIN
    g.write(k["dir"] + "/mpd.conf", lac_conf("10.76.0.1", "10.76.0.2"))
    log = k["dir"] + "/mpd-lac.log"
    mpd = g.spawn("exec %s -d %s -p %s/mpd.pid lac" % (MPD_BIN, k["dir"],
                                                       k["dir"]), log=log)
    k["pids"].insert(0, mpd)

    def logs():
        return "---- xl2tpd ----\n%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" \
            % (g.read(xlog)[-2000:], g.read(plog)[-2000:],
               g.read(log)[-5000:])

    def up():
        assert g.status(mpd) is None, logs()
        _, out = g.run("ip -4 -o addr show dev ng0 2>/dev/null")
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None
    try:
        local, peer = wait_for(up, GUEST_TIMEOUT, "ng0 up", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))
    assert peer == GLNS_ADDR
    assert GPOOL[0] <= local <= GPOOL[1], local
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    assert re.search(r"L2TP: session \d+/\d+ on kernel channel \d+",
                     g.read(log)), logs()
    tunnels, sessions = kernel_l2tp(g)
    assert len(tunnels) == 1 and len(sessions) == 1, (tunnels, sessions)

    guest_ping(g, GLNS_ADDR)
    guest_stream(g, k["dir"] + "/recv-lac.log", None, k["ns"], GLNS_ADDR,
                 5204, XFER_BYTES, pids=k["pids"])
    assert if_counter(g, "ng0", "tx_bytes") >= XFER_BYTES

    # mpd5 closes the call (CDN), then the idle tunnel (StopCCN)
    g.run("python3 %s %d admin adminpw 'link C' 'close'" % (CONSOLE_PY,
                                                             PORT))
    wait_for(lambda: kernel_l2tp(g)[1] == [], 20, "the kernel session to go",
             interval=0.5)
    wait_for(lambda: re.search(r"closing control connection .*result 1",
                               g.read(log)), GUEST_TIMEOUT, "the StopCCN")
    wait_for(lambda: kernel_l2tp(g) == ([], []), 30,
             "no kernel tunnel or session", interval=0.5)
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert ppp_links(g) == []
    assert_clean_log(g.read(log))
