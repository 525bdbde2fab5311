/*
 * auth.c - per-link authentication settings: defaults, `set auth ...` and
 * `show auth` (surface spec 4.5.2, 5.7).
 *
 * The settings live in struct auth_conf inside each link (ppp/link.h).
 * `max-logins` is daemon-wide, as in mpd5: the last command wins, whatever
 * link is selected (spec 13 #3).  The PAP/CHAP/EAP protocols and the
 * backends run in auth_run.c, pap.c, chap.c and eap.c; `show auth` prints
 * their per-session data ("Auth Data") from auth_result().
 */
#include "auth.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/util.h"
#include "../ppp/link.h"

#define AUTH_DEFAULT_TIMEOUT	40

int	g_auth_max_logins;	/* 0 = unlimited */
int	g_auth_max_logins_ci;	/* compare names case-insensitively */

/*
 * The auth options in `show auth` order.  mpd5 lists "opie" only when
 * built with OPIE; the Linux build has no OPIE (spec 4.5.2), so neither
 * the name nor the line exists here.
 */
static const struct opt_def auth_opts[] = {
	{ "radius-auth", AUTH_OPT_RADIUS_AUTH, false },
	{ "radius-acct", AUTH_OPT_RADIUS_ACCT, false },
	{ "internal", AUTH_OPT_INTERNAL, false },
	{ "ext-auth", AUTH_OPT_EXT_AUTH, false },
	{ "ext-acct", AUTH_OPT_EXT_ACCT, false },
	{ "system-auth", AUTH_OPT_SYSTEM_AUTH, false },
	{ "system-acct", AUTH_OPT_SYSTEM_ACCT, false },
	{ "pam-auth", AUTH_OPT_PAM_AUTH, false },
	{ "pam-acct", AUTH_OPT_PAM_ACCT, false },
	{ "acct-mandatory", AUTH_OPT_ACCT_MANDATORY, false },
	{ NULL, 0, false },
};

/*
 * Reset c to mpd5's defaults: the mpd.secret backend on, accounting
 * failures fatal, a 40 second authentication timer.
 */
void
auth_conf_defaults(struct auth_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout = AUTH_DEFAULT_TIMEOUT;
	c->options.enable = 1u << AUTH_OPT_INTERNAL |
	    1u << AUTH_OPT_ACCT_MANDATORY;
}

enum auth_set {
	AUTH_SET_AUTHNAME, AUTH_SET_PASSWORD, AUTH_SET_EXTAUTH,
	AUTH_SET_EXTACCT, AUTH_SET_MAX_LOGINS, AUTH_SET_ACCT_UPDATE,
	AUTH_SET_LIMIT_IN, AUTH_SET_LIMIT_OUT, AUTH_SET_TIMEOUT,
};

/*
 * The value settings of `set auth`.  Every one needs at least one word
 * (mpd5 answers a bare `set auth authname` with the usage line).  Numbers
 * are read as mpd5 reads them (atoi).
 */
static int
auth_set(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const enum auth_set *which = arg;
	struct auth_conf *c = &ctx->lnk->auth;
	int val;

	if (ac == 0)
		return CMD_ERR_USAGE;
	switch (*which) {
	case AUTH_SET_AUTHNAME:
		util_strlcpy(c->authname, av[0], sizeof(c->authname));
		break;
	case AUTH_SET_PASSWORD:
		util_strlcpy(c->password, av[0], sizeof(c->password));
		break;
	case AUTH_SET_EXTAUTH:
		util_strlcpy(c->extauth_script, av[0],
		    sizeof(c->extauth_script));
		break;
	case AUTH_SET_EXTACCT:
		util_strlcpy(c->extacct_script, av[0],
		    sizeof(c->extacct_script));
		break;
	case AUTH_SET_MAX_LOGINS:
		g_auth_max_logins = atoi(av[0]);
		g_auth_max_logins_ci = ac >= 2 && strcasecmp(av[1], "ci") == 0;
		break;
	case AUTH_SET_ACCT_UPDATE:
		val = atoi(av[0]);
		if (val < 0)
			return cmd_error(ctx,
			    "Update interval must be positive.");
		c->acct_update = val;
		break;
	case AUTH_SET_LIMIT_IN:
	case AUTH_SET_LIMIT_OUT:
		val = atoi(av[0]);
		if (val < 0)
			return cmd_error(ctx,
			    "Update suppression limit must be positive.");
		if (*which == AUTH_SET_LIMIT_IN)
			c->acct_update_lim_recv = (uint64_t)val;
		else
			c->acct_update_lim_xmit = (uint64_t)val;
		break;
	case AUTH_SET_TIMEOUT:
		val = atoi(av[0]);
		if (val <= 20)
			return cmd_error(ctx,
			    "Authorization timeout must be greater then 20.");
		c->timeout = val;
		break;
	}
	return CMD_OK;
}

static struct opt_set *
auth_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = auth_opts;
	return ctx->lnk != NULL ? &ctx->lnk->auth.options : NULL;
}

static const enum auth_set auth_arg_authname = AUTH_SET_AUTHNAME;
static const enum auth_set auth_arg_password = AUTH_SET_PASSWORD;
static const enum auth_set auth_arg_extauth = AUTH_SET_EXTAUTH;
static const enum auth_set auth_arg_extacct = AUTH_SET_EXTACCT;
static const enum auth_set auth_arg_max_logins = AUTH_SET_MAX_LOGINS;
static const enum auth_set auth_arg_acct_update = AUTH_SET_ACCT_UPDATE;
static const enum auth_set auth_arg_limit_in = AUTH_SET_LIMIT_IN;
static const enum auth_set auth_arg_limit_out = AUTH_SET_LIMIT_OUT;
static const enum auth_set auth_arg_timeout = AUTH_SET_TIMEOUT;
static const struct opt_cmd_arg auth_arg_accept = { OPT_ACCEPT, auth_opt_get };
static const struct opt_cmd_arg auth_arg_deny = { OPT_DENY, auth_opt_get };
static const struct opt_cmd_arg auth_arg_enable = { OPT_ENABLE, auth_opt_get };
static const struct opt_cmd_arg auth_arg_disable = { OPT_DISABLE,
	auth_opt_get };
static const struct opt_cmd_arg auth_arg_yes = { OPT_YES, auth_opt_get };
static const struct opt_cmd_arg auth_arg_no = { OPT_NO, auth_opt_get };

const struct cmdtab auth_set_cmds[] = {
	{ .name = "max-logins {num} [CI]", .desc = "Max concurrent logins",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_max_logins },
	{ .name = "authname {name}", .desc = "Authentication name",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_authname },
	{ .name = "password {pass}", .desc = "Authentication password",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_password },
	{ .name = "extauth-script {script}", .desc = "Authentication script",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_extauth },
	{ .name = "extacct-script {script}", .desc = "Accounting script",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_extacct },
	{ .name = "acct-update {seconds}", .desc = "set update interval",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_acct_update },
	{ .name = "update-limit-in {bytes}",
	  .desc = "set update suppresion limit",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_limit_in },
	{ .name = "update-limit-out {bytes}",
	  .desc = "set update suppresion limit",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_limit_out },
	{ .name = "timeout {seconds}", .desc = "set auth timeout",
	  .func = auth_set, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_timeout },
	{ .name = "accept [opt ...]", .desc = "Accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_accept },
	{ .name = "deny [opt ...]", .desc = "Deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_deny },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_disable },
	{ .name = "yes [opt ...]", .desc = "Enable and accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_yes },
	{ .name = "no [opt ...]", .desc = "Disable and deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &auth_arg_no },
	{ .name = NULL },
};

/*
 * `show auth`: the link's auth configuration, then the data of the
 * current session (spec 5.7) from auth_result(): what the backends
 * returned for the peer's login, cleared when the link goes down.  The
 * two MPPE labels are swapped on purpose, as in mpd5 (spec 13 #7); the
 * policy and types come from RADIUS only, so they keep their defaults.
 */
int
auth_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct link *l = ctx->lnk;
	const struct auth_conf *c;
	const struct auth_data *d;
	char buf[INET6_ADDRSTRLEN + 8], buf2[INET6_ADDRSTRLEN + 8];
	int i;

	if (l == NULL)
		return CMD_ERR_CONTEXT;
	c = &l->auth;
	cmd_printf(ctx, "Configuration:\n");
	cmd_printf(ctx, "\tMy authname     : %s\n", c->authname);
	cmd_printf(ctx, "\tMax-Logins      : %d%s\n", g_auth_max_logins,
	    g_auth_max_logins_ci ? " CI" : "");
	cmd_printf(ctx, "\tAcct Update     : %d\n", c->acct_update);
	cmd_printf(ctx, "\t   Limit In     : %llu\n",
	    (unsigned long long)c->acct_update_lim_recv);
	cmd_printf(ctx, "\t   Limit Out    : %llu\n",
	    (unsigned long long)c->acct_update_lim_xmit);
	cmd_printf(ctx, "\tAuth timeout    : %d\n", c->timeout);
	cmd_printf(ctx, "\tExtAuth script  : %s\n", c->extauth_script);
	cmd_printf(ctx, "\tExtAcct script  : %s\n", c->extacct_script);
	cmd_printf(ctx, "Auth options\n");
	opt_show(ctx, &c->options, auth_opts);

	d = auth_result(l);
	cmd_printf(ctx, "Auth Data\n");
	cmd_printf(ctx, "\tPeer authname   : %s\n", d->authname);
	cmd_printf(ctx, "\tInterface name  : %s\n", d->iface_name);
	cmd_printf(ctx, "\tInterface descr.: \"%s\"\n",
	    d->iface_descr[0] != '\0' ? d->iface_descr : "<none>");
	cmd_printf(ctx, "\tInterface group : %s\n", d->iface_group);
	cmd_printf(ctx, "\tIP range        : %s\n", d->have_range ?
	    u_range_print(&d->range, buf, sizeof(buf)) : "");
	cmd_printf(ctx, "\tIP pool         : %s\n", d->pool);
	cmd_printf(ctx, "\tDNS             : %s %s\n",
	    inet_ntop(AF_INET, &d->dns[0], buf, sizeof(buf)),
	    inet_ntop(AF_INET, &d->dns[1], buf2, sizeof(buf2)));
	cmd_printf(ctx, "\tNBNS            : %s %s\n",
	    inet_ntop(AF_INET, &d->nbns[0], buf, sizeof(buf)),
	    inet_ntop(AF_INET, &d->nbns[1], buf2, sizeof(buf2)));
	cmd_printf(ctx, "\tVJ Compression  : %s\n", d->vjcomp ? "yes" : "no");
	cmd_printf(ctx, "\tMTU             : %d\n", d->mtu);
	cmd_printf(ctx, "\tSession-Timeout : %d\n", d->session_timeout);
	cmd_printf(ctx, "\tIdle-Timeout    : %d\n", d->idle_timeout);
	cmd_printf(ctx, "\tAcct-Update     : %d\n", d->acct_update);
	cmd_printf(ctx, "\tRoutes          :\n");
	/* mpd5 keeps AAA routes newest first */
	for (i = d->nroutes - 1; i >= 0; i--)
		cmd_printf(ctx, "\t\t%s\n",
		    u_range_print(&d->routes[i], buf, sizeof(buf)));
	cmd_printf(ctx, "\tIPFW rules      :\n");
	cmd_printf(ctx, "\tIPFW pipes      :\n");
	cmd_printf(ctx, "\tIPFW queues     :\n");
	cmd_printf(ctx, "\tIPFW tables     :\n");
	cmd_printf(ctx, "\tTraffic filters :\n");
	cmd_printf(ctx, "\tTraffic limits  :\n");
	cmd_printf(ctx, "\tMS-Domain       : %s\n", d->ms_domain);
	/* mpd5 swaps the two labels (spec 5.7) */
	cmd_printf(ctx, "\tMPPE Types      : %s\n", d->mppe_policy == 1 ?
	    "Allowed" : d->mppe_policy == 2 ? "Required" : "Not available");
	if (d->mppe_types == 0)
		cmd_printf(ctx, "\tMPPE Policy     : %s\n",
		    "no encryption required");
	else
		cmd_printf(ctx, "\tMPPE Policy     : %s%s%sbit\n",
		    d->mppe_types & 1 ? "40 " : "",
		    d->mppe_types & 4 ? "56 " : "",
		    d->mppe_types & 2 ? "128 " : "");
	cmd_printf(ctx, "\tMPPE Keys       : %s\n", d->mppe_keys ? "yes" : "no");
	return CMD_OK;
}
