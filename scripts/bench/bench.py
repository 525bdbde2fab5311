#!/usr/bin/python3
"""
make bench: figures for mpd5's PPPoE access concentrator, measured on this
machine with two mpd5 daemons in network namespaces.

    ns A: mpd5 server (AC)  vA <== veth ==> vB + macvlans  ns B: mpd5 client

1. Set-up rate: the client daemon dials N PPPoE sessions (CHAP-MD5 + IPCP
   from an ippool, each its own bundle and ngN) against one template on the
   server; the clock runs from the client's start until the server has N
   interfaces with an address.  Several client links share a macvlan MAC,
   at most as many as the AC's per-MAC discovery burst allows, so the
   figure is the daemon's rate, not the rate limiter's.
2. Memory: the server's VmRSS with N sessions minus its VmRSS idle, per
   session (user-space memory only; the kernel's TUN devices are extra).
3. Teardown: SIGTERM to the client, which closes every session (LCP
   Terminate + PADT); the clock runs until the server has no ngN left.
4. Throughput: iperf3 TCP through one session (ng0 on both sides, MTU
   1492) next to the same path with two `tunfwd` processes (TUN <-> raw
   Ethernet, no PPP) in place of the daemons: the raw veth+TUN limit.  CPU
   time of the forwarders per packet is the cost per packet.

Logs go to a socat sink (what a syslog socket costs, without rsyslog).
Nothing here asserts anything: it prints figures.  Everything it creates
(namespaces named mpdb<pid>...) is deleted at the end; processes are ended
by PID.
"""

import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MPD = os.environ.get("MPD_BIN", os.path.join(ROOT, "build", "mpd5"))
TUNFWD = os.environ.get("TUNFWD_BIN",
                        os.path.join(ROOT, "build", "bench", "tunfwd"))

MAC_BURST = 16          # links per macvlan (the AC allows a burst of 20)
POOL = ("10.240.0.1", "10.240.63.254")
SRV_TUN = "10.239.0.1"
USER, PASS = "bench", "bench-Pass1"

KEEP = False           # --keep: logs kept in the work directory
_seq = [0]
_procs = []
_daemons = []
_netns = []


def log(msg):
    print(msg, flush=True)


def run(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw).stdout


def nsexec(ns, *args):
    return ["ip", "netns", "exec", ns] + list(args)


def new_ns():
    _seq[0] += 1
    ns = "mpdb%dx%d" % (os.getpid(), _seq[0])
    run("ip", "netns", "add", ns)
    _netns.append(ns)
    run("ip", "-n", ns, "link", "set", "lo", "up")
    return ns


def popen(args, **kw):
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, **kw)
    _procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=30):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cleanup():
    for pid in _daemons:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for p in _procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    for ns in _netns:
        run("ip", "netns", "del", ns, check=False)


def wait_for(fn, timeout, what, interval=0.1):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise RuntimeError("timed out waiting for " + what)
        time.sleep(interval)


def proc_status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def ng_addrs(ns):
    """ngN interfaces of ns that have an IPv4 address."""
    out = run("ip", "-n", ns, "-o", "-4", "addr", "show")
    return {m.group(1) for m in re.finditer(r"^\d+: (ng\d+)\s", out, re.M)}


def ng_links(ns):
    out = run("ip", "-n", ns, "-o", "link", "show")
    return len(re.findall(r"^\d+: ng\d+[:@]", out, re.M))


def veth(ns_a, ns_b, a="vA", b="vB"):
    run("ip", "link", "add", a, "netns", ns_a, "type", "veth", "peer",
        "name", b, "netns", ns_b)
    run("ip", "-n", ns_a, "link", "set", a, "up")
    run("ip", "-n", ns_b, "link", "set", b, "up")


def mac_of(ns, ifname):
    out = run("ip", "-n", ns, "-o", "link", "show", ifname)
    return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)


class Daemon:
    """One mpd5 in ns, logging into a socat sink."""

    def __init__(self, ns, workdir, name, conf, secret, label):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        with open(os.path.join(self.dir, "mpd.conf"), "w") as f:
            f.write(conf)
        with open(os.path.join(self.dir, "mpd.secret"), "w") as f:
            f.write(secret)
        os.chmod(os.path.join(self.dir, "mpd.secret"), 0o600)
        self.ns, self.label = ns, label
        self.sock = os.path.join(self.dir, "log.sock")
        self.sink = popen(nsexec(ns, "socat", "-u",
                                 "UNIX-RECV:%s,rcvbuf=4194304" % self.sock,
                                 ("CREATE:" + os.path.join(self.dir, "log"))
                                 if KEEP else "OPEN:/dev/null"))
        wait_for(lambda: os.path.exists(self.sock), 10, "the log sink")
        self.pid = None

    def start(self):
        """mpd5 -b, as in production; the PID comes from its PID file."""
        env = dict(os.environ, MPD_SYSLOG_SOCKET=self.sock)
        pidfile = os.path.join(self.dir, "mpd.pid")
        with open(os.path.join(self.dir, "stderr"), "wb") as out:
            subprocess.run(nsexec(self.ns, MPD, "-b", "-d", self.dir, "-p",
                                  pidfile, self.label),
                           stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                           env=env, cwd=self.dir, check=True)

        def pid():
            try:
                with open(pidfile) as f:
                    return int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                return None
        self.pid = wait_for(pid, 10, "the PID file of " + self.dir)
        _daemons.append(self.pid)
        return self

    def alive(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def check(self):
        if not self.alive():
            raise RuntimeError("mpd5 in %s exited; see %s" % (
                self.ns, self.dir))

    def stop(self, timeout=120):
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                wait_for(lambda: not self.alive(), timeout, "mpd5 to exit")
            except RuntimeError:
                os.kill(self.pid, signal.SIGKILL)


def server_conf(n):
    return "\n\t".join([
        "server:",
        "set ippool add pool1 %s %s" % POOL,
        "create bundle template B",
        "set ipcp ranges %s/32 ippool pool1" % SRV_TUN,
        "create link template L pppoe",
        "set link action bundle B",
        "set link enable chap-md5",
        "set link max-children %d" % (n + 10),
        "set pppoe iface vA",
        "set pppoe service \"*\"",
        "set link enable incoming"]) + "\n"


CONSOLE_PORT = 5005
ADMIN, ADMIN_PASS = "bench", "bench-Console1"

# Run in the client's namespace (ip netns exec NS python3 -c ...): log in
# to the console and open links C0..C(n-1), reading output meanwhile.
OPENER = r"""
import socket, sys, threading
n, port, user, pw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection(("127.0.0.1", port), timeout=60)
buf = bytearray()
def expect(tok):
    while tok not in buf:
        d = s.recv(65536)
        if not d:
            sys.exit("console closed")
        buf.extend(d)
    del buf[:buf.index(tok) + len(tok)]
expect(b"Username: "); s.sendall(user.encode() + b"\r\n")
expect(b"Password: "); s.sendall(pw.encode() + b"\r\n")
expect(b"] ")
def drain():
    while True:
        try:
            d = s.recv(65536)
        except OSError:
            return
        if not d or b"bench-opened" in d:
            return
t = threading.Thread(target=drain, daemon=True)
t.start()
cmds = b"".join(b"link C%d\r\nopen\r\n" % i for i in range(n))
s.sendall(cmds + b"bench-opened\r\n")  # unknown command: a marker
t.join(120)
s.sendall(b"exit\r\n")
"""


def client_conf(n, macs, open_links=True):
    lines = ["startup:",
             "set user %s %s admin" % (ADMIN, ADMIN_PASS),
             "set console self 127.0.0.1 %d" % CONSOLE_PORT,
             "set console open"]
    head = "\n\t".join(lines) + "\n"
    lines = ["client:"]
    for i in range(n):
        lines += ["create bundle static B%d" % i,
                  "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
                  "create link static C%d pppoe" % i,
                  "set link action bundle B%d" % i,
                  "set auth authname %s" % USER,
                  "set auth password %s" % PASS,
                  "set link max-redial 0",
                  "set link redial-delay 1",
                  "set pppoe iface mv%d" % (i % macs),
                  "set pppoe service \"\""]
        if open_links:
            lines.append("open")
    return head + "\n\t".join(lines) + "\n"


def bench_sessions(workdir, n):
    """Set-up rate, memory per session and teardown time for n sessions."""
    a, b = new_ns(), new_ns()
    veth(a, b)
    macs = max(1, math.ceil(n / MAC_BURST))
    batch = os.path.join(workdir, "macvlan-%d.batch" % n)
    with open(batch, "w") as f:
        for m in range(macs):
            f.write("link add link vB name mv%d type macvlan mode private\n"
                    % m)
            f.write("link set mv%d up\n" % m)
    run("ip", "-n", b, "-batch", batch)
    srv = Daemon(a, workdir, "srv%d" % n, server_conf(n),
                 "%s %s\n" % (USER, PASS), "server").start()
    time.sleep(1.0)
    srv.check()
    rss0 = proc_status(srv.pid, "VmRSS")
    cpu0 = cpu_seconds(srv.pid)
    # the client's links and bundles (and their ngN) exist before the
    # clock starts: it times dialling, not the client's start-up
    cli = Daemon(b, workdir, "cli%d" % n, client_conf(n, macs, False), "",
                 "client").start()
    wait_for(lambda: cli.check() or ng_links(b) >= n, 120 + n / 10.0,
             "the client's %d bundles" % n)
    time.sleep(0.5)
    t0 = time.monotonic()
    opener = popen(nsexec(b, sys.executable, "-c", OPENER, str(n),
                          str(CONSOLE_PORT), ADMIN, ADMIN_PASS))

    last = [t0, -1]

    def up():
        srv.check()
        cli.check()
        k = len(ng_addrs(a))
        now = time.monotonic()
        if now - last[0] >= 10 and k != last[1]:
            log("  ... %d of %d sessions up after %.0f s" % (k, n, now - t0))
            last[:] = [now, k]
        return k >= n
    try:
        wait_for(up, 120 + n / 10.0, "%d sessions" % n, interval=0.05)
    except RuntimeError:
        log("  server links: %d, client ng interfaces: %d" % (
            ng_links(a), ng_links(b)))
        raise
    setup = time.monotonic() - t0
    opener.wait(60)
    srv_cpu = cpu_seconds(srv.pid) - cpu0
    time.sleep(1.0)
    rss = proc_status(srv.pid, "VmRSS")
    hwm = proc_status(srv.pid, "VmHWM")
    # a sample of the sessions passes traffic
    out = run("ip", "-n", b, "-o", "-4", "addr", "show")
    locs = re.findall(r"^\d+: ng\d+\s+inet ([\d.]+)", out, re.M)
    sample = random.Random(1).sample(locs, min(5, len(locs)))
    ok = 0
    for loc in sample:
        r = subprocess.run(nsexec(a, "ping", "-c", "1", "-W", "2", loc),
                           stdout=subprocess.DEVNULL)
        ok += r.returncode == 0
    t1 = time.monotonic()
    cli.stop()
    wait_for(lambda: ng_links(a) == 0, 120 + n / 10.0,
             "all server sessions gone", interval=0.05)
    down = time.monotonic() - t1
    srv.check()
    srv.stop()
    run("ip", "netns", "del", a)
    run("ip", "netns", "del", b)
    _netns.remove(a)
    _netns.remove(b)
    return {
        "n": n, "setup_s": setup, "rate": n / setup,
        "server_cpu_s": srv_cpu,
        "rss0_kb": rss0, "rss_kb": rss, "hwm_kb": hwm,
        "kb_per_session": (rss - rss0) / n,
        "teardown_s": down, "sample_ping": "%d/%d" % (ok, len(sample)),
    }


def iperf(ns_srv, ns_cli, addr, seconds, pids):
    """TCP throughput from ns_cli to addr (iperf3 in ns_srv); CPU of pids."""
    srv = popen(nsexec(ns_srv, "iperf3", "-s", "-1", "-B", addr),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    cpu0 = sum(cpu_seconds(p) for p in pids)
    out = run(*nsexec(ns_cli, "iperf3", "-c", addr, "-t", str(seconds),
                      "-J"))
    cpu = sum(cpu_seconds(p) for p in pids) - cpu0
    stop(srv, timeout=10)
    j = json.loads(out)
    end = j["end"]
    bps = end["sum_received"]["bits_per_second"]
    nbytes = end["sum_received"]["bytes"]
    return bps, nbytes, cpu


def dev_packets(ns, ifname):
    """Packets received + sent by ifname in ns."""
    j = json.loads(run("ip", "-j", "-s", "-n", ns, "link", "show", "dev",
                       ifname))
    st = j[0]["stats64"]
    return st["rx"]["packets"] + st["tx"]["packets"]


def bench_throughput(workdir, seconds):
    res = {}
    # mpd5: one PPPoE session
    a, b = new_ns(), new_ns()
    veth(a, b)
    run("ip", "-n", b, "link", "add", "link", "vB", "name", "mv0", "type",
        "macvlan", "mode", "private")
    run("ip", "-n", b, "link", "set", "mv0", "up")
    srv = Daemon(a, workdir, "tsrv", server_conf(1),
                 "%s %s\n" % (USER, PASS), "server").start()
    time.sleep(0.5)
    cli = Daemon(b, workdir, "tcli", client_conf(1, 1), "",
                 "client").start()
    wait_for(lambda: ng_addrs(a) and ng_addrs(b), 30, "one session")
    time.sleep(0.5)
    p0 = dev_packets(a, "ng0") + dev_packets(b, "ng0")
    bps, nbytes, cpu = iperf(a, b, SRV_TUN, seconds, [srv.pid, cli.pid])
    pk = dev_packets(a, "ng0") + dev_packets(b, "ng0") - p0
    res["mpd5"] = {"bps": bps, "bytes": nbytes, "cpu_s": cpu,
                   "packets": pk}
    cli.stop()
    srv.stop()
    # raw: tunfwd on the same kind of path
    c, d = new_ns(), new_ns()
    veth(c, d)
    fa = popen(nsexec(c, TUNFWD, "rt0", "vA", mac_of(d, "vB")),
               stdout=subprocess.DEVNULL)
    fb = popen(nsexec(d, TUNFWD, "rt0", "vB", mac_of(c, "vA")),
               stdout=subprocess.DEVNULL)
    wait_for(lambda: "rt0" in run("ip", "-n", c, "-o", "link") and
             "rt0" in run("ip", "-n", d, "-o", "link"), 10, "tunfwd")
    for ns, loc, rem in ((c, "10.241.0.1", "10.241.0.2"),
                         (d, "10.241.0.2", "10.241.0.1")):
        run("ip", "-n", ns, "addr", "add", loc, "peer", rem, "dev", "rt0")
        run("ip", "-n", ns, "link", "set", "rt0", "mtu", "1492", "up")
    p0 = dev_packets(c, "rt0") + dev_packets(d, "rt0")
    bps, nbytes, cpu = iperf(c, d, "10.241.0.1", seconds, [fa.pid, fb.pid])
    pk = dev_packets(c, "rt0") + dev_packets(d, "rt0") - p0
    res["raw"] = {"bps": bps, "bytes": nbytes, "cpu_s": cpu, "packets": pk}
    stop(fa)
    stop(fb)
    return res


def machine():
    lines = []
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else "?"
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    lines.append("machine: %s, %d CPUs (%s), %d MiB RAM" % (
        platform.machine(), os.cpu_count(), cpu, mem))
    lines.append("kernel:  %s %s" % (platform.system(), platform.release()))
    cc = run("gcc", "--version", check=False).splitlines()
    lines.append("compiler: %s" % (cc[0] if cc else "?"))
    rev = run("git", "-C", ROOT, "describe", "--always", "--dirty",
              check=False).strip()
    lines.append("mpd5:    %s (%s)" % (MPD, rev or "?"))
    try:
        load = os.getloadavg()
        lines.append("load:    %.2f %.2f %.2f before the run" % load)
    except OSError:
        pass
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("-n", type=int, action="append",
                    help="session counts (default 1000 and 5000)")
    ap.add_argument("-t", type=int, default=5,
                    help="seconds per throughput run (default 5)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--keep", action="store_true",
                    help="keep the daemons' logs and the work directory")
    args = ap.parse_args()
    global KEEP
    KEEP = args.keep
    if os.geteuid() != 0:
        sys.exit("bench: run as root (namespaces, TUN devices)")
    for tool in ("iperf3", "socat"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is missing (scripts/install-deps)" % tool)
    # SIGTERM/SIGINT end the run through the cleanup below
    def on_signal(sig, frame):
        raise SystemExit("bench: signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    counts = args.n or [1000, 5000]
    workdir = tempfile.mkdtemp(prefix="mpd-bench.")
    # thousands of links: file descriptors for AF_PACKET and TUN
    import resource
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        for line in machine():
            log(line)
        log("")
        log("PPPoE sessions (CHAP-MD5 + IPCP, client and server daemons "
            "on this machine)")
        log("%8s %9s %9s %13s %12s %12s %10s %6s" % (
            "sessions", "setup s", "setups/s", "per CPU-s", "RSS KB/sess",
            "server RSS", "teardown", "ping"))
        for n in counts:
            r = bench_sessions(workdir, n)
            log("%8d %9.2f %9.0f %13.0f %12.1f %9.1f MB %9.2fs %6s" % (
                r["n"], r["setup_s"], r["rate"],
                r["n"] / r["server_cpu_s"] if r["server_cpu_s"] else 0,
                r["kb_per_session"], r["rss_kb"] / 1024.0, r["teardown_s"],
                r["sample_ping"]))
        log("(per CPU-s: sessions set up per second of the server's own "
            "CPU time)")
        if not args.no_throughput:
            log("")
            log("One session's TCP throughput (iperf3, %d s, MTU 1492)"
                % args.t)
            res = bench_throughput(workdir, args.t)
            raw = res["raw"]["bps"]
            for k, label in (("mpd5", "mpd5 PPPoE, tun data plane"),
                             ("raw", "raw veth+TUN (tunfwd)")):
                r = res[k]
                per = (r["cpu_s"] / r["packets"] * 1e6) if r["packets"] \
                    else float("nan")
                log("  %-30s %8.0f Mbit/s  %5.1f%% of raw  %6.2f us CPU "
                    "per packet (%d packets)" % (
                        label, r["bps"] / 1e6, 100.0 * r["bps"] / raw,
                        per, r["packets"]))
    finally:
        cleanup()
        if KEEP:
            log("logs kept in " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
