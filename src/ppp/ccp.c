/*
 * ccp.c - CCP, MPPC and ECP configuration of a bundle.
 *
 * Provides `set ccp <verbs>`, `set mppc <verbs>`, `set ecp key|<verbs>`
 * and `show ccp` / `show mppc` / `show ecp` (surface spec 4.4.5-4.4.7 and
 * 5.9).  The protocols themselves (RFC 1962 CCP with MPPC/MPPE per
 * RFC 2118/3078, Deflate per RFC 1979, Predictor-1 per RFC 1978; RFC 1968
 * ECP with DESE per RFC 1969/2419): their
 * runtime is ccp_run.c / ecp.c; before CCP opens the views show the
 * initial state.
 *
 * All functions run on the event-loop thread.
 */
#include "ccp.h"

#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "../dp/dp.h"
#include "bund.h"
#include "deflate.h"
#include "dese.h"
#include "ecp.h"
#include "mppe.h"
#include "pred1.h"

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

/* Algorithm counters of one direction (mpd5 prints them per codec). */
static void
ccp_show_dir(struct cmd_ctx *ctx, const struct ccp_dir *d,
    const struct dp_ccp_dir *k, bool tx)
{
	uint64_t in = 0, out = 0, frames = 0, comp = 0, unc = 0, err = 0;
	char descr[64] = "";

	switch (d->type) {
	case CCP_TY_MPPC:
		mppe_describe(d->mppc_bits, descr, sizeof(descr));
		in = d->mppe->st.octets_in;
		out = d->mppe->st.octets_out;
		frames = d->mppe->st.frames;
		comp = d->mppe->st.comp_frames;
		unc = d->mppe->st.uncomp_frames;
		err = d->mppe->st.errors;
		break;
	case CCP_TY_DEFLATE:
		snprintf(descr, sizeof(descr), "win %d", d->wbits);
		in = d->deflate->st.octets_in;
		out = d->deflate->st.octets_out;
		frames = d->deflate->st.frames;
		comp = d->deflate->st.comp_frames;
		unc = d->deflate->st.uncomp_frames;
		err = d->deflate->st.errors;
		break;
	case CCP_TY_PRED1:
		in = d->pred1->st.octets_in;
		out = d->pred1->st.octets_out;
		frames = d->pred1->st.frames;
		comp = d->pred1->st.comp_frames;
		unc = d->pred1->st.uncomp_frames;
		err = d->pred1->st.errors;
		break;
	default:
		cmd_printf(ctx, "\tProto\t: %s (%s)\n", "none", "");
		return;
	}
	if (k != NULL && tx) {
		/* the kernel data plane compresses (kccp) */
		in = k->unc_bytes;
		out = k->comp_bytes + k->inc_bytes;
		frames = k->unc_packets;
		comp = k->comp_packets;
		unc = k->inc_packets;
		err = 0;
	} else if (k != NULL) {
		in = k->comp_bytes + k->inc_bytes;
		out = k->unc_bytes;
		frames = k->comp_packets + k->inc_packets;
		comp = k->comp_packets;
		unc = k->inc_packets;
		err = 0;
	}
	cmd_printf(ctx, "\tProto\t: %s (%s)\n", d->type == CCP_TY_MPPC ?
	    "mppc" : d->type == CCP_TY_DEFLATE ? "deflate" : "pred1", descr);
	cmd_printf(ctx, "\tBytes\t: %llu -> %llu (%+lld%%)\n",
	    (unsigned long long)in, (unsigned long long)out,
	    in != 0 ? (long long)((int64_t)(out - in) * 100 / (int64_t)in) :
	    0LL);
	cmd_printf(ctx, "\tFrames\t: %llu (%lluc + %lluu)\n",
	    (unsigned long long)frames, (unsigned long long)comp,
	    (unsigned long long)unc);
	cmd_printf(ctx, "\tErrors\t: %llu\n", (unsigned long long)err);
}

int
ccp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	const struct ccp_state *st = b->ccp;
	bool on = st != NULL && st->fsm.state == FSM_ST_OPENED;
	struct dp_ccp_stats ks;
	bool kx = false, kr = false;

	/* counters of the kernel's compressors (kccp) */
	if (on && b->dp != NULL && b->dp->ccp_stats != NULL &&
	    b->dp_state != NULL && (st->k_xmit || st->k_recv) &&
	    b->dp->ccp_stats(b, &ks) == 0) {
		kx = st->k_xmit;
		kr = st->k_recv;
	}
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
	if (on)
		ccp_show_dir(ctx, &st->xmit, kx ? &ks.xmit : NULL, true);
	else
		cmd_printf(ctx, "\tProto\t: %s (%s)\n", "none", "");
	cmd_printf(ctx, "\tResets\t: %u\n", st != NULL ? st->xmit.resets : 0);
	cmd_printf(ctx, "Incoming decompression:\n");
	if (on)
		ccp_show_dir(ctx, &st->recv, kr ? &ks.recv : NULL, false);
	else
		cmd_printf(ctx, "\tProto\t: %s (%s)\n", "none", "");
	cmd_printf(ctx, "\tResets\t: %u\n", st != NULL ? st->recv.resets : 0);
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

static void
ecp_show_dir(struct cmd_ctx *ctx, int type, const struct dese_dir *d)
{
	cmd_printf(ctx, "\tProto\t: %s\n", ecp_type_name(d != NULL ? type :
	    0));
	if (d == NULL)
		return;
	cmd_printf(ctx, "\tBytes\t: %llu -> %llu\n",
	    (unsigned long long)d->st.octets_in,
	    (unsigned long long)d->st.octets_out);
	cmd_printf(ctx, "\tFrames\t: %llu\n", (unsigned long long)d->st.frames);
	cmd_printf(ctx, "\tErrors\t: %llu\n", (unsigned long long)d->st.errors);
}

int
ecp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	const struct ecp_state *st = b->ecp;
	bool on = st != NULL && st->fsm.state == FSM_ST_OPENED;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "[%s] ECP [%s]\n", b->name,
	    fsm_state_name(b->ecp_state));
	cmd_printf(ctx, "Enabled protocols:\n");
	opt_show(ctx, &b->ecp_conf.options, ecp_opts);
	cmd_printf(ctx, "Outgoing encryption:\n");
	ecp_show_dir(ctx, on ? st->xmit_type : 0, on ? st->xmit : NULL);
	cmd_printf(ctx, "\tResets\t: %u\n", st != NULL ? st->resets_out : 0);
	cmd_printf(ctx, "Incoming decryption:\n");
	ecp_show_dir(ctx, on ? st->recv_type : 0, on ? st->recv : NULL);
	cmd_printf(ctx, "\tResets\t: %u\n", st != NULL ? st->resets_in : 0);
	return CMD_OK;
}
