/*
 * tcp.c - the "tcp" device type: async-HDLC framed PPP (RFC 1662) over a
 * TCP connection, configuration part.
 *
 * Provides `set tcp self|peer` with the option resolve-once, and the TCP
 * block of `show device` (surface spec 4.6.4, 5.6).  The socket and the
 * userland HDLC framing arrive with the device work; the state part of
 * the block is printed only when the device is not DOWN.
 */
#include "devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define TCP_MTU			2048

enum tcp_opt {
	TCP_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
};

static const struct opt_def tcp_opts[] = {
	{ "resolve-once", TCP_OPT_RESOLVE_ONCE, false },
	{ NULL, 0, false },
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct tcp_conf {
	struct u_addr	self_addr;	/* unset = any */
	uint16_t	self_port;	/* required to accept calls */
	struct u_range	peer_addr;	/* target / allowed peers */
	uint16_t	peer_port;
	char		peer_fqdn[256];	/* peer as given (may be a name) */
	struct opt_set	options;
};

static void *
tcp_conf_new(void)
{
	struct tcp_conf *c = mem_alloc("phys", sizeof(*c));

	/* addresses start unset: `show device` prints UNSPEC */
	c->options.enable = 1u << TCP_OPT_RESOLVE_ONCE;
	return c;
}

static void *
tcp_conf_dup(const void *src)
{
	struct tcp_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
tcp_conf_free(void *conf)
{
	mem_free(conf);
}

static struct tcp_conf *
tcp_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_tcp)
		return NULL;
	return ctx->lnk->dev_conf;
}

static int
tcp_port_arg(int ac, char **av, uint16_t *port)
{
	long v;

	*port = 0;
	if (ac < 2)
		return 0;
	if (util_parse_int(av[1], 0, 65535, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* `set tcp self {ip} [{port}]` */
static int
tcp_set_self(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct tcp_conf *c = tcp_conf_of(ctx);
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || u_range_parse(av[0], AF_UNSPEC, &r) < 0 ||
	    tcp_port_arg(ac, av, &port) < 0)
		return CMD_ERR_USAGE;
	c->self_addr = r.addr;
	c->self_port = port;
	return CMD_OK;
}

/* `set tcp peer {ip[/width]|name} [{port}]` */
static int
tcp_set_peer(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct tcp_conf *c = tcp_conf_of(ctx);
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || tcp_port_arg(ac, av, &port) < 0 ||
	    phys_parse_peer(av[0], &r) < 0)
		return CMD_ERR_USAGE;
	util_strlcpy(c->peer_fqdn, av[0], sizeof(c->peer_fqdn));
	c->peer_addr = r;
	c->peer_port = port;
	return CMD_OK;
}

static struct opt_set *
tcp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct tcp_conf *c = tcp_conf_of(ctx);

	*defs = tcp_opts;
	return c != NULL ? &c->options : NULL;
}

static const struct opt_cmd_arg tcp_arg_enable = { OPT_ENABLE, tcp_opt_get };
static const struct opt_cmd_arg tcp_arg_disable = { OPT_DISABLE, tcp_opt_get };

const struct cmdtab tcp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = tcp_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = tcp_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_disable },
	{ .name = NULL },
};

/* The TCP block of `show device` (spec 5.6). */
static void
tcp_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct tcp_conf *c = l->dev_conf;
	char buf[64];

	cmd_printf(ctx, "TCP configuration:\n");
	cmd_printf(ctx, "\tPeer FQDN    : %s\n", c->peer_fqdn);
	cmd_printf(ctx, "\tSelf address : %s, port %u\n",
	    phys_addr_print(&c->self_addr, buf, sizeof(buf)), c->self_port);
	cmd_printf(ctx, "\tPeer address : %s, port %u\n",
	    u_range_print(&c->peer_addr, buf, sizeof(buf)), c->peer_port);
	cmd_printf(ctx, "TCP state:\n");
	/* Connection fields follow once the device is not DOWN. */
}

/*
 * PPP over TCP carries async-HDLC frames (spec 10.7), so the link is not
 * synchronous: the accmap matters.
 */
const struct phys_type phys_tcp = {
	.name		= "tcp",
	.descr		= "PPP over TCP",
	.mtu		= TCP_MTU,
	.mru		= TCP_MTU,
	.tmpl		= true,
	.synchronous	= false,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= tcp_set_cmds,
	.conf_new	= tcp_conf_new,
	.conf_dup	= tcp_conf_dup,
	.conf_free	= tcp_conf_free,
	.show		= tcp_show,
};
