/*
 * iface.c - interface layer configuration of a bundle.
 *
 * Provides the `set iface` family (addrs, route, mtu, name, description,
 * group, up-script, down-script, idle, session, enable/disable) and
 * `show iface`, as listed in surface spec 4.4.2 and 5.2 and in the
 * "Interface layer" chapter of the mpd5 manual.  The kernel side (creating
 * and renaming the ngN device, addresses, routes, running the scripts)
 * belongs to src/sys and arrives with the data plane; this file only keeps
 * the settings and the state the other layers record in struct iface_state.
 *
 * All functions run on the event-loop thread.
 */
#include "iface.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/event.h"
#include "../core/mem.h"
#include "../dp/dp.h"
#include "../link/devices.h"
#include "bund.h"
#include "link.h"

/* Option list in mpd5's `show iface` order. */
static const struct opt_def iface_opts[] = {
	{ "on-demand",		IFACE_OPT_ONDEMAND,	false },
	{ "proxy-arp",		IFACE_OPT_PROXY_ARP,	false },
	{ "keep-timeout",	IFACE_OPT_KEEP_TIMEOUT,	false },
	{ "tcpmssfix",		IFACE_OPT_TCPMSSFIX,	false },
	{ "tee",		IFACE_OPT_TEE,		false },
	{ "nat",		IFACE_OPT_NAT,		false },
	{ "netflow-in",		IFACE_OPT_NETFLOW_IN,	false },
	{ "netflow-out",	IFACE_OPT_NETFLOW_OUT,	false },
	{ "netflow-once",	IFACE_OPT_NETFLOW_ONCE,	false },
	{ "ipacct",		IFACE_OPT_IPACCT,	false },
	{ NULL, 0, false },
};

/* ---- configuration life cycle ---- */

void
iface_conf_defaults(struct iface_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_mtu = IFACE_DEFAULT_MTU;
}

void
iface_conf_copy(struct iface_conf *dst, const struct iface_conf *src)
{
	const struct iface_route *r;
	struct iface_route **tail;

	*dst = *src;
	dst->descr = mem_strdup("iface", src->descr);
	dst->up_script = mem_strdup("iface", src->up_script);
	dst->down_script = mem_strdup("iface", src->down_script);
	dst->routes = NULL;
	tail = &dst->routes;
	for (r = src->routes; r != NULL; r = r->next) {
		*tail = mem_alloc("iface", sizeof(**tail));
		(*tail)->dest = r->dest;
		tail = &(*tail)->next;
	}
}

void
iface_conf_inst(struct iface_conf *c, int index)
{
	char buf[IFNAMSIZ + 16];

	if (c->name[0] == '\0')
		return;
	/* `set iface name` kept template names short enough for this. */
	snprintf(buf, sizeof(buf), "%s%d", c->name, index);
	util_strlcpy(c->name, buf, sizeof(c->name));
}

void
iface_conf_free(struct iface_conf *c)
{
	struct iface_route *r;

	mem_free(c->descr);
	mem_free(c->up_script);
	mem_free(c->down_script);
	c->descr = c->up_script = c->down_script = NULL;
	while ((r = c->routes) != NULL) {
		c->routes = r->next;
		mem_free(r);
	}
}

/* ---- description templates ---- */

static const char *
iface_status_name(const struct iface_state *st)
{
	if (!st->up)
		return "DOWN";
	return st->dod ? "DoD" : "UP";
}

static const struct link *
iface_first_link(const struct bund *b)
{
	int i;

	for (i = 0; i < MAX_LINKS_PER_BUND; i++)
		if (b->links[i] != NULL)
			return b->links[i];
	return NULL;
}

/* Append s to buf[*pos..len), keeping it terminated. */
static void
iface_put(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + 1 >= len)
		return;
	if (n > len - 1 - *pos)
		n = len - 1 - *pos;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
}

char *
iface_descr_expand(const struct bund *b, const char *tmpl, char *buf,
    size_t len)
{
	const struct iface_state *st = &b->iface;
	const struct link *l = iface_first_link(b);
	char val[128], one[3];
	const char *p;
	size_t pos = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (p = tmpl; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			one[0] = *p;
			one[1] = '\0';
			iface_put(buf, len, &pos, one);
			continue;
		}
		p++;
		snprintf(val, sizeof(val), "-");
		switch (*p) {
		case '%':
			snprintf(val, sizeof(val), "%%");
			break;
		case 'a':	/* local address */
			if (st->ip_up)
				u_addr_print(&st->self_addr.addr, val,
				    sizeof(val));
			break;
		case 'A':	/* peer address */
			if (st->ip_up)
				u_addr_print(&st->peer_addr, val, sizeof(val));
			break;
		case 'i':	/* system interface index */
			snprintf(val, sizeof(val), "%u",
			    st->ifname[0] ? if_nametoindex(st->ifname) : 0);
			break;
		case 'I':
			snprintf(val, sizeof(val), "%s", st->ifname);
			break;
		case 'l':
			if (l != NULL)
				snprintf(val, sizeof(val), "%s", l->name);
			break;
		case 'M':	/* peer MAC: only PPPoE knows one */
			if (l != NULL && l->type != NULL &&
			    strcmp(l->type->name, "pppoe") == 0)
				phys_peer_addr(l, val, sizeof(val));
			break;
		case 'O':	/* peer outer address */
			if (l != NULL)
				phys_peer_addr(l, val, sizeof(val));
			break;
		case 'o':	/* local outer address, peer port: */
		case 'P':	/* not exported by the device types yet */
			break;
		case 'S':
			snprintf(val, sizeof(val), "%s",
			    iface_status_name(st));
			break;
		case 't':
			if (l != NULL && l->type != NULL)
				snprintf(val, sizeof(val), "%s",
				    l->type->name);
			break;
		case 'u':
			if (l != NULL && l->auth.authname[0] != '\0')
				snprintf(val, sizeof(val), "%s",
				    l->auth.authname);
			break;
		case 'U':
			if (b->peer_authname[0] != '\0')
				snprintf(val, sizeof(val), "%s",
				    b->peer_authname);
			break;
		default:	/* unknown escape: keep it as written */
			snprintf(val, sizeof(val), "%%%c", *p);
			break;
		}
		if (val[0] == '\0')
			snprintf(val, sizeof(val), "-");
		iface_put(buf, len, &pos, val);
	}
	return buf;
}

/* ---- set iface ---- */

static struct iface_conf *
iface_conf_of(struct cmd_ctx *ctx)
{
	return &ctx->bund->iface_conf;
}

/* set iface addrs [!]self[/width] [!]peer */
static int
iface_cmd_addrs(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);
	struct u_range self;
	struct u_addr peer;
	bool self_force = false, peer_force = false;
	const char *s, *p;

	(void)arg;
	if (ac != 2)
		return CMD_ERR_USAGE;
	s = av[0];
	p = av[1];
	if (*s == '!') {
		self_force = true;
		s++;
	}
	if (*p == '!') {
		peer_force = true;
		p++;
	}
	if (u_range_parse(s, AF_UNSPEC, &self) < 0)
		return cmd_error(ctx, "Bad IP address \"%s\"", av[0]);
	if (u_addr_parse(p, AF_UNSPEC, &peer) < 0)
		return cmd_error(ctx, "Bad IP address \"%s\"", av[1]);
	if (self.addr.family != peer.family)
		return cmd_error(ctx,
		    "Addresses must be from the same protocol family");
	if (peer.family == AF_INET) {
		c->self_addr = self;
		c->peer_addr.addr = peer;
		c->peer_addr.width = 32;
		c->self_addr_force = self_force;
		c->peer_addr_force = peer_force;
	} else {
		c->self_ipv6 = self.addr;
		c->peer_ipv6 = peer;
		c->self_ipv6_force = self_force;
		c->peer_ipv6_force = peer_force;
	}
	return CMD_OK;
}

/* set iface route dest[/width] | default */
static int
iface_cmd_route(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);
	struct iface_route *r;
	struct u_range dest;

	(void)arg;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if (strcasecmp(av[0], "default") == 0) {
		memset(&dest, 0, sizeof(dest));
		dest.addr.family = AF_INET;
	} else if (u_range_parse(av[0], AF_UNSPEC, &dest) < 0) {
		return cmd_error(ctx, "Bad route dest address \"%s\"", av[0]);
	}
	/* Newest first, as mpd5 lists them; routes cannot be removed. */
	r = mem_alloc("iface", sizeof(*r));
	r->dest = dest;
	r->next = c->routes;
	c->routes = r;
	return CMD_OK;
}

/* set iface mtu size [override] */
static int
iface_cmd_mtu(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);
	bool override = false;
	int mtu;

	(void)arg;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	mtu = atoi(av[0]);
	if (ac == 2 && av[1][0] != '\0') {
		if (strcmp(av[1], "override") != 0)
			return cmd_error(ctx, "Invalid keyword %s", av[1]);
		override = true;
	}
	/* "0 override" clears the override; 0 is not a maximum MTU. */
	if ((mtu < IFACE_MIN_MTU || mtu > IFACE_MAX_MTU) &&
	    !(override && mtu == 0))
		return cmd_error(ctx, "Invalid interface mtu %d", mtu);
	if (override)
		c->mtu_override = mtu;
	else
		c->max_mtu = mtu;
	return CMD_OK;
}

/* set iface name [name] */
static int
iface_cmd_name(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct bund *b = ctx->bund;
	struct iface_conf *c = &b->iface_conf;
	size_t maxlen = IFNAMSIZ - (b->tmpl ? IFACE_INDEX_LEN : 0);
	const char *n;

	(void)arg;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0 || av[0][0] == '\0') {
		/* Back to the original ngN name. */
		c->name[0] = '\0';
		if (!b->tmpl && b->iface.ngname[0] != '\0') {
			util_strlcpy(b->iface.ifname, b->iface.ngname,
			    sizeof(b->iface.ifname));
			(void)iface_rename(b);
		}
		return CMD_OK;
	}
	n = av[0];
	if (strlen(n) >= maxlen)
		return cmd_error(ctx, "Interface name too long, >%d characters",
		    (int)maxlen - 1);
	/* ngN belongs to the daemon; a template's "ng" would become ngN. */
	if (strncmp(n, "ng", 2) == 0 &&
	    ((b->tmpl && n[2] == '\0') || isdigit((unsigned char)n[2])))
		return cmd_error(ctx, "This interface name is reserved");
	util_strlcpy(c->name, n, sizeof(c->name));
	/*
	 * A real bundle's interface takes the name at once; the kernel
	 * device follows while it is down (iface_rename()).
	 */
	if (!b->tmpl) {
		util_strlcpy(b->iface.ifname, n, sizeof(b->iface.ifname));
		(void)iface_rename(b);
	}
	return CMD_OK;
}

/* set iface description [template] */
static int
iface_cmd_descr(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);

	(void)arg;
	if (ac > 1)
		return CMD_ERR_USAGE;
	mem_free(c->descr);
	c->descr = NULL;
	if (ac == 1 && av[0][0] != '\0')
		c->descr = mem_strdup("iface", av[0]);
	if (!ctx->bund->tmpl)
		iface_conf_changed(ctx->bund);
	return CMD_OK;
}

/* set iface group [group] */
static int
iface_cmd_group(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);
	size_t n;

	(void)arg;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0 || av[0][0] == '\0') {
		c->group[0] = '\0';
		if (!ctx->bund->tmpl)
			iface_conf_changed(ctx->bund);
		return CMD_OK;
	}
	n = strlen(av[0]);
	if (n >= sizeof(c->group))
		return cmd_error(ctx, "Group name %s too long", av[0]);
	/* Group names ending in a digit would look like interface names. */
	if (isdigit((unsigned char)av[0][n - 1]))
		return cmd_error(ctx,
		    "Group name %s may not end with a digit", av[0]);
	util_strlcpy(c->group, av[0], sizeof(c->group));
	if (!ctx->bund->tmpl)
		iface_conf_changed(ctx->bund);
	return CMD_OK;
}

/* set iface up-script|down-script [prog]; arg selects the field. */
static int
iface_cmd_script(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);
	char **field = arg != NULL ? &c->down_script : &c->up_script;

	if (ac > 1)
		return CMD_ERR_USAGE;
	mem_free(*field);
	*field = NULL;
	if (ac == 1 && av[0][0] != '\0')
		*field = mem_strdup("iface", av[0]);
	return CMD_OK;
}

/* set iface idle|session seconds; arg selects the field. */
static int
iface_cmd_timeout(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct iface_conf *c = iface_conf_of(ctx);

	if (ac == 0)
		return CMD_ERR_USAGE;
	/* mpd5 takes the number as atoi() reads it, extra words ignored. */
	if (arg != NULL)
		c->session_timeout = atoi(av[0]);
	else
		c->idle_timeout = atoi(av[0]);
	return CMD_OK;
}

static struct opt_set *
iface_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = iface_opts;
	return ctx->bund != NULL ? &ctx->bund->iface_conf.options : NULL;
}

static const struct opt_cmd_arg iface_enable = { OPT_ENABLE, iface_opt_get };
static const struct opt_cmd_arg iface_disable = { OPT_DISABLE, iface_opt_get };

/* Any non-NULL pointer: selects the second field of a shared handler. */
static const int iface_second = 1;

const struct cmdtab iface_set_cmds[] = {
	{ .name = "addrs {self} {peer}", .desc = "Set interface addresses",
	  .func = iface_cmd_addrs, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "route {dest}[/{width}]", .desc = "Add IP route",
	  .func = iface_cmd_route, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "mtu {size} [override]",
	  .desc = "Set max allowed or override interface MTU",
	  .func = iface_cmd_mtu, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "name [{name}]", .desc = "Set interface name",
	  .func = iface_cmd_name, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "description [{descr}]",
	  .desc = "Set interface description",
	  .func = iface_cmd_descr, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "group [{group}]", .desc = "Set interface group",
	  .func = iface_cmd_group, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "up-script [{progname}]", .desc = "Interface up script",
	  .func = iface_cmd_script, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "down-script [{progname}]",
	  .desc = "Interface down script",
	  .func = iface_cmd_script, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &iface_second },
	{ .name = "idle {seconds}", .desc = "Idle timeout",
	  .func = iface_cmd_timeout, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "session {seconds}", .desc = "Session timeout",
	  .func = iface_cmd_timeout, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &iface_second },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &iface_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &iface_disable },
	{ .name = NULL },
};

/* ---- show iface ---- */

int
iface_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct bund *b = ctx->bund;
	const struct iface_conf *c = &b->iface_conf;
	const struct iface_state *st = &b->iface;
	const struct iface_route *r;
	char buf[INET6_ADDRSTRLEN + 8], descr[256];
	int idle, sess;

	(void)ac;
	(void)av;
	(void)a;
	/* The interface description is the expanded template. */
	if (c->descr != NULL && !b->tmpl)
		iface_descr_expand(b, c->descr, descr, sizeof(descr));
	else
		snprintf(descr, sizeof(descr), "<none>");

	cmd_printf(ctx, "Interface configuration:\n");
	cmd_printf(ctx, "\tName            : %s\n", c->name);
	cmd_printf(ctx, "\tDescription     : \"%s\"\n", descr);
	cmd_printf(ctx, "\tGroup           : %s\n", c->group);
	cmd_printf(ctx, "\tMaximum MTU     : %d bytes\n", c->max_mtu);
	cmd_printf(ctx, "\tMTU override    : %d bytes\n", c->mtu_override);
	cmd_printf(ctx, "\tIdle timeout    : %d seconds\n", c->idle_timeout);
	cmd_printf(ctx, "\tSession timeout : %d seconds\n",
	    c->session_timeout);
	if (!u_addr_empty(&c->self_addr.addr)) {
		cmd_printf(ctx, "\tIP Addresses    : %s%s -> ",
		    c->self_addr_force ? "!" : "",
		    u_range_print(&c->self_addr, buf, sizeof(buf)));
		cmd_printf(ctx, "%s%s\n", c->peer_addr_force ? "!" : "",
		    u_addr_print(&c->peer_addr.addr, buf, sizeof(buf)));
	}
	if (!u_addr_empty(&c->self_ipv6)) {
		cmd_printf(ctx, "\tIPv6 Addresses  : %s%s%%%s -> ",
		    c->self_ipv6_force ? "!" : "",
		    u_addr_print(&c->self_ipv6, buf, sizeof(buf)), st->ifname);
		cmd_printf(ctx, "%s%s%%%s\n", c->peer_ipv6_force ? "!" : "",
		    u_addr_print(&c->peer_ipv6, buf, sizeof(buf)), st->ifname);
	}
	cmd_printf(ctx, "\tEvent scripts\n");
	cmd_printf(ctx, "\t  up-script     : \"%s\"\n",
	    c->up_script != NULL ? c->up_script : "<none>");
	cmd_printf(ctx, "\t  down-script   : \"%s\"\n",
	    c->down_script != NULL ? c->down_script : "<none>");
	cmd_printf(ctx, "Interface options:\n");
	opt_show(ctx, &c->options, iface_opts);
	if (c->routes != NULL) {
		cmd_printf(ctx, "Static routes via peer:\n");
		for (r = c->routes; r != NULL; r = r->next)
			cmd_printf(ctx, "\t%s\n",
			    u_range_print(&r->dest, buf, sizeof(buf)));
	}

	cmd_printf(ctx, "Interface status:\n");
	cmd_printf(ctx, "\tAdmin status    : %s\n",
	    st->open ? "OPEN" : "CLOSED");
	cmd_printf(ctx, "\tStatus          : %s\n", iface_status_name(st));
	cmd_printf(ctx, "\tName            : %s\n", st->ifname);
	cmd_printf(ctx, "\tDescription     : \"%s\"\n", descr);
	if (b->dp != NULL)
		cmd_printf(ctx, "\tData plane      : %s (%s)\n", b->dp->name,
		    b->dp_why);
	if (st->up) {
		/* AAA-supplied timeouts win over the configured ones. */
		idle = st->aaa_idle ? st->aaa_idle : c->idle_timeout;
		sess = st->aaa_session ? st->aaa_session : c->session_timeout;
		cmd_printf(ctx, "\tSession time    : %ld seconds\n",
		    (long)(event_now_sec() - st->up_time));
		if (idle != 0)
			cmd_printf(ctx, "\tIdle timeout    : %d seconds\n",
			    idle);
		if (sess != 0)
			cmd_printf(ctx, "\tSession timeout : %d seconds\n",
			    sess);
		cmd_printf(ctx, "\tMTU             : %d bytes\n", st->mtu);
	}
	if (st->ip_up && !u_addr_empty(&st->self_addr.addr)) {
		cmd_printf(ctx, "\tIP Addresses    : %s -> ",
		    u_range_print(&st->self_addr, buf, sizeof(buf)));
		cmd_printf(ctx, "%s\n",
		    u_addr_print(&st->peer_addr, buf, sizeof(buf)));
	}
	if (st->ipv6_up && !u_addr_empty(&st->self_ipv6)) {
		cmd_printf(ctx, "\tIPv6 Addresses  : %s%%%s -> ",
		    u_addr_print(&st->self_ipv6, buf, sizeof(buf)),
		    st->ifname);
		cmd_printf(ctx, "%s%%%s\n",
		    u_addr_print(&st->peer_ipv6, buf, sizeof(buf)),
		    st->ifname);
	}
	if (st->up) {
		/* Routes from the AAA result (RADIUS, ext-auth). */
		cmd_printf(ctx, "Dynamic routes via peer:\n");
		iface_show_aaa_routes(ctx, b);
		/*
		 * The per-session ACL sections (RADIUS mpd-rule/pipe/queue/
		 * table/filter/limit, spec 9.4) keep mpd5's headings so that
		 * scripts reading this screen find them; they list nothing
		 * until those attributes are supported.
		 */
		cmd_printf(ctx, "IPFW pipes:\n");
		cmd_printf(ctx, "IPFW queues:\n");
		cmd_printf(ctx, "IPFW tables:\n");
		cmd_printf(ctx, "IPFW rules:\n");
		cmd_printf(ctx, "Traffic filters:\n");
		cmd_printf(ctx, "Traffic limits:\n");
	}
	return CMD_OK;
}
