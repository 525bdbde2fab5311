/*
 * pppdev.c - Linux ppp_generic (/dev/ppp) and PPPoX requests (see
 * pppdev.h; RFC 1661 6.5/6.6, RFC 1990, RFC 2516 4, RFC 2637 4).
 */
#include "pppdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <linux/ppp-comp.h>

#define PPPDEV_PATH	"/dev/ppp"
/* smallest MRU/MRRU handed to the kernel (as LCP accepts) */
#define PPPDEV_MIN_MRU	128

/* ---- libc as the kernel ---- */

static int
real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int
real_close(int fd)
{
	return close(fd);
}

static int
real_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static int
real_socket(int domain, int type, int proto)
{
	return socket(domain, type, proto);
}

static int
real_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return connect(fd, sa, len);
}

static int
real_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	return bind(fd, sa, len);
}

const struct pppdev_kernel pppdev_kernel_real = {
	.open = real_open,
	.close = real_close,
	.ioctl = real_ioctl,
	.socket = real_socket,
	.connect = real_connect,
	.bind = real_bind,
};

/* Close fd keeping the caller's errno. */
static void
pppdev_close_keep(const struct pppdev_kernel *k, int fd)
{
	int e = errno;

	if (fd >= 0)
		k->close(fd);
	errno = e;
}

/* ---- pure ---- */

uint32_t
pppdev_unit_flags(const struct pppdev_neg *n)
{
	uint32_t fl = 0;

	if (n->multilink) {
		fl |= SC_MULTILINK;
		if (n->shortseq_rx)
			fl |= SC_MP_SHORTSEQ;
		if (n->shortseq_tx)
			fl |= SC_MP_XSHORTSEQ;
	}
	if (!n->vj_rx)
		fl |= SC_REJ_COMP_TCP;
	return fl;
}

uint32_t
pppdev_async_flags(const struct pppdev_neg *n)
{
	uint32_t fl = 0;

	if (n->pfc_tx)
		fl |= SC_COMP_PROT;
	if (n->acfc_tx)
		fl |= SC_COMP_AC;
	return fl;
}

int
pppdev_pppoe_addr(struct sockaddr_pppox *sa, uint16_t sid,
    const uint8_t mac[6], const char *dev)
{
	size_t len;

	/* RFC 2516 4: 0x0000 is the discovery stage, 0xffff reserved */
	if (sid == 0 || sid == 0xffff || dev == NULL) {
		errno = EINVAL;
		return -1;
	}
	len = strlen(dev);
	if (len == 0 || len >= sizeof(sa->sa_addr.pppoe.dev) ||
	    len >= IFNAMSIZ) {
		errno = EINVAL;
		return -1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sa_family = AF_PPPOX;
	sa->sa_protocol = PX_PROTO_OE;
	/* the kernel compares it with the frame's field: network order */
	sa->sa_addr.pppoe.sid = htons(sid);
	memcpy(sa->sa_addr.pppoe.remote, mac, 6);
	memcpy(sa->sa_addr.pppoe.dev, dev, len);
	return 0;
}

/* ---- run-time ---- */

int
pppdev_probe(const struct pppdev_kernel *k)
{
	int fd = k->open(PPPDEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	k->close(fd);
	return 0;
}

int
pppdev_unit_new(const struct pppdev_kernel *k, int want, int *fd, int *unit)
{
	int f, u = want;

	f = k->open(PPPDEV_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f < 0)
		return -1;
	if (k->ioctl(f, PPPIOCNEWUNIT, &u) < 0)
		goto fail;
	*fd = f;
	*unit = u;
	return 0;
fail:
	pppdev_close_keep(k, f);
	return -1;
}

int
pppdev_unit_new_named(const struct pppdev_kernel *k, const char *name,
    int (*create)(const char *name, int fd), int *fd, int *unit)
{
	int f, u = -1;

	f = k->open(PPPDEV_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f < 0)
		return -1;
	if (create(name, f) < 0)
		goto fail;
	/* the unit exists now: closing f on failure removes it again */
	if (k->ioctl(f, PPPIOCGUNIT, &u) < 0)
		goto fail;
	*fd = f;
	*unit = u;
	return 0;
fail:
	pppdev_close_keep(k, f);
	return -1;
}

int
pppdev_pppoe_open(const struct pppdev_kernel *k, uint16_t sid,
    const uint8_t mac[6], const char *dev, int *sock, int *chan)
{
	union {
		struct sockaddr_pppox	px;	/* packed: no pointer casts */
		struct sockaddr		sa;
	} a;
	int s, c = -1;

	if (pppdev_pppoe_addr(&a.px, sid, mac, dev) < 0)
		return -1;
	s = k->socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_OE);
	if (s < 0)
		return -1;
	if (k->connect(s, &a.sa, sizeof(a.px)) < 0)
		goto fail;
	if (k->ioctl(s, PPPIOCGCHAN, &c) < 0)
		goto fail;
	*sock = s;
	*chan = c;
	return 0;
fail:
	pppdev_close_keep(k, s);
	return -1;
}

int
pppdev_chan_attach(const struct pppdev_kernel *k, int chan, int *fd)
{
	int f, c = chan;

	f = k->open(PPPDEV_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f < 0)
		return -1;
	if (k->ioctl(f, PPPIOCATTCHAN, &c) < 0)
		goto fail;
	*fd = f;
	return 0;
fail:
	pppdev_close_keep(k, f);
	return -1;
}

int
pppdev_chan_connect(const struct pppdev_kernel *k, int chfd, int unit)
{
	int u = unit;

	return k->ioctl(chfd, PPPIOCCONNECT, &u) < 0 ? -1 : 0;
}

int
pppdev_chan_disconnect(const struct pppdev_kernel *k, int chfd)
{
	return k->ioctl(chfd, PPPIOCDISCONN, NULL) < 0 ? -1 : 0;
}

/* One int-argument request. */
static int
pppdev_set_int(const struct pppdev_kernel *k, int fd, unsigned long req,
    int v)
{
	return k->ioctl(fd, req, &v) < 0 ? -1 : 0;
}

int
pppdev_set_mru(const struct pppdev_kernel *k, int fd, int mru)
{
	if (mru < PPPDEV_MIN_MRU || mru > 65535) {
		errno = EINVAL;
		return -1;
	}
	return pppdev_set_int(k, fd, PPPIOCSMRU, mru);
}

int
pppdev_set_mrru(const struct pppdev_kernel *k, int fd, int mrru)
{
	if (mrru < PPPDEV_MIN_MRU || mrru > 65535) {
		errno = EINVAL;
		return -1;
	}
	return pppdev_set_int(k, fd, PPPIOCSMRRU, mrru);
}

int
pppdev_set_flags(const struct pppdev_kernel *k, int fd, uint32_t fl)
{
	return pppdev_set_int(k, fd, PPPIOCSFLAGS, (int)fl);
}

int
pppdev_set_accm(const struct pppdev_kernel *k, int fd, uint32_t accm)
{
	uint32_t a = accm;

	return k->ioctl(fd, PPPIOCSASYNCMAP, &a) < 0 ? -1 : 0;
}

int
pppdev_set_vj_slots(const struct pppdev_kernel *k, int fd, int rx_slots,
    int tx_slots)
{
	if (rx_slots < 1 || rx_slots > 255 || tx_slots < 1 || tx_slots > 255) {
		errno = EINVAL;
		return -1;
	}
	/* highest slot ids: transmit in the upper half, receive below */
	return pppdev_set_int(k, fd, PPPIOCSMAXCID,
	    ((tx_slots - 1) << 16) | (rx_slots - 1));
}

int
pppdev_set_npmode(const struct pppdev_kernel *k, int fd, int proto, bool pass)
{
	struct npioctl np;

	if (proto != PPP_IP && proto != PPP_IPV6) {
		errno = EINVAL;
		return -1;
	}
	memset(&np, 0, sizeof(np));
	np.protocol = proto;
	np.mode = pass ? NPMODE_PASS : NPMODE_QUEUE;
	return k->ioctl(fd, PPPIOCSNPMODE, &np) < 0 ? -1 : 0;
}

int
pppdev_idle(const struct pppdev_kernel *k, int fd, long *xmit, long *recv)
{
	struct ppp_idle64 id;

	memset(&id, 0, sizeof(id));
	if (k->ioctl(fd, PPPIOCGIDLE64, &id) < 0)
		return -1;
	*xmit = (long)id.xmit_idle;
	*recv = (long)id.recv_idle;
	return 0;
}

/* ---- PPTP ---- */

int
pppdev_pptp_addr(struct sockaddr_pppox *sa, uint16_t call_id,
    struct in_addr addr)
{
	if (addr.s_addr == htonl(INADDR_ANY)) {
		errno = EINVAL;
		return -1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sa_family = AF_PPPOX;
	sa->sa_protocol = PX_PROTO_PPTP;
	/* host order: the kernel converts when it writes the GRE key */
	sa->sa_addr.pptp.call_id = call_id;
	sa->sa_addr.pptp.sin_addr = addr;
	return 0;
}

int
pppdev_pptp_open(const struct pppdev_kernel *k, uint16_t cid,
    struct in_addr self, uint16_t pcid, struct in_addr peer, int *sock,
    int *chan)
{
	union {
		struct sockaddr_pppox	px;	/* packed: no pointer casts */
		struct sockaddr		sa;
	} local, remote;
	int s, c = -1;

	if (k->bind == NULL || cid == 0 ||
	    pppdev_pptp_addr(&local.px, cid, self) < 0 ||
	    pppdev_pptp_addr(&remote.px, pcid, peer) < 0) {
		errno = EINVAL;
		return -1;
	}
	s = k->socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (s < 0)
		return -1;
	if (k->bind(s, &local.sa, sizeof(local.px)) < 0)
		goto fail;
	if (k->connect(s, &remote.sa, sizeof(remote.px)) < 0)
		goto fail;
	if (k->ioctl(s, PPPIOCGCHAN, &c) < 0)
		goto fail;
	*sock = s;
	*chan = c;
	return 0;
fail:
	pppdev_close_keep(k, s);
	return -1;
}

/* ---- multilink (RFC 1990) on one unit ---- */

#define PPPDEV_MP_BITS	(SC_MULTILINK | SC_MP_SHORTSEQ | SC_MP_XSHORTSEQ)

uint32_t
pppdev_mp_flags(uint32_t cur, const struct pppdev_neg *n)
{
	return (cur & ~(uint32_t)PPPDEV_MP_BITS) |
	    (pppdev_unit_flags(n) & PPPDEV_MP_BITS);
}

int
pppdev_mp_setup(const struct pppdev_kernel *k, int fd,
    const struct pppdev_neg *n)
{
	int cur = 0;

	if (n->multilink && pppdev_set_mrru(k, fd, n->mrru) < 0)
		return -1;
	if (k->ioctl(fd, PPPIOCGFLAGS, &cur) < 0)
		return -1;
	return pppdev_set_flags(k, fd, pppdev_mp_flags((uint32_t)cur, n));
}

/* ---- CCP in the kernel (kccp) ---- */

size_t
pppdev_ccp_mppe_opt(uint8_t *buf, size_t len, uint32_t bits,
    const uint8_t key[16])
{
	if (len < 6 + 16)
		return 0;
	buf[0] = CI_MPPE;
	buf[1] = 6;
	buf[2] = (uint8_t)(bits >> 24);
	buf[3] = (uint8_t)(bits >> 16);
	buf[4] = (uint8_t)(bits >> 8);
	buf[5] = (uint8_t)bits;
	memcpy(buf + 6, key, 16);
	return 6 + 16;
}

size_t
pppdev_ccp_deflate_opt(uint8_t *buf, size_t len, int type, int wbits)
{
	if (len < 4 || (type != CI_DEFLATE && type != CI_DEFLATE_DRAFT) ||
	    wbits < 9 || wbits > 15)
		return 0;
	buf[0] = (uint8_t)type;
	buf[1] = 4;
	/* RFC 1979 2: window in the high nibble (minus 8), method 8 */
	buf[2] = (uint8_t)(((wbits - 8) << 4) | 8);
	buf[3] = 0;
	return 4;
}

int
pppdev_set_compress(const struct pppdev_kernel *k, int fd, const uint8_t *opt,
    size_t len, bool transmit)
{
	uint8_t copy[PPPDEV_CCP_OPT_MAX];
	struct ppp_option_data od;

	if (len < 2 || len > sizeof(copy)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(copy, opt, len);
	memset(&od, 0, sizeof(od));
	od.ptr = copy;
	od.length = (unsigned)len;
	od.transmit = transmit ? 1 : 0;
	if (k->ioctl(fd, PPPIOCSCOMPRESS, &od) < 0) {
		memset(copy, 0, sizeof(copy));	/* a key may be in it */
		return -1;
	}
	memset(copy, 0, sizeof(copy));
	return 0;
}

uint32_t
pppdev_ccp_flag_word(uint32_t cur, bool open, bool up)
{
	cur &= ~(uint32_t)(SC_CCP_OPEN | SC_CCP_UP);
	if (open)
		cur |= SC_CCP_OPEN;
	if (open && up)
		cur |= SC_CCP_UP;
	return cur;
}

int
pppdev_ccp_flags(const struct pppdev_kernel *k, int fd, bool open, bool up)
{
	int cur = 0;

	if (k->ioctl(fd, PPPIOCGFLAGS, &cur) < 0)
		return -1;
	return pppdev_set_flags(k, fd,
	    pppdev_ccp_flag_word((uint32_t)cur, open, up));
}
