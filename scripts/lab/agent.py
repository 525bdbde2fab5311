#!/usr/bin/python3
"""
agent.py - PID 1 of the interop lab guest (second stage, after
scripts/lab/init has switched to the overlay root).

It serves requests from the host over a virtio-serial port named
"lab.agent" (qemu: -device virtserialport,name=lab.agent), one JSON
object per line each way.  Requests carry an "op":

  run     {cmd, timeout}        bash -c cmd, wait; -> {rc, out}
                                (stdout and stderr together; rc 124 and
                                 the process group killed on timeout)
  spawn   {cmd, log}            bash -c cmd in a new session, output to
                                the file log; -> {pid}
  status  {pid}                 -> {rc}: null while running, else the exit
                                code (negative: killed by that signal)
  kill    {pid, sig}            signal the process group of pid
  write   {path, data, mode}    data is base64
  read    {path}                -> {data} (base64), or {error}
  poweroff                      sync and power the machine off

Every answer has "ok" (false plus "error" when the request failed).  As
PID 1 it also reaps every orphan (daemons started by the commands).
"""

import base64
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import time

PORT_NAME = "lab.agent"
exited = {}                 # pid -> exit code of spawned/orphaned children
spawned = set()


def find_port():
    base = "/sys/class/virtio-ports"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            for d in os.listdir(base):
                try:
                    with open(os.path.join(base, d, "name")) as f:
                        if f.read().strip() == PORT_NAME:
                            return "/dev/" + d
                except OSError:
                    pass
        except OSError:
            pass
        time.sleep(0.1)
    return None


def reap():
    while True:
        try:
            pid, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in spawned:
            exited[pid] = (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                           else -os.WTERMSIG(st))
            spawned.discard(pid)


def op_run(req):
    """
    The output goes to a file, not a pipe: a daemon the command starts
    (it forks and leaves) must not keep the request open.
    """
    outf = "/run/agent-run.out"
    fd = os.open(outf, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        p = subprocess.Popen(["bash", "-c", req["cmd"]],
                             stdin=subprocess.DEVNULL, stdout=fd, stderr=fd,
                             start_new_session=True,
                             cwd=req.get("cwd") or "/")
        try:
            rc = p.wait(timeout=req.get("timeout", 60))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
            rc = 124
        os.lseek(fd, 0, os.SEEK_SET)
        out = b""
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            out += chunk
    finally:
        os.close(fd)
    return {"rc": rc, "out": out.decode("utf-8", "replace")}


def op_spawn(req):
    log = req.get("log") or "/dev/null"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(req.get("cwd") or "/")
            os.execvp("bash", ["bash", "-c", req["cmd"]])
        finally:
            os._exit(127)
    os.close(fd)
    spawned.add(pid)
    return {"pid": pid}


def op_status(req):
    reap()
    pid = req["pid"]
    if pid in exited:
        return {"rc": exited[pid]}
    if pid in spawned:
        return {"rc": None}
    # not ours (a daemon a command started): running or not
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return {"rc": 0}
    return {"rc": None}


def op_kill(req):
    sig = req.get("sig", signal.SIGTERM)
    try:
        os.killpg(req["pid"], sig)
    except ProcessLookupError:
        # not a group leader (a daemon that forked after setsid)
        try:
            os.kill(req["pid"], sig)
        except ProcessLookupError:
            pass
    return {}


def op_write(req):
    data = base64.b64decode(req["data"])
    d = os.path.dirname(req["path"])
    if d:
        os.makedirs(d, exist_ok=True)
    with open(req["path"], "wb") as f:
        f.write(data)
    os.chmod(req["path"], req.get("mode", 0o644))
    return {}


def op_read(req):
    with open(req["path"], "rb") as f:
        return {"data": base64.b64encode(f.read()).decode()}


def poweroff():
    os.sync()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.reboot(0x4321FEDC)         # LINUX_REBOOT_CMD_POWER_OFF
    while True:
        time.sleep(1)


OPS = {"run": op_run, "spawn": op_spawn, "status": op_status,
       "kill": op_kill, "write": op_write, "read": op_read}


def main():
    os.environ.update(PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                      "/usr/bin:/sbin:/bin", HOME="/root", LC_ALL="C")
    with open("/proc/sys/kernel/hostname", "w") as f:
        f.write("mpd5-lab")
    path = find_port()
    if path is None:
        print("agent: no virtio port %s" % PORT_NAME, file=sys.stderr)
        poweroff()
    fd = os.open(path, os.O_RDWR)
    buf = b""

    def send(obj):
        data = (json.dumps(obj) + "\n").encode()
        while data:
            n = os.write(fd, data)
            data = data[n:]

    up = open("/proc/uptime").read().split()[0]
    send({"hello": "mpd5-lab", "uptime": float(up),
          "kernel": os.uname().release})
    while True:
        r, _, _ = select.select([fd], [], [], 0.5)
        reap()
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            time.sleep(0.1)         # host not connected
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            try:
                req = json.loads(line)
            except ValueError:
                continue
            if req.get("op") == "poweroff":
                send({"id": req.get("id"), "ok": True})
                poweroff()
            fn = OPS.get(req.get("op"))
            try:
                if fn is None:
                    raise ValueError("unknown op %r" % req.get("op"))
                ans = fn(req)
                ans["ok"] = True
            except Exception as e:          # report, keep serving
                ans = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
            ans["id"] = req.get("id")
            send(ans)


if __name__ == "__main__":
    main()
