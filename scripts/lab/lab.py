#!/usr/bin/python3
"""
lab.py - the project's qemu lab: Debian's stock kernel (with its PPP
modules) booted with the host's root filesystem as the guest's userland.

    scripts/lab/lab.py run 'CMD'      boot, run CMD in the guest, print its
                                      output, power off; exit code = CMD's
    scripts/lab/lab.py shell-check    boot and print what the guest has

As a module (tests/interop, scripts/bench):

    g = Guest(netns=NS, tap=TAP)      # NS must exist; TAP is created in it
    g.boot()
    g.run("ip link")                  # -> (rc, output)
    pid = g.spawn("pppd ...", log="/tmp/x.log"); g.kill(pid)
    g.write("/etc/ppp/x", text); g.read("/tmp/x.log")
    g.close()                         # power off, qemu ended by PID

How it works (see scripts/lab/README.md): prepare.sh downloads the kernel
package and builds a small initramfs; qemu boots it under TCG (KVM when
/dev/kvm can run a stock kernel) with the host root exported read-only
over virtio-9p; scripts/lab/init overlays it with guest memory and starts
scripts/lab/agent.py, which serves JSON requests on a virtio-serial port
that qemu exposes here as a unix socket.  The guest's eth0 is a tap
device inside a network namespace of the caller's choosing, so a daemon
on the host talks to the guest by running in that namespace.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("MPD_LAB_CACHE", "/var/cache/mpd5-lab")
GUEST_IP = "192.0.2.2/24"
HOST_IP = "192.0.2.1/24"
GUEST_MAC = "52:54:00:6d:70:64"


class LabError(RuntimeError):
    pass


def prepare():
    """Run prepare.sh (idempotent); return the lab.env settings."""
    p = subprocess.run([os.path.join(HERE, "prepare.sh")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=900)
    if p.returncode != 0:
        raise LabError("prepare.sh failed:\n" + p.stderr.decode())
    env = {}
    with open(p.stdout.decode().strip().splitlines()[-1]) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


def pick_accel():
    """kvm only when asked for, or usable by a stock kernel (the PVM
    flavour of KVM found in some sandboxes cannot boot one)."""
    want = os.environ.get("MPD_LAB_ACCEL", "auto")
    if want in ("kvm", "tcg"):
        return want
    if os.path.isdir("/sys/module/kvm_pvm"):
        return "tcg"
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        return "kvm"
    except OSError:
        return "tcg"


def _ip(*args, check=True):
    p = subprocess.run(["ip"] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if check and p.returncode != 0:
        raise LabError("ip %s: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout.decode()


class Guest:
    """One booted guest; see the module comment."""

    def __init__(self, netns=None, tap=None, mem=768, cpus=2,
                 guest_ip=GUEST_IP, host_ip=HOST_IP):
        self.netns = netns
        self.tap = tap
        self.mem = mem
        self.cpus = cpus
        self.guest_ip = guest_ip
        self.host_ip = host_ip
        self.dir = tempfile.mkdtemp(prefix="mpd5-lab-")
        self.proc = None
        self.sock = None
        self.buf = b""
        self.seq = 0
        self.hello = None

    # -- life cycle --
    def boot(self, timeout=180):
        env = prepare()
        sockpath = os.path.join(self.dir, "agent.sock")
        accel = pick_accel()
        cmd = ["qemu-system-x86_64", "-nodefaults", "-no-user-config",
               "-display", "none", "-no-reboot", "-machine", "pc",
               "-m", str(self.mem), "-smp", str(self.cpus)]
        if accel == "kvm":
            cmd += ["-accel", "kvm", "-cpu", "host"]
        else:
            cmd += ["-accel", "tcg,thread=multi,tb-size=256", "-cpu", "max"]
        append = ("console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off "
                  "tsc=reliable lab.agent=%s" % os.path.join(HERE, "agent.py"))
        cmd += ["-kernel", env["KERNEL"], "-initrd", env["INITRD"],
                "-serial", "file:" + os.path.join(self.dir, "console.log"),
                "-virtfs", "local,path=/,mount_tag=hostfs,security_model=none,"
                "readonly=on,multidevs=remap",
                "-device", "virtio-rng-pci",
                "-device", "virtio-serial-pci",
                "-chardev", "socket,id=agent,path=%s,server=on,wait=off"
                % sockpath,
                "-device", "virtserialport,chardev=agent,name=lab.agent"]
        if self.tap:
            _ip("-n", self.netns, "tuntap", "add", "dev", self.tap,
                "mode", "tap")
            _ip("-n", self.netns, "link", "set", self.tap, "up")
            if self.host_ip:
                _ip("-n", self.netns, "addr", "add", self.host_ip,
                    "dev", self.tap)
            cmd += ["-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no"
                    % self.tap,
                    "-device", "virtio-net-pci,netdev=n0,mac=%s,romfile="
                    % GUEST_MAC]
            if self.guest_ip:
                append += " lab.ip=" + self.guest_ip
        cmd += ["-append", append]
        if self.netns:
            cmd = ["ip", "netns", "exec", self.netns] + cmd
        with open(os.path.join(self.dir, "qemu.cmd"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL,
            stdout=open(os.path.join(self.dir, "qemu.log"), "wb"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while self.sock is None:
            if self.proc.poll() is not None:
                raise LabError("qemu exited %d:\n%s" % (
                    self.proc.returncode, self.console()[-3000:]))
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sockpath)
                self.sock = s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise LabError("no agent socket")
                time.sleep(0.1)
        self.hello = self._recv(deadline - time.monotonic())
        self.boot_seconds = time.monotonic() - self.t0
        return self

    def console(self):
        try:
            with open(os.path.join(self.dir, "console.log"), "rb") as f:
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def close(self):
        if self.proc is None:
            return
        if self.proc.poll() is None and self.sock is not None:
            try:
                self.request("poweroff", wait=10)
            except (LabError, OSError):
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            # `ip netns exec` execs, so this PID is qemu's
            self.proc.kill()
            self.proc.wait()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.tap:
            _ip("-n", self.netns, "link", "del", self.tap, check=False)
        self.proc = None
        if os.environ.get("MPD_LAB_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- protocol --
    def _recv(self, timeout):
        deadline = time.monotonic() + max(timeout, 0.1)
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LabError("agent did not answer in time")
            if self.proc.poll() is not None:
                raise LabError("guest died (qemu rc %d):\n%s" % (
                    self.proc.returncode, self.console()[-3000:]))
            self.sock.settimeout(min(left, 0.5))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise LabError("agent connection closed:\n%s"
                               % self.console()[-3000:])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, op, wait=60, **kw):
        self.seq += 1
        kw.update(op=op, id=self.seq)
        self.sock.sendall((json.dumps(kw) + "\n").encode())
        while True:
            ans = self._recv(wait)
            if ans.get("id") == self.seq:
                break
        if not ans.get("ok"):
            raise LabError("agent %s: %s" % (op, ans.get("error")))
        return ans

    # -- operations --
    def run(self, cmd, timeout=60, check=False):
        """bash -c cmd in the guest; (rc, output)."""
        ans = self.request("run", wait=timeout + 15, cmd=cmd,
                           timeout=timeout)
        if check and ans["rc"] != 0:
            raise LabError("guest command failed (%d): %s\n%s"
                           % (ans["rc"], cmd, ans["out"]))
        return ans["rc"], ans["out"]

    def spawn(self, cmd, log="/dev/null"):
        return self.request("spawn", cmd=cmd, log=log)["pid"]

    def status(self, pid):
        """None while pid runs, else its exit code (-signal)."""
        return self.request("status", pid=pid)["rc"]

    def kill(self, pid, sig=signal.SIGTERM, wait=10.0):
        """Signal pid's process group; wait for pid to end (else KILL)."""
        self.request("kill", pid=pid, sig=int(sig))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            rc = self.status(pid)
            if rc is not None:
                return rc
            time.sleep(0.1)
        self.request("kill", pid=pid, sig=int(signal.SIGKILL))
        deadline = time.monotonic() + 10
        while self.status(pid) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return None

    def write(self, path, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        self.request("write", path=path, mode=mode,
                     data=base64.b64encode(data).decode())

    def read(self, path):
        try:
            ans = self.request("read", path=path)
        except LabError:
            return ""
        return base64.b64decode(ans["data"]).decode("utf-8", "replace")


# -- command line --
def main(argv):
    if len(argv) >= 2 and argv[0] == "run":
        netns = "mpdlab%d" % os.getpid()
        _ip("netns", "add", netns)
        g = Guest(netns=netns, tap="lt%d" % os.getpid())
        try:
            g.boot()
            print("lab: guest up in %.1fs (kernel %s)" % (
                g.boot_seconds, g.hello.get("kernel")), file=sys.stderr)
            rc, out = g.run(" ".join(argv[1:]), timeout=600)
            sys.stdout.write(out)
            return rc
        finally:
            g.close()
            _ip("netns", "del", netns, check=False)
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
