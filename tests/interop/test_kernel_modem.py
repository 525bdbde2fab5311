"""
The modem link type on the kernel data plane inside the lab guest: the
port itself takes line discipline N_PPP (src/link/modem.c,
src/sys/tty.c), its ppp_async channel is the link's kernel channel, and
the peer is the real pppd on the other end of a "line" (ptyline.py: two
pty pairs relayed to each other; each program has a pty slave as its
serial port).

    guest root namespace                     guest netns km<pid>
      mpd5, kernel data plane                   pppd (ppp0)
      /tmp/kmdm<pid>/mdm<pid>a  <= ptyline =>   /tmp/kmdm<pid>/mdm<pid>b

No chat script on mpd5's side (a null-modem line), CHAP-MD5 required
by mpd5.  Checked: the call is on a kernel channel (log), ng0 is a ppp
unit and `show iface` says kernel, `show device` has the modem status
but no async statistics (ppp_async keeps its own), the UUCP lock file
holds mpd5's pid, pings both ways and a TCP stream counted by the
kernel on ng0; mpd5 closes the link (LCP Terminate through the channel:
pppd sees it and ends), the address leaves ng0 and the lock file goes;
ng0 goes with the daemon.
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
PTYLINE_PY = os.path.join(HERE, "ptyline.py")
PORT = 5011
SRV_ADDR, CLI_ADDR = "10.85.0.1", "10.85.0.2"
XFER_BYTES = 128 * 1024


def server_conf(device):
    return "\n".join([
        "startup:",
        "\tset user admin adminpw admin",
        "\tset console self 127.0.0.1 %d" % PORT,
        "\tset console open",
        "\tlog +iface2 +phys2",
        "server:",
        "\tcreate bundle static B",
        "\tset ipcp ranges %s/32 %s/32" % (SRV_ADDR, CLI_ADDR),
        "\tset iface idle 3600",
        "\tcreate link static M modem",
        "\tset link action bundle B",
        "\tset link enable chap-md5",
        "\tset link max-redial 0",
        "\tset modem device %s" % device,
        "\tset modem script \"\"",
        "\topen",
        ""])


@pytest.fixture
def modem_lab(lab):
    g = lab.guest
    tag = "%d" % os.getpid()
    k = {"ns": "km" + tag, "dir": "/tmp/kmdm" + tag, "pids": []}
    k["a"] = "%s/mdm%sa" % (k["dir"], tag)
    k["b"] = "%s/mdm%sb" % (k["dir"], tag)
    k["lock"] = "/var/lock/LCK..mdm%sa" % tag
    g.run("ip netns add {ns} && ip -n {ns} link set lo up && "
          "mkdir -p {dir}".format(**k), check=True)
    g.write(k["dir"] + "/mpd.conf", server_conf(k["a"]))
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    line = g.spawn("exec python3 %s %s %s" % (PTYLINE_PY, k["a"], k["b"]),
                   log=k["dir"] + "/line.log")
    k["pids"].append(line)
    wait_for(lambda: "ready" in g.read(k["dir"] + "/line.log"),
             GUEST_TIMEOUT, "the pty line", interval=0.3)
    yield k
    for pid in reversed(k["pids"]):
        g.kill(pid)
    g.run("ip netns del {ns}; rm -rf {dir}; rm -f {lock}".format(**k))


def console(g, cmds):
    rc, out = g.run("python3 %s %d admin adminpw %s" % (
        CONSOLE_PY, PORT, " ".join("'%s'" % c for c in cmds)), timeout=60)
    assert rc == 0, out
    return out


def test_modem_on_kernel_channel_with_pppd(lab, modem_lab):
    g, k = lab.guest, modem_lab
    log, plog = k["dir"] + "/mpd.log", k["dir"] + "/pppd.log"
    srv = start_guest_mpd(g, k["pids"], k["dir"], "server", log)
    pppd = g.spawn("exec ip netns exec %s pppd %s 115200 nodetach debug "
                   "logfile %s local noauth user %s password %s "
                   "noipdefault nodefaultroute maxfail 1 "
                   "lcp-echo-interval 1 lcp-echo-failure 5" % (
                       k["ns"], k["b"], plog, CLI_NAME, CLI_PASS),
                   log=plog + ".out")
    k["pids"].append(pppd)

    def peer_up():
        _, out = g.run("ip -n %s -4 -o addr show dev ppp0 2>/dev/null"
                       % k["ns"])
        m = re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
        return m.groups() if m else None
    try:
        local, peer = wait_for(peer_up, GUEST_TIMEOUT, "pppd's ppp0 up",
                               interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- mpd5 ----\n%s" % (
            e, g.read(plog)[-3000:], g.read(log)[-5000:]))
    assert (local, peer) == (CLI_ADDR, SRV_ADDR)

    text = g.read(log)
    assert re.search(r"\[M\] MODEM: call on kernel channel \d+ \(N_PPP\)",
                     text), text[-4000:]
    assert "[M] LCP: authorization successful" in text, text[-4000:]
    assert re.search(r"\[B\] IFACE: ppp unit \d+ is ng0", text), text[-4000:]
    out = console(g, ["bundle B", "show iface"])
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    out = console(g, ["link M", "show device"])
    assert "Modem status:\r\n\tOpened       : YES\r\n\tIncoming     : NO" \
        "\r\n" in out, out
    assert "Async stats:" not in out, out
    assert g.read(k["lock"]).strip() == str(srv)

    guest_ping(g, SRV_ADDR, k["ns"])
    guest_ping(g, CLI_ADDR)
    guest_stream(g, k["dir"] + "/recv.log", k["ns"], None, SRV_ADDR, 5311,
                 XFER_BYTES, secs=90, detail=lambda: g.read(log)[-3000:])
    assert if_counter(g, "ng0", "rx_bytes") >= XFER_BYTES

    # mpd5 hangs up: pppd hears LCP's Terminate-Request on its channel
    console(g, ["link M", "close"])
    wait_for(lambda: g.status(pppd) is not None, GUEST_TIMEOUT,
             "pppd to end", interval=0.5)
    assert re.search(r"LCP terminated by peer|Connection terminated",
                     g.read(plog)), g.read(plog)[-3000:]
    wait_for(lambda: "[M] Link: DOWN event" in g.read(log), 30,
             "mpd5's link down", interval=0.5)
    wait_for(lambda: SRV_ADDR not in g.run("ip -4 -o addr show")[1], 30,
             "ng0's address to go", interval=0.5)
    wait_for(lambda: g.run("test -e %s" % k["lock"])[0] != 0, 30,
             "the lock file to go", interval=0.5)
    k["pids"].remove(pppd)
    assert g.kill(srv) == 0, g.read(log)[-4000:]
    k["pids"].remove(srv)
    wait_for(lambda: "ng0" not in g.run("ip -o link show")[1], 30,
             "ng0 to go with the daemon", interval=0.5)
    for marker in ("ERROR: AddressSanitizer", "LeakSanitizer",
                   "runtime error:"):
        assert marker not in g.read(log)
