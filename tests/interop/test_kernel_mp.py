"""
Multilink (RFC 1990) on the kernel data plane, inside the lab guest:

    guest root namespace                      guest netns km<pid>
      mpd5 server, kernel backend:               mpd5 client, tun backend:
      one ppp unit (ng0, SC_MULTILINK)            bundle B over links C1, C2
      with two PX_PROTO_OE channels  <== veth ==> (user-space MP, mp.c)

Both client links join one bundle; on the server both PPPoE sessions'
channels are connected to the same unit, which does the MP fragmentation
and reassembly (mpd5 only set MRRU and the flags).  `show iface` says
kernel, `show bundle` lists both links, pings and TCP streams cross both
ways, the kernel's counters see the bytes, and traffic goes on after the
client closes one of its links (the server disconnects that channel).
"""

import os
import re

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream
from test_kernel_dp import (CONSOLE_PY, assert_clean_log,
                            ppp_links, start_mpd)

SRV_ADDR = "10.79.1.1"
CLI_ADDR = "10.79.1.10"
PORT = 5005                     # each daemon's console, in its namespace
XFER_BYTES = 512 * 1024


def srv_conf(veth):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tlog +iface2 +phys2 +bund2",
        "server:",
        "\tcreate bundle template B",
        "\tset ipcp ranges %s/32 %s/32" % (SRV_ADDR, CLI_ADDR),
        "\tset iface idle 3600",
        "\tcreate link template L pppoe",
        "\tset link action bundle B",
        "\tset link enable multilink",
        "\tset link enable chap-md5",
        "\tset pppoe iface %s" % veth,
        '\tset pppoe service "*"',
        "\tset link enable incoming",
        ""])


def cli_conf(veth):
    lines = ["startup:",
             "\tset user admin adminpw admin",
             "\tset console self 127.0.0.1 %d" % PORT,
             "\tset console open",
             "\tset global dataplane tun",
             "\tlog +bund2",
             "client:",
             "\tcreate bundle static B",
             "\tset ipcp ranges 0.0.0.0/0 0.0.0.0/0"]
    for name in ("C1", "C2"):
        lines += ["\tcreate link static %s pppoe" % name,
                  "\tset link action bundle B",
                  "\tset link enable multilink",
                  "\tset link max-redial 0",
                  "\tset auth authname %s" % CLI_NAME,
                  "\tset auth password %s" % CLI_PASS,
                  "\tset pppoe iface %s" % veth,
                  '\tset pppoe service ""',
                  "\topen"]
    return "\n".join(lines + [""])


def console(g, ns, *cmds):
    """Run console commands on the server (ns None) or the client."""
    pre = "ip netns exec %s " % ns if ns else ""
    rc, out = g.run("%spython3 %s %d admin adminpw %s" % (
        pre, CONSOLE_PY, PORT, " ".join("'%s'" % c for c in cmds)),
        timeout=60)
    assert rc == 0, out
    return out


def xfer(g, k, src_ns, dst_ns, dst, port, nbytes):
    """A TCP stream to dst:port; asserts every byte arrived."""
    guest_stream(g, "%s/recv%d.log" % (k["dir"], port), src_ns, dst_ns, dst,
                 port, nbytes)


def ping(g, ns, dst, n=3):
    guest_ping(g, dst, ns, n)


def stat(g, name):
    _, out = g.run("cat /sys/class/net/ng0/statistics/" + name)
    return int(out.strip())


def test_kernel_multilink_two_pppoe_links(lab, daemons):
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "km" + tag, "va": "km%sa" % tag, "vb": "km%sb" % tag,
         "dir": "/tmp/kmp" + tag, "pids": []}
    g.run("ip netns add {ns} && ip link add {va} type veth peer name {vb} "
          "&& ip link set {vb} netns {ns} && ip link set {va} up && "
          "ip -n {ns} link set lo up && ip -n {ns} link set {vb} up && "
          "mkdir -p {dir}/c".format(**k), check=True)
    try:
        run(g, k)
    except AssertionError as e:
        _, st = g.run("ip -s link show ng0; ip -n %s -s link show ng0"
                      % k["ns"])
        raise AssertionError("%s\n---- ng0 ----\n%s\n---- client ----\n%s"
                             "\n---- server ----\n%s" % (
                                 e, st, g.read(k["dir"] + "/c/mpd.log")[-3000:],
                                 g.read(k["dir"] + "/mpd.log")[-5000:]))
    finally:
        for pid in k["pids"]:
            g.kill(pid)
        g.run("ip netns del {ns}; ip link del {va}".format(**k))


def run(g, k):
    from conftest import MPD_BIN
    g.write(k["dir"] + "/mpd.conf", srv_conf(k["va"]))
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    log = k["dir"] + "/mpd.log"
    start_mpd(g, k, log)
    cdir = k["dir"] + "/c"
    g.write(cdir + "/mpd.conf", cli_conf(k["vb"]))
    clog = cdir + "/mpd.log"
    cli = g.spawn("exec ip netns exec %s %s -d %s -p %s/mpd.pid client" % (
        k["ns"], MPD_BIN, cdir, cdir), log=clog)
    k["pids"].insert(0, cli)

    def srv_bundle():
        m = re.search(r"\[(B-\d+)\] IFACE: ppp unit \d+ is ng0",
                      g.read(log))
        return m.group(1) if m else None

    def both_up():
        assert g.status(cli) is None, g.read(clog)[-4000:]
        b = srv_bundle()
        if b is None:
            return None
        out = console(g, None, "bundle " + b, "show bundle")
        m = re.search(r"\tLinks          : (.*)\r\n", out)
        up = re.findall(r"(\S+)\[Opened/UP\]", m.group(1)) if m else []
        _, a = g.run("ip -n %s -4 -o addr show dev ng0 2>/dev/null"
                     % k["ns"])
        return b if len(up) == 2 and "inet " in a else None
    try:
        b = wait_for(both_up, GUEST_TIMEOUT * 2, "both links in bundle",
                     interval=1.0)
    except AssertionError as e:
        raise AssertionError("%s\n---- client ----\n%s\n---- server ----\n"
                             "%s" % (e, g.read(clog)[-4000:],
                                     g.read(log)[-6000:]))

    # the server's bundle: one ppp unit doing multilink, two channels
    assert ppp_links(g) == ["ng0"], g.run("ip -d link")[1]
    text = g.read(log)
    assert len(re.findall(r"PPPoE: session 0x[0-9a-f]{4} on kernel channel",
                          text)) == 2, text[-6000:]
    # both mpd5s offer 12-bit sequence numbers: SC_MP_SHORTSEQ and XSHORTSEQ
    assert re.search(r"IFACE: ppp unit \d+ does multilink, MRRU 2048, "
                     r"short/short sequence numbers", text), text[-6000:]
    assert len(re.findall(r"IFACE: a channel joined ppp unit", text)) == 2, \
        text[-6000:]
    out = console(g, None, "bundle " + b, "show iface")
    assert re.search(r"\tData plane      : kernel \(ppp_generic, links on "
                     r"kernel channels\)\r\n", out), out
    out = console(g, k["ns"], "bundle B", "show bundle")
    assert sorted(re.findall(r"(C\d)\[Opened/UP\]", out)) == ["C1", "C2"], out

    # data both ways through the kernel's MP.  ppp_generic's reassembly
    # waits for a missing sequence number until every channel has seen a
    # later one, or 32 fragments are queued; a fragment that reached the
    # daemon before its channel was connected (the join race under TCG)
    # stalls the first pings that way: a burst gets past it, then the
    # checks below must hold.
    pre = "ip netns exec %s " % k["ns"]
    if g.run("%sping -n -c 3 -i 0.3 -W 3 %s" % (pre, SRV_ADDR),
             timeout=40)[0] != 0:
        g.run("%sping -n -q -c 40 -i 0.05 -W 1 %s" % (pre, SRV_ADDR),
              timeout=60)
    ping(g, k["ns"], SRV_ADDR)
    ping(g, None, CLI_ADDR)
    rx0 = stat(g, "rx_bytes")
    xfer(g, k, k["ns"], None, SRV_ADDR, 5211, XFER_BYTES)
    assert stat(g, "rx_bytes") - rx0 >= XFER_BYTES
    tx0 = stat(g, "tx_bytes")
    xfer(g, k, None, k["ns"], CLI_ADDR, 5212, XFER_BYTES)
    assert stat(g, "tx_bytes") - tx0 >= XFER_BYTES
    # the kernel spread its fragments over both links: the client's
    # user-space MP saw MP frames on each
    out = console(g, k["ns"], "link C1", "show link", "link C2",
                  "show link")
    got = [int(x) for x in re.findall(r"\tInput octets   : (\d+)", out)]
    assert len(got) == 2 and min(got) >= XFER_BYTES // 8, out

    # one link closes: the server disconnects its channel, traffic goes on
    console(g, k["ns"], "link C1", "close")

    def one_left():
        out = console(g, None, "bundle " + b, "show bundle")
        m = re.search(r"\tLinks          : (.*)\r\n", out)
        return m and len(re.findall(r"\[Opened/UP\]", m.group(1))) == 1
    wait_for(one_left, GUEST_TIMEOUT, "one link left", interval=1.0)
    # (when the client's PADT reaches the kernel first, pppoe.ko has
    # already unbound the channel from the unit: the daemon says so)
    wait_for(lambda: re.search(r"IFACE: (a channel left ppp unit|a leaving "
                               r"channel \(fd \d+\) was not on ppp unit)",
                               g.read(log)),
             GUEST_TIMEOUT, "the server to disconnect the channel")
    ping(g, k["ns"], SRV_ADDR)
    rx0 = stat(g, "rx_bytes")
    xfer(g, k, k["ns"], None, SRV_ADDR, 5213, XFER_BYTES // 2)
    assert stat(g, "rx_bytes") - rx0 >= XFER_BYTES // 2
    assert ppp_links(g) == ["ng0"]

    assert g.kill(k["pids"].pop(0)) == 0, g.read(clog)[-4000:]
    assert g.kill(k["pids"].pop(0)) == 0, g.read(log)[-4000:]
    assert_clean_log(g.read(log))
    assert_clean_log(g.read(clog))
