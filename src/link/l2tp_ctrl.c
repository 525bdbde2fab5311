/*
 * l2tp_ctrl.c - L2TPv2 tunnels and sessions (RFC 2661) for the "l2tp"
 * device type, with the data path in userland over UDP.
 *
 * Tunnels (control connections, RFC 2661 5): one per (self, peer) pair
 * and configuration, shared by up to `set global l2tplimit` sessions.
 *  - Reliable delivery (5.8): Ns/Nr per message, a send window of the
 *    peer's Receive Window Size, retransmission with exponential back-off
 *    (1, 2, 4, 8, 8 s; the tunnel dies after L2TP_RTX_MAX tries), ZLB
 *    acknowledgements after a short delay when no message carries the
 *    ack, HELLO after L2TP_HELLO_SEC of silence (5.5).  Messages ahead of
 *    the expected Ns but inside our receive window (L2TP_RWIN) are kept
 *    and processed in order; further ahead they are dropped (the peer
 *    retransmits them); old ones are acknowledged again.
 *  - Tunnel authentication (5.1.1) with `set l2tp secret`: a Challenge in
 *    SCCRQ/SCCRP, the Challenge Response checked in SCCRP/SCCCN; a wrong
 *    or missing response ends the tunnel with StopCCN result 4.  The same
 *    secret reveals hidden AVPs (4.3) and, with `enable hidden`, hides the
 *    session's AVPs we send.
 *  - An idle tunnel (no sessions) is closed with StopCCN after
 *    `l2tptimeout` seconds.
 * Sessions (calls): incoming calls ICRQ/ICRP/ICCN (the LAC's call; the
 * default) or outgoing calls OCRQ/OCRP/OCCN (`enable outcall`), CDN with
 * a result code to hang up.  The calling side is whoever opens the link;
 * the answering side picks a link or template with `incoming` enabled
 * whose `peer` admits the tunnel peer (narrowest range), like tcp/udp.
 * Data messages carry Ns/Nr (`dataseq`, default) and Length (`length`)
 * when enabled; received data out of sequence is dropped.
 *
 * Sockets: the listener (shared per self address and port, phys_sock.c)
 * receives new tunnels; every tunnel then has its own UDP socket bound to
 * the same address and port (SO_REUSEPORT) or, for tunnels we start, to
 * `self` (ephemeral port unless set), connected to the peer.  Datagrams
 * that reach the listener for a known tunnel are passed to it.
 *
 * Kernel data plane (DESIGN.md 2, sys/l2tpnl.h): whenever
 * dp_kernel_usable(), a call that comes up also becomes a kernel session
 * on a kernel tunnel created over the tunnel's UDP socket, with a
 * PX_PROTO_OL2TP socket whose PPP channel (/dev/ppp descriptor) is the
 * link's kernel_chan: from then on the kernel takes the call's data
 * messages, LCP and authentication frames come and go on the channel
 * descriptor, and control messages still reach our socket.  Any kernel
 * error leaves the call on the user-space path.
 *
 * Bad input is dropped, counted and logged at phys2/phys3; it never
 * disturbs another tunnel.  Half-open tunnels are capped
 * (L2TP_HALF_OPEN_MAX) against SCCRQ floods.
 */
#include "l2tp.h"

#include <errno.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "../sys/l2tpnl.h"
#include "l2tp_proto.h"

#define L2TP_VENDOR		"FreeBSD MPD"
#define L2TP_FIRMWARE		0x0100
#define L2TP_RWIN		16	/* our receive window */
#define L2TP_RTX_MAX		6	/* transmissions of one message */
#define L2TP_RTX_FIRST_MS	1000
#define L2TP_RTX_CAP_MS		8000
#define L2TP_ACK_DELAY_MS	100	/* ZLB after an unanswered message */
#define L2TP_HELLO_SEC		60
#define L2TP_DYING_MS		5000	/* keep acking after StopCCN */
#define L2TP_HALF_OPEN_MAX	64	/* tunnels not yet established */
#define L2TP_QUEUE_MAX		256	/* queued control messages */
#define L2TP_BUF		2048
#define L2TP_FRAME_MAX		(1600 + 4)
#define L2TP_SPEED		10000000
#define L2TP_CALL_SETUP_MS	30000	/* a call not up by then is dropped */

enum l2tp_tun_state {
	L2TP_TS_IDLE,		/* not started yet */
	L2TP_TS_WAIT_REPLY,	/* sent SCCRQ */
	L2TP_TS_WAIT_CONN,	/* sent SCCRP */
	L2TP_TS_ESTABLISHED,
	L2TP_TS_DYING,		/* StopCCN sent or received */
};

static const char *const l2tp_tun_state_names[] = {
	"idle", "wait-ctl-reply", "wait-ctl-conn", "established", "dying",
};

enum l2tp_sess_state {
	L2TP_SS_WAIT_TUNNEL,	/* calling side: tunnel not up yet */
	L2TP_SS_WAIT_REPLY,	/* sent ICRQ / OCRQ */
	L2TP_SS_WAIT_CONN,	/* sent ICRP (or OCRP and OCCN pending) */
	L2TP_SS_ESTABLISHED,
};

struct l2tp_tun;

/* One call; owned by its tunnel, pointed at by its link's state. */
struct l2tp_sess {
	struct l2tp_sess	*next;
	struct l2tp_tun		*t;
	struct link		*l;
	enum l2tp_sess_state	 state;
	uint16_t		 lid, pid;	/* our / peer's session id */
	uint32_t		 serial;
	bool			 originated;	/* we placed the call */
	bool			 outcall;	/* OCRQ rather than ICRQ */
	bool			 dataseq, length;
	bool			 sync;		/* framing of the call */
	uint16_t		 data_ns, data_nr;
	char			 calling[64], called[64];
	struct timer		 setup_timer;
	/* kernel session: PPPoX socket, its channel's /dev/ppp fd */
	int			 ksock, kchan;
	struct event		 ev_chan;
};

/* One queued control message (header included). */
struct l2tp_qmsg {
	struct l2tp_qmsg	*next;
	uint16_t		 ns;
	bool			 sent;		/* transmitted at least once */
	size_t			 len;
	uint8_t			 buf[];
};

/* A control message that arrived ahead of its turn (whole datagram). */
struct l2tp_rxmsg {
	uint16_t		 ns;
	size_t			 len;
	uint8_t			 buf[];
};

/* One control connection; in the global list l2tp_tunnels. */
struct l2tp_tun {
	struct l2tp_tun		*next;
	enum l2tp_tun_state	 state;
	bool			 originated;	/* we sent SCCRQ */
	uint16_t		 lid, pid;	/* our / peer's tunnel id */
	struct u_addr		 self_addr, peer_addr;
	uint16_t		 self_port, peer_port;
	int			 fd;
	struct event		 ev;
	struct phys_listener	*lsn;		/* came in there (or NULL) */
	char			 hostname[256];	/* ours */
	char			 peer_host[256];
	char			 secret[64];
	bool			 hidden;
	uint8_t			 chal[16];	/* our challenge */
	bool			 chal_sent;
	/* reliable delivery */
	uint16_t		 ns;		/* next Ns to assign */
	uint16_t		 nr;		/* next Ns expected */
	uint16_t		 acked;		/* the peer's last valid Nr */
	uint16_t		 peer_rwin;
	struct l2tp_qmsg	*q;		/* unacked, then unsent */
	struct l2tp_rxmsg	*rxq[L2TP_RWIN];	/* ahead, by Ns */
	unsigned		 qlen;
	unsigned		 rtx_count;
	uint32_t		 rtx_ms;
	struct timer		 rtx_timer, ack_timer, hello_timer,
				 idle_timer, dying_timer;
	/* sessions */
	struct l2tp_sess	*sessions;
	unsigned		 nsess;
	uint32_t		 next_serial;
	uint64_t		 rx_bad, rx_dup, rx_ahead;
	bool			 kern;		/* a kernel tunnel exists */
	bool			 kern_failed;	/* do not try again */
};

/* A link's runtime (link->dev_state). */
struct l2tp_state {
	struct phys_sock	 sk;		/* first: listening side */
	struct l2tp_sess	*sess;
	uint64_t		 tx_drops, rx_drops;
};

static struct l2tp_tun	*l2tp_tunnels;
static uint64_t		 l2tp_rx_bad;		/* dropped before a tunnel */
static struct l2tpnl	 l2tp_nl;		/* kernel tunnels/sessions */

static void	l2tp_listener_event(int type, void *arg);
static struct phys_sock *l2tp_sock_get(struct link *l);
static void	l2tp_listener_gone(struct phys_listener *ls);
static void	l2tp_tun_event(int type, void *arg);
static void	l2tp_tun_kill(struct l2tp_tun *t, const char *why);
static void	l2tp_tun_stop(struct l2tp_tun *t, uint16_t result,
		    uint16_t error, const char *msg);
static void	l2tp_sess_start(struct l2tp_sess *s);
static void	l2tp_sess_free(struct l2tp_sess *s, const char *reason);
static void	l2tp_sess_cdn(struct l2tp_sess *s, uint16_t result,
		    uint16_t error, const char *reason);
static void	l2tp_setup_timeout(void *arg);
static void	l2tp_kernel_close(struct l2tp_sess *s);
static struct l2tpnl *l2tp_nl_get(void);

static struct phys_sock_kind l2tp_kind = {
	.type			= &phys_l2tp,
	.tag			= "L2TP",
	.skip_tag		= "L2TP",
	.sync_desc		= "L2tpListenUpdate",
	.sotype			= SOCK_DGRAM,
	.proto			= IPPROTO_UDP,
	.reuseport		= true,
	.dflt_port		= L2TP_PORT,
	.on_readable		= l2tp_listener_event,
	.on_readable_name	= "l2tp_listener_event",
	.state_get		= l2tp_sock_get,
	.listener_gone		= l2tp_listener_gone,
};

/* ---- helpers ---- */

static void
l2tp_random(void *p, size_t n)
{
	uint8_t *b = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(b + got, n - got, GRND_NONBLOCK);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	/* never blocks: a shortfall is filled from the clock */
	for (; got < n; got++)
		b[got] = (uint8_t)(event_now_ms() >> (got % 8));
}

static const char *
l2tp_tun_name(const struct l2tp_tun *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s %u (tid %u)", u_addr_print(&t->peer_addr, a,
	    sizeof(a)), t->peer_port, t->lid);
	return buf;
}

static void
l2tp_my_hostname(const struct l2tp_conf *c, char *buf, size_t len)
{
	if (c->hostname[0] != '\0')
		util_strlcpy(buf, c->hostname, len);
	else if (gethostname(buf, len) < 0 || buf[0] == '\0')
		util_strlcpy(buf, "mpd", len);
	buf[len - 1] = '\0';
}

static struct l2tp_state *
l2tp_state_get(struct link *l)
{
	return phys_sock_state_get(l, sizeof(struct l2tp_state));
}

static struct phys_sock *
l2tp_sock_get(struct link *l)
{
	return &l2tp_state_get(l)->sk;
}

static void
l2tp_listener_gone(struct phys_listener *ls)
{
	struct l2tp_tun *t;

	for (t = l2tp_tunnels; t != NULL; t = t->next)
		if (t->lsn == ls)
			t->lsn = NULL;
}

static unsigned
l2tp_half_open(void)
{
	struct l2tp_tun *t;
	unsigned n = 0;

	for (t = l2tp_tunnels; t != NULL; t = t->next)
		if (t->state == L2TP_TS_WAIT_REPLY ||
		    t->state == L2TP_TS_WAIT_CONN)
			n++;
	return n;
}

static uint16_t
l2tp_new_tid(void)
{
	struct l2tp_tun *t;
	uint16_t id;

	for (;;) {
		l2tp_random(&id, sizeof(id));
		if (id == 0)
			continue;
		for (t = l2tp_tunnels; t != NULL; t = t->next)
			if (t->lid == id)
				break;
		if (t == NULL)
			return id;
	}
}

static uint16_t
l2tp_new_sid(const struct l2tp_tun *t)
{
	const struct l2tp_sess *s;
	uint16_t id;

	for (;;) {
		l2tp_random(&id, sizeof(id));
		if (id == 0)
			continue;
		for (s = t->sessions; s != NULL; s = s->next)
			if (s->lid == id)
				break;
		if (s == NULL)
			return id;
	}
}

static struct l2tp_sess *
l2tp_sess_find(const struct l2tp_tun *t, uint16_t lid)
{
	struct l2tp_sess *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->lid == lid)
			return s;
	return NULL;
}

/* ---- sockets ---- */

/*
 * A UDP socket bound to (self, sport) when either is set and connected
 * to (peer, pport).  Returns the fd or -1 (logged).
 */
static int
l2tp_socket(const struct u_addr *self, uint16_t sport,
    const struct u_addr *peer, uint16_t pport)
{
	struct sockaddr_storage ss;
	int fd, len, on = 1;

	fd = socket(peer->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP);
	if (fd < 0) {
		log_perr(LG_ERR, "L2TP: can't create socket");
		return -1;
	}
	if ((self->family != AF_UNSPEC && !u_addr_empty(self)) || sport != 0) {
		/*
		 * Sharing only for a fixed port (the listener's): two sockets
		 * with SO_REUSEADDR bound to port 0 may get the same port.
		 */
		if (sport != 0) {
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			    sizeof(on));
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
			    sizeof(on));
		}
		len = phys_sockaddr(self, sport, peer->family, &ss);
		if (bind(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
			log_perr(LG_ERR, "L2TP: can't bind socket");
			goto fail;
		}
	}
	len = phys_sockaddr(peer, pport, peer->family, &ss);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
		log_perr(LG_ERR, "L2TP: can't connect socket");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static void
l2tp_tun_xmit(struct l2tp_tun *t, const uint8_t *p, size_t len)
{
	ssize_t w;

	if (t->fd < 0)
		return;
	do
		w = send(t->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
}

/* ---- tunnel objects ---- */

static struct l2tp_tun *
l2tp_tun_new(const struct l2tp_conf *c)
{
	struct l2tp_tun *t = mem_alloc("l2tp", sizeof(*t));

	t->fd = -1;
	t->lid = l2tp_new_tid();
	t->peer_rwin = 4;	/* RFC 2661 5.8 default */
	t->rtx_ms = L2TP_RTX_FIRST_MS;
	l2tp_my_hostname(c, t->hostname, sizeof(t->hostname));
	util_strlcpy(t->secret, c->secret, sizeof(t->secret));
	t->hidden = opt_enabled(&c->options, L2TP_OPT_HIDDEN) &&
	    t->secret[0] != '\0';
	t->next = l2tp_tunnels;
	l2tp_tunnels = t;
	return t;
}

static int
l2tp_tun_attach(struct l2tp_tun *t, int fd)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	t->fd = fd;
	if (getsockname(fd, (struct sockaddr *)&ss, &slen) == 0)
		phys_sockaddr_parse(&ss, &t->self_addr, &t->self_port);
	if (event_register(&t->ev, EV_READ, fd, EVF_RECURRING,
	    l2tp_tun_event, t) < 0) {
		log_perr(LG_ERR, "L2TP: can't register socket");
		return -1;
	}
	return 0;
}

static void
l2tp_rxq_free(struct l2tp_tun *t)
{
	unsigned i;

	for (i = 0; i < L2TP_RWIN; i++) {
		mem_free(t->rxq[i]);
		t->rxq[i] = NULL;
	}
}

static void
l2tp_q_free(struct l2tp_tun *t)
{
	struct l2tp_qmsg *q;

	while ((q = t->q) != NULL) {
		t->q = q->next;
		mem_free(q);
	}
	t->qlen = 0;
}

/* Unlink and free t; its sessions must be gone. */
static void
l2tp_tun_free(struct l2tp_tun *t)
{
	struct l2tp_tun **pp;

	for (pp = &l2tp_tunnels; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	timer_stop(&t->rtx_timer);
	timer_stop(&t->ack_timer);
	timer_stop(&t->hello_timer);
	timer_stop(&t->idle_timer);
	timer_stop(&t->dying_timer);
	event_unregister(&t->ev);
	/* closing the socket would delete it too (asynchronously) */
	if (t->kern && l2tpnl_tunnel_delete(l2tp_nl_get(), t->lid) < 0 &&
	    errno != ENODEV)
		log_perr(LG_PHYS2, "L2TP: deleting kernel tunnel %u", t->lid);
	if (t->fd >= 0)
		close(t->fd);
	l2tp_q_free(t);
	l2tp_rxq_free(t);
	mem_free(t);
}

/* ---- reliable delivery ---- */

static bool
seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

/* Transmit the queued messages not yet sent that fit in the window. */
static void
l2tp_q_push(struct l2tp_tun *t)
{
	struct l2tp_qmsg *q;
	unsigned n = 0;

	for (q = t->q; q != NULL && n < t->peer_rwin; q = q->next, n++) {
		if (q->sent)
			continue;
		/* the current Nr rides on every (re)transmission */
		q->buf[10] = (uint8_t)(t->nr >> 8);
		q->buf[11] = (uint8_t)t->nr;
		q->sent = true;
		l2tp_tun_xmit(t, q->buf, q->len);
	}
	if (t->q != NULL && !timer_running(&t->rtx_timer)) {
		t->rtx_timer.ms = t->rtx_ms;
		timer_start(&t->rtx_timer);
	}
	timer_stop(&t->ack_timer);
}

static void
l2tp_rtx_timeout(void *arg)
{
	struct l2tp_tun *t = arg;
	char nb[80];

	if (t->q == NULL)
		return;
	if (++t->rtx_count >= L2TP_RTX_MAX) {
		log_msg(LG_PHYS, "L2TP: control connection %s: no reply "
		    "after %u tries", l2tp_tun_name(t, nb, sizeof(nb)),
		    t->rtx_count);
		l2tp_tun_kill(t, "Dropped");
		return;
	}
	t->rtx_ms = t->rtx_ms * 2 > L2TP_RTX_CAP_MS ? L2TP_RTX_CAP_MS :
	    t->rtx_ms * 2;
	log_msg(LG_PHYS3, "L2TP: %s: retransmit Ns %u (try %u)",
	    l2tp_tun_name(t, nb, sizeof(nb)), t->q->ns, t->rtx_count + 1);
	/* the oldest unacknowledged message only (RFC 2661 5.8) */
	t->q->buf[10] = (uint8_t)(t->nr >> 8);
	t->q->buf[11] = (uint8_t)t->nr;
	l2tp_tun_xmit(t, t->q->buf, t->q->len);
	t->rtx_timer.ms = t->rtx_ms;
	timer_start(&t->rtx_timer);
}

/* A ZLB acknowledgement; its Ns is that of the next message to go out. */
static void
l2tp_send_zlb(struct l2tp_tun *t)
{
	uint8_t b[L2TP_CTRL_HLEN];
	struct l2tp_wr w;
	struct l2tp_qmsg *q;
	uint16_t ns = t->ns;
	size_t n;

	for (q = t->q; q != NULL; q = q->next)
		if (!q->sent) {
			ns = q->ns;
			break;
		}
	l2tp_wr_init(&w, b, sizeof(b));
	n = l2tp_wr_finish(&w, t->pid, 0, ns, t->nr);
	if (n > 0)
		l2tp_tun_xmit(t, b, n);
}

static void
l2tp_ack_timeout(void *arg)
{
	l2tp_send_zlb(arg);
}

/* Take the acknowledgement nr: free what it covers.  False: bogus. */
static bool
l2tp_q_ack(struct l2tp_tun *t, uint16_t nr)
{
	struct l2tp_qmsg *q;
	bool progress = false;
	uint16_t back = (uint16_t)(t->acked - nr);

	/* a little behind the last one: an old retransmission, no news */
	if (back != 0 && back <= L2TP_QUEUE_MAX)
		return true;
	/* else between the last acknowledgement and our next Ns */
	if ((uint16_t)(nr - t->acked) > (uint16_t)(t->ns - t->acked))
		return false;
	t->acked = nr;
	while ((q = t->q) != NULL && seq_lt(q->ns, nr)) {
		t->q = q->next;
		t->qlen--;
		mem_free(q);
		progress = true;
	}
	if (progress) {
		t->rtx_count = 0;
		t->rtx_ms = L2TP_RTX_FIRST_MS;
		timer_stop(&t->rtx_timer);
		if (t->q != NULL)
			l2tp_q_push(t);
	}
	return true;
}

/*
 * Queue a control message built in w for session id sid (the peer's) and
 * send it when the window allows.
 */
static void
l2tp_ctrl_send(struct l2tp_tun *t, struct l2tp_wr *w, uint16_t sid)
{
	struct l2tp_qmsg *q, **pp;
	char nb[80];
	size_t n;
	uint16_t type;

	if (t->qlen >= L2TP_QUEUE_MAX) {
		log_msg(LG_ERR, "L2TP: %s: control queue full",
		    l2tp_tun_name(t, nb, sizeof(nb)));
		return;
	}
	n = l2tp_wr_finish(w, t->pid, sid, t->ns, t->nr);
	if (n == 0) {
		log_msg(LG_ERR, "L2TP: %s: control message too long",
		    l2tp_tun_name(t, nb, sizeof(nb)));
		return;
	}
	type = (uint16_t)(w->buf[18] << 8 | w->buf[19]);
	log_msg(LG_PHYS2, "L2TP: %s: send %s Ns %u", l2tp_tun_name(t, nb,
	    sizeof(nb)), l2tp_msg_name(type), t->ns);
	q = mem_alloc("l2tp", sizeof(*q) + n);
	q->sent = false;
	q->ns = t->ns++;
	q->len = n;
	memcpy(q->buf, w->buf, n);
	for (pp = &t->q; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = q;
	t->qlen++;
	l2tp_q_push(t);
}

/* Start a message: the Message Type AVP. */
static void
l2tp_msg_begin(struct l2tp_wr *w, uint8_t *buf, size_t cap, uint16_t type)
{
	l2tp_wr_init(w, buf, cap);
	l2tp_wr_u16(w, true, L2TP_AVP_MSG_TYPE, type);
}

/* ---- tunnel life ---- */

static void
l2tp_hello_timeout(void *arg)
{
	struct l2tp_tun *t = arg;
	uint8_t b[64];
	struct l2tp_wr w;

	if (t->state == L2TP_TS_ESTABLISHED) {
		l2tp_msg_begin(&w, b, sizeof(b), L2TP_HELLO);
		l2tp_ctrl_send(t, &w, 0);
	}
	timer_start(&t->hello_timer);
}

static void
l2tp_dying_timeout(void *arg)
{
	struct l2tp_tun *t = arg;

	l2tp_tun_free(t);
}

static void
l2tp_idle_timeout(void *arg)
{
	struct l2tp_tun *t = arg;

	if (t->nsess == 0)
		l2tp_tun_stop(t, L2TP_RES_STOP_CLEAR, 0, NULL);
}

static void
l2tp_tun_timers(struct l2tp_tun *t)
{
	timer_init(&t->rtx_timer, "L2tpRtx", L2TP_RTX_FIRST_MS,
	    l2tp_rtx_timeout, t);
	timer_init(&t->ack_timer, "L2tpAck", L2TP_ACK_DELAY_MS,
	    l2tp_ack_timeout, t);
	timer_init(&t->hello_timer, "L2tpHello", L2TP_HELLO_SEC * 1000,
	    l2tp_hello_timeout, t);
	timer_init(&t->idle_timer, "L2tpIdle", 10000, l2tp_idle_timeout, t);
	timer_init(&t->dying_timer, "L2tpDying", L2TP_DYING_MS,
	    l2tp_dying_timeout, t);
}

/* Drop every session of t (their links go down with reason). */
static void
l2tp_tun_drop_sessions(struct l2tp_tun *t, const char *reason)
{
	while (t->sessions != NULL)
		l2tp_sess_free(t->sessions, reason);
}

/*
 * The tunnel is finished without a StopCCN exchange (no reply, fatal
 * error): sessions down, freed from the loop.
 */
static void
l2tp_tun_kill(struct l2tp_tun *t, const char *why)
{
	l2tp_tun_drop_sessions(t, why);
	l2tp_q_free(t);
	timer_stop(&t->rtx_timer);
	timer_stop(&t->hello_timer);
	timer_stop(&t->ack_timer);
	timer_stop(&t->idle_timer);
	t->state = L2TP_TS_DYING;
	t->dying_timer.ms = 0;
	timer_start(&t->dying_timer);
}

/* Send StopCCN and keep the tunnel a while to acknowledge its peer. */
static void
l2tp_tun_stop(struct l2tp_tun *t, uint16_t result, uint16_t error,
    const char *msg)
{
	uint8_t b[256];
	struct l2tp_wr w;
	char nb[80];

	if (t->state == L2TP_TS_DYING)
		return;
	log_msg(LG_PHYS, "L2TP: closing control connection %s, result %u",
	    l2tp_tun_name(t, nb, sizeof(nb)), result);
	l2tp_tun_drop_sessions(t, "Dropped");
	l2tp_msg_begin(&w, b, sizeof(b), L2TP_STOPCCN);
	l2tp_wr_u16(&w, true, L2TP_AVP_TUNNEL_ID, t->lid);
	l2tp_wr_result(&w, result, error, msg);
	/* only the StopCCN is left to deliver */
	l2tp_q_free(t);
	l2tp_ctrl_send(t, &w, 0);
	t->state = L2TP_TS_DYING;
	timer_stop(&t->hello_timer);
	timer_stop(&t->idle_timer);
	timer_start(&t->dying_timer);
}

/* The tunnel has no sessions left: close it after l2tptimeout. */
static void
l2tp_tun_check_idle(struct l2tp_tun *t)
{
	if (t->nsess > 0 || t->state == L2TP_TS_DYING)
		return;
	t->idle_timer.ms = (uint32_t)g_global.l2tp_timeout * 1000;
	timer_start(&t->idle_timer);
}

/* SCCRQ (originator) */
static void
l2tp_send_sccrq(struct l2tp_tun *t)
{
	uint8_t b[L2TP_BUF];
	struct l2tp_wr w;

	l2tp_msg_begin(&w, b, sizeof(b), L2TP_SCCRQ);
	l2tp_wr_u16(&w, true, L2TP_AVP_PROTO_VER, 0x0100);
	l2tp_wr_avp(&w, true, L2TP_AVP_HOST_NAME, t->hostname,
	    strlen(t->hostname));
	l2tp_wr_u32(&w, true, L2TP_AVP_FRAMING_CAP,
	    L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
	l2tp_wr_u32(&w, false, L2TP_AVP_BEARER_CAP, 0);
	l2tp_wr_u16(&w, false, L2TP_AVP_FIRMWARE, L2TP_FIRMWARE);
	l2tp_wr_avp(&w, false, L2TP_AVP_VENDOR_NAME, L2TP_VENDOR,
	    strlen(L2TP_VENDOR));
	l2tp_wr_u16(&w, true, L2TP_AVP_TUNNEL_ID, t->lid);
	l2tp_wr_u16(&w, true, L2TP_AVP_RWIN, L2TP_RWIN);
	if (t->secret[0] != '\0') {
		l2tp_random(t->chal, sizeof(t->chal));
		t->chal_sent = true;
		l2tp_wr_avp(&w, true, L2TP_AVP_CHALLENGE, t->chal,
		    sizeof(t->chal));
	}
	t->state = L2TP_TS_WAIT_REPLY;
	l2tp_ctrl_send(t, &w, 0);
}

/* A tunnel we start towards the link's peer.  NULL when it cannot. */
static struct l2tp_tun *
l2tp_tun_connect(struct link *l)
{
	const struct l2tp_conf *c = l->dev_conf;
	struct l2tp_tun *t;
	uint16_t pport = c->ip.peer_port != 0 ? c->ip.peer_port : L2TP_PORT;
	char a[INET6_ADDRSTRLEN];
	int fd;

	fd = l2tp_socket(&c->ip.self_addr, c->ip.self_port,
	    &c->ip.peer_addr.addr, pport);
	if (fd < 0)
		return NULL;
	t = l2tp_tun_new(c);
	t->originated = true;
	t->peer_addr = c->ip.peer_addr.addr;
	t->peer_port = pport;
	l2tp_tun_timers(t);
	if (l2tp_tun_attach(t, fd) < 0) {
		l2tp_tun_free(t);
		return NULL;
	}
	log_msg(LG_PHYS, "[%s] L2TP: initiating control connection %u to "
	    "%s %u", l->name, t->lid, u_addr_print(&t->peer_addr, a,
	    sizeof(a)), pport);
	l2tp_send_sccrq(t);
	return t;
}

/* An existing tunnel of ours the link may share, or NULL. */
static struct l2tp_tun *
l2tp_tun_reuse(const struct link *l)
{
	const struct l2tp_conf *c = l->dev_conf;
	uint16_t pport = c->ip.peer_port != 0 ? c->ip.peer_port : L2TP_PORT;
	char host[256];
	struct l2tp_tun *t;

	l2tp_my_hostname(c, host, sizeof(host));
	for (t = l2tp_tunnels; t != NULL; t = t->next) {
		if (t->state == L2TP_TS_DYING || !t->originated ||
		    t->peer_port != pport ||
		    !phys_addr_equal(&t->peer_addr, &c->ip.peer_addr.addr) ||
		    strcmp(t->secret, c->secret) != 0 ||
		    strcmp(t->hostname, host) != 0 ||
		    t->nsess >= (unsigned)g_global.l2tp_limit)
			continue;
		if (c->ip.self_addr.family != AF_UNSPEC &&
		    !u_addr_empty(&c->ip.self_addr) &&
		    !phys_addr_equal(&t->self_addr, &c->ip.self_addr))
			continue;
		return t;
	}
	return NULL;
}

/* ---- sessions ---- */

static struct l2tp_sess *
l2tp_sess_new(struct l2tp_tun *t, struct link *l)
{
	const struct l2tp_conf *c = l->dev_conf;
	struct l2tp_sess *s = mem_alloc("l2tp", sizeof(*s));
	struct l2tp_state *st = l2tp_state_get(l);

	s->t = t;
	s->l = l;
	s->lid = l2tp_new_sid(t);
	s->dataseq = opt_enabled(&c->options, L2TP_OPT_DATASEQ);
	s->length = opt_enabled(&c->options, L2TP_OPT_LENGTH);
	s->sync = true;
	s->ksock = s->kchan = -1;
	timer_init(&s->setup_timer, "L2tpCallSetup", L2TP_CALL_SETUP_MS,
	    l2tp_setup_timeout, s);
	timer_start(&s->setup_timer);
	s->next = t->sessions;
	t->sessions = s;
	t->nsess++;
	timer_stop(&t->idle_timer);
	st->sess = s;
	st->sk.peer_addr = t->peer_addr;
	st->sk.peer_port = t->peer_port;
	return s;
}

/*
 * Free s; its link (if any) goes down with reason (NULL: the link is
 * already going down by itself and is not told).
 */
static void
l2tp_sess_free(struct l2tp_sess *s, const char *reason)
{
	struct l2tp_tun *t = s->t;
	struct l2tp_sess **pp;
	struct l2tp_state *st;
	struct link *l = s->l;

	for (pp = &t->sessions; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	t->nsess--;
	timer_stop(&s->setup_timer);
	l2tp_kernel_close(s);
	if (l != NULL && (st = l->dev_state) != NULL && st->sess == s) {
		st->sess = NULL;
		if (reason != NULL)
			phys_sock_set_down(&st->sk, reason);
	}
	mem_free(s);
	l2tp_tun_check_idle(t);
}

/* The call did not come up in time (peer silent or stuck). */
static void
l2tp_setup_timeout(void *arg)
{
	struct l2tp_sess *s = arg;

	log_msg(LG_PHYS, "[%s] L2TP: call #%u set-up timed out",
	    s->l != NULL ? s->l->name : "-", s->serial);
	l2tp_sess_cdn(s, L2TP_RES_CDN_ERROR, 0, "Connection failed");
}

/* Hang up s with CDN (result, error) and free it. */
static void
l2tp_sess_cdn(struct l2tp_sess *s, uint16_t result, uint16_t error,
    const char *reason)
{
	struct l2tp_tun *t = s->t;
	uint8_t b[256];
	struct l2tp_wr w;

	if (s->state != L2TP_SS_WAIT_TUNNEL && t->state != L2TP_TS_DYING) {
		l2tp_msg_begin(&w, b, sizeof(b), L2TP_CDN);
		l2tp_wr_result(&w, result, error, NULL);
		l2tp_wr_u16(&w, true, L2TP_AVP_SESSION_ID, s->lid);
		l2tp_ctrl_send(t, &w, s->pid);
	}
	l2tp_sess_free(s, reason);
}

/* ---- kernel data plane ---- */

static struct l2tpnl *
l2tp_nl_get(void)
{
	if (l2tp_nl.k == NULL)
		l2tpnl_init(&l2tp_nl, &l2tpnl_kernel_real);
	return &l2tp_nl;
}

/*
 * A frame on the kernel channel: LCP, authentication, and until the
 * kernel backend connects the channel to a unit everything else, always
 * protocol field first (the kernel removed the address/control field).
 */
static void
l2tp_chan_read(int type, void *arg)
{
	struct l2tp_sess *s = arg;
	struct l2tp_state *st;
	struct mbuf *m;
	ssize_t r;

	(void)type;
	if (s->kchan < 0 || s->l == NULL)
		return;
	st = s->l->dev_state;
	m = mb_alloc(L2TP_FRAME_MAX);
	do {
		r = read(s->kchan, m->data, L2TP_FRAME_MAX);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		/* the channel is gone under us: end the call */
		mb_free(m);
		log_msg(LG_PHYS, "[%s] L2TP: kernel channel of call #%u closed",
		    s->l->name, s->serial);
		l2tp_sess_cdn(s, L2TP_RES_CDN_ERROR, 0, "Dropped");
		return;
	}
	if (r < 0 || s->state != L2TP_SS_ESTABLISHED ||
	    s->l->state != PHYS_STATE_UP) {
		if (r > 0 && st != NULL)
			st->rx_drops++;
		mb_free(m);
		return;
	}
	m->len = (size_t)r;
	link_phys_input(s->l, m);
}

/*
 * The call s just came up: when the kernel data plane may be used, move
 * its data into the kernel (the tunnel first, once per tunnel).  Failure
 * is logged and leaves the call in user space.
 */
static void
l2tp_kernel_open(struct l2tp_sess *s)
{
	struct l2tp_tun *t = s->t;
	struct l2tpnl_sess ks;
	struct sockaddr_storage ss;
	int chan;

	if (!dp_kernel_usable() || t->kern_failed || t->fd < 0)
		return;
	if (!t->kern) {
		if (l2tpnl_tunnel_create(l2tp_nl_get(), t->lid, t->pid,
		    t->fd) < 0) {
			log_perr(LG_PHYS2, "[%s] L2TP: control connection %u "
			    "stays in user space: kernel tunnel", s->l->name,
			    t->lid);
			t->kern_failed = true;
			return;
		}
		t->kern = true;
	}
	memset(&ks, 0, sizeof(ks));
	ks.tid = t->lid;
	ks.ptid = t->pid;
	ks.sid = s->lid;
	ks.psid = s->pid;
	ks.send_seq = s->dataseq;
	/* the LNS decides sequencing (RFC 2661 5.4); a LAC follows it */
	ks.lns_mode = s->originated == s->outcall;
	if (phys_sockaddr(&t->peer_addr, t->peer_port, AF_INET, &ss) == 0 ||
	    l2tpnl_session_open(l2tp_nl_get(), &ks, t->fd,
	    (struct sockaddr *)&ss, &s->ksock, &s->kchan, &chan) < 0) {
		log_perr(LG_PHYS2, "[%s] L2TP: call #%u stays in user space: "
		    "kernel session %u/%u", s->l->name, s->serial, s->lid,
		    s->pid);
		s->ksock = s->kchan = -1;
		return;
	}
	if (event_register(&s->ev_chan, EV_READ, s->kchan, EVF_RECURRING,
	    l2tp_chan_read, s) < 0) {
		log_perr(LG_PHYS2, "[%s] L2TP: call #%u stays in user space: "
		    "channel %d", s->l->name, s->serial, chan);
		l2tp_kernel_close(s);
		return;
	}
	log_msg(LG_PHYS2, "[%s] L2TP: session %u/%u on kernel channel %d",
	    s->l->name, s->lid, s->pid, chan);
}

/* The kernel session of s (if any) deleted. */
static void
l2tp_kernel_close(struct l2tp_sess *s)
{
	event_unregister(&s->ev_chan);
	if (s->ksock < 0 && s->kchan < 0)
		return;
	l2tpnl_session_close(l2tp_nl_get(), s->t->lid, s->lid, s->ksock,
	    s->kchan);
	s->ksock = s->kchan = -1;
}

int
l2tp_kernel_chan(const struct link *l)
{
	const struct l2tp_state *st = l->dev_state;

	return st != NULL && st->sess != NULL ? st->sess->kchan : -1;
}

bool
l2tp_kernel_ok(void)
{
	static int ok = -1;

	/* only asked for when it matters (no probe on tun-only machines) */
	if (!dp_kernel_usable())
		return false;
	if (ok < 0) {
		ok = l2tpnl_probe(l2tp_nl_get()) == 0;
		if (!ok)
			log_perr(LG_PHYS2, "L2TP: no kernel L2TP sessions");
	}
	return ok == 1;
}

/* The call is up: the link's device is UP. */
static void
l2tp_sess_up(struct l2tp_sess *s)
{
	struct link *l = s->l;
	char a[INET6_ADDRSTRLEN];

	s->state = L2TP_SS_ESTABLISHED;
	timer_stop(&s->setup_timer);
	log_msg(LG_PHYS, "[%s] L2TP: call #%u connected (peer %s, session "
	    "%u/%u)", l->name, s->serial, u_addr_print(&s->t->peer_addr, a,
	    sizeof(a)), s->lid, s->pid);
	l2tp_kernel_open(s);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/* Write a session AVP, hidden when the tunnel hides AVPs. */
static void
l2tp_wr_sess_avp(struct l2tp_wr *w, const struct l2tp_tun *t,
    const uint8_t *rv, uint16_t type, const void *v, size_t n)
{
	if (t->hidden)
		l2tp_wr_hidden(w, true, type, v, n, t->secret, rv, 16);
	else
		l2tp_wr_avp(w, true, type, v, n);
}

/* Calling side: ICRQ or OCRQ once the tunnel is established. */
static void
l2tp_sess_start(struct l2tp_sess *s)
{
	struct l2tp_tun *t = s->t;
	const struct l2tp_conf *c = s->l->dev_conf;
	uint8_t b[L2TP_BUF], rv[16], v[4];
	struct l2tp_wr w;

	s->serial = ++t->next_serial;
	l2tp_msg_begin(&w, b, sizeof(b), s->outcall ? L2TP_OCRQ : L2TP_ICRQ);
	if (t->hidden) {
		l2tp_random(rv, sizeof(rv));
		l2tp_wr_avp(&w, true, L2TP_AVP_RANDOM, rv, sizeof(rv));
	}
	v[0] = (uint8_t)(s->lid >> 8);
	v[1] = (uint8_t)s->lid;
	l2tp_wr_sess_avp(&w, t, rv, L2TP_AVP_SESSION_ID, v, 2);
	l2tp_wr_u32(&w, true, L2TP_AVP_SERIAL, s->serial);
	if (s->outcall) {
		l2tp_wr_u32(&w, true, L2TP_AVP_MIN_BPS, 0);
		l2tp_wr_u32(&w, true, L2TP_AVP_MAX_BPS, L2TP_SPEED);
		l2tp_wr_u32(&w, true, L2TP_AVP_BEARER_TYPE,
		    L2TP_BEARER_DIGITAL | L2TP_BEARER_ANALOG);
		l2tp_wr_u32(&w, true, L2TP_AVP_FRAMING_TYPE,
		    L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
		l2tp_wr_sess_avp(&w, t, rv, L2TP_AVP_CALLED, c->callednum,
		    strlen(c->callednum));
	} else {
		l2tp_wr_u32(&w, false, L2TP_AVP_BEARER_TYPE, 0);
		if (c->callingnum[0] != '\0')
			l2tp_wr_sess_avp(&w, t, rv, L2TP_AVP_CALLING,
			    c->callingnum, strlen(c->callingnum));
		if (c->callednum[0] != '\0')
			l2tp_wr_sess_avp(&w, t, rv, L2TP_AVP_CALLED,
			    c->callednum, strlen(c->callednum));
	}
	util_strlcpy(s->calling, c->callingnum, sizeof(s->calling));
	util_strlcpy(s->called, c->callednum, sizeof(s->called));
	s->state = L2TP_SS_WAIT_REPLY;
	log_msg(LG_PHYS, "[%s] L2TP: %s call #%u via control connection %u "
	    "initiated", s->l->name, s->outcall ? "Outgoing" : "Incoming",
	    s->serial, t->lid);
	l2tp_ctrl_send(t, &w, 0);
}

/* ---- phys_type operations ---- */

int
l2tp_open(struct link *l)
{
	const struct l2tp_conf *c = l->dev_conf;
	struct l2tp_state *st;
	struct l2tp_tun *t;
	struct l2tp_sess *s;

	if (l->tmpl)
		return -1;
	st = l2tp_state_get(l);
	if (l->state != PHYS_STATE_DOWN)
		return 0;
	if (st->sess != NULL) {
		/* an answered call waiting for ICCN / sending OCCN */
		return 0;
	}
	st->sk.incoming = false;
	l->state = PHYS_STATE_CONNECTING;
	if (phys_ip_no_peer(l, &c->ip, "L2TP: "))
		goto fail;
	t = l2tp_tun_reuse(l);
	if (t == NULL)
		t = l2tp_tun_connect(l);
	if (t == NULL)
		goto fail;
	s = l2tp_sess_new(t, l);
	s->originated = true;
	s->outcall = opt_enabled(&c->options, L2TP_OPT_OUTCALL);
	s->state = L2TP_SS_WAIT_TUNNEL;
	if (t->state == L2TP_TS_ESTABLISHED)
		l2tp_sess_start(s);
	return 0;
fail:
	/* reported from the loop, as every device does */
	phys_sock_set_down(&st->sk, "Connection failed");
	return 0;
}

void
l2tp_close(struct link *l)
{
	struct l2tp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (st->sess != NULL) {
		log_msg(LG_PHYS, "[%s] L2TP: call #%u terminated locally",
		    l->name, st->sess->serial);
		l2tp_sess_cdn(st->sess, L2TP_RES_CDN_ADMIN, 0, NULL);
	}
	phys_sock_set_down(&st->sk, "Manual");
}

int
l2tp_send(struct link *l, struct mbuf *m)
{
	struct l2tp_state *st = l->dev_state;
	struct l2tp_sess *s = st != NULL ? st->sess : NULL;
	uint8_t *h, hdr[L2TP_DATA_HLEN_MAX];
	size_t n;

	if (s == NULL || s->state != L2TP_SS_ESTABLISHED ||
	    l->state != PHYS_STATE_UP || m->len > L2TP_FRAME_MAX) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	if (s->kchan >= 0) {
		/* the kernel adds FF 03 and the L2TP/UDP headers itself */
		if (m->len >= 2 && m->data[0] == 0xff && m->data[1] == 0x03)
			mb_trim_head(m, 2);
		if (write(s->kchan, m->data, m->len) < 0) {
			st->tx_drops++;
			mb_free(m);
			return -1;
		}
		mb_free(m);
		return 0;
	}
	n = l2tp_data_hdr(hdr, s->length, s->dataseq, s->t->pid, s->pid,
	    s->data_ns, s->data_nr, m->len);
	h = mb_prepend(m, n);
	if (h == NULL) {
		st->tx_drops++;
		mb_free(m);
		return -1;
	}
	memcpy(h, hdr, n);
	if (s->dataseq)
		s->data_ns++;
	l2tp_tun_xmit(s->t, m->data, m->len);
	mb_free(m);
	return 0;
}

int
l2tp_listen(struct link *l, bool listen)
{
	return phys_sock_listen(&l2tp_kind, l, listen);
}

/*
 * When the last l2tp link (or template) goes, typically at daemon exit,
 * the tunnels have nobody left to serve: StopCCN (result 6, shutting
 * down) to every peer at once rather than letting them time out.
 */
static void
l2tp_last_link_check(const struct link *gone)
{
	struct l2tp_tun *t;

	if (phys_type_in_use(&phys_l2tp, gone))
		return;
	for (t = l2tp_tunnels; t != NULL; t = t->next)
		if (t->state != L2TP_TS_DYING)
			l2tp_tun_stop(t, L2TP_RES_STOP_SHUTDOWN, 0, NULL);
}

void
l2tp_shutdown(struct link *l)
{
	struct l2tp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (st->sess != NULL) {
		st->sess->l = NULL;
		l2tp_sess_cdn(st->sess, L2TP_RES_CDN_ADMIN, 0, NULL);
	}
	phys_sock_state_free(l);
	l2tp_last_link_check(l);
}

void
l2tp_peer_addr(const struct link *l, char *buf, unsigned len)
{
	phys_sock_peer_addr(l, buf, len);
}

void
l2tp_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct l2tp_state *st = l->dev_state;
	const struct l2tp_conf *c = l->dev_conf;

	if (st != NULL && st->sess != NULL)
		u_addr_print(&st->sess->t->self_addr, buf, len);
	else if (c->ip.self_addr.family != AF_UNSPEC)
		u_addr_print(&c->ip.self_addr, buf, len);
}

void
l2tp_self_name(const struct link *l, char *buf, unsigned len)
{
	const struct l2tp_state *st = l->dev_state;

	if (st != NULL && st->sess != NULL)
		util_strlcpy(buf, st->sess->t->hostname, len);
}

void
l2tp_peer_name(const struct link *l, char *buf, unsigned len)
{
	const struct l2tp_state *st = l->dev_state;

	if (st != NULL && st->sess != NULL)
		util_strlcpy(buf, st->sess->t->peer_host, len);
}

void
l2tp_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct l2tp_state *st = l->dev_state;

	/* `set link enable peer-as-calling`: the tunnel peer's address */
	if (opt_enabled(&l->conf.options, LINK_OPT_PEER_AS_CALLING)) {
		phys_sock_peer_addr(l, buf, len);
		return;
	}
	if (st != NULL && st->sess != NULL)
		util_strlcpy(buf, st->sess->calling, len);
}

void
l2tp_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct l2tp_state *st = l->dev_state;

	if (st != NULL && st->sess != NULL)
		util_strlcpy(buf, st->sess->called, len);
}

void
l2tp_show_status(struct cmd_ctx *ctx, const struct link *l)
{
	const struct l2tp_state *st = l->dev_state;
	const struct l2tp_sess *s;
	char a[INET6_ADDRSTRLEN];

	if (st == NULL || (s = st->sess) == NULL)
		return;
	cmd_printf(ctx, "\tIncoming     : %s\n", st->sk.incoming ? "YES" :
	    "NO");
	cmd_printf(ctx, "\tCurrent self : %s, port %u (%s)\n",
	    u_addr_print(&s->t->self_addr, a, sizeof(a)), s->t->self_port,
	    s->t->hostname);
	cmd_printf(ctx, "\tCurrent peer : %s, port %u (%s)\n",
	    u_addr_print(&s->t->peer_addr, a, sizeof(a)), s->t->peer_port,
	    s->t->peer_host);
	cmd_printf(ctx, "\tFraming      : %s\n", s->sync ? "Sync" : "Async");
	cmd_printf(ctx, "\tCalling number: %s\n", s->calling);
	cmd_printf(ctx, "\tCalled number: %s\n", s->called);
}

int
l2tp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct l2tp_tun *t;
	char sb[INET6_ADDRSTRLEN], pb[INET6_ADDRSTRLEN];

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "Active L2TP tunnels:\n");
	for (t = l2tp_tunnels; t != NULL; t = t->next)
		cmd_printf(ctx, "%p\t %s %u <=> %s %u\t%s %u calls\n",
		    (const void *)t, u_addr_print(&t->self_addr, sb,
		    sizeof(sb)), t->self_port, u_addr_print(&t->peer_addr, pb,
		    sizeof(pb)), t->peer_port, l2tp_tun_state_names[t->state],
		    t->nsess);
	return CMD_OK;
}

/* ---- receiving control messages ---- */

/* Copy a blob into a NUL terminated string. */
static void
l2tp_blob_str(const struct l2tp_blob *b, char *out, size_t len)
{
	size_t n = b->len < len - 1 ? b->len : len - 1;

	if (n > 0)
		memcpy(out, b->p, n);
	out[n] = '\0';
}

/*
 * A link or template with `incoming` enabled for a peer at (a, port) with
 * Host Name host: listening on ls (any listener when NULL), `peer`
 * admitting the caller, `pmask` matching host, and, when secret is given,
 * the same tunnel secret; free_only asks for a link that can take a call
 * now.  The narrowest `peer` range wins (as tcp/udp).  NULL when none.
 */
static struct link *
l2tp_pick(const struct phys_listener *ls, const struct u_addr *a,
    uint16_t port, const char *host, const char *secret, bool free_only)
{
	struct link *l, *best = NULL;
	const struct l2tp_conf *c;
	const struct l2tp_state *st;
	const struct phys_sock *sk;
	int i, width, best_width = -1;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		sk = phys_sock_candidate(l, &phys_l2tp, a, port);
		if (sk == NULL || (ls != NULL && sk->lsn != ls))
			continue;
		st = l->dev_state;
		c = l->dev_conf;
		if (free_only && (st->sess != NULL ||
		    l->state != PHYS_STATE_DOWN))
			continue;
		if (c->pmask[0] != '\0' && fnmatch(c->pmask, host, 0) != 0)
			continue;
		if (secret != NULL && strcmp(c->secret, secret) != 0)
			continue;
		width = phys_ip_peer_width(&c->ip);
		if (width > best_width) {
			best = l;
			best_width = width;
		}
	}
	return best;
}

/* ICRQ / OCRQ on an established tunnel: answer the call. */
static void
l2tp_rx_call_request(struct l2tp_tun *t, const struct l2tp_msg *m)
{
	struct link *tl;
	struct l2tp_state *st;
	struct l2tp_sess *s;
	uint8_t b[L2TP_BUF], rv[16], v[2];
	struct l2tp_wr w;
	char abuf[INET6_ADDRSTRLEN];
	bool out = m->type == L2TP_OCRQ;

	if (!l2tp_msg_has(m, L2TP_AVP_SESSION_ID) || m->session_id == 0 ||
	    !l2tp_msg_has(m, L2TP_AVP_SERIAL)) {
		log_msg(LG_PHYS2, "L2TP: %s without session id or serial",
		    l2tp_msg_name(m->type));
		goto refuse;
	}
	/* a call id the peer already uses in this tunnel */
	for (s = t->sessions; s != NULL; s = s->next)
		if (s->pid == m->session_id && !s->originated) {
			log_msg(LG_PHYS2, "L2TP: duplicate call id %u",
			    m->session_id);
			goto refuse;
		}
	u_addr_print(&t->peer_addr, abuf, sizeof(abuf));
	log_msg(LG_PHYS, "L2TP: %s call #%u via control connection %u "
	    "accepted", out ? "Outgoing" : "Incoming", m->serial, t->lid);
	tl = l2tp_pick(t->lsn, &t->peer_addr, t->peer_port, t->peer_host,
	    t->secret, true);
	if (tl == NULL) {
		log_msg(LG_PHYS, "L2TP: No free L2TP link with requested "
		    "parameters was found");
		goto refuse;
	}
	st = (struct l2tp_state *)phys_sock_take(&l2tp_kind, tl, abuf,
	    t->peer_port);
	if (st == NULL)
		goto refuse;
	s = l2tp_sess_new(t, st->sk.l);
	s->pid = m->session_id;
	s->serial = m->serial;
	s->outcall = out;
	s->sync = !l2tp_msg_has(m, L2TP_AVP_FRAMING_TYPE) ||
	    (m->framing_type & L2TP_FRAMING_SYNC) != 0;
	l2tp_blob_str(&m->calling, s->calling, sizeof(s->calling));
	l2tp_blob_str(&m->called, s->called, sizeof(s->called));
	st->sk.incoming = true;
	st->sk.l->state = PHYS_STATE_CONNECTING;
	log_msg(LG_PHYS, "[%s] L2TP: call #%u from %s %u", st->sk.l->name,
	    s->serial, abuf, t->peer_port);
	l2tp_msg_begin(&w, b, sizeof(b), out ? L2TP_OCRP : L2TP_ICRP);
	if (t->hidden) {
		l2tp_random(rv, sizeof(rv));
		l2tp_wr_avp(&w, true, L2TP_AVP_RANDOM, rv, sizeof(rv));
	}
	v[0] = (uint8_t)(s->lid >> 8);
	v[1] = (uint8_t)s->lid;
	l2tp_wr_sess_avp(&w, t, rv, L2TP_AVP_SESSION_ID, v, 2);
	l2tp_ctrl_send(t, &w, s->pid);
	if (!out) {
		s->state = L2TP_SS_WAIT_CONN;
		return;
	}
	/* an outgoing call: we are the LAC and connect it at once */
	l2tp_msg_begin(&w, b, sizeof(b), L2TP_OCCN);
	l2tp_wr_u32(&w, true, L2TP_AVP_TX_SPEED, L2TP_SPEED);
	l2tp_wr_u32(&w, true, L2TP_AVP_FRAMING_TYPE, L2TP_FRAMING_SYNC);
	l2tp_ctrl_send(t, &w, s->pid);
	l2tp_sess_up(s);
	return;
refuse:
	l2tp_msg_begin(&w, b, sizeof(b), L2TP_CDN);
	l2tp_wr_result(&w, L2TP_RES_CDN_NORES, 0, NULL);
	l2tp_wr_u16(&w, true, L2TP_AVP_SESSION_ID, 0);
	l2tp_ctrl_send(t, &w, m->session_id);
}

/* A message for session sid of tunnel t. */
static void
l2tp_rx_session(struct l2tp_tun *t, uint16_t sid, const struct l2tp_msg *m)
{
	struct l2tp_sess *s = l2tp_sess_find(t, sid);
	uint8_t b[256];
	struct l2tp_wr w;

	if (s == NULL) {
		log_msg(LG_PHYS2, "L2TP: %s for unknown session %u",
		    l2tp_msg_name(m->type), sid);
		return;
	}
	switch (m->type) {
	case L2TP_ICRP:
	case L2TP_OCRP:
		if (s->state != L2TP_SS_WAIT_REPLY || !s->originated ||
		    (m->type == L2TP_OCRP) != s->outcall ||
		    !l2tp_msg_has(m, L2TP_AVP_SESSION_ID) ||
		    m->session_id == 0) {
			l2tp_sess_cdn(s, L2TP_RES_CDN_ERROR, L2TP_ERR_VALUE,
			    "Dropped");
			return;
		}
		s->pid = m->session_id;
		if (m->type == L2TP_OCRP) {
			/* the OCCN follows when the LAC's call is up */
			s->state = L2TP_SS_WAIT_CONN;
			return;
		}
		l2tp_msg_begin(&w, b, sizeof(b), L2TP_ICCN);
		l2tp_wr_u32(&w, true, L2TP_AVP_TX_SPEED, L2TP_SPEED);
		l2tp_wr_u32(&w, true, L2TP_AVP_FRAMING_TYPE,
		    L2TP_FRAMING_SYNC);
		l2tp_ctrl_send(t, &w, s->pid);
		l2tp_sess_up(s);
		break;
	case L2TP_ICCN:
	case L2TP_OCCN:
		if (s->state != L2TP_SS_WAIT_CONN ||
		    (m->type == L2TP_OCCN) != s->outcall ||
		    (m->type == L2TP_OCCN) != s->originated) {
			l2tp_sess_cdn(s, L2TP_RES_CDN_ERROR, L2TP_ERR_VALUE,
			    "Dropped");
			return;
		}
		if (l2tp_msg_has(m, L2TP_AVP_FRAMING_TYPE))
			s->sync = (m->framing_type & L2TP_FRAMING_SYNC) != 0;
		l2tp_sess_up(s);
		break;
	case L2TP_CDN:
		log_msg(LG_PHYS, "[%s] L2TP: call #%u terminated by peer, "
		    "result %u error %u", s->l != NULL ? s->l->name : "-",
		    s->serial, m->result, m->error);
		l2tp_sess_free(s, "Dropped");
		break;
	case L2TP_SLI:
	case L2TP_WEN:
		break;
	default:
		break;
	}
}

/* Start the calls that waited for the tunnel. */
static void
l2tp_tun_established(struct l2tp_tun *t)
{
	struct l2tp_sess *s, *next;
	char nb[80];

	t->state = L2TP_TS_ESTABLISHED;
	log_msg(LG_PHYS, "L2TP: control connection %s established (peer "
	    "host \"%s\")", l2tp_tun_name(t, nb, sizeof(nb)), t->peer_host);
	timer_start(&t->hello_timer);
	for (s = t->sessions; s != NULL; s = next) {
		next = s->next;
		if (s->state == L2TP_SS_WAIT_TUNNEL)
			l2tp_sess_start(s);
	}
	l2tp_tun_check_idle(t);
}

/*
 * When we sent a Challenge: whether m carries the right Challenge
 * Response for msg_type; if not, logged and the tunnel stopped (result
 * 4).  True when we did not challenge.
 */
static bool
l2tp_peer_authenticated(struct l2tp_tun *t, const struct l2tp_msg *m,
    uint8_t msg_type)
{
	uint8_t resp[16];
	char nb[80];

	if (!t->chal_sent)
		return true;
	l2tp_chal_response(msg_type, t->secret, t->chal, sizeof(t->chal),
	    resp);
	if (l2tp_msg_has(m, L2TP_AVP_CHAL_RESP) &&
	    memcmp(resp, m->chal_resp, 16) == 0)
		return true;
	log_msg(LG_PHYS, "L2TP: %s: peer failed tunnel authentication",
	    l2tp_tun_name(t, nb, sizeof(nb)));
	l2tp_tun_stop(t, L2TP_RES_STOP_AUTH, 0, NULL);
	return false;
}

/* Tunnel-level messages (session id 0). */
static void
l2tp_rx_tunnel(struct l2tp_tun *t, const struct l2tp_msg *m)
{
	uint8_t b[L2TP_BUF], resp[16];
	struct l2tp_wr w;
	char nb[80];

	switch (m->type) {
	case L2TP_SCCRP:
		if (t->state != L2TP_TS_WAIT_REPLY) {
			l2tp_tun_stop(t, L2TP_RES_STOP_FSM, 0, NULL);
			return;
		}
		if (!l2tp_msg_has(m, L2TP_AVP_TUNNEL_ID) ||
		    m->tunnel_id == 0) {
			l2tp_tun_stop(t, L2TP_RES_STOP_ERROR,
			    L2TP_ERR_LENGTH, "no Assigned Tunnel ID");
			return;
		}
		t->pid = m->tunnel_id;
		l2tp_blob_str(&m->host_name, t->peer_host,
		    sizeof(t->peer_host));
		if (l2tp_msg_has(m, L2TP_AVP_RWIN) && m->rwin > 0)
			t->peer_rwin = m->rwin;
		if (!l2tp_peer_authenticated(t, m, L2TP_SCCRP))
			return;
		if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE) &&
		    t->secret[0] == '\0') {
			log_msg(LG_PHYS, "L2TP: %s: peer wants tunnel "
			    "authentication, no secret set",
			    l2tp_tun_name(t, nb, sizeof(nb)));
			l2tp_tun_stop(t, L2TP_RES_STOP_AUTH, 0, NULL);
			return;
		}
		l2tp_msg_begin(&w, b, sizeof(b), L2TP_SCCCN);
		if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE)) {
			l2tp_chal_response(L2TP_SCCCN, t->secret,
			    m->challenge.p, m->challenge.len, resp);
			l2tp_wr_avp(&w, true, L2TP_AVP_CHAL_RESP, resp, 16);
		}
		l2tp_ctrl_send(t, &w, 0);
		l2tp_tun_established(t);
		break;
	case L2TP_SCCCN:
		if (t->state != L2TP_TS_WAIT_CONN) {
			l2tp_tun_stop(t, L2TP_RES_STOP_FSM, 0, NULL);
			return;
		}
		if (!l2tp_peer_authenticated(t, m, L2TP_SCCCN))
			return;
		l2tp_tun_established(t);
		break;
	case L2TP_STOPCCN:
		log_msg(LG_PHYS, "L2TP: control connection %s closed by peer, "
		    "result %u error %u", l2tp_tun_name(t, nb, sizeof(nb)),
		    m->result, m->error);
		l2tp_tun_drop_sessions(t, "Dropped");
		l2tp_q_free(t);
		timer_stop(&t->rtx_timer);
		timer_stop(&t->hello_timer);
		timer_stop(&t->idle_timer);
		t->state = L2TP_TS_DYING;
		/* acknowledge it now; stay a while for retransmissions */
		l2tp_send_zlb(t);
		timer_start(&t->dying_timer);
		break;
	case L2TP_HELLO:
		break;
	case L2TP_SCCRQ:
		/* a second SCCRQ inside a tunnel */
		l2tp_tun_stop(t, L2TP_RES_STOP_FSM, 0, NULL);
		break;
	case L2TP_ICRQ:
	case L2TP_OCRQ:
		if (t->state != L2TP_TS_ESTABLISHED) {
			l2tp_tun_stop(t, L2TP_RES_STOP_FSM, 0, NULL);
			return;
		}
		l2tp_rx_call_request(t, m);
		break;
	default:
		log_msg(LG_PHYS2, "L2TP: %s: ignored %s",
		    l2tp_tun_name(t, nb, sizeof(nb)),
		    l2tp_msg_name(m->type));
		break;
	}
}

/*
 * One control message for tunnel t (header h, AVPs parsed into m; the
 * datagram raw[0..rawlen) is kept when it is ahead of its turn, raw NULL
 * when it came from that store).
 */
static void
l2tp_ctrl_input(struct l2tp_tun *t, const struct l2tp_hdr *h,
    const struct l2tp_msg *m, int perr, const uint8_t *raw, size_t rawlen)
{
	struct l2tp_rxmsg *x, **slot;
	char nb[80];

	if (!l2tp_q_ack(t, h->nr)) {
		t->rx_bad++;
		log_msg(LG_PHYS2, "L2TP: %s: Nr %u outside the window (Ns %u), "
		    "dropped",
		    l2tp_tun_name(t, nb, sizeof(nb)), h->nr, t->ns);
		return;
	}
	if (perr == L2TP_OK && m->type == 0)
		return;			/* ZLB: only the ack */
	if (h->ns != t->nr) {
		if (seq_lt(h->ns, t->nr)) {
			/* a retransmission: our ack was lost */
			t->rx_dup++;
			l2tp_send_zlb(t);
		} else if ((uint16_t)(h->ns - t->nr) < L2TP_RWIN &&
		    raw != NULL && t->state != L2TP_TS_DYING) {
			/* inside our receive window: kept for its turn */
			slot = &t->rxq[h->ns % L2TP_RWIN];
			if (*slot == NULL || (*slot)->ns != h->ns) {
				mem_free(*slot);
				x = mem_alloc("l2tp", sizeof(*x) + rawlen);
				x->ns = h->ns;
				x->len = rawlen;
				memcpy(x->buf, raw, rawlen);
				*slot = x;
			}
		} else {
			t->rx_ahead++;
			log_msg(LG_PHYS3, "L2TP: %s: Ns %u ahead of %u, "
			    "dropped", l2tp_tun_name(t, nb, sizeof(nb)),
			    h->ns, t->nr);
		}
		return;
	}
	t->nr++;
	if (t->state == L2TP_TS_DYING) {
		l2tp_send_zlb(t);
		return;
	}
	timer_start(&t->ack_timer);
	if (t->state == L2TP_TS_ESTABLISHED)
		timer_start(&t->hello_timer);
	if (perr == L2TP_E_MANDATORY) {
		log_msg(LG_PHYS, "L2TP: %s: unknown mandatory AVP %u",
		    l2tp_tun_name(t, nb, sizeof(nb)), m->unknown_type);
		if (h->sid != 0 && l2tp_sess_find(t, h->sid) != NULL)
			l2tp_sess_cdn(l2tp_sess_find(t, h->sid),
			    L2TP_RES_CDN_ERROR, L2TP_ERR_MANDATORY,
			    "Dropped");
		else
			l2tp_tun_stop(t, L2TP_RES_STOP_ERROR,
			    L2TP_ERR_MANDATORY, NULL);
		return;
	}
	log_msg(LG_PHYS2, "L2TP: %s: recv %s Ns %u", l2tp_tun_name(t, nb,
	    sizeof(nb)), l2tp_msg_name(m->type), h->ns);
	if (h->sid != 0)
		l2tp_rx_session(t, h->sid, m);
	else
		l2tp_rx_tunnel(t, m);
}

/* Data message for tunnel t. */
static void
l2tp_data_input(struct l2tp_tun *t, const struct l2tp_hdr *h,
    const uint8_t *p, size_t len)
{
	struct l2tp_sess *s = l2tp_sess_find(t, h->sid);
	struct l2tp_state *st;

	if (s == NULL || s->l == NULL || s->state != L2TP_SS_ESTABLISHED) {
		t->rx_bad++;
		return;
	}
	st = s->l->dev_state;
	if (h->has_seq) {
		if (seq_lt(h->ns, s->data_nr)) {
			st->rx_drops++;		/* late or duplicate */
			return;
		}
		s->data_nr = (uint16_t)(h->ns + 1);
	}
	if (s->l->state != PHYS_STATE_UP || len == 0 ||
	    len > L2TP_FRAME_MAX) {
		st->rx_drops++;
		return;
	}
	link_phys_input(s->l, mb_copy(p, len));
}

/* The tunnel we are the answering side of, for a new SCCRQ. */
static void
l2tp_tun_accept(struct phys_listener *ls, const struct u_addr *a,
    uint16_t port, const struct l2tp_hdr *h, const struct l2tp_msg *m)
{
	const struct l2tp_conf *c;
	struct l2tp_tun *t;
	struct link *tl;
	uint8_t b[L2TP_BUF], resp[16];
	struct l2tp_wr w;
	char abuf[INET6_ADDRSTRLEN], host[256];
	int fd;

	u_addr_print(a, abuf, sizeof(abuf));
	if (!l2tp_msg_has(m, L2TP_AVP_TUNNEL_ID) || m->tunnel_id == 0 ||
	    !l2tp_msg_has(m, L2TP_AVP_HOST_NAME) ||
	    !l2tp_msg_has(m, L2TP_AVP_PROTO_VER) ||
	    !l2tp_msg_has(m, L2TP_AVP_FRAMING_CAP) || h->ns != 0) {
		l2tp_rx_bad++;
		log_msg(LG_PHYS2, "L2TP: incomplete SCCRQ from %s %u", abuf,
		    port);
		return;
	}
	/* a retransmitted SCCRQ of a tunnel we already answered */
	for (t = l2tp_tunnels; t != NULL; t = t->next)
		if (!t->originated && t->pid == m->tunnel_id &&
		    t->peer_port == port && phys_addr_equal(&t->peer_addr, a)) {
			l2tp_ctrl_input(t, h, m, L2TP_OK, NULL, 0);
			return;
		}
	if (l2tp_half_open() >= L2TP_HALF_OPEN_MAX) {
		l2tp_rx_bad++;
		log_msg(LG_PHYS2, "L2TP: too many tunnels in set-up, SCCRQ "
		    "from %s %u dropped", abuf, port);
		return;
	}
	log_msg(LG_PHYS, "Incoming L2TP packet from %s %u", abuf, port);
	l2tp_blob_str(&m->host_name, host, sizeof(host));
	/* a link that would take calls from this peer decides the rest */
	tl = l2tp_pick(ls, a, port, host, NULL, false);
	if (tl == NULL) {
		log_msg(LG_PHYS, "L2TP: No link for tunnel from %s %u (host "
		    "\"%s\") was found", abuf, port, host);
		return;
	}
	c = tl->dev_conf;
	fd = l2tp_socket(&ls->addr, ls->port, a, port);
	if (fd < 0)
		return;
	t = l2tp_tun_new(c);
	t->peer_addr = *a;
	t->peer_port = port;
	t->pid = m->tunnel_id;
	t->lsn = ls;
	util_strlcpy(t->peer_host, host, sizeof(t->peer_host));
	if (m->rwin > 0 && l2tp_msg_has(m, L2TP_AVP_RWIN))
		t->peer_rwin = m->rwin;
	l2tp_tun_timers(t);
	if (l2tp_tun_attach(t, fd) < 0) {
		l2tp_tun_free(t);
		return;
	}
	t->nr = (uint16_t)(h->ns + 1);
	t->state = L2TP_TS_WAIT_CONN;
	log_msg(LG_PHYS, "L2TP: control connection %u from %s %u (host "
	    "\"%s\") via link %s", t->lid, abuf, port, host, tl->name);
	if ((m->proto_ver >> 8) != 1) {
		l2tp_tun_stop(t, L2TP_RES_STOP_VERSION, 0, NULL);
		return;
	}
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE) && t->secret[0] == '\0') {
		log_msg(LG_PHYS, "L2TP: tunnel from %s %u wants "
		    "authentication, no secret set", abuf, port);
		l2tp_tun_stop(t, L2TP_RES_STOP_AUTH, 0, NULL);
		return;
	}
	l2tp_msg_begin(&w, b, sizeof(b), L2TP_SCCRP);
	l2tp_wr_u16(&w, true, L2TP_AVP_PROTO_VER, 0x0100);
	l2tp_wr_u32(&w, true, L2TP_AVP_FRAMING_CAP,
	    L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
	l2tp_wr_u32(&w, false, L2TP_AVP_BEARER_CAP, 0);
	l2tp_wr_u16(&w, false, L2TP_AVP_FIRMWARE, L2TP_FIRMWARE);
	l2tp_wr_avp(&w, true, L2TP_AVP_HOST_NAME, t->hostname,
	    strlen(t->hostname));
	l2tp_wr_avp(&w, false, L2TP_AVP_VENDOR_NAME, L2TP_VENDOR,
	    strlen(L2TP_VENDOR));
	l2tp_wr_u16(&w, true, L2TP_AVP_TUNNEL_ID, t->lid);
	l2tp_wr_u16(&w, true, L2TP_AVP_RWIN, L2TP_RWIN);
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE)) {
		l2tp_chal_response(L2TP_SCCRP, t->secret, m->challenge.p,
		    m->challenge.len, resp);
		l2tp_wr_avp(&w, true, L2TP_AVP_CHAL_RESP, resp, 16);
	}
	if (t->secret[0] != '\0') {
		l2tp_random(t->chal, sizeof(t->chal));
		t->chal_sent = true;
		l2tp_wr_avp(&w, true, L2TP_AVP_CHALLENGE, t->chal,
		    sizeof(t->chal));
	}
	l2tp_ctrl_send(t, &w, 0);
}

/* Process the kept messages whose turn has come. */
static void
l2tp_rxq_drain(struct l2tp_tun *t)
{
	static struct l2tp_msg m;
	struct l2tp_rxmsg *x;
	struct l2tp_hdr h;
	int r;

	while (t->state != L2TP_TS_DYING &&
	    (x = t->rxq[t->nr % L2TP_RWIN]) != NULL) {
		t->rxq[t->nr % L2TP_RWIN] = NULL;
		if (x->ns != t->nr) {
			mem_free(x);		/* stale */
			break;
		}
		if (l2tp_hdr_parse(x->buf, x->len, &h) == L2TP_OK) {
			r = l2tp_msg_parse(x->buf + h.off, h.end - h.off,
			    t->secret, &m);
			if (r == L2TP_OK || r == L2TP_E_MANDATORY)
				l2tp_ctrl_input(t, &h, &m, r, NULL, 0);
		}
		mem_free(x);
	}
}

/*
 * One datagram from (a, port).  t is the tunnel whose socket got it, or
 * NULL for the listener ls.
 */
static void
l2tp_input(struct l2tp_tun *t, struct phys_listener *ls,
    const struct u_addr *a, uint16_t port, const uint8_t *p, size_t len)
{
	static struct l2tp_msg m;
	struct l2tp_hdr h;
	struct l2tp_tun *x;
	char abuf[INET6_ADDRSTRLEN];
	int r;

	r = l2tp_hdr_parse(p, len, &h);
	if (r != L2TP_OK) {
		l2tp_rx_bad++;
		log_msg(LG_PHYS3, "L2TP: bad header from %s %u (%d)",
		    u_addr_print(a, abuf, sizeof(abuf)), port, r);
		return;
	}
	if (t == NULL && h.tid != 0) {
		for (x = l2tp_tunnels; x != NULL; x = x->next)
			if (x->lid == h.tid && x->peer_port == port &&
			    phys_addr_equal(&x->peer_addr, a))
				break;
		t = x;
		if (t == NULL) {
			l2tp_rx_bad++;
			return;
		}
	}
	if (t != NULL && h.tid != t->lid) {
		t->rx_bad++;
		return;
	}
	if (!h.ctrl) {
		if (t != NULL)
			l2tp_data_input(t, &h, p + h.off, h.end - h.off);
		else
			l2tp_rx_bad++;
		return;
	}
	r = l2tp_msg_parse(p + h.off, h.end - h.off,
	    t != NULL ? t->secret : NULL, &m);
	if (r != L2TP_OK && r != L2TP_E_MANDATORY) {
		if (t != NULL)
			t->rx_bad++;
		else
			l2tp_rx_bad++;
		log_msg(LG_PHYS2, "L2TP: malformed control message from %s "
		    "%u dropped (%d)", u_addr_print(a, abuf, sizeof(abuf)),
		    port, r);
		return;
	}
	if (t != NULL) {
		l2tp_ctrl_input(t, &h, &m, r, p, len);
		l2tp_rxq_drain(t);
		return;
	}
	/* tunnel id 0: only an SCCRQ starts something */
	if (r != L2TP_OK || m.type != L2TP_SCCRQ || ls == NULL) {
		l2tp_rx_bad++;
		return;
	}
	l2tp_tun_accept(ls, a, port, &h, &m);
}

static void
l2tp_tun_event(int type, void *arg)
{
	struct l2tp_tun *t = arg;
	uint8_t buf[L2TP_BUF];
	struct sockaddr_storage ss;
	socklen_t slen;
	struct u_addr a;
	uint16_t port;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < 16; i++) {
		slen = sizeof(ss);
		r = recvfrom(t->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&ss, &slen);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;	/* ICMP errors: no connection state */
		}
		if ((size_t)r > sizeof(buf))
			continue;
		phys_sockaddr_parse(&ss, &a, &port);
		/* the socket is connected: anything else is another caller */
		if (a.family == AF_UNSPEC || port != t->peer_port ||
		    !phys_addr_equal(&a, &t->peer_addr)) {
			if (t->lsn != NULL)
				l2tp_input(NULL, t->lsn, &a, port, buf,
				    (size_t)r);
			return;
		}
		l2tp_input(t, NULL, &a, port, buf, (size_t)r);
		/* t may be gone: only the dying timer frees it, from the loop */
	}
}

static void
l2tp_listener_event(int type, void *arg)
{
	struct phys_listener *ls = arg;
	uint8_t buf[L2TP_BUF];
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	struct u_addr a;
	uint16_t port;
	ssize_t r;

	(void)type;
	r = recvfrom(ls->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&ss, &slen);
	if (r <= 0 || (size_t)r > sizeof(buf))
		return;
	phys_sockaddr_parse(&ss, &a, &port);
	if (a.family == AF_UNSPEC)
		return;
	l2tp_input(NULL, ls, &a, port, buf, (size_t)r);
}
