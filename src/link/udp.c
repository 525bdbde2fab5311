/*
 * udp.c - the "udp" device type: one PPP frame per UDP datagram, no
 * framing and no FCS (a synchronous link).
 *
 * Provides `set udp self|peer` with the option resolve-once, the UDP block
 * of `show device` (surface spec 4.6.4, 5.6) and the connection side
 * (spec 10.3, 10.4, 10.7):
 *  - outgoing: `open` makes a socket bound to `self` (when set) and
 *    connected to `peer`; the device is UP at once;
 *  - incoming: links and templates with `incoming` enabled listen on
 *    `self` (the port is required); links with the same address and port
 *    share one socket, as in mpd5.  A datagram from a new peer goes to
 *    the link with the narrowest matching `peer` range, through
 *    link_incoming(); that link gets its own socket bound to the same
 *    address and port (SO_REUSEPORT) and connected to the peer, so the
 *    kernel delivers the peer's later datagrams to it.  The first datagram
 *    is passed on after link_phys_up().
 * There is no connection state (spec 4.6.4): a link goes down only by
 * phys_close() (LCP keep-alives detect a dead peer).  ICMP errors on the
 * connected socket are counted and otherwise ignored; a datagram the
 * socket cannot take right now is dropped, never waited for.
 */
#include "devices.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"

#define UDP_MTU			2048
#define UDP_MRU			2048
/* Largest datagram taken or sent: MRU plus address, control, protocol. */
#define UDP_FRAME_MAX		(UDP_MRU + 4)
#define UDP_READS_PER_EVENT	16		/* fairness between links */

enum udp_opt {
	UDP_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
};

static const struct opt_def udp_opts[] = {
	{ "resolve-once", UDP_OPT_RESOLVE_ONCE, false },
	{ NULL, 0, false },
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct udp_conf {
	struct u_addr	self_addr;	/* unset = any */
	uint16_t	self_port;	/* required to accept calls */
	struct u_range	peer_addr;	/* target / allowed peers */
	uint16_t	peer_port;
	char		peer_fqdn[256];	/* peer as given (may be a name) */
	struct opt_set	options;
};

/* One listening socket per (self address, port); see tcp.c. */
struct udp_listener {
	struct u_addr		 addr;
	uint16_t		 port;
	int			 fd;
	int			 refs;
	struct event		 ev;
	struct udp_listener	*next;
};

/* Per-link runtime (link->dev_state); freed by phys_shutdown(). */
struct udp_state {
	struct link		*l;
	int			 fd;		/* connected socket or -1 */
	unsigned		 gen;		/* bumped per socket */
	bool			 incoming;
	bool			 want_listen;	/* phys_listen(l, true) */
	bool			 report_up;	/* what report_timer says */
	struct u_addr		 peer_addr;	/* current peer */
	uint16_t		 peer_port;
	struct udp_listener	*lsn;		/* where we accept calls */
	struct udp_listener	*via;	/* listener of the current call */
	struct event		 ev_read;
	struct timer		 report_timer;	/* outcome of udp_open() */
	uint64_t		 tx_frames, tx_drops, rx_frames, rx_drops;
	uint64_t		 icmp_errors;
};

static struct udp_listener	*udp_listeners;
static struct timer		 udp_sync_timer;

static void	udp_listen_schedule(void);
static void	udp_read_event(int type, void *arg);
static void	udp_listener_event(int type, void *arg);
struct udp_listener;
static void	udp_dispatch(struct udp_listener *ls, const struct u_addr *a,
		    uint16_t port, const uint8_t *p, size_t len);
static void	udp_report(void *arg);

/* ---- configuration ---- */

static void *
udp_conf_new(void)
{
	struct udp_conf *c = mem_alloc("phys", sizeof(*c));

	/* addresses start unset: `show device` prints UNSPEC */
	c->options.enable = 1u << UDP_OPT_RESOLVE_ONCE;
	return c;
}

static void *
udp_conf_dup(const void *src)
{
	struct udp_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
udp_conf_free(void *conf)
{
	mem_free(conf);
}

static struct udp_conf *
udp_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_udp)
		return NULL;
	return ctx->lnk->dev_conf;
}

static int
udp_port_arg(int ac, char **av, uint16_t *port)
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

/* `set udp self {ip} [{port}]` */
static int
udp_set_self(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct udp_conf *c = udp_conf_of(ctx);
	struct udp_state *st;
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || u_range_parse(av[0], AF_UNSPEC, &r) < 0 ||
	    udp_port_arg(ac, av, &port) < 0)
		return CMD_ERR_USAGE;
	c->self_addr = r.addr;
	c->self_port = port;
	/* A listening link moves to the new address and port. */
	st = ctx->lnk->dev_state;
	if (st != NULL && st->want_listen)
		udp_listen_schedule();
	return CMD_OK;
}

/* `set udp peer {ip[/width]|name} [{port}]` */
static int
udp_set_peer(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct udp_conf *c = udp_conf_of(ctx);
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || udp_port_arg(ac, av, &port) < 0 ||
	    phys_parse_peer(av[0], &r) < 0)
		return CMD_ERR_USAGE;
	util_strlcpy(c->peer_fqdn, av[0], sizeof(c->peer_fqdn));
	c->peer_addr = r;
	c->peer_port = port;
	return CMD_OK;
}

static struct opt_set *
udp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct udp_conf *c = udp_conf_of(ctx);

	*defs = udp_opts;
	return c != NULL ? &c->options : NULL;
}

static const struct opt_cmd_arg udp_arg_enable = { OPT_ENABLE, udp_opt_get };
static const struct opt_cmd_arg udp_arg_disable = { OPT_DISABLE, udp_opt_get };

const struct cmdtab udp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = udp_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = udp_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &udp_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &udp_arg_disable },
	{ .name = NULL },
};

/* ---- runtime state ---- */

static struct udp_state *
udp_state_get(struct link *l)
{
	struct udp_state *st = l->dev_state;

	if (st != NULL)
		return st;
	st = mem_alloc("phys", sizeof(*st));
	st->l = l;
	st->fd = -1;
	timer_init(&st->report_timer, "UdpOpen", 0, udp_report, st);
	l->dev_state = st;
	return st;
}

static void
udp_sock_close(struct udp_state *st)
{
	event_unregister(&st->ev_read);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->via = NULL;
}

/* Back to DOWN; link_phys_down() when the device was not DOWN. */
static void
udp_down(struct udp_state *st, const char *reason)
{
	struct link *l = st->l;
	bool was_down = l->state == PHYS_STATE_DOWN;

	udp_sock_close(st);
	timer_stop(&st->report_timer);
	st->incoming = false;
	memset(&st->peer_addr, 0, sizeof(st->peer_addr));
	st->peer_port = 0;
	l->state = PHYS_STATE_DOWN;
	if (!was_down)
		link_phys_down(l, reason);
}

/*
 * A datagram socket bound to (self, sport) when either is set (shared
 * with other sockets on that port) and connected to (peer, pport).
 * Returns the fd or -1 (logged).
 */
static int
udp_socket(const char *lname, const struct u_addr *self, uint16_t sport,
    const struct u_addr *peer, uint16_t pport)
{
	struct sockaddr_storage ss;
	int fd, len, on = 1;

	fd = socket(peer->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP);
	if (fd < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't create socket", lname);
		return -1;
	}
	if (self->family != AF_UNSPEC || sport != 0) {
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
		len = phys_sockaddr(self, sport, peer->family, &ss);
		if (bind(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
			log_perr(LG_ERR, "[%s] UDP: can't bind socket", lname);
			goto fail;
		}
	}
	len = phys_sockaddr(peer, pport, peer->family, &ss);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't connect socket", lname);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* Take fd as l's connected socket and start reading it. */
static int
udp_attach(struct udp_state *st, int fd)
{
	st->fd = fd;
	st->gen++;
	if (event_register(&st->ev_read, EV_READ, fd, EVF_RECURRING,
	    udp_read_event, st) < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't register socket",
		    st->l->name);
		udp_sock_close(st);
		return -1;
	}
	return 0;
}

/* ---- outgoing calls ---- */

/* The deferred outcome of udp_open(). */
static void
udp_report(void *arg)
{
	struct udp_state *st = arg;
	struct link *l = st->l;

	if (!st->report_up || st->fd < 0) {
		udp_down(st, "Connection failed");
		return;
	}
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/*
 * open: make the socket to the configured peer.  A link that is not DOWN
 * is left alone.  Returns 0 for a non-template link and reports the
 * outcome from the event loop (link_phys_up() or link_phys_down(l,
 * "Connection failed")), never from inside this call; -1 for a template.
 */
static int
udp_open(struct link *l)
{
	const struct udp_conf *c = l->dev_conf;
	struct udp_state *st;
	char buf[INET6_ADDRSTRLEN];
	int fd = -1;

	if (l->tmpl)
		return -1;
	st = udp_state_get(l);
	if (l->state != PHYS_STATE_DOWN)
		return 0;
	st->incoming = false;
	l->state = PHYS_STATE_CONNECTING;
	st->report_up = false;
	if (c->peer_addr.addr.family == AF_UNSPEC || c->peer_port == 0)
		log_msg(LG_ERR, "[%s] Can't connect without peer specified",
		    l->name);
	else if (c->self_addr.family != AF_UNSPEC &&
	    c->self_addr.family != c->peer_addr.addr.family)
		log_msg(LG_ERR, "[%s] UDP: self and peer address families "
		    "differ", l->name);
	else
		fd = udp_socket(l->name, &c->self_addr, c->self_port,
		    &c->peer_addr.addr, c->peer_port);
	if (fd >= 0 && udp_attach(st, fd) == 0) {
		st->peer_addr = c->peer_addr.addr;
		st->peer_port = c->peer_port;
		st->report_up = true;
		log_msg(LG_PHYS, "[%s] UDP: connected to %s %u", l->name,
		    u_addr_print(&st->peer_addr, buf, sizeof(buf)),
		    st->peer_port);
	}
	timer_start(&st->report_timer);
	return 0;
}

/* close: as tcp_close(): "Manual" reported when the device was up. */
static void
udp_close(struct link *l)
{
	struct udp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (l->state != PHYS_STATE_DOWN)
		log_msg(LG_PHYS, "[%s] UDP: closing", l->name);
	udp_down(st, "Manual");
}

/* ---- data ---- */

/* send: one datagram, or a counted drop.  Consumes m. */
static int
udp_send(struct link *l, struct mbuf *m)
{
	struct udp_state *st = l->dev_state;
	ssize_t w;

	if (st == NULL || st->fd < 0 || l->state != PHYS_STATE_UP ||
	    m->len > UDP_FRAME_MAX) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	do
		w = send(st->fd, m->data, m->len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	mb_free(m);
	if (w < 0) {
		/* A pending ICMP error is reported here once: not fatal. */
		if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
		    errno == ENETUNREACH)
			st->icmp_errors++;
		st->tx_drops++;
		return -1;
	}
	st->tx_frames++;
	return 0;
}

/* Hand one datagram to the link, when it is up. */
static void
udp_deliver(struct udp_state *st, const uint8_t *p, size_t len)
{
	if (st->l->state != PHYS_STATE_UP || len == 0 ||
	    len > UDP_FRAME_MAX) {
		st->rx_drops++;
		return;
	}
	st->rx_frames++;
	link_phys_input(st->l, mb_copy(p, len));
}

/* Datagrams on the link's connected socket. */
static void
udp_read_event(int type, void *arg)
{
	struct udp_state *st = arg;
	uint8_t buf[UDP_FRAME_MAX + 1];
	unsigned gen = st->gen;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < UDP_READS_PER_EVENT; i++) {
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);
		struct u_addr a;
		uint16_t port;

		r = recvfrom(st->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&ss, &slen);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* ICMP errors and the like: no connection state. */
			st->icmp_errors++;
			continue;
		}
		if ((size_t)r > UDP_FRAME_MAX) {
			st->rx_drops++;	/* truncated: overlong */
			continue;
		}
		/*
		 * An incoming call's socket shares the listener's port and was
		 * bound before it was connected: in that window it can catch
		 * another new peer's datagrams.  Those go where the listener
		 * would have sent them.
		 */
		if (st->via != NULL) {
			phys_sockaddr_parse(&ss, &a, &port);
			if (a.family != AF_UNSPEC && (port != st->peer_port ||
			    !phys_addr_equal(&a, &st->peer_addr))) {
				udp_dispatch(st->via, &a, port, buf, (size_t)r);
				if (st->fd < 0 || st->gen != gen)
					return;
				continue;
			}
		}
		udp_deliver(st, buf, (size_t)r);
		if (st->fd < 0 || st->gen != gen)
			return;
	}
}

/* ---- incoming calls ---- */

static struct udp_listener *
udp_listener_get(const struct udp_conf *c, const char *lname)
{
	struct udp_listener *ls;
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	int len, on = 1;

	for (ls = udp_listeners; ls != NULL; ls = ls->next)
		if (ls->port == c->self_port &&
		    phys_addr_equal(&ls->addr, &c->self_addr)) {
			ls->refs++;
			return ls;
		}
	ls = mem_alloc("phys", sizeof(*ls));
	ls->addr = c->self_addr;
	ls->port = c->self_port;
	len = phys_sockaddr(&ls->addr, ls->port, AF_INET, &ss);
	ls->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_UDP);
	if (ls->fd < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't create socket", lname);
		goto fail;
	}
	/* The per-call sockets bind to the same address and port. */
	(void)setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	(void)setsockopt(ls->fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	if (bind(ls->fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't bind socket to %s %u", lname,
		    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
		goto fail;
	}
	if (event_register(&ls->ev, EV_READ, ls->fd, EVF_RECURRING,
	    udp_listener_event, ls) < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't register socket", lname);
		goto fail;
	}
	ls->refs = 1;
	ls->next = udp_listeners;
	udp_listeners = ls;
	log_msg(LG_PHYS, "UDP: waiting for connection on %s %u",
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	return ls;
fail:
	if (ls->fd >= 0)
		close(ls->fd);
	mem_free(ls);
	return NULL;
}

static void
udp_listener_put(struct udp_listener *ls)
{
	struct udp_listener **pp;
	struct udp_state *st;
	char buf[INET6_ADDRSTRLEN];
	int i;

	if (--ls->refs > 0)
		return;
	log_msg(LG_PHYS, "UDP: stop waiting for connection on %s %u",
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	for (pp = &udp_listeners; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ls) {
			*pp = ls->next;
			break;
		}
	/* Calls that came in here keep their own sockets. */
	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL && g_links[i]->type == &phys_udp &&
		    (st = g_links[i]->dev_state) != NULL && st->via == ls)
			st->via = NULL;
	event_unregister(&ls->ev);
	close(ls->fd);
	mem_free(ls);
}

static void
udp_unlisten(struct udp_state *st)
{
	if (st->lsn == NULL)
		return;
	udp_listener_put(st->lsn);
	st->lsn = NULL;
}

/*
 * The link already serving (a, port) through ls, if any: datagrams that
 * reached the shared socket before the call's own socket was connected.
 */
static struct udp_state *
udp_find_call(const struct udp_listener *ls, const struct u_addr *a,
    uint16_t port)
{
	struct udp_state *st;
	int i;

	for (i = 1; i < g_nlinks; i++) {
		if (g_links[i] == NULL || g_links[i]->type != &phys_udp)
			continue;
		st = g_links[i]->dev_state;
		if (st != NULL && st->fd >= 0 && st->via == ls &&
		    st->peer_port == port && phys_addr_equal(&st->peer_addr, a))
			return st;
	}
	return NULL;
}

/* The narrowest free link or template accepting (a, port) on ls. */
static struct link *
udp_match(const struct udp_listener *ls, const struct u_addr *a,
    uint16_t port)
{
	struct link *l, *best = NULL;
	const struct udp_conf *c;
	const struct udp_state *st;
	int i, width, best_width = -1;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != &phys_udp || l->dying)
			continue;
		st = l->dev_state;
		c = l->dev_conf;
		if (st == NULL || st->lsn != ls ||
		    l->state != PHYS_STATE_DOWN ||
		    !opt_enabled(&l->conf.options, LINK_OPT_INCOMING) ||
		    !phys_peer_allowed(&c->peer_addr, c->peer_port, a, port))
			continue;
		width = c->peer_addr.addr.family == AF_UNSPEC ? 0 :
		    c->peer_addr.width;
		if (width > best_width) {
			best = l;
			best_width = width;
		}
	}
	return best;
}

/* A datagram from a new peer at (a, port): set up the call. */
static void
udp_incoming(struct udp_listener *ls, const struct u_addr *a, uint16_t port,
    const uint8_t *p, size_t len)
{
	struct link *t, *l;
	struct udp_state *st;
	char buf[INET6_ADDRSTRLEN], sbuf[INET6_ADDRSTRLEN];
	unsigned gen;
	int fd;

	u_addr_print(a, buf, sizeof(buf));
	u_addr_print(&ls->addr, sbuf, sizeof(sbuf));
	log_msg(LG_PHYS, "Incoming UDP connection from %s %u to %s %u", buf,
	    port, sbuf, ls->port);
	t = udp_match(ls, a, port);
	if (t == NULL) {
		log_msg(LG_PHYS, "No free UDP link with requested parameters "
		    "was found");
		return;
	}
	/* The socket first: a link from link_incoming() must not strand. */
	fd = udp_socket(t->name, &ls->addr, ls->port, a, port);
	if (fd < 0)
		return;
	l = link_incoming(t);
	if (l == NULL) {
		log_msg(LG_PHYS, "[%s] UDP: call from %s %u refused", t->name,
		    buf, port);
		close(fd);
		return;
	}
	st = udp_state_get(l);
	if (st->fd >= 0 || l->state != PHYS_STATE_DOWN) {
		log_msg(LG_ERR, "[%s] UDP: link busy, call from %s %u refused",
		    l->name, buf, port);
		close(fd);
		return;
	}
	timer_stop(&st->report_timer);
	if (udp_attach(st, fd) < 0) {
		/* the link exists now: it hears about the failure */
		l->state = PHYS_STATE_CONNECTING;
		udp_down(st, "Connection failed");
		return;
	}
	log_msg(LG_PHYS, "[%s] Accepting UDP connection from %s %u to %s %u",
	    l->name, buf, port, sbuf, ls->port);
	st->incoming = true;
	st->via = ls;
	st->peer_addr = *a;
	st->peer_port = port;
	gen = st->gen;
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
	if (st->fd >= 0 && st->gen == gen)
		udp_deliver(st, p, len);
}

/*
 * One datagram per wake-up on the shared socket (level-triggered, so a
 * backlog wakes us again; nothing done for the call can pull the
 * listener away under a loop).
 */
static void
udp_listener_event(int type, void *arg)
{
	struct udp_listener *ls = arg;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	uint8_t buf[UDP_FRAME_MAX + 1];
	struct u_addr a;
	uint16_t port;
	ssize_t r;

	(void)type;
	r = recvfrom(ls->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&ss, &slen);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_perr(LG_PHYS2, "UDP: recvfrom");
		return;
	}
	if (r == 0 || (size_t)r > UDP_FRAME_MAX)
		return;
	phys_sockaddr_parse(&ss, &a, &port);
	if (a.family == AF_UNSPEC)
		return;
	udp_dispatch(ls, &a, port, buf, (size_t)r);
}

/* A datagram for listener ls from (a, port): its call, or a new one. */
static void
udp_dispatch(struct udp_listener *ls, const struct u_addr *a, uint16_t port,
    const uint8_t *p, size_t len)
{
	struct udp_state *st = udp_find_call(ls, a, port);

	if (st != NULL) {
		udp_deliver(st, p, len);
		return;
	}
	udp_incoming(ls, a, port, p, len);
}

/* Listening sockets follow the configuration (see tcp_listen_sync()). */
static void
udp_listen_sync(void *arg)
{
	struct link *l;
	struct udp_state *st;
	const struct udp_conf *c;
	bool want;
	int i;

	(void)arg;
	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != &phys_udp ||
		    (st = l->dev_state) == NULL)
			continue;
		c = l->dev_conf;
		want = st->want_listen && !l->dying &&
		    opt_enabled(&l->conf.options, LINK_OPT_INCOMING);
		if (want && c->self_port == 0) {
			log_msg(LG_ERR, "UDP: Skipping link \"%s\" with "
			    "undefined port number", l->name);
			want = false;
		}
		if (st->lsn != NULL && (!want ||
		    st->lsn->port != c->self_port ||
		    !phys_addr_equal(&st->lsn->addr, &c->self_addr)))
			udp_unlisten(st);
		if (want && st->lsn == NULL)
			st->lsn = udp_listener_get(c, l->name);
	}
}

static void
udp_listen_schedule(void)
{
	if (udp_sync_timer.cb == NULL)
		timer_init(&udp_sync_timer, "UdpListenUpdate", 0,
		    udp_listen_sync, NULL);
	timer_start(&udp_sync_timer);
}

/* listen: record the wish; the sockets follow from the loop.  0. */
static int
udp_listen(struct link *l, bool listen)
{
	struct udp_state *st;

	if (!listen && l->dev_state == NULL)
		return 0;
	st = udp_state_get(l);
	st->want_listen = listen;
	udp_listen_schedule();
	return 0;
}

/* shutdown: the link is being freed; drop everything, report nothing. */
static void
udp_shutdown(struct link *l)
{
	struct udp_state *st = l->dev_state;

	if (st == NULL)
		return;
	udp_sock_close(st);
	timer_stop(&st->report_timer);
	udp_unlisten(st);
	mem_free(st);
	l->dev_state = NULL;
}

/* ---- views ---- */

/* The UDP block of `show device` (spec 5.6). */
static void
udp_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct udp_conf *c = l->dev_conf;
	const struct udp_state *st = l->dev_state;
	char buf[64];

	cmd_printf(ctx, "UDP configuration:\n");
	cmd_printf(ctx, "\tPeer FQDN    : %s\n", c->peer_fqdn);
	cmd_printf(ctx, "\tSelf address : %s, port %u\n",
	    phys_addr_print(&c->self_addr, buf, sizeof(buf)), c->self_port);
	cmd_printf(ctx, "\tPeer address : %s, port %u\n",
	    u_range_print(&c->peer_addr, buf, sizeof(buf)), c->peer_port);
	cmd_printf(ctx, "UDP state:\n");
	if (l->state == PHYS_STATE_DOWN || st == NULL)
		return;
	cmd_printf(ctx, "\tIncoming     : %s\n", st->incoming ? "YES" : "NO");
	cmd_printf(ctx, "\tCurrent peer : %s, port %u\n",
	    u_addr_print(&st->peer_addr, buf, sizeof(buf)), st->peer_port);
}

/* Current peer IP; "" when not connected. */
static void
udp_peer_addr(const struct link *l, char *buf, unsigned len)
{
	const struct udp_state *st = l->dev_state;

	if (st != NULL && l->state != PHYS_STATE_DOWN &&
	    st->peer_addr.family != AF_UNSPEC)
		u_addr_print(&st->peer_addr, buf, len);
}

/* Our address: configured, else the socket's local end, else "". */
static void
udp_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct udp_conf *c = l->dev_conf;
	const struct udp_state *st = l->dev_state;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	struct u_addr a;
	uint16_t port;

	if (c->self_addr.family != AF_UNSPEC) {
		u_addr_print(&c->self_addr, buf, len);
		return;
	}
	if (st == NULL || st->fd < 0 ||
	    getsockname(st->fd, (struct sockaddr *)&ss, &slen) < 0)
		return;
	phys_sockaddr_parse(&ss, &a, &port);
	if (a.family != AF_UNSPEC)
		u_addr_print(&a, buf, len);
}

static void
udp_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct udp_state *st = l->dev_state;

	if (st != NULL && st->incoming)
		udp_peer_addr(l, buf, len);
	else
		udp_self_addr(l, buf, len);
}

static void
udp_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct udp_state *st = l->dev_state;

	if (st != NULL && st->incoming)
		udp_self_addr(l, buf, len);
	else
		udp_peer_addr(l, buf, len);
}

/* One frame per datagram: a synchronous link (spec 10.7). */
const struct phys_type phys_udp = {
	.name		= "udp",
	.descr		= "PPP over UDP",
	.mtu		= UDP_MTU,
	.mru		= UDP_MRU,
	.tmpl		= true,
	.synchronous	= true,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= udp_set_cmds,
	.conf_new	= udp_conf_new,
	.conf_dup	= udp_conf_dup,
	.conf_free	= udp_conf_free,
	.show		= udp_show,
	.peer_addr	= udp_peer_addr,
	.calling_num	= udp_calling_num,
	.called_num	= udp_called_num,
	.open		= udp_open,
	.close		= udp_close,
	.send		= udp_send,
	.listen		= udp_listen,
	.shutdown	= udp_shutdown,
	.self_addr	= udp_self_addr,
};
