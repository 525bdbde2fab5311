/*
 * proto.c - the PPP protocol table and input dispatch (RFC 1661 3.4-3.5,
 * 5.7; surface spec 11.1).
 *
 * One row per protocol number: its name for logs and `show`, the layer
 * it belongs to and its input handler.  proto_input() enforces the
 * phase rules of RFC 1661 3: before LCP is opened only LCP passes;
 * during authentication only link-layer protocols (LCP, PAP, CHAP, EAP);
 * bundle-layer protocols only in Network phase and once the link is in
 * a bundle.  Everything else that arrives while LCP is opened -- unknown
 * numbers and known ones we do not run (LQR, per-link CCP/ECP) -- is
 * answered with LCP Protocol-Reject and counted.
 */
#include "proto.h"

#include <stdio.h>

#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "bund.h"
#include "lcp.h"
#include "link.h"

static proto_input_fn	proto_lcp_input;
static proto_input_fn	proto_auth_input;
static proto_input_fn	proto_bund_input;

static proto_reject_fn	*reject_hook;

static const struct proto_info proto_table[] = {
	{ PROTO_IP, "IP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_VJCOMP, "VJCOMP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_VJUNCOMP, "VJUNCOMP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_MP, "MP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_IPV6, "IPV6", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_COMPD, "COMPD", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_ICOMPD, "ICOMPD", PROTO_LAYER_LINK, NULL },
	{ PROTO_CRYPT, "CRYPT", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_ICRYPT, "ICRYPT", PROTO_LAYER_LINK, NULL },
	{ PROTO_IPCP, "IPCP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_ECP, "ECP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_IECP, "IECP", PROTO_LAYER_LINK, NULL },
	{ PROTO_IPV6CP, "IPV6CP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_CCP, "CCP", PROTO_LAYER_BUND, proto_bund_input },
	{ PROTO_ICCP, "ICCP", PROTO_LAYER_LINK, NULL },
	{ PROTO_LCP, "LCP", PROTO_LAYER_LINK, proto_lcp_input },
	{ PROTO_PAP, "PAP", PROTO_LAYER_LINK, proto_auth_input },
	{ PROTO_LQR, "LQR", PROTO_LAYER_LINK, NULL },
	{ PROTO_CHAP, "CHAP", PROTO_LAYER_LINK, proto_auth_input },
	{ PROTO_EAP, "EAP", PROTO_LAYER_LINK, proto_auth_input },
};
#define PROTO_NROWS	(sizeof(proto_table) / sizeof(proto_table[0]))

/* Table row of proto, or NULL. */
const struct proto_info *
proto_find(uint16_t proto)
{
	size_t i;

	for (i = 0; i < PROTO_NROWS; i++)
		if (proto_table[i].proto == proto)
			return &proto_table[i];
	return NULL;
}

/* Name of proto; "0x%04x" in a static buffer when unknown. */
const char *
proto_name(uint16_t proto)
{
	static char buf[8];
	const struct proto_info *pi = proto_find(proto);

	if (pi != NULL)
		return pi->name;
	snprintf(buf, sizeof(buf), "0x%04x", proto);
	return buf;
}

static void
proto_lcp_input(struct link *l, uint16_t proto, struct mbuf *m)
{
	lcp_input(l, m->data, m->len);
	mb_free(m);
}

static void
proto_auth_input(struct link *l, uint16_t proto, struct mbuf *m)
{
	auth_input(l, proto, m->data, m->len);
	mb_free(m);
}

static void
proto_bund_input(struct link *l, uint16_t proto, struct mbuf *m)
{
	bund_input(l, proto, m);
}

/* Dispatch a received frame per the phase rules; consumes m. */
void
proto_input(struct link *l, uint16_t proto, struct mbuf *m)
{
	const struct proto_info *pi = proto_find(proto);

	if (proto == PROTO_LCP) {
		proto_lcp_input(l, proto, m);
		return;
	}
	/* RFC 1661 3.4: nothing but LCP before LCP is opened. */
	if (l->lcp.fsm.state != FSM_ST_OPENED)
		goto drop;
	if (pi == NULL || pi->input == NULL) {
		log_msg(LG_LCP, "[%s] LCP: rec'd unexpected protocol %s, "
		    "rejecting", l->name, proto_name(proto));
		l->lcp.rx_badproto++;
		lcp_send_protorej(l, proto, m->data, m->len);
		goto drop;
	}
	switch (pi->layer) {
	case PROTO_LAYER_LINK:
		if (l->lcp.phase != PHASE_AUTHENTICATE &&
		    l->lcp.phase != PHASE_NETWORK)
			goto drop;
		break;
	case PROTO_LAYER_BUND:
		/* RFC 1661 3.5: only LCP and auth while authenticating. */
		if (l->lcp.phase != PHASE_NETWORK || l->bund == NULL)
			goto drop;
		break;
	}
	pi->input(l, proto, m);
	return;
drop:
	mb_free(m);
}

/* Register the bundle layer's Protocol-Reject hook. */
void
proto_set_reject_hook(proto_reject_fn *fn)
{
	reject_hook = fn;
}

/* The peer rejected proto: tell its layer. */
void
proto_rejected(struct link *l, uint16_t proto)
{
	const struct proto_info *pi = proto_find(proto);

	if (pi != NULL && pi->layer == PROTO_LAYER_BUND && reject_hook != NULL)
		reject_hook(l, proto);
}
