/*
 * bund_cmd.c - bundle configuration: `set bundle ...` and `show bundle`.
 *
 * Provides the `set bundle` family (the bandwidth-on-demand knobs, the
 * link list, the NCP restart timer and the bundle options) and the
 * `show bundle [name]` view, as listed in surface spec 4.4.1 and 5.3, and
 * the per-bundle defaults of every bundle-context layer.  Object life
 * cycle (create, instantiate, destroy, select) is in bund.c.
 *
 * All functions run on the event-loop thread.
 */
#include "bund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/event.h"
#include "../core/util.h"
#include "../dp/dp.h"
#include "link.h"

static const struct opt_def bund_opts[] = {
	{ "ipcp",		BUND_OPT_IPCP,		false },
	{ "ipv6cp",		BUND_OPT_IPV6CP,	false },
	{ "compression",	BUND_OPT_COMPRESSION,	false },
	{ "encryption",		BUND_OPT_ENCRYPTION,	false },
	{ "crypt-reqd",		BUND_OPT_CRYPT_REQD,	false },
	{ "bw-manage",		BUND_OPT_BWMANAGE,	false },
	{ "round-robin",	BUND_OPT_ROUNDROBIN,	false },
	{ NULL, 0, false },
};

void
bund_conf_init(struct bund_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->period = 60;
	c->lowat = 20;
	c->hiwat = 80;
	c->min_con = 30;
	c->min_dis = 90;
	c->fsm_timeout = 2;
	c->options.enable = 1u << BUND_OPT_IPCP;
}

void
bund_conf_defaults(struct bund *b)
{
	bund_conf_init(&b->conf);
	iface_conf_defaults(&b->iface_conf);
	ipcp_conf_defaults(&b->ipcp_conf);
	ipv6cp_conf_defaults(&b->ipv6cp_conf);
	ccp_conf_defaults(&b->ccp_conf);
	ecp_conf_defaults(&b->ecp_conf);
	nat_conf_defaults(&b->nat_conf);
}

/* ---- set bundle ---- */

/* Which integer of struct bund_conf a numeric leaf sets. */
enum bund_knob {
	BUND_KNOB_PERIOD, BUND_KNOB_LOWAT, BUND_KNOB_HIWAT,
	BUND_KNOB_MIN_CON, BUND_KNOB_MIN_DIS,
};

static const enum bund_knob bund_knobs[] = {
	BUND_KNOB_PERIOD, BUND_KNOB_LOWAT, BUND_KNOB_HIWAT,
	BUND_KNOB_MIN_CON, BUND_KNOB_MIN_DIS,
};

/*
 * period / lowat / hiwat / min-con / min-dis.  mpd5 reads the value with
 * atoi() and does not range-check these; extra words are ignored.
 */
static int
bund_cmd_knob(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct bund_conf *c = &ctx->bund->conf;
	int v;

	if (ac == 0)
		return CMD_ERR_USAGE;
	v = atoi(av[0]);
	switch (*(const enum bund_knob *)arg) {
	case BUND_KNOB_PERIOD:
		c->period = v;
		break;
	case BUND_KNOB_LOWAT:
		c->lowat = v;
		break;
	case BUND_KNOB_HIWAT:
		c->hiwat = v;
		break;
	case BUND_KNOB_MIN_CON:
		c->min_con = v;
		break;
	case BUND_KNOB_MIN_DIS:
		c->min_dis = v;
		break;
	}
	return CMD_OK;
}

/* set bundle links {link ...}: replaces the whole list. */
static int
bund_cmd_links(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct bund_conf *c = &ctx->bund->conf;
	int i;

	(void)arg;
	if (ac == 0 || ac > MAX_LINKS_PER_BUND)
		return CMD_ERR_USAGE;
	memset(c->links, 0, sizeof(c->links));
	for (i = 0; i < ac; i++)
		util_strlcpy(c->links[i], av[i], sizeof(c->links[i]));
	c->nlinks = ac;
	return CMD_OK;
}

/* set bundle fsm-timeout {seconds}: 1..10 */
static int
bund_cmd_fsm_timeout(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	int v;

	(void)arg;
	if (ac == 0)
		return CMD_ERR_USAGE;
	v = atoi(av[0]);
	if (v < 1 || v > 10)
		return cmd_error(ctx, "Invalid FSM retry timeout %d", v);
	ctx->bund->conf.fsm_timeout = v;
	return CMD_OK;
}

static struct opt_set *
bund_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = bund_opts;
	return ctx->bund != NULL ? &ctx->bund->conf.options : NULL;
}

static const struct opt_cmd_arg bund_verb[] = {
	{ OPT_ACCEPT, bund_opt_get }, { OPT_DENY, bund_opt_get },
	{ OPT_ENABLE, bund_opt_get }, { OPT_DISABLE, bund_opt_get },
	{ OPT_YES, bund_opt_get }, { OPT_NO, bund_opt_get },
};

const struct cmdtab bund_set_cmds[] = {
	{ .name = "period {seconds}", .desc = "BoD sampling period",
	  .func = bund_cmd_knob, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &bund_knobs[BUND_KNOB_PERIOD] },
	{ .name = "lowat {percent}", .desc = "BoD low water mark",
	  .func = bund_cmd_knob, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &bund_knobs[BUND_KNOB_LOWAT] },
	{ .name = "hiwat {percent}", .desc = "BoD high water mark",
	  .func = bund_cmd_knob, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &bund_knobs[BUND_KNOB_HIWAT] },
	{ .name = "min-con {seconds}", .desc = "BoD min connected time",
	  .func = bund_cmd_knob, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &bund_knobs[BUND_KNOB_MIN_CON] },
	{ .name = "min-dis {seconds}", .desc = "BoD min disconnected time",
	  .func = bund_cmd_knob, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &bund_knobs[BUND_KNOB_MIN_DIS] },
	{ .name = "links {link list ...}", .desc = "Links list for BoD/DoD",
	  .func = bund_cmd_links, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "fsm-timeout {seconds}", .desc = "FSM retry timeout",
	  .func = bund_cmd_fsm_timeout, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "accept {opt ...}", .desc = "Accept option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[0] },
	{ .name = "deny {opt ...}", .desc = "Deny option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[1] },
	{ .name = "enable {opt ...}", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[2] },
	{ .name = "disable {opt ...}", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[3] },
	{ .name = "yes {opt ...}", .desc = "Enable and accept option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[4] },
	{ .name = "no {opt ...}", .desc = "Disable and deny option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &bund_verb[5] },
	{ .name = NULL },
};

/* ---- show bundle ---- */

/* "[<class name>] xx xx ..." of an endpoint discriminator (RFC 1990). */
static const char *
bund_discrim_text(const struct lcp_discrim *d, char *buf, size_t len)
{
	static const char *const names[] = {
		"NULL", "LOCAL", "IP Address", "802.1", "Magic", "PSN",
	};
	size_t k, n;

	snprintf(buf, len, "[%s]", d->class < 6 ? names[d->class] : "???");
	for (k = 0; k < d->len && k < sizeof(d->bytes); k++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, " %02x", d->bytes[k]);
	}
	return buf;
}

/* "<link>[<LCP state>/<phys state>] " for each member, then CRLF. */
static void
bund_show_links(struct cmd_ctx *ctx, const struct bund *b)
{
	const struct link *l;
	int i;

	for (i = 0; i < MAX_LINKS_PER_BUND; i++) {
		if ((l = b->links[i]) == NULL)
			continue;
		cmd_printf(ctx, "%s[%s/%s] ", l->name,
		    fsm_state_name(l->lcp_state),
		    link_phys_state_name(l->state));
	}
	cmd_printf(ctx, "\n");
}

int
bund_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b;
	const struct link *l;
	const char *descr_tmpl;
	char descr[256];
	unsigned long bw = 0, tbw = 0;
	int i;

	(void)a;
	switch (ac) {
	case 0:
		b = ctx->bund;
		break;
	case 1:
		if ((b = bund_find(av[0])) == NULL) {
			/* mpd5 drops the whole selection on a bad name. */
			cmd_ctx_set(ctx, NULL, NULL, NULL);
			return cmd_error(ctx, "Bundle \"%s\" not defined",
			    av[0]);
		}
		break;
	default:
		return CMD_ERR_USAGE;
	}

	/* Links that reached the network phase count as available. */
	for (i = 0; i < MAX_LINKS_PER_BUND; i++) {
		if ((l = b->links[i]) == NULL)
			continue;
		tbw += (unsigned long)l->conf.bandwidth;
		if (l->lcp.phase == PHASE_NETWORK)
			bw += (unsigned long)l->conf.bandwidth;
	}

	cmd_printf(ctx, "Bundle '%s'%s:\n", b->name,
	    b->tmpl ? " (template)" : b->stay ? " (static)" : "");
	cmd_printf(ctx, "\tLinks          : ");
	bund_show_links(ctx, b);
	cmd_printf(ctx, "\tStatus         : %s\n", b->open ? "OPEN" : "CLOSED");
	if (b->n_up > 0)
		cmd_printf(ctx, "\tSession time   : %ld seconds\n",
		    (long)(event_now_sec() - b->up_time));
	cmd_printf(ctx, "\tMultiSession Id: %s\n", b->msession_id);
	cmd_printf(ctx, "\tTotal bandwidth: %lu bits/sec\n", tbw);
	cmd_printf(ctx, "\tAvail bandwidth: %lu bits/sec\n", bw);
	cmd_printf(ctx, "\tPeer authname  : \"%s\"\n", b->peer_authname);
	if (b->dp != NULL)	/* an addition (doc/DIFFERENCES.md) */
		cmd_printf(ctx, "\tData plane     : %s (%s)\n", b->dp->name,
		    b->dp_why);

	descr_tmpl = b->iface_conf.descr;
	if (descr_tmpl != NULL && !b->tmpl)
		iface_descr_expand(b, descr_tmpl, descr, sizeof(descr));
	else
		snprintf(descr, sizeof(descr), "<none>");
	cmd_printf(ctx, "Configuration:\n");
	cmd_printf(ctx, "\tDesc. template : %s\n",
	    descr_tmpl != NULL ? descr_tmpl : "<none>");
	cmd_printf(ctx, "\tDescription    : %s\n", descr);
	cmd_printf(ctx, "\tRetry timeout  : %d seconds\n", b->conf.fsm_timeout);
	cmd_printf(ctx, "\tBW-manage:\n");
	cmd_printf(ctx, "\t  Period       : %d seconds\n", b->conf.period);
	cmd_printf(ctx, "\t  Low mark     : %d%%\n", b->conf.lowat);
	cmd_printf(ctx, "\t  High mark    : %d%%\n", b->conf.hiwat);
	cmd_printf(ctx, "\t  Min conn     : %d seconds\n", b->conf.min_con);
	cmd_printf(ctx, "\t  Min disc     : %d seconds\n", b->conf.min_dis);
	cmd_printf(ctx, "\t  Links        : ");
	for (i = 0; i < b->conf.nlinks; i++)
		cmd_printf(ctx, "%s ", b->conf.links[i]);
	cmd_printf(ctx, "\n");
	cmd_printf(ctx, "Bundle level options:\n");
	opt_show(ctx, &b->conf.options, bund_opts);

	/* Multilink details while MP is in use (RFC 1990 MRRU negotiated). */
	cmd_printf(ctx, "Multilink PPP:\n");
	cmd_printf(ctx, "\tStatus         : %s\n",
	    b->peer_mrru != 0 ? "Active" : "Inactive");
	if (b->peer_mrru != 0) {
		cmd_printf(ctx, "\tPeer MRRU      : %d bytes\n", b->peer_mrru);
		cmd_printf(ctx, "\tPeer auth name : \"%s\"\n",
		    b->peer_authname);
		cmd_printf(ctx, "\tPeer discrimin.: %s\n",
		    bund_discrim_text(&b->peer_discrim, descr, sizeof(descr)));
	}

	if (!b->tmpl) {
		const struct bund_stats *s = &b->stats;

		cmd_printf(ctx, "Traffic stats:\n");
		cmd_printf(ctx, "\tInput octets   : %llu\n",
		    (unsigned long long)s->in_octets);
		cmd_printf(ctx, "\tInput frames   : %llu\n",
		    (unsigned long long)s->in_frames);
		cmd_printf(ctx, "\tOutput octets  : %llu\n",
		    (unsigned long long)s->out_octets);
		cmd_printf(ctx, "\tOutput frames  : %llu\n",
		    (unsigned long long)s->out_frames);
		cmd_printf(ctx, "\tBad protocols  : %llu\n",
		    (unsigned long long)s->bad_protos);
		cmd_printf(ctx, "\tRunts          : %llu\n",
		    (unsigned long long)s->runts);
		cmd_printf(ctx, "\tDup fragments  : %llu\n",
		    (unsigned long long)s->dup_frags);
		cmd_printf(ctx, "\tDrop fragments : %llu\n",
		    (unsigned long long)s->drop_frags);
	}
	return CMD_OK;
}
