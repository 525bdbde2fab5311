"""
Shared machinery for the mpd5 integration suite.

Every test runs the real daemon binary ($MPD_BIN, default build/mpd5) in
the foreground inside a private temporary directory and inside a fresh
network namespace that the fixture creates for it (every bundle the daemon
creates is a real TUN interface, and some configurations add addresses and
routes to it; none of that may touch the host's namespace):

    ip netns exec mpdi<pid>x<n> mpd5 -d <dir> -p <dir>/mpd.pid [label]

`ip netns exec` execs, so the PID of the Popen is the daemon's (checked).
The namespace has only `lo`, up; the console and web listen on 127.0.0.1
in it.  Every client connection the tests make is created inside that
namespace: Python sockets via in_netns(name) (setns(2) on the calling
thread; the socket keeps its namespace afterwards), subprocesses via
`ip netns exec`.  Console(port), http_get/http_request(port) and
connect(port) look the namespace up from the port (ports are never handed
out twice in a run), so tests need not name it.  The namespaces are
deleted by the fixture's finalizer once their daemons have exited.

with stdout/stderr captured to files in that directory and
MPD_SYSLOG_SOCKET=<dir>/log.sock, where a LogSink (an AF_UNIX datagram
socket owned by the test) collects the RFC 3164 lines the daemon sends.

Readiness is always polled with a deadline (console banner, log line,
prompt on stdout); the suite never sleeps a fixed time to "let the
daemon start".  Daemons are stopped by PID with SIGTERM and must exit 0.

With MPD_ASAN=1 (the `make asan` run) the sanitizer options are set and
every daemon's stderr is checked for AddressSanitizer / LeakSanitizer /
UBSan reports when it exits.
"""

import base64
import contextlib
import ctypes
import itertools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MPD_BIN = os.environ.get("MPD_BIN") or os.path.join(REPO, "build", "mpd5")
ASAN = os.environ.get("MPD_ASAN") == "1"

# Sanitizer builds are several times slower; scale every deadline.
SLOWDOWN = 4.0 if ASAN else 1.0
START_TIMEOUT = 15.0 * SLOWDOWN
IO_TIMEOUT = 10.0 * SLOWDOWN
STOP_TIMEOUT = 20.0 * SLOWDOWN

SANITIZER_MARKERS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "LeakSanitizer",
    "runtime error:",
)

# Console protocol constants (surface spec section 6).
BANNER = b"Multi-link PPP daemon for FreeBSD\r\n\r\n"
TELNET_NEG = bytes.fromhex("FFFB03FFFD03FFFB01FFFD01")
PROMPT_RE = re.compile(rb"(?:^|\n)\[([^\]\r\n]*)\] \Z")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: long-running test (chromium, rsyslogd, -k, mass connections);"
        " skipped by `make asan` (-m 'not slow')")


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

_ports_given = set()


def free_port():
    """A TCP port on 127.0.0.1 that is free right now (never the same
    port twice within one test run)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if port not in _ports_given:
            _ports_given.add(port)
            return port


# --------------------------------------------------------------------------
# network namespaces
# --------------------------------------------------------------------------

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/var/run/netns"
_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_netns_seq = itertools.count(1)
_port_netns = {}            # daemon port -> namespace it listens in


class NetnsError(RuntimeError):
    """setns(2) failed (deliberately not an OSError: tests expecting a
    refused connection must not pass because of it)."""


def _setns(fd, what):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise NetnsError("setns(%s): %s" % (what, os.strerror(e)))


@contextlib.contextmanager
def in_netns(name):
    """
    Run the body with the calling thread inside network namespace name
    (None: stay where we are).  Sockets created in the body keep that
    namespace after the thread has switched back.  Per thread, nestable.
    """
    if name is None:
        yield
        return
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        fd = os.open(os.path.join(NETNS_DIR, name), os.O_RDONLY)
        try:
            _setns(fd, name)
        finally:
            os.close(fd)
        try:
            yield
        finally:
            _setns(own, "back to the caller's namespace")
    finally:
        os.close(own)


def port_netns(port):
    """The namespace a daemon port of this run lives in (or None)."""
    return _port_netns.get(port)


def connect(port, timeout=IO_TIMEOUT, netns=None):
    """A TCP connection to 127.0.0.1:port in the port's namespace."""
    with in_netns(netns or port_netns(port)):
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def tcp_socket(port, netns=None):
    """An unconnected TCP socket in the namespace of port."""
    with in_netns(netns or port_netns(port)):
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def netns_cmd(name, argv):
    """argv run inside namespace name (`ip netns exec` execs argv)."""
    return ["ip", "netns", "exec", name] + list(argv)


def _ip(*args, check=True):
    p = subprocess.run(["ip"] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if check and p.returncode != 0:
        raise AssertionError("ip %s failed (%d): %s"
                             % (" ".join(args), p.returncode,
                                p.stderr.decode("latin-1")))
    return p.stdout.decode("latin-1")


def netns_add():
    """Create a fresh namespace with lo up; returns its name."""
    while True:
        name = "mpdi%dx%d" % (os.getpid(), next(_netns_seq))
        if not os.path.exists(os.path.join(NETNS_DIR, name)):
            break                       # never reuse (or delete) a stranger's
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
    except AssertionError:
        _ip("netns", "del", name, check=False)
        raise
    return name


def netns_del(name):
    for port in [p for p, n in _port_netns.items() if n == name]:
        del _port_netns[port]
    _ip("netns", "del", name, check=False)


def netns_inode(name):
    return os.stat(os.path.join(NETNS_DIR, name)).st_ino


class NetnsSet:
    """The namespaces one test created; all deleted by delete_all()."""

    def __init__(self):
        self.names = []

    def new(self):
        name = netns_add()
        self.names.append(name)
        return name

    def delete_all(self):
        while self.names:
            netns_del(self.names.pop())


@contextlib.contextmanager
def temp_netns():
    name = netns_add()
    try:
        yield name
    finally:
        netns_del(name)


def wait_for(pred, timeout, what, interval=0.02):
    """Poll pred() until it returns a true value; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s"
                                 % (timeout, what))
        time.sleep(interval)


def strip_telnet(data):
    """Remove telnet IAC sequences from console output (bytes)."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c != 0xFF:
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            break
        cmd = data[i + 1]
        if cmd == 0xFF:
            out.append(0xFF)
            i += 2
        elif cmd >= 251:               # WILL WONT DO DONT <opt>
            i += 3
        else:
            i += 2
    return bytes(out)


def sigterm_ready(pid):
    """True once the process catches or blocks SIGTERM (signals set up)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            st = f.read()
    except OSError:
        return False
    bit = 1 << (signal.SIGTERM - 1)
    for key in ("SigCgt:", "SigBlk:"):
        m = re.search(r"^%s\s*([0-9a-fA-F]+)" % key, st, re.M)
        if m and int(m.group(1), 16) & bit:
            return True
    return False


def sanitizer_env(env):
    if ASAN:
        env["ASAN_OPTIONS"] = ("detect_leaks=1:abort_on_error=0:exitcode=23:"
                               "detect_stack_use_after_return=0")
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        env["LSAN_OPTIONS"] = "exitcode=23"
    return env


def assert_no_sanitizer_report(text, who="mpd5"):
    for m in SANITIZER_MARKERS:
        assert m not in text, "%s: sanitizer report found (%r):\n%s" % (
            who, m, text[-20000:])


def run_mpd_once(args, timeout=None, env_extra=None, cwd=None):
    """Run the binary to completion (for -v, -h, usage and config errors),
    in a namespace of its own that is deleted afterwards."""
    env = sanitizer_env(dict(os.environ))
    if env_extra:
        env.update(env_extra)
    with temp_netns() as ns:
        p = subprocess.run(netns_cmd(ns, [MPD_BIN] + list(args)),
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout or START_TIMEOUT, cwd=cwd)
    out = p.stdout.decode("latin-1")
    err = p.stderr.decode("latin-1")
    if ASAN:
        assert_no_sanitizer_report(out + err)
    return p.returncode, out, err


# --------------------------------------------------------------------------
# syslog sink
# --------------------------------------------------------------------------

class LogSink:
    """Bind an AF_UNIX datagram socket and collect what the daemon logs."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        if os.path.exists(path):
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if self._stop:
                return
            line = data.decode("latin-1")
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    @staticmethod
    def message(raw):
        """'<30>Mon dd hh:mm:ss mpd: text' -> 'text'."""
        m = re.match(r"<\d+>(?:\w{3} [ \d]\d \d\d:\d\d:\d\d )?"
                     r"(?:\S+ )?mpd(?:\[\d+\])?: ?(.*)$", raw, re.S)
        return m.group(1) if m else raw

    def text(self):
        with self._lock:
            return "\n".join(self.lines)

    def messages(self):
        with self._lock:
            return [self.message(l) for l in self.lines]

    def wait(self, needle, timeout=IO_TIMEOUT):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for l in self.lines:
                    if needle in l:
                        return l
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "log line containing %r not seen within %.1fs; got:\n%s"
                        % (needle, timeout, "\n".join(self.lines[-50:])))
                self._cond.wait(min(left, 0.2))

    def close(self):
        self._stop = True
        try:                            # wake the reader thread
            w = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            w.sendto(b"", self.path)
            w.close()
        except OSError:
            pass
        self._t.join(2)
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            os.unlink(self.path)
        except OSError:
            pass


# --------------------------------------------------------------------------
# telnet console client
# --------------------------------------------------------------------------

class ConsoleError(AssertionError):
    pass


class Console:
    """
    Plain-socket client for the telnet console.

    After login, cmd(line) sends one line and returns the text the daemon
    printed for it (without the echoed command line and without the next
    prompt); self.context holds the name shown in the new prompt.

    The connection is made in the network namespace of the daemon that
    owns port (or netns, when given).
    """

    def __init__(self, port, user=None, password=None, host="127.0.0.1",
                 timeout=IO_TIMEOUT, eol=b"\n", netns=None):
        self.port = port
        self.timeout = timeout
        self.eol = eol
        with in_netns(netns or port_netns(port)):
            self.sock = socket.create_connection((host, port),
                                                 timeout=timeout)
        self.raw = b""          # everything received, unfiltered
        self.buf = b""          # unconsumed, telnet-stripped
        self._pending = b""     # undecoded tail (partial IAC)
        self.closed = False
        self.context = None
        self.welcome = None
        if user is not None:
            self.login(user, password)

    # -- low level --
    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise ConsoleError("console: timeout; unconsumed output: %r"
                               % self.buf[-2000:])
        self.sock.settimeout(min(left, 1.0))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            raise EOFError("console connection closed; unconsumed: %r"
                           % self.buf[-2000:])
        self.raw += data
        data = self._pending + data
        # keep an incomplete IAC sequence for the next read
        cut = len(data)
        if data.endswith(b"\xff"):
            cut = len(data) - 1
        elif len(data) >= 2 and data[-2] == 0xFF and data[-1] >= 251:
            cut = len(data) - 2
        self._pending = data[cut:]
        self.buf += strip_telnet(data[:cut])

    def read_until(self, marker, timeout=None):
        """Consume and return output up to and including marker."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            i = self.buf.find(marker)
            if i >= 0:
                out = self.buf[:i + len(marker)]
                self.buf = self.buf[i + len(marker):]
                return out
            self._recv(deadline)

    def read_prompt(self, timeout=None):
        """Consume output up to a prompt at the end of the data."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = PROMPT_RE.search(self.buf)
            if m:
                start = m.end() - (len(m.group(1)) + 3)
                out = self.buf[:start]
                self.context = m.group(1).decode("latin-1")
                self.buf = b""
                return out
            self._recv(deadline)

    def read_all(self, timeout=None):
        """Read until the daemon closes the connection."""
        deadline = time.monotonic() + (timeout or self.timeout)
        try:
            while True:
                self._recv(deadline)
        except EOFError:
            pass
        out, self.buf = self.buf, b""
        return out

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    # -- protocol --
    def read_banner(self):
        deadline = time.monotonic() + self.timeout
        while b"Username: " not in self.raw:
            self._recv(deadline)
        if not self.raw.startswith(BANNER + TELNET_NEG):
            raise ConsoleError("bad banner: %r" % self.raw[:80])
        self.read_until(b"Username: ")

    def login(self, user, password, expect_ok=True):
        if b"Username: " not in self.raw:
            self.read_banner()
        self.send(user.encode("latin-1") + self.eol)
        self.read_until(b"Password: ")
        self.send(password.encode("latin-1") + self.eol)
        if not expect_ok:
            return self.read_until(b"Username: ").decode("latin-1")
        out = self.read_prompt()
        text = out.decode("latin-1")
        if "Welcome!" not in text:
            raise ConsoleError("login as %r failed: %r" % (user, text))
        self.welcome = text
        return text

    def cmd(self, line, timeout=None):
        """
        Send one command line; return its output (text between the
        echoed command line and the next prompt).
        """
        self.buf = b""                      # drop stale output
        data = line.encode("latin-1")
        self.send(data + self.eol)
        if data.strip():
            # the console echoes what was typed
            self.read_until(data, timeout)
        out = self.read_prompt(timeout).decode("latin-1")
        if out.startswith("\r\n"):
            out = out[2:]
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------
# HTTP helper (raw socket: the server answers HTTP/1.0-style and closes)
# --------------------------------------------------------------------------

class HttpResponse:
    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0] if lines else ""
        m = re.match(r"HTTP/\d\.\d (\d{3})", self.status_line)
        self.status = int(m.group(1)) if m else None
        self.headers = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            self.headers[k.strip().lower()] = v.strip()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "<HttpResponse %s %r>" % (self.status, self.raw[:300])


def http_request(port, raw_request, timeout=IO_TIMEOUT, netns=None):
    s = connect(port, timeout=timeout, netns=netns)
    try:
        s.sendall(raw_request)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            chunks.append(d)
        return b"".join(chunks)
    finally:
        s.close()


def http_get(port, path, auth=None, timeout=IO_TIMEOUT, extra_headers="",
             netns=None):
    req = "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n" % (path, port)
    if auth is not None:
        tok = base64.b64encode(("%s:%s" % auth).encode()).decode()
        req += "Authorization: Basic %s\r\n" % tok
    req += extra_headers + "\r\n"
    return HttpResponse(http_request(port, req.encode("latin-1"), timeout,
                                     netns=netns))


# --------------------------------------------------------------------------
# the daemon
# --------------------------------------------------------------------------

ADMIN = ("admin", "adminpw")
USER = ("foo1", "bar1")
OPERATOR = ("oper", "operpw")


def startup_conf(extra="", console=True, web=True, users=True):
    """A `startup:` label with users, console and web on @PORT@ markers."""
    lines = ["startup:"]
    if users:
        lines += ["\tset user %s %s admin" % ADMIN,
                  "\tset user %s %s" % USER,
                  "\tset user %s %s operator" % OPERATOR]
    if console:
        lines += ["\tset console self 127.0.0.1 @CONSOLE_PORT@",
                  "\tset console open"]
    if web:
        lines += ["\tset web self 127.0.0.1 @WEB_PORT@",
                  "\tset web open"]
    return "\n".join(lines) + "\n" + extra


class Mpd:
    """
    One daemon instance in its own directory.  With netns (the fixtures
    always give one) it runs inside that network namespace, and its ports
    are registered so that the client helpers connect inside it.
    """

    def __init__(self, workdir, conf=None, secret=None, label=None,
                 args=(), stdin_pipe=False, log_sink=True, pidfile=None,
                 files=None, env=None, write_conf=True, netns=None):
        self.dir = workdir
        os.makedirs(self.dir, exist_ok=True)
        self.netns = netns
        self.console_port = free_port()
        self.web_port = free_port()
        if netns is not None:
            _port_netns[self.console_port] = netns
            _port_netns[self.web_port] = netns
        self.conf_path = os.path.join(self.dir, "mpd.conf")
        self.pidfile = pidfile or os.path.join(self.dir, "mpd.pid")
        self.log_path = os.path.join(self.dir, "log.sock")
        self.label = label
        self.args = list(args)
        self.stdin_pipe = stdin_pipe
        self.env_extra = env or {}
        self.proc = None
        self.returncode = None
        self.checked = False
        self.expect_rc = 0
        self.sink = LogSink(self.log_path) if log_sink else None
        if conf is None:
            conf = startup_conf()
        if write_conf:
            self.write("mpd.conf", conf)
        if secret is not None:
            self.write("mpd.secret", secret)
        for name, text in (files or {}).items():
            self.write(name, text)
        self.stdout_path = os.path.join(self.dir, "stdout.txt")
        self.stderr_path = os.path.join(self.dir, "stderr.txt")

    def subst(self, text):
        return (text.replace("@CONSOLE_PORT@", str(self.console_port))
                    .replace("@WEB_PORT@", str(self.web_port))
                    .replace("@DIR@", self.dir))

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(self.subst(text))
        return path

    # -- process control --
    @property
    def pid(self):
        return self.proc.pid

    def command_line(self):
        cmd = [MPD_BIN, "-d", self.dir, "-p", self.pidfile] + self.args
        if self.label:
            cmd.append(self.label)
        if self.netns is not None:
            cmd = netns_cmd(self.netns, cmd)
        return cmd

    def execed(self):
        """True once the PID runs the mpd5 binary (`ip netns exec` has
        exec'd it) -- in the expected namespace."""
        try:
            exe = os.readlink("/proc/%d/exe" % self.pid)
        except OSError:
            return False
        if exe != os.path.realpath(MPD_BIN):
            return False
        if self.netns is not None:
            try:
                ino = os.stat("/proc/%d/ns/net" % self.pid).st_ino
            except OSError:
                return False
            assert ino == netns_inode(self.netns), (
                "pid %d runs mpd5 outside namespace %s"
                % (self.pid, self.netns))
        return True

    def signals_ready(self):
        return self.execed() and sigterm_ready(self.pid)

    def start(self, ready="console", timeout=START_TIMEOUT):
        env = sanitizer_env(dict(os.environ))
        env["MPD_SYSLOG_SOCKET"] = self.log_path
        env.update(self.env_extra)
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            self.command_line(),
            stdin=subprocess.PIPE if self.stdin_pipe else subprocess.DEVNULL,
            stdout=self._out, stderr=self._err, env=env, cwd=self.dir)
        if ready == "console":
            self.wait_console(timeout)
            self.assert_execed()
        elif ready == "prompt":
            self.wait_output(lambda t: re.search(r"\[[^\]\r\n]*\] ", t),
                             timeout, "the stdin console prompt")
            self.assert_execed()
        elif ready == "signals":
            wait_for(lambda: self.exited() or self.signals_ready(),
                     timeout, "SIGTERM handling")
        elif ready is None:
            pass
        else:
            raise ValueError(ready)
        return self

    def assert_execed(self):
        """The Popen PID is the daemon itself (not a wrapper)."""
        if not self.exited():
            assert self.execed(), (
                "pid %d is not mpd5 (%s)" % (
                    self.pid, os.readlink("/proc/%d/exe" % self.pid)))

    def exited(self):
        if self.proc is None:
            return True
        rc = self.proc.poll()
        if rc is not None:
            self.returncode = rc
            return True
        return False

    def alive(self):
        return not self.exited()

    def wait_console(self, timeout=START_TIMEOUT):
        """Poll the console port until a banner arrives (or the daemon died)."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            if self.exited():
                raise AssertionError(
                    "mpd5 exited with %s before its console came up\n%s"
                    % (self.returncode, self.output_tail()))
            try:
                c = Console(self.console_port, timeout=2.0 * SLOWDOWN)
                c.read_banner()
                c.close()
                return
            except (OSError, EOFError, ConsoleError) as e:
                last = e
            if time.monotonic() >= deadline:
                raise AssertionError("console on port %d not ready: %r\n%s"
                                     % (self.console_port, last,
                                        self.output_tail()))
            time.sleep(0.02)

    def wait_exit(self, timeout=STOP_TIMEOUT):
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("mpd5 (pid %d) did not exit within %.0fs\n%s"
                                 % (self.pid, timeout, self.output_tail()))
        self._close_files()
        return self.returncode

    def signal(self, sig):
        os.kill(self.pid, sig)

    def stop(self, expect=0, timeout=STOP_TIMEOUT):
        """SIGTERM by PID, wait, check exit code and sanitizer output."""
        if self.alive():
            wait_for(lambda: self.exited() or self.signals_ready(),
                     timeout, "SIGTERM handling before stop")
            if self.alive():
                os.kill(self.pid, signal.SIGTERM)
        rc = self.wait_exit(timeout)
        self.check_exit(expect)
        return rc

    def check_exit(self, expect=0):
        self.checked = True
        out = self.output()
        if ASAN:
            assert_no_sanitizer_report(out, "mpd5 pid %d" % self.pid)
        if expect is not None:
            assert self.returncode == expect, (
                "mpd5 exit code %r, expected %r\n%s"
                % (self.returncode, expect, self.output_tail()))

    def kill_hard(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)
        self._close_files()

    def _close_files(self):
        if self.stdin_pipe and self.proc is not None and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if f is not None and not f.closed:
                f.close()

    # -- output --
    def stdout(self):
        try:
            with open(self.stdout_path, "rb") as f:
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def output(self):
        """stdout + stderr + syslog messages (all the daemon said)."""
        parts = [self.stdout(), self.stderr()]
        if self.sink:
            parts.append("\n".join(self.sink.messages()))
        return "\n".join(parts)

    def output_tail(self, n=8000):
        return ("---- mpd5 stdout (tail) ----\n%s\n---- mpd5 stderr (tail) ----\n%s"
                % (self.stdout()[-n:], self.stderr()[-n:]))

    def wait_output(self, pred, timeout=IO_TIMEOUT, what="daemon output"):
        if isinstance(pred, str):
            needle = pred
            pred = lambda t: needle in t  # noqa: E731
            what = "%r in daemon output" % needle

        def check():
            if pred(self.output()):
                return True
            if self.exited():
                raise AssertionError("mpd5 exited (%s) while waiting for %s\n%s"
                                     % (self.returncode, what,
                                        self.output_tail()))
            return False
        wait_for(check, timeout, what + "\n" + self.output_tail(3000))

    # -- clients --
    def console(self, creds=ADMIN, **kw):
        return Console(self.console_port, creds[0], creds[1], **kw)

    def get(self, path, auth=ADMIN, **kw):
        return http_get(self.web_port, path, auth=auth, **kw)

    def connect(self, port=None, **kw):
        """Raw TCP connection (default: the console) in the namespace."""
        return connect(port or self.console_port, **kw)

    def nsexec_cmd(self, argv):
        """argv wrapped to run inside this daemon's namespace."""
        return netns_cmd(self.netns, argv) if self.netns else list(argv)

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.kill_hard()
        self._close_files()
        if self.sink:
            self.sink.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="mpdit-", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def netns_set():
    """
    new() -> name of a fresh network namespace (lo up).  Every namespace
    made is deleted at teardown, which runs after that of the fixtures
    using this one (mpd_factory stops its daemons first).
    """
    ns = NetnsSet()
    try:
        yield ns
    finally:
        ns.delete_all()


@pytest.fixture
def mpd_factory(request, workdir, netns_set):
    """
    make(**kw) -> Mpd (not started), running in a fresh network namespace
    of its own -- or in netns=NAME, e.g. netns=other.netns to share a
    daemon's namespace.  At teardown every daemon still
    running is stopped with SIGTERM and must exit 0 (sanitizer-clean
    under MPD_ASAN=1); on a test failure each daemon's output is printed.
    The namespaces are deleted after that (netns_set's teardown).
    """
    made = []
    counter = [0]

    def make(**kw):
        counter[0] += 1
        d = os.path.join(workdir, "mpd%d" % counter[0])
        if kw.get("netns") is None:
            kw["netns"] = netns_set.new()
        m = Mpd(d, **kw)
        made.append(m)
        return m

    yield make

    errors = []
    for m in made:
        try:
            if m.proc is not None and m.proc.poll() is None:
                m.stop(expect=m.expect_rc)
            elif m.proc is not None and not m.checked:
                m.wait_exit()
                m.check_exit(expect=None)
        except AssertionError as e:
            errors.append(str(e))
        finally:
            m.cleanup()
    failed = getattr(request.node, "rep_call", None)
    if (failed is not None and failed.failed) or errors:
        for m in made:
            if m.proc is None:
                continue
            print("==== mpd5 pid %s in %s exit %s: %s" % (
                m.proc.pid, m.dir, m.returncode, " ".join(m.command_line())))
            print(m.output_tail(20000))
    if errors:
        pytest.fail("daemon shutdown problems:\n" + "\n".join(errors),
                    pytrace=False)


@pytest.fixture
def mpd(mpd_factory):
    """A running daemon with the default startup (admin, foo1, oper users)."""
    return mpd_factory().start()


def rand_bytes(n, seed):
    return random.Random(seed).randbytes(n)
