/*
 * bund.c - bundle objects: creation, template instances, ngN interface
 * names, destruction, lookup and the `bundle` context command (surface
 * spec 4.1, 10.1, 10.2).  The session life cycle (links joining, NCPs,
 * data path) is in bund_run.c.
 */
#include "bund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "../link/devices.h"
#include "bund_local.h"
#include "ipv6cp.h"
#include "link.h"

struct bund	**g_bunds;
int		  g_nbunds;

static uint64_t	  bund_serial;

struct bund *
bund_find(const char *name)
{
	int i;

	for (i = 1; i < g_nbunds; i++)
		if (g_bunds[i] != NULL && strcmp(g_bunds[i]->name, name) == 0)
			return g_bunds[i];
	return NULL;
}

static int
bund_slot(void)
{
	int i, n;

	for (i = 1; i < g_nbunds; i++)
		if (g_bunds[i] == NULL)
			return i;
	n = g_nbunds ? g_nbunds * 2 : 16;
	g_bunds = mem_realloc("bund", g_bunds, (size_t)n * sizeof(*g_bunds));
	i = g_nbunds ? g_nbunds : 1;
	g_nbunds = n;
	return i;
}

/*
 * An instance of a template takes the template's `set iface name` plus its
 * index (spec 4.4.2); otherwise it keeps its ngN name.
 */
static void
bund_inst_iface(struct bund *b)
{
	iface_conf_inst(&b->iface_conf, b->id);
	if (b->iface_conf.name[0] != '\0')
		util_strlcpy(b->iface.ifname, b->iface_conf.name,
		    sizeof(b->iface.ifname));
}

/*
 * ngN numbers in use, one bit each: a new bundle takes the lowest free N
 * (as mpd5 does) without comparing names against every other bundle,
 * which made setting up thousands of sessions quadratic.
 */
static uint64_t	*bund_ng_used;
static int	 bund_ng_words;

/* Room for bit n in the map. */
static void
bund_ng_grow(int n)
{
	int words = bund_ng_words ? bund_ng_words : 4;

	while (n / 64 >= words)
		words *= 2;
	if (words == bund_ng_words)
		return;
	bund_ng_used = mem_realloc("bund", bund_ng_used,
	    (size_t)words * sizeof(*bund_ng_used));
	memset(bund_ng_used + bund_ng_words, 0,
	    (size_t)(words - bund_ng_words) * sizeof(*bund_ng_used));
	bund_ng_words = words;
}

static int
bund_ng_take(void)
{
	int w, bit;

	for (w = 0; w < bund_ng_words; w++)
		if (bund_ng_used[w] != UINT64_MAX)
			break;
	bund_ng_grow(w * 64);
	bit = __builtin_ctzll(~bund_ng_used[w]);
	bund_ng_used[w] |= 1ull << bit;
	return w * 64 + bit;
}

bool
bund_ng_claim(int n)
{
	if (n < 0)
		return false;
	bund_ng_grow(n);
	if (bund_ng_used[n / 64] & (1ull << (n % 64)))
		return false;
	bund_ng_used[n / 64] |= 1ull << (n % 64);
	return true;
}

void
bund_ng_unclaim(int n)
{
	if (n >= 0 && n / 64 < bund_ng_words)
		bund_ng_used[n / 64] &= ~(1ull << (n % 64));
}

static void
bund_ng_release(const struct bund *b)
{
	if (b->tmpl || strncmp(b->iface.ngname, "ng", 2) != 0)
		return;
	bund_ng_unclaim(atoi(b->iface.ngname + 2));
}

/* Lowest N for which no bundle uses the interface name ngN. */
static void
bund_ngname(struct bund *b)
{
	char name[IFNAMSIZ];

	snprintf(name, sizeof(name), "ng%d", bund_ng_take());
	util_strlcpy(b->iface.ngname, name, sizeof(b->iface.ngname));
	util_strlcpy(b->iface.ifname, name, sizeof(b->iface.ifname));
}

static void bund_port(int type, void *arg);

static struct bund *
bund_alloc(const char *name, bool tmpl, bool stay)
{
	struct bund *b = mem_alloc("bund", sizeof(*b));

	util_strlcpy(b->name, name, sizeof(b->name));
	b->id = bund_slot();
	b->serial = ++bund_serial;
	b->tmpl = tmpl;
	b->stay = stay;
	msg_port_init(&b->port, "bund", bund_port);
	g_bunds[b->id] = b;
	if (!tmpl)
		bund_ngname(b);
	return b;
}

static void
bund_free(struct bund *b)
{
	bund_run_free(b);
	iface_destroy(b);
	bund_ng_release(b);
	iface_conf_free(&b->iface_conf);
	nat_conf_free(&b->nat_conf);
	msg_port_cancel(&b->port);
	mem_free(b);
}

static void
bund_port(int type, void *arg)
{
	switch (type) {
	case MSG_SHUTDOWN:
		bund_free(arg);
		break;
	case MSG_OPEN:
	case MSG_CLOSE:
		bund_run_msg(arg, type);
		break;
	default:
		break;
	}
}

static void
bund_copy_conf(struct bund *dst, const struct bund *src)
{
	dst->conf = src->conf;
	iface_conf_copy(&dst->iface_conf, &src->iface_conf);
	dst->ipcp_conf = src->ipcp_conf;
	dst->ipv6cp_conf = src->ipv6cp_conf;
	dst->ccp_conf = src->ccp_conf;
	dst->ecp_conf = src->ecp_conf;
	nat_conf_copy(&dst->nat_conf, &src->nat_conf);
}

struct bund *
bund_create(struct cmd_ctx *ctx, const char *name, const char *tmpl_name,
    bool tmpl, bool stay)
{
	struct bund *b, *parent = NULL;

	if (strlen(name) >= (tmpl ? TMPL_MAX_NAME + 1 : BUND_MAX_NAME)) {
		cmd_error(ctx, "Bundle name \"%s\" is too long", name);
		return NULL;
	}
	if (bund_find(name) != NULL) {
		cmd_error(ctx, "Bundle \"%s\" already exists", name);
		return NULL;
	}
	if (tmpl_name != NULL) {
		parent = bund_find(tmpl_name);
		if (parent == NULL || !parent->tmpl) {
			cmd_error(ctx, "Bundle template \"%s\" not found",
			    tmpl_name);
			return NULL;
		}
	}
	b = bund_alloc(name, tmpl, stay);
	if (parent != NULL) {
		bund_copy_conf(b, parent);
		if (!tmpl) {
			b->parent = parent;
			parent->children++;
			bund_inst_iface(b);
		}
	} else
		bund_conf_defaults(b);
	/* The device takes its final name; failure is logged, b lives on. */
	if (!tmpl)
		(void)iface_create(b);
	log_msg(LG_BUND, "[%s] Bundle: created%s%s", b->name,
	    tmpl ? " (template)" : "", stay ? " (static)" : "");
	return b;
}

struct bund *
bund_inst(struct bund *t, const char *name, bool stay)
{
	char buf[BUND_MAX_NAME + 8];
	struct bund *b = bund_alloc("", false, stay);

	if (name == NULL) {
		snprintf(buf, sizeof(buf), "%s-%d", t->name, b->id);
		name = buf;
	}
	util_strlcpy(b->name, name, sizeof(b->name));
	bund_copy_conf(b, t);
	bund_inst_iface(b);
	b->parent = t;
	t->children++;
	(void)iface_create(b);
	return b;
}

void
bund_destroy(struct bund *b)
{
	int i;

	if (b->dying)
		return;
	b->dying = true;
	/* No NCP timer may fire on a bundle that is going away. */
	if (b->ipcp != NULL)
		fsm_stop(&b->ipcp->fsm);
	if (b->ipv6cp != NULL)
		fsm_stop(&b->ipv6cp->fsm);
	for (i = 0; i < MAX_LINKS_PER_BUND; i++) {
		if (b->links[i] != NULL && b->links[i]->bund == b)
			b->links[i]->bund = NULL;
		b->links[i] = NULL;
	}
	b->n_links = 0;
	b->n_up = 0;
	b->joined = 0;
	if (b->parent != NULL)
		b->parent->children--;
	b->parent = NULL;
	g_bunds[b->id] = NULL;
	log_msg(LG_BUND, "[%s] Bundle: destroyed", b->name);
	msg_send(&b->port, MSG_SHUTDOWN, b);
}

void
bund_shutdown_all(void)
{
	int i;

	for (i = 1; i < g_nbunds; i++)
		if (g_bunds[i] != NULL)
			bund_destroy(g_bunds[i]);
	while (msg_dispatch())
		;
	mem_free(g_bunds);
	g_bunds = NULL;
	g_nbunds = 0;
}

/* ---- commands ---- */

int
bund_cmd_create(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	bool tmpl = false, stay = false;
	struct bund *b;

	(void)a;
	if (ac >= 1 && strcmp(av[0], "template") == 0) {
		tmpl = true;
		av++;
		ac--;
	} else if (ac >= 1 && strcmp(av[0], "static") == 0) {
		stay = true;
		av++;
		ac--;
	}
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	b = bund_create(ctx, av[0], ac == 2 ? av[1] : NULL, tmpl, stay);
	if (b == NULL)
		return CMD_ERR_OTHER;
	cmd_ctx_set(ctx, NULL, b, NULL);
	return CMD_OK;
}

int
bund_cmd_destroy(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct bund *b;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 1) {
		b = bund_find(av[0]);
		if (b == NULL)
			return cmd_error(ctx, "Bundle \"%s\" not found", av[0]);
	} else {
		b = ctx->bund;
		if (b == NULL)
			return cmd_error(ctx, "No bundle selected to destroy");
	}
	if (b->tmpl && b->children > 0)
		return cmd_error(ctx, "Bundle template \"%s\" has %d "
		    "instances", b->name, b->children);
	if (b->iface.up)
		return cmd_error(ctx, "Bundle \"%s\" is active, close it first",
		    b->name);
	bund_destroy(b);
	cmd_ctx_validate(ctx);
	return CMD_OK;
}

int
bund_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct link *l;
	struct bund *b;
	int i, k;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0) {
		cmd_printf(ctx, "Defined bundles:\n");
		for (i = 1; i < g_nbunds; i++) {
			b = g_bunds[i];
			if (b == NULL)
				continue;
			cmd_printf(ctx, "\t%-15s", b->name);
			for (k = 0; k < b->n_links; k++)
				cmd_printf(ctx, "%s ", b->links[k]->name);
			cmd_printf(ctx, "\n");
		}
		return CMD_OK;
	}
	b = bund_find(av[0]);
	if (b == NULL) {
		cmd_ctx_set(ctx, NULL, NULL, NULL);
		return cmd_error(ctx, "Bundle \"%s\" not defined", av[0]);
	}
	l = ctx->lnk;
	if (l == NULL || l->bund != b)
		l = b->n_links > 0 ? b->links[0] : NULL;
	cmd_ctx_set(ctx, l, b, NULL);
	return CMD_OK;
}
