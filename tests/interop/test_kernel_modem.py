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
ng0 goes with the daemon.  A second case puts Hayes modems at the ends
of the line (ptyline.py --hayes): pppd dials with chat(8) and mpd5's
AnswerCall idle script answers.
"""

import os
import re

import pytest

from conftest import CLI_NAME, CLI_PASS, GUEST_TIMEOUT, wait_for
from guest_net import guest_ping, guest_stream, if_counter, start_guest_mpd

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE_PY = os.path.join(HERE, "guest_console.py")
PTYLINE_PY = os.path.join(HERE, "ptyline.py")
MPD_SCRIPT = os.path.join(HERE, "..", "..", "conf", "mpd.script")
PORT = 5011
SRV_ADDR, CLI_ADDR = "10.85.0.1", "10.85.0.2"
XFER_BYTES = 128 * 1024


def server_conf(device, answer=False):
    if answer:
        call = ["\tset modem idle-script AnswerCall",
                "\tset link enable incoming"]
    else:
        call = ["\tset modem script \"\"", "\topen"]
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
        "\tset modem device %s" % device] + call + [""])


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
    g.write(k["dir"] + "/mpd.secret", "%s %s\n" % (CLI_NAME, CLI_PASS),
            0o600)
    yield k
    for pid in reversed(k["pids"]):
        g.kill(pid)
    g.run("ip netns del {ns}; rm -rf {dir}; rm -f {lock}".format(**k))


def start_line(g, k, hayes=False):
    """The pty line (ptyline.py), with Hayes modems at its ends or not."""
    line = g.spawn("exec python3 %s %s%s %s" % (
        PTYLINE_PY, "--hayes " if hayes else "", k["a"], k["b"]),
        log=k["dir"] + "/line.log")
    k["pids"].append(line)
    wait_for(lambda: "ready" in g.read(k["dir"] + "/line.log"),
             GUEST_TIMEOUT, "the pty line", interval=0.3)
    return line


def console(g, cmds):
    rc, out = g.run("python3 %s %d admin adminpw %s" % (
        CONSOLE_PY, PORT, " ".join("'%s'" % c for c in cmds)), timeout=60)
    assert rc == 0, out
    return out


def test_modem_on_kernel_channel_with_pppd(lab, modem_lab):
    g, k = lab.guest, modem_lab
    log, plog = k["dir"] + "/mpd.log", k["dir"] + "/pppd.log"
    g.write(k["dir"] + "/mpd.conf", server_conf(k["a"]))
    start_line(g, k)
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


def test_answer_call_from_pppd_over_modems(lab, modem_lab):
    """
    Hayes modems at both ends of the line (ptyline.py --hayes): pppd
    dials with chat(8), mpd5's AnswerCall idle script (conf/mpd.script)
    answers, and only then does the port go to N_PPP.  When pppd hangs
    up, mpd5's idle script runs again.
    """
    g, k = lab.guest, modem_lab
    log, plog = k["dir"] + "/mpd.log", k["dir"] + "/pppd.log"
    llog = k["dir"] + "/line.log"
    g.write(k["dir"] + "/mpd.conf", server_conf(k["a"], answer=True))
    with open(MPD_SCRIPT) as f:
        g.write(k["dir"] + "/mpd.script", f.read())
    g.write(k["dir"] + "/dial.chat",
            "ABORT 'NO CARRIER'\n'' ATZ\nOK ATDT5551234\nCONNECT ''\n")
    start_line(g, k, hayes=True)
    srv = start_guest_mpd(g, k["pids"], k["dir"], "server", log)
    wait_for(lambda: "cmd 0 ATS0=0" in g.read(llog), GUEST_TIMEOUT,
             "AnswerCall to set the modem up", interval=0.5)
    pppd = g.spawn("exec ip netns exec %s pppd %s 115200 nodetach debug "
                   "logfile %s local noauth user %s password %s "
                   "connect 'chat -v -t 30 -f %s/dial.chat' "
                   "noipdefault nodefaultroute maxfail 1" % (
                       k["ns"], k["b"], plog, CLI_NAME, CLI_PASS, k["dir"]),
                   log=plog + ".out")
    k["pids"].append(pppd)

    def peer_up():
        _, out = g.run("ip -n %s -4 -o addr show dev ppp0 2>/dev/null"
                       % k["ns"])
        return re.search(r"inet ([\d.]+) peer ([\d.]+)", out)
    try:
        wait_for(peer_up, GUEST_TIMEOUT, "pppd's ppp0 up", interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n---- pppd ----\n%s\n---- line ----\n%s\n"
                             "---- mpd5 ----\n%s" % (
                                 e, g.read(plog)[-3000:], g.read(llog),
                                 g.read(log)[-5000:]))
    text = g.read(log)
    assert "[M] MODEM: idle script succeeded, action=answer" in text, \
        text[-4000:]
    assert re.search(r"\[M\] MODEM: call on kernel channel \d+ \(N_PPP\)",
                     text), text[-4000:]
    out = console(g, ["link M", "show device"])
    for want in ("\tIdle script  : \"AnswerCall\"\r\n",
                 "\tOpened       : YES\r\n\tIncoming     : YES\r\n",
                 "\tConnect speed: 115200 baud\r\n",
                 "\tCalling      : 5550000\r\n"):
        assert want in out, out
    out = console(g, ["bundle B", "show iface"])
    assert "\tData plane      : kernel (ppp_generic, links on kernel " \
        "channels)\r\n" in out, out
    guest_ping(g, SRV_ADDR, k["ns"])
    guest_ping(g, CLI_ADDR)

    # pppd hangs up; mpd5 waits for the next call
    g.kill(pppd)
    k["pids"].remove(pppd)
    wait_for(lambda: "[M] Link: DOWN event" in g.read(log), 30,
             "mpd5's link down", interval=0.5)
    wait_for(lambda: g.read(llog).count("cmd 0 ATS0=0") >= 2, 30,
             "AnswerCall again", interval=0.5)
    assert g.kill(srv) == 0, g.read(log)[-4000:]
    k["pids"].remove(srv)
