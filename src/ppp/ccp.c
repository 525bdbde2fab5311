/*
 * ccp.c - CCP, MPPC and ECP configuration of a bundle.
 *
 * Provides `set ccp <verbs>`, `set mppc <verbs>`, `set ecp key|<verbs>`
 * and `show ccp` / `show mppc` / `show ecp` (surface spec 4.4.5-4.4.7 and
 * 5.9).  The protocols themselves (RFC 1962 CCP with MPPC/MPPE per
 * RFC 2118/3078, Deflate per RFC 1979, Predictor-1 per RFC 1978; RFC 1968
 * ECP with DESE per RFC 1969/2419) come with the PPP engine; until then no
 * algorithm is selected and the views show the initial state.
 *
 * All functions run on the event-loop thread.
 */
#include "ccp.h"

#include <string.h>

#include "../core/util.h"
#include "bund.h"

/* Preference order when several are enabled: mppc, deflate, pred1. */
static const struct opt_def ccp_opts[] = {
	{ "mppc",	CCP_OPT_MPPC,		true },
	{ "deflate",	CCP_OPT_DEFLATE,	true },
	{ "pred1",	CCP_OPT_PRED1,		true },
	{ NULL, 0, false },
};

static const struct opt_def mppc_opts[] = {
	{ "compress",	MPPC_OPT_COMPRESS,	true },
	{ "e40",	MPPC_OPT_E40,		true },
	{ "e56",	MPPC_OPT_E56,		true },
	{ "e128",	MPPC_OPT_E128,		true },
	{ "stateless",	MPPC_OPT_STATELESS,	true },
	{ "policy",	MPPC_OPT_POLICY,	false },
	{ NULL, 0, false },
};

static const struct opt_def ecp_opts[] = {
	{ "dese-bis",	ECP_OPT_DESE_BIS,	true },
	{ "dese-old",	ECP_OPT_DESE_OLD,	true },
	{ NULL, 0, false },
};

void
ccp_conf_defaults(struct ccp_conf *c)
{
	/* Every algorithm starts disabled and denied. */
	memset(c, 0, sizeof(*c));
}

void
ecp_conf_defaults(struct ecp_conf *c)
{
	memset(c, 0, sizeof(*c));
}

/* ---- set ccp / mppc / ecp ---- */

static struct opt_set *
ccp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = ccp_opts;
	return ctx->bund != NULL ? &ctx->bund->ccp_conf.options : NULL;
}

static struct opt_set *
mppc_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = mppc_opts;
	return ctx->bund != NULL ? &ctx->bund->ccp_conf.mppc : NULL;
}

static struct opt_set *
ecp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = ecp_opts;
	return ctx->bund != NULL ? &ctx->bund->ecp_conf.options : NULL;
}

/* set ecp key {string} */
static int
ecp_cmd_key(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct ecp_conf *c = &ctx->bund->ecp_conf;

	(void)arg;
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(c->key, av[0], sizeof(c->key));
	return CMD_OK;
}

#define CCP_VERBS(g)							\
	{ { OPT_ACCEPT, g }, { OPT_DENY, g }, { OPT_ENABLE, g },	\
	  { OPT_DISABLE, g }, { OPT_YES, g }, { OPT_NO, g } }

static const struct opt_cmd_arg ccp_verb[] = CCP_VERBS(ccp_opt_get);
static const struct opt_cmd_arg mppc_verb[] = CCP_VERBS(mppc_opt_get);
static const struct opt_cmd_arg ecp_verb[] = CCP_VERBS(ecp_opt_get);

/* The six option verbs, in mpd5's help order, for a verb array v. */
#define CCP_VERB_ENTRIES(v)						\
	{ .name = "accept [opt ...]", .desc = "Accept option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[0] },				\
	{ .name = "deny [opt ...]", .desc = "Deny option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[1] },				\
	{ .name = "enable [opt ...]", .desc = "Enable option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[2] },				\
	{ .name = "disable [opt ...]", .desc = "Disable option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[3] },				\
	{ .name = "yes [opt ...]", .desc = "Enable and accept option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[4] },				\
	{ .name = "no [opt ...]", .desc = "Disable and deny option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[5] }

const struct cmdtab ccp_set_cmds[] = {
	CCP_VERB_ENTRIES(ccp_verb),
	{ .name = NULL },
};

const struct cmdtab mppc_set_cmds[] = {
	CCP_VERB_ENTRIES(mppc_verb),
	{ .name = NULL },
};

const struct cmdtab ecp_set_cmds[] = {
	{ .name = "key {string}", .desc = "Set encryption key",
	  .func = ecp_cmd_key, .admit = cmd_admit_bund, .priv = PRIV_ADMIN },
	CCP_VERB_ENTRIES(ecp_verb),
	{ .name = NULL },
};

/* ---- show ---- */

/* The `show mppc` block, also part of `show ccp`. */
static void
mppc_show_block(struct cmd_ctx *ctx, const struct bund *b)
{
	cmd_printf(ctx, "MPPC options:\n");
	opt_show(ctx, &b->ccp_conf.mppc, mppc_opts);
}

int
ccp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "[%s] CCP [%s]\n", b->name,
	    fsm_state_name(b->ccp_state));
	cmd_printf(ctx, "Enabled protocols:\n");
	opt_show(ctx, &b->ccp_conf.options, ccp_opts);
	mppc_show_block(ctx, b);
	/* No algorithm is chosen before CCP opens: "none" with no details. */
	cmd_printf(ctx, "Outgoing compression:\n");
	cmd_printf(ctx, "\tProto\t: %s (%s)\n", "none", "");
	cmd_printf(ctx, "\tResets\t: %d\n", 0);
	cmd_printf(ctx, "Incoming decompression:\n");
	cmd_printf(ctx, "\tProto\t: %s (%s)\n", "none", "");
	cmd_printf(ctx, "\tResets\t: %d\n", 0);
	return CMD_OK;
}

int
mppc_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)ac;
	(void)av;
	(void)a;
	mppc_show_block(ctx, ctx->bund);
	return CMD_OK;
}

int
ecp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "[%s] ECP [%s]\n", b->name,
	    fsm_state_name(b->ecp_state));
	cmd_printf(ctx, "Enabled protocols:\n");
	opt_show(ctx, &b->ecp_conf.options, ecp_opts);
	cmd_printf(ctx, "Outgoing encryption:\n");
	cmd_printf(ctx, "\tProto\t: %s\n", "none");
	cmd_printf(ctx, "\tResets\t: %d\n", 0);
	cmd_printf(ctx, "Incoming decryption:\n");
	cmd_printf(ctx, "\tProto\t: %s\n", "none");
	cmd_printf(ctx, "\tResets\t: %d\n", 0);
	return CMD_OK;
}
