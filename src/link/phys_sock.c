/*
 * phys_sock.c - shared socket/listener helpers for the IP-based device
 * types: the `set <type> self|peer` settings (tcp, udp, l2tp, pptp) and
 * the listening side and views of the userland socket types (tcp, udp).
 * The contract of each function is in phys_sock.h.
 */
#include "phys_sock.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "../ppp/link.h"

/* ---- settings ---- */

static struct phys_ip_conf *
phys_ip_conf_of(struct cmd_ctx *ctx, const struct phys_ip_cmd *pc)
{
	return phys_conf_of(ctx, pc->type);
}

/* Port argument as mpd5 reads it: 0..65535, anything else is an error. */
static int
phys_ip_port_arg(int ac, char **av, uint16_t *port)
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

int
phys_ip_set_self(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct phys_ip_cmd *pc = arg;
	struct phys_ip_conf *c = phys_ip_conf_of(ctx, pc);
	const struct phys_sock *s;
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || u_range_parse(av[0], AF_UNSPEC, &r) < 0 ||
	    phys_ip_port_arg(ac, av, &port) < 0)
		return CMD_ERR_USAGE;
	c->self_addr = r.addr;
	c->self_port = port;
	/* A listening link moves to the new address and port. */
	s = ctx->lnk->dev_state;
	if (pc->kind != NULL && s != NULL && s->want_listen)
		phys_sock_listen_schedule(pc->kind);
	return CMD_OK;
}

int
phys_ip_set_peer(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct phys_ip_conf *c = phys_ip_conf_of(ctx, arg);
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || phys_ip_port_arg(ac, av, &port) < 0 ||
	    phys_parse_peer(av[0], &r) < 0)
		return CMD_ERR_USAGE;
	util_strlcpy(c->peer_fqdn, av[0], sizeof(c->peer_fqdn));
	c->peer_addr = r;
	c->peer_port = port;
	return CMD_OK;
}

void
phys_ip_show_peer(struct cmd_ctx *ctx, const struct phys_ip_conf *c)
{
	char buf[64];

	cmd_printf(ctx, "\tPeer FQDN    : %s\n", c->peer_fqdn);
	cmd_printf(ctx, "\tPeer range   : %s",
	    u_range_print(&c->peer_addr, buf, sizeof(buf)));
	if (c->peer_port != 0)
		cmd_printf(ctx, ", port %u", c->peer_port);
	cmd_printf(ctx, "\n");
}

/* ---- tcp / udp settings ---- */

const struct opt_def phys_sock_opts[] = {
	{ "resolve-once", PHYS_SOCK_OPT_RESOLVE_ONCE, false },
	{ NULL, 0, false },
};

void *
phys_sock_conf_new(void)
{
	struct phys_sock_conf *c = mem_alloc("phys", sizeof(*c));

	/* addresses start unset: `show device` prints UNSPEC */
	c->options.enable = 1u << PHYS_SOCK_OPT_RESOLVE_ONCE;
	return c;
}

void *
phys_sock_conf_dup(const void *src)
{
	return phys_conf_copy(src, sizeof(struct phys_sock_conf));
}

/* ---- listeners ---- */

static struct phys_listener *
phys_listener_get(struct phys_sock_kind *k, const struct phys_ip_conf *c,
    const char *lname)
{
	struct phys_listener *ls;
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	int len, on = 1;

	uint16_t port = c->self_port != 0 ? c->self_port : k->dflt_port;

	for (ls = k->listeners; ls != NULL; ls = ls->next)
		if (ls->port == port &&
		    phys_addr_equal(&ls->addr, &c->self_addr)) {
			ls->refs++;
			return ls;
		}
	ls = mem_alloc("phys", sizeof(*ls));
	ls->kind = k;
	ls->addr = c->self_addr;
	ls->port = port;
	len = phys_sockaddr(&ls->addr, ls->port, AF_INET, &ss);
	ls->fd = socket(ss.ss_family, k->sotype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, k->proto);
	if (ls->fd < 0) {
		log_perr(LG_ERR, "[%s] %s: can't create socket", lname, k->tag);
		goto fail;
	}
	(void)setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (k->reuseport)
		(void)setsockopt(ls->fd, SOL_SOCKET, SO_REUSEPORT, &on,
		    sizeof(on));
	if (bind(ls->fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
		log_perr(LG_ERR, "[%s] %s: can't bind socket to %s %u", lname,
		    k->tag, u_addr_print(&ls->addr, buf, sizeof(buf)),
		    ls->port);
		goto fail;
	}
	if (k->backlog > 0 && listen(ls->fd, k->backlog) < 0) {
		log_perr(LG_ERR, "[%s] %s: can't listen", lname, k->tag);
		goto fail;
	}
	/* Registered under the type's handler name, for `show events`. */
	if (event_register_(&ls->ev, EV_READ, ls->fd, EVF_RECURRING,
	    k->on_readable, ls, k->on_readable_name, __FILE__,
	    __LINE__) < 0) {
		log_perr(LG_ERR, "[%s] %s: can't register socket", lname,
		    k->tag);
		goto fail;
	}
	ls->refs = 1;
	ls->next = k->listeners;
	k->listeners = ls;
	log_msg(LG_PHYS, "%s: waiting for connection on %s %u", k->tag,
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	return ls;
fail:
	if (ls->fd >= 0)
		close(ls->fd);
	mem_free(ls);
	return NULL;
}

static void
phys_listener_put(struct phys_listener *ls)
{
	struct phys_sock_kind *k = ls->kind;
	struct phys_listener **pp;
	char buf[INET6_ADDRSTRLEN];

	if (--ls->refs > 0)
		return;
	log_msg(LG_PHYS, "%s: stop waiting for connection on %s %u", k->tag,
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	for (pp = &k->listeners; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ls) {
			*pp = ls->next;
			break;
		}
	if (k->listener_gone != NULL)
		k->listener_gone(ls);
	event_unregister(&ls->ev);
	close(ls->fd);
	mem_free(ls);
}

void
phys_sock_unlisten(struct phys_sock *s)
{
	if (s->lsn == NULL)
		return;
	phys_listener_put(s->lsn);
	s->lsn = NULL;
}

/* Bring the listening sockets of kind arg in line with the settings. */
static void
phys_sock_listen_sync(void *arg)
{
	struct phys_sock_kind *k = arg;
	struct link *l;
	struct phys_sock *s;
	const struct phys_ip_conf *c;
	uint16_t port;
	bool want;
	int i;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != k->type ||
		    (s = l->dev_state) == NULL)
			continue;
		c = l->dev_conf;
		want = s->want_listen && !l->dying &&
		    opt_enabled(&l->conf.options, LINK_OPT_INCOMING);
		port = c->self_port != 0 ? c->self_port : k->dflt_port;
		if (want && port == 0) {
			log_msg(LG_ERR, "%s: Skipping link \"%s\" with "
			    "undefined port number", k->skip_tag, l->name);
			want = false;
		}
		if (s->lsn != NULL && (!want || s->lsn->port != port ||
		    !phys_addr_equal(&s->lsn->addr, &c->self_addr)))
			phys_sock_unlisten(s);
		if (want && s->lsn == NULL)
			s->lsn = phys_listener_get(k, c, l->name);
	}
}

void
phys_sock_listen_schedule(struct phys_sock_kind *k)
{
	if (k->sync_timer.cb == NULL)
		timer_init(&k->sync_timer, k->sync_desc, 0,
		    phys_sock_listen_sync, k);
	timer_start(&k->sync_timer);
}

int
phys_sock_listen(struct phys_sock_kind *k, struct link *l, bool listen)
{
	struct phys_sock *s;

	if (!listen && l->dev_state == NULL)
		return 0;
	s = k->state_get(l);
	s->want_listen = listen;
	phys_sock_listen_schedule(k);
	return 0;
}

void *
phys_sock_state_get(struct link *l, size_t size)
{
	struct phys_sock *s = l->dev_state;

	if (s != NULL)
		return s;
	s = mem_alloc("phys", size);
	s->l = l;
	s->fd = -1;
	l->dev_state = s;
	return s;
}

void
phys_sock_state_free(struct link *l)
{
	struct phys_sock *s = l->dev_state;

	phys_sock_unlisten(s);
	mem_free(s);
	l->dev_state = NULL;
}

bool
phys_ip_no_peer(const struct link *l, const struct phys_ip_conf *c,
    const char *tag)
{
	if (c->peer_addr.addr.family != AF_UNSPEC &&
	    !u_addr_empty(&c->peer_addr.addr))
		return false;
	log_msg(LG_ERR, "[%s] %sCan't connect without peer specified",
	    l->name, tag);
	return true;
}

bool
phys_type_in_use(const struct phys_type *type, const struct link *gone)
{
	int i;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL && g_links[i] != gone &&
		    g_links[i]->type == type)
			return true;
	return false;
}

/* ---- incoming calls ---- */

int
phys_ip_peer_width(const struct phys_ip_conf *c)
{
	return c->peer_addr.addr.family == AF_UNSPEC ? 0 :
	    c->peer_addr.width;
}

const struct phys_sock *
phys_sock_candidate(const struct link *l, const struct phys_type *type,
    const struct u_addr *a, uint16_t port)
{
	const struct phys_ip_conf *c;
	const struct phys_sock *s;

	if (l == NULL || l->type != type || l->dying)
		return NULL;
	s = l->dev_state;
	c = l->dev_conf;
	if (s == NULL || !s->want_listen ||
	    !opt_enabled(&l->conf.options, LINK_OPT_INCOMING) ||
	    !phys_peer_allowed(&c->peer_addr, c->peer_port, a, port))
		return NULL;
	return s;
}

struct link *
phys_sock_pick(const struct phys_listener *ls, const struct u_addr *a,
    uint16_t port)
{
	const struct phys_sock_kind *k = ls->kind;
	struct link *l, *best = NULL;
	const struct phys_ip_conf *c;
	const struct phys_sock *s;
	int i, width, best_width = -1;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != k->type || l->dying)
			continue;
		s = l->dev_state;
		c = l->dev_conf;
		if (s == NULL || s->lsn != ls ||
		    l->state != PHYS_STATE_DOWN ||
		    !opt_enabled(&l->conf.options, LINK_OPT_INCOMING) ||
		    !phys_peer_allowed(&c->peer_addr, c->peer_port, a, port))
			continue;
		width = phys_ip_peer_width(c);
		if (width > best_width) {
			best = l;
			best_width = width;
		}
	}
	if (best == NULL)
		log_msg(LG_PHYS, "No free %s link with requested parameters "
		    "was found", k->tag);
	return best;
}

struct phys_sock *
phys_sock_take(const struct phys_sock_kind *k, struct link *t,
    const char *abuf, uint16_t port)
{
	struct link *l;
	struct phys_sock *s;

	l = link_incoming(t);
	if (l == NULL) {
		log_msg(LG_PHYS, "[%s] %s: call from %s %u refused", t->name,
		    k->tag, abuf, port);
		return NULL;
	}
	s = k->state_get(l);
	if (s->fd >= 0 || l->state != PHYS_STATE_DOWN) {
		log_msg(LG_ERR, "[%s] %s: link busy, call from %s %u refused",
		    l->name, k->tag, abuf, port);
		return NULL;
	}
	return s;
}

void
phys_sock_set_down(struct phys_sock *s, const char *reason)
{
	struct link *l = s->l;
	bool was_down = l->state == PHYS_STATE_DOWN;

	s->incoming = false;
	memset(&s->peer_addr, 0, sizeof(s->peer_addr));
	s->peer_port = 0;
	l->state = PHYS_STATE_DOWN;
	if (!was_down)
		link_phys_down(l, reason);
}

/* ---- views ---- */

void
phys_sock_show(struct cmd_ctx *ctx, const struct link *l, const char *tag)
{
	const struct phys_sock_conf *c = l->dev_conf;
	const struct phys_sock *s = l->dev_state;
	char buf[64];

	cmd_printf(ctx, "%s configuration:\n", tag);
	cmd_printf(ctx, "\tPeer FQDN    : %s\n", c->ip.peer_fqdn);
	cmd_printf(ctx, "\tSelf address : %s, port %u\n",
	    phys_addr_print(&c->ip.self_addr, buf, sizeof(buf)),
	    c->ip.self_port);
	cmd_printf(ctx, "\tPeer address : %s, port %u\n",
	    u_range_print(&c->ip.peer_addr, buf, sizeof(buf)),
	    c->ip.peer_port);
	cmd_printf(ctx, "%s state:\n", tag);
	if (l->state == PHYS_STATE_DOWN || s == NULL)
		return;
	cmd_printf(ctx, "\tIncoming     : %s\n", s->incoming ? "YES" : "NO");
	cmd_printf(ctx, "\tCurrent peer : %s, port %u\n",
	    u_addr_print(&s->peer_addr, buf, sizeof(buf)), s->peer_port);
}

/* As mpd5: the address only. */
void
phys_sock_peer_addr(const struct link *l, char *buf, unsigned len)
{
	const struct phys_sock *s = l->dev_state;

	if (s != NULL && l->state != PHYS_STATE_DOWN &&
	    s->peer_addr.family != AF_UNSPEC)
		u_addr_print(&s->peer_addr, buf, len);
}

void
phys_sock_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct phys_ip_conf *c = l->dev_conf;
	const struct phys_sock *s = l->dev_state;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	struct u_addr a;
	uint16_t port;

	if (c->self_addr.family != AF_UNSPEC) {
		u_addr_print(&c->self_addr, buf, len);
		return;
	}
	if (s == NULL || s->fd < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &slen) < 0)
		return;
	phys_sockaddr_parse(&ss, &a, &port);
	if (a.family != AF_UNSPEC)
		u_addr_print(&a, buf, len);
}

/* mpd5: the peer when incoming. */
void
phys_sock_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct phys_sock *s = l->dev_state;

	if (s != NULL && s->incoming)
		phys_sock_peer_addr(l, buf, len);
	else
		phys_sock_self_addr(l, buf, len);
}

void
phys_sock_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct phys_sock *s = l->dev_state;

	if (s != NULL && s->incoming)
		phys_sock_self_addr(l, buf, len);
	else
		phys_sock_peer_addr(l, buf, len);
}
