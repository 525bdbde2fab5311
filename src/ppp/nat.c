/*
 * nat.c - per-bundle NAT configuration.
 *
 * Provides `set nat address|target|red-port|red-addr|red-proto|enable|
 * disable`, `unset nat red-port|red-addr|red-proto` and `show nat`
 * (surface spec 4.4.8 and 5.9).  On FreeBSD mpd5 drives ng_nat/libalias;
 * on Linux the rules are turned into nftables masquerade/snat/dnat when the
 * interface comes up (`set iface enable nat`).  This file keeps the rules;
 * a rule is shown "(inactive)" until it has been installed.
 *
 * Redirect rules live in fixed slot tables like mpd5's (32 port, 8
 * address and 8 protocol redirects); a new rule takes the lowest free slot
 * and `show nat` lists slots in order.  The tables are allocated on the
 * first rule and owned by the nat_conf (see nat_conf_copy/nat_conf_free).
 *
 * All functions run on the event-loop thread.
 */
#include "nat.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "bund.h"

#define NAT_MAX_PORT	32
#define NAT_MAX_ADDR	8
#define NAT_MAX_PROTO	8

struct nat_rport {
	bool		 used;
	bool		 active;	/* installed in the kernel */
	uint8_t		 proto;
	struct in_addr	 alias_addr, local_addr, remote_addr;
	uint16_t	 alias_port, local_port, remote_port;
};

struct nat_raddr {
	bool		 used;
	bool		 active;
	struct in_addr	 alias_addr, local_addr;
};

struct nat_rproto {
	bool		 used;
	bool		 active;
	uint8_t		 proto;
	struct in_addr	 alias_addr, local_addr, remote_addr;
};

struct nat_rules {
	struct nat_rport	port[NAT_MAX_PORT];
	struct nat_raddr	addr[NAT_MAX_ADDR];
	struct nat_rproto	proto[NAT_MAX_PROTO];
};

static const struct opt_def nat_opts[] = {
	{ "log",	NAT_OPT_LOG,		false },
	{ "incoming",	NAT_OPT_INCOMING,	false },
	{ "same-ports",	NAT_OPT_SAME_PORTS,	false },
	{ "unreg-only",	NAT_OPT_UNREG_ONLY,	false },
	{ NULL, 0, false },
};

/*
 * Protocol names for red-proto when /etc/protocols is missing (minimal
 * containers): the ones a NAT protocol redirect is used for.
 */
static const struct {
	const char	*name;
	uint8_t		 num;
} nat_proto_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 },
	{ "ospf", 89 }, { "pim", 103 }, { "sctp", 132 },
};

void
nat_conf_defaults(struct nat_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->options.enable = (1u << NAT_OPT_INCOMING) |
	    (1u << NAT_OPT_SAME_PORTS);
}

void
nat_conf_copy(struct nat_conf *dst, const struct nat_conf *src)
{
	*dst = *src;
	if (src->rules != NULL) {
		struct nat_rules *r = mem_alloc("nat", sizeof(*r));

		int k;

		memcpy(r, src->rules, sizeof(*r));
		/* The copy has not been installed anywhere yet. */
		for (k = 0; k < NAT_MAX_PORT; k++)
			r->port[k].active = false;
		for (k = 0; k < NAT_MAX_ADDR; k++)
			r->addr[k].active = false;
		for (k = 0; k < NAT_MAX_PROTO; k++)
			r->proto[k].active = false;
		dst->rules = r;
	}
}

void
nat_conf_free(struct nat_conf *c)
{
	mem_free(c->rules);
	c->rules = NULL;
}

static struct nat_rules *
nat_rules_of(struct nat_conf *c)
{
	if (c->rules == NULL)
		c->rules = mem_alloc("nat", sizeof(struct nat_rules));
	return c->rules;
}

/* Protocol number for a name; -1 when unknown. */
static int
nat_proto_by_name(const char *name)
{
	const struct protoent *pe = getprotobyname(name);
	size_t i;

	if (pe != NULL)
		return pe->p_proto;
	for (i = 0; i < sizeof(nat_proto_names) / sizeof(nat_proto_names[0]);
	    i++)
		if (strcasecmp(name, nat_proto_names[i].name) == 0)
			return nat_proto_names[i].num;
	return -1;
}

static const char *
nat_proto_name(int num)
{
	const struct protoent *pe = getprotobynumber(num);
	size_t i;

	if (pe != NULL)
		return pe->p_name;
	for (i = 0; i < sizeof(nat_proto_names) / sizeof(nat_proto_names[0]);
	    i++)
		if (nat_proto_names[i].num == num)
			return nat_proto_names[i].name;
	return "unknown";
}

/* A port 1..65535 written as mpd5 reads it (atoi). */
static int
nat_port(const char *s)
{
	int p = atoi(s);

	return p > 0 && p <= 65535 ? p : -1;
}

/* ---- set nat address / target ---- */

/* set nat address|target {addr}; arg non-NULL selects target. */
static int
nat_cmd_addr(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct nat_conf *c = &ctx->bund->nat_conf;
	struct u_addr a;

	if (ac != 1)
		return CMD_ERR_USAGE;
	if (u_addr_parse(av[0], AF_INET, &a) < 0)
		return cmd_error(ctx, "bad IP address \"%s\"", av[0]);
	if (arg != NULL)
		c->target_addr = a;
	else
		c->alias_addr = a;
	return CMD_OK;
}

/* ---- redirect rules (arg non-NULL = unset) ---- */

static int
nat_cmd_rport(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct nat_rules *rl;
	struct nat_rport r;
	int k, ap, lp, rp = 0;

	if (ac != 5 && ac != 7)
		return CMD_ERR_USAGE;
	memset(&r, 0, sizeof(r));
	/* Port forwarding makes sense for TCP and UDP only. */
	if (strcasecmp(av[0], "tcp") == 0)
		r.proto = 6;
	else if (strcasecmp(av[0], "udp") == 0)
		r.proto = 17;
	else
		return cmd_error(ctx, "bad PROTO name \"%s\"", av[0]);
	if (inet_aton(av[1], &r.alias_addr) == 0)
		return cmd_error(ctx, "bad alias IP address \"%s\"", av[1]);
	if ((ap = nat_port(av[2])) < 0)
		return cmd_error(ctx, "Incorrect alias port number \"%s\"",
		    av[2]);
	if (inet_aton(av[3], &r.local_addr) == 0)
		return cmd_error(ctx, "bad local IP address \"%s\"", av[3]);
	if ((lp = nat_port(av[4])) < 0)
		return cmd_error(ctx, "Incorrect local port number \"%s\"",
		    av[4]);
	if (ac == 7) {
		if (inet_aton(av[5], &r.remote_addr) == 0)
			return cmd_error(ctx,
			    "bad remote IP address \"%s\"", av[5]);
		if ((rp = nat_port(av[6])) < 0)
			return cmd_error(ctx,
			    "Incorrect remote port number \"%s\"", av[6]);
	}
	r.alias_port = (uint16_t)ap;
	r.local_port = (uint16_t)lp;
	r.remote_port = (uint16_t)rp;
	rl = nat_rules_of(&ctx->bund->nat_conf);
	for (k = 0; k < NAT_MAX_PORT; k++) {
		struct nat_rport *s = &rl->port[k];

		if (arg == NULL && !s->used) {
			r.used = true;
			*s = r;
			return CMD_OK;
		}
		if (arg != NULL && s->used && s->proto == r.proto &&
		    s->alias_addr.s_addr == r.alias_addr.s_addr &&
		    s->alias_port == r.alias_port &&
		    s->local_addr.s_addr == r.local_addr.s_addr &&
		    s->local_port == r.local_port &&
		    s->remote_addr.s_addr == r.remote_addr.s_addr &&
		    s->remote_port == r.remote_port) {
			memset(s, 0, sizeof(*s));
			return CMD_OK;
		}
	}
	if (arg != NULL)
		return cmd_error(ctx, "Rule not found");
	return cmd_error(ctx, "max number of redirect-port \"%d\" reached",
	    NAT_MAX_PORT);
}

static int
nat_cmd_raddr(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct nat_rules *rl;
	struct nat_raddr r;
	int k;

	if (ac != 2)
		return CMD_ERR_USAGE;
	memset(&r, 0, sizeof(r));
	if (inet_aton(av[0], &r.alias_addr) == 0)
		return cmd_error(ctx, "bad alias IP address \"%s\"", av[0]);
	if (inet_aton(av[1], &r.local_addr) == 0)
		return cmd_error(ctx, "bad local IP address \"%s\"", av[1]);
	rl = nat_rules_of(&ctx->bund->nat_conf);
	for (k = 0; k < NAT_MAX_ADDR; k++) {
		struct nat_raddr *s = &rl->addr[k];

		if (arg == NULL && !s->used) {
			r.used = true;
			*s = r;
			return CMD_OK;
		}
		if (arg != NULL && s->used &&
		    s->alias_addr.s_addr == r.alias_addr.s_addr &&
		    s->local_addr.s_addr == r.local_addr.s_addr) {
			memset(s, 0, sizeof(*s));
			return CMD_OK;
		}
	}
	if (arg != NULL)
		return cmd_error(ctx, "Rule not found");
	return cmd_error(ctx, "max number of redirect-addr \"%d\" reached",
	    NAT_MAX_ADDR);
}

static int
nat_cmd_rproto(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct nat_rules *rl;
	struct nat_rproto r;
	int k, p;

	if (ac != 3 && ac != 4)
		return CMD_ERR_USAGE;
	memset(&r, 0, sizeof(r));
	if ((p = nat_proto_by_name(av[0])) < 0)
		return cmd_error(ctx, "bad PROTO name \"%s\"", av[0]);
	r.proto = (uint8_t)p;
	if (inet_aton(av[1], &r.alias_addr) == 0)
		return cmd_error(ctx, "bad alias IP address \"%s\"", av[1]);
	if (inet_aton(av[2], &r.local_addr) == 0)
		return cmd_error(ctx, "bad local IP address \"%s\"", av[2]);
	if (ac == 4 && inet_aton(av[3], &r.remote_addr) == 0)
		return cmd_error(ctx, "bad remote IP address \"%s\"", av[3]);
	rl = nat_rules_of(&ctx->bund->nat_conf);
	for (k = 0; k < NAT_MAX_PROTO; k++) {
		struct nat_rproto *s = &rl->proto[k];

		if (arg == NULL && !s->used) {
			r.used = true;
			*s = r;
			return CMD_OK;
		}
		if (arg != NULL && s->used && s->proto == r.proto &&
		    s->alias_addr.s_addr == r.alias_addr.s_addr &&
		    s->local_addr.s_addr == r.local_addr.s_addr &&
		    s->remote_addr.s_addr == r.remote_addr.s_addr) {
			memset(s, 0, sizeof(*s));
			return CMD_OK;
		}
	}
	if (arg != NULL)
		return cmd_error(ctx, "Rule not found");
	return cmd_error(ctx, "max number of redirect-proto \"%d\" reached",
	    NAT_MAX_PROTO);
}

static struct opt_set *
nat_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = nat_opts;
	return ctx->bund != NULL ? &ctx->bund->nat_conf.options : NULL;
}

static const struct opt_cmd_arg nat_enable = { OPT_ENABLE, nat_opt_get };
static const struct opt_cmd_arg nat_disable = { OPT_DISABLE, nat_opt_get };

/* Any non-NULL pointer: "target" for nat_cmd_addr, "unset" for rules. */
static const int nat_second = 1;

#define NAT_RPORT_ARGS	"{proto} {alias_addr} {alias_port} {local_addr} " \
	"{local_port} [{remote_addr} {remote_port}]"
#define NAT_RADDR_ARGS	"{alias_addr} {local_addr}"
#define NAT_RPROTO_ARGS	"{proto} {alias-addr} {local_addr} [{remote-addr}]"

const struct cmdtab nat_set_cmds[] = {
	{ .name = "address {addr}", .desc = "Set alias address",
	  .func = nat_cmd_addr, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "target {addr}", .desc = "Set target address",
	  .func = nat_cmd_addr, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &nat_second },
	{ .name = "red-port " NAT_RPORT_ARGS, .desc = "Redirect port",
	  .func = nat_cmd_rport, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "red-addr " NAT_RADDR_ARGS, .desc = "Redirect address",
	  .func = nat_cmd_raddr, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "red-proto " NAT_RPROTO_ARGS, .desc = "Redirect protocol",
	  .func = nat_cmd_rproto, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &nat_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_bund, .priv = PRIV_ADMIN,
	  .arg = &nat_disable },
	{ .name = NULL },
};

const struct cmdtab nat_unset_cmds[] = {
	{ .name = "red-port " NAT_RPORT_ARGS, .desc = "Redirect port",
	  .func = nat_cmd_rport, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &nat_second },
	{ .name = "red-addr " NAT_RADDR_ARGS, .desc = "Redirect address",
	  .func = nat_cmd_raddr, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &nat_second },
	{ .name = "red-proto " NAT_RPROTO_ARGS, .desc = "Redirect protocol",
	  .func = nat_cmd_rproto, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN, .arg = &nat_second },
	{ .name = NULL },
};

/* ---- show nat ---- */

/* mpd5 prints an address that was never set as "UNSPEC". */
static const char *
nat_addr_print(const struct u_addr *a, char *buf, size_t len)
{
	if (a->family == AF_UNSPEC) {
		snprintf(buf, len, "UNSPEC");
		return buf;
	}
	return u_addr_print(a, buf, len);
}

static const char *
nat_ntoa(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

int
nat_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct nat_conf *c = &ctx->bund->nat_conf;
	const struct nat_rules *rl = c->rules;
	char b1[INET6_ADDRSTRLEN], b2[INET6_ADDRSTRLEN], b3[INET6_ADDRSTRLEN];
	int k;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "NAT configuration:\n");
	cmd_printf(ctx, "\tAlias addresses : %s\n",
	    nat_addr_print(&c->alias_addr, b1, sizeof(b1)));
	cmd_printf(ctx, "\tTarget addresses: %s\n",
	    nat_addr_print(&c->target_addr, b1, sizeof(b1)));
	cmd_printf(ctx, "Redirect ports:\n");
	for (k = 0; rl != NULL && k < NAT_MAX_PORT; k++) {
		const struct nat_rport *r = &rl->port[k];

		if (!r->used)
			continue;
		cmd_printf(ctx, "\t%s %s:%d %s:%d %s:%d (%sactive)\n",
		    r->proto == 6 ? "tcp" : "udp",
		    nat_ntoa(r->alias_addr, b1, sizeof(b1)), r->alias_port,
		    nat_ntoa(r->local_addr, b2, sizeof(b2)), r->local_port,
		    nat_ntoa(r->remote_addr, b3, sizeof(b3)), r->remote_port,
		    r->active ? "" : "in");
	}
	cmd_printf(ctx, "Redirect address:\n");
	for (k = 0; rl != NULL && k < NAT_MAX_ADDR; k++) {
		const struct nat_raddr *r = &rl->addr[k];

		if (!r->used)
			continue;
		cmd_printf(ctx, "\t%s %s (%sactive)\n",
		    nat_ntoa(r->alias_addr, b1, sizeof(b1)),
		    nat_ntoa(r->local_addr, b2, sizeof(b2)),
		    r->active ? "" : "in");
	}
	cmd_printf(ctx, "Redirect proto:\n");
	for (k = 0; rl != NULL && k < NAT_MAX_PROTO; k++) {
		const struct nat_rproto *r = &rl->proto[k];

		if (!r->used)
			continue;
		cmd_printf(ctx, "\t%s %s %s %s (%sactive)\n",
		    nat_proto_name(r->proto),
		    nat_ntoa(r->alias_addr, b1, sizeof(b1)),
		    nat_ntoa(r->local_addr, b2, sizeof(b2)),
		    nat_ntoa(r->remote_addr, b3, sizeof(b3)),
		    r->active ? "" : "in");
	}
	cmd_printf(ctx, "NAT options:\n");
	opt_show(ctx, &c->options, nat_opts);
	/* "LibAlias statistic:" needs a running translator (log + up). */
	return CMD_OK;
}
