/*
 * tcp.c - the "tcp" device type: PPP in async HDLC-like framing
 * (RFC 1662, link/hdlc.c) over a TCP connection.
 *
 * Provides `set tcp self|peer` with the option resolve-once, the TCP block
 * of `show device` (surface spec 4.6.4, 5.6) and the connection side
 * (spec 10.3, 10.4, 10.7):
 *  - outgoing: `open` connects, non-blocking, from `self` (bound when set)
 *    to `peer`; the device is UP once the connection is established;
 *  - incoming: every link or template with `incoming` enabled and a `self`
 *    port listens there (links with the same address and port share one
 *    listening socket, as in mpd5); an accepted connection goes to the
 *    link with the narrowest matching `peer` range, through link_incoming();
 *  - data: each PPP frame is HDLC-framed with FCS-16.  Until LCP is opened
 *    every control octet is escaped; afterwards the ACCM the peer asked
 *    for.  Sockets are non-blocking with TCP_NODELAY; what the kernel does
 *    not take is queued up to TCP_TXQ_MAX bytes per link, beyond which
 *    whole frames are dropped and counted (the loop never blocks).
 *
 * Device states (l->state): DOWN -> CONNECTING -> UP.  Every way out of a
 * state other than DOWN is reported exactly once with link_phys_down():
 * "Connection failed" when a call could not be set up, "Dropped" when an
 * established connection broke, "Manual" for phys_close().
 */
#include "devices.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "../ppp/proto.h"
#include "hdlc.h"

#define TCP_MTU			2048
#define TCP_MRU			2048
/* Largest frame taken or sent: MRU plus address, control and protocol. */
#define TCP_FRAME_MAX		(TCP_MRU + 4)
#define TCP_CONNECT_TIMEOUT	10000		/* ms */
#define TCP_TXQ_MAX		(64 * 1024)	/* queued bytes per link */
#define TCP_BACKLOG		16
#define TCP_READ_CHUNK		4096
#define TCP_READS_PER_EVENT	16		/* fairness between links */

enum tcp_opt {
	TCP_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
};

static const struct opt_def tcp_opts[] = {
	{ "resolve-once", TCP_OPT_RESOLVE_ONCE, false },
	{ NULL, 0, false },
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct tcp_conf {
	struct u_addr	self_addr;	/* unset = any */
	uint16_t	self_port;	/* required to accept calls */
	struct u_range	peer_addr;	/* target / allowed peers */
	uint16_t	peer_port;
	char		peer_fqdn[256];	/* peer as given (may be a name) */
	struct opt_set	options;
};

/*
 * One listening socket per (self address, port), shared by the links and
 * templates that accept calls there.  Kept on tcp_listeners; freed when
 * the last user detaches.
 */
struct tcp_listener {
	struct u_addr		 addr;
	uint16_t		 port;
	int			 fd;
	int			 refs;
	struct event		 ev;
	struct tcp_listener	*next;
};

/*
 * Per-link runtime (link->dev_state), created on first use and freed by
 * phys_shutdown().  A template only ever uses the listening part.
 */
struct tcp_state {
	struct link		*l;
	int			 fd;		/* connection, -1 when none */
	unsigned		 gen;		/* bumped per connection */
	bool			 incoming;	/* accepted vs dialled */
	bool			 want_listen;	/* phys_listen(l, true) */
	struct u_addr		 peer_addr;	/* current peer */
	uint16_t		 peer_port;
	struct tcp_listener	*lsn;		/* where we accept calls */
	struct event		 ev_read;
	struct event		 ev_write;	/* connect, then txq flush */
	struct timer		 conn_timer;	/* connect timeout */
	struct timer		 fail_timer;	/* deferred open failure */
	struct hdlc_decoder	 dec;
	uint8_t			 rxbuf[HDLC_DECODER_BUF(TCP_FRAME_MAX)];
	/* bytes accepted by tcp_send() that the kernel has not taken yet */
	uint8_t			*txq;
	size_t			 txq_off, txq_len, txq_cap;
	uint64_t		 tx_frames, tx_drops;
};

static struct tcp_listener	*tcp_listeners;
static struct timer		 tcp_sync_timer;

static void	tcp_listen_schedule(void);
static void	tcp_read_event(int type, void *arg);
static void	tcp_write_event(int type, void *arg);
static void	tcp_connect_event(int type, void *arg);
static void	tcp_conn_timeout(void *arg);
static void	tcp_fail_report(void *arg);
static void	tcp_accept_event(int type, void *arg);

/* ---- configuration ---- */

static void *
tcp_conf_new(void)
{
	struct tcp_conf *c = mem_alloc("phys", sizeof(*c));

	/* addresses start unset: `show device` prints UNSPEC */
	c->options.enable = 1u << TCP_OPT_RESOLVE_ONCE;
	return c;
}

static void *
tcp_conf_dup(const void *src)
{
	struct tcp_conf *c = mem_alloc("phys", sizeof(*c));

	memcpy(c, src, sizeof(*c));
	return c;
}

static void
tcp_conf_free(void *conf)
{
	mem_free(conf);
}

static struct tcp_conf *
tcp_conf_of(struct cmd_ctx *ctx)
{
	if (ctx->lnk == NULL || ctx->lnk->type != &phys_tcp)
		return NULL;
	return ctx->lnk->dev_conf;
}

static int
tcp_port_arg(int ac, char **av, uint16_t *port)
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

/* `set tcp self {ip} [{port}]` */
static int
tcp_set_self(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct tcp_conf *c = tcp_conf_of(ctx);
	struct tcp_state *st;
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || u_range_parse(av[0], AF_UNSPEC, &r) < 0 ||
	    tcp_port_arg(ac, av, &port) < 0)
		return CMD_ERR_USAGE;
	c->self_addr = r.addr;
	c->self_port = port;
	/* A listening link moves to the new address and port. */
	st = ctx->lnk->dev_state;
	if (st != NULL && st->want_listen)
		tcp_listen_schedule();
	return CMD_OK;
}

/* `set tcp peer {ip[/width]|name} [{port}]` */
static int
tcp_set_peer(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	struct tcp_conf *c = tcp_conf_of(ctx);
	struct u_range r;
	uint16_t port;

	if (c == NULL)
		return CMD_ERR_CONTEXT;
	if (ac < 1 || ac > 2 || tcp_port_arg(ac, av, &port) < 0 ||
	    phys_parse_peer(av[0], &r) < 0)
		return CMD_ERR_USAGE;
	util_strlcpy(c->peer_fqdn, av[0], sizeof(c->peer_fqdn));
	c->peer_addr = r;
	c->peer_port = port;
	return CMD_OK;
}

static struct opt_set *
tcp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct tcp_conf *c = tcp_conf_of(ctx);

	*defs = tcp_opts;
	return c != NULL ? &c->options : NULL;
}

static const struct opt_cmd_arg tcp_arg_enable = { OPT_ENABLE, tcp_opt_get };
static const struct opt_cmd_arg tcp_arg_disable = { OPT_DISABLE, tcp_opt_get };

const struct cmdtab tcp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = tcp_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = tcp_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = phys_opt_cmd, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_disable },
	{ .name = NULL },
};

/* ---- runtime state ---- */

static struct tcp_state *
tcp_state_get(struct link *l)
{
	struct tcp_state *st = l->dev_state;

	if (st != NULL)
		return st;
	st = mem_alloc("phys", sizeof(*st));
	st->l = l;
	st->fd = -1;
	hdlc_decoder_init(&st->dec, st->rxbuf, sizeof(st->rxbuf));
	timer_init(&st->conn_timer, "TcpConnect", TCP_CONNECT_TIMEOUT,
	    tcp_conn_timeout, st);
	timer_init(&st->fail_timer, "TcpOpenFail", 0, tcp_fail_report, st);
	l->dev_state = st;
	return st;
}

/* Drop the connection (socket, events, timers, queue); no report. */
static void
tcp_sock_close(struct tcp_state *st)
{
	event_unregister(&st->ev_read);
	event_unregister(&st->ev_write);
	timer_stop(&st->conn_timer);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	mem_free(st->txq);
	st->txq = NULL;
	st->txq_off = st->txq_len = st->txq_cap = 0;
	hdlc_decoder_reset(&st->dec);
}

/*
 * The connection is gone (or never came up): back to DOWN and tell the
 * link layer.  st stays valid: the link frees it only through
 * phys_shutdown(), from its deferred destruction.
 */
static void
tcp_down(struct tcp_state *st, const char *reason)
{
	struct link *l = st->l;
	bool was_down = l->state == PHYS_STATE_DOWN;

	tcp_sock_close(st);
	timer_stop(&st->fail_timer);
	st->incoming = false;
	memset(&st->peer_addr, 0, sizeof(st->peer_addr));
	st->peer_port = 0;
	l->state = PHYS_STATE_DOWN;
	if (!was_down)
		link_phys_down(l, reason);
}

/* Connected (either way): start reading and report the device up. */
static void
tcp_established(struct tcp_state *st)
{
	struct link *l = st->l;
	int on = 1;

	timer_stop(&st->conn_timer);
	(void)setsockopt(st->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	hdlc_decoder_reset(&st->dec);
	if (event_register(&st->ev_read, EV_READ, st->fd, EVF_RECURRING,
	    tcp_read_event, st) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't register socket", l->name);
		tcp_down(st, "Connection failed");
		return;
	}
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/* ---- outgoing calls ---- */

/*
 * Start connecting to the configured peer.  Returns 0 when the attempt
 * is under way (tcp_connect_event() finishes it), -1 on failure (the
 * caller reports it).
 */
static int
tcp_connect(struct tcp_state *st)
{
	struct link *l = st->l;
	const struct tcp_conf *c = l->dev_conf;
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	int family, len, on = 1;

	if (c->peer_addr.addr.family == AF_UNSPEC || c->peer_port == 0) {
		log_msg(LG_ERR, "[%s] Can't connect without peer specified",
		    l->name);
		return -1;
	}
	family = c->peer_addr.addr.family;
	if (c->self_addr.family != AF_UNSPEC && c->self_addr.family != family) {
		log_msg(LG_ERR, "[%s] TCP: self and peer address families "
		    "differ", l->name);
		return -1;
	}
	st->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (st->fd < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't create socket", l->name);
		return -1;
	}
	st->gen++;
	if (c->self_addr.family != AF_UNSPEC || c->self_port != 0) {
		(void)setsockopt(st->fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		len = phys_sockaddr(&c->self_addr, c->self_port, family, &ss);
		if (bind(st->fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
			log_perr(LG_ERR, "[%s] TCP: can't bind socket",
			    l->name);
			return -1;
		}
	}
	st->peer_addr = c->peer_addr.addr;
	st->peer_port = c->peer_port;
	len = phys_sockaddr(&st->peer_addr, st->peer_port, family, &ss);
	if (connect(st->fd, (struct sockaddr *)&ss, (socklen_t)len) < 0 &&
	    errno != EINPROGRESS) {
		log_perr(LG_PHYS, "[%s] TCP: can't connect", l->name);
		return -1;
	}
	/* Also when connect() completed at once: report from the loop. */
	if (event_register(&st->ev_write, EV_WRITE, st->fd, 0,
	    tcp_connect_event, st) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't register socket", l->name);
		return -1;
	}
	timer_start(&st->conn_timer);
	log_msg(LG_PHYS, "[%s] connecting to %s %u", l->name,
	    u_addr_print(&st->peer_addr, buf, sizeof(buf)), st->peer_port);
	return 0;
}

static void
tcp_connect_event(int type, void *arg)
{
	struct tcp_state *st = arg;
	struct link *l = st->l;
	socklen_t elen = sizeof(int);
	int err = 0;

	(void)type;
	if (getsockopt(st->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
	if (err == 0) {
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);

		/*
		 * A wake-up meant for an earlier socket with the same number
		 * can arrive while the connect is still in progress: wait.
		 */
		if (getpeername(st->fd, (struct sockaddr *)&ss, &slen) < 0 &&
		    errno == ENOTCONN) {
			(void)event_register(&st->ev_write, EV_WRITE, st->fd,
			    0, tcp_connect_event, st);
			return;
		}
	}
	if (err != 0) {
		log_msg(LG_PHYS, "[%s] failed to connect: %s", l->name,
		    strerror(err));
		tcp_down(st, "Connection failed");
		return;
	}
	log_msg(LG_PHYS, "[%s] connection established", l->name);
	tcp_established(st);
}

static void
tcp_conn_timeout(void *arg)
{
	struct tcp_state *st = arg;

	log_msg(LG_PHYS, "[%s] TCP: connection timed out", st->l->name);
	tcp_down(st, "Connection failed");
}

/* A call that failed inside tcp_open() is reported from the loop. */
static void
tcp_fail_report(void *arg)
{
	struct tcp_state *st = arg;

	tcp_down(st, "Connection failed");
}

/*
 * open: dial the configured peer.  A link that is not DOWN (an accepted
 * call, or a call in progress) is left alone.  Always returns 0 for a
 * non-template link: the outcome, failures found here included, is
 * reported from the event loop with link_phys_up() / link_phys_down(),
 * never from inside this call.  -1 for a template.
 */
static int
tcp_open(struct link *l)
{
	struct tcp_state *st;

	if (l->tmpl)
		return -1;
	st = tcp_state_get(l);
	if (l->state != PHYS_STATE_DOWN)
		return 0;
	st->incoming = false;
	l->state = PHYS_STATE_CONNECTING;
	if (tcp_connect(st) < 0) {
		tcp_sock_close(st);
		timer_start(&st->fail_timer);
	}
	return 0;
}

/*
 * close: hang up.  When the device was not DOWN, link_phys_down(l,
 * "Manual") is called before this returns; a DOWN device stays silent.
 */
static void
tcp_close(struct link *l)
{
	struct tcp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (l->state != PHYS_STATE_DOWN)
		log_msg(LG_PHYS, "[%s] TCP: closing connection", l->name);
	tcp_down(st, "Manual");
}

/* ---- data ---- */

/*
 * The ACCM for one outgoing frame: all control octets until LCP is
 * opened, then the map the peer asked for.  LCP's configuration,
 * termination and Code-Reject packets (codes 1-7) keep the default map,
 * as pppd does, so that a peer renegotiating from scratch can read them.
 */
static uint32_t
tcp_tx_accm(const struct link *l, const uint8_t *p, size_t len)
{
	size_t off = 0;

	if (l->lcp.fsm.state != FSM_ST_OPENED)
		return HDLC_ACCM_DEFAULT;
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03)
		off = 2;
	if (len >= off + 3 && p[off] == (PROTO_LCP >> 8) &&
	    p[off + 1] == (PROTO_LCP & 0xff) && p[off + 2] >= 1 &&
	    p[off + 2] <= 7)
		return HDLC_ACCM_DEFAULT;
	return l->lcp.peer.accmap;
}

/* Append to the send queue, growing it; the caller checked the bound. */
static void
tcp_txq_add(struct tcp_state *st, const uint8_t *p, size_t n)
{
	size_t need;

	if (st->txq_off > 0 && st->txq_off + st->txq_len + n > st->txq_cap) {
		memmove(st->txq, st->txq + st->txq_off, st->txq_len);
		st->txq_off = 0;
	}
	need = st->txq_off + st->txq_len + n;
	if (need > st->txq_cap) {
		size_t cap = st->txq_cap ? st->txq_cap : 4096;

		while (cap < need)
			cap *= 2;
		st->txq = mem_realloc("phys", st->txq, cap);
		st->txq_cap = cap;
	}
	memcpy(st->txq + st->txq_off + st->txq_len, p, n);
	st->txq_len += n;
}

/*
 * send: frame m and write it, or queue what the socket does not take.
 * A frame is either sent whole or dropped whole (counted): once part of
 * it is on the wire the rest is always queued, so the byte stream stays
 * intact.  Write errors are left to the read side, which sees the
 * broken connection and reports "Dropped".  Consumes m.
 */
static int
tcp_send(struct link *l, struct mbuf *m)
{
	struct tcp_state *st = l->dev_state;
	uint8_t out[HDLC_ENCODED_MAX(TCP_FRAME_MAX)];
	size_t n;
	ssize_t w = 0;

	if (st == NULL || st->fd < 0 || l->state != PHYS_STATE_UP ||
	    m->len > TCP_FRAME_MAX) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	n = hdlc_encode(m->data, m->len, tcp_tx_accm(l, m->data, m->len),
	    out, sizeof(out));
	mb_free(m);
	if (st->txq_len == 0) {
		w = send(st->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				st->tx_drops++;
				return -1;
			}
			w = 0;
		}
		if ((size_t)w == n) {
			st->tx_frames++;
			return 0;
		}
	}
	if (w == 0 && st->txq_len + n > TCP_TXQ_MAX) {
		st->tx_drops++;
		log_msg(LG_PHYS2, "[%s] TCP: send queue full, frame dropped",
		    l->name);
		return -1;
	}
	tcp_txq_add(st, out + w, n - (size_t)w);
	st->tx_frames++;
	if (!event_is_registered(&st->ev_write))
		(void)event_register(&st->ev_write, EV_WRITE, st->fd,
		    EVF_RECURRING, tcp_write_event, st);
	return 0;
}

/* The socket takes data again: flush the queue. */
static void
tcp_write_event(int type, void *arg)
{
	struct tcp_state *st = arg;
	ssize_t w;

	(void)type;
	while (st->txq_len > 0) {
		w = send(st->fd, st->txq + st->txq_off, st->txq_len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* Broken: drop the queue; the read side reports. */
			st->txq_len = 0;
			break;
		}
		st->txq_off += (size_t)w;
		st->txq_len -= (size_t)w;
	}
	st->txq_off = 0;
	event_unregister(&st->ev_write);
	/* Do not keep a large buffer around once drained. */
	mem_free(st->txq);
	st->txq = NULL;
	st->txq_cap = 0;
}

/*
 * Bytes from the peer: decode frames and hand each to the link.  The
 * link may close or reopen the device from inside link_phys_input(), so
 * the connection generation is checked after each frame.
 */
static void
tcp_read_event(int type, void *arg)
{
	struct tcp_state *st = arg;
	struct link *l = st->l;
	uint8_t buf[TCP_READ_CHUNK];
	const uint8_t *frame;
	size_t off, used, flen;
	unsigned gen = st->gen;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < TCP_READS_PER_EVENT; i++) {
		r = read(st->fd, buf, sizeof(buf));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			log_msg(LG_PHYS, "[%s] TCP: connection lost: %s",
			    l->name, strerror(errno));
			tcp_down(st, "Dropped");
			return;
		}
		if (r == 0) {
			log_msg(LG_PHYS, "[%s] TCP: connection closed by peer",
			    l->name);
			tcp_down(st, "Dropped");
			return;
		}
		for (off = 0; off < (size_t)r; off += used) {
			used = hdlc_decode(&st->dec, buf + off,
			    (size_t)r - off, &frame, &flen);
			if (frame == NULL)
				continue;
			link_phys_input(l, mb_copy(frame, flen));
			if (st->fd < 0 || st->gen != gen)
				return;
		}
		if ((size_t)r < sizeof(buf))
			return;
	}
}

/* ---- incoming calls ---- */

static struct tcp_listener *
tcp_listener_get(const struct tcp_conf *c, const char *lname)
{
	struct tcp_listener *ls;
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	int len, on = 1;

	for (ls = tcp_listeners; ls != NULL; ls = ls->next)
		if (ls->port == c->self_port &&
		    phys_addr_equal(&ls->addr, &c->self_addr)) {
			ls->refs++;
			return ls;
		}
	ls = mem_alloc("phys", sizeof(*ls));
	ls->addr = c->self_addr;
	ls->port = c->self_port;
	len = phys_sockaddr(&ls->addr, ls->port, AF_INET, &ss);
	ls->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP);
	if (ls->fd < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't create socket", lname);
		goto fail;
	}
	(void)setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(ls->fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't bind socket to %s %u", lname,
		    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
		goto fail;
	}
	if (listen(ls->fd, TCP_BACKLOG) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't listen", lname);
		goto fail;
	}
	if (event_register(&ls->ev, EV_READ, ls->fd, EVF_RECURRING,
	    tcp_accept_event, ls) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't register socket", lname);
		goto fail;
	}
	ls->refs = 1;
	ls->next = tcp_listeners;
	tcp_listeners = ls;
	log_msg(LG_PHYS, "TCP: waiting for connection on %s %u",
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	return ls;
fail:
	if (ls->fd >= 0)
		close(ls->fd);
	mem_free(ls);
	return NULL;
}

static void
tcp_listener_put(struct tcp_listener *ls)
{
	struct tcp_listener **pp;
	char buf[INET6_ADDRSTRLEN];

	if (--ls->refs > 0)
		return;
	log_msg(LG_PHYS, "TCP: stop waiting for connection on %s %u",
	    u_addr_print(&ls->addr, buf, sizeof(buf)), ls->port);
	for (pp = &tcp_listeners; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ls) {
			*pp = ls->next;
			break;
		}
	event_unregister(&ls->ev);
	close(ls->fd);
	mem_free(ls);
}

static void
tcp_unlisten(struct tcp_state *st)
{
	if (st->lsn == NULL)
		return;
	tcp_listener_put(st->lsn);
	st->lsn = NULL;
}

/*
 * The link for a caller at (a, port) on listener ls: among the free links
 * and templates accepting calls there whose `peer` admits the caller, the
 * one with the narrowest peer range (mpd5's choice).  NULL when none.
 */
static struct link *
tcp_match(const struct tcp_listener *ls, const struct u_addr *a,
    uint16_t port)
{
	struct link *l, *best = NULL;
	const struct tcp_conf *c;
	const struct tcp_state *st;
	int i, width, best_width = -1;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != &phys_tcp || l->dying)
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

/* An accepted connection fd from ss: give it a link or refuse it. */
static void
tcp_incoming(struct tcp_listener *ls, int fd,
    const struct sockaddr_storage *ss)
{
	struct link *t, *l;
	struct tcp_state *st;
	struct u_addr a;
	uint16_t port;
	char buf[INET6_ADDRSTRLEN];

	phys_sockaddr_parse(ss, &a, &port);
	u_addr_print(&a, buf, sizeof(buf));
	log_msg(LG_PHYS, "Incoming TCP connection from %s %u", buf, port);
	t = tcp_match(ls, &a, port);
	if (t == NULL) {
		log_msg(LG_PHYS, "No free TCP link with requested parameters "
		    "was found");
		goto refuse;
	}
	l = link_incoming(t);
	if (l == NULL) {
		log_msg(LG_PHYS, "[%s] TCP: call from %s %u refused", t->name,
		    buf, port);
		goto refuse;
	}
	st = tcp_state_get(l);
	if (st->fd >= 0 || l->state != PHYS_STATE_DOWN) {
		log_msg(LG_ERR, "[%s] TCP: link busy, call from %s %u refused",
		    l->name, buf, port);
		goto refuse;
	}
	log_msg(LG_PHYS, "[%s] Accepting TCP connection from %s %u", l->name,
	    buf, port);
	timer_stop(&st->fail_timer);
	st->fd = fd;
	st->gen++;
	st->incoming = true;
	st->peer_addr = a;
	st->peer_port = port;
	/* Not DOWN: a failure from here on is reported (the link exists). */
	l->state = PHYS_STATE_CONNECTING;
	tcp_established(st);
	return;
refuse:
	close(fd);
}

/*
 * One connection per wake-up: the listener is level-triggered, so a
 * backlog simply wakes us again, and nothing the link layer does during
 * tcp_incoming() can pull the listener away under a loop.
 */
static void
tcp_accept_event(int type, void *arg)
{
	struct tcp_listener *ls = arg;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	int fd;

	(void)type;
	fd = accept4(ls->fd, (struct sockaddr *)&ss, &slen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			log_perr(LG_ERR, "TCP: accept failed");
		return;
	}
	tcp_incoming(ls, fd, &ss);
}

/*
 * Bring the listening sockets in line with the configuration: a link or
 * template listens when phys_listen(l, true) asked for it, `incoming` is
 * enabled and `self` has a port.  Run from a timer so that the order of
 * `set link enable incoming` and `set tcp self` in mpd.conf does not
 * matter (mpd5 defers the same way).
 */
static void
tcp_listen_sync(void *arg)
{
	struct link *l;
	struct tcp_state *st;
	const struct tcp_conf *c;
	bool want;
	int i;

	(void)arg;
	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (l == NULL || l->type != &phys_tcp ||
		    (st = l->dev_state) == NULL)
			continue;
		c = l->dev_conf;
		want = st->want_listen && !l->dying &&
		    opt_enabled(&l->conf.options, LINK_OPT_INCOMING);
		if (want && c->self_port == 0) {
			log_msg(LG_ERR, "Tcp: Skipping link \"%s\" with "
			    "undefined port number", l->name);
			want = false;
		}
		if (st->lsn != NULL && (!want ||
		    st->lsn->port != c->self_port ||
		    !phys_addr_equal(&st->lsn->addr, &c->self_addr)))
			tcp_unlisten(st);
		if (want && st->lsn == NULL)
			st->lsn = tcp_listener_get(c, l->name);
	}
}

static void
tcp_listen_schedule(void)
{
	if (tcp_sync_timer.cb == NULL)
		timer_init(&tcp_sync_timer, "TcpListenUpdate", 0,
		    tcp_listen_sync, NULL);
	timer_start(&tcp_sync_timer);
}

/*
 * listen: (stop) accepting calls for l.  Idempotent; the sockets follow
 * from the event loop (tcp_listen_sync()), so this only records the wish
 * and returns 0.
 */
static int
tcp_listen(struct link *l, bool listen)
{
	struct tcp_state *st;

	if (!listen && l->dev_state == NULL)
		return 0;
	st = tcp_state_get(l);
	st->want_listen = listen;
	tcp_listen_schedule();
	return 0;
}

/* shutdown: the link is being freed; drop everything, report nothing. */
static void
tcp_shutdown(struct link *l)
{
	struct tcp_state *st = l->dev_state;

	if (st == NULL)
		return;
	tcp_sock_close(st);
	timer_stop(&st->fail_timer);
	tcp_unlisten(st);
	mem_free(st);
	l->dev_state = NULL;
}

/* ---- views ---- */

/* The TCP block of `show device` (spec 5.6). */
static void
tcp_show(struct cmd_ctx *ctx, const struct link *l)
{
	const struct tcp_conf *c = l->dev_conf;
	const struct tcp_state *st = l->dev_state;
	char buf[64];

	cmd_printf(ctx, "TCP configuration:\n");
	cmd_printf(ctx, "\tPeer FQDN    : %s\n", c->peer_fqdn);
	cmd_printf(ctx, "\tSelf address : %s, port %u\n",
	    phys_addr_print(&c->self_addr, buf, sizeof(buf)), c->self_port);
	cmd_printf(ctx, "\tPeer address : %s, port %u\n",
	    u_range_print(&c->peer_addr, buf, sizeof(buf)), c->peer_port);
	cmd_printf(ctx, "TCP state:\n");
	if (l->state == PHYS_STATE_DOWN || st == NULL)
		return;
	cmd_printf(ctx, "\tIncoming     : %s\n", st->incoming ? "YES" : "NO");
	cmd_printf(ctx, "\tCurrent peer : %s, port %u\n",
	    u_addr_print(&st->peer_addr, buf, sizeof(buf)), st->peer_port);
}

/* Current peer IP (as mpd5: the address only); "" when not connected. */
static void
tcp_peer_addr(const struct link *l, char *buf, unsigned len)
{
	const struct tcp_state *st = l->dev_state;

	if (st != NULL && l->state != PHYS_STATE_DOWN &&
	    st->peer_addr.family != AF_UNSPEC)
		u_addr_print(&st->peer_addr, buf, len);
}

/*
 * Our address: the configured one, else the local end of the current
 * connection, else "".
 */
static void
tcp_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct tcp_conf *c = l->dev_conf;
	const struct tcp_state *st = l->dev_state;
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

/* Calling number: the caller's address (mpd5: peer when incoming). */
static void
tcp_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct tcp_state *st = l->dev_state;

	if (st != NULL && st->incoming)
		tcp_peer_addr(l, buf, len);
	else
		tcp_self_addr(l, buf, len);
}

static void
tcp_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct tcp_state *st = l->dev_state;

	if (st != NULL && st->incoming)
		tcp_self_addr(l, buf, len);
	else
		tcp_peer_addr(l, buf, len);
}

/*
 * PPP over TCP carries async-HDLC frames (spec 10.7), so the link is not
 * synchronous: the accmap matters.
 */
const struct phys_type phys_tcp = {
	.name		= "tcp",
	.descr		= "PPP over TCP",
	.mtu		= TCP_MTU,
	.mru		= TCP_MRU,
	.tmpl		= true,
	.synchronous	= false,
	.dflt_bandwidth	= 64000,
	.dflt_latency	= 2000,
	.cmds		= tcp_set_cmds,
	.conf_new	= tcp_conf_new,
	.conf_dup	= tcp_conf_dup,
	.conf_free	= tcp_conf_free,
	.show		= tcp_show,
	.peer_addr	= tcp_peer_addr,
	.calling_num	= tcp_calling_num,
	.called_num	= tcp_called_num,
	.open		= tcp_open,
	.close		= tcp_close,
	.send		= tcp_send,
	.listen		= tcp_listen,
	.shutdown	= tcp_shutdown,
	.self_addr	= tcp_self_addr,
};
