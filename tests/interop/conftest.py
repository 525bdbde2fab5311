"""
Fixtures of the interop suite: mpd5 against real Linux PPP peers (pppd,
pppoe-server) that run in a qemu guest with Debian's kernel
(scripts/lab/lab.py; the build machines' own kernel has no PPP).

    host netns mpdx<pid>                        guest (one per run)
      tap mpdx<pid>t  <====== virtio-net ======>  eth0
      mpd5 (tun backend) on the tap               pppd, pppoe-server,
                                                  mpd5 (kernel backend)

The guest is booted once per run (session fixture `lab`) and reused by
every test; each test starts its own daemons and stops them by PID.  The
namespace and the tap have pid-based names and are removed at the end.
Deadlines are generous and everything polls: under TCG the guest runs
programs 10-40x slower than the host while PPP timers run in real time.

The daemon helpers come from tests/integration/conftest.py, loaded here
under another module name (both directories have a conftest.py).
"""

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "lab"))
sys.path.insert(0, HERE)

_spec = importlib.util.spec_from_file_location(
    "mpd_itest", os.path.join(REPO, "tests", "integration", "conftest.py"))
itest = importlib.util.module_from_spec(_spec)
sys.modules["mpd_itest"] = itest
_spec.loader.exec_module(itest)

import lab as labmod  # noqa: E402  (scripts/lab/lab.py)

Mpd = itest.Mpd
startup_conf = itest.startup_conf
in_netns = itest.in_netns
wait_for = itest.wait_for
MPD_BIN = itest.MPD_BIN

# session-level names and addresses shared by the test modules
CLI_NAME, CLI_PASS = "foo", "bar-Secret2"
GUEST_MAC = labmod.GUEST_MAC
GUEST_TIMEOUT = 60.0            # a PPP session in or with the guest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: long-running interop test (not in the asan pass)")


def run(argv, timeout=30, check=True):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode("latin-1")
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d:\n%s" % (" ".join(argv),
                                                    p.returncode, out))
    return p.returncode, out


class Lab:
    """The booted guest plus the host namespace its NIC lives in."""

    def __init__(self):
        self.netns = "mpdx%d" % os.getpid()
        self.tap = "mpdx%dt" % os.getpid()
        self.guest = None
        self.dir = tempfile.mkdtemp(prefix="mpd5-interop-")

    def up(self):
        run(["ip", "netns", "add", self.netns])
        run(["ip", "-n", self.netns, "link", "set", "lo", "up"])
        self.guest = labmod.Guest(netns=self.netns, tap=self.tap)
        self.guest.boot()
        g = self.guest
        # Debian's /etc/ppp/options (auth, crtscts, modem, lcp-echo-*) is
        # for dial-up servers; the tests pass every option on purpose
        g.write("/etc/ppp/options", "# interop suite: options on the "
                "command line\n")
        secrets = '"%s" * "%s" *\n' % (CLI_NAME, CLI_PASS)
        g.write("/etc/ppp/pap-secrets", secrets, 0o600)
        g.write("/etc/ppp/chap-secrets", secrets, 0o600)
        self.tap_mac = open_mac(self.netns, self.tap)
        return self

    def down(self):
        if self.guest is not None:
            self.guest.close()
        run(["ip", "netns", "del", self.netns], check=False)
        if os.environ.get("MPD_LAB_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def daemon(self, name, conf, label, secret=None):
        return LabMpd(os.path.join(self.dir, name), conf=conf, secret=secret,
                      label=label, netns=self.netns)

    def capture(self, name):
        return Capture(self, os.path.join(self.dir, name + ".pcap"))


def open_mac(netns, ifname):
    _, out = run(["ip", "-n", netns, "-o", "link", "show", ifname])
    return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)


class LabMpd(Mpd):
    """An mpd5 on the host, inside the lab namespace."""

    def cmds(self, *lines):
        c = self.console()
        try:
            out = None
            for line in lines:
                out = c.cmd(line)
            return out
        finally:
            c.close()

    def log_text(self):
        return "\n".join(self.sink.messages()) if self.sink else ""

    def wait_log(self, pattern, timeout=GUEST_TIMEOUT):
        rx = re.compile(pattern)

        def check():
            m = rx.search(self.log_text())
            if m:
                return m
            assert not self.exited(), "mpd5 exited (%s)\n%s" % (
                self.returncode, self.log_text()[-6000:])
            return None
        try:
            return wait_for(check, timeout, "log /%s/" % pattern,
                            interval=0.1)
        except AssertionError as e:
            raise AssertionError("%s\n---- mpd5 log ----\n%s" % (
                e, self.log_text()[-6000:]))


class Capture:
    """tcpdump on the lab tap (host side); tshark checks afterwards."""

    def __init__(self, lab, path):
        self.path = path
        self.lab = lab
        self.err = path + ".err"
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", lab.netns, "tcpdump", "-i", lab.tap,
             "-n", "-U", "-s", "2048", "-w", path,
             "ether proto 0x8863 or ether proto 0x8864"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.err, "wb"))
        wait_for(lambda: "listening on" in open(self.err).read()
                 or self.proc.poll() is not None, 20, "tcpdump to start")
        assert self.proc.poll() is None, open(self.err).read()

    def stop(self):
        if self.proc.poll() is None:
            time.sleep(1.0)             # frames still in flight
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(10)

    def tshark(self, *args):
        p = subprocess.run(["tshark", "-n", "-r", self.path] + list(args),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr.decode("latin-1")
        return p.stdout.decode("latin-1")

    def summary(self):
        return self.tshark("-Y", "pppoed")

    def assert_clean(self):
        """No malformed frame, no expert error in the whole capture."""
        self.stop()
        bad = self.tshark("-Y", "_ws.malformed || _ws.expert.severity "
                          ">= error")
        assert bad.strip() == "", "tshark found problems:\n" + bad

    def padt_sources(self):
        self.stop()
        out = self.tshark("-Y", "pppoed && pppoe.code == 0xa7", "-T", "fields",
                          "-e", "eth.src")
        return [line.strip() for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def lab():
    if os.geteuid() != 0:
        pytest.fail("the interop suite needs root (namespaces, tap, qemu)")
    lb = Lab()
    try:
        lb.up()
        yield lb
    finally:
        lb.down()


@pytest.fixture
def daemons():
    """Daemons a test starts; all stopped (SIGTERM, by PID) afterwards."""
    started = []
    yield started
    for d in started:
        try:
            if not d.exited():
                d.stop(expect=None)
        except Exception:
            pass
        d.cleanup()
    # the ASan pass (MPD_ASAN=1): a report in any daemon's output fails
    for d in started:
        if itest.ASAN:
            itest.assert_no_sanitizer_report(d.output(), "mpd5 in the lab")


@pytest.fixture
def guest_procs(lab):
    """Guest process ids a test spawns; ended (by PID) afterwards."""
    pids = []
    yield pids
    for pid in pids:
        try:
            lab.guest.kill(pid)
        except labmod.LabError:
            pass
