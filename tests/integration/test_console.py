"""
Telnet console (surface spec sections 4.0, 4.1, 5.10, 6, 8, 10.2).
"""

import re

import pytest

from conftest import (ADMIN, BANNER, OPERATOR, TELNET_NEG, USER, Console,
                      startup_conf,
                      wait_for, IO_TIMEOUT)


def lines(text):
    return [l for l in text.split("\r\n")]


# ---- connection, banner, login ----

def test_banner_and_telnet_negotiation_bytes(mpd):
    s = mpd.connect(mpd.console_port, timeout=IO_TIMEOUT)
    data = b""
    while b"Username: " not in data:
        d = s.recv(4096)
        assert d, "connection closed before the login prompt: %r" % data
        data += d
    assert data == BANNER + TELNET_NEG + b"Username: ", data
    s.close()


def test_login_welcome_line_has_pid_and_version(mpd):
    c = mpd.console(ADMIN)
    # (the CRLF ending the password line may come first)
    assert re.match(r"^(\r\n)?\r\nWelcome!\r\nMpd pid %d, version \S+"
                    % mpd.pid, c.welcome), repr(c.welcome)
    assert c.context == ""
    # all console output uses CRLF line ends
    assert "\r\n" in c.cmd("show version")


def test_login_with_telnet_cr_nul_line_end(mpd):
    # a real telnet client sends CR NUL after each line
    c = Console(mpd.console_port, ADMIN[0], ADMIN[1], eol=b"\r\0")
    assert c.cmd("show version").startswith("MPD version: ")


def test_wrong_password_login_failed_and_logged(mpd):
    c = Console(mpd.console_port)
    out = c.login(ADMIN[0], "wrong", expect_ok=False)
    assert "Login failed\r\n" in out, repr(out)
    mpd.sink.wait("CONSOLE: Failed login attempt from 127.0.0.1")
    # unknown user, too
    out = c.login("nosuchuser", "x", expect_ok=False)
    assert "Login failed" in out
    # no lockout: the right password still works on the same connection
    c.login(*ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")


# ---- dispatcher errors (4.0.4) ----

def test_unknown_command(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("foo").strip() == "Unknown command: 'foo'. Try \"help\"."
    assert c.cmd("foo bar baz").strip() == \
        "Unknown command: 'foo bar baz'. Try \"help\"."


def test_ambiguous_command(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("s").strip() == "Ambiguous command: 's'. Try \"help\"."


def test_prefix_match_runs_unique_command(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("sho vers").startswith("MPD version: ")


def test_quit_no_longer_exists(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("quit").strip() == "Unknown command: 'quit'. Try \"help\"."


def test_usage_error(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("set console self")
    assert out.startswith("Usage: "), repr(out)
    assert "self" in out


def test_incorrect_context(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("set link mtu 1400").strip() == \
        "Incorrect context for: 'set link mtu 1400'"
    assert c.cmd("show bundle").strip() == \
        "Incorrect context for: 'show bundle'"
    assert c.cmd("show link").strip() == "Incorrect context for: 'show link'"


def test_help(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("help")
    assert out.startswith("Available commands:"), repr(out)
    for word in ("create", "destroy", "show", "set", "exit", "shutdown"):
        assert re.search(r" %-9s: " % word, out), (word, out)
    out = c.cmd("help set")
    assert out.startswith('Commands available under "set":'), repr(out)
    assert "console" in out and "web" in out


def test_help_hides_commands_above_privilege(mpd):
    c = mpd.console(USER)
    out = c.cmd("help")
    assert "show" in out
    assert not re.search(r" create\s*:", out), out
    assert not re.search(r" shutdown\s*:", out), out


# ---- show views ----

def test_show_version(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("show version")
    assert out.startswith("MPD version: "), repr(out)
    assert "  Available features:" in out


def test_show_types_exact_table(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("show types")
    assert out == (
        "\tName\t\tDescription\r\n"
        "\t----\t\t-----------\r\n"
        "\tmodem\t\tSerial port modem\r\n"
        "\tng\t\tNetgraph hook\r\n"
        "\ttcp\t\tPPP over TCP\r\n"
        "\tudp\t\tPPP over UDP\r\n"
        "\tpptp\t\tPoint-to-Point Tunneling Protocol\r\n"
        "\tl2tp\t\tLayer Two Tunneling Protocol\r\n"
        "\tpppoe\t\tPPP over Ethernet\r\n"), repr(out)


def test_show_layers(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("show layers")
    ls = lines(out)
    assert ls[0] == "\tName\t\tDescription", repr(out)
    assert ls[1] == "\t----\t\t-----------", repr(out)
    rows = [l for l in ls[2:] if l]
    names = [r.split("\t")[1] for r in rows]
    assert names == ["iface", "ipcp", "ipv6cp", "ccp", "ecp", "bund",
                     "link", "device"], repr(out)
    descr = {r.split("\t")[1]: r.split("\t")[-1] for r in rows}
    assert descr["iface"] == "System interface"
    assert descr["ipcp"] == "IPCP: IP control protocol"
    assert descr["link"] == "Link layer"
    assert descr["device"] == "Physical link layer"


def test_show_user_and_console(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("show user")
    assert "Configured users:" in out
    assert "\tUsername: %-15s Priv: admin" % ADMIN[0] in out, repr(out)
    assert "\tUsername: %-15s Priv: user" % USER[0] in out, repr(out)
    assert "\tUsername: %-15s Priv: operator" % OPERATOR[0] in out, repr(out)
    out = c.cmd("show console")
    assert "Configuration:" in out
    assert re.search(r"\tState\s+: OPENED", out), repr(out)
    assert re.search(r"\tPort\s+: %d" % mpd.console_port, out), repr(out)
    assert "Active sessions:" in out
    assert "\tUsername: %s\tFrom: 127.0.0.1" % ADMIN[0] in out, repr(out)


def test_show_web(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("show web")
    assert "Web configuration:" in out, repr(out)
    assert re.search(r"\tPort\s+: %d" % mpd.web_port, out), repr(out)


# ---- log command (8) ----

def test_log_listing(mpd):
    c = mpd.console(ADMIN)
    out = c.cmd("log")
    ls = lines(out)
    assert ls[0] == "    %-12s  %-10s  %s" % ("Log Option", "Enabled",
                                              "Description"), repr(out)
    assert ls[1] == "    %-12s  %-10s  %s" % ("----------", "-------",
                                              "-----------"), repr(out)
    assert "      %-12s  %-10s  %s" % ("BUND", "Yes", "Bundle events") in ls
    assert "      %-12s  %-10s  %s" % ("ECHO", "No",
                                       "Echo/reply events for all automata") in ls
    assert "      %-12s  %-10s  %s" % ("CONSOLE", "Yes", "Console events") in ls


def test_log_flags_change_and_unknown(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("log +bogus").strip() == \
        '"bogus" is unknown. Enter "log" for list.'
    c.cmd("log +echo -bund")
    out = c.cmd("log")
    assert "      %-12s  %-10s  %s" % ("ECHO", "Yes",
                                       "Echo/reply events for all automata") in out
    assert "      %-12s  %-10s  %s" % ("BUND", "No", "Bundle events") in out
    c.cmd("log BUND -EcHo")
    out = c.cmd("log")
    assert "      %-12s  %-10s  %s" % ("BUND", "Yes", "Bundle events") in out
    assert "      %-12s  %-10s  %s" % ("ECHO", "No",
                                       "Echo/reply events for all automata") in out


# ---- objects and context (4.0.3, 4.1, 10.2) ----

def test_create_and_destroy_links_and_bundles(mpd):
    c = mpd.console(ADMIN)
    assert c.cmd("create bundle template B") == ""
    assert c.context == "B"
    assert c.cmd("create link template L pppoe") == ""
    assert c.context == "L"
    # template derived from a template
    assert c.cmd("create link template T2 L") == ""
    assert c.context == "T2"
    # instances of a template with a chosen name
    assert c.cmd("create link I L") == ""
    assert c.context == "I"
    assert c.cmd("create link static S L") == ""
    assert c.context == "S"
    # a plain bundle and a static one
    assert c.cmd("create bundle static SB") == ""
    assert c.context == "SB"
    assert c.cmd("create bundle PB") == ""
    assert c.context == "PB"

    out = c.cmd("link")
    assert out.startswith("Defined links:"), repr(out)
    names = [l.split()[0] for l in lines(out)[1:] if l.strip()]
    for n in ("L", "T2", "I", "S"):
        assert n in names, (n, out)
    out = c.cmd("bundle")
    assert out.startswith("Defined bundles:"), repr(out)
    names = [l.split()[0] for l in lines(out)[1:] if l.strip()]
    for n in ("B", "SB", "PB"):
        assert n in names, (n, out)

    # context switches change the prompt
    c.cmd("link S")
    assert c.context == "S"
    c.cmd("bundle SB")
    assert c.context == "SB"
    out = c.cmd("link nosuch")
    assert c.context == "", (c.context, out)

    # destroy (instances close first, then disappear)
    c.cmd("destroy link S")
    c.cmd("destroy link I")
    c.cmd("destroy link T2")
    c.cmd("destroy bundle PB")

    def gone():
        ls = c.cmd("link")
        bs = c.cmd("bundle")
        ln = [l.split()[0] for l in lines(ls)[1:] if l.strip()]
        bn = [l.split()[0] for l in lines(bs)[1:] if l.strip()]
        return ("S" not in ln and "I" not in ln and "T2" not in ln
                and "L" in ln and "PB" not in bn and "B" in bn)
    wait_for(gone, IO_TIMEOUT, "destroyed objects to disappear")


def test_create_name_rules(mpd):
    c = mpd.console(ADMIN)
    # a link may not be named like a device type
    out = c.cmd("create link pppoe pppoe")
    assert out.startswith("Error in 'create link pppoe pppoe'"), repr(out)
    # duplicate name
    c.cmd("create link A1 pppoe")
    out = c.cmd("create link A1 pppoe")
    assert out.startswith("Error in 'create link A1 pppoe'"), repr(out)
    # template names are at most 10 characters
    out = c.cmd("create link template ABCDEFGHIJK pppoe")
    assert out.startswith("Error in"), repr(out)
    # modem links cannot be templates
    out = c.cmd("create link template M modem")
    assert "does not support templating" in out, repr(out)
    # unknown type / template
    out = c.cmd("create link Z nosuchtype")
    assert out.startswith("Error in"), repr(out)
    # missing arguments
    assert c.cmd("create link").startswith("Usage: ")


def test_context_cleared_when_object_destroyed_elsewhere(mpd):
    a = mpd.console(ADMIN)
    b = mpd.console(ADMIN)
    a.cmd("create bundle static GONE")
    assert a.context == "GONE"
    b.cmd("destroy bundle GONE")

    def cleared():
        a.cmd("show version")
        return a.context == ""
    wait_for(cleared, IO_TIMEOUT, "the dead bundle to leave the prompt")


def test_operator_privilege(mpd):
    c = mpd.console(OPERATOR)
    # open/close are visible to operators (here: no link -> context error)
    assert c.cmd("open").strip() == "Incorrect context for: 'open'"
    assert c.cmd("create bundle X").strip() == \
        "Unknown command: 'create bundle X'. Try \"help\"."


# ---- sessions ----

def test_exit_closes_only_this_session(mpd):
    c = mpd.console(ADMIN)
    c.send("exit\n")
    out = c.read_all().decode("latin-1")
    assert "Console closed.\r\n" in out, repr(out)
    assert c.closed
    assert mpd.alive()
    d = mpd.console(ADMIN)
    assert d.cmd("show version").startswith("MPD version: ")


def test_sessions_have_independent_contexts(mpd):
    a = mpd.console(ADMIN)
    b = mpd.console(ADMIN)
    u = mpd.console(USER)
    a.cmd("create bundle static BA")
    b.cmd("create bundle static BB")
    assert a.context == "BA" and b.context == "BB"
    a.cmd("show version")
    assert a.context == "BA"
    b.cmd("show version")
    assert b.context == "BB"
    assert u.context == ""
    u.cmd("bundle BA")
    assert u.context == "BA"
    b.cmd("bundle BA")
    a.cmd("bundle BB")
    assert (a.context, b.context, u.context) == ("BB", "BA", "BA")
    out = a.cmd("show console")
    assert out.count("\tUsername: ") >= 3, repr(out)


def test_console_logging_per_session(mpd):
    watcher = mpd.console(USER)          # priv 0 may toggle its own logging
    quiet = mpd.console(ADMIN)           # telnet default: logging disabled
    out = watcher.cmd("set console enable logging")
    assert "Unknown command" not in out, out
    bad = Console(mpd.console_port)
    bad.login(ADMIN[0], "wrong", expect_ok=False)
    got = watcher.read_until(b"CONSOLE: Failed login attempt from 127.0.0.1")
    assert got
    out = quiet.cmd("show version")
    assert "Failed login attempt" not in out
    watcher.cmd("set console disable logging")
    bad.login(ADMIN[0], "wrong2", expect_ok=False)
    mpd.sink.wait("Failed login attempt", IO_TIMEOUT)
    out = watcher.cmd("show version")
    assert "Failed login attempt" not in out, repr(out)


def test_command_errors_not_broadcast_to_other_logging_sessions(mpd):
    watcher = mpd.console(ADMIN)
    watcher.cmd("set console enable logging")
    other = mpd.console(ADMIN)
    assert "Unknown command" in other.cmd("frobnicate")
    out = watcher.cmd("show version")
    assert "frobnicate" not in out, repr(out)


def test_shutdown_from_admin_session(mpd):
    c = mpd.console(ADMIN)
    pid = mpd.pid
    c.send("shutdown\n")
    try:
        c.read_all(timeout=IO_TIMEOUT)
    except Exception:
        pass
    rc = mpd.wait_exit()
    mpd.check_exit(0)
    assert rc == 0
    assert "process %d terminated" % pid in mpd.output()
    mpd.sink.wait("process %d terminated" % pid)


def test_shutdown_not_available_to_user(mpd):
    c = mpd.console(USER)
    assert c.cmd("shutdown").strip() == \
        "Unknown command: 'shutdown'. Try \"help\"."
    assert mpd.alive()


def test_line_editing_backspace_and_question_mark(mpd):
    c = mpd.console(ADMIN)
    # "show versiox" + backspace + "n"
    c.send(b"show versiox\x08n\n")
    out = c.read_prompt().decode("latin-1")
    assert "MPD version: " in out, repr(out)
    # DEL works as backspace too
    c.send(b"show typez\x7fs\n")
    out = c.read_prompt().decode("latin-1")
    assert "PPP over Ethernet" in out, repr(out)


def test_overlong_console_line_does_not_crash(mpd):
    c = mpd.console(ADMIN)
    c.send(b"x" * 5000 + b"\n")
    c.read_prompt()
    assert c.cmd("show version").startswith("MPD version: ")


@pytest.mark.parametrize("creds", [("admin", ""), ("a" * 300, "b" * 300)])
def test_odd_credentials_rejected(mpd, creds):
    c = Console(mpd.console_port)
    out = c.login(creds[0], creds[1], expect_ok=False)
    assert "Login failed" in out
    c.login(*ADMIN)


# ---- stdin console (foreground) ----

def test_stdin_console_runs_commands_with_admin_privilege(mpd_factory):
    conf = startup_conf() + "default:\n\tcreate bundle static LASTB\n"
    m = mpd_factory(conf=conf, stdin_pipe=True).start()
    # mpd.conf ran in the stdin console's context: the prompt shows the
    # object the config selected last
    m.wait_output(lambda t: "[LASTB] " in m.stdout(), what="[LASTB] prompt")
    m.proc.stdin.write(b"show version\n")
    m.proc.stdin.flush()
    m.wait_output(lambda t: "MPD version: " in m.stdout(),
                  what="show version on stdout")
    m.proc.stdin.write(b"create bundle static FROMSTDIN\n")
    m.proc.stdin.flush()
    m.wait_output(lambda t: "[FROMSTDIN] " in m.stdout(),
                  what="[FROMSTDIN] prompt")
    c = m.console(ADMIN)
    assert "FROMSTDIN" in c.cmd("bundle")
    m.proc.stdin.write(b"exit\n")
    m.proc.stdin.flush()
    m.wait_output(lambda t: "Console closed." in m.stdout(),
                  what="Console closed. on stdout")
    # the daemon keeps running without its stdin console
    assert c.cmd("show version").startswith("MPD version: ")
    assert m.alive()


def test_stdin_eof_keeps_daemon_running(mpd_factory):
    m = mpd_factory(stdin_pipe=True).start()
    m.proc.stdin.close()
    m.wait_output("CONSOLE: Connection closed by peer")
    c = m.console(ADMIN)
    assert c.cmd("show version").startswith("MPD version: ")
    assert m.alive()
