"""
A "line" between two serial ports for tests: two pseudo-terminal pairs
whose masters this program relays to each other, the slaves reachable
through symlinks.

    python3 ptyline.py LINK_A LINK_B

Each slave is set raw and kept open here, so a program that closes its
port (a hang-up) never makes the master see EIO and no echo bounces
bytes back while nobody has the port open.  What one end writes while
the other's buffer is full is dropped, as on a line.  Prints "ready"
once the links exist; runs until killed, then removes the links.
"""

import os
import select
import signal
import sys
import tty


def main(argv):
    links = argv[1:3]
    masters, slaves = [], []
    for link in links:
        m, s = os.openpty()
        tty.setraw(s)
        os.set_blocking(m, False)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.ttyname(s), link)
        masters.append(m)
        slaves.append(s)

    def stop(signum, frame):
        for link in links:
            try:
                os.unlink(link)
            except OSError:
                pass
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    while True:
        r, _, _ = select.select(masters, [], [], 1.0)
        for fd in r:
            i = masters.index(fd)
            try:
                data = os.read(fd, 4096)
            except OSError:
                continue
            try:
                os.write(masters[1 - i], data)
            except OSError:
                pass


if __name__ == "__main__":
    main(sys.argv)
