"""
Helpers shared by the tunnel interop cases (L2TP, PPTP, CCP): a capture
of the lab tap with any tcpdump filter, and the session checks the
PPPoE cases already use, taken from test_pppoe_interop.py.
"""

import os
import re
import subprocess

from conftest import Capture, wait_for, GUEST_TIMEOUT
from test_pppoe_interop import (guest_ppp_addr, host_addrs,  # noqa: F401
                                ping_guest, ping_host, tcp_guest_to_host,
                                tcp_host_to_guest)


class FilterCapture(Capture):
    """tcpdump on the lab tap with a filter of the caller's."""

    def __init__(self, lab, name, bpf):
        self.path = os.path.join(lab.dir, name + ".pcap")
        self.lab = lab
        self.err = self.path + ".err"
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", lab.netns, "tcpdump", "-i", lab.tap,
             "-n", "-U", "-s", "2048", "-w", self.path, bpf],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.err, "wb"))
        wait_for(lambda: "listening on" in open(self.err).read()
                 or self.proc.poll() is not None, 20, "tcpdump to start")
        assert self.proc.poll() is None, open(self.err).read()

    def count(self, display_filter):
        self.stop()
        out = self.tshark("-Y", display_filter)
        return len([line for line in out.splitlines() if line.strip()])


def wait_guest_ppp(g, ifname, alive, logs):
    """Poll until ifname has its address; alive() raises when the peer
    program died; logs() gives the text for a failure."""
    def up():
        alive()
        return guest_ppp_addr(g, ifname)
    try:
        return wait_for(up, GUEST_TIMEOUT, "%s up in the guest" % ifname,
                        interval=0.5)
    except AssertionError as e:
        raise AssertionError("%s\n%s" % (e, logs()))


def host_peer_iface(netns, peer):
    for ifname, (local, p) in host_addrs(netns).items():
        if p == peer:
            return ifname, local
    return None


def bundle_of(mpd, link_rx=r"\[(\S+)\] Link: Join bundle \"(\S+)\""):
    """(link, bundle) of the first link that joined a bundle."""
    m = mpd.wait_log(link_rx)
    return m.group(1), m.group(2)


def show(mpd, bundle, what):
    out = mpd.cmds("bundle %s" % bundle, "show %s" % what)
    return re.sub(r"\r", "", out or "")
