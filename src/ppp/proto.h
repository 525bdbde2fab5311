/*
 * proto.h - the PPP protocol table: one row per protocol number with its
 * name, the layer it belongs to and its input handler.  It serves input
 * dispatch, Protocol-Reject decisions and names in logs and `show`
 * (surface spec 11.1).
 */
#ifndef MPD_PPP_PROTO_H
#define MPD_PPP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_IP		0x0021
#define PROTO_VJCOMP		0x002d
#define PROTO_VJUNCOMP		0x002f
#define PROTO_MP		0x003d
#define PROTO_IPV6		0x0057
#define PROTO_COMPD		0x00fd
#define PROTO_ICOMPD		0x00fb
#define PROTO_CRYPT		0x0053
#define PROTO_ICRYPT		0x0055
#define PROTO_IPCP		0x8021
#define PROTO_ECP		0x8053
#define PROTO_IECP		0x8055
#define PROTO_IPV6CP		0x8057
#define PROTO_CCP		0x80fd
#define PROTO_ICCP		0x80fb
#define PROTO_LCP		0xc021
#define PROTO_PAP		0xc023
#define PROTO_LQR		0xc025
#define PROTO_CHAP		0xc223
#define PROTO_EAP		0xc227

struct link;
struct mbuf;

enum proto_layer { PROTO_LAYER_LINK, PROTO_LAYER_BUND };

/*
 * Input handler: payload after the protocol field; the handler consumes
 * the mbuf.
 */
typedef void proto_input_fn(struct link *l, uint16_t proto, struct mbuf *m);

struct proto_info {
	uint16_t		 proto;
	const char		*name;
	enum proto_layer	 layer;
	proto_input_fn		*input;	/* NULL: known but not handled */
};

/* Row for proto, or NULL. */
const struct proto_info *proto_find(uint16_t proto);
/* "LCP", "IPCP", ..., or "0x%04x" in a static buffer. */
const char *proto_name(uint16_t proto);
/*
 * Hand a received frame (payload after the protocol field) to its layer.
 * Unknown or unhandled protocols are answered with LCP Protocol-Reject
 * while LCP is opened, and counted.  Consumes m.
 */
void	proto_input(struct link *l, uint16_t proto, struct mbuf *m);

/*
 * The peer Protocol-Rejected proto on link l.  LCP calls
 * proto_rejected(); for bundle-layer protocols (IPCP, IPv6CP, CCP, ECP)
 * it calls the hook the bundle code registered, which turns that
 * protocol's automaton off (fsm_protorej()).  Without a hook the event
 * is only logged.
 */
typedef void proto_reject_fn(struct link *l, uint16_t proto);
void	proto_set_reject_hook(proto_reject_fn *fn);
void	proto_rejected(struct link *l, uint16_t proto);

/*
 * The protocol field of proto at p (room for 2 bytes), 1 byte when
 * PFC-compressible (RFC 1661 6.5): returns its length.  Pure.
 */
static inline size_t
proto_field_put(uint8_t *p, uint16_t proto)
{
	if (proto < 0x100 && (proto & 1)) {
		p[0] = (uint8_t)proto;
		return 1;
	}
	p[0] = (uint8_t)(proto >> 8);
	p[1] = (uint8_t)proto;
	return 2;
}

/*
 * The protocol field at the start of p (len bytes), compressed or not:
 * its length (1 or 2) with *proto set, or 0 when p is too short or the
 * field does not end in an odd byte (RFC 1661 2).  Pure.
 */
static inline size_t
proto_field_get(const uint8_t *p, size_t len, uint16_t *proto)
{
	if (len >= 1 && (p[0] & 1)) {
		*proto = p[0];
		return 1;
	}
	if (len >= 2 && (p[1] & 1)) {
		*proto = (uint16_t)(p[0] << 8 | p[1]);
		return 2;
	}
	return 0;
}

#endif /* MPD_PPP_PROTO_H */
