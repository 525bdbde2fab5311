/*
 * ipcp_run.c - the IP Control Protocol of a bundle: RFC 1332 (IPCP,
 * IP-Address and IP-Compression-Protocol options) and RFC 1877 (Primary/
 * Secondary DNS and NBNS server addresses), driven by the generic
 * automaton of fsm.h.
 *
 * Behaviour follows mpd5 (surface spec 4.4.3, 11.4):
 *  - IP-Address: our address comes from `set ipcp ranges` self side (a
 *    width of 0 lets the peer Nak us any address; 0.0.0.0/0 asks the
 *    peer) or its pool; the peer's from, in this order, the AAA address or
 *    range, the AAA pool, the `ranges ... ippool` pool and the `ranges`
 *    peer side.  A peer request outside its range is Nak'd with the
 *    address we picked.  Framed-IP-Address 255.255.255.255 lets the peer
 *    choose; 255.255.255.254 means "the NAS chooses" (config / pools).
 *    Pool addresses go back to their pool when IPCP goes down.
 *  - VJ compression (RFC 1144) with 16 slots and no slot-id compression
 *    towards us; the peer's request is accepted per `vjcomp`.
 *  - DNS / NBNS: peer requests for 129-132 are answered from `set ipcp
 *    dns/nbns` with AAA values overriding per slot, rejected when we have
 *    none; ours are requested with req-pri-dns etc. and kept for the
 *    up-script ("dns1 <ip>").
 *  - IP-Addresses (1) and Mobile-IPv4 (4) and anything unknown: rejected.
 *
 * Option parsing is bounds-checked on the raw option bytes (no global
 * buffers), so ipcp_fsm_type.decode_config can be fuzzed directly
 * (tests/fuzz/fuzz_ipcp.c).  All functions run on the event-loop thread.
 */
#include "ipcp.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../auth/ippool.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "bund.h"
#include "iface.h"
#include "proto.h"

/* Slots we support: Max-Slot-Id 15 (16 slots); peers may ask fewer. */
#define IPCP_VJ_MAX_MAXCHAN	(VJ_MAX_SLOTS - 1)
#define IPCP_VJ_MIN_MAXCHAN	(VJ_MIN_SLOTS - 1)

/* Bit of st->peer_reject for an option type (-1: not one of ours). */
static int
ipcp_rej_bit(uint8_t type)
{
	if (type >= IPCP_TY_IPADDRS && type <= IPCP_TY_MOBILEIPV4)
		return type;
	if (type >= IPCP_TY_PRIDNS && type <= IPCP_TY_SECNBNS)
		return type - IPCP_TY_PRIDNS + 5;
	return -1;
}

static bool
ipcp_rejected(const struct ipcp_state *st, uint8_t type)
{
	int bit = ipcp_rej_bit(type);

	return bit >= 0 && (st->peer_reject & (1u << bit)) != 0;
}

static void
ipcp_set_rejected(struct ipcp_state *st, uint8_t type)
{
	int bit = ipcp_rej_bit(type);

	if (bit >= 0)
		st->peer_reject |= 1u << bit;
}

static struct ipcp_state *
ipcp_of(struct fsm *f)
{
	return ((struct bund *)f->owner)->ipcp;
}

static const char *
ipcp_ntoa(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* The IPv4 address at p (4 bytes, network order). */
static struct in_addr
ipcp_get_addr(const uint8_t *p)
{
	struct in_addr a;

	memcpy(&a.s_addr, p, 4);
	return a;
}

static void
ipcp_range_set(struct u_range *r, struct in_addr a, int width)
{
	memset(r, 0, sizeof(*r));
	r->addr.family = AF_INET;
	r->addr.u.ip4 = a;
	r->width = (uint8_t)width;
}

static bool
ipcp_in_range(const struct u_range *r, struct in_addr a)
{
	struct u_addr u;

	memset(&u, 0, sizeof(u));
	u.family = AF_INET;
	u.u.ip4 = a;
	return u_range_contains(r, &u);
}

/* Mirror the automaton's state into the bundle for the status views. */
static void
ipcp_sync(struct bund *b)
{
	if (b->ipcp != NULL)
		b->ipcp_state = b->ipcp->fsm.state;
}

/*
 * mpd5's default self address: the first IPv4 address of an up,
 * non-loopback interface, preferring broadcast interfaces over
 * point-to-point ones (which may be our own ngN links).
 */
static struct in_addr
ipcp_local_addr(void)
{
	struct ifaddrs *ifa, *i;
	struct in_addr best = { 0 }, p2p = { 0 };

	if (getifaddrs(&ifa) < 0)
		return best;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_UP) == 0 ||
		    (i->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		if (i->ifa_flags & IFF_POINTOPOINT) {
			if (p2p.s_addr == 0)
				p2p = ((const struct sockaddr_in *)(const void *)
				    i->ifa_addr)->sin_addr;
			continue;
		}
		best = ((const struct sockaddr_in *)(const void *)
		    i->ifa_addr)->sin_addr;
		break;
	}
	freeifaddrs(ifa);
	return best.s_addr != 0 ? best : p2p;
}

/* Give back the addresses taken from pools (idempotent). */
static void
ipcp_release(struct ipcp_state *st)
{
	if (st->self_pool_used) {
		ippool_free(st->self_pool, st->self_pool_addr);
		st->self_pool_used = false;
	}
	if (st->peer_pool_used) {
		ippool_free(st->peer_pool, st->peer_pool_addr);
		st->peer_pool_used = false;
	}
}

/*
 * Take an address from pool for side ("self" / "peer") into *r as a /32.
 * On failure nothing is acceptable: 0.0.0.0/32.
 */
static void
ipcp_from_pool(struct ipcp_state *st, const char *pool, bool self,
    struct u_range *r)
{
	struct in_addr a = { 0 };
	char buf[INET_ADDRSTRLEN];
	const char *name = st->bund->name;

	if (ippool_get(pool, &a) < 0) {
		log_msg(LG_IPCP, "[%s] IPCP: Can't get IP from pool \"%s\" "
		    "for %s", name, pool, self ? "self" : "peer");
		ipcp_range_set(r, a, 32);
		return;
	}
	log_msg(LG_IPCP, "[%s] IPCP: Got IP %s from pool \"%s\" for %s",
	    name, ipcp_ntoa(a, buf, sizeof(buf)), pool,
	    self ? "self" : "peer");
	ipcp_range_set(r, a, 32);
	if (self) {
		util_strlcpy(st->self_pool, pool, sizeof(st->self_pool));
		st->self_pool_addr = a;
		st->self_pool_used = true;
	} else {
		util_strlcpy(st->peer_pool, pool, sizeof(st->peer_pool));
		st->peer_pool_addr = a;
		st->peer_pool_used = true;
	}
}

/* ---- automaton callbacks ---- */

/* Fresh negotiation: pick the address ranges and what we will ask. */
static void
ipcp_configure(struct fsm *f)
{
	struct ipcp_state *st = ipcp_of(f);
	const struct ipcp_conf *c = &st->bund->ipcp_conf;
	const struct ipcp_aaa *aaa = &st->aaa;
	struct in_addr any = { 0 };

	ipcp_release(st);
	st->peer_reject = 0;

	/* Our side: pool, configured range, or a local address / 0. */
	if (c->self_pool[0] != '\0')
		ipcp_from_pool(st, c->self_pool, true, &st->self_allow);
	else if (c->self_range.addr.family == AF_INET)
		st->self_allow = c->self_range;
	else
		ipcp_range_set(&st->self_allow, ipcp_local_addr(), 0);

	/* The peer's side, in the priority order of spec 4.4.3. */
	if (aaa->have_range && aaa->range.addr.family == AF_INET &&
	    aaa->range.addr.u.ip4.s_addr != htonl(0xfffffffeu)) {
		if (aaa->range.addr.u.ip4.s_addr == htonl(0xffffffffu))
			ipcp_range_set(&st->peer_allow, any, 0);
		else
			st->peer_allow = aaa->range;
	} else if (aaa->pool[0] != '\0')
		ipcp_from_pool(st, aaa->pool, false, &st->peer_allow);
	else if (c->peer_pool[0] != '\0')
		ipcp_from_pool(st, c->peer_pool, false, &st->peer_allow);
	else if (c->peer_range.addr.family == AF_INET)
		st->peer_allow = c->peer_range;
	else
		ipcp_range_set(&st->peer_allow, any, 0);

	st->want_addr = st->self_allow.addr.u.ip4;
	st->peer_addr = st->peer_allow.addr.u.ip4;

	/* VJ: we take 16 slots and want the slot id always sent. */
	st->peer_comp.proto = 0;
	st->peer_comp.maxchan = IPCP_VJ_MAX_MAXCHAN;
	st->peer_comp.compcid = 0;
	st->want_comp.proto = (opt_enabled(&c->options, IPCP_OPT_VJCOMP) ||
	    aaa->vjcomp) ? PROTO_VJCOMP : 0;
	st->want_comp.maxchan = IPCP_VJ_MAX_MAXCHAN;
	st->want_comp.compcid = 0;

	memset(st->want_dns, 0, sizeof(st->want_dns));
	memset(st->want_nbns, 0, sizeof(st->want_nbns));
}

static void
ipcp_unconfigure(struct fsm *f)
{
	ipcp_release(ipcp_of(f));
}

static const char *
ipcp_opt_name(uint8_t type)
{
	switch (type) {
	case IPCP_TY_IPADDRS:
		return "IPADDRS";
	case IPCP_TY_COMPPROTO:
		return "COMPPROTO";
	case IPCP_TY_IPADDR:
		return "IPADDR";
	case IPCP_TY_MOBILEIPV4:
		return "MOBILEIPV4";
	case IPCP_TY_PRIDNS:
		return "PRIDNS";
	case IPCP_TY_PRINBNS:
		return "PRINBNS";
	case IPCP_TY_SECDNS:
		return "SECDNS";
	case IPCP_TY_SECNBNS:
		return "SECNBNS";
	default:
		return NULL;
	}
}

/* "VJCOMP, 16 comp. channels, no comp-cid" */
static void
ipcp_log_vj(const char *bname, const struct ipcp_vjopt *vj)
{
	log_msg(LG_IPCP, "[%s]   COMPPROTO %s, %d comp. channels, %s comp-cid",
	    bname, proto_name(vj->proto), vj->maxchan + 1,
	    vj->compcid ? "allow" : "no");
}

/* Append one option; returns the new length (unchanged if no room). */
static size_t
ipcp_put(uint8_t *buf, size_t len, size_t n, uint8_t type,
    const uint8_t *val, size_t vlen)
{
	if (n + 2 + vlen > len)
		return n;
	buf[n] = type;
	buf[n + 1] = (uint8_t)(2 + vlen);
	memcpy(buf + n + 2, val, vlen);
	return n + 2 + vlen;
}

static size_t
ipcp_build_config(struct fsm *f, uint8_t *buf, size_t len)
{
	static const uint8_t server_types[4] = {
		IPCP_TY_PRIDNS, IPCP_TY_SECDNS, IPCP_TY_PRINBNS,
		IPCP_TY_SECNBNS,
	};
	static const int server_opts[4] = {
		IPCP_OPT_REQ_PRI_DNS, IPCP_OPT_REQ_SEC_DNS,
		IPCP_OPT_REQ_PRI_NBNS, IPCP_OPT_REQ_SEC_NBNS,
	};
	struct ipcp_state *st = ipcp_of(f);
	const struct opt_set *o = &st->bund->ipcp_conf.options;
	struct in_addr a;
	uint8_t v[4];
	size_t n = 0;
	int i;

	/* Without an address of our own we ask even after a Reject. */
	if (!ipcp_rejected(st, IPCP_TY_IPADDR) || st->want_addr.s_addr == 0) {
		n = ipcp_put(buf, len, n, IPCP_TY_IPADDR,
		    (const uint8_t *)&st->want_addr.s_addr, 4);
	}
	if (st->want_comp.proto != 0 &&
	    !ipcp_rejected(st, IPCP_TY_COMPPROTO)) {
		v[0] = (uint8_t)(st->want_comp.proto >> 8);
		v[1] = (uint8_t)st->want_comp.proto;
		v[2] = st->want_comp.maxchan;
		v[3] = st->want_comp.compcid;
		n = ipcp_put(buf, len, n, IPCP_TY_COMPPROTO, v, 4);
	}
	for (i = 0; i < 4; i++) {
		if (!opt_enabled(o, server_opts[i]) ||
		    ipcp_rejected(st, server_types[i]))
			continue;
		a = i < 2 ? st->want_dns[i] : st->want_nbns[i - 2];
		n = ipcp_put(buf, len, n, server_types[i],
		    (const uint8_t *)&a.s_addr, 4);
	}
	return n;
}

/* IP-Address (3) in a request, a Nak or a Reject. */
static void
ipcp_opt_ipaddr(struct ipcp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const char *bname = st->bund->name;
	const struct opt_set *o = &st->bund->ipcp_conf.options;
	struct in_addr ip = ipcp_get_addr(opt + 2);
	char abuf[INET_ADDRSTRLEN], pbuf[INET_ADDRSTRLEN];
	uint8_t nak[6];

	log_msg(LG_IPCP, "[%s]   IPADDR %s", bname,
	    ipcp_ntoa(ip, abuf, sizeof(abuf)));
	switch (mode) {
	case FSM_MODE_REQ:
		if (ip.s_addr != 0 && ipcp_in_range(&st->peer_allow, ip)) {
			log_msg(LG_IPCP, "[%s]     %s is OK", bname, abuf);
			st->peer_addr = ip;
			fsm_ack(d, opt, 6);
			break;
		}
		if (st->peer_addr.s_addr == 0)
			log_msg(LG_IPCP, "[%s]     no IP address available "
			    "for peer!", bname);
		if (opt_enabled(o, IPCP_OPT_PRETEND_IP)) {
			log_msg(LG_IPCP, "[%s]     pretending that %s is OK, "
			    "will ignore", bname, abuf);
			st->peer_addr = ip;
			fsm_ack(d, opt, 6);
			break;
		}
		memcpy(nak, opt, 2);
		memcpy(nak + 2, &st->peer_addr.s_addr, 4);
		log_msg(LG_IPCP, "[%s]     NAKing with %s", bname,
		    ipcp_ntoa(st->peer_addr, pbuf, sizeof(pbuf)));
		fsm_nak(d, nak, 6);
		break;
	case FSM_MODE_NAK:
		if (ipcp_in_range(&st->self_allow, ip)) {
			log_msg(LG_IPCP, "[%s]     %s is OK", bname, abuf);
			st->want_addr = ip;
		} else if (opt_enabled(o, IPCP_OPT_PRETEND_IP)) {
			log_msg(LG_IPCP, "[%s]     pretending that %s is OK, "
			    "will ignore", bname, abuf);
			st->want_addr = ip;
		} else
			log_msg(LG_IPCP, "[%s]     %s is unacceptable", bname,
			    abuf);
		break;
	case FSM_MODE_REJ:
		ipcp_set_rejected(st, IPCP_TY_IPADDR);
		if (st->want_addr.s_addr == 0)
			log_msg(LG_IPCP, "[%s]     Problem: I need an IP "
			    "address!", bname);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* IP-Compression-Protocol (2). */
static void
ipcp_opt_comp(struct ipcp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const char *bname = st->bund->name;
	const struct opt_set *o = &st->bund->ipcp_conf.options;
	struct ipcp_vjopt vj;
	uint8_t nak[6];

	vj.proto = (uint16_t)((opt[2] << 8) | opt[3]);
	vj.maxchan = opt[4];
	vj.compcid = opt[5];
	ipcp_log_vj(bname, &vj);
	switch (mode) {
	case FSM_MODE_REQ:
		if (!opt_accepted(o, IPCP_OPT_VJCOMP) && !st->aaa.vjcomp) {
			fsm_rej(d, opt, 6);
			break;
		}
		if (vj.proto == PROTO_VJCOMP &&
		    vj.maxchan <= IPCP_VJ_MAX_MAXCHAN &&
		    vj.maxchan >= IPCP_VJ_MIN_MAXCHAN) {
			st->peer_comp = vj;
			fsm_ack(d, opt, 6);
			break;
		}
		/* Suggest what we can do: VJ, 16 slots, explicit slot ids. */
		nak[0] = opt[0];
		nak[1] = 6;
		nak[2] = (uint8_t)(PROTO_VJCOMP >> 8);
		nak[3] = (uint8_t)PROTO_VJCOMP;
		nak[4] = IPCP_VJ_MAX_MAXCHAN;
		nak[5] = 0;
		fsm_nak(d, nak, 6);
		break;
	case FSM_MODE_NAK:
		if (vj.proto != PROTO_VJCOMP) {
			log_msg(LG_IPCP, "[%s]     Can't accept proto 0x%04x",
			    bname, vj.proto);
			break;
		}
		if (vj.maxchan != st->want_comp.maxchan) {
			if (vj.maxchan <= IPCP_VJ_MAX_MAXCHAN &&
			    vj.maxchan >= IPCP_VJ_MIN_MAXCHAN) {
				log_msg(LG_IPCP, "[%s]     Adjusting # "
				    "compression channels", bname);
				st->want_comp.maxchan = vj.maxchan;
			} else
				log_msg(LG_IPCP, "[%s]     Can't handle %d "
				    "maxchan", bname, vj.maxchan);
		}
		if (vj.compcid)
			log_msg(LG_IPCP, "[%s]     Can't accept comp-cid",
			    bname);
		break;
	case FSM_MODE_REJ:
		ipcp_set_rejected(st, IPCP_TY_COMPPROTO);
		st->want_comp.proto = 0;
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* DNS / NBNS server options (129-132, RFC 1877). */
static void
ipcp_opt_server(struct ipcp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const struct ipcp_conf *c = &st->bund->ipcp_conf;
	const char *bname = st->bund->name;
	struct in_addr his = ipcp_get_addr(opt + 2), ours, *want;
	char abuf[INET_ADDRSTRLEN];
	bool dns = opt[0] == IPCP_TY_PRIDNS || opt[0] == IPCP_TY_SECDNS;
	int slot = opt[0] == IPCP_TY_SECDNS || opt[0] == IPCP_TY_SECNBNS;
	uint8_t nak[6];

	/* What we hand out: AAA value of the slot, else the config. */
	if (dns)
		ours = st->aaa.dns[slot].s_addr != 0 ? st->aaa.dns[slot] :
		    c->dns[slot];
	else
		ours = st->aaa.nbns[slot].s_addr != 0 ? st->aaa.nbns[slot] :
		    c->nbns[slot];
	want = dns ? &st->want_dns[slot] : &st->want_nbns[slot];

	log_msg(LG_IPCP, "[%s]   %s %s", bname, ipcp_opt_name(opt[0]),
	    ipcp_ntoa(his, abuf, sizeof(abuf)));
	switch (mode) {
	case FSM_MODE_REQ:
		if (his.s_addr == 0 && ours.s_addr == 0) {
			/* A request for ours, and we have none. */
			fsm_rej(d, opt, 6);
			break;
		}
		if (his.s_addr == 0 ||
		    (ours.s_addr != 0 && his.s_addr != ours.s_addr)) {
			/* A request for ours, or a guess that is not ours. */
			log_msg(LG_IPCP, "[%s]     NAKing with %s", bname,
			    ipcp_ntoa(ours, abuf, sizeof(abuf)));
			memcpy(nak, opt, 2);
			memcpy(nak + 2, &ours.s_addr, 4);
			fsm_nak(d, nak, 6);
			break;
		}
		fsm_ack(d, opt, 6);
		break;
	case FSM_MODE_NAK:
		/* We asked; this is the peer's server. */
		*want = his;
		break;
	case FSM_MODE_REJ:
		ipcp_set_rejected(st, opt[0]);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

static void
ipcp_decode_config(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	struct ipcp_state *st = ipcp_of(f);
	const char *bname = st->bund->name;
	const char *name;
	uint8_t type, olen;

	/* Replies are built only for requests; NOP only logs. */
	if (mode == FSM_MODE_REQ && d == NULL)
		return;
	while (len > 0) {
		if (fsm_opt_bogus(f, opts, len)) {
			/* Truncated option: the rest of the packet is junk. */
			return;
		}
		type = opts[0];
		olen = opts[1];
		name = ipcp_opt_name(type);
		if (name == NULL) {
			log_msg(LG_IPCP, "[%s]   UNKNOWN[%d] len=%d", bname,
			    type, olen);
			if (mode == FSM_MODE_REQ)
				fsm_rej(d, opts, olen);
		} else if (type == IPCP_TY_IPADDRS ||
		    type == IPCP_TY_MOBILEIPV4) {
			log_msg(LG_IPCP, "[%s]   %s", bname, name);
			if (mode == FSM_MODE_REQ) {
				log_msg(LG_IPCP, "[%s]     Not supported",
				    bname);
				fsm_rej(d, opts, olen);
			}
		} else if (olen != 6) {
			log_msg(LG_IPCP, "[%s]   %s", bname, name);
			if (mode == FSM_MODE_REQ) {
				log_msg(LG_IPCP, "[%s]     bogus len=%d", bname,
				    olen);
				fsm_rej(d, opts, olen);
			}
		} else if (type == IPCP_TY_IPADDR)
			ipcp_opt_ipaddr(st, opts, mode, d);
		else if (type == IPCP_TY_COMPPROTO)
			ipcp_opt_comp(st, opts, mode, d);
		else
			ipcp_opt_server(st, opts, mode, d);
		opts += olen;
		len -= olen;
	}
}

static void
ipcp_layer_up(struct fsm *f)
{
	struct ipcp_state *st = ipcp_of(f);
	struct bund *b = st->bund;
	char sbuf[INET_ADDRSTRLEN], pbuf[INET_ADDRSTRLEN];

	/* The negotiated address must still be one we allow. */
	if (!ipcp_in_range(&st->self_allow, st->want_addr)) {
		log_msg(LG_IPCP, "[%s]   Note: ignoring negotiated %s IP %s,",
		    b->name, "self", ipcp_ntoa(st->want_addr, sbuf,
		    sizeof(sbuf)));
		st->want_addr = st->self_allow.addr.u.ip4;
		log_msg(LG_IPCP, "[%s]        using %s instead.", b->name,
		    ipcp_ntoa(st->want_addr, sbuf, sizeof(sbuf)));
	}
	if (!ipcp_in_range(&st->peer_allow, st->peer_addr) &&
	    st->peer_allow.addr.u.ip4.s_addr != 0) {
		log_msg(LG_IPCP, "[%s]   Note: ignoring negotiated %s IP %s,",
		    b->name, "peer", ipcp_ntoa(st->peer_addr, pbuf,
		    sizeof(pbuf)));
		st->peer_addr = st->peer_allow.addr.u.ip4;
		log_msg(LG_IPCP, "[%s]        using %s instead.", b->name,
		    ipcp_ntoa(st->peer_addr, pbuf, sizeof(pbuf)));
	}
	log_msg(LG_IPCP, "[%s]   %s -> %s", b->name,
	    ipcp_ntoa(st->want_addr, sbuf, sizeof(sbuf)),
	    ipcp_ntoa(st->peer_addr, pbuf, sizeof(pbuf)));

	b->ipcp_self = st->want_addr;
	b->ipcp_peer = st->peer_addr;
	ipcp_range_set(&b->iface.self_addr, st->want_addr, 32);
	memset(&b->iface.peer_addr, 0, sizeof(b->iface.peer_addr));
	b->iface.peer_addr.family = AF_INET;
	b->iface.peer_addr.u.ip4 = st->peer_addr;

	/* VJ: we compress per the peer's request, decompress per ours. */
	st->vj_out = st->peer_comp.proto == PROTO_VJCOMP;
	st->vj_in = st->want_comp.proto == PROTO_VJCOMP;
	if (st->vj_out)
		vj_comp_init(&st->vjc, st->peer_comp.maxchan,
		    st->peer_comp.compcid != 0);
	if (st->vj_in)
		vj_decomp_init(&st->vjd, st->want_comp.maxchan);

	b->ipcp_state = FSM_ST_OPENED;
	iface_ip_up(b);
}

static void
ipcp_layer_down(struct fsm *f)
{
	struct ipcp_state *st = ipcp_of(f);

	st->vj_out = false;
	st->vj_in = false;
	iface_ip_down(st->bund);
}

static void
ipcp_layer_start(struct fsm *f)
{
	bund_ncp_start(ipcp_of(f)->bund, BUND_NCP_IPCP);
}

static void
ipcp_layer_finish(struct fsm *f)
{
	struct bund *b = ipcp_of(f)->bund;

	ipcp_sync(b);
	bund_ncp_finish(b, BUND_NCP_IPCP);
}

const struct fsm_type ipcp_fsm_type = {
	.name = "IPCP",
	.proto = PROTO_IPCP,
	.codes = FSM_CODES_BASIC,
	.log = LG_IPCP,
	.log2 = LG_IPCP2,
	.link_level = false,
	.configure = ipcp_configure,
	.unconfigure = ipcp_unconfigure,
	.build_config = ipcp_build_config,
	.decode_config = ipcp_decode_config,
	.layer_up = ipcp_layer_up,
	.layer_down = ipcp_layer_down,
	.layer_start = ipcp_layer_start,
	.layer_finish = ipcp_layer_finish,
};

/* ---- bundle interface ---- */

void
ipcp_init(struct bund *b)
{
	struct ipcp_state *st;

	if (b->ipcp != NULL)
		return;
	st = mem_alloc("ipcp", sizeof(*st));
	st->bund = b;
	b->ipcp = st;
	fsm_init(&st->fsm, &ipcp_fsm_type, b, b->name, bund_fsm_output,
	    b->conf.fsm_timeout);
	ipcp_sync(b);
}

void
ipcp_fini(struct bund *b)
{
	struct ipcp_state *st = b->ipcp;

	if (st == NULL)
		return;
	fsm_stop(&st->fsm);
	ipcp_release(st);
	b->ipcp = NULL;
	b->ipcp_state = FSM_ST_INITIAL;
	mem_free(st);
}

void
ipcp_set_aaa(struct bund *b, const struct auth_data *ad)
{
	struct ipcp_aaa *aaa;

	if (b->ipcp == NULL)
		return;
	aaa = &b->ipcp->aaa;
	memset(aaa, 0, sizeof(*aaa));
	if (ad == NULL)
		return;
	aaa->have_range = ad->have_range;
	aaa->range = ad->range;
	util_strlcpy(aaa->pool, ad->pool, sizeof(aaa->pool));
	memcpy(aaa->dns, ad->dns, sizeof(aaa->dns));
	memcpy(aaa->nbns, ad->nbns, sizeof(aaa->nbns));
	aaa->vjcomp = ad->vjcomp;
}

void
ipcp_open(struct bund *b)
{
	if (b->ipcp == NULL)
		return;
	b->ipcp->fsm.timeout = b->conf.fsm_timeout;
	fsm_open(&b->ipcp->fsm);
	ipcp_sync(b);
}

void
ipcp_close(struct bund *b)
{
	if (b->ipcp == NULL)
		return;
	fsm_close(&b->ipcp->fsm);
	ipcp_sync(b);
}

void
ipcp_up(struct bund *b)
{
	if (b->ipcp == NULL)
		return;
	fsm_up(&b->ipcp->fsm);
	ipcp_sync(b);
}

void
ipcp_down(struct bund *b)
{
	if (b->ipcp == NULL)
		return;
	fsm_down(&b->ipcp->fsm);
	ipcp_release(b->ipcp);
	ipcp_sync(b);
}

void
ipcp_input(struct bund *b, const uint8_t *pkt, size_t len)
{
	if (b->ipcp == NULL)
		return;
	fsm_input(&b->ipcp->fsm, pkt, len);
	ipcp_sync(b);
}

bool
ipcp_opened(const struct bund *b)
{
	return b->ipcp != NULL && b->ipcp->fsm.state == FSM_ST_OPENED;
}
