/*
 * test_pppdev.c - sys/pppdev.h against a fake kernel: the flag words
 * derived from LCP/MP negotiation (RFC 1661 6.5/6.6, RFC 1990), the
 * PPPoE session address (RFC 2516 4: network byte order, reserved ids),
 * and the run-time request sequences (unit, PPPoE channel, attach,
 * connect, MRU/flags/NP mode/idle) including failure paths that must
 * leave no descriptor open.
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
#include <sys/ioctl.h>
#include <cmocka.h>

#include "sys/pppdev.h"

#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

/* ---- the fake kernel ---- */

#define MAXCALLS	32

struct call {
	char		what[16];	/* "open", "ioctl", "socket", ... */
	int		fd;
	unsigned long	req;
	int		iarg;		/* int argument of an ioctl, if any */
};

static struct {
	struct call	calls[MAXCALLS];
	int		ncalls;
	int		next_fd;
	int		open_fds;	/* descriptors not yet closed */
	const char	*fail;		/* fail the first call of this name */
	unsigned long	fail_req;	/* ... or this ioctl request */
	int		fail_errno;
	int		new_unit;	/* what PPPIOCNEWUNIT answers */
	int		chan;		/* what PPPIOCGCHAN answers */
	struct sockaddr_pppox last_sa;
	struct npioctl	last_np;
	int		gflags;		/* what PPPIOCGFLAGS answers (kmp) */
} fk;

static void
fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_fd = 10;
	fk.new_unit = 3;
	fk.chan = 17;
	fk.fail_errno = EPERM;
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

static bool
fk_fails(const char *what)
{
	if (fk.fail != NULL && strcmp(fk.fail, what) == 0) {
		fk.fail = NULL;
		errno = fk.fail_errno;
		return true;
	}
	return false;
}

static int
fk_open(const char *path, int flags)
{
	assert_string_equal(path, "/dev/ppp");
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	assert_true(flags & O_CLOEXEC);
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
	return 0;
}

static int
fk_ioctl(int fd, unsigned long req, void *arg)
{
	struct call *c = fk_log("ioctl", fd, req);

	if (req != PPPIOCDISCONN && req != PPPIOCSNPMODE &&
	    req != PPPIOCGIDLE64 && req != PPPIOCGCHAN && arg != NULL)
		c->iarg = *(int *)arg;
	if (fk.fail_req != 0 && fk.fail_req == req) {
		fk.fail_req = 0;
		errno = fk.fail_errno;
		return -1;
	}
	if (req == PPPIOCNEWUNIT || req == PPPIOCGUNIT)
		*(int *)arg = fk.new_unit;
	else if (req == PPPIOCGCHAN)
		*(int *)arg = fk.chan;
	else if (req == PPPIOCSNPMODE)
		memcpy(&fk.last_np, arg, sizeof(fk.last_np));
	else if (req == PPPIOCGFLAGS)
		*(int *)arg = fk.gflags;
	else if (req == PPPIOCGIDLE64) {
		struct ppp_idle64 *id = arg;

		id->xmit_idle = 5;
		id->recv_idle = 7;
	}
	return 0;
}

static int
fk_socket(int domain, int type, int proto)
{
	struct call *c = fk_log("socket", -1, 0);

	assert_int_equal(domain, AF_PPPOX);
	assert_int_equal(type & ~SOCK_CLOEXEC, SOCK_STREAM);
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
	assert_int_equal((size_t)len, sizeof(struct sockaddr_pppox));
	memcpy(&fk.last_sa, sa, sizeof(fk.last_sa));
	if (fk_fails("connect"))
		return -1;
	return 0;
}

/* PPTP block: the last bound address (PX_PROTO_PPTP's local end) */
static struct sockaddr_pppox fk_bound;

static int
fk_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	fk_log("bind", fd, 0);
	assert_int_equal((size_t)len, sizeof(struct sockaddr_pppox));
	memcpy(&fk_bound, sa, sizeof(fk_bound));
	if (fk_fails("bind"))
		return -1;
	return 0;
}

static const struct pppdev_kernel fake = {
	.open = fk_open, .close = fk_close, .ioctl = fk_ioctl,
	.socket = fk_socket, .connect = fk_connect,
	.bind = fk_bind,
};

/* ---- pure ---- */

static void
test_flags(void **state)
{
	struct pppdev_neg n;

	(void)state;
	memset(&n, 0, sizeof(n));
	/* nothing negotiated: VJ input refused, no compression on output */
	assert_int_equal(pppdev_unit_flags(&n), SC_REJ_COMP_TCP);
	assert_int_equal(pppdev_async_flags(&n), 0);
	n.vj_rx = true;
	assert_int_equal(pppdev_unit_flags(&n), 0);
	/* short sequence numbers only mean something with multilink */
	n.shortseq_rx = n.shortseq_tx = true;
	assert_int_equal(pppdev_unit_flags(&n), 0);
	n.multilink = true;
	assert_int_equal(pppdev_unit_flags(&n),
	    SC_MULTILINK | SC_MP_SHORTSEQ | SC_MP_XSHORTSEQ);
	n.shortseq_tx = false;
	assert_int_equal(pppdev_unit_flags(&n), SC_MULTILINK | SC_MP_SHORTSEQ);
	n.pfc_tx = true;
	assert_int_equal(pppdev_async_flags(&n), SC_COMP_PROT);
	n.acfc_tx = true;
	assert_int_equal(pppdev_async_flags(&n), SC_COMP_PROT | SC_COMP_AC);
}

static void
test_pppoe_addr(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x6d, 0x70, 0x64 };
	struct sockaddr_pppox sa;
	const uint8_t *sid;

	(void)state;
	assert_int_equal(pppdev_pppoe_addr(&sa, 0x1234, mac, "eth0"), 0);
	assert_int_equal(sa.sa_family, AF_PPPOX);
	assert_int_equal(sa.sa_protocol, PX_PROTO_OE);
	/* the session id as it is on the wire: big-endian */
	sid = (const uint8_t *)&sa.sa_addr.pppoe.sid;
	assert_int_equal(sid[0], 0x12);
	assert_int_equal(sid[1], 0x34);
	assert_memory_equal(sa.sa_addr.pppoe.remote, mac, 6);
	assert_string_equal(sa.sa_addr.pppoe.dev, "eth0");

	/* RFC 2516 4: 0x0000 and 0xffff are not session ids */
	errno = 0;
	assert_int_equal(pppdev_pppoe_addr(&sa, 0, mac, "eth0"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pppdev_pppoe_addr(&sa, 0xffff, mac, "eth0"), -1);
	assert_int_equal(pppdev_pppoe_addr(&sa, 1, mac, ""), -1);
	assert_int_equal(pppdev_pppoe_addr(&sa, 1, mac, NULL), -1);
	/* IFNAMSIZ - 1 characters fit, IFNAMSIZ do not */
	assert_int_equal(pppdev_pppoe_addr(&sa, 1, mac, "abcdefghijklmno"), 0);
	assert_string_equal(sa.sa_addr.pppoe.dev, "abcdefghijklmno");
	assert_int_equal(pppdev_pppoe_addr(&sa, 1, mac, "abcdefghijklmnop"),
	    -1);
}

/* ---- run-time sequences ---- */

static void
test_unit_new(void **state)
{
	int fd = -1, unit = -1;

	(void)state;
	fk_reset();
	assert_int_equal(pppdev_probe(&fake), 0);
	assert_int_equal(fk.open_fds, 0);

	fk_reset();
	assert_int_equal(pppdev_unit_new(&fake, -1, &fd, &unit), 0);
	assert_int_equal(unit, 3);
	assert_int_equal(fd, 10);
	assert_int_equal(fk.ncalls, 2);
	assert_string_equal(fk.calls[1].what, "ioctl");
	assert_true(fk.calls[1].req == PPPIOCNEWUNIT);
	assert_int_equal(fk.calls[1].iarg, -1);	/* any unit */
	assert_int_equal(fk.open_fds, 1);

	/* the kernel refuses: the descriptor is closed, errno kept */
	fk_reset();
	fk.fail_req = PPPIOCNEWUNIT;
	fk.fail_errno = EEXIST;
	fd = unit = -1;
	assert_int_equal(pppdev_unit_new(&fake, 5, &fd, &unit), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(fd, -1);
	assert_int_equal(fk.open_fds, 0);

	/* no /dev/ppp */
	fk_reset();
	fk.fail = "open";
	fk.fail_errno = ENOENT;
	assert_int_equal(pppdev_probe(&fake), -1);
	assert_int_equal(errno, ENOENT);
}

/* netif_ppp_create() stand-in: records the name and descriptor */
static char fk_created[16];
static int fk_created_fd = -1;

static int
fk_create(const char *name, int fd)
{
	fk_log("create", fd, 0);
	if (fk_fails("create"))
		return -1;
	snprintf(fk_created, sizeof(fk_created), "%s", name);
	fk_created_fd = fd;
	return 0;
}

/* A unit made under its final name on a fresh descriptor: no NEWUNIT. */
static void
test_unit_new_named(void **state)
{
	int fd = -1, unit = -1;

	(void)state;
	fk_reset();
	assert_int_equal(pppdev_unit_new_named(&fake, "ng4", fk_create, &fd,
	    &unit), 0);
	assert_int_equal(fd, 10);
	assert_int_equal(unit, 3);
	assert_string_equal(fk_created, "ng4");
	assert_int_equal(fk_created_fd, 10);
	assert_int_equal(fk.ncalls, 3);
	assert_string_equal(fk.calls[0].what, "open");
	assert_string_equal(fk.calls[1].what, "create");
	assert_true(fk.calls[2].req == PPPIOCGUNIT);
	assert_int_equal(fk.open_fds, 1);

	/* a kernel without "ppp" links: the descriptor is closed, errno kept */
	fk_reset();
	fk.fail = "create";
	fk.fail_errno = EOPNOTSUPP;
	fd = unit = -1;
	assert_int_equal(pppdev_unit_new_named(&fake, "ng4", fk_create, &fd,
	    &unit), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(fd, -1);
	assert_int_equal(fk.open_fds, 0);

	/* made but its number unreadable: closing removes it again */
	fk_reset();
	fk.fail_req = PPPIOCGUNIT;
	fk.fail_errno = EIO;
	assert_int_equal(pppdev_unit_new_named(&fake, "ng4", fk_create, &fd,
	    &unit), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(fk.open_fds, 0);
}

static void
test_pppoe_channel(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	int sock = -1, chan = -1, chfd = -1;
	const uint8_t *sid;

	(void)state;
	fk_reset();
	assert_int_equal(pppdev_pppoe_open(&fake, 0x0042, mac, "veth1", &sock,
	    &chan), 0);
	assert_int_equal(chan, 17);
	assert_int_equal(fk.calls[0].iarg, PX_PROTO_OE);
	assert_string_equal(fk.calls[1].what, "connect");
	sid = (const uint8_t *)&fk.last_sa.sa_addr.pppoe.sid;
	assert_int_equal(sid[0], 0x00);
	assert_int_equal(sid[1], 0x42);
	assert_memory_equal(fk.last_sa.sa_addr.pppoe.remote, mac, 6);
	assert_true(fk.calls[2].req == PPPIOCGCHAN);

	assert_int_equal(pppdev_chan_attach(&fake, chan, &chfd), 0);
	assert_true(fk.calls[4].req == PPPIOCATTCHAN);
	assert_int_equal(fk.calls[4].iarg, 17);
	assert_int_equal(pppdev_chan_connect(&fake, chfd, 3), 0);
	assert_true(fk.calls[5].req == PPPIOCCONNECT);
	assert_int_equal(fk.calls[5].fd, chfd);
	assert_int_equal(fk.calls[5].iarg, 3);
	assert_int_equal(pppdev_chan_disconnect(&fake, chfd), 0);
	assert_true(fk.calls[6].req == PPPIOCDISCONN);
	assert_int_equal(fk.open_fds, 2);

	/* a refused connect (no such device, busy session) closes the socket */
	fk_reset();
	fk.fail = "connect";
	fk.fail_errno = ENODEV;
	sock = -1;
	assert_int_equal(pppdev_pppoe_open(&fake, 1, mac, "veth1", &sock,
	    &chan), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(sock, -1);
	assert_int_equal(fk.open_fds, 0);
	/* ... and so does a failed PPPIOCGCHAN */
	fk_reset();
	fk.fail_req = PPPIOCGCHAN;
	assert_int_equal(pppdev_pppoe_open(&fake, 1, mac, "veth1", &sock,
	    &chan), -1);
	assert_int_equal(fk.open_fds, 0);
	/* a bad address never reaches the kernel */
	fk_reset();
	assert_int_equal(pppdev_pppoe_open(&fake, 0, mac, "veth1", &sock,
	    &chan), -1);
	assert_int_equal(fk.ncalls, 0);
	/* attach to a channel that went away */
	fk_reset();
	fk.fail_req = PPPIOCATTCHAN;
	fk.fail_errno = ENXIO;
	chfd = -1;
	assert_int_equal(pppdev_chan_attach(&fake, 99, &chfd), -1);
	assert_int_equal(errno, ENXIO);
	assert_int_equal(chfd, -1);
	assert_int_equal(fk.open_fds, 0);
}

static void
test_settings(void **state)
{
	long tx = -1, rx = -1;

	(void)state;
	fk_reset();
	assert_int_equal(pppdev_set_mru(&fake, 10, 1492), 0);
	assert_true(fk.calls[0].req == PPPIOCSMRU);
	assert_int_equal(fk.calls[0].iarg, 1492);
	assert_int_equal(pppdev_set_mrru(&fake, 10, 1600), 0);
	assert_true(fk.calls[1].req == PPPIOCSMRRU);
	assert_int_equal(fk.calls[1].iarg, 1600);
	assert_int_equal(pppdev_set_flags(&fake, 10, SC_MULTILINK), 0);
	assert_true(fk.calls[2].req == PPPIOCSFLAGS);
	assert_int_equal(fk.calls[2].iarg, SC_MULTILINK);
	assert_int_equal(pppdev_set_accm(&fake, 10, 0x000a0000), 0);
	assert_true(fk.calls[3].req == PPPIOCSASYNCMAP);
	assert_int_equal(fk.calls[3].iarg, 0x000a0000);
	/* out of range values are refused before any request */
	assert_int_equal(pppdev_set_mru(&fake, 10, 64), -1);
	assert_int_equal(pppdev_set_mru(&fake, 10, 70000), -1);
	assert_int_equal(pppdev_set_mrru(&fake, 10, 0), -1);
	assert_int_equal(fk.ncalls, 4);

	/* VJ slots: highest ids, transmit << 16 | receive (RFC 1144) */
	fk.ncalls = 0;
	assert_int_equal(pppdev_set_vj_slots(&fake, 10, 16, 16), 0);
	assert_true(fk.calls[0].req == PPPIOCSMAXCID);
	assert_int_equal(fk.calls[0].iarg, (15 << 16) | 15);
	assert_int_equal(pppdev_set_vj_slots(&fake, 10, 256, 16), -1);
	assert_int_equal(pppdev_set_vj_slots(&fake, 10, 16, 0), -1);
	assert_int_equal(fk.ncalls, 1);

	assert_int_equal(pppdev_set_npmode(&fake, 10, PPP_IP, true), 0);
	assert_int_equal(fk.last_np.protocol, PPP_IP);
	assert_int_equal(fk.last_np.mode, NPMODE_PASS);
	assert_int_equal(pppdev_set_npmode(&fake, 10, PPP_IPV6, false), 0);
	assert_int_equal(fk.last_np.protocol, PPP_IPV6);
	assert_int_equal(fk.last_np.mode, NPMODE_QUEUE);
	assert_int_equal(pppdev_set_npmode(&fake, 10, 0xc021, true), -1);
	assert_int_equal(errno, EINVAL);

	assert_int_equal(pppdev_idle(&fake, 10, &tx, &rx), 0);
	assert_int_equal(tx, 5);
	assert_int_equal(rx, 7);
	fk.fail_req = PPPIOCGIDLE64;
	assert_int_equal(pppdev_idle(&fake, 10, &tx, &rx), -1);
}

/* ---- PPTP ---- */

static struct in_addr
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct in_addr in;
	uint8_t *p = (uint8_t *)&in.s_addr;

	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return in;
}

static void
test_pptp_addr(void **state)
{
	struct sockaddr_pppox sa;
	const uint8_t *ip;
	struct in_addr any = { .s_addr = 0 };

	(void)state;
	memset(&sa, 0xa5, sizeof(sa));
	assert_int_equal(pppdev_pptp_addr(&sa, 0x1234, ip4(192, 0, 2, 7)), 0);
	assert_int_equal(sa.sa_family, AF_PPPOX);
	assert_int_equal(sa.sa_protocol, PX_PROTO_PPTP);
	/* the call id in host order (the kernel does htons on output) */
	assert_int_equal(sa.sa_addr.pptp.call_id, 0x1234);
	/* the address as on the wire */
	ip = (const uint8_t *)&sa.sa_addr.pptp.sin_addr;
	assert_int_equal(ip[0], 192);
	assert_int_equal(ip[3], 7);
	/* the rest of the union is zeroed */
	assert_int_equal(((const uint8_t *)&sa)[sizeof(sa) - 1], 0);
	/* a peer may use call id 0; no address is not an address */
	assert_int_equal(pppdev_pptp_addr(&sa, 0, ip4(10, 0, 0, 1)), 0);
	errno = 0;
	assert_int_equal(pppdev_pptp_addr(&sa, 5, any), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_pptp_channel(void **state)
{
	const uint8_t *ip;
	int sock = -1, chan = -1, chfd = -1;

	(void)state;
	fk_reset();
	assert_int_equal(pppdev_pptp_open(&fake, 0x0102, ip4(10, 1, 0, 1),
	    0xbeef, ip4(10, 1, 0, 2), &sock, &chan), 0);
	assert_int_equal(sock, 10);
	assert_int_equal(chan, 17);
	/* socket, bind (our end), connect (the peer's), PPPIOCGCHAN */
	assert_int_equal(fk.ncalls, 4);
	assert_string_equal(fk.calls[0].what, "socket");
	assert_int_equal(fk.calls[0].iarg, PX_PROTO_PPTP);
	assert_string_equal(fk.calls[1].what, "bind");
	assert_int_equal(fk.calls[1].fd, 10);
	assert_int_equal(fk_bound.sa_protocol, PX_PROTO_PPTP);
	assert_int_equal(fk_bound.sa_addr.pptp.call_id, 0x0102);
	ip = (const uint8_t *)&fk_bound.sa_addr.pptp.sin_addr;
	assert_int_equal(ip[3], 1);
	assert_string_equal(fk.calls[2].what, "connect");
	assert_int_equal(fk.last_sa.sa_protocol, PX_PROTO_PPTP);
	assert_int_equal(fk.last_sa.sa_addr.pptp.call_id, 0xbeef);
	ip = (const uint8_t *)&fk.last_sa.sa_addr.pptp.sin_addr;
	assert_int_equal(ip[3], 2);
	assert_true(fk.calls[3].req == PPPIOCGCHAN);
	assert_int_equal(fk.calls[3].fd, 10);
	/* the /dev/ppp side is the same as for every channel */
	assert_int_equal(pppdev_chan_attach(&fake, chan, &chfd), 0);
	assert_int_equal(fk.calls[5].iarg, 17);
	assert_int_equal(fk.open_fds, 2);

	/* the call id is taken in this kernel: EBUSY, nothing left open */
	fk_reset();
	fk.fail = "bind";
	fk.fail_errno = EBUSY;
	sock = -1;
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(sock, -1);
	assert_int_equal(fk.open_fds, 0);
	/* no route to the peer */
	fk_reset();
	fk.fail = "connect";
	fk.fail_errno = EHOSTUNREACH;
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	assert_int_equal(fk.open_fds, 0);
	/* no pptp module: the socket itself fails */
	fk_reset();
	fk.fail = "socket";
	fk.fail_errno = EPROTONOSUPPORT;
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
	assert_int_equal(fk.open_fds, 0);
	/* PPPIOCGCHAN refused */
	fk_reset();
	fk.fail_req = PPPIOCGCHAN;
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(fk.open_fds, 0);
	/* refused before any request: our call id 0, a missing address */
	fk_reset();
	assert_int_equal(pppdev_pptp_open(&fake, 0, ip4(10, 1, 0, 1), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(0, 0, 0, 0), 8,
	    ip4(10, 1, 0, 2), &sock, &chan), -1);
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 8,
	    ip4(0, 0, 0, 0), &sock, &chan), -1);
	assert_int_equal(fk.ncalls, 0);
	/* the peer's call id 0 is a call id */
	assert_int_equal(pppdev_pptp_open(&fake, 7, ip4(10, 1, 0, 1), 0,
	    ip4(10, 1, 0, 2), &sock, &chan), 0);
	assert_int_equal(fk.last_sa.sa_addr.pptp.call_id, 0);
}

/* ---- multilink (RFC 1990) on one unit (kmp) ---- */

static void
test_mp_flags(void **state)
{
	const uint32_t mp = SC_MULTILINK | SC_MP_SHORTSEQ | SC_MP_XSHORTSEQ;
	const uint32_t other = SC_CCP_OPEN | SC_CCP_UP | SC_REJ_COMP_TCP |
	    SC_DEBUG;
	struct pppdev_neg n;

	(void)state;
	memset(&n, 0, sizeof(n));
	/* single link: the MP bits are cleared, the rest stays */
	assert_int_equal(pppdev_mp_flags(other | mp, &n), other);
	assert_int_equal(pppdev_mp_flags(0, &n), 0);
	/* long numbers both ways (the default of RFC 1990 3) */
	n.multilink = true;
	assert_int_equal(pppdev_mp_flags(other, &n), other | SC_MULTILINK);
	/* receive short (we asked, the peer agreed): SHORTSEQ only */
	n.shortseq_rx = true;
	assert_int_equal(pppdev_mp_flags(0, &n),
	    SC_MULTILINK | SC_MP_SHORTSEQ);
	/* send short (the peer asked): XSHORTSEQ only */
	n.shortseq_rx = false;
	n.shortseq_tx = true;
	assert_int_equal(pppdev_mp_flags(SC_MP_SHORTSEQ, &n),
	    SC_MULTILINK | SC_MP_XSHORTSEQ);
	n.shortseq_rx = true;
	assert_int_equal(pppdev_mp_flags(other, &n), other | mp);
	/* VJ negotiation does not leak into the merged word */
	n.vj_rx = false;
	assert_int_equal(pppdev_mp_flags(SC_CCP_OPEN, &n) & SC_REJ_COMP_TCP,
	    0);
	/* shortseq without multilink means nothing */
	n.multilink = false;
	assert_int_equal(pppdev_mp_flags(mp, &n), 0);
}

static void
test_mp_setup(void **state)
{
	struct pppdev_neg n;

	(void)state;
	memset(&n, 0, sizeof(n));
	n.multilink = true;
	n.shortseq_tx = true;
	n.mrru = 1600;

	/* MRRU, then read-modify-write of the flags (CCP bits kept) */
	fk_reset();
	fk.gflags = SC_CCP_OPEN | SC_REJ_COMP_TCP;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), 0);
	assert_int_equal(fk.ncalls, 3);
	assert_true(fk.calls[0].req == PPPIOCSMRRU);
	assert_int_equal(fk.calls[0].fd, 10);
	assert_int_equal(fk.calls[0].iarg, 1600);
	assert_true(fk.calls[1].req == PPPIOCGFLAGS);
	assert_true(fk.calls[2].req == PPPIOCSFLAGS);
	assert_int_equal(fk.calls[2].fd, 10);
	assert_int_equal(fk.calls[2].iarg, SC_CCP_OPEN | SC_REJ_COMP_TCP |
	    SC_MULTILINK | SC_MP_XSHORTSEQ);

	/* single link: no MRRU, MP bits cleared */
	fk_reset();
	fk.gflags = SC_MULTILINK | SC_MP_SHORTSEQ | SC_DEBUG;
	n.multilink = false;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), 0);
	assert_int_equal(fk.ncalls, 2);
	assert_true(fk.calls[0].req == PPPIOCGFLAGS);
	assert_int_equal(fk.calls[1].iarg, SC_DEBUG);

	/* an MRRU LCP would never accept: refused before any request */
	fk_reset();
	n.multilink = true;
	n.mrru = 64;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fk.ncalls, 0);

	/* the kernel refuses a step: -1 with its errno, nothing after */
	n.mrru = 1600;
	fk_reset();
	fk.fail_req = PPPIOCSMRRU;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(fk.ncalls, 1);
	fk_reset();
	fk.fail_req = PPPIOCGFLAGS;
	fk.fail_errno = ENOTTY;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(fk.ncalls, 2);
	fk_reset();
	fk.fail_req = PPPIOCSFLAGS;
	fk.fail_errno = EINVAL;
	assert_int_equal(pppdev_mp_setup(&fake, 10, &n), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fk.ncalls, 3);
	assert_int_equal(fk.open_fds, 0);

	/* joining / leaving links: PPPIOCCONNECT unit, PPPIOCDISCONN */
	fk_reset();
	assert_int_equal(pppdev_chan_connect(&fake, 21, 3), 0);
	assert_int_equal(pppdev_chan_connect(&fake, 22, 3), 0);
	assert_int_equal(pppdev_chan_disconnect(&fake, 21), 0);
	assert_int_equal(fk.ncalls, 3);
	assert_true(fk.calls[0].req == PPPIOCCONNECT);
	assert_int_equal(fk.calls[0].fd, 21);
	assert_int_equal(fk.calls[0].iarg, 3);
	assert_true(fk.calls[1].req == PPPIOCCONNECT);
	assert_int_equal(fk.calls[1].fd, 22);
	assert_int_equal(fk.calls[1].iarg, 3);
	assert_true(fk.calls[2].req == PPPIOCDISCONN);
	assert_int_equal(fk.calls[2].fd, 21);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_pppoe_addr),
		cmocka_unit_test(test_unit_new),
		cmocka_unit_test(test_unit_new_named),
		cmocka_unit_test(test_pppoe_channel),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_pptp_addr),
		cmocka_unit_test(test_pptp_channel),
		cmocka_unit_test(test_mp_flags),	/* kmp */
		cmocka_unit_test(test_mp_setup),	/* kmp */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
