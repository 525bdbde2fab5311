"""
Web interface (surface spec sections 4.3.4 and 7).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import (ADMIN, OPERATOR, USER, http_get, http_request,
                      startup_conf, HttpResponse)

TABLE_HEADERS = ["Bund", "Iface", "IPCP", "IPV6CP", "CCP", "ECP", "Link",
                 "LCP", "User", "Device", "Peer", "IP"]


def th_cells(html):
    return [re.sub(r"<[^>]*>", "", c).strip()
            for c in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.I | re.S)]


# ---- authentication ----

def test_root_without_auth_is_401_basic_realm(mpd):
    r = mpd.get("/", auth=None)
    assert r.status == 401, r
    assert r.headers.get("www-authenticate") == \
        'Basic realm="Access Restricted"', r.headers


def test_root_with_wrong_password_is_401(mpd):
    r = mpd.get("/", auth=(ADMIN[0], "wrong"))
    assert r.status == 401, r
    r = mpd.get("/", auth=("nosuch", "x"))
    assert r.status == 401, r


def test_root_with_garbage_authorization_is_401(mpd):
    for hdr in ("Authorization: Basic !!!!\r\n",
                "Authorization: Basic\r\n",
                "Authorization: Digest username=x\r\n",
                "Authorization: Basic %s\r\n" % ("A" * 4000)):
        r = http_get(mpd.web_port, "/", extra_headers=hdr)
        assert r.status in (400, 401, 431), (hdr, r)
    assert mpd.get("/").status == 200


# ---- status page ----

def test_root_status_page(mpd):
    r = mpd.get("/")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/html"), r.headers
    html = r.text
    assert "<h1>Multi-link PPP Daemon for FreeBSD</h1>" in html
    assert "<h2>Current status summary</h2>" in html
    assert re.search(r"<title>\s*Multi-link PPP Daemon for FreeBSD \(mpd\)"
                     r"\s*</title>", html, re.I), html[:500]
    cells = th_cells(html)
    for h in TABLE_HEADERS + ["State"]:
        assert h in cells, (h, cells)


def test_root_status_page_lists_objects(mpd):
    c = mpd.console(ADMIN)
    c.cmd("create bundle static WB1")
    c.cmd("create link static WL1 pppoe")
    c.cmd("create link template WT pppoe")
    html = mpd.get("/").text
    assert "WB1" in html and "WL1" in html and "WT" in html
    assert "/cmd?link%20WL1&amp;show%20link" in html or \
        "/cmd?link%20WL1&show%20link" in html, html


def test_root_status_page_for_read_only_user_has_no_state_column(mpd):
    r = mpd.get("/", auth=USER)
    assert r.status == 200
    cells = th_cells(r.text)
    assert "Link" in cells and "State" not in cells, cells


def test_root_status_page_for_operator_has_state_column(mpd):
    r = mpd.get("/", auth=OPERATOR)
    assert r.status == 200
    assert "State" in th_cells(r.text)


# ---- /cmd ----

def test_cmd_show_version_html(mpd):
    r = mpd.get("/cmd?show%20version")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/html")
    assert "[] show version" in r.text, r.text
    assert "MPD version: " in r.text
    assert "<pre" in r.text.lower()


def test_cmd_shares_context_within_request(mpd):
    r = mpd.get("/cmd?create%20bundle%20static%20CB&show%20version")
    assert r.status == 200, r
    assert "[] create bundle static CB" in r.text, r.text
    assert "[CB] show version" in r.text, r.text


def test_cmd_prints_console_error_texts(mpd):
    r = mpd.get("/cmd?foo")
    assert r.status == 200
    assert "Unknown command: &#39;foo&#39;" in r.text or \
        "Unknown command: 'foo'" in r.text, r.text


# ---- /bincmd ----

def test_bincmd_results(mpd):
    r = mpd.get("/bincmd?show%20version&foo")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/plain"), r.headers
    t = r.text
    assert "MPD version: " in t
    assert "RESULT: 0 " in t, t
    assert "RESULT: -2 " in t, t
    # error texts are not printed, only the RESULT lines
    assert "Unknown command" not in t, t
    assert t.index("RESULT: 0 ") < t.index("RESULT: -2 ")
    assert "no-cache" in r.headers.get("pragma", ""), r.headers
    assert "no-cache" in r.headers.get("cache-control", ""), r.headers


def test_bincmd_result_codes(mpd):
    r = mpd.get("/bincmd?s&set%20console%20self&set%20link%20mtu%201400")
    t = r.text
    assert re.search(r"RESULT: -3 ", t), t
    assert re.search(r"RESULT: -1 ", t), t
    assert re.search(r"RESULT: -6 ", t), t


def test_bincmd_other_error_has_message(mpd):
    r = mpd.get("/bincmd?link%20nosuch")
    assert r.status == 200
    m = re.search(r"RESULT: -7 (.*)", r.text)
    assert m, r.text
    assert m.group(1).strip(), "RESULT -7 without a message: %r" % r.text


def test_bincmd_privileges_follow_user(mpd):
    r = mpd.get("/bincmd?create%20bundle%20static%20UB", auth=USER)
    assert "RESULT: -2 " in r.text, r.text
    r = mpd.get("/bincmd?open", auth=USER)
    assert "RESULT: -2 " in r.text, r.text
    r = mpd.get("/bincmd?open", auth=OPERATOR)
    assert "RESULT: -6 " in r.text, r.text


# ---- /json ----

def test_json_summary(mpd):
    c = mpd.console(ADMIN)
    c.cmd("create bundle static JB")
    c.cmd("create link static JL pppoe")
    c.cmd("create link static JM pppoe")
    r = mpd.get("/json")
    assert r.status == 200, r
    assert "no-cache" in r.headers.get("cache-control", ""), r.headers
    doc = json.loads(r.body.decode("utf-8"))
    assert set(doc) >= {"links", "bundles", "repeaters"}, doc
    bundles = {b["bundle"]: b for b in doc["bundles"]}
    assert "JB" in bundles, doc
    jb = bundles["JB"]
    for k in ("iface", "state", "ipcp", "ipv6cp", "ccp", "ecp", "links"):
        assert k in jb, (k, jb)
    assert jb["state"] in ("Up", "Down")
    links = {l["link"]: l for l in doc["links"]}
    assert "JL" in links and "JM" in links, doc
    for k in ("lcp", "auth", "type", "state"):
        assert k in links["JL"], (k, links["JL"])
    assert links["JL"]["type"] == "pppoe"
    assert doc["repeaters"] == []


def test_json_escapes_strange_names(mpd):
    c = mpd.console(ADMIN)
    c.cmd('create bundle static "q\\"b"')
    r = mpd.get("/json")
    doc = json.loads(r.body.decode("utf-8"))   # must still be valid JSON
    assert isinstance(doc["bundles"], list)


# ---- other paths ----

def test_css(mpd):
    r = mpd.get("/mpd.css")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/css"), r.headers
    assert r.body.strip()


def test_unknown_path_404(mpd):
    r = mpd.get("/nosuchpage")
    assert r.status == 404, r
    r = mpd.get("/cmdx")
    assert r.status == 404, r


def test_server_header(mpd):
    r = mpd.get("/")
    assert "mpd web server" in r.headers.get("server", ""), r.headers


# ---- set web disable auth ----

def test_web_disable_auth_anonymous_priv0(mpd_factory):
    conf = startup_conf(web=False) + (
        "\tset web self 127.0.0.1 @WEB_PORT@\n"
        "\tset web disable auth\n"
        "\tset web open\n"
        "\tcreate bundle static AB\n"
        "\tcreate link static AL pppoe\n")
    m = mpd_factory(conf=conf).start()
    r = http_get(m.web_port, "/")
    assert r.status == 200, r
    assert "<h1>Multi-link PPP Daemon for FreeBSD</h1>" in r.text
    assert "State" not in th_cells(r.text)
    r = http_get(m.web_port, "/bincmd?show%20version")
    assert "RESULT: 0 " in r.text, r.text
    # priv 0: no open/close, no create
    r = http_get(m.web_port, "/bincmd?link%20AL&open")
    assert "RESULT: -2 " in r.text, r.text
    r = http_get(m.web_port, "/bincmd?link%20AL&close")
    assert "RESULT: -2 " in r.text, r.text
    r = http_get(m.web_port, "/bincmd?create%20bundle%20static%20X")
    assert "RESULT: -2 " in r.text, r.text
    # credentials do not raise the privilege either
    r = http_get(m.web_port, "/bincmd?create%20bundle%20static%20X",
                 auth=ADMIN)
    assert "RESULT: -2 " in r.text, r.text


def test_web_close_and_reopen(mpd):
    c = mpd.console(ADMIN)
    c.cmd("set web close")
    with pytest.raises(OSError):
        http_request(mpd.web_port, b"GET / HTTP/1.0\r\n\r\n", timeout=3)
    c.cmd("set web open")
    assert mpd.get("/").status == 200


# ---- bad requests ----

BAD_REQUESTS = [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET / FOO/1.0\r\n\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.0\r\n\r\n",
    b"\r\n\r\n",
    b"\x00\x01\x02\xff\xfe\r\n\r\n",
    b"GET / HTTP/1.0\r\nNoColonHeader\r\n\r\n",
    b"GET / HTTP/1.0\r\n" + b"X-A: b\r\n" * 500 + b"\r\n",
    b"POST /cmd HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /cmd?%zz%0%00 HTTP/1.0\r\n\r\n",
    b"GET /bincmd?" + b"&".join([b"show%20version"] * 200) + b" HTTP/1.0\r\n\r\n",
    b"GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n\r\n",
]


@pytest.mark.parametrize("req", BAD_REQUESTS, ids=[str(i) for i in range(len(BAD_REQUESTS))])
def test_malformed_request_gets_error_or_close(mpd, req):
    raw = http_request(mpd.web_port, req)
    if raw:
        r = HttpResponse(raw)
        assert r.status is not None, raw[:200]
        assert r.raw.startswith(b"HTTP/1."), raw[:200]
    # and the server keeps serving
    assert mpd.get("/").status == 200


def test_oversized_header_100k(mpd):
    req = (b"GET / HTTP/1.0\r\nX-Big: " + b"A" * (100 * 1024) + b"\r\n\r\n")
    try:
        raw = http_request(mpd.web_port, req)
    except (BrokenPipeError, ConnectionResetError):
        raw = b""
    if raw:
        r = HttpResponse(raw)
        assert r.status is not None and r.status >= 400, raw[:200]
    assert mpd.get("/").status == 200
    assert mpd.get("/bincmd?show%20version").status == 200


def test_partial_request_does_not_block_others(mpd):
    s = mpd.connect(mpd.web_port, timeout=None)
    s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n")    # never finished
    try:
        for _ in range(5):
            assert mpd.get("/json").status == 200
    finally:
        s.close()


# ---- real browser ----

@pytest.mark.slow
def test_chromium_renders_status_table(mpd, workdir):
    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip("/usr/bin/chromium is not installed")
    c = mpd.console(ADMIN)
    c.cmd("create bundle static CRB")
    c.cmd("create link static CRL pppoe")
    ud = tempfile.mkdtemp(prefix="chr-", dir=workdir)
    try:
        p = subprocess.run(mpd.nsexec_cmd(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + ud, "--dump-dom",
             "http://%s:%s@127.0.0.1:%d/" % (ADMIN[0], ADMIN[1],
                                             mpd.web_port)]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=90)
    finally:
        shutil.rmtree(ud, ignore_errors=True)
    dom = p.stdout.decode("utf-8", "replace")
    assert "Multi-link PPP Daemon for FreeBSD" in dom, (dom[:2000],
                                                        p.stderr[-2000:])
    assert "Current status summary" in dom
    cells = th_cells(dom)
    for h in TABLE_HEADERS:
        assert h in cells, (h, cells)
    assert "CRB" in dom and "CRL" in dom, dom
    assert mpd.alive()
