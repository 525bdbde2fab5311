/*
 * test_l2tpnl.c - sys/l2tpnl.h: the "l2tp" generic netlink requests
 * compared byte by byte with what <linux/netlink.h>, <linux/genetlink.h>
 * and <linux/l2tp.h> define (header fields, each attribute's length,
 * type, value and padding), the answer parser (acks, errors, the family
 * id, skipped and malformed messages), the PPPoL2TP connect address, and
 * the run-time sequences (tunnel, session + PPPoX channel, close) against
 * a fake kernel that answers netlink requests and records every call,
 * with failures that must leave nothing open or created.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include <cmocka.h>

#include "sys/l2tpnl.h"

#include <linux/genetlink.h>
#include <linux/l2tp.h>
#include <linux/netlink.h>
#include <linux/ppp-ioctl.h>

#define FAMILY	0x1d

/* ---- byte helpers ---- */

static uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void
wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Check the nlmsghdr + genlmsghdr of req[0..len). */
static void
check_hdr(const uint8_t *req, size_t len, uint16_t type, uint16_t flags,
    uint32_t seq, uint8_t cmd, uint8_t version)
{
	assert_int_equal(rd32(req), len);
	assert_int_equal(len % 4, 0);
	assert_int_equal(rd16(req + 4), type);
	assert_int_equal(rd16(req + 6), flags);
	assert_int_equal(rd32(req + 8), seq);
	assert_int_equal(rd32(req + 12), 0);
	assert_int_equal(req[16], cmd);
	assert_int_equal(req[17], version);
	assert_int_equal(rd16(req + 18), 0);
}

/* The attribute at *off: type and value length checked, value returned. */
static const uint8_t *
check_attr(const uint8_t *req, size_t *off, uint16_t type, size_t vlen)
{
	const uint8_t *a = req + *off;
	size_t padded = (4 + vlen + 3) & ~(size_t)3;
	size_t i;

	assert_int_equal(rd16(a), 4 + vlen);
	assert_int_equal(rd16(a + 2), type);
	for (i = 4 + vlen; i < padded; i++)
		assert_int_equal(a[i], 0);	/* padding is zero */
	*off += padded;
	return a + 4;
}

/* ---- pure: requests ---- */

static void
test_req_family(void **state)
{
	uint8_t b[64];
	size_t n, off = 20;
	const uint8_t *v;

	(void)state;
	n = l2tpnl_req_family(b, sizeof(b), 7);
	assert_int_equal(n, 20 + 12);		/* "l2tp\0" padded to 8 */
	check_hdr(b, n, GENL_ID_CTRL, NLM_F_REQUEST, 7, CTRL_CMD_GETFAMILY, 1);
	v = check_attr(b, &off, CTRL_ATTR_FAMILY_NAME, 5);
	assert_memory_equal(v, "l2tp", 5);
	assert_int_equal(off, n);
}

static void
test_req_tunnel_create(void **state)
{
	uint8_t b[128];
	size_t n, off = 20;

	(void)state;
	n = l2tpnl_req_tunnel_create(b, sizeof(b), FAMILY, 9, 0x1234, 0xabcd,
	    42);
	assert_int_equal(n, 20 + 8 + 8 + 8 + 8 + 8);
	check_hdr(b, n, FAMILY, NLM_F_REQUEST | NLM_F_ACK, 9,
	    L2TP_CMD_TUNNEL_CREATE, L2TP_GENL_VERSION);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_CONN_ID, 4)),
	    0x1234);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_PEER_CONN_ID, 4)),
	    0xabcd);
	assert_int_equal(*check_attr(b, &off, L2TP_ATTR_PROTO_VERSION, 1), 2);
	assert_int_equal(rd16(check_attr(b, &off, L2TP_ATTR_ENCAP_TYPE, 2)),
	    L2TP_ENCAPTYPE_UDP);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_FD, 4)), 42);
	assert_int_equal(off, n);
	/* every shorter buffer is refused, never overrun */
	for (off = 0; off < n; off++)
		assert_int_equal(l2tpnl_req_tunnel_create(b, off, FAMILY, 9,
		    1, 2, 3), 0);
}

static void
test_req_session_create(void **state)
{
	struct l2tpnl_sess s = { .tid = 0x1234, .ptid = 0xabcd, .sid = 0x0101,
		.psid = 0xfe02, .send_seq = true, .lns_mode = false };
	uint8_t b[128];
	size_t n, off = 20;

	(void)state;
	n = l2tpnl_req_session_create(b, sizeof(b), FAMILY, 10, &s);
	assert_int_equal(n, 20 + 3 * 8 + 8 + 3 * 8);
	check_hdr(b, n, FAMILY, NLM_F_REQUEST | NLM_F_ACK, 10,
	    L2TP_CMD_SESSION_CREATE, L2TP_GENL_VERSION);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_CONN_ID, 4)),
	    0x1234);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_SESSION_ID, 4)),
	    0x0101);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_PEER_SESSION_ID,
	    4)), 0xfe02);
	assert_int_equal(rd16(check_attr(b, &off, L2TP_ATTR_PW_TYPE, 2)),
	    L2TP_PWTYPE_PPP);
	assert_int_equal(*check_attr(b, &off, L2TP_ATTR_SEND_SEQ, 1), 1);
	assert_int_equal(*check_attr(b, &off, L2TP_ATTR_RECV_SEQ, 1), 0);
	assert_int_equal(*check_attr(b, &off, L2TP_ATTR_LNS_MODE, 1), 0);
	assert_int_equal(off, n);
	s.send_seq = false;
	s.lns_mode = true;
	n = l2tpnl_req_session_create(b, sizeof(b), FAMILY, 10, &s);
	assert_int_equal(b[20 + 3 * 8 + 8 + 4], 0);		/* SEND_SEQ */
	assert_int_equal(b[20 + 3 * 8 + 8 + 2 * 8 + 4], 1);	/* LNS_MODE */
	for (off = 0; off < n; off++)
		assert_int_equal(l2tpnl_req_session_create(b, off, FAMILY, 1,
		    &s), 0);
}

static void
test_req_delete(void **state)
{
	uint8_t b[64];
	size_t n, off = 20;

	(void)state;
	n = l2tpnl_req_tunnel_delete(b, sizeof(b), FAMILY, 11, 0x4321);
	assert_int_equal(n, 28);
	check_hdr(b, n, FAMILY, NLM_F_REQUEST | NLM_F_ACK, 11,
	    L2TP_CMD_TUNNEL_DELETE, L2TP_GENL_VERSION);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_CONN_ID, 4)),
	    0x4321);
	off = 20;
	n = l2tpnl_req_session_delete(b, sizeof(b), FAMILY, 12, 0x4321, 77);
	assert_int_equal(n, 36);
	check_hdr(b, n, FAMILY, NLM_F_REQUEST | NLM_F_ACK, 12,
	    L2TP_CMD_SESSION_DELETE, L2TP_GENL_VERSION);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_CONN_ID, 4)),
	    0x4321);
	assert_int_equal(rd32(check_attr(b, &off, L2TP_ATTR_SESSION_ID, 4)),
	    77);
	assert_int_equal(l2tpnl_req_session_delete(b, 35, FAMILY, 1, 1, 1),
	    0);
}

/* ---- pure: answers ---- */

/* An NLMSG_ERROR answering seq with error err, at p; its length. */
static size_t
mk_error(uint8_t *p, uint32_t seq, int32_t err)
{
	memset(p, 0, 36);
	wr32(p, 36);
	wr16(p + 4, NLMSG_ERROR);
	wr32(p + 8, seq);
	memcpy(p + 16, &err, 4);
	wr32(p + 20, 20);		/* the request's header, echoed */
	return 36;
}

/* A CTRL_CMD_NEWFAMILY answering seq with "l2tp" id fam (0: no id). */
static size_t
mk_family(uint8_t *p, uint32_t seq, uint16_t fam)
{
	size_t n = 20;

	memset(p, 0, 64);
	wr16(p + 4, GENL_ID_CTRL);
	wr32(p + 8, seq);
	p[16] = CTRL_CMD_NEWFAMILY;
	p[17] = 2;
	/* name first, as the kernel sends it */
	wr16(p + n, 9);
	wr16(p + n + 2, CTRL_ATTR_FAMILY_NAME);
	memcpy(p + n + 4, "l2tp", 5);
	n += 12;
	if (fam != 0) {
		wr16(p + n, 6);
		wr16(p + n + 2, CTRL_ATTR_FAMILY_ID);
		wr16(p + n + 4, fam);
		n += 8;
	}
	wr32(p, (uint32_t)n);
	return n;
}

static void
test_parse(void **state)
{
	uint8_t b[256];
	struct l2tpnl_reply r;
	size_t n;

	(void)state;
	n = mk_error(b, 5, 0);
	assert_int_equal(l2tpnl_parse(b, n, 5, &r), 0);
	assert_int_equal(r.kind, L2TPNL_ACK);
	n = mk_error(b, 5, -EEXIST);
	assert_int_equal(l2tpnl_parse(b, n, 5, &r), 0);
	assert_int_equal(r.kind, L2TPNL_ERROR);
	assert_int_equal(r.error, EEXIST);
	/* another request's answer is skipped: nothing for us */
	assert_int_equal(l2tpnl_parse(b, n, 6, &r), 0);
	assert_int_equal(r.kind, L2TPNL_NONE);
	/* a notification, then our ack, in one datagram */
	n = mk_family(b, 0, FAMILY);
	n += mk_error(b + n, 8, 0);
	assert_int_equal(l2tpnl_parse(b, n, 8, &r), 0);
	assert_int_equal(r.kind, L2TPNL_ACK);
	n = mk_family(b, 3, FAMILY);
	assert_int_equal(l2tpnl_parse(b, n, 3, &r), 0);
	assert_int_equal(r.kind, L2TPNL_FAMILY);
	assert_int_equal(r.family, FAMILY);
	/* malformed */
	n = mk_family(b, 3, 0);				/* no id */
	assert_int_equal(l2tpnl_parse(b, n, 3, &r), -1);
	assert_int_equal(r.kind, L2TPNL_NONE);
	n = mk_error(b, 5, 0);
	assert_int_equal(l2tpnl_parse(b, n - 1, 5, &r), -1);	/* truncated */
	wr32(b, 18);					/* short error */
	assert_int_equal(l2tpnl_parse(b, n, 5, &r), -1);
	wr32(b, 8);					/* below a header */
	assert_int_equal(l2tpnl_parse(b, n, 5, &r), -1);
	n = mk_error(b, 5, 7);				/* positive errno */
	assert_int_equal(l2tpnl_parse(b, n, 5, &r), -1);
	n = mk_family(b, 3, FAMILY);
	wr16(b + 20, 200);				/* attr past the end */
	assert_int_equal(l2tpnl_parse(b, n, 3, &r), -1);
	/* too short for any header: nothing */
	assert_int_equal(l2tpnl_parse(b, 10, 3, &r), 0);
	assert_int_equal(r.kind, L2TPNL_NONE);
}

static void
test_pppox_addr(void **state)
{
	struct l2tpnl_sess s = { .tid = 0x1234, .ptid = 0xabcd, .sid = 0x0101,
		.psid = 0xfe02 };
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_pppol2tp a4;
	struct sockaddr_pppol2tpin6 a6;
	struct sockaddr_un un;
	uint8_t b[256];

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(1701);
	sin.sin_addr.s_addr = htonl(0xc0000202);
	assert_int_equal(l2tpnl_pppox_addr(b, sizeof(b), &s, 9,
	    (struct sockaddr *)&sin), sizeof(a4));
	memcpy(&a4, b, sizeof(a4));
	assert_int_equal(a4.sa_family, AF_PPPOX);
	assert_int_equal(a4.sa_protocol, PX_PROTO_OL2TP);
	assert_int_equal(a4.pppol2tp.pid, 0);
	assert_int_equal(a4.pppol2tp.fd, 9);
	assert_int_equal(a4.pppol2tp.s_tunnel, 0x1234);
	assert_int_equal(a4.pppol2tp.s_session, 0x0101);
	assert_int_equal(a4.pppol2tp.d_tunnel, 0xabcd);
	assert_int_equal(a4.pppol2tp.d_session, 0xfe02);
	assert_int_equal(a4.pppol2tp.addr.sin_family, AF_INET);
	assert_int_equal(ntohs(a4.pppol2tp.addr.sin_port), 1701);
	assert_int_equal(ntohl(a4.pppol2tp.addr.sin_addr.s_addr), 0xc0000202);
	assert_int_equal(l2tpnl_pppox_addr(b, sizeof(a4) - 1, &s, 9,
	    (struct sockaddr *)&sin), 0);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(1702);
	sin6.sin6_addr.s6_addr[15] = 1;
	assert_int_equal(l2tpnl_pppox_addr(b, sizeof(b), &s, 9,
	    (struct sockaddr *)&sin6), sizeof(a6));
	memcpy(&a6, b, sizeof(a6));
	assert_int_equal(a6.sa_family, AF_PPPOX);
	assert_int_equal(a6.sa_protocol, PX_PROTO_OL2TP);
	assert_int_equal(a6.pppol2tp.fd, 9);
	assert_int_equal(a6.pppol2tp.s_tunnel, 0x1234);
	assert_int_equal(a6.pppol2tp.d_session, 0xfe02);
	assert_int_equal(ntohs(a6.pppol2tp.addr.sin6_port), 1702);
	assert_int_equal(a6.pppol2tp.addr.sin6_addr.s6_addr[15], 1);

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	assert_int_equal(l2tpnl_pppox_addr(b, sizeof(b), &s, 9,
	    (struct sockaddr *)&un), 0);
}

/* ---- the fake kernel ---- */

#define MAXCALLS	32

struct call {
	char		what[16];	/* "nl_socket", "nl:<cmd>", "ioctl", ... */
	int		fd;
	unsigned long	req;
	int		iarg;
};

static struct {
	struct call	calls[MAXCALLS];
	int		ncalls;
	int		next_fd;
	int		open_fds;
	int		nl_fd;
	bool		no_family;	/* GETFAMILY: ENOENT */
	int		fail_cmd;	/* this L2TP command answers ... */
	int		fail_cmd_errno;	/* ... this errno (0: none) */
	const char	*fail;		/* a failing pppdev call */
	unsigned long	fail_req;
	uint8_t		reply[256];
	size_t		reply_len;
	uint8_t		last_req[256];	/* the last session create */
	size_t		last_req_len;
	uint8_t		last_sa[128];
	socklen_t	last_salen;
	int		tunnels, sessions;	/* kernel objects alive */
	int		px_fd;		/* PPPoX socket bound to a session */
} fk;

static void
fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_fd = 10;
	fk.nl_fd = fk.px_fd = -1;
}

static struct call *
fk_log(const char *what, int fd, unsigned long req)
{
	struct call *c;

	assert_true(fk.ncalls < MAXCALLS);
	c = &fk.calls[fk.ncalls++];
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->fd = fd;
	c->req = req;
	return c;
}

static int
fk_nl_socket(void)
{
	fk_log("nl_socket", -1, 0);
	fk.open_fds++;
	fk.nl_fd = fk.next_fd++;
	return fk.nl_fd;
}

static const char *const cmd_names[] = {
	[L2TP_CMD_TUNNEL_CREATE] = "nl:tcreate",
	[L2TP_CMD_TUNNEL_DELETE] = "nl:tdelete",
	[L2TP_CMD_SESSION_CREATE] = "nl:screate",
	[L2TP_CMD_SESSION_DELETE] = "nl:sdelete",
};

static ssize_t
fk_nl_send(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t seq = rd32(p + 8);
	uint8_t cmd = p[16];
	int err = 0;

	assert_int_equal(fd, fk.nl_fd);
	assert_true(len >= 20 && rd32(p) == len);
	if (rd16(p + 4) == GENL_ID_CTRL) {
		fk_log("nl:family", fd, 0);
		if (fk.no_family)
			fk.reply_len = mk_error(fk.reply, seq, -ENOENT);
		else
			fk.reply_len = mk_family(fk.reply, seq, FAMILY);
		return (ssize_t)len;
	}
	assert_int_equal(rd16(p + 4), FAMILY);
	assert_true(cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) &&
	    cmd_names[cmd] != NULL);
	fk_log(cmd_names[cmd], fd, 0);
	if (fk.fail_cmd == cmd && fk.fail_cmd_errno != 0) {
		err = fk.fail_cmd_errno;
		fk.fail_cmd_errno = 0;
	} else if (cmd == L2TP_CMD_TUNNEL_CREATE)
		fk.tunnels++;
	else if (cmd == L2TP_CMD_TUNNEL_DELETE)
		fk.tunnels > 0 ? (void)fk.tunnels-- : (void)(err = ENODEV);
	else if (cmd == L2TP_CMD_SESSION_CREATE) {
		fk.sessions++;
		memcpy(fk.last_req, p, len);
		fk.last_req_len = len;
	} else if (cmd == L2TP_CMD_SESSION_DELETE)
		fk.sessions > 0 ? (void)fk.sessions-- : (void)(err = ENODEV);
	/* a notification for someone else first, then the answer */
	fk.reply_len = mk_family(fk.reply, seq + 1000, FAMILY);
	fk.reply_len += mk_error(fk.reply + fk.reply_len, seq, -err);
	return (ssize_t)len;
}

static ssize_t
fk_nl_recv(int fd, void *buf, size_t cap)
{
	assert_int_equal(fd, fk.nl_fd);
	assert_true(fk.reply_len > 0 && fk.reply_len <= cap);
	memcpy(buf, fk.reply, fk.reply_len);
	return (ssize_t)fk.reply_len;
}

static bool
fk_fails(const char *what)
{
	if (fk.fail != NULL && strcmp(fk.fail, what) == 0) {
		fk.fail = NULL;
		errno = EPERM;
		return true;
	}
	return false;
}

static int
fk_open(const char *path, int flags)
{
	assert_string_equal(path, "/dev/ppp");
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	fk_log("open", -1, 0);
	if (fk_fails("open"))
		return -1;
	fk.open_fds++;
	return fk.next_fd++;
}

static int
fk_close(int fd)
{
	fk_log("close", fd, 0);
	fk.open_fds--;
	/* a connected PPPoL2TP socket takes its session with it */
	if (fd == fk.px_fd && fk.sessions > 0) {
		fk.sessions--;
		fk.px_fd = -1;
	}
	return 0;
}

static int
fk_ioctl(int fd, unsigned long req, void *arg)
{
	struct call *c = fk_log("ioctl", fd, req);

	if (req != PPPIOCGCHAN)
		c->iarg = *(int *)arg;
	if (fk.fail_req == req) {
		fk.fail_req = 0;
		errno = EPERM;
		return -1;
	}
	if (req == PPPIOCGCHAN)
		*(int *)arg = 23;
	return 0;
}

static int
fk_socket(int domain, int type, int proto)
{
	struct call *c = fk_log("socket", -1, 0);

	assert_int_equal(domain, AF_PPPOX);
	assert_int_equal(type & ~SOCK_CLOEXEC, SOCK_DGRAM);
	c->iarg = proto;
	if (fk_fails("socket"))
		return -1;
	fk.open_fds++;
	return fk.next_fd++;
}

static int
fk_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	fk_log("connect", fd, 0);
	assert_true(len <= sizeof(fk.last_sa));
	memcpy(fk.last_sa, sa, len);
	fk.last_salen = len;
	if (fk_fails("connect"))
		return -1;
	fk.px_fd = fd;
	return 0;
}

static const struct pppdev_kernel fake_ppp = {
	.open = fk_open, .close = fk_close, .ioctl = fk_ioctl,
	.socket = fk_socket, .connect = fk_connect,
};

static const struct l2tpnl_kernel fake = {
	.nl_socket = fk_nl_socket, .nl_send = fk_nl_send,
	.nl_recv = fk_nl_recv, .ppp = &fake_ppp,
};

static void
expect_calls(const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++) {
		assert_true(i < fk.ncalls);
		assert_string_equal(fk.calls[i].what, names[i]);
	}
	assert_int_equal(i, fk.ncalls);
}

/* ---- run-time ---- */

static void
test_tunnel(void **state)
{
	static const char *const seq1[] = { "nl_socket", "nl:family",
		"nl:tcreate", NULL };
	static const char *const seq2[] = { "nl:tcreate", NULL };
	struct l2tpnl nl;

	(void)state;
	fk_reset();
	l2tpnl_init(&nl, &fake);
	assert_int_equal(l2tpnl_tunnel_create(&nl, 0x1234, 0xabcd, 5), 0);
	expect_calls(seq1);
	assert_int_equal(nl.family, FAMILY);
	assert_int_equal(fk.tunnels, 1);
	/* the family is resolved once; an error answer comes back as errno */
	fk.ncalls = 0;
	fk.fail_cmd = L2TP_CMD_TUNNEL_CREATE;
	fk.fail_cmd_errno = EEXIST;
	errno = 0;
	assert_int_equal(l2tpnl_tunnel_create(&nl, 0x1234, 0xabcd, 5), -1);
	assert_int_equal(errno, EEXIST);
	expect_calls(seq2);
	assert_int_equal(l2tpnl_tunnel_delete(&nl, 0x1234), 0);
	assert_int_equal(fk.tunnels, 0);
	assert_int_equal(l2tpnl_tunnel_delete(&nl, 0x1234), -1);
	assert_int_equal(errno, ENODEV);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
}

static void
test_no_family(void **state)
{
	struct l2tpnl nl;

	(void)state;
	fk_reset();
	fk.no_family = true;
	l2tpnl_init(&nl, &fake);
	errno = 0;
	assert_int_equal(l2tpnl_tunnel_create(&nl, 1, 2, 5), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fk.tunnels, 0);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
}

static void
test_session_open_close(void **state)
{
	static const char *const open_seq[] = { "nl_socket", "nl:family",
		"nl:screate", "socket", "connect", "ioctl", "open", "ioctl",
		NULL };
	static const char *const close_seq[] = { "close", "close",
		"nl:sdelete", NULL };
	struct l2tpnl_sess s = { .tid = 0x1234, .ptid = 0xabcd, .sid = 7,
		.psid = 9, .send_seq = true, .lns_mode = true };
	struct sockaddr_in peer;
	struct sockaddr_pppol2tp sa;
	struct l2tpnl nl;
	int sock = -1, chfd = -1, chan = -1;

	(void)state;
	fk_reset();
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_port = htons(1701);
	peer.sin_addr.s_addr = htonl(0x0a000001);
	l2tpnl_init(&nl, &fake);
	assert_int_equal(l2tpnl_session_open(&nl, &s, 5,
	    (struct sockaddr *)&peer, &sock, &chfd, &chan), 0);
	expect_calls(open_seq);
	assert_int_equal(fk.calls[3].iarg, PX_PROTO_OL2TP);
	assert_int_equal(fk.calls[5].req, PPPIOCGCHAN);
	assert_int_equal(fk.calls[7].req, PPPIOCATTCHAN);
	assert_int_equal(fk.calls[7].iarg, 23);
	assert_int_equal(chan, 23);
	assert_int_equal(sock, 11);
	assert_int_equal(chfd, 12);
	/* the connect address names the session and our tunnel socket */
	assert_int_equal(fk.last_salen, sizeof(sa));
	memcpy(&sa, fk.last_sa, sizeof(sa));
	assert_int_equal(sa.pppol2tp.fd, 5);
	assert_int_equal(sa.pppol2tp.s_tunnel, 0x1234);
	assert_int_equal(sa.pppol2tp.s_session, 7);
	assert_int_equal(sa.pppol2tp.d_tunnel, 0xabcd);
	assert_int_equal(sa.pppol2tp.d_session, 9);
	/* the session request carries the sequencing choice */
	assert_int_equal(fk.last_req_len, 20 + 7 * 8);
	assert_int_equal(fk.sessions, 1);
	fk.ncalls = 0;
	l2tpnl_session_close(&nl, 0x1234, 7, sock, chfd);
	expect_calls(close_seq);
	assert_int_equal(fk.calls[0].fd, 12);	/* channel, then socket */
	assert_int_equal(fk.calls[1].fd, 11);
	assert_int_equal(fk.sessions, 0);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
}

static void
test_session_open_failures(void **state)
{
	static const char *const fails[] = { "socket", "connect", "open" };
	struct l2tpnl_sess s = { .tid = 1, .ptid = 2, .sid = 3, .psid = 4 };
	struct sockaddr_in peer;
	struct l2tpnl nl;
	int sock = -1, chfd = -1, chan = -1;
	size_t i;

	(void)state;
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	for (i = 0; i < 5; i++) {
		fk_reset();
		l2tpnl_init(&nl, &fake);
		if (i < 3)
			fk.fail = fails[i];
		else if (i == 3)
			fk.fail_req = PPPIOCGCHAN;
		else {
			fk.fail_cmd = L2TP_CMD_SESSION_CREATE;
			fk.fail_cmd_errno = EPROTONOSUPPORT;
		}
		errno = 0;
		assert_int_equal(l2tpnl_session_open(&nl, &s, 5,
		    (struct sockaddr *)&peer, &sock, &chfd, &chan), -1);
		assert_int_equal(errno, i == 4 ? EPROTONOSUPPORT : EPERM);
		/* no session left in the kernel, no descriptor but nl's */
		assert_int_equal(fk.sessions, 0);
		l2tpnl_close(&nl);
		assert_int_equal(fk.open_fds, 0);
		assert_int_equal(sock, -1);
		assert_int_equal(chfd, -1);
	}
	/* an address family the kernel has no PPPoL2TP form for */
	fk_reset();
	l2tpnl_init(&nl, &fake);
	peer.sin_family = AF_UNIX;
	assert_int_equal(l2tpnl_session_open(&nl, &s, 5,
	    (struct sockaddr *)&peer, &sock, &chfd, &chan), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(fk.ncalls, 0);
}

static void
test_probe(void **state)
{
	static const char *const ok_seq[] = { "nl_socket", "nl:family",
		"socket", "close", NULL };
	struct l2tpnl nl;

	(void)state;
	fk_reset();
	l2tpnl_init(&nl, &fake);
	assert_int_equal(l2tpnl_probe(&nl), 0);
	expect_calls(ok_seq);
	assert_int_equal(fk.calls[2].iarg, PX_PROTO_OL2TP);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
	/* l2tp_ppp missing: the PPPoX socket does not open */
	fk_reset();
	l2tpnl_init(&nl, &fake);
	fk.fail = "socket";
	assert_int_equal(l2tpnl_probe(&nl), -1);
	assert_int_equal(errno, EPERM);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
	/* l2tp_netlink missing: no family, no socket tried */
	fk_reset();
	fk.no_family = true;
	l2tpnl_init(&nl, &fake);
	assert_int_equal(l2tpnl_probe(&nl), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fk.ncalls, 2);
	l2tpnl_close(&nl);
	assert_int_equal(fk.open_fds, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_family),
		cmocka_unit_test(test_req_tunnel_create),
		cmocka_unit_test(test_req_session_create),
		cmocka_unit_test(test_req_delete),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pppox_addr),
		cmocka_unit_test(test_tunnel),
		cmocka_unit_test(test_no_family),
		cmocka_unit_test(test_session_open_close),
		cmocka_unit_test(test_session_open_failures),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
