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
 * Kernel channel: when the kernel data plane is usable (dp_kernel_usable()),
 * a call gets a pty in N_PPP (link/ttychan.c) before it is reported up:
 * every PPP frame then goes through the channel's /dev/ppp descriptor, the
 * kernel's async framing on the pty is decoded into one datagram per
 * frame and each datagram is encoded onto the pty.  Refused, the call
 * stays in user space.
 * There is no connection state (spec 4.6.4): a link goes down only by
 * phys_close() (LCP keep-alives detect a dead peer).  ICMP errors on the
 * connected socket are counted and otherwise ignored; a datagram the
 * socket cannot take right now is dropped, never waited for.
 */
#include "phys_sock.h"

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
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "ttychan.h"

#define UDP_MTU			2048
#define UDP_MRU			2048
/* Largest datagram taken or sent: MRU plus address, control, protocol. */
#define UDP_FRAME_MAX		(UDP_MRU + 4)
#define UDP_READS_PER_EVENT	16		/* fairness between links */

/* Per-link runtime (link->dev_state); freed by phys_shutdown(). */
struct udp_state {
	struct phys_sock	 sk;		/* first: the shared part */
	bool			 report_up;	/* what report_timer says */
	struct phys_listener	*via;	/* listener of the current call */
	struct event		 ev_read;
	struct timer		 report_timer;	/* outcome of udp_open() */
	uint64_t		 tx_frames, tx_drops, rx_frames, rx_drops;
	uint64_t		 icmp_errors;
	struct ttychan		*tc;		/* kernel channel, or NULL */
};

static void	udp_read_event(int type, void *arg);
static void	udp_listener_event(int type, void *arg);
static void	udp_dispatch(struct phys_listener *ls, const struct u_addr *a,
		    uint16_t port, const uint8_t *p, size_t len);
static void	udp_report(void *arg);
static struct phys_sock *udp_sock_get(struct link *l);
static void	udp_listener_gone(struct phys_listener *ls);

/* udp for the shared listener code (phys_sock.c). */
static struct phys_sock_kind udp_kind = {
	.type			= &phys_udp,
	.tag			= "UDP",
	.skip_tag		= "UDP",
	.sync_desc		= "UdpListenUpdate",
	.sotype			= SOCK_DGRAM,
	.proto			= IPPROTO_UDP,
	/* The per-call sockets bind to the same address and port. */
	.reuseport		= true,
	.on_readable		= udp_listener_event,
	.on_readable_name	= "udp_listener_event",
	.state_get		= udp_sock_get,
	.listener_gone		= udp_listener_gone,
};

/* ---- configuration ---- */

static struct opt_set *
udp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct phys_sock_conf *c = phys_conf_of(ctx, &phys_udp);

	*defs = phys_sock_opts;
	return c != NULL ? &c->options : NULL;
}

static const struct phys_ip_cmd udp_arg_ip = { &phys_udp, &udp_kind };
static const struct opt_cmd_arg udp_arg_enable = { OPT_ENABLE, udp_opt_get };
static const struct opt_cmd_arg udp_arg_disable = { OPT_DISABLE, udp_opt_get };

const struct cmdtab udp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = phys_ip_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &udp_arg_ip },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = phys_ip_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &udp_arg_ip },
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
	st->sk.l = l;
	st->sk.fd = -1;
	timer_init(&st->report_timer, "UdpOpen", 0, udp_report, st);
	l->dev_state = st;
	return st;
}

/* kind->state_get: the shared part of l's state (sk is the first member). */
static struct phys_sock *
udp_sock_get(struct link *l)
{
	return &udp_state_get(l)->sk;
}

static void
udp_sock_close(struct udp_state *st)
{
	ttychan_close(st->tc);
	st->tc = NULL;
	event_unregister(&st->ev_read);
	if (st->sk.fd >= 0)
		close(st->sk.fd);
	st->sk.fd = -1;
	st->via = NULL;
}

/* Back to DOWN; link_phys_down() when the device was not DOWN. */
static void
udp_down(struct udp_state *st, const char *reason)
{
	udp_sock_close(st);
	timer_stop(&st->report_timer);
	phys_sock_set_down(&st->sk, reason);
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
	st->sk.fd = fd;
	st->sk.gen++;
	if (event_register(&st->ev_read, EV_READ, fd, EVF_RECURRING,
	    udp_read_event, st) < 0) {
		log_perr(LG_ERR, "[%s] UDP: can't register socket",
		    st->sk.l->name);
		udp_sock_close(st);
		return -1;
	}
	return 0;
}

/* The kernel channel's relay failed (the pty): end the call. */
static void
udp_chan_down(void *arg, const char *why)
{
	struct udp_state *st = arg;

	log_msg(LG_PHYS2, "[%s] UDP: kernel channel relay: %s", st->sk.l->name,
	    why);
	udp_down(st, "Dropped");
}

/* The call's socket is set: a kernel channel for it when usable. */
static void
udp_chan_open(struct udp_state *st)
{
	if (st->tc == NULL && st->sk.fd >= 0 && dp_kernel_usable())
		st->tc = ttychan_open(st->sk.l, "UDP", st->sk.fd, true,
		    UDP_MRU, udp_chan_down, st);
}

/* ---- outgoing calls ---- */

/* The deferred outcome of udp_open(). */
static void
udp_report(void *arg)
{
	struct udp_state *st = arg;
	struct link *l = st->sk.l;

	if (!st->report_up || st->sk.fd < 0) {
		udp_down(st, "Connection failed");
		return;
	}
	udp_chan_open(st);
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
	const struct phys_sock_conf *c = l->dev_conf;
	struct udp_state *st;
	char buf[INET6_ADDRSTRLEN];
	int fd = -1;

	if (l->tmpl)
		return -1;
	st = udp_state_get(l);
	if (l->state != PHYS_STATE_DOWN)
		return 0;
	st->sk.incoming = false;
	l->state = PHYS_STATE_CONNECTING;
	st->report_up = false;
	if (c->ip.peer_addr.addr.family == AF_UNSPEC || c->ip.peer_port == 0)
		log_msg(LG_ERR, "[%s] Can't connect without peer specified",
		    l->name);
	else if (c->ip.self_addr.family != AF_UNSPEC &&
	    c->ip.self_addr.family != c->ip.peer_addr.addr.family)
		log_msg(LG_ERR, "[%s] UDP: self and peer address families "
		    "differ", l->name);
	else
		fd = udp_socket(l->name, &c->ip.self_addr, c->ip.self_port,
		    &c->ip.peer_addr.addr, c->ip.peer_port);
	if (fd >= 0 && udp_attach(st, fd) == 0) {
		st->sk.peer_addr = c->ip.peer_addr.addr;
		st->sk.peer_port = c->ip.peer_port;
		st->report_up = true;
		log_msg(LG_PHYS, "[%s] UDP: connected to %s %u", l->name,
		    u_addr_print(&st->sk.peer_addr, buf, sizeof(buf)),
		    st->sk.peer_port);
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

	if (st == NULL || st->sk.fd < 0 || l->state != PHYS_STATE_UP ||
	    m->len > UDP_FRAME_MAX) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	if (st->tc != NULL) {
		if (ttychan_send(st->tc, m) < 0) {
			st->tx_drops++;
			return -1;
		}
		st->tx_frames++;
		return 0;
	}
	do
		w = send(st->sk.fd, m->data, m->len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
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
	if (st->sk.l->state != PHYS_STATE_UP || len == 0 ||
	    len > UDP_FRAME_MAX) {
		st->rx_drops++;
		return;
	}
	st->rx_frames++;
	if (st->tc != NULL)
		ttychan_dgram_input(st->tc, p, len);
	else
		link_phys_input(st->sk.l, mb_copy(p, len));
}

/* Datagrams on the link's connected socket. */
static void
udp_read_event(int type, void *arg)
{
	struct udp_state *st = arg;
	uint8_t buf[UDP_FRAME_MAX + 1];
	unsigned gen = st->sk.gen;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < UDP_READS_PER_EVENT; i++) {
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);
		struct u_addr a;
		uint16_t port;

		r = recvfrom(st->sk.fd, buf, sizeof(buf),
		    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&ss, &slen);
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
			if (a.family != AF_UNSPEC &&
			    (port != st->sk.peer_port ||
			    !phys_addr_equal(&a, &st->sk.peer_addr))) {
				udp_dispatch(st->via, &a, port, buf, (size_t)r);
				if (st->sk.fd < 0 || st->sk.gen != gen)
					return;
				continue;
			}
		}
		udp_deliver(st, buf, (size_t)r);
		if (st->sk.fd < 0 || st->sk.gen != gen)
			return;
	}
}

/* ---- incoming calls ---- */

/* kind->listener_gone: calls that came in on ls keep their own sockets. */
static void
udp_listener_gone(struct phys_listener *ls)
{
	struct udp_state *st;
	int i;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL && g_links[i]->type == &phys_udp &&
		    (st = g_links[i]->dev_state) != NULL && st->via == ls)
			st->via = NULL;
}

/*
 * The link already serving (a, port) through ls, if any: datagrams that
 * reached the shared socket before the call's own socket was connected.
 */
static struct udp_state *
udp_find_call(const struct phys_listener *ls, const struct u_addr *a,
    uint16_t port)
{
	struct udp_state *st;
	int i;

	for (i = 1; i < g_nlinks; i++) {
		if (g_links[i] == NULL || g_links[i]->type != &phys_udp)
			continue;
		st = g_links[i]->dev_state;
		if (st != NULL && st->sk.fd >= 0 && st->via == ls &&
		    st->sk.peer_port == port &&
		    phys_addr_equal(&st->sk.peer_addr, a))
			return st;
	}
	return NULL;
}

/* A datagram from a new peer at (a, port): set up the call. */
static void
udp_incoming(struct phys_listener *ls, const struct u_addr *a, uint16_t port,
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
	t = phys_sock_pick(ls, a, port);
	if (t == NULL)
		return;
	/* The socket first: a link from link_incoming() must not strand. */
	fd = udp_socket(t->name, &ls->addr, ls->port, a, port);
	if (fd < 0)
		return;
	st = (struct udp_state *)phys_sock_take(&udp_kind, t, buf, port);
	if (st == NULL) {
		close(fd);
		return;
	}
	l = st->sk.l;
	timer_stop(&st->report_timer);
	if (udp_attach(st, fd) < 0) {
		/* the link exists now: it hears about the failure */
		l->state = PHYS_STATE_CONNECTING;
		udp_down(st, "Connection failed");
		return;
	}
	log_msg(LG_PHYS, "[%s] Accepting UDP connection from %s %u to %s %u",
	    l->name, buf, port, sbuf, ls->port);
	st->sk.incoming = true;
	st->via = ls;
	st->sk.peer_addr = *a;
	st->sk.peer_port = port;
	gen = st->sk.gen;
	udp_chan_open(st);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
	if (st->sk.fd >= 0 && st->sk.gen == gen)
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
	struct phys_listener *ls = arg;
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
udp_dispatch(struct phys_listener *ls, const struct u_addr *a, uint16_t port,
    const uint8_t *p, size_t len)
{
	struct udp_state *st = udp_find_call(ls, a, port);

	if (st != NULL) {
		udp_deliver(st, p, len);
		return;
	}
	udp_incoming(ls, a, port, p, len);
}

/* listen: record the wish; the sockets follow from the loop.  0. */
static int
udp_listen(struct link *l, bool listen)
{
	return phys_sock_listen(&udp_kind, l, listen);
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
	phys_sock_state_free(l);
}

/* kernel_chan: the call's /dev/ppp channel descriptor, or -1. */
static int
udp_kernel_chan(const struct link *l)
{
	struct udp_state *st = l->dev_state;

	return st != NULL ? ttychan_fd(st->tc) : -1;
}

/* ---- views ---- */

/* The UDP block of `show device` (spec 5.6). */
static void
udp_show(struct cmd_ctx *ctx, const struct link *l)
{
	phys_sock_show(ctx, l, "UDP");
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
	.conf_new	= phys_sock_conf_new,
	.conf_dup	= phys_sock_conf_dup,
	.conf_free	= phys_conf_free,
	.show		= udp_show,
	.peer_addr	= phys_sock_peer_addr,
	.calling_num	= phys_sock_calling_num,
	.called_num	= phys_sock_called_num,
	.open		= udp_open,
	.close		= udp_close,
	.send		= udp_send,
	.listen		= udp_listen,
	.shutdown	= udp_shutdown,
	.self_addr	= phys_sock_self_addr,
	.kernel_chan	= udp_kernel_chan,
};
