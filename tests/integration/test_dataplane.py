"""
`set global dataplane auto|kernel|tun` and the `Data plane` line of
`show iface` (doc/DIFFERENCES.md section 4; the kernel data plane itself
is exercised in tests/interop, inside a guest that has /dev/ppp).  On
this machine the line names the tun backend and why.
"""

import os
import re

from conftest import startup_conf

HAS_PPP = os.path.exists("/dev/ppp")


def iface_line(mpd, bundle):
    c = mpd.console()
    try:
        c.cmd("bundle %s" % bundle)
        out = c.cmd("show iface")
    finally:
        c.close()
    m = re.search(r"\tData plane      : (.*)\r\n", out)
    assert m, out
    return m.group(1)


def test_dataplane_setting_and_reason(mpd_factory):
    conf = startup_conf() + "default:\n\tcreate bundle static B1\n"
    mpd = mpd_factory(conf=conf).start()
    c = mpd.console()
    try:
        # bad values: mpd5's error text, nothing changes
        out = c.cmd("set global dataplane fast")
        assert 'Incorrect value "fast"' in out, out
        out = c.cmd("set global dataplane")
        assert "dataplane auto|kernel|tun" in out, out
        assert c.cmd("set global dataplane tun").strip() == ""
        c.cmd("create bundle static B2")
        assert c.cmd("set global dataplane auto").strip() == ""
    finally:
        c.close()
    # B1 was created in auto mode: tun, because of /dev/ppp or because
    # no link names it
    want = ("tun (no link names bundle B1)" if HAS_PPP else
            "tun (/dev/ppp: No such file or directory)")
    assert iface_line(mpd, "B1") == want
    assert iface_line(mpd, "B2") == "tun (set global dataplane tun)"
    mpd.stop()
