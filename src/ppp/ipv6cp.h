/*
 * ipv6cp.h - runtime of the IPv6 Control Protocol of a bundle (RFC 5072:
 * Interface-Identifier negotiation; surface spec 4.4.4, 11.4).  The
 * configuration (`set ipv6cp`) and `show ipv6cp` live in ipcp.h/ipcp.c.
 */
#ifndef MPD_PPP_IPV6CP_H
#define MPD_PPP_IPV6CP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"

struct bund;

/* IPv6CP option types (RFC 5072 4). */
#define IPV6CP_TY_INTIDENT	1
#define IPV6CP_TY_COMPPROTO	2	/* rejected */

/*
 * IPv6CP runtime of a bundle (b->ipv6cp), owned by the bundle like
 * struct ipcp_state.  Interface identifiers are the 64-bit host part of
 * the fe80:: link-local addresses of both ends.
 */
struct ipv6cp_state {
	struct fsm	fsm;
	struct bund	*bund;
	uint8_t		my_id[8];	/* ours (EUI-64 from a MAC, or random) */
	uint8_t		his_id[8];	/* the peer's, 0 = unknown */
	uint32_t	peer_reject;	/* our options the peer rejected */
};

/* The automaton's callbacks (exported for unit tests and fuzzing). */
extern const struct fsm_type ipv6cp_fsm_type;

/*
 * Create b->ipv6cp (FSM in Initial) with our interface identifier: the
 * modified EUI-64 of the first Ethernet MAC of the host (u/l bit
 * flipped), else a random one.  Idempotent.
 */
void	ipv6cp_init(struct bund *b);
/* Stop timers and free b->ipv6cp.  Idempotent. */
void	ipv6cp_fini(struct bund *b);
/* FSM events. */
void	ipv6cp_open(struct bund *b);
void	ipv6cp_close(struct bund *b);
void	ipv6cp_up(struct bund *b);
void	ipv6cp_down(struct bund *b);
/* An IPv6CP packet (payload after the protocol field). */
void	ipv6cp_input(struct bund *b, const uint8_t *pkt, size_t len);
/* True while IPv6CP is in state Opened. */
bool	ipv6cp_opened(const struct bund *b);
/*
 * Make a random interface identifier (non-zero, u/l bit clear: locally
 * administered) different from avoid (may be NULL).
 */
void	ipv6cp_random_id(uint8_t id[8], const uint8_t *avoid);

#endif /* MPD_PPP_IPV6CP_H */
