/*
 * l2tpnl.c - kernel L2TPv2 tunnels and sessions through the "l2tp"
 * generic netlink family and PX_PROTO_OL2TP sockets (see l2tpnl.h;
 * <linux/l2tp.h>, <linux/genetlink.h>, <linux/if_pppol2tp.h>,
 * Documentation/networking/l2tp.rst; RFC 2661 3.1 for the ids).
 *
 * Netlink messages are host byte order: a struct nlmsghdr (16 bytes),
 * a struct genlmsghdr (4), then attributes (struct nlattr: length,
 * type, value, padded to 4).  They are written and read here byte by
 * byte with memcpy, never through casts of the buffer.
 */
#include "l2tpnl.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>
#include <linux/netlink.h>
#include <linux/ppp-ioctl.h>

#define NL_HDRLEN	16	/* struct nlmsghdr */
#define GENL_HDRLEN_	4	/* struct genlmsghdr */
#define NLA_HDRLEN_	4	/* struct nlattr */
#define NL_ALIGN(n)	(((n) + 3u) & ~(size_t)3u)
#define NL_RCVTIMEO_MS	2000	/* the kernel answers at once */
#define NL_BUF		8192

/* ---- writer ---- */

struct nlw {
	uint8_t	*buf;
	size_t	 cap, len;
	bool	 err;
};

static void
nlw_put(struct nlw *w, const void *v, size_t n)
{
	size_t pad = NL_ALIGN(n) - n;

	if (w->err || w->cap - w->len < n + pad) {
		w->err = true;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, v, n);
	memset(w->buf + w->len + n, 0, pad);
	w->len += n + pad;
}

/* nlmsghdr (length patched by nlw_end) + genlmsghdr */
static void
nlw_begin(struct nlw *w, uint8_t *buf, size_t cap, uint16_t type,
    uint16_t flags, uint32_t seq, uint8_t cmd, uint8_t version)
{
	uint8_t h[NL_HDRLEN + GENL_HDRLEN_];
	uint32_t zero = 0;

	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = false;
	memset(h, 0, sizeof(h));
	memcpy(h + 4, &type, 2);
	memcpy(h + 6, &flags, 2);
	memcpy(h + 8, &seq, 4);
	memcpy(h + 12, &zero, 4);	/* port id: the kernel's 0 */
	h[16] = cmd;
	h[17] = version;
	nlw_put(w, h, sizeof(h));
}

static void
nlw_attr(struct nlw *w, uint16_t type, const void *v, size_t n)
{
	uint8_t h[NLA_HDRLEN_];
	uint16_t alen = (uint16_t)(NLA_HDRLEN_ + n);

	if (n > 0xffff - NLA_HDRLEN_) {
		w->err = true;
		return;
	}
	memcpy(h, &alen, 2);
	memcpy(h + 2, &type, 2);
	/* header and value are contiguous: pad only after the value */
	if (w->err || w->cap - w->len < NL_ALIGN(NLA_HDRLEN_ + n)) {
		w->err = true;
		return;
	}
	memcpy(w->buf + w->len, h, NLA_HDRLEN_);
	w->len += NLA_HDRLEN_;
	nlw_put(w, v, n);
}

static void
nlw_u8(struct nlw *w, uint16_t type, uint8_t v)
{
	nlw_attr(w, type, &v, 1);
}

static void
nlw_u16(struct nlw *w, uint16_t type, uint16_t v)
{
	nlw_attr(w, type, &v, 2);
}

static void
nlw_u32(struct nlw *w, uint16_t type, uint32_t v)
{
	nlw_attr(w, type, &v, 4);
}

static size_t
nlw_end(struct nlw *w)
{
	uint32_t len = (uint32_t)w->len;

	if (w->err)
		return 0;
	memcpy(w->buf, &len, 4);
	return w->len;
}

/* ---- pure: requests ---- */

size_t
l2tpnl_req_family(uint8_t *buf, size_t cap, uint32_t seq)
{
	struct nlw w;

	nlw_begin(&w, buf, cap, GENL_ID_CTRL, NLM_F_REQUEST, seq,
	    CTRL_CMD_GETFAMILY, 1);
	nlw_attr(&w, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME,
	    sizeof(L2TP_GENL_NAME));
	return nlw_end(&w);
}

/* An L2TP request with an ack asked for. */
static void
l2tpnl_begin(struct nlw *w, uint8_t *buf, size_t cap, uint16_t family,
    uint32_t seq, uint8_t cmd)
{
	nlw_begin(w, buf, cap, family, NLM_F_REQUEST | NLM_F_ACK, seq, cmd,
	    L2TP_GENL_VERSION);
}

size_t
l2tpnl_req_tunnel_create(uint8_t *buf, size_t cap, uint16_t family,
    uint32_t seq, uint16_t tid, uint16_t ptid, int fd)
{
	struct nlw w;

	l2tpnl_begin(&w, buf, cap, family, seq, L2TP_CMD_TUNNEL_CREATE);
	nlw_u32(&w, L2TP_ATTR_CONN_ID, tid);
	nlw_u32(&w, L2TP_ATTR_PEER_CONN_ID, ptid);
	nlw_u8(&w, L2TP_ATTR_PROTO_VERSION, 2);
	nlw_u16(&w, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	nlw_u32(&w, L2TP_ATTR_FD, (uint32_t)fd);
	return nlw_end(&w);
}

size_t
l2tpnl_req_tunnel_delete(uint8_t *buf, size_t cap, uint16_t family,
    uint32_t seq, uint16_t tid)
{
	struct nlw w;

	l2tpnl_begin(&w, buf, cap, family, seq, L2TP_CMD_TUNNEL_DELETE);
	nlw_u32(&w, L2TP_ATTR_CONN_ID, tid);
	return nlw_end(&w);
}

size_t
l2tpnl_req_session_create(uint8_t *buf, size_t cap, uint16_t family,
    uint32_t seq, const struct l2tpnl_sess *s)
{
	struct nlw w;

	l2tpnl_begin(&w, buf, cap, family, seq, L2TP_CMD_SESSION_CREATE);
	nlw_u32(&w, L2TP_ATTR_CONN_ID, s->tid);
	nlw_u32(&w, L2TP_ATTR_SESSION_ID, s->sid);
	nlw_u32(&w, L2TP_ATTR_PEER_SESSION_ID, s->psid);
	nlw_u16(&w, L2TP_ATTR_PW_TYPE, L2TP_PWTYPE_PPP);
	nlw_u8(&w, L2TP_ATTR_SEND_SEQ, s->send_seq ? 1 : 0);
	nlw_u8(&w, L2TP_ATTR_RECV_SEQ, 0);
	nlw_u8(&w, L2TP_ATTR_LNS_MODE, s->lns_mode ? 1 : 0);
	return nlw_end(&w);
}

size_t
l2tpnl_req_session_delete(uint8_t *buf, size_t cap, uint16_t family,
    uint32_t seq, uint16_t tid, uint16_t sid)
{
	struct nlw w;

	l2tpnl_begin(&w, buf, cap, family, seq, L2TP_CMD_SESSION_DELETE);
	nlw_u32(&w, L2TP_ATTR_CONN_ID, tid);
	nlw_u32(&w, L2TP_ATTR_SESSION_ID, sid);
	return nlw_end(&w);
}

/* ---- pure: answers ---- */

/* CTRL_ATTR_FAMILY_ID among the attributes a[0..n).  -1: malformed. */
static int
l2tpnl_family_id(const uint8_t *a, size_t n, uint16_t *id)
{
	uint16_t alen, type;
	bool found = false;

	while (n >= NLA_HDRLEN_) {
		memcpy(&alen, a, 2);
		memcpy(&type, a + 2, 2);
		if (alen < NLA_HDRLEN_ || alen > n)
			return -1;
		if ((type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
			if (alen < NLA_HDRLEN_ + 2)
				return -1;
			memcpy(id, a + NLA_HDRLEN_, 2);
			found = true;
		}
		if (NL_ALIGN(alen) >= n)
			break;
		a += NL_ALIGN(alen);
		n -= NL_ALIGN(alen);
	}
	return found && *id != 0 ? 0 : -1;
}

int
l2tpnl_parse(const uint8_t *p, size_t len, uint32_t seq,
    struct l2tpnl_reply *r)
{
	uint32_t mlen, mseq;
	uint16_t type;
	int32_t err;

	memset(r, 0, sizeof(*r));
	while (len >= NL_HDRLEN) {
		memcpy(&mlen, p, 4);
		memcpy(&type, p + 4, 2);
		memcpy(&mseq, p + 8, 4);
		if (mlen < NL_HDRLEN || mlen > len)
			return -1;
		if (mseq == seq) {
			if (type == NLMSG_ERROR) {
				if (mlen < NL_HDRLEN + 4)
					return -1;
				memcpy(&err, p + NL_HDRLEN, 4);
				/* the kernel sends -errno; keep it in range */
				if (err > 0 || err < -4095)
					return -1;
				r->kind = err == 0 ? L2TPNL_ACK : L2TPNL_ERROR;
				r->error = -err;
				return 0;
			}
			if (type == GENL_ID_CTRL) {
				if (mlen < NL_HDRLEN + GENL_HDRLEN_)
					return -1;
				if (p[NL_HDRLEN] != CTRL_CMD_NEWFAMILY)
					goto next;
				if (l2tpnl_family_id(p + NL_HDRLEN +
				    GENL_HDRLEN_, mlen - NL_HDRLEN -
				    GENL_HDRLEN_, &r->family) < 0) {
					r->family = 0;
					return -1;
				}
				r->kind = L2TPNL_FAMILY;
				return 0;
			}
		}
next:
		if (NL_ALIGN(mlen) >= len)
			break;
		p += NL_ALIGN(mlen);
		len -= NL_ALIGN(mlen);
	}
	return 0;
}

size_t
l2tpnl_pppox_addr(void *out, size_t cap, const struct l2tpnl_sess *s,
    int fd, const struct sockaddr *peer)
{
	struct sockaddr_pppol2tp a4;
	struct sockaddr_pppol2tpin6 a6;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (peer->sa_family == AF_INET) {
		if (cap < sizeof(a4))
			return 0;
		memset(&a4, 0, sizeof(a4));
		memcpy(&sin, peer, sizeof(sin));
		a4.sa_family = AF_PPPOX;
		a4.sa_protocol = PX_PROTO_OL2TP;
		a4.pppol2tp.pid = 0;		/* fd is ours */
		a4.pppol2tp.fd = fd;
		a4.pppol2tp.addr = sin;
		a4.pppol2tp.s_tunnel = s->tid;
		a4.pppol2tp.s_session = s->sid;
		a4.pppol2tp.d_tunnel = s->ptid;
		a4.pppol2tp.d_session = s->psid;
		memcpy(out, &a4, sizeof(a4));
		return sizeof(a4);
	}
	if (peer->sa_family == AF_INET6) {
		if (cap < sizeof(a6))
			return 0;
		memset(&a6, 0, sizeof(a6));
		memcpy(&sin6, peer, sizeof(sin6));
		a6.sa_family = AF_PPPOX;
		a6.sa_protocol = PX_PROTO_OL2TP;
		a6.pppol2tp.pid = 0;
		a6.pppol2tp.fd = fd;
		a6.pppol2tp.addr = sin6;
		a6.pppol2tp.s_tunnel = s->tid;
		a6.pppol2tp.s_session = s->sid;
		a6.pppol2tp.d_tunnel = s->ptid;
		a6.pppol2tp.d_session = s->psid;
		memcpy(out, &a6, sizeof(a6));
		return sizeof(a6);
	}
	return 0;
}

/* ---- run-time ---- */

static int
l2tpnl_real_socket(void)
{
	struct timeval tv = { NL_RCVTIMEO_MS / 1000,
		(NL_RCVTIMEO_MS % 1000) * 1000 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static ssize_t
l2tpnl_real_send(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do
		r = send(fd, buf, len, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t
l2tpnl_real_recv(int fd, void *buf, size_t cap)
{
	ssize_t r;

	do
		r = recv(fd, buf, cap, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

const struct l2tpnl_kernel l2tpnl_kernel_real = {
	.nl_socket = l2tpnl_real_socket,
	.nl_send = l2tpnl_real_send,
	.nl_recv = l2tpnl_real_recv,
	.ppp = &pppdev_kernel_real,
};

void
l2tpnl_init(struct l2tpnl *nl, const struct l2tpnl_kernel *k)
{
	memset(nl, 0, sizeof(*nl));
	nl->k = k;
	nl->fd = -1;
}

void
l2tpnl_close(struct l2tpnl *nl)
{
	if (nl->fd >= 0)
		nl->k->ppp->close(nl->fd);
	nl->fd = -1;
	nl->family = 0;
}

/*
 * Send req[0..len) (its sequence number is seq) and wait for the answer.
 * 0 with *r filled, or -1 with errno (the socket is closed on a transport
 * failure so that the next request starts afresh).
 */
static int
l2tpnl_exchange(struct l2tpnl *nl, const uint8_t *req, size_t len,
    uint32_t seq, struct l2tpnl_reply *r)
{
	uint8_t buf[NL_BUF];
	ssize_t n = -1;
	int tries, e;

	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (nl->k->nl_send(nl->fd, req, len) != (ssize_t)len)
		goto broken;
	/* skip what answers nothing of ours (bounded) */
	for (tries = 0; tries < 8; tries++) {
		n = nl->k->nl_recv(nl->fd, buf, sizeof(buf));
		if (n <= 0)
			goto broken;
		if (l2tpnl_parse(buf, (size_t)n, seq, r) < 0) {
			errno = EPROTO;
			goto broken;
		}
		if (r->kind != L2TPNL_NONE)
			return 0;
	}
	errno = ETIMEDOUT;
broken:
	e = n == 0 || errno == 0 ? EPROTO : errno;
	l2tpnl_close(nl);
	errno = e;
	return -1;
}

/* The socket open and the family resolved.  0 or -1 (errno). */
static int
l2tpnl_ready(struct l2tpnl *nl)
{
	uint8_t req[64];
	struct l2tpnl_reply r;
	uint32_t seq;

	if (nl->fd >= 0 && nl->family != 0)
		return 0;
	if (nl->fd < 0 && (nl->fd = nl->k->nl_socket()) < 0)
		return -1;
	seq = ++nl->seq;
	if (l2tpnl_exchange(nl, req, l2tpnl_req_family(req, sizeof(req), seq),
	    seq, &r) < 0)
		return -1;
	if (r.kind != L2TPNL_FAMILY) {
		/* ENOENT: no such family (l2tp_netlink not loadable) */
		errno = r.kind == L2TPNL_ERROR ? r.error : EPROTO;
		return -1;
	}
	nl->family = r.family;
	return 0;
}

/* One L2TP request built by the caller into req: 0 on ack, -1 (errno). */
static int
l2tpnl_do(struct l2tpnl *nl, const uint8_t *req, size_t len, uint32_t seq)
{
	struct l2tpnl_reply r;

	if (l2tpnl_exchange(nl, req, len, seq, &r) < 0)
		return -1;
	if (r.kind == L2TPNL_ACK)
		return 0;
	errno = r.kind == L2TPNL_ERROR ? r.error : EPROTO;
	return -1;
}

int
l2tpnl_probe(struct l2tpnl *nl)
{
	const struct pppdev_kernel *pk = nl->k->ppp;
	int px;

	if (l2tpnl_ready(nl) < 0)
		return -1;
	px = pk->socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (px < 0)
		return -1;
	pk->close(px);
	return 0;
}

int
l2tpnl_tunnel_create(struct l2tpnl *nl, uint16_t tid, uint16_t ptid, int fd)
{
	uint8_t req[128];
	uint32_t seq;

	if (l2tpnl_ready(nl) < 0)
		return -1;
	seq = ++nl->seq;
	return l2tpnl_do(nl, req, l2tpnl_req_tunnel_create(req, sizeof(req),
	    nl->family, seq, tid, ptid, fd), seq);
}

int
l2tpnl_tunnel_delete(struct l2tpnl *nl, uint16_t tid)
{
	uint8_t req[64];
	uint32_t seq;

	if (l2tpnl_ready(nl) < 0)
		return -1;
	seq = ++nl->seq;
	return l2tpnl_do(nl, req, l2tpnl_req_tunnel_delete(req, sizeof(req),
	    nl->family, seq, tid), seq);
}

static int
l2tpnl_session_delete(struct l2tpnl *nl, uint16_t tid, uint16_t sid)
{
	uint8_t req[64];
	uint32_t seq;

	if (l2tpnl_ready(nl) < 0)
		return -1;
	seq = ++nl->seq;
	return l2tpnl_do(nl, req, l2tpnl_req_session_delete(req, sizeof(req),
	    nl->family, seq, tid, sid), seq);
}

static void
l2tpnl_close_keep(const struct l2tpnl_kernel *k, int fd)
{
	int e = errno;

	if (fd >= 0)
		k->ppp->close(fd);
	errno = e;
}

int
l2tpnl_session_open(struct l2tpnl *nl, const struct l2tpnl_sess *s, int fd,
    const struct sockaddr *peer, int *sock, int *chfd, int *chan)
{
	const struct pppdev_kernel *pk = nl->k->ppp;
	union {
		struct sockaddr		sa;
		struct sockaddr_storage	ss;
	} a;
	uint8_t req[128];
	uint32_t seq;
	size_t alen;
	int px = -1, c = -1, e;

	alen = l2tpnl_pppox_addr(&a, sizeof(a), s, fd, peer);
	if (alen == 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (l2tpnl_ready(nl) < 0)
		return -1;
	seq = ++nl->seq;
	if (l2tpnl_do(nl, req, l2tpnl_req_session_create(req, sizeof(req),
	    nl->family, seq, s), seq) < 0)
		return -1;
	px = pk->socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (px < 0)
		goto fail;
	if (pk->connect(px, &a.sa, (socklen_t)alen) < 0)
		goto fail;
	if (pk->ioctl(px, PPPIOCGCHAN, &c) < 0)
		goto fail;
	if (pppdev_chan_attach(pk, c, chfd) < 0)
		goto fail;
	*sock = px;
	*chan = c;
	return 0;
fail:
	e = errno;
	/* the PPPoX socket deletes a session it is connected to */
	l2tpnl_close_keep(nl->k, px);
	(void)l2tpnl_session_delete(nl, s->tid, s->sid);
	errno = e;
	return -1;
}

void
l2tpnl_session_close(struct l2tpnl *nl, uint16_t tid, uint16_t sid,
    int sock, int chfd)
{
	const struct pppdev_kernel *pk = nl->k->ppp;

	if (chfd >= 0)
		pk->close(chfd);
	if (sock >= 0)
		pk->close(sock);
	/* normally gone with the socket: ENODEV is the expected answer */
	(void)l2tpnl_session_delete(nl, tid, sid);
}
