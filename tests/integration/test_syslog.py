"""
Logging through a real rsyslogd (surface spec 8; ENVIRONMENT.md section 9).

rsyslogd runs with a private configuration and a private imuxsock socket
(no /dev/log involved); the daemon is pointed at it with
MPD_SYSLOG_SOCKET.  Lines tagged `mpd` go to <dir>/mpd.log.  rsyslogd runs
in a fresh network namespace (rsyslog["netns"]), which the daemon shares.
"""

import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import ADMIN, IO_TIMEOUT, Console, netns_cmd, wait_for

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"


@pytest.fixture
def rsyslog(workdir, netns_set):
    if not os.path.exists(RSYSLOGD):
        pytest.skip("rsyslogd is not installed")
    d = os.path.join(workdir, "rs")
    os.mkdir(d)
    sock = os.path.join(d, "log.sock")
    log = os.path.join(d, "mpd.log")
    other = os.path.join(d, "other.log")
    conf = os.path.join(d, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(
            'global(workDirectory="%s")\n'
            'module(load="imuxsock" SysSock.Use="off")\n'
            'input(type="imuxsock" Socket="%s" CreatePath="on" '
            'RateLimit.Interval="0")\n'
            "if $programname == 'mpd' then {\n"
            '  action(type="omfile" file="%s")\n'
            "  stop\n"
            "}\n"
            '*.* action(type="omfile" file="%s")\n' % (d, sock, log, other))
    ns = netns_set.new()
    p = subprocess.Popen(netns_cmd(ns, [RSYSLOGD, "-n", "-f", conf, "-i",
                                        os.path.join(d, "rsyslogd.pid")]),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: os.path.exists(sock) or p.poll() is not None,
                 IO_TIMEOUT, "rsyslogd socket %s" % sock)
        if p.poll() is not None:
            pytest.fail("rsyslogd exited: %s" % p.stdout.read().decode())
        yield {"sock": sock, "log": log, "dir": d, "netns": ns}
    finally:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


@pytest.mark.slow
def test_rsyslog_receives_daemon_lines(mpd_factory, rsyslog):
    m = mpd_factory(log_sink=False, netns=rsyslog["netns"],
                    env={"MPD_SYSLOG_SOCKET": rsyslog["sock"]})
    m.log_path = rsyslog["sock"]
    m.start()
    pid = m.pid
    log = rsyslog["log"]
    wait_for(lambda: "process %d started" % pid in read(log), IO_TIMEOUT,
             "'process %d started' in mpd.log" % pid)
    text = read(log)
    assert "Multi-link PPP daemon for FreeBSD" in text, text
    assert "mpd:" in text, text

    # console events
    c = Console(m.console_port)
    c.login(ADMIN[0], "wrong", expect_ok=False)
    wait_for(lambda: "CONSOLE: Failed login attempt from 127.0.0.1"
             in read(log), IO_TIMEOUT, "failed-login line in mpd.log")
    c.login(*ADMIN)
    c.cmd("frobnicate")
    # errors in commands are written to syslog
    wait_for(lambda: "frobnicate" in read(log), IO_TIMEOUT,
             "command error in mpd.log")

    m.stop()
    wait_for(lambda: "process %d terminated" % pid in read(log), IO_TIMEOUT,
             "'process %d terminated' in mpd.log" % pid)
    # nothing of ours went elsewhere
    assert "process %d" % pid not in read(os.path.join(rsyslog["dir"],
                                                      "other.log"))


def test_syslog_datagram_format(mpd):
    """RFC 3164: <PRI>Mmm dd hh:mm:ss mpd: msg, facility daemon, info."""
    raw = mpd.sink.wait("process %d started" % mpd.pid)
    assert re.match(r"^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d (\S+ )?mpd(\[\d+\])?: ",
                    raw), raw
