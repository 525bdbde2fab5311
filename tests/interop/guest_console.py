#!/usr/bin/python3
"""
guest_console.py - run console commands of an mpd5 inside the lab guest
(the guest's loopback is not reachable from the host):

    guest_console.py PORT USER PASSWORD 'cmd' ['cmd' ...]

Logs in, runs each command, prints what it answered; telnet negotiation
bytes (IAC ...) are dropped.
"""

import socket
import sys
import time


def strip_iac(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0xFF and i + 1 < len(data):
            i += 3 if data[i + 1] >= 251 else 2
            continue
        out.append(data[i])
        i += 1
    return bytes(out)


def read_until(s, buf, needles, timeout=20):
    deadline = time.monotonic() + timeout
    while not any(n in strip_iac(buf) for n in needles):
        if time.monotonic() > deadline:
            raise SystemExit("timeout waiting for %r in %r" % (needles, buf))
        s.settimeout(max(0.1, deadline - time.monotonic()))
        d = s.recv(65536)
        if not d:
            raise SystemExit("console closed: %r" % buf)
        buf += d
    return buf


def main(argv):
    port, user, pw = int(argv[0]), argv[1], argv[2]
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    buf = read_until(s, b"", [b"Username: "])
    s.sendall(user.encode() + b"\r\n")
    buf = read_until(s, b"", [b"Password: "])
    s.sendall(pw.encode() + b"\r\n")
    buf = read_until(s, b"", [b"] "])
    for cmd in argv[3:]:
        s.sendall(cmd.encode() + b"\r\n")
        buf = read_until(s, b"", [b"\r\n["], 20)
        buf = read_until(s, buf, [b"] "])
        sys.stdout.write(strip_iac(buf).decode("latin-1"))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
