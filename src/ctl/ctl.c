/*
 * ctl.c - daemon-level commands and views.
 *
 * Provides `set global` (surface spec 4.3.1), the context commands
 * `iface`, `session`, `msession` and `authname` (4.1, 4.0.3), `open` and
 * `close` with the layer table of 4.1.1, and `show global`, `show version`,
 * `show layers`, `show summary`, `show sessions`, `show customer` and
 * `show routes` (5.10).
 */
#include "ctl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/defs.h"
#include "../core/event.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../dp/dp.h"
#include "../link/devices.h"
#include "../ppp/bund.h"
#include "../ppp/link.h"
#include "../ppp/rep.h"

struct global_conf g_global = {
	.start_rule = 10000, .start_pipe = 10000, .start_queue = 10000,
	.start_table = 32,
	.l2tp_timeout = 10, .l2tp_limit = 100,
	.pptp_timeout = 10, .pptp_limit = 100,
	.max_children = DEFAULT_MAX_CHILDREN,
	.qthresh_min = 64, .qthresh_max = 256,
};

static ctl_shutdown_fn *shutdown_hook;

void
ctl_set_shutdown_hook(ctl_shutdown_fn *fn)
{
	shutdown_hook = fn;
}

void
ctl_request_shutdown(void)
{
	if (shutdown_hook != NULL)
		shutdown_hook();
}

/* ---- set global ---- */

static const struct opt_def global_opts[] = {
	{ "tcp-wrapper", GLOBAL_OPT_TCP_WRAPPER, false },
	{ "one-shot", GLOBAL_OPT_ONE_SHOT, false },
	{ "agent-cid", GLOBAL_OPT_AGENT_CID, false },
	{ "session-time", GLOBAL_OPT_SESSION_TIME, false },
	{ NULL, 0, false },
};

enum global_param {
	GP_STARTRULE, GP_STARTPIPE, GP_STARTQUEUE, GP_STARTTABLE,
	GP_L2TPTIMEOUT, GP_L2TPLIMIT, GP_PPTPTIMEOUT, GP_PPTPLIMIT,
	GP_MAXCHILDREN,
};

static const int gp_ids[] = {
	GP_STARTRULE, GP_STARTPIPE, GP_STARTQUEUE, GP_STARTTABLE,
	GP_L2TPTIMEOUT, GP_L2TPLIMIT, GP_PPTPTIMEOUT, GP_PPTPLIMIT,
	GP_MAXCHILDREN,
};

static int
global_set_param(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	int which = *(const int *)arg;
	long v;

	if (ac != 1)
		return CMD_ERR_USAGE;
	switch (which) {
	case GP_STARTRULE:
	case GP_STARTPIPE:
	case GP_STARTQUEUE:
		if (util_parse_int(av[0], 1, 65534, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		if (which == GP_STARTRULE)
			g_global.start_rule = (int)v;
		else if (which == GP_STARTPIPE)
			g_global.start_pipe = (int)v;
		else
			g_global.start_queue = (int)v;
		break;
	case GP_STARTTABLE:
		if (util_parse_int(av[0], 1, 127, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		g_global.start_table = (int)v;
		break;
	case GP_L2TPTIMEOUT:
	case GP_PPTPTIMEOUT:
		if (util_parse_int(av[0], 0, 1000000, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		if (which == GP_L2TPTIMEOUT)
			g_global.l2tp_timeout = (int)v;
		else
			g_global.pptp_timeout = (int)v;
		break;
	case GP_L2TPLIMIT:
		if (util_parse_int(av[0], 0, 65536, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		g_global.l2tp_limit = (int)v;
		break;
	case GP_PPTPLIMIT:
		if (util_parse_int(av[0], 1, 65536, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		g_global.pptp_limit = (int)v;
		break;
	case GP_MAXCHILDREN:
		if (util_parse_int(av[0], 0, 65536, &v) < 0)
			return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
		g_global.max_children = (int)v;
		break;
	default:
		return CMD_ERR_USAGE;
	}
	return CMD_OK;
}

static int
global_set_qthreshold(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	long lo, hi;

	(void)a;
	if (ac != 2)
		return CMD_ERR_USAGE;
	if (util_parse_int(av[0], 0, 8191, &lo) < 0 ||
	    util_parse_int(av[1], 0, 8191, &hi) < 0 || lo >= hi)
		return cmd_error(ctx, "Incorrect queue threshold");
	g_global.qthresh_min = (int)lo;
	g_global.qthresh_max = (int)hi;
	return CMD_OK;
}

static void
filter_clear(int n)
{
	struct global_filter *f, *next;

	for (f = g_global.filters[n]; f != NULL; f = next) {
		next = f->next;
		mem_free(f->rule);
		mem_free(f);
	}
	g_global.filters[n] = NULL;
}

void
ctl_global_free(void)
{
	int i;

	for (i = 1; i <= GLOBAL_MAX_FILTERS; i++)
		filter_clear(i);
}

static int
global_set_filter(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct global_filter *f, **pp;
	long n, num;

	(void)a;
	if (ac < 2 || util_parse_int(av[0], 1, GLOBAL_MAX_FILTERS, &n) < 0)
		return CMD_ERR_USAGE;
	if (strcasecmp(av[1], "clear") == 0 && ac == 2) {
		filter_clear((int)n);
		return CMD_OK;
	}
	if (strcasecmp(av[1], "add") != 0 || ac != 4)
		return CMD_ERR_USAGE;
	if (util_parse_int(av[2], 1, 65535, &num) < 0)
		return cmd_error(ctx, "Wrong rule number");
	for (pp = &g_global.filters[n]; *pp != NULL && (*pp)->num < num;
	    pp = &(*pp)->next)
		;
	if (*pp != NULL && (*pp)->num == num)
		return cmd_error(ctx, "Duplicate rule number");
	f = mem_alloc("global", sizeof(*f));
	f->num = (int)num;
	f->rule = mem_strdup("global", av[3]);
	f->next = *pp;
	*pp = f;
	return CMD_OK;
}

static struct opt_set global_optset;

static struct opt_set *
global_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	(void)ctx;
	*defs = global_opts;
	global_optset.enable = g_global.options;
	return &global_optset;
}

static int
global_opt_cmd(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	int rc = opt_cmd(ctx, ac, av, arg);

	g_global.options = global_optset.enable;
	return rc;
}

static const struct opt_cmd_arg global_enable = { OPT_ENABLE, global_opt_get };
static const struct opt_cmd_arg global_disable = { OPT_DISABLE,
	global_opt_get };

/* `set global dataplane auto|kernel|tun` (no FreeBSD counterpart). */
static int
global_set_dataplane(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	int mode;

	(void)arg;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if ((mode = dp_mode_parse(av[0])) < 0)
		return cmd_error(ctx, "Incorrect value \"%s\"", av[0]);
	dp_set_mode((enum dp_mode)mode);
	return CMD_OK;
}

const struct cmdtab ctl_global_set_cmds[] = {
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = global_opt_cmd, .arg = &global_enable, .priv = PRIV_ADMIN },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = global_opt_cmd, .arg = &global_disable, .priv = PRIV_ADMIN },
	{ .name = "startrule {num}", .desc = "Initial ipfw rule number",
	  .func = global_set_param, .arg = &gp_ids[GP_STARTRULE],
	  .priv = PRIV_ADMIN },
	{ .name = "startpipe {num}", .desc = "Initial ipfw pipe number",
	  .func = global_set_param, .arg = &gp_ids[GP_STARTPIPE],
	  .priv = PRIV_ADMIN },
	{ .name = "startqueue {num}", .desc = "Initial ipfw queue number",
	  .func = global_set_param, .arg = &gp_ids[GP_STARTQUEUE],
	  .priv = PRIV_ADMIN },
	{ .name = "starttable {num}", .desc = "Initial ipfw table number",
	  .func = global_set_param, .arg = &gp_ids[GP_STARTTABLE],
	  .priv = PRIV_ADMIN },
	{ .name = "l2tptimeout {sec}", .desc = "L2TP tunnel unused timeout",
	  .func = global_set_param, .arg = &gp_ids[GP_L2TPTIMEOUT],
	  .priv = PRIV_ADMIN },
	{ .name = "l2tplimit {num}", .desc = "Calls per L2TP tunnel limit",
	  .func = global_set_param, .arg = &gp_ids[GP_L2TPLIMIT],
	  .priv = PRIV_ADMIN },
	{ .name = "pptptimeout {sec}", .desc = "PPTP tunnel unused timeout",
	  .func = global_set_param, .arg = &gp_ids[GP_PPTPTIMEOUT],
	  .priv = PRIV_ADMIN },
	{ .name = "pptplimit {num}", .desc = "Calls per PPTP tunnel limit",
	  .func = global_set_param, .arg = &gp_ids[GP_PPTPLIMIT],
	  .priv = PRIV_ADMIN },
	{ .name = "dataplane auto|kernel|tun",
	  .desc = "Data plane of new bundles", .func = global_set_dataplane,
	  .priv = PRIV_ADMIN },
	{ .name = "max-children {num}", .desc = "Max number of children",
	  .func = global_set_param, .arg = &gp_ids[GP_MAXCHILDREN],
	  .priv = PRIV_ADMIN },
	{ .name = "qthreshold {min} {max}",
	  .desc = "Set queue size threshold",
	  .func = global_set_qthreshold, .priv = PRIV_ADMIN },
	{ .name = "filter {num} add|clear [{acl} {filter}]",
	  .desc = "Global traffic filters", .func = global_set_filter,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

int
ctl_show_global(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct global_filter *f;
	struct opt_set set = { .enable = g_global.options };
	int i;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "Global settings:\n");
	cmd_printf(ctx, "\tl2tptimeout\t: %d\n", g_global.l2tp_timeout);
	cmd_printf(ctx, "\tl2tplimit\t: %d\n", g_global.l2tp_limit);
	cmd_printf(ctx, "\tpptptimeout\t: %d\n", g_global.pptp_timeout);
	cmd_printf(ctx, "\tpptplimit\t: %d\n", g_global.pptp_limit);
	cmd_printf(ctx, "\tmax-children\t: %d\n", g_global.max_children);
	cmd_printf(ctx, "\tqthreshold\t: %d %d\n", g_global.qthresh_min,
	    g_global.qthresh_max);
	cmd_printf(ctx, "Global options:\n");
	opt_show(ctx, &set, global_opts);
	cmd_printf(ctx, "Global traffic filters:\n");
	for (i = 1; i <= GLOBAL_MAX_FILTERS; i++)
		for (f = g_global.filters[i]; f != NULL; f = f->next)
			cmd_printf(ctx, "\t%d#%d\t: '%s'\n", i, f->num,
			    f->rule);
	cmd_printf(ctx, "Global state:\n");
	cmd_printf(ctx, "\tchildren\t: %d\n", g_link_children);
	return CMD_OK;
}

/* ---- show version / layers ---- */

int
ctl_show_version(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	static const struct {
		const char *name, *value;
	} features[] = {
		{ "ipfw rules", "no" },
		{ "config fetch", "no" },
		{ "backtrace()", "yes" },
		{ "ng_bpf", "no" },
		{ "ng_car", "no" },
		{ "ng_deflate", "emulated" },	/* ppp/deflate.c */
		{ "ng_ipacct", "no" },
		{ "ng_mppc (MPPC)", "emulated" },	/* ppp/mppc.c */
		{ "ng_mppc (MPPE)", "emulated" },	/* ppp/mppe.c */
		{ "ng_nat", "no" },
		{ "nat redirect", "no" },
		{ "ng_netflow", "no" },
		{ "netflow v9", "no" },
		{ "ng_pred1", "emulated" },	/* ppp/pred1.c */
		{ "ng_tcpmss", "no" },
	};
	unsigned i;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "MPD version: %s\n", MPD_VERSION_STRING);
	cmd_printf(ctx, "  Available features:\n");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		cmd_printf(ctx, "\t%s\t: %s\n", features[i].name,
		    features[i].value);
	return CMD_OK;
}

struct layer {
	const char	*name;
	const char	*desc;
	bool		 bund;		/* admit Bund (else Link) */
	ctl_layer_fn	*fn;
};

static struct layer layers[] = {
	{ "iface", "System interface", true, NULL },
	{ "ipcp", "IPCP: IP control protocol", true, NULL },
	{ "ipv6cp", "IPV6CP: IPv6 control protocol", true, NULL },
	{ "ccp", "CCP: compression ctrl prot.", true, NULL },
	{ "ecp", "ECP: encryption ctrl prot.", true, NULL },
	{ "bund", "Multilink bundle", true, NULL },
	{ "link", "Link layer", false, NULL },
	{ "device", "Physical link layer", false, NULL },
};
#define NLAYERS	(sizeof(layers) / sizeof(layers[0]))

void
ctl_set_layer_hook(const char *layer, ctl_layer_fn *fn)
{
	unsigned i;

	for (i = 0; i < NLAYERS; i++)
		if (strcmp(layers[i].name, layer) == 0)
			layers[i].fn = fn;
}

int
ctl_show_layers(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	unsigned i;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "\tName\t\tDescription\n");
	cmd_printf(ctx, "\t----\t\t-----------\n");
	for (i = 0; i < NLAYERS; i++)
		cmd_printf(ctx, "\t%s\t\t%s\n", layers[i].name, layers[i].desc);
	return CMD_OK;
}

static int
ctl_open_close(struct cmd_ctx *ctx, int ac, char **av, bool open)
{
	struct layer *ly = NULL;
	unsigned i, n = 0;
	size_t len;

	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0) {
		ly = &layers[6];	/* link */
	} else {
		len = strlen(av[0]);
		for (i = 0; i < NLAYERS; i++)
			if (len > 0 && strncasecmp(av[0], layers[i].name,
			    len) == 0) {
				if (ly == NULL)
					ly = &layers[i];
				n++;
			}
		if (ly == NULL || n > 1) {
			log_printf(LG_ERR, "unknown layer \"%s\": try "
			    "\"show layers\"", av[0]);
			return CMD_ERR_USAGE;
		}
	}
	if (ly->bund ? ctx->bund == NULL : ctx->lnk == NULL)
		return CMD_ERR_CONTEXT;
	if (ly->bund ? ctx->bund->tmpl : ctx->lnk->tmpl)
		return cmd_error(ctx, "impossible to %s template",
		    open ? "open" : "close");
	if (ly->fn == NULL)
		return cmd_error(ctx, "layer \"%s\" can not be %s yet in this "
		    "release", ly->name, open ? "opened" : "closed");
	return ly->fn(ctx, open);
}

int
ctl_cmd_open(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	return ctl_open_close(ctx, ac, av, true);
}

int
ctl_cmd_close(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	return ctl_open_close(ctx, ac, av, false);
}

/* ---- context selection ---- */

/* Select bundle b the way `bundle X` does (section 4.0.3). */
static void
select_bund(struct cmd_ctx *ctx, struct bund *b)
{
	struct link *l = ctx->lnk;

	if (l == NULL || l->bund != b)
		l = b->n_links > 0 ? b->links[0] : NULL;
	cmd_ctx_set(ctx, l, b, NULL);
}

/*
 * The four "select by value" commands share one shape: without an
 * argument they list the present values, with one they select the owner
 * of that value (a bundle for iface/msession, a link for session/
 * authname) or clear the context and fail.
 */
struct selector {
	const char	*title;		/* "Present ifaces:" */
	const char	*what;		/* "iface" in the error text */
	bool		 bund;		/* values belong to bundles */
	/* The value of object i (NULL or "" when it has none). */
	const char	*(*key)(int i);
};

static const char *
key_iface(int i)
{
	const struct bund *b = g_bunds[i];

	return b != NULL && !b->tmpl ? b->iface.ifname : NULL;
}

static const char *
key_msession(int i)
{
	return g_bunds[i] != NULL ? g_bunds[i]->msession_id : NULL;
}

static const char *
key_session(int i)
{
	return g_links[i] != NULL ? g_links[i]->session_id : NULL;
}

static const char *
key_authname(int i)
{
	return g_links[i] != NULL ? g_links[i]->peer_authname : NULL;
}

static const struct selector sel_iface = { "Present ifaces:", "iface",
	true, key_iface };
static const struct selector sel_msession = { "Present msessions:",
	"msession", true, key_msession };
static const struct selector sel_session = { "Present sessions:",
	"session", false, key_session };
static const struct selector sel_authname = { "Present users:", "user",
	false, key_authname };

static int
ctl_select(struct cmd_ctx *ctx, const struct selector *sel, const char *val,
    bool ci)
{
	int i, n = sel->bund ? g_nbunds : g_nlinks;
	const char *k;

	if (val == NULL) {
		cmd_printf(ctx, "%s\n", sel->title);
		for (i = 1; i < n; i++) {
			if ((k = sel->key(i)) == NULL || *k == '\0')
				continue;
			if (sel == &sel_iface)
				cmd_printf(ctx, "\t%s\t%s\n", k,
				    g_bunds[i]->name);
			else
				cmd_printf(ctx, "\t%s\n", k);
		}
		return CMD_OK;
	}
	for (i = 1; i < n; i++) {
		if ((k = sel->key(i)) == NULL || *k == '\0')
			continue;
		if (ci ? strcasecmp(k, val) != 0 : strcmp(k, val) != 0)
			continue;
		if (sel->bund)
			select_bund(ctx, g_bunds[i]);
		else
			cmd_ctx_set(ctx, g_links[i], g_links[i]->bund, NULL);
		return CMD_OK;
	}
	cmd_ctx_set(ctx, NULL, NULL, NULL);
	return cmd_error(ctx, "%s \"%s\" is not found", sel->what, val);
}

int
ctl_cmd_iface(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	return ctl_select(ctx, &sel_iface, ac ? av[0] : NULL, false);
}

int
ctl_cmd_msession(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	return ctl_select(ctx, &sel_msession, ac ? av[0] : NULL, false);
}

int
ctl_cmd_session(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	return ctl_select(ctx, &sel_session, ac ? av[0] : NULL, false);
}

int
ctl_cmd_authname(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)a;
	if (ac > 2 || (ac == 2 && strcmp(av[1], "CI") != 0))
		return CMD_ERR_USAGE;
	return ctl_select(ctx, &sel_authname, ac ? av[0] : NULL, ac == 2);
}

/* ---- summary / sessions / customer ---- */

static void
summary_link(struct cmd_ctx *ctx, const struct link *l, bool first)
{
	char peer[64];

	phys_peer_addr(l, peer, sizeof(peer));
	if (!first)
		cmd_printf(ctx, "\t\t\t");
	cmd_printf(ctx, "%s\t%s\t%s\t%s\t%8s\t%s\n", l->name,
	    fsm_state_name(l->lcp_state), l->type ? l->type->name : "",
	    link_phys_state_name(l->state), l->peer_authname, peer);
}

int
ctl_show_summary(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b;
	const struct link *l;
	const struct rep *r;
	int i, k;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "Current daemon status summary\n");
	cmd_printf(ctx, "Iface\tBund\t\tLink\tLCP\tDevice\t\tUser\t\tFrom\n");
	for (i = 1; i < g_nbunds; i++) {
		b = g_bunds[i];
		if (b == NULL || b->tmpl)
			continue;
		cmd_printf(ctx, "%s\t%s\t%s\t", b->iface.ifname, b->name,
		    b->iface.up ? "Up" : "Down");
		if (b->n_links == 0)
			cmd_printf(ctx, "\n");
		for (k = 0; k < b->n_links; k++)
			summary_link(ctx, b->links[k], k == 0);
	}
	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->bund != NULL || l->rep != NULL)
			continue;
		cmd_printf(ctx, "\t\t\t");
		summary_link(ctx, l, true);
	}
	for (i = 1; i < g_nreps; i++) {
		char peer[64];

		r = g_reps[i];
		if (r == NULL)
			continue;
		cmd_printf(ctx, "Repeater\t%s\t", r->name);
		for (k = 0; k < 2; k++) {
			l = r->links[k];
			if (l == NULL)
				continue;
			phys_peer_addr(l, peer, sizeof(peer));
			cmd_printf(ctx, "%s%s\t\t%s\t%s\t\t%s\n",
			    k ? "\t\t\t" : "", l->name,
			    l->type ? l->type->name : "",
			    link_phys_state_name(l->state), peer);
		}
	}
	return CMD_OK;
}

int
ctl_show_sessions(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	static const char *const params[] = { "iface", "ip", "user",
	    "session", "msession", "bundle", "link", "peer", NULL };
	const struct link *l;
	const struct bund *b;
	char ip[INET_ADDRSTRLEN], peer[64], idbuf[16];
	int i, p = -1;

	(void)a;
	if (ac != 0 && ac != 2)
		return CMD_ERR_USAGE;
	if (ac == 2) {
		for (p = 0; params[p] != NULL; p++)
			if (strcmp(av[0], params[p]) == 0)
				break;
		if (params[p] == NULL)
			return CMD_ERR_USAGE;
	}
	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->session_id[0] == '\0' || l->bund == NULL)
			continue;
		b = l->bund;
		inet_ntop(AF_INET, &b->ipcp_peer, ip, sizeof(ip));
		phys_peer_addr(l, peer, sizeof(peer));
		snprintf(idbuf, sizeof(idbuf), "[%x]", l->id);
		if (p >= 0) {
			const char *v = av[1];
			bool m;

			switch (p) {
			case 0: m = strcmp(v, b->iface.ifname) == 0; break;
			case 1: m = strcmp(v, ip) == 0; break;
			case 2: m = strcmp(v, l->peer_authname) == 0; break;
			case 3: m = strcmp(v, l->session_id) == 0; break;
			case 4: m = strcmp(v, b->msession_id) == 0; break;
			case 5: m = strcmp(v, b->name) == 0; break;
			case 6: m = strcmp(v, l->name) == 0 ||
			    strcasecmp(v, idbuf) == 0; break;
			default: m = strcmp(v, peer) == 0; break;
			}
			if (!m)
				continue;
		}
		cmd_printf(ctx, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s",
		    b->iface.ifname, ip, b->name, b->msession_id, l->name,
		    l->id, l->session_id, l->peer_authname, peer);
		if (g_global.options & (1u << GLOBAL_OPT_AGENT_CID))
			cmd_printf(ctx, "\t%s", "");
		if (g_global.options & (1u << GLOBAL_OPT_SESSION_TIME))
			cmd_printf(ctx, "\t%ld", l->up_time ?
			    (long)(event_now_sec() - l->up_time) : 0L);
		cmd_printf(ctx, "\n");
	}
	return CMD_OK;
}

static void
customer_link(struct cmd_ctx *ctx, const struct link *l)
{
	char buf[64];

	cmd_printf(ctx, "Link %s:\n", l->name);
	cmd_printf(ctx, "\tDevice type     : %s\n", l->type ? l->type->name :
	    "");
	cmd_printf(ctx, "\tStatus          : %s/%s\n",
	    fsm_state_name(l->lcp_state), link_phys_state_name(l->state));
	cmd_printf(ctx, "\tSession Id      : %s\n", l->session_id);
	cmd_printf(ctx, "\tPeer ident      : %s\n", l->peer_ident);
	if (l->up_time)
		cmd_printf(ctx, "\tSession time    : %ld seconds\n",
		    (long)(event_now_sec() - l->up_time));
	phys_peer_addr(l, buf, sizeof(buf));
	cmd_printf(ctx, "\tPeer addr (name): %s\n", buf);
	phys_calling_num(l, buf, sizeof(buf));
	cmd_printf(ctx, "\tCalling         : %s\n", buf);
	phys_called_num(l, buf, sizeof(buf));
	cmd_printf(ctx, "\tCalled          : %s\n", buf);
}

int
ctl_show_customer(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	int k;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	if (b != NULL) {
		cmd_printf(ctx, "Interface:\n");
		cmd_printf(ctx, "\tName            : %s\n", b->iface.ifname);
		cmd_printf(ctx, "\tStatus          : %s\n",
		    b->iface.up ? (b->iface.dod ? "DoD" : "UP") : "DOWN");
		cmd_printf(ctx, "Bundle %s%s:\n", b->name, b->tmpl ?
		    " (template)" : (b->stay ? " (static)" : ""));
		cmd_printf(ctx, "\tStatus          : %s\n", b->open ? "OPEN" :
		    "CLOSED");
		cmd_printf(ctx, "\tMulti Session Id: %s\n", b->msession_id);
		cmd_printf(ctx, "\tPeer authname   : \"%s\"\n",
		    b->peer_authname);
		for (k = 0; k < b->n_links; k++)
			customer_link(ctx, b->links[k]);
	} else if (ctx->lnk != NULL) {
		customer_link(ctx, ctx->lnk);
	}
	return CMD_OK;
}

/* ---- show routes: the kernel's IPv4 table, netstat-like ---- */

int
ctl_show_routes(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	char line[256], ifn[32], dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	unsigned int d, g, flags, mask;
	struct in_addr in;
	FILE *f;
	int width;

	(void)av;
	(void)a;
	if (ac != 0)
		return CMD_ERR_USAGE;
	f = fopen("/proc/net/route", "r");
	if (f == NULL)
		return cmd_error(ctx, "can't read the routing table");
	cmd_printf(ctx, "Routing tables\n\nInternet:\n");
	cmd_printf(ctx, "%-20s %-18s %-6s %s\n", "Destination", "Gateway",
	    "Flags", "Netif");
	while (fgets(line, sizeof(line), f) != NULL) {
		char flagstr[8];
		int fo = 0;

		if (sscanf(line, "%31s %x %x %x %*d %*d %*d %x", ifn, &d, &g,
		    &flags, &mask) != 5)
			continue;
		in.s_addr = d;
		inet_ntop(AF_INET, &in, dst, sizeof(dst));
		in.s_addr = g;
		inet_ntop(AF_INET, &in, gw, sizeof(gw));
		for (width = 0; mask != 0; mask &= mask - 1)
			width++;
		if (flags & 0x1)
			flagstr[fo++] = 'U';
		if (flags & 0x2)
			flagstr[fo++] = 'G';
		if (flags & 0x4)
			flagstr[fo++] = 'H';
		flagstr[fo] = '\0';
		if (d == 0 && width == 0)
			snprintf(line, sizeof(line), "default");
		else
			snprintf(line, sizeof(line), "%s/%d", dst, width);
		cmd_printf(ctx, "%-20s %-18s %-6s %s\n", line,
		    g ? gw : "link#", flagstr, ifn);
	}
	fclose(f);
	return CMD_OK;
}
