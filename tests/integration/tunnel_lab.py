"""
Helpers shared by the tunnel suites (test_l2tp.py, test_pptp.py): the
multi-link client configuration, waiting for a bundle with the daemons'
logs on failure, a pair on the default port, `show <type>` rows, and
the tshark checks of a tunnel capture.
"""

import os
import re
import subprocess

from conftest import startup_conf, wait_for
from ppp_lab import (CLI_IP, CLI_NAME, CLI_PASS, SESSION_TIMEOUT, SRV_IP,
                     Capture, auth_link_lines, ipcp_opened)

ERROR_SEVERITY = 8388608            # PI_ERROR


def multi_client_conf(typ, n, auth, peer, extra=()):
    """n static <typ> links on the client to peer (addr, port), each with
    its own bundle; extra: more lines per link before its `open`."""
    lines = ["client:"]
    for i in range(n):
        lines += ["create bundle static B%d" % i,
                  "set ipcp ranges 0.0.0.0/0 0.0.0.0/0",
                  "create link static L%d %s" % (i, typ),
                  "set link action bundle B%d" % i]
        lines += auth_link_lines(auth, "peer")
        lines += ["set auth authname %s" % CLI_NAME,
                  "set auth password %s" % CLI_PASS,
                  "set %s self %s" % (typ, CLI_IP),
                  "set %s peer %s %d" % ((typ,) + tuple(peer))]
        lines += list(extra)
        lines.append("open")
    return startup_conf(web=True) + "\n\t".join(lines) + "\n"


def show_tunnels(mpd, typ, row_re):
    """`show <typ>` rows matched by row_re (six groups): [(self, sport,
    peer, pport, state, calls)]."""
    out = mpd.show(typ)
    assert out.startswith("Active %s tunnels:\r\n" % typ.upper()), out
    return [(m.group(1), int(m.group(2)), m.group(3), int(m.group(4)),
             m.group(5), int(m.group(6)))
            for m in re.finditer(row_re, out)]


def log_tail(mpd, n=5000):
    """The daemon's log without the console chatter of the polling."""
    return "\n".join(x for x in mpd.log_text().splitlines()
                     if "CONSOLE" not in x)[-n:]


def wait_bundle_up(cli, bundle, others=(), timeout=SESSION_TIMEOUT):
    """Wait for IPCP [Opened] on cli's bundle; fails early when a daemon
    exits, and with the logs of cli and others."""
    def check():
        for d in (cli,) + tuple(others):
            if d.exited():
                raise AssertionError("mpd5 in %s exited" % d.ns)
        return ipcp_opened(cli, bundle)
    try:
        wait_for(check, timeout, "bundle %s IPCP [Opened]" % bundle,
                 interval=0.1)
    except AssertionError as e:
        raise AssertionError("%s\n---- client log ----\n%s\n%s" % (
            e, log_tail(cli), "\n".join(
                "---- log in %s ----\n%s" % (o.ns, log_tail(o))
                for o in others)))


def tshark_rows(path, decode_as, fields):
    """tshark's rows of the capture at path, with `-d decode_as` and IP
    checksums checked: one dict a frame, field -> list of values."""
    # the sender's own veth: outer UDP checksums are offloaded
    args = ["tshark", "-n", "-r", path, "-d", decode_as,
            "-o", "ip.check_checksum:TRUE",
            "-T", "fields", "-E", "separator=\x01",
            "-E", "occurrence=a", "-E", "aggregator=\x02"]
    for f in fields:
        args += ["-e", f]
    p = subprocess.run(args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    rows = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\x01")
        if len(parts) == len(fields):
            rows.append({k: (v.split("\x02") if v else [])
                         for k, v in zip(fields, parts)})
    return rows


def start_on_default_port(lab, cfg, typ, port):
    """Server and client of cfg (whose port is the protocol's default)
    with no port in `set <typ> self` / `set <typ> peer`: (srv, cli)."""
    cfg.port = port
    srv = lab.daemon(lab.ns_a, "server",
                     cfg.server_conf().replace(
                         "set %s self %s %d" % (typ, SRV_IP, port),
                         "set %s self %s" % (typ, SRV_IP)),
                     cfg.server_secret(), "server").start()
    cli = lab.daemon(lab.ns_b, "client",
                     cfg.client_conf().replace(
                         "set %s peer %s %d" % (typ, SRV_IP, port),
                         "set %s peer %s" % (typ, SRV_IP)),
                     cfg.client_secret(), "client").start()
    return srv, cli


class TunnelCapture:
    """tcpdump of the tunnel's traffic (bpf) on vA in ns a, decoded by
    tshark with `-d decode_as` into rows of the subclass's FIELDS."""
    FIELDS = ()
    EMPTY = "nothing captured"

    def __init__(self, lab, port, name, bpf, decode_as):
        self.port = port
        self.path = os.path.join(lab.workdir, name + ".pcap")
        self.decode_as = decode_as
        self.cap = Capture(lab, lab.ns_a, "vA", bpf, self.path)
        self.rows = None

    def stop(self):
        self.cap.stop()
        self.rows = tshark_rows(self.path, self.decode_as, self.FIELDS)
        return self.rows

    def frame_ok(self, r):
        """A further per-frame condition of the subclass."""
        return True

    def check(self, only_from=None):
        """No frame (from only_from, when given) malformed or carrying an
        expert error."""
        if self.rows is None:
            self.stop()
        assert self.rows, self.EMPTY
        bad = []
        for r in self.rows:
            if only_from and only_from not in r["ip.src"]:
                continue
            info = " ".join(r["_ws.col.Info"])
            if "Fragmented IP protocol" in info:
                continue            # reassembled in a later frame
            sev = [int(x) for x in r["_ws.expert.severity"] if x.isdigit()]
            # TCP analysis notes (window updates, dup acks) are not errors
            if r["_ws.malformed"] or any(x >= ERROR_SEVERITY for x in sev) \
                    or not self.frame_ok(r):
                bad.append("frame %s: %s %s: %s" % (
                    r["frame.number"], r["_ws.col.Protocol"], info,
                    r["_ws.expert.message"]))
        assert not bad, "tshark: malformed frames:\n" + "\n".join(bad[:30])
        return self.rows
