/*
 * test_modem.c - the modem device type (link/modem.c) on a real pty: the
 * port locked and opened, an outgoing call without a connect script up
 * at once (reported from the loop), HDLC frames both ways with the ACCM
 * rules, `show device` status and async stats, the CD and DSR watch
 * (modem lines faked through --wrap=tty_pins: ptys have none), the far
 * end hanging up, a port locked by a live process, and `close` (surface
 * spec 4.6.5, 5.6, 10.4).
 *
 * As in test_tcpudp.c, the link life cycle callbacks are recorded through
 * the linker's --wrap (TEST_LDFLAGS_test_modem in tests/tests.mk) and each
 * test is a list of steps polled from a 2 ms timer with a deadline.  The
 * port is the slave of a pty whose master the test holds, reached through
 * a symlink named after the test's pid (the lock file is then
 * /var/lock/LCK..mdmu<pid>, which only this test makes and removes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event.h"
#include "core/mbuf.h"
#include "core/msg.h"
#include "ctl/command.h"
#include "link/devices.h"
#include "link/hdlc.h"
#include "ppp/link.h"
#include "sys/tty.h"
#include "steps.h"

/* ---- recorders ---- */

#define MAXREC	16
#define MAXIN	2200

static struct {
	int		 ups, downs, inputs;
	char		 reason[MAXREC][64];
	uint8_t		 in[MAXREC][MAXIN];
	size_t		 in_len[MAXREC];
} rec;

/* fake modem lines: -1 = the real call (a pty: ENOTTY) */
static int	fake_pins = -1;
static int	pin_polls;

void	__wrap_link_phys_up(struct link *l);
void	__wrap_link_phys_down(struct link *l, const char *reason);
void	__wrap_link_phys_input(struct link *l, struct mbuf *m);
struct link *__wrap_link_incoming(struct link *t);
int	__wrap_tty_pins(int fd, unsigned *pins);
int	__real_tty_pins(int fd, unsigned *pins);

void
__wrap_link_phys_up(struct link *l)
{
	assert_int_equal(l->state, PHYS_STATE_UP);
	assert_true(rec.ups < MAXREC);
	rec.ups++;
}

void
__wrap_link_phys_down(struct link *l, const char *reason)
{
	assert_int_equal(l->state, PHYS_STATE_DOWN);
	assert_true(rec.downs < MAXREC);
	snprintf(rec.reason[rec.downs++], sizeof(rec.reason[0]), "%s",
	    reason != NULL ? reason : "(null)");
}

void
__wrap_link_phys_input(struct link *l, struct mbuf *m)
{
	(void)l;
	if (rec.inputs < MAXREC && m->len <= MAXIN) {
		memcpy(rec.in[rec.inputs], m->data, m->len);
		rec.in_len[rec.inputs++] = m->len;
	}
	mb_free(m);
}

struct link *
__wrap_link_incoming(struct link *t)
{
	return t;
}

int
__wrap_tty_pins(int fd, unsigned *pins)
{
	pin_polls++;
	if (fake_pins < 0)
		return __real_tty_pins(fd, pins);
	*pins = (unsigned)fake_pins;
	return 0;
}

/* ---- fixture ---- */

static char		out[8192];
static size_t		outlen;
static struct cmd_ctx	ctx;
static char		dir[64], dev[96], lock_file[96];
static int		master = -1;
static struct link	*L;

static void
capture(void *arg, const char *buf, size_t len)
{
	(void)arg;
	if (outlen + len >= sizeof(out))
		len = sizeof(out) - outlen - 1;
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static void
cmd(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rc = cmd_do_line(&ctx, line);
	if (rc != CMD_OK)
		fail_msg("\"%s\" failed (%d): %s", line, rc, out);
}

/* `show device` of the link, line ends as "\n". */
static const char *
show_device(void)
{
	char *r, *w;

	out[0] = '\0';
	outlen = 0;
	cmd_ctx_set(&ctx, L, NULL, NULL);
	cmd("show device");
	for (r = w = out; *r != '\0'; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = '\0';
	return out;
}

static int
setup(void **state)
{
	char pts[64];
	int slave;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	fake_pins = -1;
	pin_polls = 0;
	cmd_ctx_init(&ctx, PRIV_ADMIN, capture, NULL);
	out[0] = '\0';
	outlen = 0;
	snprintf(dir, sizeof(dir), "/tmp/test_modem.%d", (int)getpid());
	snprintf(dev, sizeof(dev), "%s/mdmu%d", dir, (int)getpid());
	assert_int_equal(tty_lock_path(TTY_LOCK_DIR, dev, lock_file,
	    sizeof(lock_file)), 0);
	(void)mkdir(dir, 0700);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	assert_int_equal(ptsname_r(master, pts, sizeof(pts)), 0);
	/* keep the slave open once so the master never sees EIO early */
	slave = open(pts, O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	(void)unlink(dev);
	assert_int_equal(symlink(pts, dev), 0);
	close(slave);
	if (event_init() < 0)
		return -1;
	cmd("set global dataplane tun");
	cmd("create link static M modem");
	L = link_find("M");
	assert_non_null(L);
	cmd_ctx_set(&ctx, L, NULL, NULL);
	cmd("set modem device %s", dev);
	cmd("set modem script \"\"");
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL) {
			phys_shutdown(g_links[i]);
			g_links[i]->state = PHYS_STATE_DOWN;
		}
	link_shutdown_all();
	while (msg_dispatch())
		;
	event_fini();
	if (master >= 0)
		close(master);
	master = -1;
	(void)unlink(dev);
	(void)unlink(lock_file);
	(void)rmdir(dir);
	return 0;
}

/* ---- the far end of the line ---- */

static struct {
	struct hdlc_decoder	 dec;
	uint8_t			 buf[HDLC_DECODER_BUF(4096)];
	uint8_t			 frame[8][MAXIN];
	size_t			 flen[8];
	int			 frames;
	bool			 raw_ctl;
} P;

static void
peer_poll(void)
{
	uint8_t b[4096];
	const uint8_t *f;
	size_t off, used, flen, i;
	ssize_t r;

	while ((r = read(master, b, sizeof(b))) > 0) {
		for (off = 0; off < (size_t)r; off += used) {
			used = hdlc_decode(&P.dec, b + off, (size_t)r - off,
			    &f, &flen);
			for (i = off; i < off + used; i++)
				if (b[i] < 0x20)
					P.raw_ctl = true;
			if (f != NULL && P.frames < 8 && flen <= MAXIN) {
				memcpy(P.frame[P.frames], f, flen);
				P.flen[P.frames++] = flen;
			}
		}
	}
}

static void
peer_send(const uint8_t *f, size_t len)
{
	uint8_t o[HDLC_ENCODED_MAX(64)];
	size_t n = hdlc_encode(f, len, HDLC_ACCM_DEFAULT, o, sizeof(o));

	assert_true(n > 0);
	assert_int_equal(write(master, o, n), (ssize_t)n);
}

static const uint8_t lcp_req[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	0x00, 0x0a, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t ip_frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00,
	0x01, 0x02, 0x03, 0x11, 0x13, 0x7d, 0x7e, 0x1f };

static pid_t
lock_owner(void)
{
	char buf[32];
	ssize_t r;
	int fd = open(lock_file, O_RDONLY);

	if (fd < 0)
		return -1;
	r = read(fd, buf, sizeof(buf));
	close(fd);
	return r > 0 ? tty_lock_parse((const uint8_t *)buf, (size_t)r) : -1;
}

/* ======================= a call ======================= */

static bool
s_open(void)
{
	hdlc_decoder_init(&P.dec, P.buf, sizeof(P.buf));
	P.frames = 0;
	P.raw_ctl = false;
	L->originated = true;
	assert_int_equal(phys_open(L), 0);
	/* never reported from inside open */
	assert_int_equal(rec.ups, 0);
	assert_int_equal(L->state, PHYS_STATE_CONNECTING);
	return true;
}

static bool
s_up(void)
{
	if (rec.ups != 1)
		return false;
	assert_int_equal(L->state, PHYS_STATE_UP);
	assert_int_equal(lock_owner(), getpid());
	assert_int_equal(phys_send(L, mb_copy(lcp_req, sizeof(lcp_req))), 0);
	assert_int_equal(phys_send(L, mb_copy(ip_frame, sizeof(ip_frame))),
	    0);
	return true;
}

static bool
s_frames_out(void)
{
	peer_poll();
	if (P.frames < 2)
		return false;
	assert_int_equal(P.flen[0], sizeof(lcp_req));
	assert_memory_equal(P.frame[0], lcp_req, sizeof(lcp_req));
	assert_int_equal(P.flen[1], sizeof(ip_frame));
	assert_memory_equal(P.frame[1], ip_frame, sizeof(ip_frame));
	/* every control octet escaped before LCP is opened */
	assert_false(P.raw_ctl);
	/* opened with the peer's ACCM 0: data frames go out raw */
	L->lcp.fsm.state = FSM_ST_OPENED;
	L->lcp.peer.accmap = 0;
	assert_int_equal(phys_send(L, mb_copy(ip_frame, sizeof(ip_frame))),
	    0);
	return true;
}

static bool
s_raw_out(void)
{
	peer_poll();
	if (P.frames < 3)
		return false;
	assert_memory_equal(P.frame[2], ip_frame, sizeof(ip_frame));
	assert_true(P.raw_ctl);
	L->lcp.fsm.state = FSM_ST_INITIAL;
	peer_send(lcp_req, sizeof(lcp_req));
	peer_send(ip_frame, sizeof(ip_frame));
	return true;
}

static bool
s_frames_in(void)
{
	const char *s;

	if (rec.inputs < 2)
		return false;
	assert_int_equal(rec.in_len[0], sizeof(lcp_req));
	assert_memory_equal(rec.in[0], lcp_req, sizeof(lcp_req));
	assert_int_equal(rec.in_len[1], sizeof(ip_frame));
	assert_memory_equal(rec.in[1], ip_frame, sizeof(ip_frame));
	s = show_device();
	assert_non_null(strstr(s, "Modem status:\n\tOpened       : YES\n"
	    "\tIncoming     : NO\n"));
	assert_non_null(strstr(s, "Async stats:\n"));
	assert_non_null(strstr(s, "\t       syncFrames:        3\n"));
	assert_non_null(strstr(s, "\t      asyncFrames:        2\n"));
	assert_non_null(strstr(s, "\tasyncBadCheckSums:        0\n"));
	return true;
}

static bool
s_close(void)
{
	phys_close(L);
	assert_int_equal(rec.downs, 1);
	assert_string_equal(rec.reason[0], "Manual");
	assert_int_equal(L->state, PHYS_STATE_DOWN);
	assert_int_equal(lock_owner(), -1);
	/* a DOWN device stays silent */
	phys_close(L);
	assert_int_equal(rec.downs, 1);
	assert_null(strstr(show_device(), "Opened"));
	return true;
}

static void
test_call(void **state)
{
	static step_fn *const s[] = { s_open, s_up, s_frames_out, s_raw_out,
		s_frames_in, s_close };

	(void)state;
	run_steps(s, sizeof(s) / sizeof(*s), 5000);
	/* a pty has no modem lines: not watched */
	assert_int_equal(pin_polls, 1);
}

/* ======================= CD lost ======================= */

static bool
s_up_cd(void)
{
	if (rec.ups != 1)
		return false;
	return true;
}

static bool
s_cd_polled(void)
{
	/* the first poll at connect, then one a second */
	if (pin_polls < 2)
		return false;
	assert_int_equal(rec.downs, 0);
	fake_pins = TTY_PIN_DSR;
	return true;
}

static bool
s_cd_lost(void)
{
	if (rec.downs != 1)
		return false;
	assert_string_equal(rec.reason[0], "Dropped");
	assert_int_equal(L->state, PHYS_STATE_DOWN);
	assert_int_equal(lock_owner(), -1);
	return true;
}

static void
test_cd_lost(void **state)
{
	static step_fn *const s[] = { s_open, s_up_cd, s_cd_polled,
		s_cd_lost };

	(void)state;
	fake_pins = TTY_PIN_CD | TTY_PIN_DSR;
	run_steps(s, sizeof(s) / sizeof(*s), 5000);
}

/* `set modem watch -cd +dsr`: DSR matters, CD no longer. */
static bool
s_watch_dsr(void)
{
	cmd_ctx_set(&ctx, L, NULL, NULL);
	cmd("set modem watch -cd +dsr");
	assert_non_null(strstr(show_device(), "\tPins to watch: DSR\n"));
	return s_open();
}

static bool
s_dsr_polled(void)
{
	if (rec.ups != 1 || pin_polls < 2)
		return false;
	assert_int_equal(rec.downs, 0);
	fake_pins = 0;
	return true;
}

static void
test_dsr_lost(void **state)
{
	static step_fn *const s[] = { s_watch_dsr, s_dsr_polled, s_cd_lost };

	(void)state;
	/* no CD at all: not watched any more */
	fake_pins = TTY_PIN_DSR;
	run_steps(s, sizeof(s) / sizeof(*s), 5000);
}

/* ======================= the far end hangs up ======================= */

static bool
s_peer_gone(void)
{
	if (rec.ups != 1)
		return false;
	close(master);
	master = -1;
	return true;
}

static bool
s_dropped(void)
{
	if (rec.downs != 1)
		return false;
	assert_string_equal(rec.reason[0], "Dropped");
	assert_int_equal(lock_owner(), -1);
	return true;
}

static void
test_peer_hangup(void **state)
{
	static step_fn *const s[] = { s_open, s_peer_gone, s_dropped };

	(void)state;
	run_steps(s, sizeof(s) / sizeof(*s), 5000);
}

/* ======================= port locked ======================= */

static bool
s_open_locked(void)
{
	char text[16];
	int fd, n;

	/* held by a live process: pid 1 */
	fd = open(lock_file, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	n = snprintf(text, sizeof(text), "%10d\n", 1);
	assert_int_equal(write(fd, text, (size_t)n), n);
	close(fd);
	assert_int_equal(phys_open(L), 0);
	assert_int_equal(rec.downs, 0);
	return true;
}

static bool
s_failed(void)
{
	if (rec.downs != 1)
		return false;
	assert_string_equal(rec.reason[0], "Connection failed");
	assert_int_equal(rec.ups, 0);
	/* someone else's lock stays */
	assert_int_equal(lock_owner(), 1);
	return true;
}

static void
test_locked(void **state)
{
	static step_fn *const s[] = { s_open_locked, s_failed };

	(void)state;
	run_steps(s, sizeof(s) / sizeof(*s), 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cd_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsr_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_hangup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
