/*
 * netif.c - rtnetlink (RFC 3549) glue for the interface layer: addresses
 * with a point-to-point peer, IPv6 link-local addresses, routes through an
 * interface, proxy neighbour entries (mpd5's `arp -s ... pub`, here
 * RTM_NEWNEIGH with NTF_PROXY), MTU, up/down, rename (IFLA_IFNAME) and
 * description (IFLA_IFALIAS, mpd5's SIOCSIFDESCR).
 *
 * Netlink messages are in host byte order and laid out by the kernel ABI
 * structs of <linux/netlink.h> and <linux/rtnetlink.h>.  The builder below
 * never overlays a struct on the buffer: fixed headers are filled in a
 * local variable and copied in, attributes are appended with explicit
 * bounds checks and zeroed alignment padding, and the parsers copy fixed
 * headers out before reading them.  A builder that runs out of room sets
 * an error flag that is checked once at the end.
 *
 * Run-time calls use one short-lived socket per request, opened in the
 * caller's current network namespace (tests unshare a namespace after
 * the process started), with a receive timeout so a lost reply can never
 * hang the event loop.
 */
#include "netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../core/mem.h"

/* Bytes reserved for one received batch of dump replies. */
#define NETIF_RCVBUF	65536

/* ---- the bounded message builder ---- */

struct nlb {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	bool		 error;
};

static void
nlb_init(struct nlb *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->error = false;
}

/* Append n bytes of p (zeros when p is NULL), then pad to 4 bytes. */
static void
nlb_put(struct nlb *b, const void *p, size_t n)
{
	size_t pad = NLMSG_ALIGN(n) - n;

	if (b->error || n + pad > b->cap - b->len) {
		b->error = true;
		return;
	}
	if (p != NULL)
		memcpy(b->buf + b->len, p, n);
	else
		memset(b->buf + b->len, 0, n);
	memset(b->buf + b->len + n, 0, pad);
	b->len += n + pad;
}

/* Start a message: header with a length patched by nlb_end(). */
static void
nlb_begin(struct nlb *b, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_type = type;
	h.nlmsg_flags = flags;
	h.nlmsg_seq = seq;
	nlb_put(b, &h, sizeof(h));
}

/* Patch a 16-bit length field at off (host order). */
static void
nlb_patch16(struct nlb *b, size_t off, size_t v)
{
	uint16_t x = (uint16_t)v;

	if (v > UINT16_MAX) {
		b->error = true;
		return;
	}
	memcpy(b->buf + off, &x, sizeof(x));
}

/* Finish: store nlmsg_len.  Returns the length or -1. */
static int
nlb_end(struct nlb *b)
{
	uint32_t len = (uint32_t)b->len;

	if (b->error || b->len < sizeof(struct nlmsghdr))
		return -1;
	memcpy(b->buf + offsetof(struct nlmsghdr, nlmsg_len), &len,
	    sizeof(len));
	return (int)b->len;
}

static void
nlb_attr(struct nlb *b, uint16_t type, const void *data, size_t n)
{
	struct rtattr a;

	if (n > UINT16_MAX - RTA_LENGTH(0)) {
		b->error = true;
		return;
	}
	a.rta_len = (unsigned short)RTA_LENGTH(n);
	a.rta_type = type;
	nlb_put(b, &a, sizeof(a));
	if (n > 0)
		nlb_put(b, data, n);
}

static void
nlb_attr_u32(struct nlb *b, uint16_t type, uint32_t v)
{
	nlb_attr(b, type, &v, sizeof(v));
}

/* Open a nested attribute; returns the offset to pass to nlb_nest_end. */
static size_t
nlb_nest(struct nlb *b, uint16_t type)
{
	size_t off = b->len;

	nlb_attr(b, type, NULL, 0);
	return off;
}

static void
nlb_nest_end(struct nlb *b, size_t off)
{
	if (!b->error)
		nlb_patch16(b, off + offsetof(struct rtattr, rta_len),
		    b->len - off);
}

/* Bytes of an address and their length for its family (0 if none). */
static size_t
addr_bytes(const struct u_addr *a, const void **p)
{
	switch (a->family) {
	case AF_INET:
		*p = &a->u.ip4;
		return 4;
	case AF_INET6:
		*p = &a->u.ip6;
		return 16;
	default:
		*p = NULL;
		return 0;
	}
}

static unsigned
host_width(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* ---- request builders ---- */

int
netif_build_addr(uint8_t *buf, size_t cap, uint32_t seq, bool add,
    int ifindex, const struct u_addr *local, const struct u_addr *peer,
    unsigned prefixlen, uint32_t flags)
{
	struct nlb b;
	struct ifaddrmsg ifa;
	const void *lp, *pp;
	size_t ln, pn;

	ln = addr_bytes(local, &lp);
	if (ln == 0 || prefixlen > host_width(local->family) || ifindex <= 0)
		return -1;
	if (peer != NULL && peer->family != AF_UNSPEC) {
		if (peer->family != local->family)
			return -1;
		pn = addr_bytes(peer, &pp);
	} else {
		pp = lp;
		pn = ln;
	}
	nlb_init(&b, buf, cap);
	nlb_begin(&b, add ? RTM_NEWADDR : RTM_DELADDR,
	    NLM_F_REQUEST | NLM_F_ACK |
	    (add ? NLM_F_CREATE | NLM_F_REPLACE : 0), seq);
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = (unsigned char)local->family;
	ifa.ifa_prefixlen = (unsigned char)prefixlen;
	ifa.ifa_flags = (unsigned char)(flags & 0xff);
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (unsigned)ifindex;
	nlb_put(&b, &ifa, sizeof(ifa));
	nlb_attr(&b, IFA_LOCAL, lp, ln);
	nlb_attr(&b, IFA_ADDRESS, pp, pn);
	if (add && flags > 0xff)
		nlb_attr_u32(&b, IFA_FLAGS, flags);
	return nlb_end(&b);
}

int
netif_build_route(uint8_t *buf, size_t cap, uint32_t seq, bool add,
    int ifindex, const struct u_range *dst)
{
	struct nlb b;
	struct rtmsg rt;
	const void *p;
	size_t n;

	n = addr_bytes(&dst->addr, &p);
	if (n == 0 || dst->width > host_width(dst->addr.family) ||
	    ifindex <= 0)
		return -1;
	nlb_init(&b, buf, cap);
	nlb_begin(&b, add ? RTM_NEWROUTE : RTM_DELROUTE,
	    NLM_F_REQUEST | NLM_F_ACK |
	    (add ? NLM_F_CREATE | NLM_F_EXCL : 0), seq);
	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (unsigned char)dst->addr.family;
	rt.rtm_dst_len = dst->width;
	rt.rtm_table = RT_TABLE_MAIN;
	rt.rtm_protocol = RTPROT_STATIC;
	if (add) {
		rt.rtm_scope = RT_SCOPE_LINK;
		rt.rtm_type = RTN_UNICAST;
	} else {
		/* Match any scope and type of our own (static) route. */
		rt.rtm_scope = RT_SCOPE_NOWHERE;
		rt.rtm_type = RTN_UNSPEC;
	}
	nlb_put(&b, &rt, sizeof(rt));
	if (dst->width > 0)
		nlb_attr(&b, RTA_DST, p, n);
	nlb_attr_u32(&b, RTA_OIF, (uint32_t)ifindex);
	return nlb_end(&b);
}

int
netif_build_neigh(uint8_t *buf, size_t cap, uint32_t seq, bool add,
    int ifindex, const struct u_addr *dst, bool proxy)
{
	struct nlb b;
	struct ndmsg nd;
	const void *p;
	size_t n;

	n = addr_bytes(dst, &p);
	if (n == 0 || ifindex <= 0)
		return -1;
	nlb_init(&b, buf, cap);
	nlb_begin(&b, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
	    NLM_F_REQUEST | NLM_F_ACK |
	    (add ? NLM_F_CREATE | NLM_F_REPLACE : 0), seq);
	memset(&nd, 0, sizeof(nd));
	nd.ndm_family = (unsigned char)dst->family;
	nd.ndm_ifindex = ifindex;
	nd.ndm_state = NUD_PERMANENT;
	nd.ndm_flags = proxy ? NTF_PROXY : 0;
	nlb_put(&b, &nd, sizeof(nd));
	nlb_attr(&b, NDA_DST, p, n);
	return nlb_end(&b);
}

void
netif_link_set_init(struct netif_link_set *s)
{
	memset(s, 0, sizeof(*s));
	s->up = -1;
	s->addr_gen_mode = -1;
	s->group = -1;
}

int
netif_build_link(uint8_t *buf, size_t cap, uint32_t seq, int ifindex,
    const struct netif_link_set *s)
{
	struct nlb b;
	struct ifinfomsg ifi;
	size_t spec, inet6, n;
	uint8_t mode;

	if (ifindex <= 0 || s->mtu < 0)
		return -1;
	nlb_init(&b, buf, cap);
	nlb_begin(&b, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	if (s->up >= 0) {
		ifi.ifi_flags = s->up ? IFF_UP : 0;
		ifi.ifi_change = IFF_UP;
	}
	nlb_put(&b, &ifi, sizeof(ifi));
	if (s->name != NULL) {
		n = strlen(s->name);
		if (n == 0 || n >= IFNAMSIZ)
			return -1;
		nlb_attr(&b, IFLA_IFNAME, s->name, n + 1);
	}
	if (s->mtu > 0)
		nlb_attr_u32(&b, IFLA_MTU, (uint32_t)s->mtu);
	if (s->alias != NULL) {
		/* No terminating NUL: a zero length clears the alias. */
		n = strlen(s->alias);
		if (n >= 256)
			return -1;
		nlb_attr(&b, IFLA_IFALIAS, s->alias, n);
	}
	if (s->group >= 0)
		nlb_attr_u32(&b, IFLA_GROUP, (uint32_t)s->group);
	if (s->addr_gen_mode >= 0) {
		mode = (uint8_t)s->addr_gen_mode;
		spec = nlb_nest(&b, IFLA_AF_SPEC);
		inet6 = nlb_nest(&b, AF_INET6);
		nlb_attr(&b, IFLA_INET6_ADDR_GEN_MODE, &mode, 1);
		nlb_nest_end(&b, inet6);
		nlb_nest_end(&b, spec);
	}
	return nlb_end(&b);
}

int
netif_build_ppp_newlink(uint8_t *buf, size_t cap, uint32_t seq,
    const char *name, int ppp_fd)
{
	struct nlb b;
	struct ifinfomsg ifi;
	size_t info, data, n;

	n = name != NULL ? strlen(name) : 0;
	if (n == 0 || n >= IFNAMSIZ || ppp_fd < 0)
		return -1;
	nlb_init(&b, buf, cap);
	nlb_begin(&b, RTM_NEWLINK,
	    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	nlb_put(&b, &ifi, sizeof(ifi));
	nlb_attr(&b, IFLA_IFNAME, name, n + 1);
	info = nlb_nest(&b, IFLA_LINKINFO);
	nlb_attr(&b, IFLA_INFO_KIND, "ppp", 4);
	data = nlb_nest(&b, IFLA_INFO_DATA);
	nlb_attr_u32(&b, IFLA_PPP_DEV_FD, (uint32_t)ppp_fd);
	nlb_nest_end(&b, data);
	nlb_nest_end(&b, info);
	return nlb_end(&b);
}

int
netif_build_dump(uint8_t *buf, size_t cap, uint32_t seq, int type,
    int family, unsigned ndm_flags)
{
	struct nlb b;

	nlb_init(&b, buf, cap);
	nlb_begin(&b, (uint16_t)type, NLM_F_REQUEST | NLM_F_DUMP, seq);
	switch (type) {
	case RTM_GETLINK: {
		struct ifinfomsg ifi;

		memset(&ifi, 0, sizeof(ifi));
		ifi.ifi_family = (unsigned char)family;
		nlb_put(&b, &ifi, sizeof(ifi));
		break;
	}
	case RTM_GETADDR: {
		struct ifaddrmsg ifa;

		memset(&ifa, 0, sizeof(ifa));
		ifa.ifa_family = (unsigned char)family;
		nlb_put(&b, &ifa, sizeof(ifa));
		break;
	}
	case RTM_GETROUTE: {
		struct rtmsg rt;

		memset(&rt, 0, sizeof(rt));
		rt.rtm_family = (unsigned char)family;
		nlb_put(&b, &rt, sizeof(rt));
		break;
	}
	case RTM_GETNEIGH: {
		struct ndmsg nd;

		memset(&nd, 0, sizeof(nd));
		nd.ndm_family = (unsigned char)family;
		nd.ndm_flags = (uint8_t)ndm_flags;
		nlb_put(&b, &nd, sizeof(nd));
		break;
	}
	default:
		return -1;
	}
	return nlb_end(&b);
}

/* RTM_GETLINK for one interface (not a dump). */
static int
build_link_get(uint8_t *buf, size_t cap, uint32_t seq, int ifindex)
{
	struct nlb b;
	struct ifinfomsg ifi;

	nlb_init(&b, buf, cap);
	nlb_begin(&b, RTM_GETLINK, NLM_F_REQUEST, seq);
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_index = ifindex;
	nlb_put(&b, &ifi, sizeof(ifi));
	return nlb_end(&b);
}

/* ---- parsers ---- */

int
netif_msg_next(const uint8_t *buf, size_t size, size_t *off,
    const uint8_t **msg, size_t *len)
{
	struct nlmsghdr h;
	size_t left;

	if (*off >= size)
		return 0;
	left = size - *off;
	if (left < sizeof(h))
		return -1;
	memcpy(&h, buf + *off, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > left)
		return -1;
	*msg = buf + *off;
	*len = h.nlmsg_len;
	/* The last message need not carry its alignment padding. */
	if (NLMSG_ALIGN(h.nlmsg_len) >= left)
		*off = size;
	else
		*off += NLMSG_ALIGN(h.nlmsg_len);
	return 1;
}

/*
 * Check that msg is a message of type type holding at least fixed bytes
 * of fixed header; copy the header out.  Returns the offset of the first
 * attribute or 0 on error.
 */
static size_t
parse_head(const uint8_t *msg, size_t len, uint16_t type, void *fixed,
    size_t fixed_len)
{
	struct nlmsghdr h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_type != type || h.nlmsg_len < sizeof(h) ||
	    h.nlmsg_len > len)
		return 0;
	if (h.nlmsg_len - NLMSG_HDRLEN < fixed_len)
		return 0;
	memcpy(fixed, msg + NLMSG_HDRLEN, fixed_len);
	return NLMSG_HDRLEN + NLMSG_ALIGN(fixed_len);
}

/* Attribute walker over msg[off..end). */
struct nla_iter {
	const uint8_t	*msg;
	size_t		 off, end;
};

/* Next attribute: 1 with type/data/len, 0 at the end, -1 malformed. */
static int
nla_next(struct nla_iter *it, uint16_t *type, const uint8_t **data,
    size_t *len)
{
	struct rtattr a;

	if (it->off >= it->end)
		return 0;
	if (it->end - it->off < sizeof(a))
		return -1;
	memcpy(&a, it->msg + it->off, sizeof(a));
	if (a.rta_len < sizeof(a) || a.rta_len > it->end - it->off)
		return -1;
	*type = a.rta_type & NLA_TYPE_MASK;
	*data = it->msg + it->off + RTA_LENGTH(0);
	*len = a.rta_len - RTA_LENGTH(0);
	if (RTA_ALIGN(a.rta_len) >= it->end - it->off)
		it->off = it->end;
	else
		it->off += RTA_ALIGN(a.rta_len);
	return 1;
}

static void
nla_iter_init(struct nla_iter *it, const uint8_t *msg, size_t len,
    size_t off)
{
	struct nlmsghdr h;

	memcpy(&h, msg, sizeof(h));
	it->msg = msg;
	it->off = off;
	it->end = h.nlmsg_len < len ? h.nlmsg_len : len;
}

static int
get_addr(int family, const uint8_t *p, size_t n, struct u_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET && n == 4) {
		memcpy(&a->u.ip4, p, 4);
	} else if (family == AF_INET6 && n == 16) {
		memcpy(&a->u.ip6, p, 16);
	} else {
		return -1;
	}
	a->family = (sa_family_t)family;
	return 0;
}

static int
get_u32(const uint8_t *p, size_t n, uint32_t *v)
{
	if (n < sizeof(*v))
		return -1;
	memcpy(v, p, sizeof(*v));
	return 0;
}

int
netif_parse_error(const uint8_t *msg, size_t len, int *err)
{
	struct nlmsgerr e;

	if (parse_head(msg, len, NLMSG_ERROR, &e, sizeof(e.error)) == 0)
		return -1;
	*err = e.error;
	return 0;
}

int
netif_parse_addr(const uint8_t *msg, size_t len, struct netif_addr *a)
{
	struct ifaddrmsg ifa;
	struct nla_iter it;
	const uint8_t *d;
	uint16_t type;
	size_t off, n;
	uint32_t v;
	int rc;

	memset(a, 0, sizeof(*a));
	off = parse_head(msg, len, RTM_NEWADDR, &ifa, sizeof(ifa));
	if (off == 0)
		return -1;
	a->ifindex = (int)ifa.ifa_index;
	a->family = ifa.ifa_family;
	a->prefixlen = ifa.ifa_prefixlen;
	a->scope = ifa.ifa_scope;
	a->flags = ifa.ifa_flags;
	nla_iter_init(&it, msg, len, off);
	while ((rc = nla_next(&it, &type, &d, &n)) == 1) {
		switch (type) {
		case IFA_LOCAL:
			if (get_addr(a->family, d, n, &a->local) < 0)
				return -1;
			break;
		case IFA_ADDRESS:
			if (get_addr(a->family, d, n, &a->address) < 0)
				return -1;
			break;
		case IFA_FLAGS:
			if (get_u32(d, n, &v) < 0)
				return -1;
			a->flags = v;
			break;
		default:
			break;
		}
	}
	return rc;
}

int
netif_parse_route(const uint8_t *msg, size_t len, struct netif_route *r)
{
	struct rtmsg rt;
	struct nla_iter it;
	const uint8_t *d;
	uint16_t type;
	size_t off, n;
	uint32_t v;
	int rc;

	memset(r, 0, sizeof(*r));
	off = parse_head(msg, len, RTM_NEWROUTE, &rt, sizeof(rt));
	if (off == 0)
		return -1;
	r->family = rt.rtm_family;
	r->dst_len = rt.rtm_dst_len;
	r->table = rt.rtm_table;
	r->protocol = rt.rtm_protocol;
	r->scope = rt.rtm_scope;
	r->type = rt.rtm_type;
	nla_iter_init(&it, msg, len, off);
	while ((rc = nla_next(&it, &type, &d, &n)) == 1) {
		switch (type) {
		case RTA_DST:
			if (get_addr(r->family, d, n, &r->dst) < 0)
				return -1;
			break;
		case RTA_GATEWAY:
			if (get_addr(r->family, d, n, &r->gateway) < 0)
				return -1;
			break;
		case RTA_OIF:
			if (get_u32(d, n, &v) < 0)
				return -1;
			r->oif = (int)v;
			break;
		case RTA_TABLE:
			if (get_u32(d, n, &v) < 0)
				return -1;
			r->table = v;
			break;
		default:
			break;
		}
	}
	return rc;
}

int
netif_parse_neigh(const uint8_t *msg, size_t len, struct netif_neigh *nb)
{
	struct ndmsg nd;
	struct nla_iter it;
	const uint8_t *d;
	uint16_t type;
	size_t off, n;
	int rc;

	memset(nb, 0, sizeof(*nb));
	off = parse_head(msg, len, RTM_NEWNEIGH, &nd, sizeof(nd));
	if (off == 0)
		return -1;
	nb->family = nd.ndm_family;
	nb->ifindex = nd.ndm_ifindex;
	nb->state = nd.ndm_state;
	nb->flags = nd.ndm_flags;
	nla_iter_init(&it, msg, len, off);
	while ((rc = nla_next(&it, &type, &d, &n)) == 1) {
		if (type == NDA_DST &&
		    get_addr(nb->family, d, n, &nb->dst) < 0)
			return -1;
	}
	return rc;
}

/* Copy a string attribute (terminated or not) into dst. */
static void
get_str(const uint8_t *p, size_t n, char *dst, size_t size)
{
	const uint8_t *z = memchr(p, '\0', n);

	if (z != NULL)
		n = (size_t)(z - p);
	if (n >= size)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

int
netif_parse_link(const uint8_t *msg, size_t len, struct netif_link *l)
{
	struct ifinfomsg ifi;
	struct nla_iter it;
	const uint8_t *d;
	uint16_t type;
	size_t off, n;
	uint32_t v;
	int rc;

	memset(l, 0, sizeof(*l));
	off = parse_head(msg, len, RTM_NEWLINK, &ifi, sizeof(ifi));
	if (off == 0)
		return -1;
	l->ifindex = ifi.ifi_index;
	l->type = ifi.ifi_type;
	l->flags = ifi.ifi_flags;
	nla_iter_init(&it, msg, len, off);
	while ((rc = nla_next(&it, &type, &d, &n)) == 1) {
		switch (type) {
		case IFLA_IFNAME:
			get_str(d, n, l->name, sizeof(l->name));
			break;
		case IFLA_IFALIAS:
			get_str(d, n, l->alias, sizeof(l->alias));
			break;
		case IFLA_MTU:
			if (get_u32(d, n, &v) < 0)
				return -1;
			l->mtu = (int)v;
			break;
		default:
			break;
		}
	}
	return rc;
}

/* ---- transport ---- */

static uint32_t netif_seq;

static uint32_t
next_seq(void)
{
	if (++netif_seq == 0)
		netif_seq = 1;
	return netif_seq;
}

static int
nl_open(void)
{
	struct timeval tv = { .tv_sec = 2, .tv_usec = 0 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
nl_send(int fd, const uint8_t *req, size_t len)
{
	struct sockaddr_nl sa;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	do {
		n = sendto(fd, req, len, 0, (struct sockaddr *)&sa,
		    sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static ssize_t
nl_recv(int fd, uint8_t *buf, size_t size)
{
	ssize_t n;

	do {
		n = recv(fd, buf, size, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n > size) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

/*
 * Send one request and walk the replies.  Messages carrying seq are
 * passed to fn (when set) until NLMSG_DONE or an NLMSG_ERROR (the ACK or
 * the refusal).  Returns 0, fn's non-zero value, or -1 with errno.
 */
static int
nl_talk(const uint8_t *req, size_t len, uint32_t seq, netif_dump_fn *fn,
    void *arg)
{
	struct nlmsghdr h;
	const uint8_t *msg;
	uint8_t *buf;
	size_t off, mlen;
	ssize_t n;
	int fd, rc = -1, err, r;

	fd = nl_open();
	if (fd < 0)
		return -1;
	buf = mem_alloc("netif", NETIF_RCVBUF);
	if (nl_send(fd, req, len) < 0)
		goto fail;
	for (;;) {
		n = nl_recv(fd, buf, NETIF_RCVBUF);
		if (n < 0)
			goto fail;
		off = 0;
		while ((r = netif_msg_next(buf, (size_t)n, &off, &msg,
		    &mlen)) == 1) {
			memcpy(&h, msg, sizeof(h));
			if (h.nlmsg_seq != seq)
				continue;
			if (h.nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto done;
			}
			if (h.nlmsg_type == NLMSG_ERROR) {
				if (netif_parse_error(msg, mlen, &err) < 0) {
					errno = EPROTO;
					goto fail;
				}
				if (err != 0) {
					errno = -err;
					goto fail;
				}
				rc = 0;
				goto done;
			}
			if (fn != NULL && (rc = fn(arg, msg, mlen)) != 0)
				goto done;
			/* A non-dump reply (RTM_GETLINK) ends here. */
			if (!(h.nlmsg_flags & NLM_F_MULTI) && fn != NULL) {
				rc = 0;
				goto done;
			}
		}
		if (r < 0) {
			errno = EPROTO;
			goto fail;
		}
	}
done:
fail:
	err = errno;
	mem_free(buf);
	close(fd);
	errno = err;
	return rc;
}

/* Build with fn(buf...) and run a request that expects only an ACK. */
static int
nl_request(const uint8_t *req, int len, uint32_t seq)
{
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	return nl_talk(req, (size_t)len, seq, NULL, NULL);
}

/* ---- run-time calls ---- */

int
netif_ifindex(const char *name)
{
	return (int)if_nametoindex(name);
}

int
netif_addr_add(int ifindex, const struct u_addr *local,
    const struct u_addr *peer, unsigned prefixlen, uint32_t flags)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_addr(req, sizeof(req), seq, true,
	    ifindex, local, peer, prefixlen, flags), seq);
}

int
netif_addr_del(int ifindex, const struct u_addr *local,
    const struct u_addr *peer, unsigned prefixlen)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_addr(req, sizeof(req), seq, false,
	    ifindex, local, peer, prefixlen, 0), seq);
}

int
netif_route_add(int ifindex, const struct u_range *dst)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_route(req, sizeof(req), seq, true,
	    ifindex, dst), seq);
}

int
netif_route_del(int ifindex, const struct u_range *dst)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_route(req, sizeof(req), seq, false,
	    ifindex, dst), seq);
}

int
netif_proxy_add(int ifindex, const struct u_addr *ip)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_neigh(req, sizeof(req), seq, true,
	    ifindex, ip, true), seq);
}

int
netif_proxy_del(int ifindex, const struct u_addr *ip)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_neigh(req, sizeof(req), seq, false,
	    ifindex, ip, true), seq);
}

int
netif_link_change(int ifindex, const struct netif_link_set *s)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_link(req, sizeof(req), seq,
	    ifindex, s), seq);
}

int
netif_set_mtu(int ifindex, int mtu)
{
	struct netif_link_set s;

	netif_link_set_init(&s);
	s.mtu = mtu;
	return netif_link_change(ifindex, &s);
}

int
netif_set_up(int ifindex, bool up)
{
	struct netif_link_set s;

	netif_link_set_init(&s);
	s.up = up ? 1 : 0;
	return netif_link_change(ifindex, &s);
}

int
netif_ppp_create(const char *name, int ppp_fd)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();

	return nl_request(req, netif_build_ppp_newlink(req, sizeof(req), seq,
	    name, ppp_fd), seq);
}

int
netif_rename(int ifindex, const char *name)
{
	struct netif_link_set s;

	netif_link_set_init(&s);
	s.name = name;
	return netif_link_change(ifindex, &s);
}

int
netif_set_alias(int ifindex, const char *alias)
{
	struct netif_link_set s;

	netif_link_set_init(&s);
	s.alias = alias;
	return netif_link_change(ifindex, &s);
}

int
netif_set_ipv6(const char *ifname, bool on)
{
	char path[128];
	ssize_t n;
	int fd, err;

	if (strchr(ifname, '/') != NULL || strcmp(ifname, ".") == 0 ||
	    strcmp(ifname, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
	    ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	n = write(fd, on ? "0\n" : "1\n", 2);
	err = errno;
	close(fd);
	errno = err;
	return n == 2 ? 0 : -1;
}

int
netif_set_group(int ifindex, uint32_t group)
{
	struct netif_link_set s;

	netif_link_set_init(&s);
	s.group = group;
	return netif_link_change(ifindex, &s);
}

int
netif_group_number(const char *name, const char *path, uint32_t *out)
{
	char line[256], gname[128];
	unsigned long num;
	char *end;
	FILE *f;

	if (name == NULL || *name == '\0')
		return -1;
	num = strtoul(name, &end, 0);
	if (*end == '\0' && num <= UINT32_MAX) {
		*out = (uint32_t)num;
		return 0;
	}
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%lu %127s", &num, gname) == 2 &&
		    num <= UINT32_MAX && strcmp(gname, name) == 0) {
			fclose(f);
			*out = (uint32_t)num;
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static int
link_get_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct netif_link *out = arg;

	if (netif_parse_link(msg, len, out) < 0)
		return -1;
	return 1;
}

int
netif_link_get(int ifindex, struct netif_link *out)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();
	int len, rc;

	memset(out, 0, sizeof(*out));
	len = build_link_get(req, sizeof(req), seq, ifindex);
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	rc = nl_talk(req, (size_t)len, seq, link_get_cb, out);
	if (rc == 1)
		return 0;
	if (rc == 0)
		errno = ENODEV;
	return -1;
}

int
netif_dump(int type, int family, unsigned ndm_flags, netif_dump_fn *fn,
    void *arg)
{
	uint8_t req[NETIF_MSG_MAX];
	uint32_t seq = next_seq();
	int len;

	len = netif_build_dump(req, sizeof(req), seq, type, family, ndm_flags);
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	return nl_talk(req, (size_t)len, seq, fn, arg);
}

/* ---- the LAN interface of a proxy-ARP entry ---- */

struct lan_find {
	struct u_addr	 ip;
	int		 exclude;
	int		 found[16];	/* candidates, best first */
	int		 nfound;
};

static int
lan_addr_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct lan_find *f = arg;
	struct netif_addr a;
	struct u_range net;

	if (netif_parse_addr(msg, len, &a) < 0 || a.family != AF_INET)
		return 0;
	if (a.ifindex == f->exclude || a.local.family != AF_INET)
		return 0;
	/* A point-to-point address names a peer, not a subnet. */
	if (a.address.family == AF_INET &&
	    a.address.u.ip4.s_addr != a.local.u.ip4.s_addr)
		return 0;
	if (a.prefixlen == 0 || a.prefixlen >= 32)
		return 0;
	net.addr = a.local;
	net.width = (uint8_t)a.prefixlen;
	if (!u_range_contains(&net, &f->ip))
		return 0;
	if (f->nfound < (int)(sizeof(f->found) / sizeof(f->found[0])))
		f->found[f->nfound++] = a.ifindex;
	return 0;
}

int
netif_find_lan(const struct u_addr *ip, int exclude_ifindex)
{
	struct lan_find f;
	struct netif_link l;
	int i;

	if (ip->family != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memset(&f, 0, sizeof(f));
	f.ip = *ip;
	f.exclude = exclude_ifindex;
	if (netif_dump(RTM_GETADDR, AF_INET, 0, lan_addr_cb, &f) < 0)
		return -1;
	for (i = 0; i < f.nfound; i++) {
		if (netif_link_get(f.found[i], &l) < 0)
			continue;
		if ((l.flags & IFF_UP) &&
		    !(l.flags & (IFF_LOOPBACK | IFF_POINTOPOINT | IFF_NOARP)))
			return l.ifindex;
	}
	return 0;
}
