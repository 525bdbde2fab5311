"""
A "line" between two serial ports for tests: two pseudo-terminal pairs
whose masters this program relays to each other, the slaves reachable
through symlinks.

    python3 ptyline.py [--hayes] LINK_A LINK_B

Each slave is set raw and kept open here, so a program that closes its
port (a hang-up) never makes the master see EIO and no echo bounces
bytes back while nobody has the port open.  What one end writes while
the other's buffer is full is dropped, as on a line.  Prints "ready"
once the links exist; runs until killed, then removes the links.

With --hayes each end is a Hayes modem (no echo, verbose results): in
command mode a line ending in CR is a command; ATD[T|P]<number> rings
the other end ("NMBR = 5550000" then RING, every second until
answered), ATA there answers a ringing line (CONNECT 115200 to both,
then the bytes are relayed), any other AT command gets OK.  Output speed
0 on a port (DTR dropped) ends the call: NO CARRIER to the other end.
Commands are printed as "cmd <side> <command>" (side 0 or 1).
"""

import os
import select
import signal
import sys
import termios
import time
import tty


class Line:
    def __init__(self, links, hayes):
        self.links, self.hayes = links, hayes
        self.masters, self.slaves = [], []
        self.mode = ["cmd", "cmd"]
        self.buf = [b"", b""]
        self.ring = None            # (side to ring, next time)
        for link in links:
            m, s = os.openpty()
            tty.setraw(s)
            os.set_blocking(m, False)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink(os.ttyname(s), link)
            self.masters.append(m)
            self.slaves.append(s)

    def send(self, i, data):
        try:
            os.write(self.masters[i], data)
        except OSError:
            pass                    # the far end does not take it: lost

    def command(self, i, cmd):
        print("cmd %d %s" % (i, cmd), flush=True)
        up = cmd.upper()
        if up.startswith("ATD"):
            self.mode[i] = "dialling"
            self.ring = (1 - i, time.monotonic())
        elif up.startswith("ATA"):
            if self.ring is not None and self.ring[0] == i:
                self.ring = None
                for j in (0, 1):
                    self.mode[j] = "data"
                    self.send(j, b"\r\nCONNECT 115200\r\n")
            else:
                self.send(i, b"\r\nNO CARRIER\r\n")
        elif up.startswith("AT"):
            self.send(i, b"\r\nOK\r\n")

    def hangups(self):
        for i in (0, 1):
            try:
                if termios.tcgetattr(self.masters[i])[5] != termios.B0:
                    continue
            except termios.error:
                continue
            if self.mode[i] == "data":
                self.mode[1 - i] = "cmd"
                self.send(1 - i, b"\r\nNO CARRIER\r\n")
            elif self.mode[i] == "dialling":
                self.ring = None
            self.mode[i] = "cmd"
            self.buf[i] = b""

    def step(self):
        if self.hayes:
            self.hangups()
            if self.ring is not None and time.monotonic() >= self.ring[1]:
                j = self.ring[0]
                self.send(j, b"\r\nNMBR = 5550000\r\n\r\nRING\r\n")
                self.ring = (j, time.monotonic() + 1.0)
        r, _, _ = select.select(self.masters, [], [], 0.05)
        for fd in r:
            i = self.masters.index(fd)
            try:
                data = os.read(fd, 4096)
            except OSError:
                continue
            if not self.hayes or (self.mode[i] == "data" and
                                  self.mode[1 - i] == "data"):
                self.send(1 - i, data)
                continue
            self.buf[i] += data
            while b"\r" in self.buf[i]:
                cmd, self.buf[i] = self.buf[i].split(b"\r", 1)
                cmd = cmd.strip().decode("latin-1")
                if cmd:
                    self.command(i, cmd)


def main(argv):
    hayes = "--hayes" in argv
    links = [a for a in argv[1:] if a != "--hayes"][:2]
    line = Line(links, hayes)

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
        line.step()


if __name__ == "__main__":
    main(sys.argv)
