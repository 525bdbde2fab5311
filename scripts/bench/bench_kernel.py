#!/usr/bin/python3
"""bench_kernel.py - see bench-kernel.sh."""

import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "lab"))
import lab  # noqa: E402

MPD_BIN = os.environ.get("MPD_BIN") or os.path.join(REPO, "build", "mpd5")
XFER = os.path.join(REPO, "tests", "interop", "xfer.py")
MB = int(os.environ.get("BENCH_MB", "16"))


def conf(mode, veth):
    return "\n".join([
        "startup:", "\tset global dataplane %s" % mode,
        "server:",
        "\tset ippool add pool1 10.80.0.10 10.80.0.20",
        "\tcreate bundle template B",
        "\tset ipcp ranges 10.80.0.1/32 ippool pool1",
        "\tset ipcp disable vjcomp",
        "\tcreate link template L pppoe",
        "\tset link action bundle B",
        "\tset pppoe iface %s" % veth,
        '\tset pppoe service "*"',
        "\tset link enable incoming", ""])


def wait(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.5)
    raise SystemExit("bench-kernel: timed out waiting for " + what)


def cpu_ticks(g, pid):
    """utime + stime of a guest process, in clock ticks."""
    _, out = g.run("cat /proc/%d/stat" % pid)
    f = out.rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def one(g, mode):
    d = "/tmp/bench-%s" % mode
    g.run("ip netns add bk; ip link add bka type veth peer name bkb; "
          "ip link set bkb netns bk; ip link set bka up; "
          "ip -n bk link set lo up; ip -n bk link set bkb up; mkdir -p " + d,
          check=True)
    g.write(d + "/mpd.conf", conf(mode, "bka"))
    pids = [g.spawn("exec %s -d %s -p %s/mpd.pid server" % (MPD_BIN, d, d),
                    log=d + "/mpd.log")]
    try:
        pids.append(g.spawn(
            "exec ip netns exec bk pppd nodetach plugin rp-pppoe.so nic-bkb "
            "noauth noipdefault nodefaultroute novj", log=d + "/pppd.log"))
        wait(lambda: "inet " in g.run("ip -n bk -4 -o addr show dev ppp0 "
                                      "2>/dev/null")[1], 90, "the session")
        rlog = d + "/recv.log"
        pids.append(g.spawn("exec python3 %s recv 10.80.0.1 5301 300"
                            % XFER, log=rlog))
        wait(lambda: "listening" in g.read(rlog), 60, "the receiver")
        cpu0 = cpu_ticks(g, pids[0])
        t0 = time.monotonic()
        rc, out = g.run("ip netns exec bk python3 %s send 10.80.0.1 5301 %d "
                        "300" % (XFER, MB << 20), timeout=600)
        dt = time.monotonic() - t0
        if rc != 0 or not re.search(r"sent \d+", out):
            raise SystemExit("bench-kernel: transfer failed: " + out)
        cpu = (cpu_ticks(g, pids[0]) - cpu0) * 1000.0 / os.sysconf(
            "SC_CLK_TCK")
        print("dataplane %s pppoe %.2f" % (mode, MB / dt), flush=True)
        print("dataplane %s mpd5-cpu-ms-per-MB %.1f" % (mode, cpu / MB),
              flush=True)
    finally:
        for pid in reversed(pids):
            g.kill(pid)
        g.run("ip netns del bk; ip link del bka")


def main():
    g = lab.Guest()             # no NIC: everything inside the guest
    try:
        g.boot()
        g.write("/etc/ppp/options", "\n")
        for mode in ("kernel", "tun"):
            one(g, mode)
    finally:
        g.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
