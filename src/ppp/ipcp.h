/*
 * ipcp.h - IPCP / IPv6CP configuration of a bundle (set ipcp, set ipv6cp,
 * show ipcp, show ipv6cp; surface spec 4.4.3, 4.4.4, 5.9).
 */
#ifndef MPD_PPP_IPCP_H
#define MPD_PPP_IPCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/util.h"
#include "../ctl/command.h"
#include "fsm.h"
#include "vj.h"

struct bund;
struct auth_data;

enum ipcp_opt {
	IPCP_OPT_VJCOMP, IPCP_OPT_REQ_PRI_DNS, IPCP_OPT_REQ_SEC_DNS,
	IPCP_OPT_REQ_PRI_NBNS, IPCP_OPT_REQ_SEC_NBNS, IPCP_OPT_PRETEND_IP,
};

/*
 * IPCP configuration (set ipcp ...).  Plain data: a struct copy is a full
 * copy.  An unset range (family AF_UNSPEC) means "any" for the peer and
 * "pick a local address" for self; a non-empty pool name replaces the
 * range of that side.  dns/nbns are what we hand to the peer (0 = none).
 */
struct ipcp_conf {
	struct u_range	self_range;
	struct u_range	peer_range;
	char		self_pool[32];
	char		peer_pool[32];
	struct in_addr	dns[2];
	struct in_addr	nbns[2];
	struct opt_set	options;
};

struct ipv6cp_conf {
	struct opt_set	options;
};

/* Overwrite c with mpd5's defaults (vjcomp enabled and accepted). */
void	ipcp_conf_defaults(struct ipcp_conf *c);
/* Overwrite c with the (empty) IPv6CP defaults. */
void	ipv6cp_conf_defaults(struct ipv6cp_conf *c);

/* `set ipcp ...` / `set ipv6cp ...` tables (need a current bundle). */
extern const struct cmdtab ipcp_set_cmds[];
extern const struct cmdtab ipv6cp_set_cmds[];
/* `show ipcp` / `show ipv6cp` for ctx->bund (surface spec 5.9). */
int	ipcp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ipv6cp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

/* ---- runtime (ipcp_run.c): RFC 1332 IPCP with RFC 1877 servers ---- */

/* IPCP option types. */
#define IPCP_TY_IPADDRS		1	/* deprecated (RFC 1172): rejected */
#define IPCP_TY_COMPPROTO	2
#define IPCP_TY_IPADDR		3
#define IPCP_TY_MOBILEIPV4	4	/* RFC 2290: rejected */
#define IPCP_TY_PRIDNS		129
#define IPCP_TY_PRINBNS		130
#define IPCP_TY_SECDNS		131
#define IPCP_TY_SECNBNS		132

/* IP-Compression-Protocol option body (RFC 1332 4). */
struct ipcp_vjopt {
	uint16_t	proto;		/* 0 = none, else PROTO_VJCOMP */
	uint8_t		maxchan;	/* Max-Slot-Id */
	uint8_t		compcid;	/* Comp-Slot-Id */
};

/*
 * What the AAA result of the bundle's first link says about IPCP
 * (surface spec 4.4.3): an address or range for the peer, a pool, DNS /
 * NBNS servers (per slot, 0 = none) and forced VJ compression.
 */
struct ipcp_aaa {
	bool		have_range;
	struct u_range	range;
	char		pool[32];
	struct in_addr	dns[2];
	struct in_addr	nbns[2];
	bool		vjcomp;
};

/*
 * IPCP runtime of a bundle (b->ipcp).  Owned by the bundle: created by
 * ipcp_init() when the bundle first brings up a session and freed by
 * ipcp_fini() when the bundle is freed.
 */
struct ipcp_state {
	struct fsm		fsm;
	struct bund		*bund;
	struct ipcp_aaa		aaa;
	/* negotiation */
	struct u_range		self_allow;	/* acceptable for us */
	struct u_range		peer_allow;	/* acceptable for the peer */
	struct in_addr		want_addr;	/* our address */
	struct in_addr		peer_addr;	/* the peer's address */
	uint32_t		peer_reject;	/* our options it rejected */
	struct ipcp_vjopt	want_comp;	/* VJ we receive */
	struct ipcp_vjopt	peer_comp;	/* VJ we send */
	struct in_addr		want_dns[2];	/* servers the peer gave us */
	struct in_addr		want_nbns[2];
	/* addresses taken from pools, given back on down */
	char			self_pool[32];
	struct in_addr		self_pool_addr;
	bool			self_pool_used;
	char			peer_pool[32];
	struct in_addr		peer_pool_addr;
	bool			peer_pool_used;
	/* Van Jacobson codec, active while IPCP is opened */
	bool			vj_out;		/* compress what we send */
	bool			vj_in;		/* accept VJ frames */
	struct vj_comp		vjc;
	struct vj_decomp	vjd;
};

/* The automaton's callbacks (exported for unit tests and fuzzing). */
extern const struct fsm_type ipcp_fsm_type;

/* Create b->ipcp (FSM in Initial).  Idempotent. */
void	ipcp_init(struct bund *b);
/* Stop timers, give pool addresses back and free b->ipcp.  Idempotent. */
void	ipcp_fini(struct bund *b);
/*
 * Take the IPCP-relevant AAA values from ad (NULL clears them); called
 * by the bundle before it opens IPCP for a new session.
 */
void	ipcp_set_aaa(struct bund *b, const struct auth_data *ad);
/* FSM events; ipcp_down() also returns pool addresses. */
void	ipcp_open(struct bund *b);
void	ipcp_close(struct bund *b);
void	ipcp_up(struct bund *b);
void	ipcp_down(struct bund *b);
/* An IPCP packet (payload after the protocol field). */
void	ipcp_input(struct bund *b, const uint8_t *pkt, size_t len);
/* True while IPCP is in state Opened. */
bool	ipcp_opened(const struct bund *b);

#endif /* MPD_PPP_IPCP_H */
