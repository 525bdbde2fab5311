/*
 * test_tcpudp.c - the tcp and udp device types (link/tcp.c, link/udp.c)
 * on 127.0.0.1: outgoing calls, incoming calls through templates, peer
 * restrictions, HDLC framing and the ACCM on TCP, one frame per datagram
 * on UDP, the bounded TCP send queue, `show device` and the failure and
 * close reports (surface spec 4.6.4, 5.6, 10.3, 10.4, 10.7).
 *
 * The link life cycle callbacks the devices call (link_phys_up/down/input
 * and link_incoming) are replaced here with recorders through the
 * linker's --wrap (see TEST_LDFLAGS_test_tcpudp in tests/tests.mk), so
 * the device is tested on its own whether or not the real life cycle is
 * linked in.  Links themselves are real, made with `create link`.
 *
 * The event loop runs once per test (event_init/event_fini in setup and
 * teardown), so each test is a list of steps polled from a 2 ms timer:
 * a step returns true when it is done, and the whole list has a deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/event.h"
#include "core/mbuf.h"
#include "core/msg.h"
#include "ctl/command.h"
#include "link/devices.h"
#include "link/hdlc.h"
#include "ppp/link.h"
#include "steps.h"

/* ---- recorders for the link life cycle ---- */

#define MAXREC	64
#define MAXIN	2200

struct rec {
	int		 ups, downs, inputs, incomings;
	struct link	*up[MAXREC];
	struct link	*down[MAXREC];
	char		 reason[MAXREC][64];
	struct link	*in_link[MAXREC];
	int		 in_ups[MAXREC];	/* ups seen before the input */
	uint8_t		 in[MAXREC][MAXIN];
	size_t		 in_len[MAXREC];
	bool		 refuse;		/* link_incoming() says NULL */
};

static struct rec	rec;

void	__wrap_link_phys_up(struct link *l);
void	__wrap_link_phys_down(struct link *l, const char *reason);
void	__wrap_link_phys_input(struct link *l, struct mbuf *m);
struct link *__wrap_link_incoming(struct link *t);

void
__wrap_link_phys_up(struct link *l)
{
	assert_true(rec.ups < MAXREC);
	assert_int_equal(l->state, PHYS_STATE_UP);
	rec.up[rec.ups++] = l;
}

void
__wrap_link_phys_down(struct link *l, const char *reason)
{
	assert_true(rec.downs < MAXREC);
	assert_int_equal(l->state, PHYS_STATE_DOWN);
	rec.down[rec.downs] = l;
	snprintf(rec.reason[rec.downs], sizeof(rec.reason[0]), "%s",
	    reason != NULL ? reason : "(null)");
	rec.downs++;
}

void
__wrap_link_phys_input(struct link *l, struct mbuf *m)
{
	if (rec.inputs < MAXREC && m->len <= MAXIN) {
		rec.in_link[rec.inputs] = l;
		rec.in_ups[rec.inputs] = rec.ups;
		memcpy(rec.in[rec.inputs], m->data, m->len);
		rec.in_len[rec.inputs] = m->len;
		rec.inputs++;
	}
	mb_free(m);
}

/* What the real one does, minus the bookkeeping. */
struct link *
__wrap_link_incoming(struct link *t)
{
	rec.incomings++;
	if (rec.refuse)
		return NULL;
	if (t->tmpl)
		return link_inst(t, NULL, false);
	return t;
}

/* ---- fixture ---- */

static char		out[16384];
static size_t		outlen;
static struct cmd_ctx	ctx;

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

/* `show device` of link l into out. */
static const char *
show_device(struct link *l)
{
	out[0] = '\0';
	outlen = 0;
	cmd_ctx_set(&ctx, l, NULL, NULL);
	cmd("show device");
	return out;
}

static int
setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	cmd_ctx_init(&ctx, PRIV_ADMIN, capture, NULL);
	out[0] = '\0';
	outlen = 0;
	return event_init();
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
	return 0;
}

/* ---- socket helpers ---- */

static void
sin_lo(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static uint16_t
sock_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* A bound socket on 127.0.0.1 (port 0 = any), non-blocking. */
static int
sock_bound(int type, uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin_lo(&sin, port);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* A port nobody listens on right now. */
static uint16_t
free_port(int type)
{
	int fd = sock_bound(type, 0);
	uint16_t port = sock_port(fd);

	close(fd);
	return port;
}

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EAGAIN)
			continue;
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

static size_t
hdlc(const uint8_t *f, size_t len, uint32_t accm, uint8_t *o, size_t olen)
{
	size_t n = hdlc_encode(f, len, accm, o, olen);

	assert_true(n > 0);
	return n;
}

/* Index of the first link_phys_down() of l, or -1. */
static int
down_index(const struct link *l)
{
	int i;

	for (i = 0; i < rec.downs; i++)
		if (rec.down[i] == l)
			return i;
	return -1;
}

static struct link *
link_named(const char *name)
{
	struct link *l = link_find(name);

	assert_non_null(l);
	return l;
}

static const uint8_t lcp_req[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	0x00, 0x0a, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t ip_frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00,
	0x01, 0x02, 0x03, 0x11, 0x13, 0x7d, 0x7e, 0x1f };

/* Reader for the peer side of a TCP connection. */
struct peer {
	int			 fd;
	struct hdlc_decoder	 dec;
	uint8_t			 buf[HDLC_DECODER_BUF(4096)];
	uint8_t			 frame[16][MAXIN];
	size_t			 flen[16];
	int			 frames;
	uint64_t		 total;		/* frames seen, all */
	bool			 raw_ctl;	/* raw octet < 0x20 seen */
	bool			 eof;
};

static void
peer_init(struct peer *p, int fd)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	hdlc_decoder_init(&p->dec, p->buf, sizeof(p->buf));
}

/* Read what is there; keep the first 16 frames. */
static void
peer_poll(struct peer *p)
{
	uint8_t b[8192];
	const uint8_t *f;
	size_t off, used, flen;
	ssize_t r;

	for (;;) {
		r = read(p->fd, b, sizeof(b));
		if (r == 0) {
			p->eof = true;
			return;
		}
		if (r < 0) {
			if (errno == ECONNRESET)
				p->eof = true;
			return;
		}
		for (off = 0; off < (size_t)r; off += used) {
			used = hdlc_decode(&p->dec, b + off, (size_t)r - off,
			    &f, &flen);
			for (size_t i = off; i < off + used; i++)
				if (b[i] < 0x20)
					p->raw_ctl = true;
			if (f == NULL)
				continue;
			p->total++;
			if (p->frames < 16 && flen <= MAXIN) {
				memcpy(p->frame[p->frames], f, flen);
				p->flen[p->frames++] = flen;
			}
		}
	}
}

/* ======================= TCP ======================= */

static struct {
	int		 lfd;		/* the test's listener */
	uint16_t	 port;
	struct link	*l, *l2;
	struct peer	 p, p2, p3;
	int		 sent_ok;
	int		 c[4];		/* client sockets */
	uint8_t		 stream[256];
	size_t		 slen, cut;
} T;

/* ---- outgoing ---- */

static bool
t_out_accept(void)
{
	int fd = accept4(T.lfd, NULL, NULL, SOCK_NONBLOCK);

	if (fd < 0)
		return false;
	peer_init(&T.p, fd);
	return true;
}

static bool
t_out_up(void)
{
	if (rec.ups != 1)
		return false;
	assert_ptr_equal(rec.up[0], T.l);
	assert_int_equal(T.l->state, PHYS_STATE_UP);
	assert_int_equal(rec.downs, 0);
	/* Before LCP is opened every control octet is escaped. */
	assert_int_equal(phys_send(T.l, mb_copy(lcp_req, sizeof(lcp_req))),
	    0);
	assert_int_equal(phys_send(T.l, mb_copy(ip_frame, sizeof(ip_frame))),
	    0);
	return true;
}

static bool
t_out_got_frames(void)
{
	peer_poll(&T.p);
	if (T.p.frames < 2)
		return false;
	assert_int_equal(T.p.flen[0], sizeof(lcp_req));
	assert_memory_equal(T.p.frame[0], lcp_req, sizeof(lcp_req));
	assert_int_equal(T.p.flen[1], sizeof(ip_frame));
	assert_memory_equal(T.p.frame[1], ip_frame, sizeof(ip_frame));
	assert_false(T.p.raw_ctl);
	/*
	 * LCP opened with the peer's ACCM 0: data goes out with raw control
	 * octets, LCP configuration packets still with the default map.
	 */
	T.l->lcp.fsm.state = FSM_ST_OPENED;
	T.l->lcp.peer.accmap = 0;
	assert_int_equal(phys_send(T.l, mb_copy(lcp_req, sizeof(lcp_req))),
	    0);
	return true;
}

static bool
t_out_lcp_escaped(void)
{
	peer_poll(&T.p);
	if (T.p.frames < 3)
		return false;
	assert_memory_equal(T.p.frame[2], lcp_req, sizeof(lcp_req));
	assert_false(T.p.raw_ctl);
	assert_int_equal(phys_send(T.l, mb_copy(ip_frame, sizeof(ip_frame))),
	    0);
	return true;
}

static bool
t_out_ip_raw(void)
{
	uint8_t a[64], b[64];
	size_t na, nb;

	peer_poll(&T.p);
	if (T.p.frames < 4)
		return false;
	assert_memory_equal(T.p.frame[3], ip_frame, sizeof(ip_frame));
	assert_true(T.p.raw_ctl);
	/* The peer sends two frames, the second split across writes. */
	na = hdlc(lcp_req, sizeof(lcp_req), HDLC_ACCM_DEFAULT, a, sizeof(a));
	nb = hdlc(ip_frame, sizeof(ip_frame), 0, b, sizeof(b));
	memcpy(T.stream, a, na);
	memcpy(T.stream + na, b, nb);
	T.slen = na + nb;
	T.cut = na + 5;
	write_all(T.p.fd, T.stream, T.cut);
	return true;
}

/* The first frame is complete: the rest of the second follows. */
static bool
t_out_rest(void)
{
	if (rec.inputs < 1)
		return false;
	write_all(T.p.fd, T.stream + T.cut, T.slen - T.cut);
	return true;
}

static bool
t_out_input(void)
{
	if (rec.inputs < 2)
		return false;
	assert_ptr_equal(rec.in_link[0], T.l);
	assert_int_equal(rec.in_len[0], sizeof(lcp_req));
	assert_memory_equal(rec.in[0], lcp_req, sizeof(lcp_req));
	assert_int_equal(rec.in_len[1], sizeof(ip_frame));
	assert_memory_equal(rec.in[1], ip_frame, sizeof(ip_frame));
	return true;
}

static bool
t_out_show(void)
{
	char want[256], buf[64];

	snprintf(want, sizeof(want),
	    "TCP configuration:\r\n"
	    "\tPeer FQDN    : 127.0.0.1\r\n"
	    "\tSelf address : 127.0.0.1, port 0\r\n"
	    "\tPeer address : 127.0.0.1/32, port %u\r\n"
	    "TCP state:\r\n"
	    "\tIncoming     : NO\r\n"
	    "\tCurrent peer : 127.0.0.1, port %u\r\n", T.port, T.port);
	show_device(T.l);
	if (strstr(out, want) == NULL)
		fail_msg("show device:\n%s\nwanted:\n%s", out, want);
	assert_non_null(strstr(out, "\tState        : UP\r\n"));
	phys_peer_addr(T.l, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	phys_self_addr(T.l, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	phys_calling_num(T.l, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	phys_called_num(T.l, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	assert_int_equal(phys_get_mtu(T.l), 2048);
	assert_int_equal(phys_get_mru(T.l), 2048);
	/* The peer hangs up. */
	close(T.p.fd);
	return true;
}

static bool
t_out_dropped(void)
{
	if (rec.downs < 1)
		return false;
	assert_int_equal(rec.downs, 1);
	assert_ptr_equal(rec.down[0], T.l);
	assert_string_equal(rec.reason[0], "Dropped");
	assert_int_equal(T.l->state, PHYS_STATE_DOWN);
	/* Nothing to send on, nothing reported twice. */
	assert_int_equal(phys_send(T.l, mb_copy(lcp_req, sizeof(lcp_req))),
	    -1);
	phys_close(T.l);
	assert_int_equal(rec.downs, 1);
	show_device(T.l);
	assert_non_null(strstr(out, "TCP state:\r\n"));
	assert_null(strstr(out, "Incoming"));
	return true;
}

static void
test_tcp_outgoing(void **state)
{
	static step_fn *const s[] = { t_out_accept, t_out_up,
	    t_out_got_frames, t_out_lcp_escaped, t_out_ip_raw, t_out_rest,
	    t_out_input, t_out_show, t_out_dropped };

	(void)state;
	memset(&T, 0, sizeof(T));
	T.lfd = sock_bound(SOCK_STREAM, 0);
	assert_int_equal(listen(T.lfd, 4), 0);
	T.port = sock_port(T.lfd);
	cmd("create link static C1 tcp");
	cmd("set tcp peer 127.0.0.1 %u", T.port);
	cmd("set tcp self 127.0.0.1");
	T.l = link_named("C1");
	assert_int_equal(phys_open(T.l), 0);
	/* the outcome comes from the loop, never from inside open */
	assert_int_equal(T.l->state, PHYS_STATE_CONNECTING);
	assert_int_equal(rec.ups + rec.downs, 0);
	assert_int_equal(phys_open(T.l), 0);	/* in progress: no-op */
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), 5000);
	close(T.lfd);
}

/* ---- failures ---- */

static bool
t_fail_reports(void)
{
	if (rec.downs < 2)
		return false;
	assert_int_equal(rec.ups, 0);
	assert_string_equal(rec.reason[0], "Connection failed");
	assert_string_equal(rec.reason[1], "Connection failed");
	assert_int_equal(T.l->state, PHYS_STATE_DOWN);
	assert_int_equal(T.l2->state, PHYS_STATE_DOWN);
	return true;
}

static void
test_tcp_failures(void **state)
{
	static step_fn *const s[] = { t_fail_reports };

	(void)state;
	memset(&T, 0, sizeof(T));
	cmd("create link static F1 tcp");
	cmd("set tcp peer 127.0.0.1 %u", free_port(SOCK_STREAM));
	cmd("create link static F2 tcp");	/* no peer at all */
	T.l = link_named("F1");
	T.l2 = link_named("F2");
	assert_int_equal(phys_open(T.l), 0);
	assert_int_equal(phys_open(T.l2), 0);
	assert_int_equal(T.l2->state, PHYS_STATE_CONNECTING);
	assert_int_equal(rec.downs, 0);
	/* templates cannot be dialled */
	cmd("create link template FT tcp");
	assert_int_equal(phys_open(link_named("FT")), -1);
	run_steps(s, 1, 5000);
	/* close on a DOWN link reports nothing */
	phys_close(T.l);
	assert_int_equal(rec.downs, 2);
	/* close while connecting reports "Manual" */
	assert_int_equal(phys_open(T.l2), 0);
	phys_close(T.l2);
	assert_int_equal(rec.downs, 3);
	assert_string_equal(rec.reason[2], "Manual");
}

/* ---- incoming ---- */

static int
client_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin_lo(&sin, port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static bool
t_in_connect1(void)
{
	int fd = client_connect(T.port);

	if (fd < 0)
		return false;	/* the listener comes up from the loop */
	peer_init(&T.p, fd);
	return true;
}

static bool
t_in_up1(void)
{
	struct link *t = link_named("TT");
	uint8_t b[64];
	size_t n;

	if (rec.ups < 1)
		return false;
	T.l = rec.up[0];
	assert_false(T.l->tmpl);
	assert_ptr_equal(T.l->parent, t);
	assert_int_equal(rec.incomings, 1);
	n = hdlc(ip_frame, sizeof(ip_frame), HDLC_ACCM_DEFAULT, b, sizeof(b));
	write_all(T.p.fd, b, n);
	assert_int_equal(phys_send(T.l, mb_copy(lcp_req, sizeof(lcp_req))),
	    0);
	return true;
}

static bool
t_in_data1(void)
{
	char want[128];

	peer_poll(&T.p);
	if (rec.inputs < 1 || T.p.frames < 1)
		return false;
	assert_ptr_equal(rec.in_link[0], T.l);
	assert_memory_equal(rec.in[0], ip_frame, sizeof(ip_frame));
	assert_memory_equal(T.p.frame[0], lcp_req, sizeof(lcp_req));
	snprintf(want, sizeof(want), "TCP state:\r\n\tIncoming     : YES\r\n"
	    "\tCurrent peer : 127.0.0.1, port %u\r\n", sock_port(T.p.fd));
	show_device(T.l);
	if (strstr(out, want) == NULL)
		fail_msg("show device:\n%s\nwanted:\n%s", out, want);
	T.c[1] = client_connect(T.port);
	assert_true(T.c[1] >= 0);
	peer_init(&T.p2, T.c[1]);
	return true;
}

static bool
t_in_up2(void)
{
	if (rec.ups < 2)
		return false;
	T.l2 = rec.up[1];
	assert_ptr_not_equal(T.l2, T.l);
	assert_ptr_equal(T.l2->parent, link_named("TT"));
	/* we hang up the first call */
	phys_close(T.l);
	assert_int_equal(rec.downs, 1);
	assert_string_equal(rec.reason[0], "Manual");
	return true;
}

static bool
t_in_eof1(void)
{
	peer_poll(&T.p);
	if (!T.p.eof)
		return false;
	/* link_incoming() refusing: the caller is hung up on */
	rec.refuse = true;
	T.c[2] = client_connect(T.port);
	assert_true(T.c[2] >= 0);
	peer_init(&T.p3, T.c[2]);
	return true;
}

static bool
t_in_refused(void)
{
	peer_poll(&T.p3);
	if (!T.p3.eof)
		return false;
	assert_int_equal(rec.ups, 2);
	assert_int_equal(rec.incomings, 3);
	rec.refuse = false;
	close(T.p3.fd);
	/*
	 * Without the template only R1 listens, and its peer range does
	 * not admit 127.0.0.1: refused before link_incoming().
	 */
	cmd_ctx_set(&ctx, link_named("TT"), NULL, NULL);
	cmd("set link disable incoming");
	return true;
}

static bool
t_in_range(void)
{
	static bool connected;

	if (!connected) {
		T.c[3] = client_connect(T.port);
		if (T.c[3] < 0)
			return false;
		peer_init(&T.p3, T.c[3]);
		connected = true;
	}
	peer_poll(&T.p3);
	if (!T.p3.eof)
		return false;
	connected = false;
	assert_int_equal(rec.incomings, 3);
	assert_int_equal(rec.ups, 2);
	close(T.p3.fd);
	cmd_ctx_set(&ctx, link_named("R1"), NULL, NULL);
	cmd("set link disable incoming");
	return true;
}

static bool
t_in_closed(void)
{
	int fd = client_connect(T.port);

	if (fd >= 0) {
		close(fd);
		return false;	/* until the listener is gone */
	}
	/* the second call is not disturbed by any of this */
	assert_int_equal(T.l2->state, PHYS_STATE_UP);
	assert_int_equal(rec.downs, 1);
	close(T.p.fd);
	close(T.p2.fd);
	return true;
}

static void
test_tcp_incoming(void **state)
{
	static step_fn *const s[] = { t_in_connect1, t_in_up1, t_in_data1,
	    t_in_up2, t_in_eof1, t_in_refused, t_in_range, t_in_closed };

	(void)state;
	memset(&T, 0, sizeof(T));
	T.port = free_port(SOCK_STREAM);
	cmd("create link template TT tcp");
	/* `incoming` before `self`: the order does not matter */
	cmd("set link enable incoming");
	cmd("set tcp self 127.0.0.1 %u", T.port);
	show_device(link_named("TT"));
	assert_non_null(strstr(out, "Device 'TT' (template)"));
	assert_non_null(strstr(out, "TCP state:\r\n"));
	assert_null(strstr(out, "Incoming"));
	cmd("create link static R1 tcp");
	cmd("set tcp self 127.0.0.1 %u", T.port);
	cmd("set tcp peer 10.0.0.0/8");
	cmd("set link enable incoming");
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), 5000);
}

/* ---- the send queue is bounded ---- */

static bool
t_q_up(void)
{
	return rec.ups == 1;
}

static bool
t_q_fill(void)
{
	uint8_t big[2048];
	int i;

	/* 0x7e doubles on the wire: 4 KiB per frame. */
	memset(big, 0x7e, sizeof(big));
	big[0] = 0xff;
	big[1] = 0x03;
	for (i = 0; i < 50000; i++) {
		if (phys_send(T.l, mb_copy(big, sizeof(big))) < 0)
			break;
		T.sent_ok++;
	}
	assert_true(i < 50000);		/* it stopped taking frames */
	assert_true(T.sent_ok > 0);
	return true;
}

static bool
t_q_drain(void)
{
	peer_poll(&T.p);
	if (T.p.total < (uint64_t)T.sent_ok)
		return false;
	/* every accepted frame arrived whole, none more, none broken */
	assert_int_equal(T.p.total, T.sent_ok);
	assert_int_equal(T.p.dec.stats.bad_fcs, 0);
	assert_int_equal(T.p.dec.stats.overflows, 0);
	assert_int_equal(T.p.dec.stats.runts, 0);
	assert_int_equal(T.p.flen[0], 2048);
	close(T.p.fd);
	return true;
}

static bool
t_q_accept(void)
{
	int fd = accept4(T.lfd, NULL, NULL, SOCK_NONBLOCK);

	if (fd < 0)
		return false;
	peer_init(&T.p, fd);
	return true;
}

static void
test_tcp_queue_bound(void **state)
{
	static step_fn *const s[] = { t_q_accept, t_q_up, t_q_fill,
	    t_q_drain };

	(void)state;
	memset(&T, 0, sizeof(T));
	T.lfd = sock_bound(SOCK_STREAM, 0);
	assert_int_equal(listen(T.lfd, 4), 0);
	T.port = sock_port(T.lfd);
	cmd("create link static Q1 tcp");
	cmd("set tcp peer 127.0.0.1 %u", T.port);
	T.l = link_named("Q1");
	assert_int_equal(phys_open(T.l), 0);
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), 20000);
	close(T.lfd);
}

/* ======================= UDP ======================= */

static struct {
	int		 u[3];		/* the test's sockets */
	uint16_t	 port;
	struct link	*l, *l2;
	struct sockaddr_in from;
} U;

static ssize_t
u_recv(int fd, uint8_t *b, size_t len, struct sockaddr_in *from)
{
	socklen_t slen = sizeof(*from);

	return recvfrom(fd, b, len, 0, (struct sockaddr *)from, &slen);
}

static void
u_send(int fd, uint16_t port, const uint8_t *b, size_t len)
{
	struct sockaddr_in sin;

	sin_lo(&sin, port);
	assert_int_equal(sendto(fd, b, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), (ssize_t)len);
}

static bool
u_out_up(void)
{
	if (rec.ups != 1)
		return false;
	assert_ptr_equal(rec.up[0], U.l);
	assert_int_equal(phys_send(U.l, mb_copy(lcp_req, sizeof(lcp_req))),
	    0);
	return true;
}

static bool
u_out_recv(void)
{
	uint8_t b[4096];
	ssize_t r = u_recv(U.u[0], b, sizeof(b), &U.from);
	char want[128], buf[64];

	if (r < 0)
		return false;
	/* no framing: the frame is the datagram */
	assert_int_equal(r, sizeof(lcp_req));
	assert_memory_equal(b, lcp_req, sizeof(lcp_req));
	u_send(U.u[0], ntohs(U.from.sin_port), ip_frame, sizeof(ip_frame));
	snprintf(want, sizeof(want), "UDP state:\r\n\tIncoming     : NO\r\n"
	    "\tCurrent peer : 127.0.0.1, port %u\r\n", U.port);
	show_device(U.l);
	if (strstr(out, want) == NULL)
		fail_msg("show device:\n%s\nwanted:\n%s", out, want);
	phys_self_addr(U.l, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	return true;
}

static bool
u_out_input(void)
{
	if (rec.inputs < 1)
		return false;
	assert_ptr_equal(rec.in_link[0], U.l);
	assert_int_equal(rec.in_len[0], sizeof(ip_frame));
	assert_memory_equal(rec.in[0], ip_frame, sizeof(ip_frame));
	/* A gone peer (ICMP port unreachable) does not take the link down. */
	close(U.u[0]);
	U.u[0] = -1;
	(void)phys_send(U.l, mb_copy(lcp_req, sizeof(lcp_req)));
	return true;
}

static bool
u_out_still_up(void)
{
	static int rounds;

	(void)phys_send(U.l, mb_copy(lcp_req, sizeof(lcp_req)));
	if (++rounds < 10)
		return false;
	rounds = 0;
	assert_int_equal(U.l->state, PHYS_STATE_UP);
	assert_int_equal(down_index(U.l), -1);
	phys_close(U.l);
	assert_true(down_index(U.l) >= 0);
	assert_string_equal(rec.reason[down_index(U.l)], "Manual");
	return true;
}

static bool
u_nopeer_failed(void)
{
	if (down_index(U.l2) < 0)
		return false;
	assert_string_equal(rec.reason[down_index(U.l2)],
	    "Connection failed");
	assert_int_equal(rec.ups, 1);
	assert_int_equal(rec.downs, 2);
	return true;
}

static void
test_udp_outgoing(void **state)
{
	static step_fn *const s[] = { u_out_up, u_out_recv, u_out_input,
	    u_out_still_up, u_nopeer_failed };

	(void)state;
	memset(&U, 0, sizeof(U));
	U.u[0] = sock_bound(SOCK_DGRAM, 0);
	U.port = sock_port(U.u[0]);
	cmd("create link static U1 udp");
	cmd("set udp peer 127.0.0.1 %u", U.port);
	U.l = link_named("U1");
	assert_int_equal(phys_open(U.l), 0);
	assert_int_equal(U.l->state, PHYS_STATE_CONNECTING);
	assert_int_equal(rec.ups, 0);
	cmd("create link static U2 udp");	/* no peer */
	U.l2 = link_named("U2");
	assert_int_equal(phys_open(U.l2), 0);
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), 5000);
}

/* ---- incoming ---- */

static const uint8_t x1[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x11, 0x00,
	0x04 };
static const uint8_t x2[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x22 };
static const uint8_t z1[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x33, 0x00,
	0x04 };
static const uint8_t z2[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x44 };

static int
u_find_input(const uint8_t *p, size_t len)
{
	int i;

	for (i = 0; i < rec.inputs; i++)
		if (rec.in_len[i] == len && memcmp(rec.in[i], p, len) == 0)
			return i;
	return -1;
}

static bool
u_in_first(void)
{
	/* resend until the listener is there and a call came up */
	if (rec.ups < 1) {
		u_send(U.u[0], U.port, x1, sizeof(x1));
		return false;
	}
	if (rec.inputs < 1)
		return false;
	U.l = rec.up[0];
	assert_false(U.l->tmpl);
	assert_ptr_equal(U.l->parent, link_named("UT"));
	/* the first datagram comes after link_phys_up() */
	assert_ptr_equal(rec.in_link[0], U.l);
	assert_int_equal(rec.in_ups[0], 1);
	assert_memory_equal(rec.in[0], x1, sizeof(x1));
	u_send(U.u[0], U.port, x2, sizeof(x2));
	u_send(U.u[1], U.port, z1, sizeof(z1));
	return true;
}

static bool
u_in_second(void)
{
	int i, j;

	if (rec.ups < 2 || u_find_input(x2, sizeof(x2)) < 0 ||
	    u_find_input(z1, sizeof(z1)) < 0)
		return false;
	U.l2 = rec.up[1];
	assert_ptr_not_equal(U.l2, U.l);
	i = u_find_input(x2, sizeof(x2));
	j = u_find_input(z1, sizeof(z1));
	assert_ptr_equal(rec.in_link[i], U.l);
	assert_ptr_equal(rec.in_link[j], U.l2);
	/* later datagrams reach the call's own connected socket */
	u_send(U.u[1], U.port, z2, sizeof(z2));
	assert_int_equal(phys_send(U.l2, mb_copy(ip_frame, sizeof(ip_frame))),
	    0);
	return true;
}

static bool
u_in_reply(void)
{
	uint8_t b[4096];
	struct sockaddr_in from;
	ssize_t r;
	int k;
	char want[128];

	k = u_find_input(z2, sizeof(z2));
	if (k < 0)
		return false;
	assert_ptr_equal(rec.in_link[k], U.l2);
	r = u_recv(U.u[1], b, sizeof(b), &from);
	if (r < 0)
		return false;
	assert_int_equal(r, sizeof(ip_frame));
	assert_memory_equal(b, ip_frame, sizeof(ip_frame));
	/* the reply comes from the port the client called */
	assert_int_equal(ntohs(from.sin_port), U.port);
	snprintf(want, sizeof(want), "UDP state:\r\n\tIncoming     : YES\r\n"
	    "\tCurrent peer : 127.0.0.1, port %u\r\n", sock_port(U.u[1]));
	show_device(U.l2);
	if (strstr(out, want) == NULL)
		fail_msg("show device:\n%s\nwanted:\n%s", out, want);
	/* refused by link_incoming(): no call */
	rec.refuse = true;
	u_send(U.u[2], U.port, x1, sizeof(x1));
	return true;
}

static bool
u_in_refused(void)
{
	if (rec.incomings < 3)
		return false;
	assert_int_equal(rec.ups, 2);
	rec.refuse = false;
	phys_close(U.l);
	phys_close(U.l2);
	assert_int_equal(rec.downs, 2);
	return true;
}

static void
test_udp_incoming(void **state)
{
	static step_fn *const s[] = { u_in_first, u_in_second, u_in_reply,
	    u_in_refused };
	int i;

	(void)state;
	memset(&U, 0, sizeof(U));
	U.port = free_port(SOCK_DGRAM);
	for (i = 0; i < 3; i++)
		U.u[i] = sock_bound(SOCK_DGRAM, 0);
	cmd("create link template UT udp");
	cmd("set udp self 127.0.0.1 %u", U.port);
	cmd("set link enable incoming");
	/* a more specific link that does not admit 127.0.0.1 */
	cmd("create link static UR udp");
	cmd("set udp self 127.0.0.1 %u", U.port);
	cmd("set udp peer 192.0.2.0/24");
	cmd("set link enable incoming");
	run_steps(s, (int)(sizeof(s) / sizeof(s[0])), 5000);
	assert_int_equal(link_named("UR")->state, PHYS_STATE_DOWN);
	for (i = 0; i < 3; i++)
		close(U.u[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tcp_outgoing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tcp_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tcp_incoming, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tcp_queue_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_udp_outgoing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_udp_incoming, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
