/*
 * ipcp.c - IPCP and IPv6CP configuration of a bundle.
 *
 * Provides `set ipcp ranges|dns|nbns|<verbs>`, `set ipv6cp <verbs>` and
 * `show ipcp` / `show ipv6cp` (surface spec 4.4.3, 4.4.4, 5.9).  The
 * negotiation itself (RFC 1332 IPCP with RFC 1877 DNS/NBNS options,
 * RFC 5072 IPv6CP) is in ipcp_run.c and ipv6cp.c; the views show their
 * runtime state once a session has created it, else the initial values.
 *
 * All functions run on the event-loop thread.
 */
#include "ipcp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "bund.h"
#include "ipv6cp.h"
#include "proto.h"

static const struct opt_def ipcp_opts[] = {
	{ "vjcomp",		IPCP_OPT_VJCOMP,	true },
	{ "req-pri-dns",	IPCP_OPT_REQ_PRI_DNS,	false },
	{ "req-sec-dns",	IPCP_OPT_REQ_SEC_DNS,	false },
	{ "req-pri-nbns",	IPCP_OPT_REQ_PRI_NBNS,	false },
	{ "req-sec-nbns",	IPCP_OPT_REQ_SEC_NBNS,	false },
	{ "pretend-ip",		IPCP_OPT_PRETEND_IP,	false },
	{ NULL, 0, false },
};

/* IPv6CP has the verbs but no options (spec 4.4.4). */
static const struct opt_def ipv6cp_opts[] = {
	{ NULL, 0, false },
};

void
ipcp_conf_defaults(struct ipcp_conf *c)
{
	memset(c, 0, sizeof(*c));
	/* Van Jacobson compression: wanted and allowed by default. */
	c->options.enable = 1u << IPCP_OPT_VJCOMP;
	c->options.accept = 1u << IPCP_OPT_VJCOMP;
}

void
ipv6cp_conf_defaults(struct ipv6cp_conf *c)
{
	memset(c, 0, sizeof(*c));
}

/* ---- set ipcp ---- */

/*
 * Parse one side of `ranges`: either "addr[/width]" or "ippool NAME".
 * Advances *pos past what it used.  Returns 0, or -1 on a usage error.
 */
static int
ipcp_parse_side(int ac, char **av, int *pos, struct u_range *r,
    const char **pool)
{
	*pool = NULL;
	memset(r, 0, sizeof(*r));
	if (*pos >= ac)
		return -1;
	if (strcmp(av[*pos], "ippool") == 0) {
		if (*pos + 1 >= ac)
			return -1;
		*pool = av[*pos + 1];
		*pos += 2;
		return 0;
	}
	if (u_range_parse(av[*pos], AF_INET, r) < 0)
		return -1;
	(*pos)++;
	return 0;
}

/* set ipcp ranges (self[/w] | ippool P) (peer[/w] | ippool P) */
static int
ipcp_cmd_ranges(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct ipcp_conf *c = &ctx->bund->ipcp_conf;
	struct u_range self, peer;
	const char *self_pool, *peer_pool;
	int pos = 0;

	(void)arg;
	if (ipcp_parse_side(ac, av, &pos, &self, &self_pool) < 0 ||
	    ipcp_parse_side(ac, av, &pos, &peer, &peer_pool) < 0 ||
	    pos != ac)
		return CMD_ERR_USAGE;
	c->self_range = self;
	c->peer_range = peer;
	util_strlcpy(c->self_pool, self_pool ? self_pool : "",
	    sizeof(c->self_pool));
	util_strlcpy(c->peer_pool, peer_pool ? peer_pool : "",
	    sizeof(c->peer_pool));
	return CMD_OK;
}

/*
 * set ipcp dns|nbns primary [secondary]; arg non-NULL selects nbns.
 * Giving only the primary clears the secondary; 0.0.0.0 erases a slot.
 */
static int
ipcp_cmd_servers(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct ipcp_conf *c = &ctx->bund->ipcp_conf;
	struct in_addr t[2];
	int i;

	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	t[1].s_addr = 0;
	for (i = 0; i < ac; i++)
		if (inet_aton(av[i], &t[i]) == 0)
			return cmd_error(ctx, "Bad IP address \"%s\"", av[i]);
	if (arg != NULL)
		memcpy(c->nbns, t, sizeof(t));
	else
		memcpy(c->dns, t, sizeof(t));
	return CMD_OK;
}

static struct opt_set *
ipcp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = ipcp_opts;
	return ctx->bund != NULL ? &ctx->bund->ipcp_conf.options : NULL;
}

static struct opt_set *
ipv6cp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = ipv6cp_opts;
	return ctx->bund != NULL ? &ctx->bund->ipv6cp_conf.options : NULL;
}

static const struct opt_cmd_arg ipcp_verb[] = {
	{ OPT_ENABLE, ipcp_opt_get }, { OPT_DISABLE, ipcp_opt_get },
	{ OPT_ACCEPT, ipcp_opt_get }, { OPT_DENY, ipcp_opt_get },
	{ OPT_YES, ipcp_opt_get }, { OPT_NO, ipcp_opt_get },
};

static const struct opt_cmd_arg ipv6cp_verb[] = {
	{ OPT_ENABLE, ipv6cp_opt_get }, { OPT_DISABLE, ipv6cp_opt_get },
	{ OPT_ACCEPT, ipv6cp_opt_get }, { OPT_DENY, ipv6cp_opt_get },
	{ OPT_YES, ipv6cp_opt_get }, { OPT_NO, ipv6cp_opt_get },
};

static const int ipcp_nbns = 1;

/* The six option verbs, in mpd5's help order, for a verb array v. */
#define IPCP_VERB_ENTRIES(v)						\
	{ .name = "enable [opt ...]", .desc = "Enable option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[0] },				\
	{ .name = "disable [opt ...]", .desc = "Disable option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[1] },				\
	{ .name = "accept [opt ...]", .desc = "Accept option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[2] },				\
	{ .name = "deny [opt ...]", .desc = "Deny option",		\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[3] },				\
	{ .name = "yes [opt ...]", .desc = "Enable and accept option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[4] },				\
	{ .name = "no [opt ...]", .desc = "Disable and deny option",	\
	  .func = opt_cmd, .admit = cmd_admit_bund,			\
	  .priv = PRIV_ADMIN, .arg = &(v)[5] }

const struct cmdtab ipcp_set_cmds[] = {
	{ .name = "ranges {self}[/{width}]|ippool {pool} "
	    "{peer}[/{width}]|ippool {pool}",
	  .desc = "Allowed IP address ranges", .func = ipcp_cmd_ranges,
	  .admit = cmd_admit_bund, .priv = PRIV_ADMIN },
	IPCP_VERB_ENTRIES(ipcp_verb),
	{ .name = "dns primary [secondary]", .desc = "Set peer DNS servers",
	  .func = ipcp_cmd_servers, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "nbns primary [secondary]",
	  .desc = "Set peer NBNS servers", .func = ipcp_cmd_servers,
	  .admit = cmd_admit_bund, .priv = PRIV_ADMIN, .arg = &ipcp_nbns },
	{ .name = NULL },
};

const struct cmdtab ipv6cp_set_cmds[] = {
	IPCP_VERB_ENTRIES(ipv6cp_verb),
	{ .name = NULL },
};

/* ---- show ---- */

static const char *
ipcp_ntoa(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* "DNS servers : %15s  %15s" and the NBNS twin. */
static void
ipcp_show_servers(struct cmd_ctx *ctx, const struct in_addr *dns,
    const struct in_addr *nbns)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	cmd_printf(ctx, "DNS servers : %15s  %15s\n",
	    ipcp_ntoa(dns[0], a, sizeof(a)), ipcp_ntoa(dns[1], b, sizeof(b)));
	cmd_printf(ctx, "NBNS servers: %15s  %15s\n",
	    ipcp_ntoa(nbns[0], a, sizeof(a)),
	    ipcp_ntoa(nbns[1], b, sizeof(b)));
}

/* "<proto>, <n> compression channels, CID [not ]compressible" or None. */
static void
ipcp_show_comp(struct cmd_ctx *ctx, const char *side,
    const struct ipcp_vjopt *vj)
{
	if (vj == NULL || vj->proto == 0) {
		cmd_printf(ctx, "\t%s: None\n", side);
		return;
	}
	cmd_printf(ctx, "\t%s: %s, %d compression channels, CID %scompressible"
	    "\n", side, proto_name(vj->proto), vj->maxchan + 1,
	    vj->compcid ? "" : "not ");
}

int
ipcp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	const struct ipcp_conf *c = &b->ipcp_conf;
	const struct ipcp_state *st = b->ipcp;
	/* Peer-supplied servers: recorded once IPCP negotiates. */
	static const struct in_addr none[2];
	char buf[INET6_ADDRSTRLEN + 8];

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "[%s] IPCP [%s]\n", b->name,
	    fsm_state_name(st != NULL ? st->fsm.state : b->ipcp_state));
	cmd_printf(ctx, "Allowed IP address ranges:\n");
	/* mpd5 labels the self pool "Peer" too (spec section 13, #5). */
	if (c->self_pool[0] != '\0')
		cmd_printf(ctx, "\tPeer: ippool %s\n", c->self_pool);
	else
		cmd_printf(ctx, "\tSelf: %s\n",
		    u_range_print(&c->self_range, buf, sizeof(buf)));
	if (c->peer_pool[0] != '\0')
		cmd_printf(ctx, "\tPeer: ippool %s\n", c->peer_pool);
	else
		cmd_printf(ctx, "\tPeer: %s\n",
		    u_range_print(&c->peer_range, buf, sizeof(buf)));
	cmd_printf(ctx, "IPCP Options:\n");
	opt_show(ctx, &c->options, ipcp_opts);
	cmd_printf(ctx, "Current addressing:\n");
	cmd_printf(ctx, "\tSelf: %s\n", ipcp_ntoa(st != NULL ? st->want_addr :
	    b->ipcp_self, buf, sizeof(buf)));
	cmd_printf(ctx, "\tPeer: %s\n", ipcp_ntoa(st != NULL ? st->peer_addr :
	    b->ipcp_peer, buf, sizeof(buf)));
	/* What we asked for (Self) and what the peer asked us (Peer). */
	cmd_printf(ctx, "Compression:\n");
	ipcp_show_comp(ctx, "Self", st != NULL ? &st->want_comp : NULL);
	ipcp_show_comp(ctx, "Peer", st != NULL ? &st->peer_comp : NULL);
	cmd_printf(ctx, "Server info we give to peer:\n");
	ipcp_show_servers(ctx, c->dns, c->nbns);
	cmd_printf(ctx, "Server info peer gave to us:\n");
	ipcp_show_servers(ctx, st != NULL ? st->want_dns : none,
	    st != NULL ? st->want_nbns : none);
	/* The VJ counters exist once the bundle has a data path. */
	if (!b->tmpl) {
		const struct vj_comp *vc = st != NULL ? &st->vjc : NULL;
		const struct vj_decomp *vd = st != NULL ? &st->vjd : NULL;

		cmd_printf(ctx, "VJ Compression:\n");
		cmd_printf(ctx, "\tOut comp : %u\n", vc ? vc->out_comp : 0);
		cmd_printf(ctx, "\tOut total: %u\n", vc ? vc->out_total : 0);
		cmd_printf(ctx, "\tMissed   : %u\n", vc ? vc->misses : 0);
		cmd_printf(ctx, "\tSearched : %u\n", vc ? vc->searches : 0);
		cmd_printf(ctx, "\tIn comp  : %u\n", vd ? vd->in_comp : 0);
		cmd_printf(ctx, "\tIn uncomp: %u\n", vd ? vd->in_uncomp : 0);
		cmd_printf(ctx, "\tIn error : %u\n", vd ? vd->in_error : 0);
		cmd_printf(ctx, "\tIn tossed: %u\n", vd ? vd->in_tossed : 0);
	}
	return CMD_OK;
}

int
ipv6cp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	const struct ipv6cp_state *st = b->ipv6cp;
	static const uint8_t zero[8];
	const uint8_t *me = st != NULL ? st->my_id : zero;
	const uint8_t *him = st != NULL ? st->his_id : zero;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "[%s] IPV6CP [%s]\n", b->name,
	    fsm_state_name(st != NULL ? st->fsm.state : b->ipv6cp_state));
	/* Interface identifiers: ours from IPv6CP's creation on. */
	cmd_printf(ctx, "Interface identificators:\n");
	cmd_printf(ctx, "\tSelf: %02x%02x:%02x%02x:%02x%02x:%02x%02x\n",
	    me[0], me[1], me[2], me[3], me[4], me[5], me[6], me[7]);
	cmd_printf(ctx, "\tPeer: %02x%02x:%02x%02x:%02x%02x:%02x%02x\n",
	    him[0], him[1], him[2], him[3], him[4], him[5], him[6], him[7]);
	cmd_printf(ctx, "IPV6CP Options:\n");
	opt_show(ctx, &b->ipv6cp_conf.options, ipv6cp_opts);
	return CMD_OK;
}
