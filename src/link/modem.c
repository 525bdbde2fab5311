/*
 * modem.c - the "modem" device type: async-HDLC PPP (RFC 1662) over a
 * serial line driven by chat scripts, configuration part.
 *
 * Provides `set modem device|speed|script|idle-script|var|watch` and the
 * modem block of `show device` (surface spec 3.2, 4.6.5, 5.6).  The tty
 * handling and the chat interpreter arrive with the device work; the
 * chat variables preset with `set modem var` are kept here for it.  The
 * status part of the block is printed only when the device is not DOWN.
 * Modems cannot be templates.
 */
#include "devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define MODEM_MTU		1600
#define MODEM_DEFAULT_SPEED	115200

/* Lines whose loss drops the link (`set modem watch`). */
#define MODEM_WATCH_CD		0x1
#define MODEM_WATCH_DSR		0x2

/* One preset chat variable ("$name" -> value); owned by the conf. */
struct modem_var {
	char			*name;
	char			*value;
	struct modem_var	*next;
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct modem_conf {
	char			 device[64];	/* tty path */
	int			 speed;		/* port speed, baud */
	char			 conn_script[64];
	char			 idle_script[64];
	unsigned		 watch;		/* MODEM_WATCH_* */
	struct modem_var	*vars;		/* in the order first set */
};

/* The port speeds mpd5 accepts. */
static const int modem_speeds[] = {
	50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
	19200, 38400, 7200, 14400, 28800, 57600, 76800, 115200, 230400,
	460800, 614400, 921600, 1228800, 1843200, 2000000, 3000000,
};

static void *
modem_conf_new(void)
{
	struct modem_conf *c = mem_alloc("phys", sizeof(*c));

	c->speed = MODEM_DEFAULT_SPEED;
	c->watch = MODEM_WATCH_CD;
	return c;
}

static void *
modem_conf_dup(const void *src)
{
	const struct modem_conf *s = src;
	struct modem_conf *c = mem_alloc("phys", sizeof(*c));
	const struct modem_var *v;
	struct modem_var **tail = &c->vars;

	memcpy(c, s, sizeof(*c));
	c->vars = NULL;
	for (v = s->vars; v != NULL; v = v->next) {
		*tail = mem_alloc("phys", sizeof(**tail));
		(*tail)->name = mem_strdup("phys", v->name);
		(*tail)->value = mem_strdup("phys", v->value);
		tail = &(*tail)->next;
	}
	return c;
}

static void
modem_conf_free(void *conf)
{
	struct modem_conf *c = conf;
	struct modem_var *v, *next;

	if (c == NULL)
		return;
	for (v = c->vars; v != NULL; v = next) {
		next = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
	mem_free(c);
}

static struct modem_conf *
modem_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_modem)
		return NULL;
	return ctx->lnk->dev_conf;
}

/*
 * `set modem device {name}`.  As in mpd5, a wrong number of words is
 * silently ignored rather than a usage error.
 */
static int
modem_set_device(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac == 1)
		util_strlcpy(c->device, av[0], sizeof(c->device));
	return CMD_OK;
}

/* `set modem speed {port-speed}` */
static int
modem_set_speed(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	unsigned i;
	int baud;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	baud = atoi(av[0]);
	for (i = 0; i < sizeof(modem_speeds) / sizeof(*modem_speeds); i++) {
		if (modem_speeds[i] == baud) {
			c->speed = baud;
			return CMD_OK;
		}
	}
	return cmd_error(ctx, "invalid speed '%s'", av[0]);
}

/*
 * `set modem script|idle-script {label}`; arg says which.  One word is
 * required even though the template shows it optional ("" clears it),
 * which is mpd5's behaviour (spec 13 #21).
 */
static int
modem_set_script(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	const bool *idle = arg;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 1)
		return CMD_ERR_USAGE;
	if (*idle)
		util_strlcpy(c->idle_script, av[0], sizeof(c->idle_script));
	else
		util_strlcpy(c->conn_script, av[0], sizeof(c->conn_script));
	return CMD_OK;
}

/* `set modem var ${var} {string}`: preset (or replace) a chat variable. */
static int
modem_set_var(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	struct modem_var *v, **tail;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac != 2)
		return CMD_ERR_USAGE;
	for (tail = &c->vars; (v = *tail) != NULL; tail = &v->next) {
		if (strcmp(v->name, av[0]) == 0) {
			mem_free(v->value);
			v->value = mem_strdup("phys", av[1]);
			return CMD_OK;
		}
	}
	v = mem_alloc("phys", sizeof(*v));
	v->name = mem_strdup("phys", av[0]);
	v->value = mem_strdup("phys", av[1]);
	*tail = v;
	return CMD_OK;
}

/*
 * `set modem watch [+|-cd] [+|-dsr]`: each word adds (no sign or '+') or
 * removes ('-') a line; unknown names are reported and skipped.
 */
static int
modem_set_watch(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct modem_conf *c = modem_conf_of(ctx);
	const char *w;
	unsigned bit;
	bool add;
	int i;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	for (i = 0; i < ac; i++) {
		w = av[i];
		add = true;
		if (*w == '+') {
			w++;
		} else if (*w == '-') {
			add = false;
			w++;
		}
		if (strcasecmp(w, "cd") == 0) {
			bit = MODEM_WATCH_CD;
		} else if (strcasecmp(w, "dsr") == 0) {
			bit = MODEM_WATCH_DSR;
		} else {
			cmd_printf(ctx, "[%s] modem signal \"%s\" is unknown\n",
			    ctx->lnk->name, w);
			continue;
		}
		if (add)
			c->watch |= bit;
		else
			c->watch &= ~bit;
	}
	return CMD_OK;
}

static const bool modem_arg_conn = false;
static const bool modem_arg_idle = true;

const struct cmdtab modem_set_cmds[] = {
	{ .name = "device {name}", .desc = "Set modem device",
	  .func = modem_set_device, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "speed {port-speed}", .desc = "Set modem speed",
	  .func = modem_set_speed, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "script [{label}]", .desc = "Set connect script",
	  .func = modem_set_script, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &modem_arg_conn },
	{ .name = "idle-script [{label}]", .desc = "Set idle script",
	  .func = modem_set_script, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &modem_arg_idle },
	{ .name = "var ${var} {string}", .desc = "Set script variable",
	  .func = modem_set_var, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "watch [+|-cd] [+|-dsr]", .desc = "Set signals to monitor",
	  .func = modem_set_watch, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

/* The modem block of `show device` (spec 5.6). */
static void
modem_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct modem_conf *c = l->dev_conf;

	cmd_printf(ctx, "Modem info:\n");
	cmd_printf(ctx, "\tDevice       : %s\n", c->device);
	cmd_printf(ctx, "\tPort speed   : %d baud\n", c->speed);
	cmd_printf(ctx, "\tConn. script : \"%s\"\n", c->conn_script);
	cmd_printf(ctx, "\tIdle script  : \"%s\"\n", c->idle_script);
	cmd_printf(ctx, "\tPins to watch: %s%s\n",
	    (c->watch & MODEM_WATCH_CD) ? "CD " : "",
	    (c->watch & MODEM_WATCH_DSR) ? "DSR" : "");
	cmd_printf(ctx, "Modem status:\n");
	/* Line state and async stats follow once the device is not DOWN. */
}

const struct phys_type phys_modem = {
	.name		= "modem",
	.descr		= "Serial port modem",
	.mtu		= MODEM_MTU,
	.mru		= MODEM_MTU,
	.tmpl		= false,
	.synchronous	= false,
	.dflt_bandwidth	= 28800,	/* a ~33.6k modem */
	.dflt_latency	= 10000,	/* 10 ms */
	.cmds		= modem_set_cmds,
	.conf_new	= modem_conf_new,
	.conf_dup	= modem_conf_dup,
	.conf_free	= modem_conf_free,
	.show		= modem_show,
};
