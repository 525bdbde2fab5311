#!/usr/bin/python3
"""
make bench (RADIUS part): the PPPoE session set-up rate of mpd5 with a
real FreeRADIUS in the loop (radius-auth + radius-acct, CHAP-MD5), next
to the same rate with mpd.secret (internal).

    ns A: mpd5 server (AC) + FreeRADIUS on 127.0.0.1
          vA <== veth ==> vB + macvlans  ns B: mpd5 client (N links)

The clock runs from the client's start until the server has N interfaces
with an address.  Several client links share a macvlan MAC, no more than
the AC's per-MAC discovery burst allows.  Logs go to a socat sink.
Prints one line per back end:

    radius setup-rate <backend> <n> sessions <s> s <rate>/s (90% in ...)

Namespaces (mpdr<pid>...) are deleted at the end; processes are ended by
PID.  Nothing is asserted.
"""

import argparse
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from radius_lab import SECRET, FreeRadius  # noqa: E402

MPD = os.environ.get("MPD_BIN", os.path.join(ROOT, "build", "mpd5"))
MAC_BURST = 16
POOL = ("10.240.0.1", "10.240.63.254")
SRV_TUN = "10.239.0.1"
USER, PASS = "bench", "bench-Pass1"
_procs, _netns, _seq = [], [], [0]


def run(*args):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()


def new_ns():
    _seq[0] += 1
    ns = "mpdr%dx%d" % (os.getpid(), _seq[0])
    run("ip", "netns", "add", ns)
    _netns.append(ns)
    run("ip", "-n", ns, "link", "set", "lo", "up")
    return ns


def popen(args, **kw):
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, **kw)
    _procs.append(p)
    return p


def stop(p, timeout=60):
    if p.poll() is None:
        os.kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(5)


def wait_for(fn, timeout, what, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(interval)
    raise RuntimeError("timed out waiting for " + what)


def ng_count(ns):
    out = run("ip", "-n", ns, "-o", "-4", "addr", "show")
    return len(re.findall(r"^\d+: ng\d+\s+inet ", out, re.M))


def daemon(ns, d, conf, secret, label):
    os.makedirs(d)
    with open(os.path.join(d, "mpd.conf"), "w") as f:
        f.write(conf)
    with open(os.path.join(d, "mpd.secret"), "w") as f:
        f.write(secret)
    os.chmod(os.path.join(d, "mpd.secret"), 0o600)
    sock = os.path.join(d, "log.sock")
    popen(["ip", "netns", "exec", ns, "socat", "-u",
           "UNIX-RECV:%s,rcvbuf=4194304" % sock, "OPEN:/dev/null"])
    wait_for(lambda: os.path.exists(sock), 10, "the log sink")
    out = open(os.path.join(d, "stderr"), "wb")
    return popen(["ip", "netns", "exec", ns, MPD, "-d", d, "-p",
                  os.path.join(d, "mpd.pid"), label], stdout=out,
                 stderr=subprocess.STDOUT,
                 env=dict(os.environ, MPD_SYSLOG_SOCKET=sock), cwd=d)


def server_conf(n, radius):
    lines = ["server:",
             "set ippool add pool1 %s %s" % POOL,
             "create bundle template B",
             "set ipcp ranges %s/32 ippool pool1" % SRV_TUN,
             "create link template L pppoe",
             "set link action bundle B",
             "set link enable chap-md5",
             "set link max-children %d" % (n + 10)]
    if radius:
        lines += ["set auth disable internal",
                  "set auth enable radius-auth radius-acct",
                  "set radius server 127.0.0.1 %s 21812 21813" % SECRET]
    lines += ["set pppoe iface vA", "set pppoe service \"*\"",
              "set link enable incoming"]
    return "\n\t".join(lines) + "\n"


def client_conf(n, macs):
    lines = ["client:"]
    for i in range(n):
        lines += ["create bundle static B%d" % i,
                  "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
                  "create link static C%d pppoe" % i,
                  "set link action bundle B%d" % i,
                  "set auth authname %s" % USER,
                  "set auth password %s" % PASS,
                  "set pppoe iface mv%d" % (i % macs),
                  "set pppoe service \"\"",
                  "open"]
    return "\n\t".join(lines) + "\n"


def bench(workdir, n, radius):
    a, b = new_ns(), new_ns()
    run("ip", "link", "add", "vA", "netns", a, "type", "veth", "peer",
        "name", "vB", "netns", b)
    run("ip", "-n", a, "link", "set", "vA", "up")
    run("ip", "-n", b, "link", "set", "vB", "up")
    macs = max(1, math.ceil(n / MAC_BURST))
    for m in range(macs):
        run("ip", "-n", b, "link", "add", "link", "vB", "name", "mv%d" % m,
            "type", "macvlan", "mode", "private")
        run("ip", "-n", b, "link", "set", "mv%d" % m, "up")
    fr = None
    tag = "radius" if radius else "internal"
    if radius:
        fr = FreeRadius(a, os.path.join(workdir, "fr"),
                        '%s Cleartext-Password := "%s"\n' % (USER, PASS),
                        21812, 21813).start()
    srv = daemon(a, os.path.join(workdir, "srv-" + tag),
                 server_conf(n, radius), "%s %s\n" % (USER, PASS), "server")
    time.sleep(1.0)
    cli = daemon(b, os.path.join(workdir, "cli-" + tag),
                 client_conf(n, macs), "", "client")
    t0 = time.monotonic()

    t90 = [None]

    def up():
        if srv.poll() is not None or cli.poll() is not None:
            raise RuntimeError("mpd5 exited; see " + workdir)
        k = ng_count(a)
        if t90[0] is None and k >= 0.9 * n:
            t90[0] = time.monotonic() - t0
        return k >= n
    wait_for(up, 120 + n / 5.0, "%d sessions (%s)" % (n, tag))
    dt = time.monotonic() - t0
    stop(cli)
    stop(srv)
    if fr is not None:
        fr.stop()
    for ns in (a, b):
        run("ip", "netns", "del", ns)
        _netns.remove(ns)
    return dt, t90[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200, help="sessions")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="mpdbr-", dir="/tmp")
    try:
        for radius in (False, True):
            dt, t90 = bench(workdir, args.n, radius)
            # a lost LCP frame costs one 2 s retransmission: the 90 %
            # figure is the steadier one for small n
            print("radius setup-rate %-8s %d sessions %.2f s %.1f/s "
                  "(90%% in %.2f s: %.1f/s)"
                  % ("radius" if radius else "internal", args.n, dt,
                     args.n / dt, t90, 0.9 * args.n / t90), flush=True)
    finally:
        for p in _procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        for ns in list(_netns):
            subprocess.run(["ip", "netns", "del", ns])
        subprocess.run(["rm", "-rf", workdir])


if __name__ == "__main__":
    main()
