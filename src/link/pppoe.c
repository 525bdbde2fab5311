/*
 * pppoe.c - the "pppoe" device type: PPP over Ethernet (RFC 2516, with
 * RFC 4638 PPP-Max-Payload), configuration part.
 *
 * Provides `set pppoe iface|service|acname|max-payload|mac-format` and the
 * PPPoE block of `show device` (surface spec 4.6.1, 5.6).  Discovery and
 * the session data path (AF_PACKET + PX_PROTO_OE) arrive with the device
 * work; the status part of the block is printed only when the device is
 * not DOWN, so it stays empty until then.
 */
#include "devices.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define PPPOE_MTU		1492	/* Ethernet 1500 minus PPPoE overhead */
#define PPPOE_MAX_PAYLOAD	1510	/* ETHER_MAX_LEN 1518 - 8 (RFC 4638) */
#define PPPOE_DEFAULT_HOOK	"orphans"

/* Calling-Station-Id MAC styles (`set pppoe mac-format`). */
enum pppoe_mac_format {
	PPPOE_MAC_UNFORMATTED,		/* aabbccddeeff */
	PPPOE_MAC_UNIX_LIKE,		/* aa:bb:cc:dd:ee:ff */
	PPPOE_MAC_CISCO_LIKE,		/* aabb.ccdd.eeff */
	PPPOE_MAC_IETF,			/* aa-bb-cc-dd-ee-ff */
};

static const char *const pppoe_mac_names[] = {
	"unformatted", "unix-like", "cisco-like", "ietf",
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct pppoe_conf {
	char		iface[IFNAMSIZ];	/* Ethernet interface */
	char		node[IFNAMSIZ + 2];	/* mpd5's node path "<if>:" */
	char		hook[32];		/* ng_ether hook (kept for show) */
	char		service[64];		/* Service-Name; "*" = any */
	char		acname[64];		/* AC-Name; "" = host name */
	unsigned	max_payload;		/* RFC 4638; 0 = off */
	enum pppoe_mac_format mac_format;
};

static void *
pppoe_conf_new(void)
{
	struct pppoe_conf *c = mem_alloc("phys", sizeof(*c));

	util_strlcpy(c->iface, "undefined", sizeof(c->iface));
	util_strlcpy(c->node, "undefined:", sizeof(c->node));
	util_strlcpy(c->hook, "undefined", sizeof(c->hook));
	util_strlcpy(c->service, "*", sizeof(c->service));
	c->mac_format = PPPOE_MAC_UNFORMATTED;
	return c;
}

static void *
pppoe_conf_dup(const void *src)
{
	struct pppoe_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
pppoe_conf_free(void *conf)
{
	mem_free(conf);
}

/* The current link's settings; the admit rule guarantees the type. */
static struct pppoe_conf *
pppoe_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_pppoe)
		return NULL;
	return ctx->lnk->dev_conf;
}

/* `set pppoe iface {name} [{hook}]` */
static int
pppoe_set_iface(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	char *p;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (av[0][0] == '\0' || strlen(av[0]) >= sizeof(c->iface))
		return cmd_error(ctx, "Interface name \"%s\" is invalid",
		    av[0]);
	util_strlcpy(c->iface, av[0], sizeof(c->iface));
	/*
	 * mpd5 names the node after the interface; VLAN interfaces
	 * ("em0.100") carry characters a node path may not contain.
	 */
	snprintf(c->node, sizeof(c->node), "%s:", av[0]);
	for (p = c->node; p[1] != '\0'; p++)
		if (*p == '.' || *p == ':')
			*p = '_';
	util_strlcpy(c->hook, ac == 2 ? av[1] : PPPOE_DEFAULT_HOOK,
	    sizeof(c->hook));
	return CMD_OK;
}

/* `set pppoe service {name}` */
static int
pppoe_set_service(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(c->service, av[0], sizeof(c->service));
	return CMD_OK;
}

/* `set pppoe acname {name}` */
static int
pppoe_set_acname(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	util_strlcpy(c->acname, av[0], sizeof(c->acname));
	return CMD_OK;
}

/* `set pppoe max-payload {size}`: 1492..1510 (RFC 4638). */
static int
pppoe_set_max_payload(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	int v;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	v = atoi(av[0]);
	if (v < PPPOE_MTU || v > PPPOE_MAX_PAYLOAD)
		return cmd_error(ctx, "PPP-Max-Payload value \"%s\"", av[0]);
	c->max_payload = (unsigned)v;
	return CMD_OK;
}

/* `set pppoe mac-format {format}` */
static int
pppoe_set_mac_format(struct cmd_ctx *ctx, int ac, char **av,
    const void *arg)
{
	struct pppoe_conf *c = pppoe_conf_of(ctx);
	unsigned i;

	(void)arg;
	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	for (i = 0; i < sizeof(pppoe_mac_names) / sizeof(*pppoe_mac_names);
	    i++) {
		if (strcasecmp(av[0], pppoe_mac_names[i]) == 0) {
			c->mac_format = (enum pppoe_mac_format)i;
			return CMD_OK;
		}
	}
	return cmd_error(ctx, "Incorrect PPPoE mac-format \"%s\"", av[0]);
}

const struct cmdtab pppoe_set_cmds[] = {
	{ .name = "iface {name} [{hook}]",
	  .desc = "Set ethernet interface to use",
	  .func = pppoe_set_iface, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "service {name}", .desc = "Set PPPoE session name",
	  .func = pppoe_set_service, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "acname {name}",
	  .desc = "Set PPPoE access concentrator name",
	  .func = pppoe_set_acname, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "max-payload {size}", .desc = "Set PPP-Max-Payload tag",
	  .func = pppoe_set_max_payload, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "mac-format {format}",
	  .desc = "Set RADIUS attribute 31 MAC format",
	  .func = pppoe_set_mac_format, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

/* The PPPoE block of `show device` (spec 5.6). */
static void
pppoe_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct pppoe_conf *c = l->dev_conf;

	cmd_printf(ctx, "PPPoE configuration:\n");
	cmd_printf(ctx, "\tIface Name   : %s\n", c->iface);
	cmd_printf(ctx, "\tIface Node   : %s\n", c->node);
	cmd_printf(ctx, "\tIface Hook   : %s\n", c->hook);
	cmd_printf(ctx, "\tSession      : %s\n", c->service);
	cmd_printf(ctx, "\tMax-Payload  : %u\n", c->max_payload);
	cmd_printf(ctx, "\tMAC format   : %s\n",
	    pppoe_mac_names[c->mac_format]);
	cmd_printf(ctx, "PPPoE status:\n");
	/* The session fields follow once discovery exists (not DOWN). */
}

const struct phys_type phys_pppoe = {
	.name		= "pppoe",
	.descr		= "PPP over Ethernet",
	.mtu		= PPPOE_MTU,
	.mru		= PPPOE_MTU,
	.tmpl		= true,
	.synchronous	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= pppoe_set_cmds,
	.conf_new	= pppoe_conf_new,
	.conf_dup	= pppoe_conf_dup,
	.conf_free	= pppoe_conf_free,
	.show		= pppoe_show,
};
