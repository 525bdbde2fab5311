"""
A private FreeRADIUS 3 for the RADIUS tests (issue 8), run inside a lab
namespace on 127.0.0.1: its own copy of the stock configuration in a
temporary directory (raddbdir, logdir and run_dir pointed there, running as
root, only our virtual server enabled: auth + acct listeners, files/pap/
chap/mschap, accounting into detail files), a users file written by the
test.  Started with `ip netns exec NS freeradius -f -l stdout -d DIR`,
ended by PID.  Nothing outside the temporary directory is touched.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import time

from conftest import wait_for

SECRET = "rad-Secret9"
DICT_MPD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "..", "conf", "dictionary.mpd")

SITE = """server mpdtest {
listen {
  type = auth
  ipaddr = 127.0.0.1
  port = @AUTH@
}
listen {
  type = acct
  ipaddr = 127.0.0.1
  port = @ACCT@
}
authorize {
  preprocess
  chap
  mschap
  eap {
    ok = return
  }
  files
  pap
}
authenticate {
  Auth-Type PAP {
    pap
  }
  Auth-Type CHAP {
    chap
  }
  Auth-Type MS-CHAP {
    mschap
  }
  Auth-Type EAP {
    eap
  }
}
preacct {
  preprocess
  acct_unique
}
accounting {
  detail
  ok
}
post-auth {
  Post-Auth-Type REJECT {
    attr_filter.access_reject
  }
}
}
"""

# EAP with MD5-Challenge only (no certificates needed)
EAP_MOD = """eap {
  default_eap_type = md5
  timer_expire = 60
  ignore_unknown_eap_types = no
  cisco_accounting_username_bug = no
  max_sessions = 4096
  md5 {
  }
}
"""

CLIENTS = """client localtest {
  ipaddr = 127.0.0.1
  secret = @SECRET@
  require_message_authenticator = no
  nas_type = other
}
"""


class FreeRadius:
    def __init__(self, ns, workdir, users, auth_port, acct_port,
                 secret=SECRET):
        self.ns, self.dir = ns, workdir
        self.auth_port, self.acct_port = auth_port, acct_port
        self.secret = secret
        self.proc = None
        self.out = os.path.join(workdir, "radiusd.out")
        raddb = os.path.join(workdir, "raddb")
        if not os.path.exists(raddb):
            os.makedirs(os.path.join(workdir, "log"), exist_ok=True)
            os.makedirs(os.path.join(workdir, "run"), exist_ok=True)
            shutil.copytree("/etc/freeradius/3.0", raddb, symlinks=True)
            conf = os.path.join(raddb, "radiusd.conf")
            text = open(conf).read()
            text = re.sub(r"(?m)^raddbdir = .*$", "raddbdir = " + raddb, text)
            text = re.sub(r"(?m)^logdir = .*$",
                          "logdir = " + os.path.join(workdir, "log"), text)
            text = re.sub(r"(?m)^run_dir = .*$",
                          "run_dir = " + os.path.join(workdir, "run"), text)
            text = re.sub(r"(?m)^(\s*)(user|group) = freerad", r"\1#\2 = x",
                          text)
            open(conf, "w").write(text)
            for f in glob.glob(os.path.join(raddb, "sites-enabled", "*")):
                os.unlink(f)
            eap = os.path.join(raddb, "mods-enabled", "eap")
            if os.path.lexists(eap):
                os.unlink(eap)
            open(eap, "w").write(EAP_MOD)
            open(os.path.join(raddb, "sites-enabled", "mpdtest"), "w").write(
                SITE.replace("@AUTH@", str(auth_port))
                .replace("@ACCT@", str(acct_port)))
            # mpd5's vendor dictionary (conf/dictionary.mpd)
            shutil.copy(DICT_MPD, os.path.join(raddb, "dictionary.mpd"))
            with open(os.path.join(raddb, "dictionary"), "a") as f:
                f.write("\n$INCLUDE dictionary.mpd\n")
            open(os.path.join(raddb, "clients.conf"), "w").write(
                CLIENTS.replace("@SECRET@", secret))
        open(os.path.join(raddb, "mods-config", "files", "authorize"),
             "w").write(users)

    def start(self):
        self.log = open(self.out, "ab")
        start = os.path.getsize(self.out)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "freeradius", "-f", "-l",
             "stdout", "-d", os.path.join(self.dir, "raddb")],
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("freeradius exited:\n" +
                                     open(self.out).read()[-3000:])
            with open(self.out, "rb") as f:
                f.seek(start)
                return b"Ready to process requests" in f.read()
        wait_for(ready, 30, "freeradius ready", interval=0.05)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def detail_text(self):
        text = ""
        for f in sorted(glob.glob(os.path.join(self.dir, "log", "radacct",
                                               "*", "detail-*"))):
            text += open(f).read()
        return text

    def detail_records(self):
        """Accounting records of the detail files: list of dicts."""
        recs = []
        for block in re.split(r"\n\s*\n", self.detail_text()):
            rec = {}
            for line in block.split("\n"):
                m = re.match(r"\s+([\w:.-]+) = (.*)$", line)
                if m:
                    v = m.group(2).strip()
                    if v.startswith('"') and v.endswith('"'):
                        v = v[1:-1]
                    rec[m.group(1)] = v
            if rec:
                recs.append(rec)
        return recs

    def output(self):
        try:
            return open(self.out, errors="replace").read()
        except OSError:
            return ""
