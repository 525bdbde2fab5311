"""
Two-namespace PPP lab for the integration suite (issue 3).

    ns a (server)  10.231.0.1/24 vA <== veth ==> vB 10.231.0.2/24  ns b (client)
                                                    10.231.0.3/24  (scripted peers)

One mpd5 runs in each namespace (conftest's Mpd with netns=: `ip netns exec
NS mpd5 -d DIR -p DIR/mpd.pid LABEL` in the foreground, stdin /dev/null,
console and web on 127.0.0.1 inside the namespace, reached through
conftest.in_netns).  The same setns trick gives the tests UDP and TCP
sockets inside either namespace (scripted peers, bulk transfer).  The
tunnel addresses (10.232.x.x) exist only inside the namespaces; nothing
here touches the root namespace except creating and deleting the lab's two
namespaces (names carry this process's PID); processes are ended by PID.

Wire checks: WireCapture runs tcpdump on the server's veth (port filter
plus non-first IP fragments), reassembles IP fragments (udp link: 1501-byte
datagrams on a 1500-byte veth) and TCP streams (tcp link: async HDLC,
RFC 1662, FCS checked), and writes the PPP frames to a DLT_PPP pcap that
tshark decodes in one run (tshark has no "Decode As" PPP for udp/tcp
ports).  check() fails on malformed frames and on expert errors (bad
IP/TCP/UDP/ICMP checksums included).

Fixture `ppp_lab` (function scope) yields a Lab; Lab.session(Config(...))
is the usual "server + client, wait until IPCP is up on both" path.
"""

import hashlib
import itertools
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import (IO_TIMEOUT, SLOWDOWN, STOP_TIMEOUT,
                      ConsoleError, LogSink, Mpd, in_netns,
                      startup_conf, wait_for)

# --------------------------------------------------------------------------
# addresses and names
# --------------------------------------------------------------------------

SRV_IP = "10.231.0.1"          # server outer address (ns a, vA)
CLI_IP = "10.231.0.2"          # client outer address (ns b, vB)
BAD_IP = "10.231.0.3"          # second address in ns b for scripted peers
SRV_TUN = "10.232.0.1"         # server inner (ranges self)
CLI_TUN = "10.232.0.2"         # client inner (ranges peer)
POOL_FIRST, POOL_LAST = "10.232.1.10", "10.232.1.20"
SECRET_IP = "10.232.2.5"       # mpd.secret IP column
DNS1, DNS2 = "10.231.0.53", "10.231.0.54"
SRV_NAME, SRV_PASS = "srvname", "srv-Secret1"
CLI_NAME, CLI_PASS = "foo", "bar-Secret2"

# session set-up: LCP + auth + IPCP take a few round trips; auth runs in a
# worker thread; allow generous time (and more under ASan)
SESSION_TIMEOUT = 20.0 * SLOWDOWN

AUTH_PROTOS = ("pap", "chap-md5", "chap-msv1", "chap-msv2", "eap-md5")

_seq = itertools.count(1)


def ns_names():
    """Two unique namespace names for one lab of this test process."""
    n = next(_seq)
    return ("mpdt%dx%da" % (os.getpid(), n), "mpdt%dx%db" % (os.getpid(), n))


def ns_socket(ns, family, kind, bind=None, connect=None, timeout=None):
    """A socket created (and bound/connected) inside namespace ns."""
    with in_netns(ns):
        s = socket.socket(family, kind)
        try:
            if timeout is not None:
                s.settimeout(timeout)
            if bind is not None:
                # Only for fixed ports: with SO_REUSEADDR on every socket,
                # Linux may give two udp sockets bound to port 0 the same
                # ephemeral port (two "peers" would then be one).
                if bind[1]:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(bind)
            if connect is not None:
                s.connect(connect)
        except BaseException:
            s.close()
            raise
    return s


def ip(*args, check=True):
    p = subprocess.run(["ip"] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if check and p.returncode != 0:
        raise AssertionError("ip %s failed: %s" % (" ".join(args),
                                                   p.stderr.decode()))
    return p.stdout.decode()


def nsexec(ns, args, timeout=30, check=False):
    p = subprocess.run(["ip", "netns", "exec", ns] + list(args),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode("latin-1")
    if check and p.returncode != 0:
        raise AssertionError("%s in %s exited %d:\n%s"
                             % (" ".join(args), ns, p.returncode, out))
    return p.returncode, out


# --------------------------------------------------------------------------
# a daemon inside a namespace
# --------------------------------------------------------------------------

class NsMpd(Mpd):
    """
    An Mpd of conftest run inside the lab namespace ns (Mpd's netns
    support: `ip netns exec`, console/web connections made in ns).
    """

    def __init__(self, ns, workdir, **kw):
        self.ns = ns
        kw["log_sink"] = False
        super().__init__(workdir, netns=ns, **kw)
        # The log sink socket is created inside the namespace, whose
        # net.unix.max_dgram_qlen the lab raised: log storms (bad-input
        # tests) then never make the daemon queue or drop lines.
        with in_netns(ns):
            self.sink = LogSink(self.log_path)

    # -- convenience --
    def cmds(self, *lines):
        """Run console lines in one session; return the last output."""
        c = self.console()
        try:
            out = None
            for l in lines:
                out = c.cmd(l)
            return out
        finally:
            c.close()

    def show(self, what, ctx=None):
        """`show what` in context ctx (e.g. "bundle B-1", "link L")."""
        if ctx:
            return self.cmds(ctx, "show " + what)
        return self.cmds("show " + what)

    def log_text(self):
        return "\n".join(self.sink.messages()) if self.sink else ""

    def wait_log(self, pattern, timeout=IO_TIMEOUT, what=None):
        """Wait for a log message matching regex pattern; return the match."""
        rx = re.compile(pattern)

        def check():
            m = rx.search(self.log_text())
            if m:
                return m
            if self.exited():
                raise AssertionError("mpd5 in %s exited (%s) while waiting "
                                     "for log /%s/\n%s" % (
                                         self.ns, self.returncode, pattern,
                                         self.log_text()[-6000:]))
            return None
        try:
            return wait_for(check, timeout, what or "log /%s/" % pattern,
                            interval=0.05)
        except AssertionError as e:
            raise AssertionError("%s\n---- log of mpd5 in %s (tail) ----\n%s"
                                 % (e, self.ns, self.log_text()[-8000:]))


# --------------------------------------------------------------------------
# configurations
# --------------------------------------------------------------------------

SCRIPT = r"""#!/bin/sh
# records one call: argument count, then each argument, then a separator
{
  echo "ARGC=$#"
  for a in "$@"; do printf 'ARG=[%s]\n' "$a"; done
  echo "END"
} >> "@OUT@"
exit 0
"""


def parse_script_calls(path):
    """[[arg1, arg2, ...], ...] from a SCRIPT output file."""
    calls = []
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return calls
    cur, argc = None, None
    for line in text.split("\n"):
        if line.startswith("ARGC="):
            cur, argc = [], int(line[5:])
        elif line.startswith("ARG=[") and cur is not None:
            cur.append(line[5:-1] if line.endswith("]") else line[5:])
        elif line == "END" and cur is not None:
            assert len(cur) == argc, (argc, cur)
            calls.append(cur)
            cur = None
    return calls


def auth_link_lines(proto, role):
    """
    `set link ...`/`set eap ...` lines for one side.  role "auth": we
    require proto from the peer; role "peer": we let the peer require it
    from us (only MS-CHAPv1 is denied by default).
    """
    if role == "auth":
        if proto == "eap-md5":
            return ["set link enable eap", "set eap enable md5"]
        return ["set link enable %s" % proto]
    if proto == "chap-msv1":
        return ["set link accept chap-msv1"]
    return []


class Config:
    """
    Parameters of one server+client pair.  Everything has a default that
    gives a working session: udp, no authentication, ranges addressing.
    """

    def __init__(self, transport="udp", auth=None, direction="server",
                 addr="ranges", dns=False, port=None, server_extra=(),
                 client_extra=(), server_bundle_extra=(),
                 client_bundle_extra=(), scripts=False,
                 client_password=CLI_PASS, client_name=CLI_NAME,
                 secret_lines=None, client_secret_lines=None,
                 client_open=True):
        self.transport = transport
        self.auth = auth
        self.direction = direction          # who authenticates: "server"|"client"
        self.addr = addr                    # "ranges" | "ippool" | "secret"
        self.dns = dns
        self.port = port or (20000 + next(_seq) % 20000)
        self.server_extra = list(server_extra)
        self.client_extra = list(client_extra)
        self.server_bundle_extra = list(server_bundle_extra)
        self.client_bundle_extra = list(client_bundle_extra)
        self.scripts = scripts
        self.client_password = client_password
        self.client_name = client_name
        self.secret_lines = secret_lines
        self.client_secret_lines = client_secret_lines
        self.client_open = client_open

    # -- server --
    def server_conf(self):
        t = self.transport
        lines = ["server:"]
        if self.addr == "ippool":
            lines.append("set ippool add pool1 %s %s" % (POOL_FIRST, POOL_LAST))
        lines += ["create bundle template B"]
        if self.addr == "ippool":
            lines.append("set ipcp ranges %s/32 ippool pool1" % SRV_TUN)
        else:
            lines.append("set ipcp ranges %s/32 %s/32" % (SRV_TUN, CLI_TUN))
        if self.dns:
            lines.append("set ipcp dns %s %s" % (DNS1, DNS2))
        if self.scripts in (True, "server"):
            lines += ["set iface up-script @DIR@/up.sh",
                      "set iface down-script @DIR@/down.sh"]
        lines += self.server_bundle_extra
        lines += ["create link template L %s" % t,
                  "set link action bundle B"]
        if self.auth:
            if self.direction == "server":
                lines += auth_link_lines(self.auth, "auth")
            else:
                lines += auth_link_lines(self.auth, "peer")
                lines += ["set auth authname %s" % SRV_NAME,
                          "set auth password %s" % SRV_PASS]
        lines += self.server_extra
        lines += ["set %s self %s %d" % (t, SRV_IP, self.port),
                  "set link enable incoming"]
        return startup_conf(web=True) + "\n\t".join(lines) + "\n"

    def server_secret(self):
        if self.secret_lines is not None:
            return "\n".join(self.secret_lines) + "\n"
        if self.addr == "secret":
            return "%s %s %s\n" % (CLI_NAME, CLI_PASS, SECRET_IP)
        return "%s %s\n" % (CLI_NAME, CLI_PASS)

    # -- client --
    def client_conf(self):
        t = self.transport
        lines = ["client:",
                 "create bundle static B",
                 "set ipcp ranges 0.0.0.0/0 0.0.0.0/0"]
        if self.dns:
            lines.append("set ipcp enable req-pri-dns req-sec-dns")
        if self.scripts in (True, "client"):
            lines += ["set iface up-script @DIR@/up.sh",
                      "set iface down-script @DIR@/down.sh"]
        lines += self.client_bundle_extra
        lines += ["create link static L %s" % t,
                  "set link action bundle B"]
        if self.auth:
            if self.direction == "server":
                lines += auth_link_lines(self.auth, "peer")
                lines += ["set auth authname %s" % self.client_name,
                          "set auth password %s" % self.client_password]
            else:
                lines += auth_link_lines(self.auth, "auth")
        lines += self.client_extra
        lines += ["set %s self %s" % (t, CLI_IP),
                  "set %s peer %s %d" % (t, SRV_IP, self.port)]
        if self.client_open:
            lines.append("open")
        return startup_conf(web=True) + "\n\t".join(lines) + "\n"

    def client_secret(self):
        if self.client_secret_lines is not None:
            return "\n".join(self.client_secret_lines) + "\n"
        return "%s %s\n" % (SRV_NAME, SRV_PASS)


# --------------------------------------------------------------------------
# the lab
# --------------------------------------------------------------------------

class Session:
    """What Lab.session() returns: both daemons and their bundle/link names."""

    def __init__(self, lab, cfg, server, client):
        self.lab, self.cfg, self.server, self.client = lab, cfg, server, client
        self.srv_bundle = None     # e.g. "B-1"
        self.srv_link = None       # e.g. "L-1"
        self.cli_bundle = "B"
        self.cli_link = "L"


class Lab:
    def __init__(self, workdir):
        self.workdir = workdir
        self.ns_a, self.ns_b = ns_names()
        self.daemons = []
        self.procs = []            # helper subprocesses (tcpdump, ...)
        self.sockets = []
        self.bg_pids = []          # daemons started with -b (not our children)
        self._up = False

    # -- network --
    def setup(self):
        for ns in (self.ns_a, self.ns_b):
            if os.path.exists("/run/netns/" + ns):     # stale from a crash
                ip("netns", "del", ns, check=False)
        ip("netns", "add", self.ns_a)
        ip("netns", "add", self.ns_b)
        self._up = True
        # no segmentation offload on the veth: every packet on it is at most
        # one MTU, so captures can use a small snaplen (and a ring with many
        # slots) without truncating anything
        ip("link", "add", "name", "vA", "netns", self.ns_a,
           "gso_max_segs", "1", "gso_max_size", "1500", "type", "veth",
           "peer", "name", "vB", "netns", self.ns_b,
           "gso_max_segs", "1", "gso_max_size", "1500")
        ip("-n", self.ns_a, "link", "set", "lo", "up")
        ip("-n", self.ns_b, "link", "set", "lo", "up")
        ip("-n", self.ns_a, "addr", "add", SRV_IP + "/24", "dev", "vA")
        ip("-n", self.ns_b, "addr", "add", CLI_IP + "/24", "dev", "vB")
        ip("-n", self.ns_b, "addr", "add", BAD_IP + "/24", "dev", "vB")
        ip("-n", self.ns_a, "link", "set", "vA", "up")
        ip("-n", self.ns_b, "link", "set", "vB", "up")
        # veth carrier comes up asynchronously; wait before anyone sends
        wait_for(lambda: "LOWER_UP" in ip("-n", self.ns_a, "link", "show", "vA")
                 and "LOWER_UP" in ip("-n", self.ns_b, "link", "show", "vB"),
                 5, "veth carrier")
        # no DAD delays on the IPv4-only veth; no IPv6 noise on it either
        for ns in (self.ns_a, self.ns_b):
            nsexec(ns, ["sysctl", "-q", "-w",
                        "net.unix.max_dgram_qlen=100000",
                        "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1"])

    def teardown(self):
        errors = []
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        for s in self.sockets:
            try:
                s.close()
            except OSError:
                pass
        for pid in self.bg_pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                wait_for(lambda: not os.path.exists("/proc/%d" % pid)
                         or " Z " in open("/proc/%d/stat" % pid).read(),
                         STOP_TIMEOUT, "background mpd5 %d to exit" % pid)
            except (AssertionError, OSError) as e:
                errors.append(str(e))
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        # SIGTERM every daemon first, then wait for all: each one's graceful
        # shutdown (LCP Terminate exchange) then overlaps with the other's
        stopping = []
        for m in self.daemons:
            if m.proc is not None and m.proc.poll() is None:
                try:
                    wait_for(lambda: m.exited() or m.signals_ready(),
                             STOP_TIMEOUT, "SIGTERM handling before stop")
                    if m.alive():
                        os.kill(m.pid, signal.SIGTERM)
                        stopping.append(m)
                except (AssertionError, ProcessLookupError) as e:
                    errors.append(str(e))
        for m in self.daemons:
            try:
                if m in stopping:
                    m.wait_exit()
                    m.check_exit(m.expect_rc)
                elif m.proc is not None and m.proc.poll() is None:
                    m.stop(expect=m.expect_rc)
                elif m.proc is not None and not m.checked:
                    m.wait_exit()
                    m.check_exit(expect=None)
            except AssertionError as e:
                errors.append(str(e))
            finally:
                m.cleanup()
        if self._up:
            for ns in (self.ns_a, self.ns_b):
                ip("netns", "del", ns, check=False)
            self._up = False
        return errors

    # -- daemons --
    def daemon(self, ns, name, conf, secret, label, files=None):
        d = os.path.join(self.workdir, name)
        m = NsMpd(ns, d, conf=conf, secret=secret, label=label, files=files)
        os.chmod(os.path.join(d, "mpd.secret"), 0o600)
        for f in (files or {}):
            if f.endswith(".sh"):
                os.chmod(os.path.join(d, f), 0o755)
        self.daemons.append(m)
        return m

    def script_files(self, which):
        d = os.path.join(self.workdir, which)
        return {"up.sh": SCRIPT.replace("@OUT@", os.path.join(d, "up.calls")),
                "down.sh": SCRIPT.replace("@OUT@",
                                          os.path.join(d, "down.calls"))}

    def start_server(self, cfg):
        m = self.daemon(self.ns_a, "server", cfg.server_conf(),
                        cfg.server_secret(), "server",
                        files=self.script_files("server")
                        if cfg.scripts in (True, "server") else None)
        return m.start()

    def start_client(self, cfg):
        m = self.daemon(self.ns_b, "client", cfg.client_conf(),
                        cfg.client_secret(), "client",
                        files=self.script_files("client")
                        if cfg.scripts in (True, "client") else None)
        return m.start()

    def session(self, cfg=None, wait=True, **kw):
        """Start server then client; with wait, return once IPCP is up on both."""
        cfg = cfg or Config(**kw)
        srv = self.start_server(cfg)
        cli = self.start_client(cfg)
        s = Session(self, cfg, srv, cli)
        if wait:
            wait_session_up(s)
        return s

    # -- helpers --
    def popen(self, ns, args, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + list(args),
                             stdin=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p


def ipcp_opened(mpd, bundle):
    try:
        out = mpd.show("ipcp", "bundle " + bundle)
    except (OSError, EOFError, ConsoleError):
        return False
    return re.search(r"IPCP \[Opened\]", out) is not None


SRV_BUNDLE_RE = r"\[(B-\d+)\] IPCP: (?:state change \S+ --> Opened|LayerUp)"


def wait_session_up(s, timeout=SESSION_TIMEOUT, since=0):
    """
    Both IPCPs Opened and both interfaces carrying their addresses.  The
    server's bundle instance name is taken from the first IPCP-up log line
    after message number `since` of the server's log.
    """
    srv, cli = s.server, s.client

    def server_bundle():
        text = "\n".join(srv.sink.messages()[since:])
        m = re.search(SRV_BUNDLE_RE, text)
        if m:
            return m.group(1)
        for d in (srv, cli):
            if d.exited():
                raise AssertionError("mpd5 in %s exited (%s)" % (d.ns,
                                                                  d.returncode))
        return None
    try:
        s.srv_bundle = wait_for(server_bundle, timeout,
                                "server IPCP to open", interval=0.05)
        wait_for(lambda: ipcp_opened(cli, s.cli_bundle), timeout,
                 "client IPCP [Opened]", interval=0.1)
        wait_for(lambda: ipcp_opened(srv, s.srv_bundle), timeout,
                 "server IPCP [Opened]", interval=0.1)
        wait_for(lambda: iface_has_addr(s.lab.ns_b) and
                 iface_has_addr(s.lab.ns_a), timeout,
                 "ngN addresses in both namespaces", interval=0.05)
    except AssertionError as e:
        raise AssertionError("%s\n---- server log ----\n%s\n---- client log "
                             "----\n%s" % (e, srv.log_text()[-6000:],
                                           cli.log_text()[-6000:]))
    text = "\n".join(srv.sink.messages()[since:])
    m = re.search(r"\[(L-\d+)\] Link: Join bundle \"%s\"" % s.srv_bundle,
                  text)
    s.srv_link = m.group(1) if m else None
    return s


def log_mark(mpd):
    """Current number of log messages (for wait_session_up(since=...))."""
    return len(mpd.sink.messages())


def tun_addrs(ns):
    """{ifname: (local, peer)} for the point-to-point (ng*) interfaces."""
    out = ip("-n", ns, "-o", "-4", "addr", "show")
    res = {}
    for line in out.splitlines():
        m = re.search(r"^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+\.\d+)"
                      r"(?: peer (\d+\.\d+\.\d+\.\d+)(?:/\d+)?)?", line)
        if m and m.group(1) not in ("lo", "vA", "vB"):
            res[m.group(1)] = (m.group(2), m.group(3))
    return res


def iface_has_addr(ns):
    return bool(tun_addrs(ns))


def ping(ns, addr, count=3, timeout=10.0):
    """ping until `count` replies arrive in a row (deadline timeout)."""
    deadline = time.monotonic() + timeout * SLOWDOWN
    last = ""
    while time.monotonic() < deadline:
        rc, out = nsexec(ns, ["ping", "-n", "-c", str(count), "-i", "0.2",
                              "-W", "2", addr], timeout=30)
        last = out
        if rc == 0:
            return out
        time.sleep(0.2)
    raise AssertionError("ping %s from %s failed:\n%s" % (addr, ns, last))


def wait_down(mpd, link, reason, timeout=IO_TIMEOUT):
    """
    Poll `show link` until the link's device state is DOWN and its last
    Down Reason (after the Up Reason) starts with reason.
    """
    def check():
        try:
            out = mpd.show("link", "link " + link)
        except (OSError, EOFError, ConsoleError):
            return None
        downs = re.findall(r"\tDown Reason    : (.*)\r\n", out)
        ups = out.find("\tUp Reason")
        if downs and ups >= 0 and out.rfind("\tDown Reason") > ups \
                and downs[-1].startswith(reason) \
                and "\tState          : DOWN\r\n" in out:
            return out
        return None
    try:
        return wait_for(check, timeout, "link %s down with reason %r"
                        % (link, reason), interval=0.1)
    except AssertionError as e:
        raise AssertionError("%s\n---- show link ----\n%s\n---- log ----\n%s"
                             % (e, mpd.show("link", "link " + link),
                                mpd.log_text()[-6000:]))


# --------------------------------------------------------------------------
# bulk transfer through the tunnel
# --------------------------------------------------------------------------

def tcp_transfer(lab, nbytes, seed=1, timeout=120.0):
    """
    Send nbytes of pseudo-random data from ns b (client side) to a
    receiver in ns a listening on SRV_TUN; return (sha_sent, sha_received,
    bytes_received, seconds).
    """
    port = 31000 + next(_seq) % 1000
    lsock = ns_socket(lab.ns_a, socket.AF_INET, socket.SOCK_STREAM,
                      bind=(SRV_TUN, port))
    lab.sockets.append(lsock)
    lsock.listen(1)
    lsock.settimeout(timeout)
    result = {}

    def receiver():
        h = hashlib.sha256()
        n = 0
        try:
            c, _ = lsock.accept()
            c.settimeout(timeout)
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                h.update(d)
                n += len(d)
            c.close()
        except OSError as e:
            result["error"] = repr(e)
        result["sha"] = h.hexdigest()
        result["n"] = n

    t = threading.Thread(target=receiver, daemon=True)
    t.start()
    csock = ns_socket(lab.ns_b, socket.AF_INET, socket.SOCK_STREAM,
                      timeout=timeout)
    lab.sockets.append(csock)
    t0 = time.monotonic()
    csock.connect((SRV_TUN, port))
    h = hashlib.sha256()
    block = bytearray(1 << 20)
    state = hashlib.sha256(b"seed%d" % seed).digest()
    sent = 0
    while sent < nbytes:
        # cheap pseudo-random blocks: a sha256 chain tiled over 1 MiB, with
        # the block index mixed in so that blocks differ
        state = hashlib.sha256(state).digest()
        chunk = (state * ((len(block) // 32) + 1))[:min(len(block),
                                                         nbytes - sent)]
        chunk = struct.pack(">Q", sent) + chunk[8:]
        csock.sendall(chunk)
        h.update(chunk)
        sent += len(chunk)
        if time.monotonic() - t0 > timeout:
            raise AssertionError("transfer exceeded %.0fs after %d bytes"
                                 % (timeout, sent))
    csock.shutdown(socket.SHUT_WR)
    t.join(max(1.0, timeout - (time.monotonic() - t0)))
    csock.close()
    dt = time.monotonic() - t0
    if t.is_alive():
        raise AssertionError("receiver still running after %.0fs" % timeout)
    if "error" in result:
        raise AssertionError("receiver: %s" % result["error"])
    return h.hexdigest(), result["sha"], result["n"], dt


# --------------------------------------------------------------------------
# capture: tcpdump on the veth, PPP frames re-wrapped for tshark
# --------------------------------------------------------------------------

DLT_PPP = 9


class Capture:
    """tcpdump in a namespace; stop() fails if the kernel dropped packets."""

    def __init__(self, lab, ns, iface, bpf, path, snaplen=2048):
        self.lab, self.path = lab, path
        self.errpath = path + ".err"
        self._err = open(self.errpath, "wb")
        self.proc = lab.popen(ns, ["tcpdump", "-i", iface, "-U", "-n",
                                   "--immediate-mode",
                                   "-B", "65536", "-s", str(snaplen),
                                   "-w", path, bpf],
                              stdout=subprocess.DEVNULL, stderr=self._err)
        wait_for(lambda: self._started(), 10 * SLOWDOWN, "tcpdump to start")

    def _started(self):
        with open(self.errpath, "rb") as f:
            t = f.read()
        if self.proc.poll() is not None:
            raise AssertionError("tcpdump exited: %r" % t)
        return b"listening on" in t

    def stop(self, allow_drops=False):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._err.close()
        with open(self.errpath) as f:
            self.stats = f.read()
        m = re.search(r"(\d+) packets dropped by kernel", self.stats)
        self.dropped = int(m.group(1)) if m else None
        assert allow_drops or self.dropped == 0, (
            "the capture itself lost packets (test "
            "machine too slow?):\n" + self.stats)


def read_pcap(path):
    """Yield (ts, linktype, frame bytes) from a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    else:
        e = ">"
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        assert incl == orig, ("%s: a %d-byte packet was captured truncated "
                              "(snaplen too small?)" % (path, orig))
        yield sec + usec / 1e6, linktype, data[off:off + incl]
        off += incl


def ip_packet(frame, linktype):
    """The IPv4 packet inside an Ethernet / Linux-cooked frame, or None."""
    if linktype == 1:                       # Ethernet
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            return None
        pkt = frame[14:]
    elif linktype == 113:                   # Linux cooked
        pkt = frame[16:]
    elif linktype in (12, 14, 101):         # raw IP (a TUN)
        pkt = frame
    else:
        return None
    if len(pkt) < 20 or pkt[0] >> 4 != 4:
        return None
    return pkt


class Reassembler:
    """IPv4 fragment reassembly (the udp link's 1501-byte datagrams are
    fragmented on the 1500-byte veth)."""

    def __init__(self):
        self.parts = {}

    def push(self, pkt):
        """Return a complete (header, payload) or None while incomplete."""
        ihl = (pkt[0] & 15) * 4
        total = struct.unpack(">H", pkt[2:4])[0]
        flags_off = struct.unpack(">H", pkt[6:8])[0]
        mf = flags_off & 0x2000
        off = (flags_off & 0x1FFF) * 8
        body = pkt[ihl:total]
        if not mf and off == 0:
            return pkt[:ihl], body
        key = (pkt[12:16], pkt[16:20], pkt[4:6], pkt[9])
        st = self.parts.setdefault(key, {"frags": {}, "end": None,
                                         "hdr": None})
        st["frags"][off] = body
        if off == 0:
            st["hdr"] = pkt[:ihl]
        if not mf:
            st["end"] = off + len(body)
        if st["hdr"] is None or st["end"] is None:
            return None
        data, pos = b"", 0
        while pos < st["end"]:
            b = st["frags"].get(pos)
            if b is None:
                return None
            data += b
            pos += len(b)
        del self.parts[key]
        return st["hdr"], data


def l4_parse(hdr, body):
    """(src, dst, proto, sport, dport, payload, tcp_seq, tcp_flags)."""
    proto = hdr[9]
    src = socket.inet_ntoa(hdr[12:16])
    dst = socket.inet_ntoa(hdr[16:20])
    if proto == 17 and len(body) >= 8:
        sp, dp = struct.unpack(">HH", body[:4])
        return src, dst, proto, sp, dp, body[8:], None, 0
    if proto == 6 and len(body) >= 20:
        sp, dp, seq = struct.unpack(">HHI", body[:8])
        doff = (body[12] >> 4) * 4
        return src, dst, proto, sp, dp, body[doff:], seq, body[13]
    return None


class TcpStream:
    """One direction of a TCP connection, reassembled by sequence number
    (the capture may see a segment only when it is retransmitted)."""

    def __init__(self):
        self.next = None
        self.pending = {}
        self.closed = False                       # FIN or RST seen

    def push(self, seq, flags, payload):
        """Return the bytes that became contiguous."""
        if flags & 0x05:                          # FIN, RST
            self.closed = True
        if flags & 0x02:                          # SYN
            self.next = (seq + 1) & 0xFFFFFFFF
            seq = self.next
        if not payload:
            return b""
        if self.next is None:
            self.next = seq
        off = (seq - self.next) & 0xFFFFFFFF
        if off >= 0x80000000:                     # starts before next
            skip = (self.next - seq) & 0xFFFFFFFF
            if skip >= len(payload):
                return b""                        # a retransmission
            payload, seq = payload[skip:], self.next
        old = self.pending.get(seq)
        if old is None or len(payload) > len(old):
            self.pending[seq] = payload
        out = b""
        while self.next in self.pending:
            d = self.pending.pop(self.next)
            out += d
            self.next = (self.next + len(d)) & 0xFFFFFFFF
            # drop buffered segments now entirely behind next; trim overlaps
            for k in list(self.pending):
                o = (k - self.next) & 0xFFFFFFFF
                if o >= 0x80000000:
                    v = self.pending.pop(k)
                    cut = (self.next - k) & 0xFFFFFFFF
                    if cut < len(v):
                        self.pending[self.next] = max(
                            self.pending.get(self.next, b""), v[cut:],
                            key=len)
        return out


def fcs16(data):
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs


def hdlc_decode_one(raw):
    """One async-HDLC frame body (between flags) -> (frame, error)."""
    out = bytearray()
    esc = False
    for b in raw:
        if esc:
            out.append(b ^ 0x20)
            esc = False
        elif b == 0x7D:
            esc = True
        else:
            out.append(b)
    if esc:
        return None, "frame ends in an escape: %s" % raw.hex()
    if len(out) < 4:
        return None, "runt frame %s" % raw.hex()
    if fcs16(bytes(out)) != 0xF0B8:
        return None, "bad FCS in frame %s" % out.hex()
    return bytes(out[:-2]), None


def ppp_frames(pcap_path, port, transport="udp"):
    """
    Extract the PPP frames carried on `port` from a capture, in capture
    order.  Returns a list of (src_ip, frame) and a list of framing errors
    ("<src>: ..."; tcp: async HDLC per RFC 1662, FCS-16 checked).
    """
    out, errors = [], []
    streams = {}
    reasm = Reassembler()
    for ts, lt, fr in read_pcap(pcap_path):
        pkt = ip_packet(fr, lt)
        if pkt is None:
            continue
        whole = reasm.push(pkt)
        if whole is None:
            continue
        r = l4_parse(*whole)
        if r is None:
            continue
        src, dst, proto, sp, dp, payload, seq, flags = r
        if port not in (sp, dp):
            continue
        if transport == "udp" and proto == 17:
            out.append((src, payload))
        elif transport == "tcp" and proto == 6:
            key = (src, sp, dst, dp)
            st = streams.setdefault(key, {"tcp": TcpStream(), "buf": b""})
            data = st["tcp"].push(seq, flags, payload)
            if not data:
                continue
            buf = st["buf"] + data
            cut = buf.rfind(b"\x7e")
            if cut < 0:
                st["buf"] = buf
                continue
            st["buf"] = buf[cut + 1:]
            for raw in buf[:cut].split(b"\x7e"):
                if not raw:
                    continue
                f, err = hdlc_decode_one(raw)
                if err:
                    errors.append("%s: %s" % (src, err))
                else:
                    out.append((src, f))
    for key, st in streams.items():
        if st["tcp"].pending:
            errors.append("%s: hole in the captured tcp stream %r"
                          % (key[0], key))
        # a frame cut short is an error when the sender closed the
        # connection after it; without a FIN the capture merely ended
        # while the rest of the frame was on its way
        if st["buf"].strip(b"\x7e") and st["tcp"].closed:
            errors.append("%s: unterminated frame at the end of %r: %s"
                          % (key[0], key, st["buf"][:64].hex()))
    return out, errors


def write_ppp_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535,
                            DLT_PPP))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)) + fr)


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

def _require_root():
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    for tool in ("ip", "ping", "tcpdump", "tshark"):
        if shutil.which(tool) is None:
            pytest.skip("%s not installed" % tool)


@pytest.fixture
def ppp_lab(request):
    _require_root()
    d = tempfile.mkdtemp(prefix="mpdppp-", dir="/tmp")
    lab = Lab(d)
    try:
        lab.setup()
    except BaseException:
        lab.teardown()
        shutil.rmtree(d, ignore_errors=True)
        raise
    yield lab
    errors = lab.teardown()
    failed = getattr(request.node, "rep_call", None)
    if (failed is not None and failed.failed) or errors:
        for m in lab.daemons:
            if m.proc is None:
                continue
            print("==== mpd5 pid %s in %s (%s) exit %s" % (
                m.proc.pid, m.ns, m.dir, m.returncode))
            print(m.output_tail(4000))
            print("---- log (tail) ----")
            print(m.log_text()[-20000:])
    if not ((failed is not None and failed.failed) or errors) \
            or os.environ.get("MPD_KEEP") != "1":
        shutil.rmtree(d, ignore_errors=True)
    if errors:
        pytest.fail("daemon shutdown problems:\n" + "\n".join(errors),
                    pytrace=False)


# --------------------------------------------------------------------------
# capture convenience
# --------------------------------------------------------------------------

DECODE_FIELDS = [
    "frame.number", "_ws.col.Protocol", "_ws.col.Info", "_ws.malformed",
    "_ws.expert.severity", "_ws.expert.message",
    "ppp.protocol", "ppp.code", "ppp.identifier", "ppp.length",
    "lcp.opt.type", "lcp.opt.mru", "lcp.opt.auth_protocol",
    "lcp.opt.algorithm", "lcp.opt.magic_number", "lcp.rej_proto",
    "lcp.magic_number",
    "pap.code", "pap.peer_id", "chap.code", "chap.name", "eap.code",
    "eap.type",
    "ipcp.opt.type", "ipcp.opt.ip_address", "ipcp.opt.pri_dns_address",
    "ipcp.opt.sec_dns_address", "ipcp.opt.compress_proto",
    "ip.src", "ip.dst", "icmp.type",
]
ERROR_SEVERITY = 8388608            # PI_ERROR in _ws.expert.severity


def tshark_decode(path, checksums=True):
    """
    Decode a DLT_PPP pcap in one tshark run: a list of dicts keyed by
    DECODE_FIELDS (values are lists; multiple occurrences kept).
    """
    args = ["tshark", "-n", "-r", path]
    if checksums:
        args += ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                 "-o", "udp.check_checksum:TRUE"]
    args += ["-T", "fields", "-E", "separator=\x01", "-E", "occurrence=a",
             "-E", "aggregator=\x02"]
    for f in DECODE_FIELDS:
        args += ["-e", f]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    rows = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\x01")
        if len(parts) != len(DECODE_FIELDS):
            continue
        rows.append({k: ([x for x in v.split("\x02")] if v else [])
                     for k, v in zip(DECODE_FIELDS, parts)})
    return rows


def decode_problems(rows):
    bad = []
    for r in rows:
        sev = [int(x) for x in r["_ws.expert.severity"] if x.isdigit()]
        if r["_ws.malformed"] or any(x >= ERROR_SEVERITY for x in sev):
            bad.append("frame %s: %s %s: %s" % (
                r["frame.number"], r["_ws.col.Protocol"], r["_ws.col.Info"],
                r["_ws.expert.message"]))
    return bad


class WireCapture:
    """
    tcpdump on the server's veth for the session's port; after stop(),
    frames holds (src_ip, ppp_frame); decode() runs tshark once and keeps
    one dict per frame (key "src" added) in self.rows.
    """

    def __init__(self, lab, cfg, name="wire", allow_drops=False):
        self.lab, self.cfg = lab, cfg
        self.allow_drops = allow_drops
        self.raw = os.path.join(lab.workdir, name + ".pcap")
        self.ppp = os.path.join(lab.workdir, name + "-ppp.pcap")
        proto = "tcp" if cfg.transport == "tcp" else "udp"
        # non-first IP fragments carry no port: keep them all (the udp
        # link's 1501-byte datagrams are fragmented on the veth)
        self.cap = Capture(lab, lab.ns_a, "vA",
                           "(%s port %d) or (ip[6:2] & 0x1fff != 0)"
                           % (proto, cfg.port), self.raw)
        self.frames = None
        self.framing_errors = None
        self.rows = None

    def stop(self):
        self.cap.stop(self.allow_drops)
        self.frames, self.framing_errors = ppp_frames(
            self.raw, self.cfg.port, self.cfg.transport)
        return self.frames

    def decode(self, checksums=True):
        if self.frames is None:
            self.stop()
        assert self.frames, "no PPP frames captured"
        write_ppp_pcap(self.ppp, [f for _, f in self.frames])
        self.rows = tshark_decode(self.ppp, checksums)
        assert len(self.rows) == len(self.frames), (
            "tshark decoded %d of %d frames" % (len(self.rows),
                                                len(self.frames)))
        for r, (src, _) in zip(self.rows, self.frames):
            r["src"] = src
        return self.rows

    def check(self, only_from=None, checksums=True, skip=None):
        """
        Every frame (or every frame sent by only_from) decodes cleanly;
        skip(row) -> True leaves a frame out (e.g. a Configure-Reject that
        must echo a peer's malformed option verbatim).
        """
        if self.rows is None:
            self.decode(checksums)
        errors = [e for e in self.framing_errors
                  if only_from is None or e.startswith(only_from + ": ")]
        assert not errors, ("async-HDLC framing errors on the tcp link:\n%s"
                            % "\n".join(errors[:20]))
        rows = [r for r in self.rows if (only_from is None
                                         or r["src"] == only_from)
                and not (skip and skip(r))]
        problems = decode_problems(rows)
        assert not problems, ("tshark reports malformed frames / errors:\n%s"
                              % "\n".join(problems[:30]))
        return rows

    def select(self, pred=None, src=None):
        """Decoded rows sent by src (any if None) for which pred(row)."""
        if self.rows is None:
            self.decode()
        return [r for r in self.rows if (src is None or r["src"] == src)
                and (pred is None or pred(r))]


def first(row, key, default=None):
    v = row.get(key) or []
    return v[0] if v else default
