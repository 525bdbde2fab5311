/*
 * ng.c - the "ng" device type: synchronous PPP frames over an arbitrary
 * netgraph hook (surface spec 4.6.6, 5.6).
 *
 * Netgraph does not exist on Linux (spec 12).  The type name is kept so
 * that FreeBSD configurations load and `show types` matches mpd5: its
 * settings can be set and shown, but a link of this type cannot connect.
 * Not template-capable.
 */
#include "devices.h"

#include <string.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define NG_MTU			1600

/* Per-link settings (link->dev_conf); owned by the link. */
struct ng_conf {
	char	node[64];	/* node path, "undefined:" until set */
	char	hook[32];	/* hook on that node */
};

static void *
ng_conf_new(void)
{
	struct ng_conf *c = mem_alloc("phys", sizeof(*c));

	util_strlcpy(c->node, "undefined:", sizeof(c->node));
	util_strlcpy(c->hook, "undefined", sizeof(c->hook));
	return c;
}

static void *
ng_conf_dup(const void *src)
{
	struct ng_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
ng_conf_free(void *conf)
{
	mem_free(conf);
}

/* `set ng node {path}` / `set ng hook {hook}`; arg says which. */
static int
ng_set(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const bool *hook = arg;
	struct ng_conf *c;

	if (ctx->lnk == NULL || ctx->lnk->type != &phys_ng)
		return CMD_ERR_CONTEXT;
	c = ctx->lnk->dev_conf;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if (*hook)
		util_strlcpy(c->hook, av[0], sizeof(c->hook));
	else
		util_strlcpy(c->node, av[0], sizeof(c->node));
	return CMD_OK;
}

static const bool ng_arg_node = false;
static const bool ng_arg_hook = true;

const struct cmdtab ng_set_cmds[] = {
	{ .name = "node {path}", .desc = "Set node to attach to",
	  .func = ng_set, .admit = cmd_admit_dev, .priv = PRIV_ADMIN,
	  .arg = &ng_arg_node },
	{ .name = "hook {hook}", .desc = "Set hook to attach to",
	  .func = ng_set, .admit = cmd_admit_dev, .priv = PRIV_ADMIN,
	  .arg = &ng_arg_hook },
	{ .name = NULL },
};

/* The netgraph block of `show device` (spec 5.6). */
static void
ng_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct ng_conf *c = l->dev_conf;

	cmd_printf(ctx, "Netgraph node configuration:\n");
	cmd_printf(ctx, "\tNode : %s\n", c->node);
	cmd_printf(ctx, "\tHook : %s\n", c->hook);
}

const struct phys_type phys_ng = {
	.name		= "ng",
	.descr		= "Netgraph hook",
	.mtu		= NG_MTU,
	.mru		= NG_MTU,
	.tmpl		= false,
	.synchronous	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= ng_set_cmds,
	.conf_new	= ng_conf_new,
	.conf_dup	= ng_conf_dup,
	.conf_free	= ng_conf_free,
	.show		= ng_show,
};
