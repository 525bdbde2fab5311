"""
A client daemon started in the background (-b, as `make demo` and init
scripts do) dials out from its configuration alone (surface spec 1.1 -b,
10.4: `open` in the startup label).
"""

import os
import signal
import subprocess

from conftest import MPD_BIN, START_TIMEOUT, sanitizer_env
from ppp_lab import (CLI_TUN, SRV_TUN, Config, ping, ppp_lab,  # noqa: F401
                     tun_addrs, wait_for)


def test_background_client_dials_without_console_contact(ppp_lab):
    cfg = Config(auth="chap-msv2")
    ppp_lab.start_server(cfg)
    m = ppp_lab.daemon(ppp_lab.ns_b, "client", cfg.client_conf(),
                       cfg.client_secret(), "client")
    env = sanitizer_env(dict(os.environ))
    env["MPD_SYSLOG_SOCKET"] = m.log_path
    p = subprocess.run(["ip", "netns", "exec", ppp_lab.ns_b, MPD_BIN, "-b",
                        "-d", m.dir, "-p", m.pidfile, "client"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env, timeout=30)
    assert p.returncode == 0, p.stdout
    pid = wait_for(lambda: os.path.exists(m.pidfile) and
                   open(m.pidfile).read().strip(), START_TIMEOUT,
                   "pid file of the background daemon")
    ppp_lab.bg_pids.append(int(pid))
    # nobody talks to the client's console: the `open` of its startup
    # label alone must bring the session up
    try:
        wait_for(lambda: tun_addrs(ppp_lab.ns_b), 10,
                 "session of the background client")
    except AssertionError as e:
        raise AssertionError("%s\n---- client log ----\n%s"
                             % (e, m.log_text()[-4000:]))
    assert list(tun_addrs(ppp_lab.ns_b).values()) == [(CLI_TUN, SRV_TUN)]
    ping(ppp_lab.ns_b, SRV_TUN, count=1)
    os.kill(int(pid), signal.SIGTERM)
