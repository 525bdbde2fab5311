/*
 * l2tp.c - the "l2tp" device type: PPP over L2TPv2 (RFC 2661),
 * configuration part.
 *
 * Provides `set l2tp self|peer|hostname|pmask|secret|callingnum|callednum`
 * with the options outcall, hidden, length, dataseq and resolve-once, and
 * the L2TP block of `show device` (surface spec 4.6.2, 5.6).  Tunnels,
 * sessions and the userland data path are in l2tp_ctrl.c; the status part
 * of the block is printed only when the device is not DOWN.
 */
#include "l2tp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define L2TP_MTU		1600

static const struct opt_def l2tp_opts[] = {
	{ "outcall", L2TP_OPT_OUTCALL, false },
	{ "hidden", L2TP_OPT_HIDDEN, false },
	{ "length", L2TP_OPT_LENGTH, false },
	{ "dataseq", L2TP_OPT_DATASEQ, false },
	{ "resolve-once", L2TP_OPT_RESOLVE_ONCE, false },
	{ NULL, 0, false },
};

static void *
l2tp_conf_new(void)
{
	struct l2tp_conf *c = mem_alloc("phys", sizeof(*c));

	/* mpd5 starts from IPv4 "any": shown as 0.0.0.0 and 0.0.0.0/0 */
	c->ip.self_addr.family = AF_INET;
	c->ip.peer_addr.addr.family = AF_INET;
	c->options.enable = 1u << L2TP_OPT_DATASEQ |
	    1u << L2TP_OPT_RESOLVE_ONCE;
	return c;
}

static void *
l2tp_conf_dup(const void *src)
{
	return phys_conf_copy(src, sizeof(struct l2tp_conf));
}

static struct l2tp_conf *
l2tp_conf_of(struct cmd_ctx *ctx)
{
	return phys_conf_of(ctx, &phys_l2tp);
}

/* Offsets of the one-string settings, selected by the table's arg. */
enum l2tp_str { L2TP_CALLINGNUM, L2TP_CALLEDNUM, L2TP_HOSTNAME, L2TP_PMASK,
	L2TP_SECRET };

/* `set l2tp callingnum|callednum|hostname|pmask|secret {string}` */
static int
l2tp_set_string(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct l2tp_conf *c = l2tp_conf_of(ctx);
	const enum l2tp_str *which = arg;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	switch (*which) {
	case L2TP_CALLINGNUM:
		util_strlcpy(c->callingnum, av[0], sizeof(c->callingnum));
		break;
	case L2TP_CALLEDNUM:
		util_strlcpy(c->callednum, av[0], sizeof(c->callednum));
		break;
	case L2TP_HOSTNAME:
		util_strlcpy(c->hostname, av[0], sizeof(c->hostname));
		break;
	case L2TP_PMASK:
		util_strlcpy(c->pmask, av[0], sizeof(c->pmask));
		break;
	case L2TP_SECRET:
		util_strlcpy(c->secret, av[0], sizeof(c->secret));
		break;
	}
	return CMD_OK;
}

static struct opt_set *
l2tp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct l2tp_conf *c = l2tp_conf_of(ctx);

	*defs = l2tp_opts;
	return c != NULL ? &c->options : NULL;
}

static const enum l2tp_str l2tp_arg_callingnum = L2TP_CALLINGNUM;
static const enum l2tp_str l2tp_arg_callednum = L2TP_CALLEDNUM;
static const enum l2tp_str l2tp_arg_hostname = L2TP_HOSTNAME;
static const enum l2tp_str l2tp_arg_pmask = L2TP_PMASK;
static const enum l2tp_str l2tp_arg_secret = L2TP_SECRET;
static const struct phys_ip_cmd l2tp_arg_ip = { &phys_l2tp, NULL };
static const struct opt_cmd_arg l2tp_arg_enable = { OPT_ENABLE, l2tp_opt_get };
static const struct opt_cmd_arg l2tp_arg_disable = { OPT_DISABLE,
	l2tp_opt_get };

const struct cmdtab l2tp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = phys_ip_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_ip },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = phys_ip_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_ip },
	{ .name = "callingnum {number}",
	  .desc = "Set calling L2TP telephone number",
	  .func = l2tp_set_string, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_callingnum },
	{ .name = "callednum {number}",
	  .desc = "Set called L2TP telephone number",
	  .func = l2tp_set_string, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_callednum },
	{ .name = "hostname {name}", .desc = "Set L2TP local hostname",
	  .func = l2tp_set_string, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_hostname },
	{ .name = "pmask {mask}", .desc = "Set L2TP peer hostname mask",
	  .func = l2tp_set_string, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_pmask },
	{ .name = "secret {sec}", .desc = "Set L2TP tunnel secret",
	  .func = l2tp_set_string, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_secret },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &l2tp_arg_disable },
	{ .name = NULL },
};

/* The L2TP block of `show device` (spec 5.6). */
static void
l2tp_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct l2tp_conf *c = l->dev_conf;
	char buf[64];

	cmd_printf(ctx, "L2TP configuration:\n");
	cmd_printf(ctx, "\tSelf addr    : %s, port %u\n",
	    phys_addr_print(&c->ip.self_addr, buf, sizeof(buf)),
	    c->ip.self_port);
	phys_ip_show_peer(ctx, &c->ip);
	cmd_printf(ctx, "\tHostname     : %s\n", c->hostname);
	cmd_printf(ctx, "\tPeer mask    : %s\n", c->pmask);
	/*
	 * mpd5 decides the mask on the calling number (spec 5.6 note); we
	 * mask whenever a secret is set, which is what the line means.
	 */
	cmd_printf(ctx, "\tSecret       : %s\n",
	    c->secret[0] != '\0' ? "******" : "");
	cmd_printf(ctx, "\tCalling number: %s\n", c->callingnum);
	cmd_printf(ctx, "\tCalled number: %s\n", c->callednum);
	cmd_printf(ctx, "L2TP options:\n");
	opt_show(ctx, &c->options, l2tp_opts);
	cmd_printf(ctx, "L2TP status:\n");
	if (l->state != PHYS_STATE_DOWN)
		l2tp_show_status(ctx, l);
}

const struct phys_type phys_l2tp = {
	.name		= "l2tp",
	.descr		= "Layer Two Tunneling Protocol",
	.mtu		= L2TP_MTU,
	.mru		= L2TP_MTU,
	.tmpl		= true,
	.synchronous	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= l2tp_set_cmds,
	.conf_new	= l2tp_conf_new,
	.conf_dup	= l2tp_conf_dup,
	.conf_free	= phys_conf_free,
	.show		= l2tp_show,
	.peer_addr	= l2tp_peer_addr,
	.calling_num	= l2tp_calling_num,
	.called_num	= l2tp_called_num,
	.open		= l2tp_open,
	.close		= l2tp_close,
	.send		= l2tp_send,
	.listen		= l2tp_listen,
	.shutdown	= l2tp_shutdown,
	.self_addr	= l2tp_self_addr,
	.self_name	= l2tp_self_name,
	.peer_name	= l2tp_peer_name,
	.kernel_chan	= l2tp_kernel_chan,
	.kernel_ok	= l2tp_kernel_ok,
};
