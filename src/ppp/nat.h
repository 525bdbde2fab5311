/*
 * nat.h - per-bundle NAT configuration (set nat, unset nat, show nat;
 * surface spec 4.4.8).  On Linux the translation itself is done with
 * nftables when the interface comes up.
 */
#ifndef MPD_PPP_NAT_H
#define MPD_PPP_NAT_H

#include "../core/util.h"
#include "../ctl/command.h"

enum nat_opt { NAT_OPT_LOG, NAT_OPT_INCOMING, NAT_OPT_SAME_PORTS,
	NAT_OPT_UNREG_ONLY };

/*
 * NAT configuration (set nat ...).  rules is owned: copy the struct with
 * nat_conf_copy() and release it with nat_conf_free().
 */
struct nat_conf {
	struct u_addr	alias_addr;
	struct u_addr	target_addr;
	struct opt_set	options;
	void		*rules;		/* redirect rules (nat.c private) */
};

/*
 * Overwrite c with the defaults (no addresses, no rules, incoming and
 * same-ports enabled); whatever c held is not freed.
 */
void	nat_conf_defaults(struct nat_conf *c);
/* Deep copy src into dst (dst's old rules are not freed). */
void	nat_conf_copy(struct nat_conf *dst, const struct nat_conf *src);
/* Free the rules of c (idempotent). */
void	nat_conf_free(struct nat_conf *c);

/* `set nat ...` and `unset nat red-...` tables (need a current bundle). */
extern const struct cmdtab nat_set_cmds[];
extern const struct cmdtab nat_unset_cmds[];
/* `show nat` for ctx->bund (surface spec 5.9). */
int	nat_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_NAT_H */
