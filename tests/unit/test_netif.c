/*
 * test_netif.c - the pure rtnetlink builders and parsers of sys/netif.h:
 * byte-exact address, route, proxy-neighbour, link and dump requests
 * (RFC 3549; host byte order, so the expected bytes are written with
 * endian-aware macros), parser round trips, and malformed replies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <cmocka.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "core/util.h"
#include "sys/netif.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define U16(v)	((v) & 0xff), (((v) >> 8) & 0xff)
#define U32(v)	((v) & 0xff), (((v) >> 8) & 0xff), (((v) >> 16) & 0xff), \
		(((v) >> 24) & 0xff)
#else
#define U16(v)	(((v) >> 8) & 0xff), ((v) & 0xff)
#define U32(v)	(((v) >> 24) & 0xff), (((v) >> 16) & 0xff), \
		(((v) >> 8) & 0xff), ((v) & 0xff)
#endif

/* struct nlmsghdr */
#define HDR(len, type, flags, seq)	U32(len), U16(type), U16(flags), \
					U32(seq), U32(0)
/* struct rtattr */
#define ATTR(len, type)			U16(len), U16(type)

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

	assert_int_equal(u_range_parse(s, AF_UNSPEC, &r), 0);
	return r;
}

#define CHECK_MSG(got, want) do {					\
		assert_int_equal((got), (int)sizeof(want));		\
		assert_memory_equal(buf, (want), sizeof(want));		\
	} while (0)

/* ---- addresses ---- */

static void
test_addr_ipv4_peer(void **state)
{
	static const uint8_t want[] = {
		HDR(40, RTM_NEWADDR, 0x505, 42),
		AF_INET, 30, 0, 0, U32(7),		/* ifaddrmsg */
		ATTR(8, IFA_LOCAL), 10, 0, 0, 1,
		ATTR(8, IFA_ADDRESS), 10, 0, 0, 2,
	};
	static const uint8_t want_del[] = {
		HDR(40, RTM_DELADDR, 0x005, 43),
		AF_INET, 30, 0, 0, U32(7),
		ATTR(8, IFA_LOCAL), 10, 0, 0, 1,
		ATTR(8, IFA_ADDRESS), 10, 0, 0, 2,
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct u_addr l = ip("10.0.0.1"), p = ip("10.0.0.2");

	(void)state;
	CHECK_MSG(netif_build_addr(buf, sizeof(buf), 42, true, 7, &l, &p, 30,
	    0), want);
	CHECK_MSG(netif_build_addr(buf, sizeof(buf), 43, false, 7, &l, &p, 30,
	    0), want_del);
}

static void
test_addr_ipv6_linklocal(void **state)
{
	static const uint8_t want[] = {
		HDR(64, RTM_NEWADDR, 0x505, 1),
		AF_INET6, 64, IFA_F_NODAD, 0, U32(12),
		ATTR(20, IFA_LOCAL), 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		    0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		ATTR(20, IFA_ADDRESS), 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		    0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	};
	/* flags beyond 8 bits travel in IFA_FLAGS */
	static const uint8_t want_flags[] = {
		HDR(72, RTM_NEWADDR, 0x505, 2),
		AF_INET6, 64, IFA_F_NODAD, 0, U32(12),
		ATTR(20, IFA_LOCAL), 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		    0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		ATTR(20, IFA_ADDRESS), 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		    0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
		ATTR(8, IFA_FLAGS), U32(IFA_F_NODAD | IFA_F_NOPREFIXROUTE),
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct u_addr l = ip("fe80::211:22ff:fe33:4455");

	(void)state;
	CHECK_MSG(netif_build_addr(buf, sizeof(buf), 1, true, 12, &l, NULL, 64,
	    IFA_F_NODAD), want);
	CHECK_MSG(netif_build_addr(buf, sizeof(buf), 2, true, 12, &l, NULL, 64,
	    IFA_F_NODAD | IFA_F_NOPREFIXROUTE), want_flags);
}

static void
test_addr_errors(void **state)
{
	uint8_t buf[NETIF_MSG_MAX];
	struct u_addr l = ip("10.0.0.1"), p6 = ip("fe80::1"), none;

	(void)state;
	memset(&none, 0, sizeof(none));
	/* mixed families, bad width, no address, bad index, small buffer */
	assert_int_equal(netif_build_addr(buf, sizeof(buf), 1, true, 1, &l,
	    &p6, 32, 0), -1);
	assert_int_equal(netif_build_addr(buf, sizeof(buf), 1, true, 1, &l,
	    NULL, 33, 0), -1);
	assert_int_equal(netif_build_addr(buf, sizeof(buf), 1, true, 1, &none,
	    NULL, 0, 0), -1);
	assert_int_equal(netif_build_addr(buf, sizeof(buf), 1, true, 0, &l,
	    NULL, 32, 0), -1);
	assert_int_equal(netif_build_addr(buf, 39, 1, true, 1, &l, NULL, 32,
	    0), -1);
	assert_int_equal(netif_build_addr(buf, 40, 1, true, 1, &l, NULL, 32,
	    0), 40);
	/* an unset peer counts as none */
	assert_int_equal(netif_build_addr(buf, sizeof(buf), 1, true, 1, &l,
	    &none, 32, 0), 40);
}

/* ---- routes ---- */

static void
test_route_ipv4(void **state)
{
	static const uint8_t want[] = {
		HDR(44, RTM_NEWROUTE, 0x605, 9),
		AF_INET, 16, 0, 0,			/* rtmsg */
		RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST,
		U32(0),
		ATTR(8, RTA_DST), 10, 1, 0, 0,
		ATTR(8, RTA_OIF), U32(7),
	};
	static const uint8_t want_del[] = {
		HDR(44, RTM_DELROUTE, 0x005, 10),
		AF_INET, 16, 0, 0,
		RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_NOWHERE, RTN_UNSPEC,
		U32(0),
		ATTR(8, RTA_DST), 10, 1, 0, 0,
		ATTR(8, RTA_OIF), U32(7),
	};
	static const uint8_t want_default[] = {
		HDR(36, RTM_NEWROUTE, 0x605, 11),
		AF_INET, 0, 0, 0,
		RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST,
		U32(0),
		ATTR(8, RTA_OIF), U32(300),
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct u_range r = net("10.1.0.0/16"), d;

	(void)state;
	CHECK_MSG(netif_build_route(buf, sizeof(buf), 9, true, 7, &r), want);
	CHECK_MSG(netif_build_route(buf, sizeof(buf), 10, false, 7, &r),
	    want_del);
	/* `set iface route default`: AF_INET, width 0 */
	memset(&d, 0, sizeof(d));
	d.addr.family = AF_INET;
	CHECK_MSG(netif_build_route(buf, sizeof(buf), 11, true, 300, &d),
	    want_default);
}

static void
test_route_ipv6(void **state)
{
	static const uint8_t want[] = {
		HDR(56, RTM_NEWROUTE, 0x605, 3),
		AF_INET6, 48, 0, 0,
		RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST,
		U32(0),
		ATTR(20, RTA_DST), 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0,
		    0, 0, 0, 0, 0, 0, 0, 0,
		ATTR(8, RTA_OIF), U32(5),
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct u_range r = net("2001:db8:1::/48"), bad = net("10.0.0.0/8");

	(void)state;
	CHECK_MSG(netif_build_route(buf, sizeof(buf), 3, true, 5, &r), want);
	bad.width = 40;
	assert_int_equal(netif_build_route(buf, sizeof(buf), 3, true, 5,
	    &bad), -1);
	assert_int_equal(netif_build_route(buf, 55, 3, true, 5, &r), -1);
}

/* ---- proxy-ARP ---- */

static void
test_neigh_proxy(void **state)
{
	static const uint8_t want[] = {
		HDR(36, RTM_NEWNEIGH, 0x505, 77),
		AF_INET, 0, U16(0), U32(4),		/* ndmsg */
		U16(NUD_PERMANENT), NTF_PROXY, 0,
		ATTR(8, NDA_DST), 192, 168, 5, 77,
	};
	static const uint8_t want_del[] = {
		HDR(36, RTM_DELNEIGH, 0x005, 78),
		AF_INET, 0, U16(0), U32(4),
		U16(NUD_PERMANENT), NTF_PROXY, 0,
		ATTR(8, NDA_DST), 192, 168, 5, 77,
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct u_addr a = ip("192.168.5.77");

	(void)state;
	CHECK_MSG(netif_build_neigh(buf, sizeof(buf), 77, true, 4, &a, true),
	    want);
	CHECK_MSG(netif_build_neigh(buf, sizeof(buf), 78, false, 4, &a, true),
	    want_del);
}

/* ---- links ---- */

static void
test_link_changes(void **state)
{
	static const uint8_t want_mtu_up[] = {
		HDR(40, RTM_NEWLINK, 0x005, 5),
		AF_UNSPEC, 0, U16(0), U32(3),		/* ifinfomsg */
		U32(IFF_UP), U32(IFF_UP),
		ATTR(8, IFLA_MTU), U32(1400),
	};
	static const uint8_t want_down[] = {
		HDR(32, RTM_NEWLINK, 0x005, 6),
		AF_UNSPEC, 0, U16(0), U32(3),
		U32(0), U32(IFF_UP),
	};
	static const uint8_t want_name[] = {
		HDR(44, RTM_NEWLINK, 0x005, 7),
		AF_UNSPEC, 0, U16(0), U32(3),
		U32(0), U32(0),
		ATTR(9, IFLA_IFNAME), 'p', 'p', 'p', '0', 0, 0, 0, 0,
	};
	static const uint8_t want_alias[] = {
		HDR(44, RTM_NEWLINK, 0x005, 8),
		AF_UNSPEC, 0, U16(0), U32(3),
		U32(0), U32(0),
		ATTR(9, IFLA_IFALIAS), 'h', 'e', 'l', 'l', 'o', 0, 0, 0,
	};
	static const uint8_t want_noalias[] = {
		HDR(36, RTM_NEWLINK, 0x005, 9),
		AF_UNSPEC, 0, U16(0), U32(3),
		U32(0), U32(0),
		ATTR(4, IFLA_IFALIAS),
	};
	static const uint8_t want_gen[] = {
		HDR(48, RTM_NEWLINK, 0x005, 10),
		AF_UNSPEC, 0, U16(0), U32(3),
		U32(0), U32(0),
		ATTR(16, IFLA_AF_SPEC),
		ATTR(12, AF_INET6),
		ATTR(5, IFLA_INET6_ADDR_GEN_MODE), IN6_ADDR_GEN_MODE_NONE,
		    0, 0, 0,
	};
	/* a ppp unit made under its name (NLM_F_CREATE | NLM_F_EXCL) */
	static const uint8_t want_ppp[] = {
		HDR(64, RTM_NEWLINK, 0x605, 11),
		AF_UNSPEC, 0, U16(0), U32(0),
		U32(0), U32(0),
		ATTR(8, IFLA_IFNAME), 'n', 'g', '7', 0,
		ATTR(24, IFLA_LINKINFO),
		ATTR(8, IFLA_INFO_KIND), 'p', 'p', 'p', 0,
		ATTR(12, IFLA_INFO_DATA),
		ATTR(8, IFLA_PPP_DEV_FD), U32(42),
	};
	uint8_t buf[NETIF_MSG_MAX];
	struct netif_link_set s;
	char longname[32];

	(void)state;
	netif_link_set_init(&s);
	s.mtu = 1400;
	s.up = 1;
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 5, 3, &s), want_mtu_up);
	netif_link_set_init(&s);
	s.up = 0;
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 6, 3, &s), want_down);
	netif_link_set_init(&s);
	s.name = "ppp0";
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 7, 3, &s), want_name);
	netif_link_set_init(&s);
	s.alias = "hello";
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 8, 3, &s), want_alias);
	s.alias = "";
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 9, 3, &s),
	    want_noalias);
	netif_link_set_init(&s);
	s.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
	CHECK_MSG(netif_build_link(buf, sizeof(buf), 10, 3, &s), want_gen);

	/* names: empty and 16 characters are refused */
	netif_link_set_init(&s);
	s.name = "";
	assert_int_equal(netif_build_link(buf, sizeof(buf), 1, 3, &s), -1);
	memset(longname, 'x', 16);
	longname[16] = '\0';
	s.name = longname;
	assert_int_equal(netif_build_link(buf, sizeof(buf), 1, 3, &s), -1);
	longname[15] = '\0';
	assert_true(netif_build_link(buf, sizeof(buf), 1, 3, &s) > 0);
	assert_int_equal(netif_build_link(buf, sizeof(buf), 1, 0, &s), -1);

	CHECK_MSG(netif_build_ppp_newlink(buf, sizeof(buf), 11, "ng7", 42),
	    want_ppp);
	assert_int_equal(netif_build_ppp_newlink(buf, sizeof(buf), 1, "",
	    42), -1);
	longname[15] = 'x';
	assert_int_equal(netif_build_ppp_newlink(buf, sizeof(buf), 1,
	    longname, 42), -1);
	assert_int_equal(netif_build_ppp_newlink(buf, sizeof(buf), 1, "ng0",
	    -1), -1);
	assert_int_equal(netif_build_ppp_newlink(buf, 40, 1, "ng0", 3), -1);
}

static void
test_dumps(void **state)
{
	static const uint8_t want_addr[] = {
		HDR(24, RTM_GETADDR, 0x301, 4),
		AF_INET, 0, 0, 0, U32(0),
	};
	static const uint8_t want_proxy[] = {
		HDR(28, RTM_GETNEIGH, 0x301, 5),
		AF_INET, 0, U16(0), U32(0), U16(0), NTF_PROXY, 0,
	};
	static const uint8_t want_route[] = {
		HDR(28, RTM_GETROUTE, 0x301, 6),
		AF_INET6, 0, 0, 0, 0, 0, 0, 0, U32(0),
	};
	static const uint8_t want_link[] = {
		HDR(32, RTM_GETLINK, 0x301, 7),
		AF_UNSPEC, 0, U16(0), U32(0), U32(0), U32(0),
	};
	uint8_t buf[NETIF_MSG_MAX];

	(void)state;
	CHECK_MSG(netif_build_dump(buf, sizeof(buf), 4, RTM_GETADDR, AF_INET,
	    0), want_addr);
	CHECK_MSG(netif_build_dump(buf, sizeof(buf), 5, RTM_GETNEIGH, AF_INET,
	    NTF_PROXY), want_proxy);
	CHECK_MSG(netif_build_dump(buf, sizeof(buf), 6, RTM_GETROUTE,
	    AF_INET6, 0), want_route);
	CHECK_MSG(netif_build_dump(buf, sizeof(buf), 7, RTM_GETLINK,
	    AF_UNSPEC, 0), want_link);
	assert_int_equal(netif_build_dump(buf, sizeof(buf), 7, RTM_NEWLINK,
	    AF_UNSPEC, 0), -1);
}

/* ---- parsers ---- */

/* Rewrite the type of a built request into that of a kernel reply. */
static void
set_type(uint8_t *buf, uint16_t type)
{
	memcpy(buf + offsetof(struct nlmsghdr, nlmsg_type), &type,
	    sizeof(type));
}

static void
test_parse_round_trips(void **state)
{
	uint8_t buf[NETIF_MSG_MAX];
	struct u_addr l = ip("10.0.0.1"), p = ip("10.0.0.2");
	struct u_range r = net("172.16.0.0/12");
	struct netif_addr a;
	struct netif_route rt;
	struct netif_neigh nb;
	struct netif_link lk;
	struct netif_link_set s;
	int n;

	(void)state;
	n = netif_build_addr(buf, sizeof(buf), 1, true, 9, &l, &p, 32, 0);
	assert_int_equal(netif_parse_addr(buf, (size_t)n, &a), 0);
	assert_int_equal(a.ifindex, 9);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.prefixlen, 32);
	assert_memory_equal(&a.local, &l, sizeof(l));
	assert_memory_equal(&a.address, &p, sizeof(p));
	/* wrong type */
	assert_int_equal(netif_parse_route(buf, (size_t)n, &rt), -1);

	n = netif_build_route(buf, sizeof(buf), 1, true, 4, &r);
	assert_int_equal(netif_parse_route(buf, (size_t)n, &rt), 0);
	assert_int_equal(rt.dst_len, 12);
	assert_int_equal(rt.oif, 4);
	assert_int_equal(rt.table, RT_TABLE_MAIN);
	assert_int_equal(rt.protocol, RTPROT_STATIC);
	assert_memory_equal(&rt.dst, &r.addr, sizeof(r.addr));

	n = netif_build_neigh(buf, sizeof(buf), 1, true, 6, &p, true);
	assert_int_equal(netif_parse_neigh(buf, (size_t)n, &nb), 0);
	assert_int_equal(nb.ifindex, 6);
	assert_int_equal(nb.flags, NTF_PROXY);
	assert_memory_equal(&nb.dst, &p, sizeof(p));

	netif_link_set_init(&s);
	s.name = "ng7";
	s.alias = "office link";
	s.mtu = 1492;
	n = netif_build_link(buf, sizeof(buf), 1, 11, &s);
	assert_int_equal(netif_parse_link(buf, (size_t)n, &lk), 0);
	assert_int_equal(lk.ifindex, 11);
	assert_int_equal(lk.mtu, 1492);
	assert_string_equal(lk.name, "ng7");
	assert_string_equal(lk.alias, "office link");
	set_type(buf, RTM_NEWADDR);
	assert_int_equal(netif_parse_link(buf, (size_t)n, &lk), -1);
}

static void
test_parse_malformed(void **state)
{
	uint8_t buf[NETIF_MSG_MAX], two[2 * NETIF_MSG_MAX];
	struct u_addr l = ip("10.0.0.1");
	struct netif_addr a;
	const uint8_t *msg;
	size_t off, mlen;
	int n, k, err;
	uint16_t bad;
	uint32_t len32;

	(void)state;
	n = netif_build_addr(buf, sizeof(buf), 1, true, 9, &l, NULL, 32, 0);
	/* every truncation is refused, never read past */
	for (k = 0; k < n; k++)
		assert_int_equal(netif_parse_addr(buf, (size_t)k, &a), -1);
	/* attribute longer than the message */
	bad = 200;
	memcpy(buf + 24, &bad, sizeof(bad));
	assert_int_equal(netif_parse_addr(buf, (size_t)n, &a), -1);
	/* attribute shorter than its header */
	bad = 2;
	memcpy(buf + 24, &bad, sizeof(bad));
	assert_int_equal(netif_parse_addr(buf, (size_t)n, &a), -1);
	/* an IPv4 address of 3 bytes */
	bad = 7;
	memcpy(buf + 24, &bad, sizeof(bad));
	assert_int_equal(netif_parse_addr(buf, (size_t)n, &a), -1);

	/* walking a buffer of two messages, then a bad length */
	n = netif_build_addr(buf, sizeof(buf), 1, true, 9, &l, NULL, 32, 0);
	memcpy(two, buf, (size_t)n);
	memcpy(two + n, buf, (size_t)n);
	off = 0;
	assert_int_equal(netif_msg_next(two, 2 * (size_t)n, &off, &msg,
	    &mlen), 1);
	assert_int_equal(mlen, (size_t)n);
	assert_int_equal(netif_msg_next(two, 2 * (size_t)n, &off, &msg,
	    &mlen), 1);
	assert_ptr_equal(msg, two + n);
	assert_int_equal(netif_msg_next(two, 2 * (size_t)n, &off, &msg,
	    &mlen), 0);
	len32 = 1000;
	memcpy(two + n, &len32, sizeof(len32));
	off = (size_t)n;
	assert_int_equal(netif_msg_next(two, 2 * (size_t)n, &off, &msg,
	    &mlen), -1);
	len32 = 4;
	memcpy(two + n, &len32, sizeof(len32));
	off = (size_t)n;
	assert_int_equal(netif_msg_next(two, 2 * (size_t)n, &off, &msg,
	    &mlen), -1);
	off = 0;
	assert_int_equal(netif_msg_next(two, 10, &off, &msg, &mlen), -1);

	/* NLMSG_ERROR: an ACK and a refusal */
	{
		static const uint8_t ack[] = {
			HDR(36, NLMSG_ERROR, 0, 5), U32(0),
			HDR(40, RTM_NEWADDR, 0x505, 5),
		};
		static const uint8_t nak[] = {
			HDR(36, NLMSG_ERROR, 0, 5), U32(0xffffffef),
			HDR(40, RTM_NEWADDR, 0x505, 5),
		};

		assert_int_equal(netif_parse_error(ack, sizeof(ack), &err),
		    0);
		assert_int_equal(err, 0);
		assert_int_equal(netif_parse_error(nak, sizeof(nak), &err),
		    0);
		assert_int_equal(err, -17);
		assert_int_equal(netif_parse_error(nak, 18, &err), -1);
	}
}

/* Interface groups: numbers, names from an iproute2 group file. */
static void
test_group(void **state)
{
	char path[] = "/tmp/mpd-group-XXXXXX";
	uint8_t buf[512];
	uint32_t num;
	FILE *f;
	int fd, len;
	struct netif_link_set ls;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n0\tdefault\n7 customers\n", f);
	fclose(f);
	assert_int_equal(netif_group_number("42", path, &num), 0);
	assert_int_equal(num, 42);
	assert_int_equal(netif_group_number("customers", path, &num), 0);
	assert_int_equal(num, 7);
	assert_int_equal(netif_group_number("nosuch", path, &num), -1);
	assert_int_equal(netif_group_number("", path, &num), -1);
	unlink(path);
	/* IFLA_GROUP (27) carried as a u32 in the change request */
	netif_link_set_init(&ls);
	ls.group = 7;
	len = netif_build_link(buf, sizeof(buf), 1, 3, &ls);
	assert_true(len > 0);
	assert_non_null(memmem(buf, (size_t)len,
	    "\x08\x00\x1b\x00\x07\x00\x00\x00", 8));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_ipv4_peer),
		cmocka_unit_test(test_addr_ipv6_linklocal),
		cmocka_unit_test(test_addr_errors),
		cmocka_unit_test(test_route_ipv4),
		cmocka_unit_test(test_route_ipv6),
		cmocka_unit_test(test_neigh_proxy),
		cmocka_unit_test(test_link_changes),
		cmocka_unit_test(test_dumps),
		cmocka_unit_test(test_parse_round_trips),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
