/*
 * ipv6cp.c - the IPv6 Control Protocol of a bundle, RFC 5072.
 *
 * Only the Interface-Identifier option (section 4.1) is negotiated: ours
 * is the modified EUI-64 of the host's first Ethernet MAC (RFC 4291
 * appendix A: ff:fe in the middle, universal/local bit inverted) or a
 * random one; the peer's is Acked unless it is zero or equal to ours, in
 * which case we Nak with a fresh random identifier.  A Nak of ours is
 * accepted unless it would collide with the peer's.  IPv6-Compression-
 * Protocol (4.2) and unknown options are rejected.  When the layer opens
 * the link-local addresses fe80::<id> go to the interface layer
 * (surface spec 4.4.4, 9.1 "inet6" scripts).
 *
 * All functions run on the event-loop thread.
 */
#include "ipv6cp.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "bund.h"
#include "iface.h"
#include "proto.h"

#define IPV6CP_REJ(t)	(1u << ((t) & 31))

static const uint8_t ipv6cp_zero[8];

static struct ipv6cp_state *
ipv6cp_of(struct fsm *f)
{
	return ((struct bund *)f->owner)->ipv6cp;
}

static void
ipv6cp_sync(struct bund *b)
{
	if (b->ipv6cp != NULL)
		b->ipv6cp_state = b->ipv6cp->fsm.state;
}

/* "xxxx:xxxx:xxxx:xxxx" as mpd5 prints identifiers. */
static const char *
ipv6cp_id_str(const uint8_t *id, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", id[0],
	    id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	return buf;
}

void
ipv6cp_random_id(uint8_t id[8], const uint8_t *avoid)
{
	size_t got;
	unsigned tries = 0;

	do {
		got = 0;
		while (got < 8) {
			ssize_t n = getrandom(id + got, 8 - got, 0);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < 8) {
			/* No entropy source: fall back to the clock. */
			uint64_t t = event_now_ms() * 2654435761u + tries;

			memcpy(id, &t, 8);
		}
		id[0] &= 0xfd;		/* locally administered */
		tries++;
	} while (memcmp(id, ipv6cp_zero, 8) == 0 ||
	    (avoid != NULL && memcmp(id, avoid, 8) == 0));
}

/*
 * Modified EUI-64 from the first Ethernet MAC of the host.  Returns 0,
 * or -1 when the host has none.
 */
static int
ipv6cp_eui64(uint8_t id[8])
{
	static const uint8_t zero_mac[6];
	const struct sockaddr_ll *ll;
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_PACKET ||
		    (i->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		ll = (const struct sockaddr_ll *)(const void *)i->ifa_addr;
		if (ll->sll_hatype != ARPHRD_ETHER || ll->sll_halen != 6 ||
		    memcmp(ll->sll_addr, zero_mac, 6) == 0)
			continue;
		id[0] = ll->sll_addr[0] ^ 0x02;
		id[1] = ll->sll_addr[1];
		id[2] = ll->sll_addr[2];
		id[3] = 0xff;
		id[4] = 0xfe;
		id[5] = ll->sll_addr[3];
		id[6] = ll->sll_addr[4];
		id[7] = ll->sll_addr[5];
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	return rc;
}

/* ---- automaton callbacks ---- */

static void
ipv6cp_configure(struct fsm *f)
{
	struct ipv6cp_state *st = ipv6cp_of(f);

	st->peer_reject = 0;
	memset(st->his_id, 0, sizeof(st->his_id));
}

static size_t
ipv6cp_build_config(struct fsm *f, uint8_t *buf, size_t len)
{
	struct ipv6cp_state *st = ipv6cp_of(f);

	/* RFC 5072 4.1: without the option the peer picks nothing for us. */
	if ((st->peer_reject & IPV6CP_REJ(IPV6CP_TY_INTIDENT)) != 0 ||
	    len < 10)
		return 0;
	buf[0] = IPV6CP_TY_INTIDENT;
	buf[1] = 10;
	memcpy(buf + 2, st->my_id, 8);
	return 10;
}

/* Interface-Identifier in a request, Nak or Reject. */
static void
ipv6cp_opt_intident(struct ipv6cp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const char *bname = st->bund->name;
	char buf[24];
	uint8_t nak[10];

	log_msg(LG_IPV6CP2, "[%s]   INTIDENT %s", bname,
	    ipv6cp_id_str(opt + 2, buf, sizeof(buf)));
	switch (mode) {
	case FSM_MODE_REQ:
		if (memcmp(opt + 2, ipv6cp_zero, 8) == 0) {
			/* The peer wants us to choose (4.1). */
			log_msg(LG_IPV6CP2, "[%s]     Empty INTIDENT, propose "
			    "our.", bname);
			ipv6cp_random_id(st->his_id, st->my_id);
		} else if (memcmp(opt + 2, st->my_id, 8) == 0) {
			log_msg(LG_IPV6CP2, "[%s]     Duplicate INTIDENT, "
			    "generate and propose other.", bname);
			ipv6cp_random_id(st->his_id, st->my_id);
		} else {
			log_msg(LG_IPV6CP2, "[%s]     It's OK.", bname);
			memcpy(st->his_id, opt + 2, 8);
			fsm_ack(d, opt, 10);
			break;
		}
		nak[0] = opt[0];
		nak[1] = 10;
		memcpy(nak + 2, st->his_id, 8);
		fsm_nak(d, nak, 10);
		break;
	case FSM_MODE_NAK:
		/* Take the peer's suggestion unless it is unusable. */
		if (memcmp(opt + 2, ipv6cp_zero, 8) == 0 ||
		    memcmp(opt + 2, st->his_id, 8) == 0) {
			log_msg(LG_IPV6CP2, "[%s]     Unusable, choosing "
			    "another.", bname);
			ipv6cp_random_id(st->my_id, st->his_id);
			break;
		}
		log_msg(LG_IPV6CP2, "[%s]     I agree to get this to myself.",
		    bname);
		memcpy(st->my_id, opt + 2, 8);
		break;
	case FSM_MODE_REJ:
		st->peer_reject |= IPV6CP_REJ(IPV6CP_TY_INTIDENT);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

static void
ipv6cp_decode_config(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	struct ipv6cp_state *st = ipv6cp_of(f);
	const char *bname = st->bund->name;
	uint8_t type, olen;

	if (mode == FSM_MODE_REQ && d == NULL)
		return;
	while (len > 0) {
		if (fsm_opt_bogus(f, opts, len))
			return;
		type = opts[0];
		olen = opts[1];
		if (type == IPV6CP_TY_INTIDENT && olen == 10)
			ipv6cp_opt_intident(st, opts, mode, d);
		else if (type == IPV6CP_TY_INTIDENT) {
			log_msg(LG_IPV6CP, "[%s]   INTIDENT", bname);
			if (mode == FSM_MODE_REQ) {
				log_msg(LG_IPV6CP, "[%s]     bogus len=%d min=%d "
				    "max=%d", bname, olen, 10, 10);
				fsm_rej(d, opts, olen);
			}
		} else if (type == IPV6CP_TY_COMPPROTO) {
			log_msg(LG_IPV6CP, "[%s]   COMPPROTO", bname);
			if (mode == FSM_MODE_REQ) {
				log_msg(LG_IPV6CP, "[%s]     Not supported",
				    bname);
				fsm_rej(d, opts, olen);
			}
		} else {
			log_msg(LG_IPV6CP, "[%s]   UNKNOWN[%d] len=%d", bname,
			    type, olen);
			if (mode == FSM_MODE_REQ)
				fsm_rej(d, opts, olen);
		}
		opts += olen;
		len -= olen;
	}
}

/* fe80::<id> */
static void
ipv6cp_linklocal(struct u_addr *a, const uint8_t *id)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	a->u.ip6.s6_addr[0] = 0xfe;
	a->u.ip6.s6_addr[1] = 0x80;
	memcpy(&a->u.ip6.s6_addr[8], id, 8);
}

static void
ipv6cp_layer_up(struct fsm *f)
{
	struct ipv6cp_state *st = ipv6cp_of(f);
	struct bund *b = st->bund;
	char me[24], him[24];

	log_msg(LG_IPV6CP, "[%s]   %s -> %s", b->name,
	    ipv6cp_id_str(st->my_id, me, sizeof(me)),
	    ipv6cp_id_str(st->his_id, him, sizeof(him)));
	ipv6cp_linklocal(&b->iface.self_ipv6, st->my_id);
	ipv6cp_linklocal(&b->iface.peer_ipv6, st->his_id);
	b->ipv6cp_state = FSM_ST_OPENED;
	iface_ipv6_up(b);
}

static void
ipv6cp_layer_down(struct fsm *f)
{
	iface_ipv6_down(ipv6cp_of(f)->bund);
}

static void
ipv6cp_layer_start(struct fsm *f)
{
	bund_ncp_start(ipv6cp_of(f)->bund, BUND_NCP_IPV6CP);
}

static void
ipv6cp_layer_finish(struct fsm *f)
{
	struct bund *b = ipv6cp_of(f)->bund;

	ipv6cp_sync(b);
	bund_ncp_finish(b, BUND_NCP_IPV6CP);
}

const struct fsm_type ipv6cp_fsm_type = {
	.name = "IPV6CP",
	.proto = PROTO_IPV6CP,
	.codes = FSM_CODES_BASIC,
	.log = LG_IPV6CP,
	.log2 = LG_IPV6CP2,
	.link_level = false,
	.configure = ipv6cp_configure,
	.build_config = ipv6cp_build_config,
	.decode_config = ipv6cp_decode_config,
	.layer_up = ipv6cp_layer_up,
	.layer_down = ipv6cp_layer_down,
	.layer_start = ipv6cp_layer_start,
	.layer_finish = ipv6cp_layer_finish,
};

/* ---- bundle interface ---- */

void
ipv6cp_init(struct bund *b)
{
	struct ipv6cp_state *st;

	if (b->ipv6cp != NULL)
		return;
	st = mem_alloc("ipv6cp", sizeof(*st));
	st->bund = b;
	if (ipv6cp_eui64(st->my_id) < 0)
		ipv6cp_random_id(st->my_id, NULL);
	b->ipv6cp = st;
	fsm_init(&st->fsm, &ipv6cp_fsm_type, b, b->name, bund_fsm_output,
	    b->conf.fsm_timeout);
	ipv6cp_sync(b);
}

void
ipv6cp_fini(struct bund *b)
{
	struct ipv6cp_state *st = b->ipv6cp;

	if (st == NULL)
		return;
	fsm_stop(&st->fsm);
	b->ipv6cp = NULL;
	b->ipv6cp_state = FSM_ST_INITIAL;
	mem_free(st);
}

void
ipv6cp_open(struct bund *b)
{
	if (b->ipv6cp == NULL)
		return;
	b->ipv6cp->fsm.timeout = b->conf.fsm_timeout;
	fsm_open(&b->ipv6cp->fsm);
	ipv6cp_sync(b);
}

void
ipv6cp_close(struct bund *b)
{
	if (b->ipv6cp == NULL)
		return;
	fsm_close(&b->ipv6cp->fsm);
	ipv6cp_sync(b);
}

void
ipv6cp_up(struct bund *b)
{
	if (b->ipv6cp == NULL)
		return;
	fsm_up(&b->ipv6cp->fsm);
	ipv6cp_sync(b);
}

void
ipv6cp_down(struct bund *b)
{
	if (b->ipv6cp == NULL)
		return;
	fsm_down(&b->ipv6cp->fsm);
	ipv6cp_sync(b);
}

void
ipv6cp_input(struct bund *b, const uint8_t *pkt, size_t len)
{
	if (b->ipv6cp == NULL)
		return;
	fsm_input(&b->ipv6cp->fsm, pkt, len);
	ipv6cp_sync(b);
}

bool
ipv6cp_opened(const struct bund *b)
{
	return b->ipv6cp != NULL && b->ipv6cp->fsm.state == FSM_ST_OPENED;
}
