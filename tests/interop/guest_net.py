"""
Shared by the kernel data-plane cases inside the lab guest: starting an
mpd5 daemon there, pings from a namespace, and a TCP stream (xfer.py)
whose receiver must report the byte count and sha256 the sender computed.
"""

import os
import re

from conftest import GUEST_TIMEOUT, wait_for

XFER_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xfer.py")


def in_ns(ns):
    """The command prefix that runs in namespace ns (None: the root)."""
    return "ip netns exec %s " % ns if ns else ""


def start_guest_mpd(g, pids, conf_dir, label, log, ns=None, listeners=0):
    """Start mpd5 (conf_dir/mpd.conf, label) in namespace ns of the guest;
    return its pid once the console is up and `listeners` incoming links
    wait for calls (a peer started earlier could find the port closed,
    and neither pppd without `persist` nor a default mpd5 client redials).
    """
    from conftest import MPD_BIN
    pid = g.spawn("exec %s%s -d %s -p %s/mpd.pid %s" % (
        in_ns(ns), MPD_BIN, conf_dir, conf_dir, label), log=log)
    pids.append(pid)

    def ready():
        text = g.read(log)
        return ("CONSOLE: listening" in text and
                text.count(": waiting for connection on ") >= listeners)
    wait_for(lambda: ready() or g.status(pid) is not None, GUEST_TIMEOUT,
             "mpd5 %s in the guest" % label)
    assert g.status(pid) is None, g.read(log)
    return pid


def guest_ping(g, dst, ns=None, n=3):
    """n pings from namespace ns to dst; all must be answered."""
    rc, out = g.run("%sping -n -c %d -i 0.3 -W 3 %s" % (in_ns(ns), n, dst),
                    timeout=40)
    assert rc == 0, out


def guest_stream(g, rlog, src_ns, dst_ns, dst, port, nbytes, secs=60,
                 pids=None, detail=None):
    """A TCP stream of nbytes from src_ns to dst:port, whose receiver runs
    in dst_ns and logs to rlog; asserts that every byte arrived.  The
    receiver's pid goes to pids (cleanup on failure); detail() adds
    context to a failed send."""
    g.run("rm -f " + rlog)
    recv = g.spawn("exec %spython3 %s recv %s %d %d" % (
        in_ns(dst_ns), XFER_PY, dst, port, secs), log=rlog)
    if pids is not None:
        pids.append(recv)
    wait_for(lambda: "listening" in g.read(rlog), GUEST_TIMEOUT,
             "receiver", interval=0.3)
    rc, out = g.run("%spython3 %s send %s %d %d %d" % (
        in_ns(src_ns), XFER_PY, dst, port, nbytes, secs), timeout=secs * 2)
    assert rc == 0, (out, detail() if detail else "")
    wait_for(lambda: g.status(recv) is not None, GUEST_TIMEOUT, "receiver")
    sent = re.search(r"sent (\d+) (\w+)", out).groups()
    assert "recv %s %s" % sent in g.read(rlog), (out, g.read(rlog))


def if_counter(g, ifname, name, ns=None):
    """/sys/class/net/<ifname>/statistics/<name> in namespace ns."""
    _, out = g.run("%scat /sys/class/net/%s/statistics/%s" % (
        in_ns(ns), ifname, name))
    return int(out.strip())
