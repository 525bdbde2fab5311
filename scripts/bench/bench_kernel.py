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
import bench  # noqa: E402  (bench.py: the session generator's config)

MPD_BIN = os.environ.get("MPD_BIN") or os.path.join(REPO, "build", "mpd5")
XFER = os.path.join(REPO, "tests", "interop", "xfer.py")
MB = int(os.environ.get("BENCH_MB", "16"))
NSESS = int(os.environ.get("BENCH_KSESSIONS", "64"))
TCK = os.sysconf("SC_CLK_TCK")


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


def guest_ticks(g):
    """Busy clock ticks of the whole guest (every CPU, /proc/stat)."""
    _, out = g.run("head -n 1 /proc/stat")
    f = [int(x) for x in out.split()[1:]]
    return sum(f[:8]) - f[3] - f[4]        # all but idle and iowait


def ng0_packets(g):
    """Packets through mpd5's ng0 (received + sent), 0 if none yet."""
    _, out = g.run("cat /sys/class/net/ng0/statistics/rx_packets "
                   "/sys/class/net/ng0/statistics/tx_packets 2>/dev/null")
    return sum(int(x) for x in out.split())


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
        sys0, pk0 = guest_ticks(g), ng0_packets(g)
        t0 = time.monotonic()
        rc, out = g.run("ip netns exec bk python3 %s send 10.80.0.1 5301 %d "
                        "300" % (XFER, MB << 20), timeout=600)
        dt = time.monotonic() - t0
        if rc != 0 or not re.search(r"sent \d+", out):
            raise SystemExit("bench-kernel: transfer failed: " + out)
        cpu = (cpu_ticks(g, pids[0]) - cpu0) * 1000.0 / TCK
        allcpu = (guest_ticks(g) - sys0) * 1000.0 / TCK
        pk = max(1, ng0_packets(g) - pk0)
        print("dataplane %s pppoe %.2f" % (mode, MB / dt), flush=True)
        print("dataplane %s mpd5-cpu-ms-per-MB %.1f" % (mode, cpu / MB),
              flush=True)
        print("dataplane %s mpd5-cpu-us-per-packet %.2f (%d packets)"
              % (mode, cpu * 1000.0 / pk, pk), flush=True)
        print("dataplane %s guest-cpu-us-per-packet %.1f" % (
            mode, allcpu * 1000.0 / pk), flush=True)
    finally:
        for pid in reversed(pids):
            g.kill(pid)
        g.run("ip netns del bk; ip link del bka")


def guest_int(g, cmd):
    _, out = g.run(cmd)
    m = re.search(r"\d+", out)
    return int(m.group(0)) if m else 0


def ng_up(g):
    """ngN interfaces of the guest's root namespace with an address."""
    _, out = g.run("ip -o -4 addr show")
    return len(set(re.findall(r"^\d+: (ng\d+)\s", out, re.M)))


def ng_any(g):
    _, out = g.run("ip -o link show")
    return len(re.findall(r"^\d+: ng\d+[:@]", out, re.M))


def sessions(g, mode, n):
    """Set-up rate of n PPPoE sessions (CHAP-MD5 + IPCP, each its own
    bundle) from an mpd5 client daemon on tun (bench.py's session
    generator, in a guest namespace) against mpd5 in the guest's root
    namespace on the `mode` data plane; its RSS per session; teardown."""
    d = "/tmp/bench-sess-%s" % mode
    macs = max(1, (n + bench.MAC_BURST - 1) // bench.MAC_BURST)
    g.run("ip netns add bs; ip link add vA type veth peer name vB; "
          "ip link set vB netns bs; ip link set vA up; "
          "ip -n bs link set lo up; ip -n bs link set vB up; "
          "mkdir -p %s/srv %s/cli" % (d, d), check=True)
    g.write(d + "/macvlan.batch", "".join(
        "link add link vB name mv%d type macvlan mode private\n"
        "link set mv%d up\n" % (m, m) for m in range(macs)))
    g.run("ip -n bs -batch %s/macvlan.batch" % d, check=True)
    g.write(d + "/srv/mpd.conf", "startup:\n\tset global dataplane %s\n"
            % mode + bench.server_conf(n))
    g.write(d + "/srv/mpd.secret", "%s %s\n" % (bench.USER, bench.PASS),
            0o600)
    g.write(d + "/cli/mpd.conf", bench.client_conf(n, macs, False).replace(
        "set console open", "set console open\n\tset global dataplane tun"))
    g.write(d + "/opener.py", bench.OPENER)
    pids = []
    try:
        srv = g.spawn("exec %s -d %s/srv -p %s/srv/mpd.pid server"
                      % (MPD_BIN, d, d), log="/dev/null")
        pids.append(srv)
        time.sleep(3)
        if g.status(srv) is not None:
            raise SystemExit("bench-kernel: the server did not start")
        rss0 = guest_int(g, "grep VmRSS /proc/%d/status" % srv)
        cpu0 = cpu_ticks(g, srv)
        pids.insert(0, g.spawn("exec ip netns exec bs %s -d %s/cli -p "
                               "%s/cli/mpd.pid client" % (MPD_BIN, d, d),
                               log="/dev/null"))
        wait(lambda: guest_int(g, "ip -n bs -o link show | grep -c ' ng'")
             >= n, 300, "the client's %d bundles" % n)
        t0 = time.monotonic()
        pids.append(g.spawn("exec ip netns exec bs python3 %s/opener.py %d "
                            "%d %s %s" % (d, n, bench.CONSOLE_PORT,
                                          bench.ADMIN, bench.ADMIN_PASS)))
        wait(lambda: ng_up(g) >= n, 600, "%d sessions" % n)
        setup = time.monotonic() - t0
        cpu = (cpu_ticks(g, srv) - cpu0) / float(TCK)
        time.sleep(1)
        rss = guest_int(g, "grep VmRSS /proc/%d/status" % srv)
        t1 = time.monotonic()
        g.kill(pids.pop(0), wait=120)
        wait(lambda: ng_any(g) == 0, 300, "the server's sessions to end")
        down = time.monotonic() - t1
        print("dataplane %s setups-per-s %.1f (%d sessions in %.1f s, "
              "%.0f per server CPU-s)" % (mode, n / setup, n, setup,
                                          n / cpu if cpu else 0),
              flush=True)
        print("dataplane %s mpd5-rss-kb-per-session %.1f" % (
            mode, (rss - rss0) / float(n)), flush=True)
        print("dataplane %s teardown-s %.1f" % (mode, down), flush=True)
    finally:
        for pid in reversed(pids):
            g.kill(pid)
        g.run("ip netns del bs; ip link del vA")


def main():
    g = lab.Guest()             # no NIC: everything inside the guest
    try:
        g.boot()
        print("Kernel vs tun data plane inside the lab guest (%s; one "
              "session %d MB, then %d sessions)" % (lab.pick_accel(), MB,
                                                    NSESS), flush=True)
        g.write("/etc/ppp/options", "\n")
        for mode in ("kernel", "tun"):
            one(g, mode)
        for mode in ("kernel", "tun"):
            sessions(g, mode, NSESS)
    finally:
        g.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
