/*
 * test_netif_ns.c - the kernel side of the interface layer, for real:
 * in a forked child with a network namespace of its own
 * (unshare(CLONE_NEWNET)), a bundle's TUN device is made by the tun
 * data plane (dp/tun.c), configured through sys/netif (address with a
 * point-to-point peer, IPv6 link-local, MTU, up/down, description,
 * routes incl. the default route, proxy-ARP on a TAP "LAN" interface,
 * rename) and every change is checked through rtnetlink dumps.  Then
 * packets cross the data plane both ways: an ICMP echo and a TCP SYN
 * delivered to the host come back as a reply and a RST with complete
 * checksums, tcpmssfix lowers the MSS of the host's SYN-ACK, and in
 * demand mode the host's packets reach the demand upcall.
 *
 * Needs root (CAP_NET_ADMIN in a new namespace); without it every test
 * is skipped.  Nothing outside the private namespace is touched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/fdclose.h"
#include "core/mbuf.h"
#include "core/util.h"
#include "dp/dp.h"
#include "dp/ippkt.h"
#include "ppp/bund.h"
#include "sys/netif.h"

static bool ns_ok;
static struct bund bund;
static int tun_idx;

/* ---- dump helpers ---- */

struct find {
	int		 ifindex;
	int		 family;
	struct u_addr	 addr;
	unsigned	 len;
	unsigned	 flags;
	int		 found;
	int		 other;		/* other matches on the ifindex */
	struct netif_link link;
};

static struct u_addr
ip(const char *s)
{
	struct u_addr a;

	assert_int_equal(u_addr_parse(s, AF_UNSPEC, &a), 0);
	return a;
}

static struct u_range
net(const char *s)
{
	struct u_range r;

	if (strcmp(s, "default") == 0) {
		memset(&r, 0, sizeof(r));
		r.addr.family = AF_INET;
		return r;
	}
	assert_int_equal(u_range_parse(s, AF_UNSPEC, &r), 0);
	return r;
}

static bool
same(const struct u_addr *a, const struct u_addr *b)
{
	return a->family == b->family && memcmp(&a->u, &b->u,
	    a->family == AF_INET ? 4 : 16) == 0;
}

static int
addr_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct find *f = arg;
	struct netif_addr a;

	assert_int_equal(netif_parse_addr(msg, len, &a), 0);
	if (a.ifindex != f->ifindex || a.family != f->family)
		return 0;
	if (same(&a.local, &f->addr) ||
	    (a.local.family == AF_UNSPEC && same(&a.address, &f->addr))) {
		f->found++;
		f->len = a.prefixlen;
		f->flags = a.flags;
		f->link.ifindex = 0;
		/* stash the peer in link.name for the caller */
		u_addr_print(&a.address, f->link.name, sizeof(f->link.name));
	} else {
		f->other++;
	}
	return 0;
}

/* Is addr on ifindex?  Returns the count; *peer gets IFA_ADDRESS. */
static int
has_addr(int ifindex, const char *addr, unsigned *plen, char *peer,
    size_t peerlen)
{
	struct find f;

	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	f.addr = ip(addr);
	f.family = f.addr.family;
	assert_int_equal(netif_dump(RTM_GETADDR, f.family, 0, addr_cb, &f), 0);
	if (plen != NULL)
		*plen = f.len;
	if (peer != NULL)
		util_strlcpy(peer, f.link.name, peerlen);
	return f.found;
}

/* Addresses of a family on ifindex other than addr. */
static int
other_addrs(int ifindex, const char *addr)
{
	struct find f;

	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	f.addr = ip(addr);
	f.family = f.addr.family;
	assert_int_equal(netif_dump(RTM_GETADDR, f.family, 0, addr_cb, &f), 0);
	return f.other;
}

static int
route_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct find *f = arg;
	struct netif_route r;

	assert_int_equal(netif_parse_route(msg, len, &r), 0);
	if (r.table != RT_TABLE_MAIN || r.dst_len != f->len ||
	    r.oif != f->ifindex)
		return 0;
	if (f->len == 0 ? r.dst.family == AF_UNSPEC : same(&r.dst, &f->addr)) {
		f->found++;
		f->flags = r.protocol;
	}
	return 0;
}

/* Does the main table route dst through ifindex?  *proto: protocol. */
static int
has_route(int ifindex, const char *dst, unsigned *proto)
{
	struct u_range r = net(dst);
	struct find f;

	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	f.addr = r.addr;
	f.len = r.width;
	assert_int_equal(netif_dump(RTM_GETROUTE, r.addr.family, 0, route_cb,
	    &f), 0);
	if (proto != NULL)
		*proto = f.flags;
	return f.found;
}

static int
neigh_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct find *f = arg;
	struct netif_neigh n;

	assert_int_equal(netif_parse_neigh(msg, len, &n), 0);
	if (n.ifindex == f->ifindex && same(&n.dst, &f->addr)) {
		f->found++;
		f->flags = n.flags;
	}
	return 0;
}

static int
has_proxy(int ifindex, const char *addr)
{
	struct find f;

	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	f.addr = ip(addr);
	assert_int_equal(netif_dump(RTM_GETNEIGH, AF_INET, NTF_PROXY,
	    neigh_cb, &f), 0);
	if (f.found)
		assert_true(f.flags & NTF_PROXY);
	return f.found;
}

static int
link_cb(void *arg, const uint8_t *msg, size_t len)
{
	struct find *f = arg;
	struct netif_link l;

	assert_int_equal(netif_parse_link(msg, len, &l), 0);
	if (l.ifindex == f->ifindex) {
		f->found++;
		f->link = l;
	}
	return 0;
}

/* The link through a full dump (not netif_link_get). */
static struct netif_link
dump_link(int ifindex)
{
	struct find f;

	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	assert_int_equal(netif_dump(RTM_GETLINK, AF_UNSPEC, 0, link_cb, &f),
	    0);
	assert_int_equal(f.found, 1);
	return f.link;
}

/* ---- setup ---- */

static int
setup(void **state)
{
	(void)state;
	if (!ns_ok)
		return 0;
	assert_int_equal(event_init(), 0);
	memset(&bund, 0, sizeof(bund));
	util_strlcpy(bund.name, "B1", sizeof(bund.name));
	util_strlcpy(bund.iface.ifname, "ngt0", sizeof(bund.iface.ifname));
	assert_int_equal(dp_tun.bund_create(&bund), 0);
	tun_idx = dp_tun.ifindex(&bund);
	assert_true(tun_idx > 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (!ns_ok)
		return 0;
	dp_tun.bund_destroy(&bund);
	fd_close_drain();	/* the device goes in a closer thread */
	assert_null(bund.dp_state);
	dp_set_upcalls(NULL);
	event_fini();
	return 0;
}

#define NEED_NS()							\
	do {								\
		if (!ns_ok)						\
			skip();						\
	} while (0)

/* Address, peer, MTU, up, description, IPv6 link-local. */
static void
test_configure(void **state)
{
	struct u_addr self = ip("10.0.0.1"), peer = ip("10.0.0.2");
	struct u_addr ll = ip("fe80::1");
	struct netif_link_set s;
	struct netif_link l;
	char pbuf[64];
	unsigned plen;

	(void)state;
	NEED_NS();
	assert_int_equal(netif_ifindex("ngt0"), tun_idx);
	/* creating the same name again fails: the name is taken */
	{
		struct bund other;

		memset(&other, 0, sizeof(other));
		util_strlcpy(other.iface.ifname, "ngt0",
		    sizeof(other.iface.ifname));
		assert_int_equal(dp_tun.bund_create(&other), -1);
		assert_null(other.dp_state);
	}
	netif_link_set_init(&s);
	s.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
	assert_int_equal(netif_link_change(tun_idx, &s), 0);
	assert_int_equal(netif_set_mtu(tun_idx, 1400), 0);
	assert_int_equal(netif_addr_add(tun_idx, &self, &peer, 32, 0), 0);
	assert_int_equal(netif_set_alias(tun_idx, "B1 to office"), 0);
	assert_int_equal(netif_set_up(tun_idx, true), 0);
	/* the TUN backend creates the device with IPv6 off */
	assert_int_equal(netif_addr_add(tun_idx, &ll, NULL, 64, IFA_F_NODAD),
	    -1);
	assert_int_equal(netif_set_ipv6("ngt0", true), 0);
	assert_int_equal(netif_addr_add(tun_idx, &ll, NULL, 64, IFA_F_NODAD),
	    0);
	assert_int_equal(netif_set_ipv6("../x", true), -1);

	l = dump_link(tun_idx);
	assert_string_equal(l.name, "ngt0");
	assert_int_equal(l.mtu, 1400);
	assert_true(l.flags & IFF_UP);
	assert_true(l.flags & IFF_POINTOPOINT);
	assert_string_equal(l.alias, "B1 to office");
	assert_int_equal(netif_link_get(tun_idx, &l), 0);
	assert_int_equal(l.mtu, 1400);

	assert_int_equal(has_addr(tun_idx, "10.0.0.1", &plen, pbuf,
	    sizeof(pbuf)), 1);
	assert_int_equal(plen, 32);
	assert_string_equal(pbuf, "10.0.0.2");
	assert_int_equal(has_addr(tun_idx, "fe80::1", &plen, NULL, 0), 1);
	assert_int_equal(plen, 64);
	/* no kernel-generated link-local beside ours */
	assert_int_equal(other_addrs(tun_idx, "fe80::1"), 0);
	/* the peer is reachable through the interface */
	assert_int_equal(has_route(tun_idx, "10.0.0.2/32", NULL), 1);

	/* clearing the description, removing the addresses */
	assert_int_equal(netif_set_alias(tun_idx, ""), 0);
	assert_string_equal(dump_link(tun_idx).alias, "");
	assert_int_equal(netif_addr_del(tun_idx, &self, &peer, 32), 0);
	assert_int_equal(has_addr(tun_idx, "10.0.0.1", NULL, NULL, 0), 0);
	assert_int_equal(netif_addr_del(tun_idx, &ll, NULL, 64), 0);
	assert_int_equal(has_addr(tun_idx, "fe80::1", NULL, NULL, 0), 0);
	errno = 0;
	assert_int_equal(netif_addr_del(tun_idx, &self, &peer, 32), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);

	assert_int_equal(netif_set_up(tun_idx, false), 0);
	assert_false(dump_link(tun_idx).flags & IFF_UP);
}

static void
test_routes(void **state)
{
	struct u_addr self = ip("10.0.0.1"), peer = ip("10.0.0.2");
	struct u_addr ll = ip("fe80::1");
	struct u_range r4 = net("10.9.0.0/16"), def = net("default");
	struct u_range r6 = net("2001:db8::/32");
	unsigned proto;

	(void)state;
	NEED_NS();
	assert_int_equal(netif_addr_add(tun_idx, &self, &peer, 32, 0), 0);
	assert_int_equal(netif_set_ipv6("ngt0", true), 0);
	assert_int_equal(netif_addr_add(tun_idx, &ll, NULL, 64, IFA_F_NODAD),
	    0);
	/* routes need the interface up */
	errno = 0;
	assert_int_equal(netif_route_add(tun_idx, &r4), -1);
	assert_int_equal(errno, ENETDOWN);
	assert_int_equal(netif_set_up(tun_idx, true), 0);

	assert_int_equal(netif_route_add(tun_idx, &r4), 0);
	assert_int_equal(netif_route_add(tun_idx, &def), 0);
	assert_int_equal(netif_route_add(tun_idx, &r6), 0);
	assert_int_equal(has_route(tun_idx, "10.9.0.0/16", &proto), 1);
	assert_int_equal(proto, RTPROT_STATIC);
	assert_int_equal(has_route(tun_idx, "default", &proto), 1);
	assert_int_equal(proto, RTPROT_STATIC);
	assert_int_equal(has_route(tun_idx, "2001:db8::/32", &proto), 1);
	assert_int_equal(proto, RTPROT_STATIC);
	/* adding twice is refused (another bundle's route stays) */
	errno = 0;
	assert_int_equal(netif_route_add(tun_idx, &r4), -1);
	assert_int_equal(errno, EEXIST);

	assert_int_equal(netif_route_del(tun_idx, &r4), 0);
	assert_int_equal(netif_route_del(tun_idx, &def), 0);
	assert_int_equal(netif_route_del(tun_idx, &r6), 0);
	assert_int_equal(has_route(tun_idx, "10.9.0.0/16", NULL), 0);
	assert_int_equal(has_route(tun_idx, "default", NULL), 0);
	assert_int_equal(has_route(tun_idx, "2001:db8::/32", NULL), 0);
	errno = 0;
	assert_int_equal(netif_route_del(tun_idx, &r4), -1);
	assert_int_equal(errno, ESRCH);
}

/* A TAP device stands in for the Ethernet LAN of proxy-ARP. */
static int
make_tap(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	util_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	return fd;
}

static void
test_proxy_arp(void **state)
{
	struct u_addr lan_ip = ip("192.168.5.1"), peer = ip("192.168.5.77");
	struct u_addr far = ip("10.200.0.1");
	int tap, lan;

	(void)state;
	NEED_NS();
	tap = make_tap("lan0");
	lan = netif_ifindex("lan0");
	assert_true(lan > 0);
	assert_int_equal(netif_addr_add(lan, &lan_ip, NULL, 24, 0), 0);
	/* a down LAN does not count */
	assert_int_equal(netif_find_lan(&peer, tun_idx), 0);
	assert_int_equal(netif_set_up(lan, true), 0);
	assert_int_equal(netif_find_lan(&peer, tun_idx), lan);
	assert_int_equal(netif_find_lan(&peer, lan), 0);
	assert_int_equal(netif_find_lan(&far, tun_idx), 0);

	assert_int_equal(netif_proxy_add(lan, &peer), 0);
	assert_int_equal(has_proxy(lan, "192.168.5.77"), 1);
	/* replacing an existing entry is fine */
	assert_int_equal(netif_proxy_add(lan, &peer), 0);
	assert_int_equal(has_proxy(lan, "192.168.5.77"), 1);
	assert_int_equal(netif_proxy_del(lan, &peer), 0);
	assert_int_equal(has_proxy(lan, "192.168.5.77"), 0);
	close(tap);
	assert_int_equal(netif_ifindex("lan0"), 0);
}

static void
test_rename(void **state)
{
	(void)state;
	NEED_NS();
	/* down: a plain rename */
	assert_int_equal(dp_tun.rename(&bund, "ppp7"), 0);
	assert_int_equal(netif_ifindex("ppp7"), tun_idx);
	assert_int_equal(netif_ifindex("ngt0"), 0);
	/* up: newer kernels rename live, older ones refuse with EBUSY */
	assert_int_equal(netif_set_up(tun_idx, true), 0);
	errno = 0;
	if (dp_tun.rename(&bund, "ppp8") < 0) {
		assert_int_equal(errno, EBUSY);
		assert_int_equal(netif_set_up(tun_idx, false), 0);
		assert_int_equal(dp_tun.rename(&bund, "ppp8"), 0);
	}
	assert_string_equal(dump_link(tun_idx).name, "ppp8");
	/* a name that is taken */
	errno = 0;
	assert_int_equal(dp_tun.rename(&bund, "lo"), -1);
	assert_int_equal(errno, EEXIST);
	/* same name: nothing to do */
	assert_int_equal(dp_tun.rename(&bund, "ppp8"), 0);
}

static void
test_vanishes(void **state)
{
	(void)state;
	NEED_NS();
	dp_tun.bund_destroy(&bund);
	fd_close_drain();	/* the device goes in a closer thread */
	assert_int_equal(netif_ifindex("ngt0"), 0);
	/* the name is free again */
	assert_int_equal(dp_tun.bund_create(&bund), 0);
	assert_true(netif_ifindex("ngt0") > 0);
	tun_idx = dp_tun.ifindex(&bund);
}

/* A persistent device of the same name is never adopted. */
static void
test_no_adopt(void **state)
{
	struct bund other;
	struct ifreq ifr;
	int fd;

	(void)state;
	NEED_NS();
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	util_strlcpy(ifr.ifr_name, "ngp0", sizeof(ifr.ifr_name));
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	assert_int_equal(ioctl(fd, TUNSETPERSIST, 1), 0);
	close(fd);
	assert_true(netif_ifindex("ngp0") > 0);

	memset(&other, 0, sizeof(other));
	util_strlcpy(other.iface.ifname, "ngp0", sizeof(other.iface.ifname));
	errno = 0;
	assert_int_equal(dp_tun.bund_create(&other), -1);
	assert_int_equal(errno, EBUSY);
	assert_null(other.dp_state);

	/* clean up: attach and drop persistence */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	assert_int_equal(ioctl(fd, TUNSETPERSIST, 0), 0);
	close(fd);
	assert_int_equal(netif_ifindex("ngp0"), 0);
}

/* ---- data path ---- */

static struct mbuf *got[16];
static int ngot;
static int want_proto;
static int ndemand;
static struct timer guard;

static void
stop_cb(void *arg)
{
	(void)arg;
	event_stop();
}

static void
out_cb(struct bund *b, struct mbuf *m)
{
	assert_ptr_equal(b, &bund);
	/* ignore the host's own IPv6 chatter */
	if (m->len >= 20 && (m->data[0] >> 4) == 4 && m->data[9] == want_proto &&
	    ngot < 16) {
		got[ngot++] = m;
		event_stop();
		return;
	}
	mb_free(m);
}

static void
demand_cb(struct bund *b, struct mbuf *m)
{
	assert_ptr_equal(b, &bund);
	if (m->len >= 20 && (m->data[0] >> 4) == 4 && m->data[9] == 17) {
		ndemand++;
		assert_true(ippkt_demand_qualifies(m->data, m->len));
		event_stop();
	}
	mb_free(m);
}

static const struct dp_upcalls upcalls = {
	.output = out_cb,
	.demand = demand_cb,
};

static void
run_until(uint32_t ms)
{
	timer_init(&guard, "guard", ms, stop_cb, NULL);
	timer_start(&guard);
	/* once per test: event_loop() keeps its stop flag until fini */
	event_loop();
	timer_stop(&guard);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* IPv4 header 10.0.0.2 -> 10.0.0.1 for l4len bytes of protocol proto. */
static void
ip4_hdr(uint8_t *p, size_t l4len, uint8_t proto)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (unsigned)(20 + l4len));
	p[8] = 64;
	p[9] = proto;
	p[12] = 10; p[15] = 2;
	p[16] = 10; p[19] = 1;
	put16(p + 10, ippkt_cksum(p, 20, 0));
}

static uint32_t
pseudo(const uint8_t *p, size_t l4len)
{
	uint32_t sum = 6 + (uint32_t)l4len;
	int i;

	for (i = 12; i < 20; i += 2)
		sum += get16(p + i);
	return sum;
}

static void
deliver(const uint8_t *pkt, size_t len)
{
	dp_tun.deliver(&bund, mb_copy(pkt, len));
}

static void
free_got(void)
{
	while (ngot > 0)
		mb_free(got[--ngot]);
}

/* Bring the interface up as a session would. */
static void
session_up(int mtu)
{
	struct u_addr self = ip("10.0.0.1"), peer = ip("10.0.0.2");
	struct u_range r4 = net("10.9.0.0/16");

	assert_int_equal(netif_set_mtu(tun_idx, mtu), 0);
	assert_int_equal(netif_addr_add(tun_idx, &self, &peer, 32, 0), 0);
	assert_int_equal(netif_set_up(tun_idx, true), 0);
	assert_int_equal(netif_route_add(tun_idx, &r4), 0);
	dp_set_upcalls(&upcalls);
}

static void
test_ping(void **state)
{
	uint8_t pkt[20 + 40];
	uint8_t *r;

	(void)state;
	NEED_NS();
	session_up(1400);
	assert_int_equal(dp_tun.start(&bund), 0);
	dp_tun.config(&bund, 1400, false);

	/* ICMP echo request from the peer: the host answers */
	ip4_hdr(pkt, 16, 1);
	memset(pkt + 20, 0, 16);
	pkt[20] = 8;
	put16(pkt + 24, 0x1234);
	put16(pkt + 26, 1);
	memcpy(pkt + 28, "mpd5tun!", 8);
	put16(pkt + 22, ippkt_cksum(pkt + 20, 16, 0));
	want_proto = 1;
	deliver(pkt, 36);
	run_until(3000);
	assert_int_equal(ngot, 1);
	r = got[0]->data;
	assert_int_equal(got[0]->len, 36);
	assert_int_equal(r[20], 0);			/* echo reply */
	assert_int_equal(r[12], 10);
	assert_int_equal(r[15], 1);
	assert_int_equal(r[19], 2);
	assert_int_equal(ippkt_cksum(r, 20, 0), 0);
	assert_int_equal(ippkt_cksum(r + 20, 16, 0), 0);
	assert_memory_equal(r + 28, "mpd5tun!", 8);
	free_got();
}

static void
test_rst_and_counters(void **state)
{
	uint8_t pkt[20 + 40];
	struct dp_stats st;
	uint8_t *r;

	(void)state;
	NEED_NS();
	session_up(1400);
	assert_int_equal(dp_tun.start(&bund), 0);
	dp_tun.config(&bund, 1400, false);

	/* TCP SYN to a closed port: a RST with a complete checksum */
	ip4_hdr(pkt, 20, 6);
	memset(pkt + 20, 0, 20);
	put16(pkt + 20, 40000);
	put16(pkt + 22, 9);
	pkt[24 + 3] = 1;
	pkt[32] = 0x50;
	pkt[33] = 0x02;
	put16(pkt + 34, 65535);
	put16(pkt + 36, ippkt_cksum(pkt + 20, 20, pseudo(pkt, 20)));
	want_proto = 6;
	deliver(pkt, 40);
	run_until(3000);
	assert_int_equal(ngot, 1);
	r = got[0]->data;
	assert_true(r[33] & 0x04);			/* RST */
	assert_int_equal(ippkt_cksum(r + 20, got[0]->len - 20,
	    pseudo(r, got[0]->len - 20)), 0);
	free_got();

	dp_tun.stats(&bund, &st);
	assert_int_equal(st.in_packets, 1);
	assert_int_equal(st.in_octets, 40);
	assert_true(st.out_packets >= 1);

	/* stopped: delivery is dropped and counted */
	dp_tun.stop(&bund);
	deliver(pkt, 40);
	dp_tun.stats(&bund, &st);
	assert_int_equal(st.in_packets, 1);
	assert_true(st.drops >= 1);
}

static void
test_mssfix(void **state)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	struct sockaddr_in sin;
	uint8_t pkt[20 + 24];
	int s, one = 1, i;
	uint8_t *r;
	bool seen = false;

	(void)state;
	NEED_NS();
	session_up(1400);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7777);
	sin.sin_addr.s_addr = htonl(0x0a000001);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(dp_tun.start(&bund), 0);
	/* the interface says 1400, the clamp works for 1000 */
	dp_tun.config(&bund, 1000, true);

	ip4_hdr(pkt, 24, 6);
	memset(pkt + 20, 0, 24);
	put16(pkt + 20, 40001);
	put16(pkt + 22, 7777);
	pkt[24 + 3] = 1;
	pkt[32] = 0x60;
	pkt[33] = 0x02;
	put16(pkt + 34, 65535);
	memcpy(pkt + 40, mss1460, 4);
	put16(pkt + 36, ippkt_cksum(pkt + 20, 24, pseudo(pkt, 24)));
	want_proto = 6;
	deliver(pkt, 44);
	run_until(3000);
	assert_int_equal(ngot, 1);
	r = got[0]->data;
	assert_int_equal(r[33] & 0x12, 0x12);		/* SYN-ACK */
	assert_int_equal(ippkt_cksum(r + 20, got[0]->len - 20,
	    pseudo(r, got[0]->len - 20)), 0);
	for (i = 40; i + 3 < (int)got[0]->len; ) {
		if (r[i] == 0)
			break;
		if (r[i] == 1) {
			i++;
			continue;
		}
		if (r[i] == 2 && r[i + 1] == 4) {
			assert_int_equal(get16(r + i + 2), 960);
			seen = true;
		}
		i += r[i + 1] ? r[i + 1] : 1;
	}
	assert_true(seen);
	free_got();
	close(s);
}

static void
test_demand(void **state)
{
	struct sockaddr_in sin;
	int s;

	(void)state;
	NEED_NS();
	session_up(1500);
	/* not started, demand on: host traffic goes to the demand upcall */
	dp_tun.demand(&bund, true);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(0x0a090101);	/* via 10.9/16 */
	ndemand = 0;
	assert_int_equal(sendto(s, "q", 1, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 1);
	run_until(3000);
	assert_int_equal(ndemand, 1);
	assert_int_equal(ngot, 0);
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_configure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_arp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanishes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_adopt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_and_counters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mssfix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demand, setup, teardown),
	};
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		/* The child gets a namespace of its own, or skips. */
		ns_ok = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
		if (!ns_ok)
			printf("test_netif_ns: no network namespace (%s): "
			    "skipping\n", geteuid() != 0 ? "not root" :
			    strerror(errno));
		else if (netif_set_up(netif_ifindex("lo"), true) < 0)
			ns_ok = false;
		exit(cmocka_run_group_tests(tests, NULL, NULL));
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
