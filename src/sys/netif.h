/*
 * netif.h - Linux network interface glue over rtnetlink (RFC 3549):
 * addresses, routes, proxy-ARP entries, MTU, up/down, rename and the
 * interface description (IFLA_IFALIAS).
 *
 * This module knows nothing of PPP.  It has two halves:
 *
 *  - pure message builders and parsers over caller buffers, free of
 *    sockets, globals and logging, so unit tests can compare requests
 *    byte for byte and parse canned replies;
 *  - run-time calls that open a NETLINK_ROUTE socket in the caller's
 *    network namespace, send one request, wait for the kernel's
 *    acknowledgement and close the socket.  They are quick local system
 *    calls (bounded by a receive timeout) and may run on the event loop.
 *
 * Every run-time call returns 0 on success or -1 with errno set (the
 * kernel's error code for a refused request).  Interfaces are addressed
 * by index so that a rename never confuses a caller.
 */
#ifndef MPD_SYS_NETIF_H
#define MPD_SYS_NETIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/util.h"

/* Largest request the builders produce (and the builders' minimum cap). */
#define NETIF_MSG_MAX		1024

/* ---- pure request builders ----
 *
 * Each writes one complete netlink message (struct nlmsghdr first) into
 * buf[0..cap) and returns its length, or -1 when cap is too small or an
 * argument is invalid (unknown family, width out of range, name too long).
 * Requests ask for an acknowledgement (NLM_F_ACK).
 */

/*
 * RTM_NEWADDR (add) or RTM_DELADDR for ifindex: IFA_LOCAL = local and
 * IFA_ADDRESS = peer (or local when peer is NULL or unset), prefix width
 * prefixlen, ifa_flags as given (e.g. IFA_F_NODAD; values above 0xff are
 * also sent in IFA_FLAGS).  local and peer must be of the same family.
 */
int	netif_build_addr(uint8_t *buf, size_t cap, uint32_t seq, bool add,
	    int ifindex, const struct u_addr *local, const struct u_addr *peer,
	    unsigned prefixlen, uint32_t flags);
/*
 * RTM_NEWROUTE (add, with NLM_F_CREATE|NLM_F_EXCL) or RTM_DELROUTE of
 * dst through interface ifindex only (no gateway): main table, protocol
 * static, scope link, unicast.  A width-0 destination is the default
 * route and carries no RTA_DST.
 */
int	netif_build_route(uint8_t *buf, size_t cap, uint32_t seq, bool add,
	    int ifindex, const struct u_range *dst);
/*
 * RTM_NEWNEIGH (add, NLM_F_CREATE|NLM_F_REPLACE) or RTM_DELNEIGH for dst
 * on ifindex; proxy sets NTF_PROXY (a published "ip neigh add proxy"
 * entry).  State NUD_PERMANENT.
 */
int	netif_build_neigh(uint8_t *buf, size_t cap, uint32_t seq, bool add,
	    int ifindex, const struct u_addr *dst, bool proxy);

/* What an RTM_NEWLINK change request sets; unset fields stay as they are. */
struct netif_link_set {
	const char	*name;		/* IFLA_IFNAME; NULL: keep */
	const char	*alias;		/* IFLA_IFALIAS; NULL: keep, "": clear */
	int		 mtu;		/* IFLA_MTU; 0: keep */
	int		 up;		/* 1 up, 0 down, -1 keep */
	int		 addr_gen_mode;	/* IPv6 IN6_ADDR_GEN_MODE_*; -1: keep */
	int64_t		 group;		/* IFLA_GROUP; -1: keep */
};

/* Initialise s to "change nothing". */
void	netif_link_set_init(struct netif_link_set *s);
/* RTM_NEWLINK (no NLM_F_CREATE) for an existing ifindex. */
int	netif_build_link(uint8_t *buf, size_t cap, uint32_t seq, int ifindex,
	    const struct netif_link_set *s);
/*
 * RTM_NEWLINK (NLM_F_CREATE | NLM_F_EXCL) of link kind "ppp": a ppp unit
 * named name whose unit descriptor is ppp_fd, an unattached /dev/ppp
 * descriptor of the sending process (IFLA_PPP_DEV_FD, Linux 4.7+).
 */
int	netif_build_ppp_newlink(uint8_t *buf, size_t cap, uint32_t seq,
	    const char *name, int ppp_fd);
/*
 * A dump request (NLM_F_DUMP) of type RTM_GETLINK, RTM_GETADDR,
 * RTM_GETROUTE or RTM_GETNEIGH for family (AF_UNSPEC: all).  For
 * RTM_GETNEIGH, ndm_flags NTF_PROXY asks for the proxy entries instead of
 * the neighbour cache; it is ignored for the other types.
 */
int	netif_build_dump(uint8_t *buf, size_t cap, uint32_t seq, int type,
	    int family, unsigned ndm_flags);

/* ---- pure reply parsers ----
 *
 * netif_msg_next() walks a buffer of netlink messages: it returns 1 with
 * *msg / *len set to the next complete message (header included), 0 at
 * the end, -1 on a malformed length.  *off starts at 0.
 * The netif_parse_* functions read one message of the matching type and
 * return 0 or -1 (wrong type, truncated, malformed attribute).  Unknown
 * attributes are ignored.
 */
int	netif_msg_next(const uint8_t *buf, size_t size, size_t *off,
	    const uint8_t **msg, size_t *len);
/* NLMSG_ERROR: *err = the (negative) errno, 0 for an ACK. */
int	netif_parse_error(const uint8_t *msg, size_t len, int *err);

struct netif_addr {
	int		ifindex;
	int		family;
	unsigned	prefixlen;
	unsigned	scope;
	uint32_t	flags;
	struct u_addr	local;		/* IFA_LOCAL (AF_UNSPEC if absent) */
	struct u_addr	address;	/* IFA_ADDRESS: peer on p-t-p links */
};
int	netif_parse_addr(const uint8_t *msg, size_t len, struct netif_addr *a);

struct netif_route {
	int		family;
	unsigned	dst_len;
	unsigned	table;
	unsigned	protocol;
	unsigned	scope;
	unsigned	type;
	struct u_addr	dst;		/* AF_UNSPEC when absent (default) */
	struct u_addr	gateway;
	int		oif;
};
int	netif_parse_route(const uint8_t *msg, size_t len,
	    struct netif_route *r);

struct netif_neigh {
	int		family;
	int		ifindex;
	unsigned	state;
	unsigned	flags;		/* NTF_* */
	struct u_addr	dst;
};
int	netif_parse_neigh(const uint8_t *msg, size_t len,
	    struct netif_neigh *n);

struct netif_link {
	int		ifindex;
	unsigned	type;		/* ARPHRD_* */
	unsigned	flags;		/* IFF_* */
	int		mtu;
	char		name[IFNAMSIZ];
	char		alias[256];
};
int	netif_parse_link(const uint8_t *msg, size_t len, struct netif_link *l);

/* ---- run-time calls (open a socket in the current namespace) ---- */

/* Interface index of name, 0 when there is none. */
int	netif_ifindex(const char *name);
/* Add / remove an address (see netif_build_addr). */
int	netif_addr_add(int ifindex, const struct u_addr *local,
	    const struct u_addr *peer, unsigned prefixlen, uint32_t flags);
int	netif_addr_del(int ifindex, const struct u_addr *local,
	    const struct u_addr *peer, unsigned prefixlen);
/* Route to dst through ifindex (width 0: default route). */
int	netif_route_add(int ifindex, const struct u_range *dst);
int	netif_route_del(int ifindex, const struct u_range *dst);
/* Proxy neighbour (proxy-ARP for IPv4, proxy-NDP for IPv6) entries. */
int	netif_proxy_add(int ifindex, const struct u_addr *ip);
int	netif_proxy_del(int ifindex, const struct u_addr *ip);
/*
 * The LAN interface for proxy-ARP of ip: an up, non-loopback,
 * non-point-to-point interface other than exclude_ifindex holding an
 * IPv4 address whose subnet contains ip.  Returns its index, 0 when there
 * is none, -1 on error.
 */
int	netif_find_lan(const struct u_addr *ip, int exclude_ifindex);
/* Link changes (MTU, up/down, name, alias, IPv6 address generation). */
int	netif_link_change(int ifindex, const struct netif_link_set *s);
int	netif_set_mtu(int ifindex, int mtu);
int	netif_set_up(int ifindex, bool up);
/* Rename; Linux refuses while the interface is up (EBUSY). */
int	netif_rename(int ifindex, const char *name);
/* Make ppp unit name on ppp_fd (netif_build_ppp_newlink()): 0 or -1. */
int	netif_ppp_create(const char *name, int ppp_fd);
int	netif_set_alias(int ifindex, const char *alias);
/*
 * Turn IPv6 on or off on an interface (its disable_ipv6 sysctl).  With
 * IPv6 off the kernel adds no link-local address or multicast route for
 * it, and changes to it do not walk the IPv6 routing table: setting up
 * thousands of IPv4-only sessions stays linear.  0 also when the kernel
 * has no IPv6; -1 on error.
 */
int	netif_set_ipv6(const char *ifname, bool on);
/* Put the interface into numeric group (ip link set ... group N). */
int	netif_set_group(int ifindex, uint32_t group);
/*
 * The number of an interface group given by name: a decimal number, or a
 * name listed in iproute2's group file ("<number> <name>" lines) at path.
 * Returns 0, or -1 when the name is unknown.  Pure apart from the file.
 */
int	netif_group_number(const char *name, const char *path, uint32_t *out);
/* State of one interface. */
int	netif_link_get(int ifindex, struct netif_link *out);

/*
 * Dump every object of a kind (arguments as netif_build_dump): fn is called for each reply message
 * (header included); a non-zero return from fn stops the walk early and
 * is returned.  Returns 0 at the end, -1 on error.
 */
typedef int netif_dump_fn(void *arg, const uint8_t *msg, size_t len);
int	netif_dump(int type, int family, unsigned ndm_flags, netif_dump_fn *fn,
	    void *arg);

#endif /* MPD_SYS_NETIF_H */
