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
 *    whole frames are dropped and counted (the loop never blocks);
 *  - kernel channel: when the kernel data plane is usable
 *    (dp_kernel_usable()), an established connection gets a pty in N_PPP
 *    (link/ttychan.c): the kernel's ppp_async frames, every PPP frame goes
 *    through the channel's /dev/ppp descriptor, and the socket is relayed
 *    byte for byte to and from the pty.  Without one (refused), the
 *    connection stays on the user-space framing above.
 *
 * Device states (l->state): DOWN -> CONNECTING -> UP.  Every way out of a
 * state other than DOWN is reported exactly once with link_phys_down():
 * "Connection failed" when a call could not be set up, "Dropped" when an
 * established connection broke, "Manual" for phys_close().
 */
#include "phys_sock.h"

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
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "hdlc.h"
#include "ttychan.h"
#include "txq.h"

#define TCP_MTU			2048
#define TCP_MRU			2048
/* Largest frame taken or sent: MRU plus address, control and protocol. */
#define TCP_FRAME_MAX		(TCP_MRU + 4)
#define TCP_CONNECT_TIMEOUT	10000		/* ms */
#define TCP_TXQ_MAX		(64 * 1024)	/* queued bytes per link */
#define TCP_BACKLOG		16
#define TCP_READ_CHUNK		4096
#define TCP_READS_PER_EVENT	16		/* fairness between links */

/*
 * Per-link runtime (link->dev_state), created on first use and freed by
 * phys_shutdown().  A template only ever uses the listening part.
 */
struct tcp_state {
	struct phys_sock	 sk;		/* first: the shared part */
	struct event		 ev_read;
	struct event		 ev_write;	/* connect */
	struct timer		 conn_timer;	/* connect timeout */
	struct timer		 fail_timer;	/* deferred open failure */
	struct hdlc_decoder	 dec;
	uint8_t			 rxbuf[HDLC_DECODER_BUF(TCP_FRAME_MAX)];
	/* bytes accepted by tcp_send() that the kernel has not taken yet */
	struct txq		 txq;
	uint64_t		 tx_frames, tx_drops;
	struct ttychan		*tc;		/* kernel channel, or NULL */
};

static void	tcp_read_event(int type, void *arg);
static void	tcp_connect_event(int type, void *arg);
static void	tcp_conn_timeout(void *arg);
static void	tcp_fail_report(void *arg);
static void	tcp_accept_event(int type, void *arg);
static struct phys_sock *tcp_sock_get(struct link *l);

/* tcp for the shared listener code (phys_sock.c). */
static struct phys_sock_kind tcp_kind = {
	.type			= &phys_tcp,
	.tag			= "TCP",
	.skip_tag		= "Tcp",
	.sync_desc		= "TcpListenUpdate",
	.sotype			= SOCK_STREAM,
	.proto			= IPPROTO_TCP,
	.backlog		= TCP_BACKLOG,
	.on_readable		= tcp_accept_event,
	.on_readable_name	= "tcp_accept_event",
	.state_get		= tcp_sock_get,
};

/* ---- configuration ---- */

static struct opt_set *
tcp_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	struct phys_sock_conf *c = phys_conf_of(ctx, &phys_tcp);

	*defs = phys_sock_opts;
	return c != NULL ? &c->options : NULL;
}

static const struct phys_ip_cmd tcp_arg_ip = { &phys_tcp, &tcp_kind };
static const struct opt_cmd_arg tcp_arg_enable = { OPT_ENABLE, tcp_opt_get };
static const struct opt_cmd_arg tcp_arg_disable = { OPT_DISABLE, tcp_opt_get };

const struct cmdtab tcp_set_cmds[] = {
	{ .name = "self {ip} [{port}]", .desc = "Set local IP address",
	  .func = phys_ip_set_self, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_ip },
	{ .name = "peer {ip} [{port}]", .desc = "Set remote IP address",
	  .func = phys_ip_set_peer, .admit = cmd_admit_dev,
	  .priv = PRIV_ADMIN, .arg = &tcp_arg_ip },
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
	st->sk.l = l;
	st->sk.fd = -1;
	hdlc_decoder_init(&st->dec, st->rxbuf, sizeof(st->rxbuf));
	txq_init(&st->txq, true, TCP_TXQ_MAX);
	timer_init(&st->conn_timer, "TcpConnect", TCP_CONNECT_TIMEOUT,
	    tcp_conn_timeout, st);
	timer_init(&st->fail_timer, "TcpOpenFail", 0, tcp_fail_report, st);
	l->dev_state = st;
	return st;
}

/* kind->state_get: the shared part of l's state (sk is the first member). */
static struct phys_sock *
tcp_sock_get(struct link *l)
{
	return &tcp_state_get(l)->sk;
}

/* Drop the connection (socket, events, timers, queue); no report. */
static void
tcp_sock_close(struct tcp_state *st)
{
	ttychan_close(st->tc);
	st->tc = NULL;
	event_unregister(&st->ev_read);
	event_unregister(&st->ev_write);
	timer_stop(&st->conn_timer);
	if (st->sk.fd >= 0)
		close(st->sk.fd);
	st->sk.fd = -1;
	txq_reset(&st->txq);
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
	tcp_sock_close(st);
	timer_stop(&st->fail_timer);
	phys_sock_set_down(&st->sk, reason);
}

/* The kernel channel's relay ended: the connection is gone. */
static void
tcp_chan_down(void *arg, const char *why)
{
	struct tcp_state *st = arg;

	log_msg(LG_PHYS2, "[%s] TCP: kernel channel relay: %s", st->sk.l->name,
	    why);
	tcp_down(st, "Dropped");
}

/* Connected (either way): start reading and report the device up. */
static void
tcp_established(struct tcp_state *st)
{
	struct link *l = st->sk.l;
	int on = 1;

	timer_stop(&st->conn_timer);
	(void)setsockopt(st->sk.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	hdlc_decoder_reset(&st->dec);
	/* the relay reads the socket itself */
	if (dp_kernel_usable())
		st->tc = ttychan_open(l, "TCP", st->sk.fd, false, TCP_MRU,
		    tcp_chan_down, st);
	if (st->tc == NULL && event_register(&st->ev_read, EV_READ, st->sk.fd,
	    EVF_RECURRING, tcp_read_event, st) < 0) {
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
	struct link *l = st->sk.l;
	const struct phys_sock_conf *c = l->dev_conf;
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	int family, len, on = 1;

	if (c->ip.peer_addr.addr.family == AF_UNSPEC || c->ip.peer_port == 0) {
		log_msg(LG_ERR, "[%s] Can't connect without peer specified",
		    l->name);
		return -1;
	}
	family = c->ip.peer_addr.addr.family;
	if (c->ip.self_addr.family != AF_UNSPEC &&
	    c->ip.self_addr.family != family) {
		log_msg(LG_ERR, "[%s] TCP: self and peer address families "
		    "differ", l->name);
		return -1;
	}
	st->sk.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (st->sk.fd < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't create socket", l->name);
		return -1;
	}
	st->sk.gen++;
	if (c->ip.self_addr.family != AF_UNSPEC || c->ip.self_port != 0) {
		(void)setsockopt(st->sk.fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		len = phys_sockaddr(&c->ip.self_addr, c->ip.self_port, family,
		    &ss);
		if (bind(st->sk.fd, (struct sockaddr *)&ss,
		    (socklen_t)len) < 0) {
			log_perr(LG_ERR, "[%s] TCP: can't bind socket",
			    l->name);
			return -1;
		}
	}
	st->sk.peer_addr = c->ip.peer_addr.addr;
	st->sk.peer_port = c->ip.peer_port;
	len = phys_sockaddr(&st->sk.peer_addr, st->sk.peer_port, family, &ss);
	if (connect(st->sk.fd, (struct sockaddr *)&ss, (socklen_t)len) < 0 &&
	    errno != EINPROGRESS) {
		log_perr(LG_PHYS, "[%s] TCP: can't connect", l->name);
		return -1;
	}
	/* Also when connect() completed at once: report from the loop. */
	if (event_register(&st->ev_write, EV_WRITE, st->sk.fd, 0,
	    tcp_connect_event, st) < 0) {
		log_perr(LG_ERR, "[%s] TCP: can't register socket", l->name);
		return -1;
	}
	timer_start(&st->conn_timer);
	log_msg(LG_PHYS, "[%s] connecting to %s %u", l->name,
	    u_addr_print(&st->sk.peer_addr, buf, sizeof(buf)),
	    st->sk.peer_port);
	return 0;
}

static void
tcp_connect_event(int type, void *arg)
{
	struct tcp_state *st = arg;
	struct link *l = st->sk.l;
	socklen_t elen = sizeof(int);
	int err = 0;

	(void)type;
	if (getsockopt(st->sk.fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
	if (err == 0) {
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);

		/*
		 * A wake-up meant for an earlier socket with the same number
		 * can arrive while the connect is still in progress: wait.
		 */
		if (getpeername(st->sk.fd, (struct sockaddr *)&ss, &slen) < 0 &&
		    errno == ENOTCONN) {
			(void)event_register(&st->ev_write, EV_WRITE, st->sk.fd,
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

	log_msg(LG_PHYS, "[%s] TCP: connection timed out", st->sk.l->name);
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
	st->sk.incoming = false;
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

	if (st == NULL || st->sk.fd < 0 || l->state != PHYS_STATE_UP ||
	    m->len > TCP_FRAME_MAX) {
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
	n = hdlc_encode(m->data, m->len, hdlc_frame_accm(
	    l->lcp.fsm.state == FSM_ST_OPENED, l->lcp.peer.accmap, m->data,
	    m->len), out, sizeof(out));
	mb_free(m);
	if (txq_write(&st->txq, st->sk.fd, out, n) < 0) {
		st->tx_drops++;
		if (errno == ENOBUFS)
			log_msg(LG_PHYS2, "[%s] TCP: send queue full, frame "
			    "dropped", l->name);
		return -1;
	}
	st->tx_frames++;
	return 0;
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
	struct link *l = st->sk.l;
	uint8_t buf[TCP_READ_CHUNK];
	const uint8_t *frame;
	size_t off, used, flen;
	unsigned gen = st->sk.gen;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < TCP_READS_PER_EVENT; i++) {
		r = read(st->sk.fd, buf, sizeof(buf));
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
			if (st->sk.fd < 0 || st->sk.gen != gen)
				return;
		}
		if ((size_t)r < sizeof(buf))
			return;
	}
}

/* ---- incoming calls ---- */

/* An accepted connection fd from ss: give it a link or refuse it. */
static void
tcp_incoming(struct phys_listener *ls, int fd,
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
	t = phys_sock_pick(ls, &a, port);
	if (t == NULL)
		goto refuse;
	st = (struct tcp_state *)phys_sock_take(&tcp_kind, t, buf, port);
	if (st == NULL)
		goto refuse;
	l = st->sk.l;
	log_msg(LG_PHYS, "[%s] Accepting TCP connection from %s %u", l->name,
	    buf, port);
	timer_stop(&st->fail_timer);
	st->sk.fd = fd;
	st->sk.gen++;
	st->sk.incoming = true;
	st->sk.peer_addr = a;
	st->sk.peer_port = port;
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
	struct phys_listener *ls = arg;
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
 * listen: (stop) accepting calls for l.  Idempotent; the sockets follow
 * from the event loop (phys_sock_listen()), so this only records the
 * wish and returns 0.
 */
static int
tcp_listen(struct link *l, bool listen)
{
	return phys_sock_listen(&tcp_kind, l, listen);
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
	phys_sock_state_free(l);
}

/* kernel_chan: the call's /dev/ppp channel descriptor, or -1. */
static int
tcp_kernel_chan(const struct link *l)
{
	struct tcp_state *st = l->dev_state;

	return st != NULL ? ttychan_fd(st->tc) : -1;
}

/* ---- views ---- */

/* The TCP block of `show device` (spec 5.6). */
static void
tcp_show(struct cmd_ctx *ctx, const struct link *l)
{
	phys_sock_show(ctx, l, "TCP");
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
	.conf_new	= phys_sock_conf_new,
	.conf_dup	= phys_sock_conf_dup,
	.conf_free	= phys_conf_free,
	.show		= tcp_show,
	.peer_addr	= phys_sock_peer_addr,
	.calling_num	= phys_sock_calling_num,
	.called_num	= phys_sock_called_num,
	.open		= tcp_open,
	.close		= tcp_close,
	.send		= tcp_send,
	.listen		= tcp_listen,
	.shutdown	= tcp_shutdown,
	.self_addr	= phys_sock_self_addr,
	.kernel_chan	= tcp_kernel_chan,
};
