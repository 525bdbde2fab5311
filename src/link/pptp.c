/*
 * pptp.c - the "pptp" device type: PPP over PPTP (RFC 2637),
 * configuration part.
 *
 * Provides `set pptp self|peer|callingnum|callednum` with the options
 * outcall, delayed-ack, always-ack, resolve-once and windowing, and the
 * PPTP block of `show device` (surface spec 4.6.3, 5.6).  The control
 * connections, calls and the GRE data path are in pptp_ctrl.c; the status
 * part of the block is printed only when the device is not DOWN.
 */
#include "pptp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define PPTP_MTU		1532

static const struct opt_def pptp_opts[] = {
	{ "outcall", PPTP_OPT_OUTCALL, false },
	{ "delayed-ack", PPTP_OPT_DELAYED_ACK, false },
	{ "always-ack", PPTP_OPT_ALWAYS_ACK, false },
	{ "resolve-once", PPTP_OPT_RESOLVE_ONCE, false },
	{ "windowing", PPTP_OPT_WINDOWING, false },
	{ NULL, 0, false },
};

static void *
pptp_conf_new(void)
{
	struct pptp_conf *c = mem_alloc("phys", sizeof(*c));

	/* self is IPv4 "any" (0.0.0.0); the peer range starts unset */
	c->ip.self_addr.family = AF_INET;
	c->options.enable = 1u << PPTP_OPT_OUTCALL |
	    1u << PPTP_OPT_DELAYED_ACK | 1u << PPTP_OPT_RESOLVE_ONCE;
	return c;
}

static void *
pptp_conf_dup(const void *src)
{
	return phys_conf_copy(src, sizeof(struct pptp_conf));
}

static struct pptp_conf *
pptp_conf_of(struct cmd_ctx *ctx)
{
	return phys_conf_of(ctx, &phys_pptp);
}

/* `set pptp callingnum|callednum {number}`; arg selects which. */
static int
pptp_set_num(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pptp_conf *c = pptp_conf_of(ctx);
	const bool *called = arg;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if (*called)
		util_strlcpy(c->callednum, av[0], sizeof(c->callednum));
	else
		util_strlcpy(c->callingnum, av[0], sizeof(c->callingnum));
	return CMD_OK;
}

static struct opt_set *
pptp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct pptp_conf *c = pptp_conf_of(ctx);

	*defs = pptp_opts;
	return c != NULL ? &c->options : NULL;
}

static const bool pptp_arg_calling = false;
static const bool pptp_arg_called = true;
static const struct phys_ip_cmd pptp_arg_ip = { &phys_pptp, NULL };
static const struct opt_cmd_arg pptp_arg_enable = { OPT_ENABLE, pptp_opt_get };
static const struct opt_cmd_arg pptp_arg_disable = { OPT_DISABLE,
	pptp_opt_get };

const struct cmdtab pptp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = phys_ip_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_ip },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = phys_ip_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_ip },
	{ .name = "callingnum {number}",
	  .desc = "Set calling PPTP telephone number",
	  .func = pptp_set_num, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_calling },
	{ .name = "callednum {number}",
	  .desc = "Set called PPTP telephone number",
	  .func = pptp_set_num, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_called },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &pptp_arg_disable },
	{ .name = NULL },
};

/* The PPTP block of `show device` (spec 5.6). */
static void
pptp_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct pptp_conf *c = l->dev_conf;
	char buf[64];

	cmd_printf(ctx, "PPTP configuration:\n");
	cmd_printf(ctx, "\tSelf addr    : %s",
	    phys_addr_print(&c->ip.self_addr, buf, sizeof(buf)));
	if (c->ip.self_port != 0)
		cmd_printf(ctx, ", port %u", c->ip.self_port);
	cmd_printf(ctx, "\n");
	phys_ip_show_peer(ctx, &c->ip);
	cmd_printf(ctx, "\tCalling number: %s\n", c->callingnum);
	cmd_printf(ctx, "\tCalled number: %s\n", c->callednum);
	cmd_printf(ctx, "PPTP options:\n");
	opt_show(ctx, &c->options, pptp_opts);
	cmd_printf(ctx, "PPTP status:\n");
	if (l->state != PHYS_STATE_DOWN)
		pptp_show_status(ctx, l);
}

const struct phys_type phys_pptp = {
	.name		= "pptp",
	.descr		= "Point-to-Point Tunneling Protocol",
	.mtu		= PPTP_MTU,
	.mru		= PPTP_MTU,
	.tmpl		= true,
	.synchronous	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= pptp_set_cmds,
	.conf_new	= pptp_conf_new,
	.conf_dup	= pptp_conf_dup,
	.conf_free	= phys_conf_free,
	.show		= pptp_show,
	.peer_addr	= pptp_peer_addr,
	.calling_num	= pptp_calling_num,
	.called_num	= pptp_called_num,
	.open		= pptp_open,
	.close		= pptp_close,
	.send		= pptp_send,
	.listen		= pptp_listen,
	.shutdown	= pptp_shutdown,
	.self_addr	= pptp_self_addr,
	.kernel_chan	= pptp_kernel_chan,
};
