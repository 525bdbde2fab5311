"""
Command line, startup, PID file, signals and exit codes (surface spec 1).
"""

import os
import re
import signal

import pytest

from conftest import ADMIN, run_mpd_once, startup_conf

OPTION_LINES = [
    ("b", "background", "", "Run as a background daemon"),
    ("d", "directory", None, "Set config file directory"),
    ("k", "kill", "", "Kill running mpd process before start"),
    ("f", "file", None, "Set configuration file"),
    ("o", "one-shot", "", "Terminate daemon after last link shutdown"),
    ("p", "pidfile", None, "Set PID filename"),
    ("s", "syslog-ident", None, "Identifier to use for syslog"),
    ("m", "pam-service", None, "PAM service name"),
    ("v", "version", "", "Show version information"),
    ("h", "help", "", "Show usage information"),
]


def test_version_flag(workdir):
    rc, out, err = run_mpd_once(["-v"])
    assert rc == 0, (rc, out, err)
    assert err.startswith("Version "), repr(err)
    rc, out, err = run_mpd_once(["--version"])
    assert rc == 0 and err.startswith("Version "), (rc, err)


def test_help_flag_usage_text(workdir):
    rc, out, err = run_mpd_once(["-h"])
    assert rc == 0, (rc, out, err)
    ls = err.split("\n")
    assert ls[0] == "Usage: mpd5 [options] [configuration]", repr(err)
    assert ls[1] == "Options:", repr(err)
    for sflag, lflag, arg, descr in OPTION_LINES:
        if arg is not None:
            want = ("  -%s, --%s %s" % (sflag, lflag, arg)).ljust(35) + descr
            assert want in ls, (want, err)
        else:
            assert re.search(r"^  -%s, --%s \S+ +%s$" % (sflag, lflag,
                                                       re.escape(descr)),
                             err, re.M), (sflag, err)
    rc, out, err2 = run_mpd_once(["--help"])
    assert rc == 0 and err2 == err


@pytest.mark.parametrize("argv", [["-Z"], ["--nosuch"], ["--vers"],
                                  ["--version=1"], ["-dp", "a", "b"]])
def test_bad_option_exits_64_with_usage(workdir, argv):
    rc, out, err = run_mpd_once(argv)
    assert rc == 64, (argv, rc, out, err)
    assert "Usage: mpd5 [options] [configuration]" in err, err


def test_missing_option_argument_exits_64(workdir):
    rc, out, err = run_mpd_once(["-d"])
    assert rc == 64, (rc, err)


def test_two_positional_labels_exit_64(workdir):
    rc, out, err = run_mpd_once(["-d", workdir, "-p",
                                 os.path.join(workdir, "p.pid"), "one", "two"])
    assert rc == 64, (rc, out, err)
    assert "Usage:" in err


def test_missing_config_with_label_exits_78(workdir):
    d = os.path.join(workdir, "empty")
    os.mkdir(d)
    pid = os.path.join(d, "mpd.pid")
    rc, out, err = run_mpd_once(["-d", d, "-p", pid, "mylabel"],
                                env_extra={"MPD_SYSLOG_SOCKET": d + "/none"})
    assert rc == 78, (rc, out, err)
    assert "can't read configuration for \"mylabel\"" in out + err, out + err
    assert not os.path.exists(pid), "PID file left behind"


def test_existing_config_missing_label_exits_78(workdir):
    d = os.path.join(workdir, "cfg")
    os.mkdir(d)
    with open(os.path.join(d, "mpd.conf"), "w") as f:
        f.write("startup:\n\tlog -echo\nother:\n\tlog +echo\n")
    pid = os.path.join(d, "mpd.pid")
    rc, out, err = run_mpd_once(["-d", d, "-p", pid, "nolabel"],
                                env_extra={"MPD_SYSLOG_SOCKET": d + "/none"})
    assert rc == 78, (rc, out, err)
    assert "can't read configuration for \"nolabel\"" in out + err
    assert not os.path.exists(pid)


def test_missing_config_without_label_keeps_running(mpd_factory):
    m = mpd_factory(write_conf=False, stdin_pipe=True)
    m.start(ready="prompt")
    assert m.alive()
    assert "process %d started" % m.pid in m.output()
    m.sink.wait("process %d started" % m.pid)
    assert m.stop() == 0


def test_startup_banner_logged(mpd):
    out = mpd.output()
    assert "Multi-link PPP daemon for FreeBSD" in out
    assert re.search(r"process %d started, version \S+" % mpd.pid, out), out
    mpd.sink.wait("process %d started, version " % mpd.pid)


def test_pid_file_written_and_removed_at_exit(mpd):
    with open(mpd.pidfile) as f:
        assert f.read().strip() == str(mpd.pid)
    assert mpd.stop() == 0
    assert not os.path.exists(mpd.pidfile)
    assert "process %d terminated" % mpd.pid in mpd.output()


def test_second_instance_same_pidfile_exits_69(mpd, mpd_factory):
    # same host as far as the daemons can tell: same network namespace
    m2 = mpd_factory(pidfile=mpd.pidfile, netns=mpd.netns)
    m2.start(ready=None)
    rc = m2.wait_exit()
    m2.check_exit(69)
    assert rc == 69
    assert mpd.alive()
    with open(mpd.pidfile) as f:
        assert f.read().strip() == str(mpd.pid)
    # the loser did not open its console
    c = mpd.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")


@pytest.mark.slow
def test_kill_option_replaces_running_daemon(mpd, mpd_factory):
    old = mpd
    # the replacement runs next to the old daemon: same network namespace
    new = mpd_factory(pidfile=old.pidfile, args=["-k"], netns=old.netns)
    new.start(ready="console", timeout=40)
    # the old daemon got SIGTERM and exited normally
    assert old.wait_exit() == 0
    old.check_exit(0)
    with open(new.pidfile) as f:
        assert f.read().strip() == str(new.pid)
    c = new.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")
    assert new.stop() == 0


def test_sigterm_exit_0(mpd):
    mpd.signal(signal.SIGTERM)
    assert mpd.wait_exit() == 0
    mpd.check_exit(0)
    assert "process %d terminated" % mpd.pid in mpd.output()


def test_sigint_exit_0(mpd):
    mpd.signal(signal.SIGINT)
    assert mpd.wait_exit() == 0
    mpd.check_exit(0)


def test_sighup_is_fatal_exit_70(mpd):
    c = mpd.console(ADMIN)
    c.cmd("create bundle static HB")
    mpd.signal(signal.SIGHUP)
    assert mpd.wait_exit() == 70, mpd.output_tail()
    mpd.check_exit(70)


def test_sigusr1_and_sigusr2_without_links(mpd):
    mpd.signal(signal.SIGUSR1)
    mpd.signal(signal.SIGUSR2)
    mpd.sink.wait("SIGUSR1")
    mpd.sink.wait("SIGUSR2")
    c = mpd.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")
    assert mpd.alive()


def test_sigusr1_opens_first_link(mpd_factory):
    conf = startup_conf() + "default:\n\tcreate link template T pppoe\n" \
        "\tcreate link static FIRST pppoe\n"
    m = mpd_factory(conf=conf).start()
    m.signal(signal.SIGUSR1)
    m.sink.wait("rec'd signal SIGUSR1, opening")
    c = m.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")
    m.signal(signal.SIGUSR2)
    m.sink.wait("rec'd signal SIGUSR2, closing")
    assert m.alive()


def test_one_shot_without_links_exits(mpd_factory):
    m = mpd_factory(args=["-o"])
    m.start(ready=None)
    assert m.wait_exit() == 0
    m.check_exit(0)


def test_config_dir_and_file_options(mpd_factory):
    m = mpd_factory(conf="startup:\n\tlog -echo\n",
                    args=["-f", "alt.conf"])
    m.write("alt.conf", startup_conf())
    m.start()
    c = m.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")


def test_syslog_ident_option(mpd_factory):
    m = mpd_factory(args=["-s", "mpdtest"])
    m.start()
    raw = m.sink.wait("process %d started" % m.pid)
    assert "mpdtest:" in raw, raw
