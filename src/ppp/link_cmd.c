/*
 * link_cmd.c - link configuration: defaults, `set link ...`, `show link`
 * and `show lcp` (surface spec 4.5.1, 5.4, 5.5).
 *
 * Everything here works on struct link_conf and the incoming-call action
 * list of a link; nothing opens devices or runs protocols.  The LCP
 * values shown by `show lcp` are the negotiated ones; until LCP runs they
 * keep the initial values mpd5 shows before the first negotiation (all
 * zero, "none").
 *
 * Option names, defaults and the `chap` alias follow mpd5; the RFC 1661
 * options behind them (MRU, ACCM, ACFC, PFC, magic number, auth protocol)
 * and RFC 1990 (MRRU, short sequence numbers) are negotiated by lcp.c.
 */
#include "link.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../link/devices.h"
#include "mp.h"

#define LCP_MIN_MRU		296	/* RFC 1661 allows less; mpd5 does not */
#define LCP_DEFAULT_MRU		1500
#define MP_MIN_MRRU		296
#define MP_MAX_MRRU		4096
#define MP_DEFAULT_MRRU		2048
#define LINK_DEFAULT_ACCMAP	0x000a0000u	/* XON/XOFF escaped */
#define LINK_DEFAULT_RETRY	2
#define LCP_ECHO_INTERVAL	5
#define LCP_ECHO_TIMEOUT	40
#define LINK_MAX_BANDWIDTH	4800000	/* ng_ppp's limit, kept for parity */
#define LINK_MAX_LATENCY	1000000
#define LINK_MAX_CHILDREN	100000

/* The link options, in `show link` order. */
static const struct opt_def link_opts[] = {
	{ "incoming", LINK_OPT_INCOMING, false },
	{ "pap", LINK_OPT_PAP, true },
	{ "chap-md5", LINK_OPT_CHAP_MD5, true },
	{ "chap-msv1", LINK_OPT_CHAP_MSV1, true },
	{ "chap-msv2", LINK_OPT_CHAP_MSV2, true },
	{ "eap", LINK_OPT_EAP, true },
	{ "acfcomp", LINK_OPT_ACFCOMP, true },
	{ "protocomp", LINK_OPT_PROTOCOMP, true },
	{ "keep-ms-domain", LINK_OPT_KEEP_MS_DOMAIN, false },
	{ "magicnum", LINK_OPT_MAGICNUM, false },
	{ "passive", LINK_OPT_PASSIVE, false },
	{ "check-magic", LINK_OPT_CHECK_MAGIC, false },
	{ "no-orig-auth", LINK_OPT_NO_ORIG_AUTH, false },
	{ "callback", LINK_OPT_CALLBACK, false },
	{ "multilink", LINK_OPT_MULTILINK, false },
	{ "shortseq", LINK_OPT_SHORTSEQ, true },
	{ "time-remain", LINK_OPT_TIME_REMAIN, false },
	{ "peer-as-calling", LINK_OPT_PEER_AS_CALLING, false },
	{ "report-mac", LINK_OPT_REPORT_MAC, false },
	{ "remove-tee", LINK_OPT_REMOVE_TEE, false },
	{ NULL, 0, false },
};

#define BIT(o)	(1u << (o))

/*
 * Set l->conf to mpd5's defaults for l->type.  The type supplies the
 * nominal bandwidth and latency (a modem is slower); MRU and MTU start at
 * 1500 whatever the type, as in mpd5 (`show link` on a PPPoE link shows
 * 1500): the device maximum is applied when LCP negotiates.
 */
void
link_conf_defaults(struct link *l)
{
	struct link_conf *c = &l->conf;

	memset(c, 0, sizeof(*c));
	c->mru = LCP_DEFAULT_MRU;
	c->mtu = LCP_DEFAULT_MRU;
	c->mrru = MP_DEFAULT_MRRU;
	c->accmap = LINK_DEFAULT_ACCMAP;
	c->bandwidth = l->type != NULL ? l->type->dflt_bandwidth : 64000;
	c->latency = l->type != NULL ? l->type->dflt_latency : 2000;
	c->fsm_timeout = LINK_DEFAULT_RETRY;
	c->max_redial = -1;
	c->redial_delay = 1;
	c->max_children = DEFAULT_MAX_CHILDREN;
	c->echo_int = LCP_ECHO_INTERVAL;
	c->echo_max = LCP_ECHO_TIMEOUT;
	c->options.enable = BIT(LINK_OPT_ACFCOMP) | BIT(LINK_OPT_PROTOCOMP) |
	    BIT(LINK_OPT_MAGICNUM) | BIT(LINK_OPT_CHECK_MAGIC) |
	    BIT(LINK_OPT_SHORTSEQ);
	/* We let the peer ask for any auth protocol but MS-CHAPv1. */
	c->options.accept = BIT(LINK_OPT_PAP) | BIT(LINK_OPT_CHAP_MD5) |
	    BIT(LINK_OPT_CHAP_MSV2) | BIT(LINK_OPT_EAP) |
	    BIT(LINK_OPT_ACFCOMP) | BIT(LINK_OPT_PROTOCOMP) |
	    BIT(LINK_OPT_SHORTSEQ);
}

/* Free an action list (NULL is fine). */
void
link_actions_free(struct link_action *a)
{
	struct link_action *next;

	for (; a != NULL; a = next) {
		next = a->next;
		mem_free(a->regex);
		mem_free(a);
	}
}

/* Deep copy of an action list, same order; the caller owns the result. */
struct link_action *
link_actions_dup(const struct link_action *a)
{
	struct link_action *head = NULL, **tail = &head;

	for (; a != NULL; a = a->next) {
		*tail = mem_alloc("link", sizeof(**tail));
		(*tail)->type = a->type;
		util_strlcpy((*tail)->arg, a->arg, sizeof((*tail)->arg));
		(*tail)->regex = a->regex != NULL ?
		    mem_strdup("link", a->regex) : NULL;
		tail = &(*tail)->next;
	}
	return head;
}

/* ---- set link action ... ---- */

/*
 * `set link action bundle|forward {name} [{regex}]`, `... drop [{regex}]`:
 * append a rule.  An empty regex means "matches everything".  The regex
 * is compiled once here only to refuse a bad one; matching compiles it
 * again when calls arrive.
 */
static int
link_set_action(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const enum link_action_type *type = arg;
	struct link *l = ctx->lnk;
	struct link_action *n, **tail;
	const char *re = NULL;
	regex_t rx;

	if (*type == LINK_ACTION_DROP) {
		if (ac > 1)
			return CMD_ERR_USAGE;
		if (ac == 1 && av[0][0] != '\0')
			re = av[0];
	} else {
		if (ac < 1 || ac > 2)
			return CMD_ERR_USAGE;
		if (ac == 2 && av[1][0] != '\0')
			re = av[1];
	}
	if (re != NULL) {
		if (regcomp(&rx, re, REG_EXTENDED) != 0)
			return cmd_error(ctx,
			    "regexp \"%s\" compilation error", re);
		regfree(&rx);
	}
	n = mem_alloc("link", sizeof(*n));
	n->type = *type;
	if (*type != LINK_ACTION_DROP)
		util_strlcpy(n->arg, av[0], sizeof(n->arg));
	n->regex = re != NULL ? mem_strdup("link", re) : NULL;
	for (tail = &l->actions; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = n;
	return CMD_OK;
}

/* `set link action clear` */
static int
link_set_action_clear(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	if (ac != 0)
		return CMD_ERR_USAGE;
	link_actions_free(ctx->lnk->actions);
	ctx->lnk->actions = NULL;
	return CMD_OK;
}

static const enum link_action_type link_arg_bundle = LINK_ACTION_BUNDLE;
static const enum link_action_type link_arg_forward = LINK_ACTION_FORWARD;
static const enum link_action_type link_arg_drop = LINK_ACTION_DROP;

static const struct cmdtab link_action_cmds[] = {
	{ .name = "bundle {bundle} [{regex}]",
	  .desc = "Terminate incomings locally", .func = link_set_action,
	  .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_bundle },
	{ .name = "forward {link} [{regex}]", .desc = "Forward incomings",
	  .func = link_set_action, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN, .arg = &link_arg_forward },
	{ .name = "drop [{regex}]", .desc = "drop incomings",
	  .func = link_set_action, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN, .arg = &link_arg_drop },
	{ .name = "clear", .desc = "Clear actions",
	  .func = link_set_action_clear, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

/* ---- set link <number> ---- */

enum link_num {
	LINK_NUM_BANDWIDTH, LINK_NUM_LATENCY, LINK_NUM_MRRU, LINK_NUM_MRU,
	LINK_NUM_MTU, LINK_NUM_FSM_TIMEOUT, LINK_NUM_MAX_REDIAL,
	LINK_NUM_REDIAL_DELAY, LINK_NUM_MAX_CHILDREN,
};

/*
 * The one-number settings.  Numbers are read the way mpd5 reads them
 * (atoi), so "abc" is 0 and earns the range message rather than a usage
 * error, exactly as mpd5 answers.
 */
static int
link_set_num(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const enum link_num *which = arg;
	struct link *l = ctx->lnk;
	const char *what;
	int val, max;

	if (ac != 1)
		return CMD_ERR_USAGE;
	val = atoi(av[0]);
	switch (*which) {
	case LINK_NUM_BANDWIDTH:
		if (val <= 0)
			return cmd_error(ctx, "[%s] Bandwidth must be positive",
			    l->name);
		if (val > LINK_MAX_BANDWIDTH) {
			val = LINK_MAX_BANDWIDTH;
			log_msg(LG_ERR, "[%s] Bandwidth truncated to %d bit/s",
			    l->name, val);
		}
		l->conf.bandwidth = val;
		break;
	case LINK_NUM_LATENCY:
		if (val < 0)
			return cmd_error(ctx,
			    "[%s] Latency must be not negative", l->name);
		if (val > LINK_MAX_LATENCY) {
			val = LINK_MAX_LATENCY;
			log_msg(LG_ERR, "[%s] Latency truncated to %d usec",
			    l->name, val);
		}
		l->conf.latency = val;
		break;
	case LINK_NUM_MRRU:
		if (val < MP_MIN_MRRU)
			return cmd_error(ctx, "min MRRU is %d", MP_MIN_MRRU);
		if (val > MP_MAX_MRRU)
			return cmd_error(ctx, "max MRRU is %d", MP_MAX_MRRU);
		l->conf.mrru = val;
		break;
	case LINK_NUM_MRU:
	case LINK_NUM_MTU:
		what = *which == LINK_NUM_MTU ? "MTU" : "MRU";
		if (val < LCP_MIN_MRU)
			return cmd_error(ctx, "min %s is %d", what,
			    LCP_MIN_MRU);
		if (l->type != NULL) {
			max = *which == LINK_NUM_MTU ? l->type->mtu :
			    l->type->mru;
			if (val > max)
				return cmd_error(ctx,
				    "max %s on type \"%s\" links is %d",
				    what, l->type->name, max);
		}
		if (*which == LINK_NUM_MTU)
			l->conf.mtu = val;
		else
			l->conf.mru = val;
		break;
	case LINK_NUM_FSM_TIMEOUT:
		if (val < 1 || val > 10)
			return cmd_error(ctx, "incorrect fsm-timeout value %d",
			    val);
		l->conf.fsm_timeout = val;
		break;
	case LINK_NUM_MAX_REDIAL:
		l->conf.max_redial = val;
		break;
	case LINK_NUM_REDIAL_DELAY:
		l->conf.redial_delay = val < 1 ? 1 : val;
		break;
	case LINK_NUM_MAX_CHILDREN:
		if (!l->tmpl)
			return cmd_error(ctx, "applicable only to templates");
		if (val < 0 || val > LINK_MAX_CHILDREN)
			return cmd_error(ctx, "incorrect value %d", val);
		l->conf.max_children = val;
		break;
	}
	return CMD_OK;
}

/* `set link accmap {hex-value}` ("0x" prefix optional). */
static int
link_set_accmap(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	unsigned long v;
	char *end;

	if (ac != 1)
		return CMD_ERR_USAGE;
	v = strtoul(av[0], &end, 16);
	if (end == av[0] || v > 0xffffffffUL)
		return CMD_ERR_USAGE;
	ctx->lnk->conf.accmap = (uint32_t)v;
	return CMD_OK;
}

/* `set link keep-alive {secs} {max}`; 0 seconds disables echoes. */
static int
link_set_keepalive(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	if (ac != 2)
		return CMD_ERR_USAGE;
	ctx->lnk->conf.echo_int = atoi(av[0]);
	ctx->lnk->conf.echo_max = atoi(av[1]);
	return CMD_OK;
}

/* `set link ident {string}`; "" stops sending Identification. */
static int
link_set_ident(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(ctx->lnk->conf.ident, av[0],
	    sizeof(ctx->lnk->conf.ident));
	return CMD_OK;
}

/*
 * The six option verbs.  "chap" (any case) stands for the three CHAP
 * variants; those are applied first, then the other words, as in mpd5.
 * No words at all is accepted silently.
 */
static int
link_set_verb(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	static char chap_md5[] = "chap-md5", chap_msv1[] = "chap-msv1",
	    chap_msv2[] = "chap-msv2";
	char *chap_all[] = { chap_md5, chap_msv1, chap_msv2 };
	const int *verb = arg;
	char **rest;
	int i, n = 0;
	bool chap = false, was_in, now_in;

	was_in = opt_enabled(&ctx->lnk->conf.options, LINK_OPT_INCOMING);
	rest = mem_alloc("link", sizeof(*rest) * (size_t)(ac + 1));
	for (i = 0; i < ac; i++) {
		if (strcasecmp(av[i], "chap") == 0)
			chap = true;
		else
			rest[n++] = av[i];
	}
	if (chap)
		opt_apply(&ctx->lnk->conf.options, link_opts, *verb, 3,
		    chap_all);
	opt_apply(&ctx->lnk->conf.options, link_opts, *verb, n, rest);
	mem_free(rest);
	/*
	 * `incoming` starts / stops accepting calls on the device (a no-op
	 * for types without incoming support).  Enabling it again re-asks,
	 * which is harmless: the device's listen op is idempotent.
	 */
	now_in = opt_enabled(&ctx->lnk->conf.options, LINK_OPT_INCOMING);
	if (now_in || was_in)
		(void)phys_listen(ctx->lnk, now_in);
	return CMD_OK;
}

static const enum link_num link_arg_bandwidth = LINK_NUM_BANDWIDTH;
static const enum link_num link_arg_latency = LINK_NUM_LATENCY;
static const enum link_num link_arg_mrru = LINK_NUM_MRRU;
static const enum link_num link_arg_mru = LINK_NUM_MRU;
static const enum link_num link_arg_mtu = LINK_NUM_MTU;
static const enum link_num link_arg_fsm = LINK_NUM_FSM_TIMEOUT;
static const enum link_num link_arg_redial = LINK_NUM_MAX_REDIAL;
static const enum link_num link_arg_delay = LINK_NUM_REDIAL_DELAY;
static const enum link_num link_arg_children = LINK_NUM_MAX_CHILDREN;
static const int link_arg_accept = OPT_ACCEPT;
static const int link_arg_deny = OPT_DENY;
static const int link_arg_enable = OPT_ENABLE;
static const int link_arg_disable = OPT_DISABLE;
static const int link_arg_yes = OPT_YES;
static const int link_arg_no = OPT_NO;

const struct cmdtab link_set_cmds[] = {
	{ .name = "action ...", .desc = "Set action on incoming",
	  .submenu = link_action_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "bandwidth {bps}", .desc = "Link bandwidth",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_bandwidth },
	{ .name = "latency {microsecs}", .desc = "Link latency",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_latency },
	{ .name = "accmap {hex-value}", .desc = "Accmap value",
	  .func = link_set_accmap, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "mrru {value}", .desc = "Link MRRU value",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_mrru },
	{ .name = "mru {value}", .desc = "Link MRU value",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_mru },
	{ .name = "mtu {value}", .desc = "Link MTU value",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_mtu },
	{ .name = "fsm-timeout {seconds}", .desc = "FSM retry timeout",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_fsm },
	{ .name = "max-redial {num}", .desc = "Max connect attempts",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_redial },
	{ .name = "redial-delay {num}",
	  .desc = "Delay between connect attempts",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_delay },
	{ .name = "max-children {num}", .desc = "Max number of children",
	  .func = link_set_num, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_children },
	{ .name = "keep-alive {secs} {max}", .desc = "LCP echo keep-alives",
	  .func = link_set_keepalive, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "ident {string}", .desc = "LCP ident string",
	  .func = link_set_ident, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "accept {opt ...}", .desc = "Accept option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_accept },
	{ .name = "deny {opt ...}", .desc = "Deny option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_deny },
	{ .name = "enable {opt ...}", .desc = "Enable option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_enable },
	{ .name = "disable {opt ...}", .desc = "Disable option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_disable },
	{ .name = "yes {opt ...}", .desc = "Enable and accept option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_yes },
	{ .name = "no {opt ...}", .desc = "Disable and deny option",
	  .func = link_set_verb, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &link_arg_no },
	{ .name = NULL },
};

/* ---- show link / show lcp ---- */

static long
link_uptime(const struct link *l)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - l->up_time);
}

static const char *
link_action_name(enum link_action_type t)
{
	switch (t) {
	case LINK_ACTION_FORWARD:
		return "Forward";
	case LINK_ACTION_BUNDLE:
		return "Bundle";
	case LINK_ACTION_DROP:
		break;
	}
	return "Drop";
}

/*
 * `show link`: configuration, incoming actions, options and state of the
 * current link (spec 5.4).  Templates show their children count instead
 * of state and up/down history.
 */
int
link_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct link *l = ctx->lnk;
	const struct link_conf *c;
	const struct link_action *act;
	uint64_t dup, drop;

	if (l == NULL)
		return CMD_ERR_CONTEXT;
	c = &l->conf;
	cmd_printf(ctx, "Link %s%s:\n", l->name,
	    l->tmpl ? " (template)" : l->stay ? " (static)" : "");
	cmd_printf(ctx, "Configuration:\n");
	cmd_printf(ctx, "\tDevice type    : %s\n",
	    l->type != NULL ? l->type->name : "");
	cmd_printf(ctx, "\tMRU            : %d bytes\n", c->mru);
	cmd_printf(ctx, "\tMRRU           : %d bytes\n", c->mrru);
	cmd_printf(ctx, "\tCtrl char map  : 0x%08x bytes\n", c->accmap);
	cmd_printf(ctx, "\tRetry timeout  : %d seconds\n", c->fsm_timeout);
	cmd_printf(ctx, "\tMax redial     : ");
	if (c->max_redial < 0)
		cmd_printf(ctx, "no redial\n");
	else if (c->max_redial == 0)
		cmd_printf(ctx, "unlimited, delay %ds\n", c->redial_delay);
	else
		cmd_printf(ctx, "%d connect attempts, delay %ds\n",
		    c->max_redial, c->redial_delay);
	cmd_printf(ctx, "\tBandwidth      : %d bits/sec\n", c->bandwidth);
	cmd_printf(ctx, "\tLatency        : %d usec\n", c->latency);
	cmd_printf(ctx, "\tKeep-alive     : ");
	if (c->echo_int == 0)
		cmd_printf(ctx, "disabled\n");
	else
		cmd_printf(ctx, "every %d secs, timeout %d\n", c->echo_int,
		    c->echo_max);
	cmd_printf(ctx, "\tIdent string   : \"%s\"\n", c->ident);
	if (l->tmpl)
		cmd_printf(ctx, "\tMax children   : %d\n", c->max_children);
	cmd_printf(ctx, "Link incoming actions:\n");
	for (act = l->actions; act != NULL; act = act->next)
		cmd_printf(ctx, "\t%s\t%s\t%s\n", link_action_name(act->type),
		    act->arg, act->regex != NULL ? act->regex : "");
	cmd_printf(ctx, "Link level options:\n");
	opt_show(ctx, &c->options, link_opts);

	cmd_printf(ctx, "Link state:\n");
	if (l->tmpl) {
		cmd_printf(ctx, "\tChildren       : %d\n", l->children);
		return CMD_OK;
	}
	cmd_printf(ctx, "\tState          : %s\n",
	    link_phys_state_name(l->state));
	cmd_printf(ctx, "\tSession Id     : %s\n", l->session_id);
	cmd_printf(ctx, "\tPeer ident     : %s\n", l->peer_ident);
	if (l->state == PHYS_STATE_UP && l->up_time != 0)
		cmd_printf(ctx, "\tSession time   : %ld seconds\n",
		    link_uptime(l));

	cmd_printf(ctx, "Up/Down stats:\n");
	/* A reason left from the previous session comes first (mpd5). */
	if (l->down_reason_stale[0] != '\0')
		cmd_printf(ctx, "\tDown Reason    : %s\n",
		    l->down_reason_stale);
	if (l->up_reason[0] != '\0')
		cmd_printf(ctx, "\tUp Reason      : %s\n", l->up_reason);
	if (l->down_reason[0] != '\0')
		cmd_printf(ctx, "\tDown Reason    : %s\n", l->down_reason);
	if (l->bund != NULL) {
		/* Frames as the link layer sees them (link.c). */
		cmd_printf(ctx, "Traffic stats:\n");
		cmd_printf(ctx, "\tInput octets   : %llu\n",
		    (unsigned long long)l->in_octets);
		cmd_printf(ctx, "\tInput frames   : %llu\n",
		    (unsigned long long)l->in_frames);
		cmd_printf(ctx, "\tOutput octets  : %llu\n",
		    (unsigned long long)l->out_octets);
		cmd_printf(ctx, "\tOutput frames  : %llu\n",
		    (unsigned long long)l->out_frames);
		cmd_printf(ctx, "\tBad protocols  : %llu\n",
		    (unsigned long long)l->lcp.rx_badproto);
		cmd_printf(ctx, "\tRunts          : %llu\n",
		    (unsigned long long)l->lcp.rx_runts);
		/* Multilink fragments received on this link (mp.c). */
		mp_bund_link_counters(l->bund, l, &dup, &drop);
		cmd_printf(ctx, "\tDup fragments  : %llu\n",
		    (unsigned long long)dup);
		cmd_printf(ctx, "\tDrop fragments : %llu\n",
		    (unsigned long long)drop);
	}
	return CMD_OK;
}

/*
 * One side of `show lcp`: what we ask for (Self) or what the peer asked
 * (Peer), as last negotiated; zeros and "none" before the first
 * negotiation, as mpd5 shows them.
 */
static void
lcp_show_side(struct cmd_ctx *ctx, const struct lcp_side *s,
    const char *ident)
{
	char buf[96];

	cmd_printf(ctx, "\tMRU      : %d bytes\n", (int)s->mru);
	cmd_printf(ctx, "\tMAGIC    : 0x%08x\n", s->magic);
	cmd_printf(ctx, "\tACCMAP   : 0x%08x\n", s->accmap);
	cmd_printf(ctx, "\tACFCOMP  : %s\n", s->acfcomp ? "Yes" : "No");
	cmd_printf(ctx, "\tPROTOCOMP: %s\n", s->pfcomp ? "Yes" : "No");
	cmd_printf(ctx, "\tAUTHTYPE : %s\n", lcp_auth_type_name(s->auth));
	if (s->mrru != 0) {
		cmd_printf(ctx, "\tMRRU     : %d bytes\n", (int)s->mrru);
		cmd_printf(ctx, "\tSHORTSEQ : %s\n",
		    s->shortseq ? "Yes" : "No");
		cmd_printf(ctx, "\tENDPOINTDISC: %s\n",
		    lcp_discrim_print(&s->discrim, buf, sizeof(buf)));
	}
	if (ident[0] != '\0')
		cmd_printf(ctx, "\tIDENT    : %s\n", ident);
}

/*
 * `show lcp`: the LCP automaton state and the options each side uses
 * (spec 5.5).
 */
int
lcp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct link *l = ctx->lnk;

	if (l == NULL)
		return CMD_ERR_CONTEXT;
	cmd_printf(ctx, "LCP [%s]\n", fsm_state_name(l->lcp.fsm.state));
	cmd_printf(ctx, "Self:\n");
	lcp_show_side(ctx, &l->lcp.want, l->conf.ident);
	cmd_printf(ctx, "Peer:\n");
	lcp_show_side(ctx, &l->lcp.peer, l->peer_ident);
	return CMD_OK;
}
