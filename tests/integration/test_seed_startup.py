"""
The `startup:` section from the seed slides (seeds/000_73c2338cc444abd6.txt):

    startup:
    # configure mpd console users
    set user foo1 bar1
    # configure the console
    set console self 127.0.0.1 5005
    set console open
    # configure the web server
    set web self 0.0.0.0 5006
    set web open

Ports are replaced by free ones and the web listener is bound to 127.0.0.1.
A user created without a level gets privilege `user` (0): read-only.
"""

from conftest import USER, http_get

SEED_STARTUP = """\
startup:
# configure mpd console users
\tset user foo1 bar1
# configure the console
\tset console self 127.0.0.1 @CONSOLE_PORT@
\tset console open
# configure the web server
\tset web self 127.0.0.1 @WEB_PORT@
\tset web open
"""


def test_seed_startup_section_loads_and_opens_console_and_web(mpd_factory):
    m = mpd_factory(conf=SEED_STARTUP).start()
    c = m.console(USER)
    assert "Welcome!" in c.welcome
    assert c.context == ""
    r = http_get(m.web_port, "/", auth=USER)
    assert r.status == 200, r
    c.close()


def test_seed_user_without_level_is_read_only(mpd_factory):
    m = mpd_factory(conf=SEED_STARTUP).start()
    c = m.console(USER)
    out = c.cmd("show version")
    assert out.startswith("MPD version: "), out
    # commands above the session privilege are invisible
    assert c.cmd("create bundle x").strip() == \
        "Unknown command: 'create bundle x'. Try \"help\"."
    assert c.cmd("open").strip() == "Unknown command: 'open'. Try \"help\"."
    assert c.cmd("close").strip() == "Unknown command: 'close'. Try \"help\"."
    assert c.cmd("shutdown").strip() == \
        "Unknown command: 'shutdown'. Try \"help\"."
    assert c.cmd("set user evil evil admin").strip() == \
        "Unknown command: 'set user evil evil admin'. Try \"help\"."
    assert c.cmd("log").strip() == "Unknown command: 'log'. Try \"help\"."
    # nothing was created
    assert "x" not in c.cmd("bundle").split()
    assert m.alive()
    c.close()


def test_seed_user_show_user_lists_foo1_as_user(mpd_factory):
    m = mpd_factory(conf=SEED_STARTUP).start()
    c = m.console(USER)
    out = c.cmd("show user")
    assert "Configured users:" in out
    assert "\tUsername: %-15s Priv: user" % "foo1" in out, repr(out)


def test_seed_startup_plus_admin_user_can_create(mpd_factory):
    conf = SEED_STARTUP.replace("\tset user foo1 bar1\n",
                                "\tset user foo1 bar1\n\tset user foo bar admin\n")
    m = mpd_factory(conf=conf).start()
    c = m.console(("foo", "bar"))
    out = c.cmd("create bundle x")
    assert "Unknown command" not in out and "Error" not in out, out
    assert c.context == "x"
    assert "x" in c.cmd("bundle")
    u = m.console(USER)
    assert "x" in u.cmd("bundle")
