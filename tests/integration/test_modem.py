"""
The modem link type (src/link/modem.c, src/sys/tty.c) between two mpd5
daemons joined by a pair of pseudo-terminals, on the tun data plane
(user-space async HDLC):

    ns a: mpd5 "server"  -- /dev/pts/X  ==relay==  /dev/pts/Y --  ns b: mpd5 "client"

The relay is this test process: it holds both pty masters and copies
bytes between them (non-blocking, dropping what the far side does not
take, like a line).  It also keeps each slave open, so that a daemon
closing its port (hang-up) never makes the master see EIO, and it sets
the slaves raw so that no echo bounces bytes back while a daemon has
its port closed.  Each daemon opens its slave through a symlink whose
name carries this process's pid: the UUCP lock files are then
/var/lock/LCK..mdm<pid>[ab], which only this test creates and removes.

Covered: a call with no connect script on both ends (a null-modem
line), PAP and CHAP, pings across the ng interfaces in the two
namespaces, `show device` (modem status and async stats), hang-up from
each side followed by a new call, and the lock file: held with the
daemon's pid during a call, a stale one (dead pid) replaced, one held by
a live process refused, one left by a daemon killed with SIGKILL
replaced by the next daemon.
"""

import os
import re
import select
import subprocess
import threading
import tty

import pytest

from conftest import IO_TIMEOUT, wait_for
from ppp_lab import (CLI_NAME, CLI_PASS, CLI_TUN, SRV_TUN, ipcp_opened,
                     ping, ppp_lab)  # noqa: F401  (fixture)
from conftest import startup_conf

UP_TIMEOUT = 30.0
LOCK_DIR = "/var/lock"


class PtyLine:
    """Two pty pairs whose masters this object relays to each other."""

    def __init__(self, workdir):
        self.masters, self.slaves, self.links = [], [], []
        for side in "ab":
            m, s = os.openpty()
            tty.setraw(s)
            os.set_blocking(m, False)
            link = os.path.join(workdir, "mdm%d%s" % (os.getpid(), side))
            os.symlink(os.ttyname(s), link)
            self.masters.append(m)
            self.slaves.append(s)
            self.links.append(link)
        self.copied = [0, 0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def lock_path(self, i):
        return os.path.join(LOCK_DIR, "LCK.." + os.path.basename(self.links[i]))

    def _run(self):
        while not self._stop.is_set():
            r, _, _ = select.select(self.masters, [], [], 0.1)
            for fd in r:
                i = self.masters.index(fd)
                try:
                    data = os.read(fd, 4096)
                except (BlockingIOError, OSError):
                    continue
                try:
                    os.write(self.masters[1 - i], data)
                    self.copied[i] += len(data)
                except (BlockingIOError, OSError):
                    pass            # the far end does not take it: lost

    def close(self):
        self._stop.set()
        self._thread.join(5)
        for fd in self.masters + self.slaves:
            os.close(fd)
        for i, link in enumerate(self.links):
            os.unlink(link)
            # only the locks named after this process's pid
            try:
                os.unlink(self.lock_path(i))
            except FileNotFoundError:
                pass


@pytest.fixture
def line(ppp_lab):
    p = PtyLine(ppp_lab.workdir)
    yield p
    p.close()


def modem_conf(label, device, bundle_lines, link_lines, open_link=True):
    lines = ["%s:" % label,
             "create bundle static B"] + bundle_lines + [
             "create link static M modem",
             "set link action bundle B",
             "set modem device %s" % device,
             "set modem script \"\"",
             "set link max-redial 0",
             "set link redial-delay 1"] + link_lines
    if open_link:
        lines.append("open")
    return startup_conf(web=False) + "\n\t".join(lines) + "\n"


def start_pair(lab, line, auth="pap", srv_extra=(), cli_extra=(),
               open_server=True):
    srv_link = ["set link enable %s" % auth] + list(srv_extra)
    cli_link = ["set auth authname %s" % CLI_NAME,
                "set auth password %s" % CLI_PASS] + list(cli_extra)
    srv = lab.daemon(lab.ns_a, "server",
                     modem_conf("server", line.links[0],
                                ["set ipcp ranges %s/32 %s/32"
                                 % (SRV_TUN, CLI_TUN)], srv_link,
                                open_server),
                     "%s %s\n" % (CLI_NAME, CLI_PASS), "server")
    cli = lab.daemon(lab.ns_b, "client",
                     modem_conf("client", line.links[1],
                                ["set ipcp ranges 0.0.0.0/0 0.0.0.0/0"],
                                cli_link),
                     "", "client")
    srv.start()
    cli.start()
    return srv, cli


def wait_up(*daemons, timeout=UP_TIMEOUT):
    for d in daemons:
        try:
            wait_for(lambda: ipcp_opened(d, "B"), timeout,
                     "IPCP opened in %s" % d.ns, interval=0.1)
        except AssertionError as e:
            raise AssertionError("%s\n---- log ----\n%s"
                                 % (e, d.log_text()[-6000:]))


def show_device(d):
    return d.cmds("link M", "show device").replace("\r\n", "\n")


def test_null_modem_call(ppp_lab, line):
    srv, cli = start_pair(ppp_lab, line, auth="pap")
    wait_up(srv, cli)
    ping(ppp_lab.ns_b, SRV_TUN)
    ping(ppp_lab.ns_a, CLI_TUN)
    srv.wait_log(r"\[M\] MODEM: no connect script: line up")
    srv.wait_log(r"\[M\] PAP: rec'd REQUEST")
    srv.wait_log(r"\[M\] LCP: authorization successful")

    out = show_device(cli)
    assert "Modem info:\n" in out
    assert "\tDevice       : %s\n" % line.links[1] in out
    assert "\tPort speed   : 115200 baud\n" in out
    assert "\tConn. script : \"\"\n" in out
    assert "\tPins to watch: CD \n" in out
    assert "Modem status:\n\tOpened       : YES\n\tIncoming     : NO\n" in out
    stats = dict(re.findall(r"\t\s*(\w+): +(\d+)\n", out))
    for k in ("syncOctets", "syncFrames", "syncOverflows", "asyncOctets",
              "asyncFrames", "asyncRunts", "asyncOverflows",
              "asyncBadCheckSums"):
        assert k in stats, out
    assert int(stats["syncFrames"]) > 0 and int(stats["asyncFrames"]) > 0
    assert int(stats["asyncBadCheckSums"]) == 0
    # the pings crossed the line: more than LCP/auth/IPCP alone
    assert int(stats["asyncOctets"]) > 500
    # the lock files carry each daemon's pid
    for i, d in enumerate((srv, cli)):
        with open(line.lock_path(i)) as f:
            assert int(f.read().strip()) == d.pid


def test_hangup_each_side(ppp_lab, line):
    srv, cli = start_pair(ppp_lab, line, auth="chap-md5")
    wait_up(srv, cli)
    srv.wait_log(r"\[M\] CHAP: rec'd RESPONSE")
    srv.wait_log(r"\[M\] LCP: authorization successful")
    for closer, other in ((cli, srv), (srv, cli)):
        closer.cmds("link M", "close")
        wait_for(lambda: not ipcp_opened(other, "B"), IO_TIMEOUT,
                 "the far end to see the hang-up", interval=0.1)
        closer.wait_log(r"\[M\] MODEM: closing ")
        # the closing side's port is released, lock file included
        i = 0 if closer is srv else 1
        wait_for(lambda: not os.path.exists(line.lock_path(i)), IO_TIMEOUT,
                 "lock file removed")
        closer.cmds("link M", "open")
        wait_up(srv, cli)
        ping(ppp_lab.ns_b, SRV_TUN)


def test_lock_files(ppp_lab, line):
    # a stale lock: a process that no longer exists
    p = subprocess.Popen(["true"])
    p.wait()
    with open(line.lock_path(0), "w") as f:
        f.write("%10d\n" % p.pid)
    # a live lock: this test holds the client's port
    with open(line.lock_path(1), "w") as f:
        f.write("%10d\n" % os.getpid())
    srv, cli = start_pair(ppp_lab, line)
    cli.wait_log(r"\[M\] MODEM: %s is locked by process %d"
                 % (re.escape(line.links[1]), os.getpid()))
    wait_for(lambda: open(line.lock_path(0)).read().strip() == str(srv.pid),
             IO_TIMEOUT, "stale lock replaced")
    # released: the client's redial gets the port and the call comes up
    os.unlink(line.lock_path(1))
    wait_up(srv, cli)
    # killed with SIGKILL, the client leaves its lock behind ...
    cli.kill_hard()
    with open(line.lock_path(1)) as f:
        assert int(f.read().strip()) == cli.pid
    # ... and a new daemon replaces it
    cli2 = ppp_lab.daemon(ppp_lab.ns_b, "client2",
                          modem_conf("client", line.links[1],
                                     ["set ipcp ranges 0.0.0.0/0 0.0.0.0/0"],
                                     ["set auth authname %s" % CLI_NAME,
                                      "set auth password %s" % CLI_PASS]),
                          "", "client")
    cli2.start()
    wait_up(srv, cli2)
    with open(line.lock_path(1)) as f:
        assert int(f.read().strip()) == cli2.pid

