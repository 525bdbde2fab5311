/*
 * link.c - link objects: creation from device types and templates,
 * instances, destruction, lookup and the `link` context command
 * (surface spec 4.1, 10.1, 10.2), and the life cycle of a link
 * (spec 10.3, 10.4, 5.4; RFC 1661 2, 6.5, 6.6):
 *
 *   - administrative open/close (`open link`, SIGUSR1, bundles, demand)
 *     and the "link" and "device" layers of `open`/`close`;
 *   - the device's up/down/input callbacks, handled from the message
 *     queue so that no layer runs inside the device's own callback;
 *   - framing: address/control and protocol fields, with ACFC and PFC
 *     once LCP negotiated them (never on LCP packets);
 *   - redial: while administratively open, a link we dialled that drops
 *     is reopened after redial-delay + 0..3 s, max-redial times (-1
 *     never, 0 forever); then, as every link that ends a session, a
 *     non-static link is destroyed;
 *   - incoming calls on links and templates (link_incoming());
 *   - up/down reasons and the session id "<unix time mod 10^7>-<name>".
 */
#include "link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../auth/auth.h"
#include "../auth/eap.h"
#include "../auth/radius.h"
#include "../core/event.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../ctl/ctl.h"
#include "../link/devices.h"
#include "bund.h"
#include "lcp.h"
#include "proto.h"
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
static void link_redial_timeout(void *arg);

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
	timer_init(&l->redial_timer, "Redial", 1000, link_redial_timeout, l);
	lcp_init(l);
	auth_init(l);
	g_links[l->id] = l;
	return l;
}

static void
link_free(struct link *l)
{
	timer_stop(&l->redial_timer);
	lcp_fini(l);
	auth_fini(l);
	/* The device may still report down from here: l is dying. */
	if (l->type != NULL) {
		if (l->state != PHYS_STATE_DOWN)
			phys_close(l);
		phys_shutdown(l);
	}
	if (l->type != NULL && l->dev_conf != NULL)
		l->type->conf_free(l->dev_conf);
	radius_conf_free(l->radius);
	eap_conf_free(l->eap);
	link_actions_free(l->actions);
	msg_port_cancel(&l->port);
	memset(&l->auth, 0, sizeof(l->auth));
	mem_free(l);
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

	/* max-children 0 disables the template (spec 4.5.1) */
	if (t->children >= t->conf.max_children)
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

/* Unlink l now; the memory goes on the message queue (MSG_SHUTDOWN). */
static void
link_destroy_now(struct link *l)
{
	int i;

	if (l->dying)
		return;
	l->dying = true;
	timer_stop(&l->redial_timer);
	lcp_fini(l);
	link_leave_bund(l);
	if (l->parent != NULL) {
		l->parent->children--;
		g_link_children--;
		l->parent = NULL;
	}
	/* A template's instances live on as orphans (mpd5). */
	for (i = 1; l->children > 0 && i < g_nlinks; i++)
		if (g_links[i] != NULL && g_links[i]->parent == l) {
			g_links[i]->parent = NULL;
			l->children--;
			g_link_children--;
		}
	g_links[l->id] = NULL;
	log_msg(LG_LINK, "[%s] Link: destroyed", l->name);
	msg_send(&l->port, MSG_SHUTDOWN, l);
}

/* Nothing running: device down, LCP Initial, no redial, no event due. */
static bool
link_idle(const struct link *l)
{
	return l->state == PHYS_STATE_DOWN && !l->up_pending &&
	    l->lcp.fsm.state == FSM_ST_INITIAL &&
	    !timer_running(&l->redial_timer);
}

/* Destroy l now, or close it first when active (see link.h). */
void
link_destroy(struct link *l)
{
	if (l->dying)
		return;
	if (!l->tmpl && !link_idle(l)) {
		/* Close first; destroyed once down (link_check_die()). */
		l->stay = false;
		l->die = true;
		link_close(l, NULL);
		return;
	}
	link_destroy_now(l);
}

/* A link marked to die goes once it is completely down. */
static void
link_check_die(struct link *l)
{
	if (l->die && !l->stay && !l->dying &&
	    l->lcp.fsm.state == FSM_ST_INITIAL &&
	    l->state == PHYS_STATE_DOWN && !l->up_pending)
		link_destroy_now(l);
}

/* Daemon exit: tear every link down at once and free it. */
void
link_shutdown_all(void)
{
	struct link *l;
	int i;

	for (i = 1; i < g_nlinks; i++) {
		if ((l = g_links[i]) == NULL)
			continue;
		/* Tear the layers down without waiting for the peer. */
		if (!l->tmpl && !l->dying) {
			l->admin_open = false;
			timer_stop(&l->redial_timer);
			lcp_down(l);
			lcp_close(l);
		}
		link_destroy_now(l);
	}
	while (msg_dispatch())
		;
	mem_free(g_links);
	g_links = NULL;
	g_nlinks = 0;
}

/* ---- up/down reasons ---- */

/* Record the session's down reason; the first one wins. */
void
link_set_down_reason(struct link *l, const char *reason)
{
	if (reason == NULL || l->down_reason[0] != '\0')
		return;
	util_strlcpy(l->down_reason, reason, sizeof(l->down_reason));
	l->down_reason_stale[0] = '\0';
}

static void
link_set_up_reason(struct link *l, const char *reason)
{
	if (reason == NULL || l->up_reason_set)
		return;
	util_strlcpy(l->up_reason, reason, sizeof(l->up_reason));
	l->up_reason_set = true;
}

/* A new attempt: the last down reason becomes history (mpd5). */
static void
link_new_attempt(struct link *l)
{
	if (l->down_reason[0] != '\0') {
		util_strlcpy(l->down_reason_stale, l->down_reason,
		    sizeof(l->down_reason_stale));
		l->down_reason[0] = '\0';
	}
}

/* ---- the device ---- */

/* Open the device; a type that cannot reports failure at once. */
static void
link_phys_open(struct link *l)
{
	if (l->dying || l->state != PHYS_STATE_DOWN)
		return;
	link_new_attempt(l);
	if (phys_open(l) < 0 && l->state == PHYS_STATE_DOWN)
		link_phys_down(l, "Connection failed");
}

/* Device callback: connected; handled from the queue. */
void
link_phys_up(struct link *l)
{
	if (l->dying)
		return;
	l->state = PHYS_STATE_UP;
	l->up_pending = true;
	msg_send(&l->port, MSG_UP, l);
}

/* Device callback: hung up; handled from the queue. */
void
link_phys_down(struct link *l, const char *reason)
{
	if (l->dying)
		return;
	link_set_down_reason(l, reason);
	l->state = PHYS_STATE_DOWN;
	l->up_pending = false;
	l->up_reason_set = false;
	msg_send(&l->port, MSG_DOWN, l);
}

/* MSG_UP: the device is connected; LCP may start. */
static void
link_up_event(struct link *l)
{
	if (!l->up_pending)
		return;
	l->up_pending = false;
	log_msg(LG_LINK, "[%s] Link: UP event", l->name);
	snprintf(l->session_id, sizeof(l->session_id), "%ld-%s",
	    (long)(time(NULL) % 10000000), l->name);
	l->up_time = event_now_sec();
	if (!l->admin_open) {
		/* An incoming call (or `open device`): take it. */
		l->admin_open = true;
		lcp_open(l);
	}
	lcp_up(l);
}

/* MSG_DOWN: the device hung up.  Redial, or give up. */
static void
link_down_event(struct link *l)
{
	const struct link_conf *c = &l->conf;
	int delay;

	log_msg(LG_LINK, "[%s] Link: DOWN event", l->name);
	l->up_time = 0;
	l->session_id[0] = '\0';
	if (l->admin_open && l->originated &&
	    (c->max_redial == 0 || l->num_redial < c->max_redial)) {
		/* The timer first: LCP's tls must not reopen at once. */
		delay = (c->redial_delay < 1 ? 1 : c->redial_delay) +
		    (int)(lcp_new_magic() & 3);
		timer_init(&l->redial_timer, "Redial", (uint32_t)delay * 1000u,
		    link_redial_timeout, l);
		timer_start(&l->redial_timer);
		lcp_down(l);
		l->num_redial++;
		log_msg(LG_LINK, "[%s] Link: reconnection attempt %d in %d "
		    "seconds", l->name, l->num_redial, delay);
	} else {
		if (l->admin_open && l->originated && c->max_redial >= 0)
			log_msg(LG_LINK, "[%s] Link: giving up after %d "
			    "reconnection attempts", l->name, l->num_redial);
		if (!l->stay)
			l->die = true;
		if (l->admin_open) {
			l->admin_open = false;
			lcp_close(l);
		}
		lcp_down(l);
	}
	link_check_die(l);
}

static void
link_redial_timeout(void *arg)
{
	struct link *l = arg;

	if (l->dying || !l->admin_open)
		return;
	log_msg(LG_LINK, "[%s] Link: reconnection attempt %d", l->name,
	    l->num_redial);
	link_set_up_reason(l, "Redial");
	link_phys_open(l);
}

/* LCP This-Layer-Started: open the device if it is idle. */
void
link_lcp_start(struct link *l)
{
	if (l->admin_open && l->state == PHYS_STATE_DOWN &&
	    !timer_running(&l->redial_timer))
		link_phys_open(l);
}

/* LCP This-Layer-Finished: close the device. */
void
link_lcp_finish(struct link *l)
{
	/* A repeater relays the device; LCP has no say over it. */
	if (!l->dying && l->rep == NULL && l->state != PHYS_STATE_DOWN)
		phys_close(l);
}

/* LCP changed state: keep the mirror for `show`. */
void
link_lcp_state(struct link *l, enum fsm_state st)
{
	l->lcp_state = st;
}

/* ---- administrative open / close ---- */

/* Administrative open (queued); reason is the up reason. */
void
link_open(struct link *l, const char *reason)
{
	if (l->dying || l->tmpl)
		return;
	link_set_up_reason(l, reason);
	msg_send(&l->port, MSG_OPEN, l);
}

/* Administrative close (queued); reason is the down reason. */
void
link_close(struct link *l, const char *reason)
{
	if (l->dying || l->tmpl)
		return;
	link_set_down_reason(l, reason);
	msg_send(&l->port, MSG_CLOSE, l);
}

static void
link_port(int type, void *arg)
{
	struct link *l = arg;

	if (type == MSG_SHUTDOWN) {
		link_free(l);
		return;
	}
	if (l->dying)
		return;
	switch (type) {
	case MSG_OPEN:
		log_msg(LG_LINK, "[%s] Link: OPEN event", l->name);
		if (l->state == PHYS_STATE_DOWN && !l->up_pending)
			l->originated = true;
		l->admin_open = true;
		l->num_redial = 0;
		lcp_open(l);
		break;
	case MSG_CLOSE:
		log_msg(LG_LINK, "[%s] Link: CLOSE event", l->name);
		l->admin_open = false;
		timer_stop(&l->redial_timer);
		lcp_close(l);
		/* A device up without LCP (incoming being set up). */
		if (l->lcp.fsm.state == FSM_ST_INITIAL &&
		    l->state != PHYS_STATE_DOWN)
			phys_close(l);
		link_check_die(l);
		break;
	case MSG_UP:
		link_up_event(l);
		break;
	case MSG_DOWN:
		link_down_event(l);
		break;
	default:
		break;
	}
}

/* An incoming call on t: the link to use, or NULL. */
struct link *
link_incoming(struct link *t)
{
	struct link *l;

	if (t->dying)
		return NULL;
	if (!t->tmpl) {
		if (t->state != PHYS_STATE_DOWN || t->up_pending)
			return NULL;
		l = t;
	} else {
		l = link_inst(t, NULL, false);
		if (l == NULL) {
			log_msg(LG_LINK, "[%s] Link: max-children reached, "
			    "call refused", t->name);
			return NULL;
		}
		log_msg(LG_LINK, "[%s] Link: created from template %s",
		    l->name, t->name);
	}
	l->originated = false;
	link_new_attempt(l);
	l->up_reason_set = false;
	link_set_up_reason(l, "Incoming call");
	return l;
}

/* ---- frames ---- */

/* Frame and send one PPP packet; consumes m. */
int
link_xmit(struct link *l, uint16_t proto, struct mbuf *m)
{
	const struct lcp *lcp = &l->lcp;
	bool opened = lcp->fsm.state == FSM_ST_OPENED;
	char cap[64];
	uint8_t *p;

	if (m == NULL)
		return -1;
	if (l->dying || l->state != PHYS_STATE_UP) {
		mb_free(m);
		return -1;
	}
	/* PFC: protocols below 0x100 in one byte, once negotiated. */
	if (opened && lcp->peer.pfcomp && proto < 0x100) {
		if ((p = mb_prepend(m, 1)) == NULL)
			goto fail;
		p[0] = (uint8_t)proto;
	} else {
		if ((p = mb_prepend(m, 2)) == NULL)
			goto fail;
		p[0] = (uint8_t)(proto >> 8);
		p[1] = (uint8_t)proto;
	}
	/* ACFC: never on LCP packets (RFC 1661 6.6). */
	if (!(opened && lcp->peer.acfcomp && proto != PROTO_LCP)) {
		if ((p = mb_prepend(m, 2)) == NULL)
			goto fail;
		p[0] = 0xff;
		p[1] = 0x03;
	}
	l->out_frames++;
	l->out_octets += m->len;
	l->lcp.tx_frames++;
	l->lcp.tx_octets += m->len;
	if (log_on(LG_FRAME)) {
		snprintf(cap, sizeof(cap), "[%s] xmit frame to link "
		    "proto=0x%04x", l->name, proto);
		log_dump(LG_FRAME, cap, m->data, (unsigned)m->len);
	}
	return phys_send(l, m);
fail:
	mb_free(m);
	return -1;
}

/* Device callback: one received frame; consumes m. */
void
link_phys_input(struct link *l, struct mbuf *m)
{
	struct lcp *lcp = &l->lcp;
	const uint8_t *p;
	uint16_t proto;
	size_t hl;
	char cap[64];

	if (l->dying || l->state != PHYS_STATE_UP) {
		mb_free(m);
		return;
	}
	/* Data can arrive before the queued UP event: handle it first. */
	if (l->up_pending)
		link_up_event(l);
	l->in_frames++;
	l->in_octets += m->len;
	lcp->rx_frames++;
	lcp->rx_octets += m->len;

	p = m->data;
	if (m->len >= 2 && p[0] == 0xff && p[1] == 0x03) {
		mb_trim_head(m, 2);
		p = m->data;
	}
	hl = proto_field_get(p, m->len, &proto);
	if (hl == 0) {
		/* too short, or a protocol field that is not odd */
		lcp->rx_runts++;
		log_msg(LG_LINK, "[%s] Link: bad frame of %zu bytes dropped",
		    l->name, m->len);
		mb_free(m);
		return;
	}
	mb_trim_head(m, hl);
	if (log_on(LG_FRAME)) {
		snprintf(cap, sizeof(cap), "[%s] rec'd frame from link "
		    "proto=0x%04x", l->name, proto);
		log_dump(LG_FRAME, cap, m->data, (unsigned)m->len);
	}
	proto_input(l, proto, m);
}

/* ---- the "link" and "device" layers of open / close ---- */

static int
link_layer_cmd(struct cmd_ctx *ctx, bool open)
{
	if (open)
		link_open(ctx->lnk, "Manual");
	else
		link_close(ctx->lnk, "Manual");
	return CMD_OK;
}

static int
device_layer_cmd(struct cmd_ctx *ctx, bool open)
{
	struct link *l = ctx->lnk;

	if (!open) {
		phys_close(l);
		return CMD_OK;
	}
	if (l->state == PHYS_STATE_DOWN) {
		l->originated = true;
		link_set_up_reason(l, "Manual");
		link_phys_open(l);
	}
	return CMD_OK;
}

/* Register the "link" and "device" layers of open/close. */
void
link_layer_init(void)
{
	ctl_set_layer_hook("link", link_layer_cmd);
	ctl_set_layer_hook("device", device_layer_cmd);
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
	/* An active link is closed first and disappears when down. */
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
