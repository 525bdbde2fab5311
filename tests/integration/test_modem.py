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

With chat scripts (the bundled conf/mpd.script) and a fake Hayes modem
emulated at each end of the line (FakeModems): DialPeer against
AnswerCall (the number dialled, $ConnectionSpeed, $CallingID from the
caller-ID line, $CalledID in `show device`; the idle script runs again
after the call and answers a second one), DialPeer without an answer
(the script fails, the link goes down), and Ringback: the server lets
the client's call ring out, then calls back with DialPeer, and the
client's AnswerCall idle script answers.
"""

import os
import re
import select
import termios
import time
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
MPD_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", "..", "conf", "mpd.script")


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


def lock_pid(line, i):
    """The pid in side i's lock file, or None (none there right now)."""
    try:
        with open(line.lock_path(i)) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


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
    wait_for(lambda: lock_pid(line, 0) == srv.pid, IO_TIMEOUT,
             "stale lock replaced")
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


# --------------------------------------------------------------------------
# chat scripts: a fake Hayes modem at each end (conf/mpd.script)
# --------------------------------------------------------------------------

class FakeModems(PtyLine):
    """
    PtyLine with a Hayes modem emulated at each end.  In command mode a
    line ending in CR is a command: ATD<T|P><number> rings the other end
    ("NMBR = <caller>" then RING, every second until answered), ATA there
    answers when it rings (CONNECT 115200 to both, then the bytes are
    relayed), any other AT command gets OK.  Output speed 0 on a port
    (DTR dropped, mpd5 hanging up) ends the call: NO CARRIER to the other
    end, both back in command mode.  No echo (as after ATE0).
    """

    CALLER = "5550000"

    def __init__(self, workdir):
        self.mode = ["cmd", "cmd"]
        self.line = [b"", b""]
        self.commands = [[], []]
        self.dialled = []
        self.calls = 0
        self.ring_at = None           # (side to ring, next time)
        super().__init__(workdir)

    def _send(self, i, text):
        try:
            os.write(self.masters[i], text)
        except (BlockingIOError, OSError):
            pass

    def _command(self, i, cmd):
        self.commands[i].append(cmd)
        up = cmd.upper()
        if up.startswith("ATD"):
            num = up[3:]
            if num[:1] in ("T", "P"):
                num = num[1:]
            self.dialled.append(num)
            self.mode[i] = "dialling"
            self.ring_at = (1 - i, time.monotonic())
        elif up.startswith("ATA"):
            if self.ring_at is not None and self.ring_at[0] == i:
                self.ring_at = None
                self.calls += 1
                for j in (0, 1):
                    self.mode[j] = "data"
                    self._send(j, b"\r\nCONNECT 115200\r\n")
            else:
                self._send(i, b"\r\nNO CARRIER\r\n")
        elif up.startswith("AT"):
            self._send(i, b"\r\nOK\r\n")

    def _hangup_check(self):
        for i in (0, 1):
            try:
                ospeed = termios.tcgetattr(self.masters[i])[5]
            except termios.error:
                continue
            if ospeed != termios.B0:
                continue
            if self.mode[i] == "data":
                self.mode[1 - i] = "cmd"
                self._send(1 - i, b"\r\nNO CARRIER\r\n")
            elif self.mode[i] == "dialling":
                self.ring_at = None
            self.mode[i] = "cmd"
            self.line[i] = b""

    def _run(self):
        while not self._stop.is_set():
            self._hangup_check()
            if self.ring_at is not None and \
                    time.monotonic() >= self.ring_at[1]:
                j = self.ring_at[0]
                self._send(j, b"\r\nNMBR = %s\r\n\r\nRING\r\n"
                           % self.CALLER.encode())
                self.ring_at = (j, time.monotonic() + 1.0)
            r, _, _ = select.select(self.masters, [], [], 0.05)
            for fd in r:
                i = self.masters.index(fd)
                try:
                    data = os.read(fd, 4096)
                except (BlockingIOError, OSError):
                    continue
                if self.mode[i] == "data" and self.mode[1 - i] == "data":
                    self._send(1 - i, data)
                    self.copied[i] += len(data)
                    continue
                self.line[i] += data
                while b"\r" in self.line[i]:
                    cmd, self.line[i] = self.line[i].split(b"\r", 1)
                    cmd = cmd.strip().decode("latin-1")
                    if cmd:
                        self._command(i, cmd)


@pytest.fixture
def modems(ppp_lab):
    m = FakeModems(ppp_lab.workdir)
    yield m
    m.close()


def script_pair(lab, modems, server=True):
    """Server answering with AnswerCall, client dialling with DialPeer."""
    files = {"mpd.script": open(MPD_SCRIPT).read()}
    srv = None
    if server:
        srv = lab.daemon(
            lab.ns_a, "server",
            modem_conf("server", modems.links[0],
                       ["set ipcp ranges %s/32 %s/32" % (SRV_TUN, CLI_TUN)],
                       ["set link enable chap-md5",
                        "set modem idle-script AnswerCall",
                        "set link enable incoming"], open_link=False),
            "%s %s\n" % (CLI_NAME, CLI_PASS), "server", files=files)
    cli = lab.daemon(
        lab.ns_b, "client",
        modem_conf("client", modems.links[1],
                   ["set ipcp ranges 0.0.0.0/0 0.0.0.0/0"],
                   ["set auth authname %s" % CLI_NAME,
                    "set auth password %s" % CLI_PASS,
                    "set modem script DialPeer",
                    "set modem var $Telephone 5551234",
                    "set modem var $ConnectTimeout 4"]),
        "", "client", files=files)
    return srv, cli


def test_dial_peer_answer_call(ppp_lab, modems):
    srv, cli = script_pair(ppp_lab, modems)
    srv.start()
    # the idle script set the modem up and waits for RING
    wait_for(lambda: "ATS0=0" in modems.commands[0], IO_TIMEOUT,
             "AnswerCall to set the modem up")
    cli.start()
    wait_up(srv, cli)
    ping(ppp_lab.ns_b, SRV_TUN)
    assert modems.dialled == ["5551234"]
    srv.wait_log(r"\[M\] MODEM: idle script succeeded, action=answer")
    srv.wait_log(r"\[M\] MODEM: opening link in answer mode")
    cli.wait_log(r"\[M\] MODEM: chat script succeeded")
    out = show_device(srv)
    assert "\tIdle script  : \"AnswerCall\"\n" in out, out
    assert "\tOpened       : YES\n\tIncoming     : YES\n" in out, out
    assert "\tConnect speed: 115200 baud\n" in out, out
    assert "\tCalling      : %s\n" % modems.CALLER in out, out
    out = show_device(cli)
    assert "\tConn. script : \"DialPeer\"\n" in out, out
    assert "\tIncoming     : NO\n\tConnect speed: 115200 baud\n" in out, out
    assert "\tCalled       : 5551234\n" in out, out

    # the client hangs up (DTR down: the fake modem ends the call); the
    # server's idle script runs again and answers the next call
    cli.cmds("link M", "close")
    wait_for(lambda: not ipcp_opened(srv, "B"), IO_TIMEOUT,
             "the server to see the hang-up", interval=0.1)
    wait_for(lambda: modems.commands[0].count("ATS0=0") >= 2, IO_TIMEOUT,
             "AnswerCall again")
    cli.cmds("link M", "open")
    wait_up(srv, cli)
    ping(ppp_lab.ns_b, SRV_TUN)
    assert modems.calls == 2 and modems.dialled == ["5551234"] * 2


def test_dial_peer_no_answer(ppp_lab, modems):
    _, cli = script_pair(ppp_lab, modems, server=False)
    cli.start()
    cli.wait_log(r"\[M\] MODEM: chat script failed", timeout=30)
    cli.wait_log(r"\[M\] Link: DOWN event")
    assert modems.dialled[:1] == ["5551234"]
    assert modems.calls == 0
    # the down reason: mpd5's "Error" with the script's last log line
    out = cli.cmds("link M", "show link").replace("\r\n", "\n")
    assert re.search(r"\tDown Reason +: Error:No connection after 4 "
                     r"seconds\n", out), out


def test_ringback(ppp_lab, modems):
    """
    The client dials and gives up; the server's Ringback idle script saw
    the rings stop and has mpd5 call back (DialPeer), which the client's
    AnswerCall idle script answers.
    """
    files = {"mpd.script": open(MPD_SCRIPT).read()}
    srv = ppp_lab.daemon(
        ppp_lab.ns_a, "server",
        modem_conf("server", modems.links[0],
                   ["set ipcp ranges %s/32 %s/32" % (SRV_TUN, CLI_TUN)],
                   ["set link enable chap-md5",
                    "set modem idle-script Ringback",
                    "set modem var $RingStoppedTime 2",
                    "set modem script DialPeer",
                    "set modem var $Telephone 5559999",
                    "set link enable incoming"], open_link=False),
        "%s %s\n" % (CLI_NAME, CLI_PASS), "server", files=files)
    cli = ppp_lab.daemon(
        ppp_lab.ns_b, "client",
        modem_conf("client", modems.links[1],
                   ["set ipcp ranges 0.0.0.0/0 0.0.0.0/0"],
                   ["set auth authname %s" % CLI_NAME,
                    "set auth password %s" % CLI_PASS,
                    "set link max-redial -1",
                    "set modem script DialPeer",
                    "set modem var $Telephone 5551234",
                    "set modem var $ConnectTimeout 3",
                    "set modem idle-script AnswerCall",
                    "set link enable incoming"]),
        "", "client", files=files)
    srv.start()
    wait_for(lambda: "ATS0=0" in modems.commands[0], IO_TIMEOUT,
             "Ringback to set the modem up")
    cli.start()
    cli.wait_log(r"\[M\] MODEM: chat script failed", timeout=30)
    srv.wait_log(r"\[M\] MODEM: idle script succeeded, action=ringback",
                 timeout=30)
    srv.wait_log(r"\[M\] MODEM: opening link in ringback mode")
    wait_up(srv, cli, timeout=60)
    assert modems.dialled == ["5551234", "5559999"]
    cli.wait_log(r"\[M\] MODEM: idle script succeeded, action=answer")
    out = show_device(srv)
    assert "\tOpened       : YES\n\tIncoming     : NO\n" in out, out
    out = show_device(cli)
    assert "\tOpened       : YES\n\tIncoming     : YES\n" in out, out
    ping(ppp_lab.ns_b, SRV_TUN)
