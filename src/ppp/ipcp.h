/*
 * ipcp.h - IPCP / IPv6CP configuration of a bundle (set ipcp, set ipv6cp,
 * show ipcp, show ipv6cp; surface spec 4.4.3, 4.4.4, 5.9).
 */
#ifndef MPD_PPP_IPCP_H
#define MPD_PPP_IPCP_H

#include "../core/util.h"
#include "../ctl/command.h"
#include "fsm.h"

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

#endif /* MPD_PPP_IPCP_H */
