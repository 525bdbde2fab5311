#!/usr/bin/python3
"""
xfer.py - a TCP transfer with a checksum at both ends, for the interop
suite: one end runs in the guest (as a program), the other on the host
(imported).  The data is a deterministic sha256 chain, so both ends can
print what they saw and the test compares the digests.

    xfer.py recv ADDR PORT [TIMEOUT]     listen, print "listening", then
                                         "recv <bytes> <sha256>"
    xfer.py send ADDR PORT BYTES [TIMEOUT]   print "sent <bytes> <sha256>"
"""

import hashlib
import socket
import sys


def blocks(nbytes, seed=b"mpd5-interop"):
    state = hashlib.sha256(seed).digest()
    sent = 0
    while sent < nbytes:
        state = hashlib.sha256(state).digest()
        n = min(65536, nbytes - sent)
        yield (state * (n // 32 + 1))[:n]
        sent += n


def send(sock, nbytes):
    """Send nbytes on a connected socket, half-close; (n, sha)."""
    h = hashlib.sha256()
    n = 0
    for b in blocks(nbytes):
        sock.sendall(b)
        h.update(b)
        n += len(b)
    sock.shutdown(socket.SHUT_WR)
    # wait for the receiver to close: everything was read
    while sock.recv(4096):
        pass
    return n, h.hexdigest()


def recv(sock):
    """Read until EOF; (n, sha)."""
    h = hashlib.sha256()
    n = 0
    while True:
        d = sock.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    return n, h.hexdigest()


def main(argv):
    if argv[0] == "recv":
        timeout = float(argv[3]) if len(argv) > 3 else 60
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((argv[1], int(argv[2])))
        ls.listen(1)
        ls.settimeout(timeout)
        print("listening", flush=True)
        c, _ = ls.accept()
        c.settimeout(timeout)
        n, sha = recv(c)
        c.close()
        print("recv %d %s" % (n, sha), flush=True)
        return 0
    if argv[0] == "send":
        timeout = float(argv[4]) if len(argv) > 4 else 60
        c = socket.create_connection((argv[1], int(argv[2])), timeout=timeout)
        n, sha = send(c, int(argv[3]))
        c.close()
        print("sent %d %s" % (n, sha), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
