/*
 * ccp.h - CCP, MPPC and ECP configuration of a bundle (set ccp, set mppc,
 * set ecp, show ccp/mppc/ecp; surface spec 4.4.5-4.4.7, 5.9).
 */
#ifndef MPD_PPP_CCP_H
#define MPD_PPP_CCP_H

#include "../ctl/command.h"

enum ccp_opt { CCP_OPT_MPPC, CCP_OPT_DEFLATE, CCP_OPT_PRED1 };
enum mppc_opt {
	MPPC_OPT_COMPRESS, MPPC_OPT_E40, MPPC_OPT_E56, MPPC_OPT_E128,
	MPPC_OPT_STATELESS, MPPC_OPT_POLICY,
};
enum ecp_opt { ECP_OPT_DESE_BIS, ECP_OPT_DESE_OLD };

/* CCP / MPPC options (set ccp, set mppc).  Plain data. */
struct ccp_conf {
	struct opt_set	options;
	struct opt_set	mppc;
};

/* ECP options and DES key (set ecp).  Plain data. */
struct ecp_conf {
	struct opt_set	options;
	char		key[64];
};

/* Overwrite c with the defaults: every algorithm disabled and denied. */
void	ccp_conf_defaults(struct ccp_conf *c);
/* Overwrite c with the defaults: no DESE variant, empty key. */
void	ecp_conf_defaults(struct ecp_conf *c);

/* `set ccp|mppc|ecp ...` tables (need a current bundle). */
extern const struct cmdtab ccp_set_cmds[];
extern const struct cmdtab mppc_set_cmds[];
extern const struct cmdtab ecp_set_cmds[];
/*
 * `show ccp` (which includes the `show mppc` block), `show mppc` and
 * `show ecp` for ctx->bund (surface spec 5.9).
 */
int	ccp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	mppc_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ecp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_CCP_H */
