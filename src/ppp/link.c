/*
 * link.c - link objects: creation from device types and templates,
 * instances, destruction, lookup and the `link` context command
 * (surface spec 4.1, 10.1, 10.2).
 */
#include "link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../auth/auth.h"
#include "../auth/eap.h"
#include "../auth/radius.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../link/devices.h"
#include "bund.h"
#include "rep.h"

struct link	**g_links;
int		  g_nlinks;
int		  g_link_children;

static uint64_t	  link_serial;

const char *
link_phys_state_name(enum phys_state st)
{
	switch (st) {
	case PHYS_STATE_DOWN:
		return "DOWN";
	case PHYS_STATE_CONNECTING:
		return "CONNECTING";
	case PHYS_STATE_READY:
		return "READY";
	case PHYS_STATE_UP:
		return "UP";
	}
	return "???";
}

struct link *
link_find(const char *name)
{
	int i;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL && strcmp(g_links[i]->name, name) == 0)
			return g_links[i];
	return NULL;
}

struct link *
link_by_id(int id)
{
	if (id <= 0 || id >= g_nlinks)
		return NULL;
	return g_links[id];
}

/* Lowest free slot, growing the array when full. */
static int
link_slot(void)
{
	int i, n;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] == NULL)
			return i;
	n = g_nlinks ? g_nlinks * 2 : 16;
	g_links = mem_realloc("link", g_links, (size_t)n * sizeof(*g_links));
	i = g_nlinks ? g_nlinks : 1;
	g_nlinks = n;
	return i;
}

static void link_port(int type, void *arg);

static struct link *
link_alloc(const char *name, bool tmpl, bool stay)
{
	struct link *l = mem_alloc("link", sizeof(*l));

	util_strlcpy(l->name, name, sizeof(l->name));
	l->id = link_slot();
	l->serial = ++link_serial;
	l->tmpl = tmpl;
	l->stay = stay;
	l->state = PHYS_STATE_DOWN;
	l->lcp_state = FSM_ST_INITIAL;
	msg_port_init(&l->port, "link", link_port);
	g_links[l->id] = l;
	return l;
}

static void
link_free(struct link *l)
{
	if (l->type != NULL && l->dev_conf != NULL)
		l->type->conf_free(l->dev_conf);
	radius_conf_free(l->radius);
	eap_conf_free(l->eap);
	link_actions_free(l->actions);
	msg_port_cancel(&l->port);
	memset(&l->auth, 0, sizeof(l->auth));
	mem_free(l);
}

static void
link_port(int type, void *arg)
{
	struct link *l = arg;

	if (type == MSG_SHUTDOWN)
		link_free(l);
}

/* Copy a link's settings into a new link (template instantiation). */
static void
link_copy_conf(struct link *dst, const struct link *src)
{
	dst->type = src->type;
	dst->dev_conf = src->type->conf_dup(src->dev_conf);
	dst->conf = src->conf;
	dst->auth = src->auth;
	dst->actions = link_actions_dup(src->actions);
	dst->radius = radius_conf_dup(src->radius);
	dst->eap = eap_conf_dup(src->eap);
}

static bool
name_is_type(const char *name)
{
	return phys_type_find(name) != NULL;
}

struct link *
link_create(struct cmd_ctx *ctx, const char *name, const char *tmpl_or_type,
    bool tmpl, bool stay)
{
	const struct phys_type *pt;
	struct link *l, *parent = NULL;

	if (strlen(name) >= (tmpl ? TMPL_MAX_NAME + 1 : LINK_MAX_NAME)) {
		cmd_error(ctx, "Link name \"%s\" is too long", name);
		return NULL;
	}
	if (name_is_type(name)) {
		cmd_error(ctx, "Name \"%s\" is reserved by device type", name);
		return NULL;
	}
	if (link_find(name) != NULL) {
		cmd_error(ctx, "Link \"%s\" already exists", name);
		return NULL;
	}
	pt = phys_type_find(tmpl_or_type);
	if (pt == NULL) {
		parent = link_find(tmpl_or_type);
		if (parent == NULL || !parent->tmpl) {
			cmd_error(ctx, "Link template \"%s\" not found",
			    tmpl_or_type);
			return NULL;
		}
		pt = parent->type;
	}
	if (tmpl && !pt->tmpl) {
		cmd_error(ctx, "Link type \"%s\" does not support templating",
		    pt->name);
		return NULL;
	}
	l = link_alloc(name, tmpl, stay);
	if (parent != NULL) {
		link_copy_conf(l, parent);
		if (!tmpl) {
			l->parent = parent;
			parent->children++;
			g_link_children++;
		}
	} else {
		l->type = pt;
		l->dev_conf = pt->conf_new();
		link_conf_defaults(l);
		auth_conf_defaults(&l->auth);
		l->radius = radius_conf_new();
		l->eap = eap_conf_new();
	}
	log_msg(LG_LINK, "[%s] Link: created%s%s", l->name,
	    tmpl ? " (template)" : "", stay ? " (static)" : "");
	return l;
}

struct link *
link_inst(struct link *t, const char *name, bool stay)
{
	char buf[LINK_MAX_NAME + 8];
	struct link *l;

	if (t->conf.max_children != 0 && t->children >= t->conf.max_children)
		return NULL;
	if (g_link_children >= g_global.max_children)
		return NULL;
	l = link_alloc("", false, stay);
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "%s-%d", t->name, l->id);
		name = buf;
	}
	util_strlcpy(l->name, name, sizeof(l->name));
	link_copy_conf(l, t);
	l->parent = t;
	t->children++;
	g_link_children++;
	return l;
}

/* Remove l from its bundle's member list. */
static void
link_leave_bund(struct link *l)
{
	struct bund *b = l->bund;
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n_links; i++)
		if (b->links[i] == l) {
			memmove(&b->links[i], &b->links[i + 1],
			    (size_t)(b->n_links - i - 1) * sizeof(b->links[0]));
			b->n_links--;
			break;
		}
	l->bund = NULL;
}

void
link_destroy(struct link *l)
{
	if (l->dying)
		return;
	l->dying = true;
	link_leave_bund(l);
	if (l->parent != NULL) {
		l->parent->children--;
		g_link_children--;
		l->parent = NULL;
	}
	g_links[l->id] = NULL;
	log_msg(LG_LINK, "[%s] Link: destroyed", l->name);
	msg_send(&l->port, MSG_SHUTDOWN, l);
}

void
link_shutdown_all(void)
{
	int i;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL)
			link_destroy(g_links[i]);
	while (msg_dispatch())
		;
	mem_free(g_links);
	g_links = NULL;
	g_nlinks = 0;
}

/* ---- commands ---- */

int
link_cmd_create(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	bool tmpl = false, stay = false;
	struct link *l;

	(void)a;
	if (ac == 3) {
		if (strcmp(av[0], "template") == 0)
			tmpl = true;
		else if (strcmp(av[0], "static") == 0)
			stay = true;
		else
			return CMD_ERR_USAGE;
		av++;
		ac--;
	}
	if (ac != 2)
		return CMD_ERR_USAGE;
	l = link_create(ctx, av[0], av[1], tmpl, stay);
	if (l == NULL)
		return CMD_ERR_OTHER;
	cmd_ctx_set(ctx, l, NULL, NULL);
	return CMD_OK;
}

int
link_cmd_destroy(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct link *l;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 1) {
		l = link_find(av[0]);
		if (l == NULL)
			return cmd_error(ctx, "Link \"%s\" not found", av[0]);
	} else {
		l = ctx->lnk;
		if (l == NULL)
			return cmd_error(ctx, "No link selected to destroy");
	}
	if (l->tmpl && l->children > 0)
		return cmd_error(ctx, "Link template \"%s\" has %d instances",
		    l->name, l->children);
	if (l->state != PHYS_STATE_DOWN)
		return cmd_error(ctx, "Link \"%s\" is active, close it first",
		    l->name);
	link_destroy(l);
	cmd_ctx_validate(ctx);
	return CMD_OK;
}

int
link_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct link *l = NULL;
	int i;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0) {
		cmd_printf(ctx, "Defined links:\n");
		for (i = 1; i < g_nlinks; i++) {
			l = g_links[i];
			if (l == NULL)
				continue;
			cmd_printf(ctx, "\t%-15s%s\n", l->name,
			    l->bund ? l->bund->name :
			    (l->rep ? l->rep->name : ""));
		}
		return CMD_OK;
	}
	if (av[0][0] == '[') {
		char *end;
		long id = strtol(av[0] + 1, &end, 16);

		if (*end == ']' && end[1] == '\0')
			l = link_by_id((int)id);
	} else
		l = link_find(av[0]);
	if (l == NULL) {
		cmd_ctx_set(ctx, NULL, NULL, NULL);
		return cmd_error(ctx, "Link \"%s\" is not defined", av[0]);
	}
	cmd_ctx_set(ctx, l, l->bund, NULL);
	return CMD_OK;
}
