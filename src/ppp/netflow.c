/*
 * netflow.c - NetFlow export settings: `set netflow ...` and
 * `show netflow` (surface spec 4.3.7, 5.10).
 *
 * mpd5 drives a kernel ng_netflow node; on Linux the exporter (NetFlow v5
 * and v9, RFC 3954) is built into the daemon later (spec 12).  The
 * settings are global and must be given before the first bundle comes up,
 * as in mpd5: once the exporter runs they are refused.
 */
#include "netflow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NETFLOW_MIN_MTU		24	/* a v5 header */
#define NETFLOW_MAX_MTU		16384
#define NETFLOW_MAX_HOOK	65535

struct netflow_conf g_netflow = {
	.inactive = 15,
	.active = 1800,
	.version = 5,
	.tmpl_time = 600,
	.tmpl_packets = 500,
	.mtu = 1500,
};

/* mpd5 prints unset export / source addresses this way. */
static char *
netflow_addr_print(const struct u_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET || a->family == AF_INET6)
		return u_addr_print(a, buf, len);
	util_strlcpy(buf, "UNSPEC", len);
	return buf;
}

enum netflow_set {
	NETFLOW_SET_PEER, NETFLOW_SET_SELF, NETFLOW_SET_TIMEOUTS,
	NETFLOW_SET_NODE, NETFLOW_SET_HOOK, NETFLOW_SET_VERSION,
	NETFLOW_SET_TEMPLATE, NETFLOW_SET_MTU,
};

static int
netflow_set(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const enum netflow_set *which = arg;
	struct netflow_conf *n = &g_netflow;
	struct u_addr a;
	uint16_t port = 0;
	int v, v2;

	if (n->created)
		return cmd_error(ctx,
		    "Netflow settings can not be changed while running");
	switch (*which) {
	case NETFLOW_SET_PEER:
		if (ac != 2 || u_addr_parse(av[0], AF_UNSPEC, &a) < 0 ||
		    util_parse_port(av[1], false, &port) < 0)
			return CMD_ERR_USAGE;
		n->export_addr = a;
		n->export_port = port;
		break;
	case NETFLOW_SET_SELF:
		if (ac < 1 || ac > 2 ||
		    u_addr_parse(av[0], AF_UNSPEC, &a) < 0 ||
		    (ac == 2 && util_parse_port(av[1], true, &port) < 0))
			return CMD_ERR_USAGE;
		n->src_addr = a;
		n->src_port = port;
		break;
	case NETFLOW_SET_TIMEOUTS:
		if (ac != 2)
			return CMD_ERR_USAGE;
		v = atoi(av[0]);
		v2 = atoi(av[1]);
		if (v <= 0 || v2 <= 0)
			return cmd_error(ctx, "Bad netflow timeouts \"%s %s\"",
			    av[0], av[1]);
		n->inactive = (unsigned)v;
		n->active = (unsigned)v2;
		break;
	case NETFLOW_SET_NODE:
		if (ac != 1)
			return CMD_ERR_USAGE;
		if (av[0][0] == '\0' || strlen(av[0]) >= sizeof(n->node))
			return cmd_error(ctx, "Bad netflow node name \"%s\"",
			    av[0]);
		util_strlcpy(n->node, av[0], sizeof(n->node));
		break;
	case NETFLOW_SET_HOOK:
		if (ac != 1)
			return CMD_ERR_USAGE;
		v = atoi(av[0]);
		if (v <= 0 || v >= NETFLOW_MAX_HOOK)
			return cmd_error(ctx, "Bad netflow hook number \"%s\"",
			    av[0]);
		n->hook = v;
		break;
	case NETFLOW_SET_VERSION:
		if (ac != 1)
			return CMD_ERR_USAGE;
		v = atoi(av[0]);
		if (v != 5 && v != 9)
			return cmd_error(ctx, "Incorrect netflow version \"%s\"",
			    av[0]);
		n->version = v;
		break;
	case NETFLOW_SET_TEMPLATE:
		if (ac != 2)
			return CMD_ERR_USAGE;
		v = atoi(av[0]);
		v2 = atoi(av[1]);
		if (v <= 0 || v2 <= 0)
			return cmd_error(ctx,
			    "Bad netflow v9 template values \"%s %s\"",
			    av[0], av[1]);
		n->tmpl_time = (unsigned)v;
		n->tmpl_packets = (unsigned)v2;
		break;
	case NETFLOW_SET_MTU:
		if (ac != 1)
			return CMD_ERR_USAGE;
		v = atoi(av[0]);
		if (v < NETFLOW_MIN_MTU || v > NETFLOW_MAX_MTU)
			return cmd_error(ctx, "Bad netflow v9 MTU \"%s\"",
			    av[0]);
		n->mtu = (unsigned)v;
		break;
	}
	return CMD_OK;
}

static const enum netflow_set netflow_arg_peer = NETFLOW_SET_PEER;
static const enum netflow_set netflow_arg_self = NETFLOW_SET_SELF;
static const enum netflow_set netflow_arg_timeouts = NETFLOW_SET_TIMEOUTS;
static const enum netflow_set netflow_arg_node = NETFLOW_SET_NODE;
static const enum netflow_set netflow_arg_hook = NETFLOW_SET_HOOK;
static const enum netflow_set netflow_arg_version = NETFLOW_SET_VERSION;
static const enum netflow_set netflow_arg_template = NETFLOW_SET_TEMPLATE;
static const enum netflow_set netflow_arg_mtu = NETFLOW_SET_MTU;

const struct cmdtab netflow_set_cmds[] = {
	{ .name = "peer {ip} {port}", .desc = "Set export destination",
	  .func = netflow_set, .priv = PRIV_ADMIN, .arg = &netflow_arg_peer },
	{ .name = "self {ip} [{port}]", .desc = "Set export source",
	  .func = netflow_set, .priv = PRIV_ADMIN, .arg = &netflow_arg_self },
	{ .name = "timeouts {inactive} {active}",
	  .desc = "Set NetFlow timeouts", .func = netflow_set,
	  .priv = PRIV_ADMIN, .arg = &netflow_arg_timeouts },
	{ .name = "template {time} {packets}",
	  .desc = "Set NetFlow v9 template", .func = netflow_set,
	  .priv = PRIV_ADMIN, .arg = &netflow_arg_template },
	{ .name = "mtu {mtu}", .desc = "Set NetFlow v9 MTU",
	  .func = netflow_set, .priv = PRIV_ADMIN, .arg = &netflow_arg_mtu },
	{ .name = "version {version}", .desc = "Set version to export",
	  .func = netflow_set, .priv = PRIV_ADMIN,
	  .arg = &netflow_arg_version },
	{ .name = "node {name}", .desc = "Set node name to use",
	  .func = netflow_set, .priv = PRIV_ADMIN, .arg = &netflow_arg_node },
	{ .name = "hook {number}", .desc = "Set initial hook number",
	  .func = netflow_set, .priv = PRIV_ADMIN, .arg = &netflow_arg_hook },
	{ .name = NULL },
};

/*
 * `show netflow` (spec 5.10).  The traffic counters follow once the
 * exporter runs.
 */
int
netflow_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct netflow_conf *n = &g_netflow;
	char buf[INET6_ADDRSTRLEN];

	cmd_printf(ctx, "Netflow status:\n");
	cmd_printf(ctx, "\tNode created   : %s\n", n->created ? "Yes" : "No");
	cmd_printf(ctx, "Netflow settings:\n");
	cmd_printf(ctx, "\tNode name      : %s\n", n->node);
	cmd_printf(ctx, "\tInitial hook   : %d\n", n->hook);
	cmd_printf(ctx, "\tTimeouts, sec:\n");
	cmd_printf(ctx, "\t  Active       : %u\n", n->active);
	cmd_printf(ctx, "\t  Inactive     : %u\n", n->inactive);
	cmd_printf(ctx, "\tExport address : %s port %d\n",
	    netflow_addr_print(&n->export_addr, buf, sizeof(buf)),
	    (int)n->export_port);
	cmd_printf(ctx, "\tSource address : %s port %d\n",
	    netflow_addr_print(&n->src_addr, buf, sizeof(buf)),
	    (int)n->src_port);
	cmd_printf(ctx, "\tExport version : v%d\n", n->version);
	cmd_printf(ctx, "Netflow v9 configuration:\n");
	cmd_printf(ctx, "\tTemplate:\n");
	cmd_printf(ctx, "\t  Time         : %u\n", n->tmpl_time);
	cmd_printf(ctx, "\t  Packets      : %u\n", n->tmpl_packets);
	cmd_printf(ctx, "\tNetflow v9 MTU : %u\n", n->mtu);
	return CMD_OK;
}
