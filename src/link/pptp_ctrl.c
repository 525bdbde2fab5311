/*
 * pptp_ctrl.c - PPTP control connections and calls (RFC 2637) for the
 * "pptp" device type, with the enhanced GRE data path in userland.
 *
 * Control connections (RFC 2637 1.3, 2): TCP port 1723, one per peer
 * shared by up to `set global pptplimit` calls.  The side that connects
 * sends Start-Control-Connection-Request; Echo-Request after
 * PPTP_ECHO_SEC of silence (no reply within another PPTP_ECHO_SEC ends the
 * connection); an idle connection (no calls) is stopped with
 * Stop-Control-Connection-Request after `pptptimeout` seconds.
 * Calls: whoever opens the link places the call: Outgoing-Call-Request
 * (`outcall`, the default: the PNS role, like the Microsoft client) or
 * Incoming-Call-Request / Connected (the PAC role).  The answering side
 * picks a link or template with `incoming` enabled whose `peer` admits
 * the caller (narrowest range), like tcp/udp.  Hang-up: the PNS sends
 * Call-Clear-Request, the PAC Call-Disconnect-Notify.
 *
 * GRE (RFC 2637 4): one raw IPPROTO_GRE socket per address family,
 * opened while calls exist; packets are matched to calls by the Call ID
 * in the key and the source address.  Sequence numbers on every data
 * packet; acknowledgements piggybacked, or sent alone after a short delay
 * (`delayed-ack`) or at once; with `windowing` no more than the peer's
 * receive window is sent unacknowledged (the rest is dropped, counted).
 * Packets that arrive early (up to PPTP_OOO_MAX ahead) are held until the
 * gap fills or for PPTP_OOO_MS, then delivered in order; older and
 * duplicate packets are dropped.
 *
 * Kernel channel: when the kernel data plane can be used
 * (dp_kernel_usable()), an established IPv4 call is a PX_PROTO_PPTP
 * socket instead (bound to our call id and address, connected to the
 * peer's): Linux's pptp module then builds and parses the call's GRE with
 * sequence numbers and acks of its own, and hands the frames it does not
 * forward itself (all of them until the channel is connected to a ppp
 * unit, dp/kernel.c) to the channel's /dev/ppp descriptor, where LCP,
 * authentication and the rest are read and written.  Such a call takes no
 * reference on the raw GRE socket; when that socket is open for other
 * calls it still sees copies of the kernel call's packets (raw sockets
 * get every GRE packet): those are ignored, neither delivered nor counted.
 * A call whose channel can't be opened (no pptp module, call id taken in
 * the kernel, IPv6) stays on the user-space path.
 *
 * Bad input (truncated or malformed control messages, a broken stream,
 * GRE for unknown calls) is dropped, counted and logged; a broken stream
 * ends only its own control connection.  At most PPTP_HALF_OPEN_MAX
 * accepted connections may wait for their Start-Control-Connection-
 * Request (PPTP_REPLY_SEC each) against connection floods.
 */
#include "pptp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/fdclose.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../dp/dp.h"
#include "../ppp/link.h"
#include "../sys/pppdev.h"
#include "pptp_proto.h"

#define PPTP_VENDOR		"FreeBSD MPD"
#define PPTP_FIRMWARE		0x0101
#define PPTP_RWIN		64	/* our GRE receive window */
#define PPTP_ECHO_SEC		60
#define PPTP_REPLY_SEC		30	/* wait for a reply to a request */
#define PPTP_TXBUF		8192
#define PPTP_FRAME_MAX		(1532 + 4)
#define PPTP_ACK_DELAY_MS	50
#define PPTP_SPEED		10000000
#define PPTP_CALL_SETUP_MS	30000	/* a call not up by then is dropped */
#define PPTP_OOO_MS		100	/* wait this long for a missing packet */
#define PPTP_HALF_OPEN_MAX	64	/* accepted, no Start-Control yet */

enum pptp_cstate {
	PPTP_CS_FREE, PPTP_CS_IDLE, PPTP_CS_WAIT_CTL_REPLY,
	PPTP_CS_WAIT_STOP_REPLY, PPTP_CS_ESTABLISHED, PPTP_CS_DYING,
};

static const char *const pptp_cstate_names[] = {
	"FREE", "IDLE", "WAIT_CTL_REPLY", "WAIT_STOP_REPLY", "ESTABLISHED",
	"DYING",
};

enum pptp_chstate {
	PPTP_CH_WAIT_CTRL,	/* caller: control connection not up yet */
	PPTP_CH_WAIT_REPLY,	/* sent OCRQ / ICRQ */
	PPTP_CH_WAIT_CONN,	/* sent ICRP, waiting for ICCN */
	PPTP_CH_ESTABLISHED,
};

struct pptp_cc;

/* One call; owned by its control connection. */
struct pptp_chan {
	struct pptp_chan	*next;
	struct pptp_cc		*cc;
	struct link		*l;
	enum pptp_chstate	 state;
	uint16_t		 cid, pcid;	/* our / peer's call id */
	uint16_t		 serial;
	bool			 originated, outcall;
	bool			 pns;		/* we are this call's PNS */
	char			 calling[64], called[64];
	/* GRE */
	uint32_t		 tx_seq;	/* next to send */
	uint32_t		 rx_seq;	/* last delivered in order */
	bool			 rx_any;	/* rx_seq is valid */
	struct pptp_ooo		 ooo;		/* held out-of-order packets */
	struct timer		 ooo_timer;	/* give up on a gap */
	bool			 ack_due;
	uint32_t		 peer_acked;	/* last ack from the peer */
	bool			 peer_acked_any;
	uint16_t		 peer_rwin;
	bool			 windowing, delayed_ack, always_ack;
	struct timer		 ack_timer, setup_timer;
	bool			 gre_ref;	/* holds the raw GRE socket */
	/* kernel channel (PX_PROTO_PPTP socket + its /dev/ppp fd) */
	int			 ksock, kchan;
	struct event		 ev_kchan;
};

/* One control connection. */
struct pptp_cc {
	struct pptp_cc		*next;
	unsigned		 id;
	enum pptp_cstate	 state;
	bool			 originated;
	int			 fd;
	struct event		 ev_read, ev_write;
	struct u_addr		 self_addr, peer_addr;
	uint16_t		 self_port, peer_port;
	char			 peer_host[PPTP_NAME_LEN];
	uint8_t			 rx[PPTP_CTRL_MAX];
	size_t			 rx_len;
	uint8_t			 tx[PPTP_TXBUF];
	size_t			 tx_len;
	bool			 echo_sent;
	struct timer		 echo_timer, idle_timer, reply_timer,
				 free_timer, kill_timer;
	struct pptp_chan	*chans;
	unsigned		 nchans;
	uint16_t		 next_serial;
	uint64_t		 rx_bad;
};

struct pptp_state {
	struct phys_sock	 sk;		/* first: listening side */
	struct pptp_chan	*ch;
	uint64_t		 tx_drops, rx_drops;
};

/* The raw GRE socket (one per family, refcounted by established calls). */
struct pptp_gre_sock {
	int			 fd;
	int			 refs;
	struct event		 ev;
};

static struct pptp_cc	*pptp_ccs;
static unsigned		 pptp_cc_next_id = 1;
static struct pptp_gre_sock pptp_gre4 = { .fd = -1 };
static uint64_t		 pptp_gre_bad;

static void	pptp_listener_event(int type, void *arg);
static struct phys_sock *pptp_sock_get(struct link *l);
static void	pptp_cc_read(int type, void *arg);
static void	pptp_cc_write(int type, void *arg);
static void	pptp_cc_kill(struct pptp_cc *cc, const char *why);
static void	pptp_chan_start(struct pptp_chan *ch);
static void	pptp_chan_free(struct pptp_chan *ch, const char *reason);
static void	pptp_gre_event(int type, void *arg);
static void	pptp_chan_hangup(struct pptp_chan *ch, const char *reason);
static void	pptp_setup_timeout(void *arg);
static void	pptp_ooo_timeout(void *arg);
static void	pptp_kchan_close(struct pptp_chan *ch);

static struct phys_sock_kind pptp_kind = {
	.type			= &phys_pptp,
	.tag			= "PPTP",
	.skip_tag		= "PPTP",
	.sync_desc		= "PptpListenUpdate",
	.sotype			= SOCK_STREAM,
	.proto			= IPPROTO_TCP,
	.backlog		= 64,
	.dflt_port		= PPTP_PORT,
	.on_readable		= pptp_listener_event,
	.on_readable_name	= "pptp_listener_event",
	.state_get		= pptp_sock_get,
};

/* ---- helpers ---- */

static struct pptp_state *
pptp_state_get(struct link *l)
{
	return phys_sock_state_get(l, sizeof(struct pptp_state));
}

static struct phys_sock *
pptp_sock_get(struct link *l)
{
	return &pptp_state_get(l)->sk;
}

static const char *
pptp_cc_name(const struct pptp_cc *cc, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "pptp%u %s %u", cc->id,
	    u_addr_print(&cc->peer_addr, a, sizeof(a)), cc->peer_port);
	return buf;
}

static uint16_t
pptp_new_cid(void)
{
	const struct pptp_cc *cc;
	const struct pptp_chan *ch;
	uint16_t id;

	for (;;) {
		if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
			id = (uint16_t)event_now_ms();
		if (id == 0)
			continue;
		for (cc = pptp_ccs; cc != NULL; cc = cc->next)
			for (ch = cc->chans; ch != NULL; ch = ch->next)
				if (ch->cid == id)
					goto again;
		return id;
again:
		;
	}
}

static void
pptp_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || buf[0] == '\0')
		util_strlcpy(buf, "mpd", len);
	buf[len - 1] = '\0';
}

/* ---- control connection I/O ---- */

static void
pptp_cc_flush(struct pptp_cc *cc)
{
	ssize_t w;

	while (cc->tx_len > 0 && cc->fd >= 0) {
		w = send(cc->fd, cc->tx, cc->tx_len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!event_is_registered(&cc->ev_write))
				(void)event_register(&cc->ev_write, EV_WRITE,
				    cc->fd, 0, pptp_cc_write, cc);
			return;
		}
		if (w <= 0) {
			cc->tx_len = 0;
			timer_start(&cc->kill_timer);
			return;
		}
		memmove(cc->tx, cc->tx + w, cc->tx_len - (size_t)w);
		cc->tx_len -= (size_t)w;
	}
}

/* A write error: the connection ends from the loop, not under a caller. */
static void
pptp_kill_timeout(void *arg)
{
	pptp_cc_kill(arg, "Dropped");
}

static void
pptp_cc_write(int type, void *arg)
{
	(void)type;
	pptp_cc_flush(arg);
}

static void
pptp_cc_send(struct pptp_cc *cc, const struct pptp_ctrl *m)
{
	uint8_t b[PPTP_CTRL_MAX];
	char nb[64];
	size_t n;

	if (cc->fd < 0)
		return;
	n = pptp_ctrl_build(m, b, sizeof(b));
	if (n == 0 || PPTP_TXBUF - cc->tx_len < n) {
		log_msg(LG_ERR, "PPTP: %s: control output overflow",
		    pptp_cc_name(cc, nb, sizeof(nb)));
		timer_start(&cc->kill_timer);
		return;
	}
	log_msg(LG_PHYS2, "PPTP: %s: send %s", pptp_cc_name(cc, nb,
	    sizeof(nb)), pptp_ctrl_name(m->type));
	memcpy(cc->tx + cc->tx_len, b, n);
	cc->tx_len += n;
	pptp_cc_flush(cc);
}

/* ---- control connection objects ---- */

static void
pptp_free_timeout(void *arg)
{
	struct pptp_cc *cc = arg, **pp;

	for (pp = &pptp_ccs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	mem_free(cc);
}

/* Close the connection now; calls go down; freed from the loop. */
static void
pptp_cc_kill(struct pptp_cc *cc, const char *why)
{
	char nb[64];

	if (cc->state == PPTP_CS_FREE)
		return;
	log_msg(LG_PHYS, "PPTP: control connection %s closed",
	    pptp_cc_name(cc, nb, sizeof(nb)));
	while (cc->chans != NULL)
		pptp_chan_free(cc->chans, why);
	event_unregister(&cc->ev_read);
	event_unregister(&cc->ev_write);
	if (cc->fd >= 0)
		close(cc->fd);
	cc->fd = -1;
	timer_stop(&cc->echo_timer);
	timer_stop(&cc->idle_timer);
	timer_stop(&cc->reply_timer);
	timer_stop(&cc->kill_timer);
	cc->state = PPTP_CS_FREE;
	timer_start(&cc->free_timer);
}

static void
pptp_echo_timeout(void *arg)
{
	struct pptp_cc *cc = arg;
	struct pptp_ctrl m;

	if (cc->echo_sent) {
		pptp_cc_kill(cc, "Dropped");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = PPTP_ECHORQ;
	m.echo_id = (uint32_t)event_now_ms();
	cc->echo_sent = true;
	pptp_cc_send(cc, &m);
	timer_start(&cc->echo_timer);
}

static void
pptp_reply_timeout(void *arg)
{
	pptp_cc_kill(arg, "Dropped");
}

static void
pptp_idle_timeout(void *arg)
{
	struct pptp_cc *cc = arg;
	struct pptp_ctrl m;

	if (cc->nchans > 0 || cc->state != PPTP_CS_ESTABLISHED)
		return;
	memset(&m, 0, sizeof(m));
	m.type = PPTP_STOPCCRQ;
	m.reason = PPTP_STOP_NONE;
	pptp_cc_send(cc, &m);
	cc->state = PPTP_CS_WAIT_STOP_REPLY;
	timer_start(&cc->reply_timer);
}

static void
pptp_cc_check_idle(struct pptp_cc *cc)
{
	if (cc->nchans > 0 || cc->state != PPTP_CS_ESTABLISHED)
		return;
	cc->idle_timer.ms = (uint32_t)g_global.pptp_timeout * 1000;
	timer_start(&cc->idle_timer);
}

static struct pptp_cc *
pptp_cc_new(int fd, bool originated)
{
	struct pptp_cc *cc = mem_alloc("pptp", sizeof(*cc));
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	cc->id = pptp_cc_next_id++;
	cc->fd = fd;
	cc->originated = originated;
	cc->state = PPTP_CS_IDLE;
	if (getsockname(fd, (struct sockaddr *)&ss, &slen) == 0)
		phys_sockaddr_parse(&ss, &cc->self_addr, &cc->self_port);
	timer_init(&cc->echo_timer, "PptpEcho", PPTP_ECHO_SEC * 1000,
	    pptp_echo_timeout, cc);
	timer_init(&cc->idle_timer, "PptpIdle", 10000, pptp_idle_timeout, cc);
	timer_init(&cc->reply_timer, "PptpReply", PPTP_REPLY_SEC * 1000,
	    pptp_reply_timeout, cc);
	timer_init(&cc->free_timer, "PptpFree", 0, pptp_free_timeout, cc);
	timer_init(&cc->kill_timer, "PptpKill", 0, pptp_kill_timeout, cc);
	cc->next = pptp_ccs;
	pptp_ccs = cc;
	return cc;
}

/* ---- GRE ---- */

static int
pptp_gre_ref(void)
{
	struct pptp_gre_sock *g = &pptp_gre4;

	if (g->refs++ > 0)
		return 0;
	g->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_GRE);
	if (g->fd < 0) {
		log_perr(LG_ERR, "PPTP: can't create GRE socket");
		g->refs = 0;
		return -1;
	}
	if (event_register(&g->ev, EV_READ, g->fd, EVF_RECURRING,
	    pptp_gre_event, g) < 0) {
		close(g->fd);
		g->fd = -1;
		g->refs = 0;
		return -1;
	}
	return 0;
}

static void
pptp_gre_unref(void)
{
	struct pptp_gre_sock *g = &pptp_gre4;

	if (g->refs == 0 || --g->refs > 0)
		return;
	event_unregister(&g->ev);
	close(g->fd);
	g->fd = -1;
}

/* Send one GRE packet for ch: payload p (may be NULL: ack only). */
static int
pptp_gre_xmit(struct pptp_chan *ch, const uint8_t *p, size_t len)
{
	struct pptp_gre g;
	struct sockaddr_storage ss;
	uint8_t buf[PPTP_GRE_HLEN_MAX + PPTP_FRAME_MAX];
	size_t h;
	int sl;

	if (pptp_gre4.fd < 0 || len > PPTP_FRAME_MAX)
		return -1;
	memset(&g, 0, sizeof(g));
	g.call_id = ch->pcid;
	g.payload_len = (uint16_t)len;
	if (p != NULL) {
		g.has_seq = true;
		g.seq = ch->tx_seq++;
	}
	if (ch->rx_any && (ch->ack_due || ch->always_ack)) {
		g.has_ack = true;
		g.ack = ch->rx_seq;
		ch->ack_due = false;
		timer_stop(&ch->ack_timer);
	}
	h = pptp_gre_build(&g, buf);
	if (len > 0)
		memcpy(buf + h, p, len);
	sl = phys_sockaddr(&ch->cc->peer_addr, 0, AF_INET, &ss);
	if (sendto(pptp_gre4.fd, buf, h + len, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&ss, (socklen_t)sl) < 0)
		return -1;
	return 0;
}

static void
pptp_ack_timeout(void *arg)
{
	struct pptp_chan *ch = arg;

	if (ch->ack_due)
		(void)pptp_gre_xmit(ch, NULL, 0);
}

static struct pptp_chan *
pptp_chan_by_gre(uint16_t cid, const struct u_addr *src)
{
	struct pptp_cc *cc;
	struct pptp_chan *ch;

	for (cc = pptp_ccs; cc != NULL; cc = cc->next) {
		if (!phys_addr_equal(&cc->peer_addr, src))
			continue;
		for (ch = cc->chans; ch != NULL; ch = ch->next)
			if (ch->cid == cid)
				return ch;
	}
	return NULL;
}

/* Packets released by the reorder queue, for pptp_gre_data(). */
struct pptp_batch {
	unsigned	 n;
	struct mbuf	*m[PPTP_OOO_MAX + 1];
};

static void
pptp_batch_add(void *ctx, void *pkt)
{
	struct pptp_batch *b = ctx;

	b->m[b->n++] = pkt;
}

static void
pptp_mb_drop(void *ctx, void *pkt)
{
	(void)ctx;
	mb_free(pkt);
}

/* The reorder queue gave up on a gap: deliver what it holds. */
static void
pptp_ooo_timeout(void *arg)
{
	struct pptp_chan *ch = arg;
	struct pptp_batch b;
	struct link *l = ch->l;
	struct pptp_state *st = l != NULL ? l->dev_state : NULL;
	unsigned i;

	b.n = 0;
	pptp_ooo_flush(&ch->ooo, pptp_batch_add, &b);
	ch->rx_seq = ch->ooo.last;
	for (i = 0; i < b.n; i++) {
		/* a frame may hang the call up under us: look again */
		if (l != NULL && st != NULL && l->dev_state == st &&
		    st->ch == ch && l->state == PHYS_STATE_UP &&
		    b.m[i]->len > 0)
			link_phys_input(l, b.m[i]);
		else
			mb_free(b.m[i]);
	}
}

/*
 * A data packet (or a sequenced empty one) for ch: through the reorder
 * queue, then up to the link in sequence order; acknowledged.
 */
static void
pptp_gre_data(struct pptp_chan *ch, struct pptp_state *st,
    const struct pptp_gre *g, const uint8_t *payload)
{
	struct pptp_batch b;
	struct link *l = ch->l;
	struct mbuf *m = mb_copy(payload, g->payload_len);
	unsigned i;
	int r;

	b.n = 0;
	r = pptp_ooo_input(&ch->ooo, g->seq, m, pptp_batch_add, &b);
	if (r < 0) {
		st->rx_drops++;		/* old or duplicate */
		mb_free(m);
		return;
	}
	if (ch->ooo.n == 0)
		timer_stop(&ch->ooo_timer);
	else if (!timer_running(&ch->ooo_timer))
		timer_start(&ch->ooo_timer);
	ch->rx_seq = ch->ooo.last;
	ch->rx_any = true;
	if (b.n > 0) {
		ch->ack_due = true;
		if (!ch->delayed_ack)
			(void)pptp_gre_xmit(ch, NULL, 0);
		else if (!timer_running(&ch->ack_timer))
			timer_start(&ch->ack_timer);
	}
	for (i = 0; i < b.n; i++) {
		/* a frame may hang the call up under us: look again */
		if (l->dev_state == st && st->ch == ch &&
		    l->state == PHYS_STATE_UP && b.m[i]->len > 0) {
			link_phys_input(l, b.m[i]);
		} else {
			st->rx_drops++;
			mb_free(b.m[i]);
		}
	}
}

static void
pptp_gre_input(const struct u_addr *src, const uint8_t *p, size_t len)
{
	struct pptp_gre g;
	struct pptp_chan *ch;
	struct pptp_state *st;

	if (pptp_gre_parse(p, len, &g) != PPTP_OK) {
		pptp_gre_bad++;
		return;
	}
	ch = pptp_chan_by_gre(g.call_id, src);
	if (ch != NULL && ch->kchan >= 0)
		return;		/* a copy: the kernel has this call */
	if (ch == NULL || ch->state != PPTP_CH_ESTABLISHED || ch->l == NULL) {
		pptp_gre_bad++;
		log_msg(LG_PHYS3, "PPTP: GRE for unknown call id %u",
		    g.call_id);
		return;
	}
	st = ch->l->dev_state;
	if (g.has_ack) {
		ch->peer_acked = g.ack;
		ch->peer_acked_any = true;
	}
	if (!g.has_seq)
		return;
	pptp_gre_data(ch, st, &g, p + g.off);
}

static void
pptp_gre_event(int type, void *arg)
{
	struct pptp_gre_sock *g = arg;
	uint8_t buf[4096];
	struct sockaddr_storage ss;
	socklen_t slen;
	struct u_addr a;
	uint16_t port;
	size_t ihl;
	ssize_t r;
	int i;

	(void)type;
	for (i = 0; i < 32; i++) {
		slen = sizeof(ss);
		r = recvfrom(g->fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &slen);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		/* a raw IPv4 socket gives the IP header too */
		if (r < 20 || (buf[0] >> 4) != 4)
			continue;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < 20 || ihl > (size_t)r)
			continue;
		phys_sockaddr_parse(&ss, &a, &port);
		pptp_gre_input(&a, buf + ihl, (size_t)r - ihl);
	}
}

/* ---- calls ---- */

static struct pptp_chan *
pptp_chan_new(struct pptp_cc *cc, struct link *l)
{
	const struct pptp_conf *c = l->dev_conf;
	struct pptp_chan *ch = mem_alloc("pptp", sizeof(*ch));
	struct pptp_state *st = pptp_state_get(l);

	ch->cc = cc;
	ch->l = l;
	ch->cid = pptp_new_cid();
	ch->ksock = ch->kchan = -1;
	ch->peer_rwin = PPTP_RWIN;
	ch->windowing = opt_enabled(&c->options, PPTP_OPT_WINDOWING);
	ch->delayed_ack = opt_enabled(&c->options, PPTP_OPT_DELAYED_ACK);
	ch->always_ack = opt_enabled(&c->options, PPTP_OPT_ALWAYS_ACK);
	timer_init(&ch->ack_timer, "PptpAck", PPTP_ACK_DELAY_MS,
	    pptp_ack_timeout, ch);
	timer_init(&ch->setup_timer, "PptpCallSetup", PPTP_CALL_SETUP_MS,
	    pptp_setup_timeout, ch);
	timer_init(&ch->ooo_timer, "PptpReorder", PPTP_OOO_MS,
	    pptp_ooo_timeout, ch);
	timer_start(&ch->setup_timer);
	ch->next = cc->chans;
	cc->chans = ch;
	cc->nchans++;
	timer_stop(&cc->idle_timer);
	st->ch = ch;
	st->sk.peer_addr = cc->peer_addr;
	st->sk.peer_port = cc->peer_port;
	return ch;
}

static void
pptp_chan_free(struct pptp_chan *ch, const char *reason)
{
	struct pptp_cc *cc = ch->cc;
	struct pptp_chan **pp;
	struct pptp_state *st;
	struct link *l = ch->l;

	for (pp = &cc->chans; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	cc->nchans--;
	timer_stop(&ch->ack_timer);
	timer_stop(&ch->setup_timer);
	timer_stop(&ch->ooo_timer);
	pptp_ooo_clear(&ch->ooo, pptp_mb_drop, NULL);
	pptp_kchan_close(ch);
	if (ch->gre_ref)
		pptp_gre_unref();
	if (l != NULL && (st = l->dev_state) != NULL && st->ch == ch) {
		st->ch = NULL;
		if (reason != NULL)
			phys_sock_set_down(&st->sk, reason);
	}
	mem_free(ch);
	pptp_cc_check_idle(cc);
}

/* The call did not come up in time. */
static void
pptp_setup_timeout(void *arg)
{
	struct pptp_chan *ch = arg;

	log_msg(LG_PHYS, "[%s] PPTP: call #%u set-up timed out",
	    ch->l != NULL ? ch->l->name : "-", ch->serial);
	pptp_chan_hangup(ch, "Connection failed");
}

/* Hang up ch toward the peer (CCRQ as PNS, CDN as PAC), then free it. */
static void
pptp_chan_hangup(struct pptp_chan *ch, const char *reason)
{
	struct pptp_ctrl m;

	memset(&m, 0, sizeof(m));
	if (ch->state != PPTP_CH_WAIT_CTRL &&
	    ch->cc->state == PPTP_CS_ESTABLISHED) {
		if (ch->pns) {
			m.type = PPTP_CCRQ;
			m.call_id = ch->cid;
		} else {
			m.type = PPTP_CDN;
			m.call_id = ch->cid;
			m.result = PPTP_CDN_ADMIN;
		}
		pptp_cc_send(ch->cc, &m);
	}
	pptp_chan_free(ch, reason);
}

/* ---- kernel channel ---- */

/* One frame from the channel's /dev/ppp descriptor (protocol first). */
static void
pptp_kchan_read(int type, void *arg)
{
	struct pptp_chan *ch = arg;
	struct link *l = ch->l;
	struct pptp_state *st = l != NULL ? l->dev_state : NULL;
	struct mbuf *m;
	ssize_t r;

	(void)type;
	if (ch->kchan < 0)
		return;
	/* one frame per wakeup: the input may end the call */
	m = mb_alloc(PPTP_FRAME_MAX);
	do {
		r = read(ch->kchan, m->data, PPTP_FRAME_MAX);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		/* the channel went away under us: end the call */
		mb_free(m);
		log_msg(LG_PHYS, "[%s] PPTP: kernel channel of call #%u closed",
		    l != NULL ? l->name : "-", ch->serial);
		pptp_chan_hangup(ch, "Dropped");
		return;
	}
	if (r < 0 || l == NULL || st == NULL || st->ch != ch ||
	    l->state != PHYS_STATE_UP) {
		if (r >= 0 && st != NULL)
			st->rx_drops++;
		mb_free(m);
		return;
	}
	m->len = (size_t)r;
	link_phys_input(l, m);
}

/*
 * Try to put the established call ch on a kernel channel; false leaves
 * it on the user-space GRE path (logged).
 */
static bool
pptp_kchan_open(struct pptp_chan *ch)
{
	const struct pptp_cc *cc = ch->cc;
	const char *name = ch->l != NULL ? ch->l->name : "-";
	int chan;

	if (!dp_kernel_usable())
		return false;
	if (cc->self_addr.family != AF_INET ||
	    cc->peer_addr.family != AF_INET) {
		log_msg(LG_PHYS2, "[%s] PPTP: call #%u stays in user space: "
		    "not IPv4", name, ch->serial);
		return false;
	}
	if (pppdev_pptp_open(&pppdev_kernel_real, ch->cid,
	    cc->self_addr.u.ip4, ch->pcid, cc->peer_addr.u.ip4, &ch->ksock,
	    &chan) < 0) {
		log_perr(LG_PHYS2, "[%s] PPTP: call #%u stays in user space: "
		    "PX_PROTO_PPTP", name, ch->serial);
		ch->ksock = -1;
		return false;
	}
	if (pppdev_chan_attach(&pppdev_kernel_real, chan, &ch->kchan) < 0 ||
	    event_register(&ch->ev_kchan, EV_READ, ch->kchan, EVF_RECURRING,
	    pptp_kchan_read, ch) < 0) {
		log_perr(LG_PHYS2, "[%s] PPTP: call #%u stays in user space: "
		    "channel %d", name, ch->serial, chan);
		pptp_kchan_close(ch);
		return false;
	}
	log_msg(LG_PHYS2, "[%s] PPTP: call #%u on kernel channel %d",
	    name, ch->serial, chan);
	return true;
}

/*
 * Close ch's kernel channel, if any.  The socket's release waits for an
 * RCU grace period in the kernel: a closer thread does it.
 */
static void
pptp_kchan_close(struct pptp_chan *ch)
{
	event_unregister(&ch->ev_kchan);
	if (ch->kchan >= 0)
		close(ch->kchan);
	if (ch->ksock >= 0)
		fd_close_async(ch->ksock);
	ch->kchan = ch->ksock = -1;
}

static void
pptp_chan_up(struct pptp_chan *ch)
{
	struct link *l = ch->l;
	char a[INET6_ADDRSTRLEN];

	if (!pptp_kchan_open(ch)) {
		if (pptp_gre_ref() < 0) {
			pptp_chan_hangup(ch, "Connection failed");
			return;
		}
		ch->gre_ref = true;
	}
	ch->state = PPTP_CH_ESTABLISHED;
	timer_stop(&ch->setup_timer);
	log_msg(LG_PHYS, "[%s] PPTP: call #%u connected (peer %s, call ids "
	    "%u/%u)", l->name, ch->serial, u_addr_print(&ch->cc->peer_addr,
	    a, sizeof(a)), ch->cid, ch->pcid);
	l->state = PHYS_STATE_UP;
	link_phys_up(l);
}

/* Calling side, control connection established: place the call. */
static void
pptp_chan_start(struct pptp_chan *ch)
{
	const struct pptp_conf *c = ch->l->dev_conf;
	struct pptp_ctrl m;

	memset(&m, 0, sizeof(m));
	ch->serial = ++ch->cc->next_serial;
	m.call_id = ch->cid;
	m.serial = ch->serial;
	m.bearer = PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL;
	if (ch->outcall) {
		m.type = PPTP_OCRQ;
		m.min_bps = 300;
		m.max_bps = PPTP_SPEED;
		m.framing = PPTP_FRAMING_SYNC;
		m.rwin = PPTP_RWIN;
		util_strlcpy(m.number, c->callednum, sizeof(m.number));
		ch->pns = true;
	} else {
		m.type = PPTP_ICRQ;
		util_strlcpy(m.number, c->callednum, sizeof(m.number));
		util_strlcpy(m.dialing, c->callingnum, sizeof(m.dialing));
		ch->pns = false;
	}
	util_strlcpy(ch->calling, c->callingnum, sizeof(ch->calling));
	util_strlcpy(ch->called, c->callednum, sizeof(ch->called));
	ch->state = PPTP_CH_WAIT_REPLY;
	log_msg(LG_PHYS, "[%s] PPTP: %s call #%u via pptp%u initiated",
	    ch->l->name, ch->outcall ? "Outgoing" : "Incoming", ch->serial,
	    ch->cc->id);
	pptp_cc_send(ch->cc, &m);
}

/* ---- phys_type operations ---- */

static void
pptp_cc_established(struct pptp_cc *cc)
{
	struct pptp_chan *ch, *next;
	char nb[64];

	cc->state = PPTP_CS_ESTABLISHED;
	timer_stop(&cc->reply_timer);
	timer_start(&cc->echo_timer);
	log_msg(LG_PHYS, "PPTP: control connection %s established (peer "
	    "host \"%s\")", pptp_cc_name(cc, nb, sizeof(nb)), cc->peer_host);
	for (ch = cc->chans; ch != NULL; ch = next) {
		next = ch->next;
		if (ch->state == PPTP_CH_WAIT_CTRL)
			pptp_chan_start(ch);
	}
	pptp_cc_check_idle(cc);
}

static void
pptp_send_sccr(struct pptp_cc *cc, uint16_t type, uint8_t result)
{
	struct pptp_ctrl m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.proto_ver = PPTP_PROTO_VERSION;
	m.result = result;
	m.framing = PPTP_FRAMING_SYNC | PPTP_FRAMING_ASYNC;
	m.bearer = PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL;
	m.firmware = PPTP_FIRMWARE;
	pptp_hostname(m.host_name, sizeof(m.host_name));
	util_strlcpy(m.vendor, PPTP_VENDOR, sizeof(m.vendor));
	pptp_cc_send(cc, &m);
}

/* Outgoing TCP connection completed (or failed). */
static void
pptp_cc_connected(int type, void *arg)
{
	struct pptp_cc *cc = arg;
	int err = 0;
	socklen_t el = sizeof(err);
	char nb[64];

	(void)type;
	if (getsockopt(cc->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 ||
	    err != 0) {
		log_msg(LG_PHYS, "PPTP: connection %s failed: %s",
		    pptp_cc_name(cc, nb, sizeof(nb)), strerror(err));
		pptp_cc_kill(cc, "Connection failed");
		return;
	}
	{
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);

		if (getsockname(cc->fd, (struct sockaddr *)&ss, &slen) == 0)
			phys_sockaddr_parse(&ss, &cc->self_addr,
			    &cc->self_port);
	}
	if (event_register(&cc->ev_read, EV_READ, cc->fd, EVF_RECURRING,
	    pptp_cc_read, cc) < 0) {
		pptp_cc_kill(cc, "Connection failed");
		return;
	}
	cc->state = PPTP_CS_WAIT_CTL_REPLY;
	pptp_send_sccr(cc, PPTP_SCCRQ, 0);
}

static struct pptp_cc *
pptp_cc_connect(struct link *l)
{
	const struct pptp_conf *c = l->dev_conf;
	struct sockaddr_storage ss;
	struct pptp_cc *cc;
	uint16_t pport = c->ip.peer_port != 0 ? c->ip.peer_port : PPTP_PORT;
	char a[INET6_ADDRSTRLEN];
	int fd, len, on = 1;

	fd = socket(c->ip.peer_addr.addr.family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		log_perr(LG_ERR, "[%s] PPTP: can't create socket", l->name);
		return NULL;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on));
	if (c->ip.self_addr.family != AF_UNSPEC &&
	    !u_addr_empty(&c->ip.self_addr)) {
		len = phys_sockaddr(&c->ip.self_addr, 0,
		    c->ip.peer_addr.addr.family, &ss);
		if (bind(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0) {
			log_perr(LG_ERR, "[%s] PPTP: can't bind socket",
			    l->name);
			close(fd);
			return NULL;
		}
	}
	len = phys_sockaddr(&c->ip.peer_addr.addr, pport,
	    c->ip.peer_addr.addr.family, &ss);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0 &&
	    errno != EINPROGRESS) {
		log_perr(LG_ERR, "[%s] PPTP: can't connect", l->name);
		close(fd);
		return NULL;
	}
	cc = pptp_cc_new(fd, true);
	cc->peer_addr = c->ip.peer_addr.addr;
	cc->peer_port = pport;
	log_msg(LG_PHYS, "[%s] PPTP: connecting to %s %u", l->name,
	    u_addr_print(&cc->peer_addr, a, sizeof(a)), pport);
	if (event_register(&cc->ev_write, EV_WRITE, fd, 0, pptp_cc_connected,
	    cc) < 0) {
		pptp_cc_kill(cc, "Connection failed");
		return NULL;
	}
	timer_start(&cc->reply_timer);
	return cc;
}

static struct pptp_cc *
pptp_cc_reuse(const struct link *l)
{
	const struct pptp_conf *c = l->dev_conf;
	uint16_t pport = c->ip.peer_port != 0 ? c->ip.peer_port : PPTP_PORT;
	struct pptp_cc *cc;

	for (cc = pptp_ccs; cc != NULL; cc = cc->next)
		if (cc->originated && (cc->state == PPTP_CS_IDLE ||
		    cc->state == PPTP_CS_WAIT_CTL_REPLY ||
		    cc->state == PPTP_CS_ESTABLISHED) &&
		    cc->peer_port == pport &&
		    phys_addr_equal(&cc->peer_addr, &c->ip.peer_addr.addr) &&
		    cc->nchans < (unsigned)g_global.pptp_limit)
			return cc;
	return NULL;
}

int
pptp_open(struct link *l)
{
	const struct pptp_conf *c = l->dev_conf;
	struct pptp_state *st;
	struct pptp_cc *cc;
	struct pptp_chan *ch;

	if (l->tmpl)
		return -1;
	st = pptp_state_get(l);
	if (l->state != PHYS_STATE_DOWN || st->ch != NULL)
		return 0;
	st->sk.incoming = false;
	l->state = PHYS_STATE_CONNECTING;
	if (phys_ip_no_peer(l, &c->ip, "PPTP: "))
		goto fail;
	cc = pptp_cc_reuse(l);
	if (cc == NULL)
		cc = pptp_cc_connect(l);
	if (cc == NULL)
		goto fail;
	ch = pptp_chan_new(cc, l);
	ch->originated = true;
	ch->outcall = opt_enabled(&c->options, PPTP_OPT_OUTCALL);
	ch->state = PPTP_CH_WAIT_CTRL;
	if (cc->state == PPTP_CS_ESTABLISHED)
		pptp_chan_start(ch);
	return 0;
fail:
	phys_sock_set_down(&st->sk, "Connection failed");
	return 0;
}

void
pptp_close(struct link *l)
{
	struct pptp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (st->ch != NULL) {
		log_msg(LG_PHYS, "[%s] PPTP: call #%u terminated locally",
		    l->name, st->ch->serial);
		pptp_chan_hangup(st->ch, NULL);
	}
	phys_sock_set_down(&st->sk, "Manual");
}

int
pptp_send(struct link *l, struct mbuf *m)
{
	struct pptp_state *st = l->dev_state;
	struct pptp_chan *ch = st != NULL ? st->ch : NULL;
	int r;

	if (ch == NULL || ch->state != PPTP_CH_ESTABLISHED ||
	    l->state != PHYS_STATE_UP) {
		if (st != NULL)
			st->tx_drops++;
		mb_free(m);
		return -1;
	}
	if (ch->kchan >= 0) {
		/* the kernel adds address/control, sequence and ack */
		if (m->len >= 2 && m->data[0] == 0xff && m->data[1] == 0x03)
			mb_trim_head(m, 2);
		r = write(ch->kchan, m->data, m->len) < 0 ? -1 : 0;
		if (r < 0)
			st->tx_drops++;
		mb_free(m);
		return r;
	}
	/* RFC 2637 4.4: no more than the peer's window unacknowledged */
	if (ch->windowing && ch->peer_acked_any &&
	    (uint32_t)(ch->tx_seq - ch->peer_acked - 1) >= ch->peer_rwin) {
		st->tx_drops++;
		mb_free(m);
		return -1;
	}
	r = pptp_gre_xmit(ch, m->data, m->len);
	if (r < 0)
		st->tx_drops++;
	mb_free(m);
	return r;
}

int
pptp_kernel_chan(const struct link *l)
{
	const struct pptp_state *st = l->dev_state;

	return st != NULL && st->ch != NULL ? st->ch->kchan : -1;
}

int
pptp_listen(struct link *l, bool listen)
{
	return phys_sock_listen(&pptp_kind, l, listen);
}

/*
 * When the last pptp link (or template) goes, typically at daemon exit:
 * Stop-Control-Connection-Request (local shutdown) on every connection,
 * then close it (the kernel still delivers what was written).
 */
static void
pptp_last_link_check(const struct link *gone)
{
	struct pptp_cc *cc;
	struct pptp_ctrl m;

	if (phys_type_in_use(&phys_pptp, gone))
		return;
	memset(&m, 0, sizeof(m));
	m.type = PPTP_STOPCCRQ;
	m.reason = PPTP_STOP_LOCAL;
	for (cc = pptp_ccs; cc != NULL; cc = cc->next)
		if (cc->state == PPTP_CS_ESTABLISHED) {
			pptp_cc_send(cc, &m);
			pptp_cc_kill(cc, "Dropped");
		}
}

void
pptp_shutdown(struct link *l)
{
	struct pptp_state *st = l->dev_state;

	if (st == NULL)
		return;
	if (st->ch != NULL) {
		st->ch->l = NULL;
		pptp_chan_hangup(st->ch, NULL);
	}
	phys_sock_state_free(l);
	pptp_last_link_check(l);
}

void
pptp_peer_addr(const struct link *l, char *buf, unsigned len)
{
	phys_sock_peer_addr(l, buf, len);
}

void
pptp_self_addr(const struct link *l, char *buf, unsigned len)
{
	const struct pptp_state *st = l->dev_state;
	const struct pptp_conf *c = l->dev_conf;

	if (st != NULL && st->ch != NULL)
		u_addr_print(&st->ch->cc->self_addr, buf, len);
	else if (c->ip.self_addr.family != AF_UNSPEC)
		u_addr_print(&c->ip.self_addr, buf, len);
}

void
pptp_calling_num(const struct link *l, char *buf, unsigned len)
{
	const struct pptp_state *st = l->dev_state;

	/* `set link enable peer-as-calling`: the tunnel peer's address */
	if (opt_enabled(&l->conf.options, LINK_OPT_PEER_AS_CALLING)) {
		phys_sock_peer_addr(l, buf, len);
		return;
	}
	if (st != NULL && st->ch != NULL)
		util_strlcpy(buf, st->ch->calling, len);
}

void
pptp_called_num(const struct link *l, char *buf, unsigned len)
{
	const struct pptp_state *st = l->dev_state;

	if (st != NULL && st->ch != NULL)
		util_strlcpy(buf, st->ch->called, len);
}

void
pptp_show_status(struct cmd_ctx *ctx, const struct link *l)
{
	const struct pptp_state *st = l->dev_state;
	const struct pptp_chan *ch;
	char a[INET6_ADDRSTRLEN];

	if (st == NULL || (ch = st->ch) == NULL)
		return;
	cmd_printf(ctx, "\tIncoming     : %s\n", st->sk.incoming ? "YES" :
	    "NO");
	cmd_printf(ctx, "\tCurrent self : %s\n",
	    u_addr_print(&ch->cc->self_addr, a, sizeof(a)));
	cmd_printf(ctx, "\tCurrent peer : %s, port %u\n",
	    u_addr_print(&ch->cc->peer_addr, a, sizeof(a)),
	    ch->cc->peer_port);
	cmd_printf(ctx, "\tFraming      : %s\n", "Sync");
	cmd_printf(ctx, "\tCalling number: %s\n", ch->calling);
	cmd_printf(ctx, "\tCalled number: %s\n", ch->called);
}

int
pptp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct pptp_cc *cc;
	char sb[INET6_ADDRSTRLEN], pb[INET6_ADDRSTRLEN];

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "Active PPTP tunnels:\n");
	for (cc = pptp_ccs; cc != NULL; cc = cc->next)
		cmd_printf(ctx, "pptp%u\t %s %u <=> %s %u\t%s\t%u calls\n",
		    cc->id, u_addr_print(&cc->self_addr, sb, sizeof(sb)),
		    cc->self_port, u_addr_print(&cc->peer_addr, pb,
		    sizeof(pb)), cc->peer_port, pptp_cstate_names[cc->state],
		    cc->nchans);
	return CMD_OK;
}

/* ---- receiving control messages ---- */

/* A link or template to answer a call from cc's peer, or NULL. */
static struct link *
pptp_pick(const struct pptp_cc *cc, bool free_only)
{
	struct link *l, *best = NULL;
	const struct pptp_conf *c;
	const struct pptp_state *st;
	int i, width, best_width = -1;

	for (i = 1; i < g_nlinks; i++) {
		l = g_links[i];
		if (phys_sock_candidate(l, &phys_pptp, &cc->peer_addr,
		    cc->peer_port) == NULL)
			continue;
		st = l->dev_state;
		c = l->dev_conf;
		if (free_only && (st->ch != NULL ||
		    l->state != PHYS_STATE_DOWN))
			continue;
		width = phys_ip_peer_width(&c->ip);
		if (width > best_width) {
			best = l;
			best_width = width;
		}
	}
	return best;
}

/* OCRQ / ICRQ: answer the call. */
static void
pptp_rx_call_request(struct pptp_cc *cc, const struct pptp_ctrl *m)
{
	struct link *tl;
	struct pptp_state *st;
	struct pptp_chan *ch;
	struct pptp_ctrl r;
	char abuf[INET6_ADDRSTRLEN];
	bool out = m->type == PPTP_OCRQ;

	memset(&r, 0, sizeof(r));
	r.type = out ? PPTP_OCRP : PPTP_ICRP;
	r.peer_call_id = m->call_id;
	r.rwin = PPTP_RWIN;
	u_addr_print(&cc->peer_addr, abuf, sizeof(abuf));
	for (ch = cc->chans; ch != NULL; ch = ch->next)
		if (!ch->originated && ch->pcid == m->call_id) {
			log_msg(LG_PHYS2, "PPTP: duplicate call id %u",
			    m->call_id);
			r.result = out ? PPTP_OCRP_ERROR : PPTP_ICRP_ERROR;
			r.error = PPTP_ERR_BAD_CALL_ID;
			pptp_cc_send(cc, &r);
			return;
		}
	tl = pptp_pick(cc, true);
	st = tl != NULL ? (struct pptp_state *)phys_sock_take(&pptp_kind, tl,
	    abuf, cc->peer_port) : NULL;
	if (st == NULL) {
		log_msg(LG_PHYS, "PPTP: No free PPTP link with requested "
		    "parameters was found");
		r.result = out ? PPTP_OCRP_ERROR : PPTP_ICRP_ERROR;
		r.error = PPTP_ERR_NO_RESOURCE;
		pptp_cc_send(cc, &r);
		return;
	}
	ch = pptp_chan_new(cc, st->sk.l);
	ch->pcid = m->call_id;
	ch->serial = m->serial;
	ch->outcall = out;
	ch->pns = !out;
	if (out && m->rwin > 0)
		ch->peer_rwin = m->rwin;
	util_strlcpy(ch->called, m->number, sizeof(ch->called));
	util_strlcpy(ch->calling, out ? "" : m->dialing,
	    sizeof(ch->calling));
	st->sk.incoming = true;
	st->sk.l->state = PHYS_STATE_CONNECTING;
	log_msg(LG_PHYS, "[%s] PPTP: %s call #%u from %s", st->sk.l->name,
	    out ? "Outgoing" : "Incoming", ch->serial, abuf);
	r.call_id = ch->cid;
	r.result = PPTP_OCRP_OK;
	r.speed = PPTP_SPEED;
	pptp_cc_send(cc, &r);
	if (out)
		pptp_chan_up(ch);
	else
		ch->state = PPTP_CH_WAIT_CONN;
}

static struct pptp_chan *
pptp_chan_find(const struct pptp_cc *cc, uint16_t cid)
{
	struct pptp_chan *ch;

	for (ch = cc->chans; ch != NULL; ch = ch->next)
		if (ch->cid == cid)
			return ch;
	return NULL;
}

static struct pptp_chan *
pptp_chan_find_peer(const struct pptp_cc *cc, uint16_t pcid)
{
	struct pptp_chan *ch;

	for (ch = cc->chans; ch != NULL; ch = ch->next)
		if (ch->pcid == pcid && ch->state != PPTP_CH_WAIT_REPLY)
			return ch;
	return NULL;
}

static void
pptp_cc_input(struct pptp_cc *cc, const struct pptp_ctrl *m)
{
	struct pptp_ctrl r;
	struct pptp_chan *ch;
	char nb[64];

	log_msg(LG_PHYS2, "PPTP: %s: recv %s", pptp_cc_name(cc, nb,
	    sizeof(nb)), pptp_ctrl_name(m->type));
	cc->echo_sent = false;
	if (cc->state == PPTP_CS_ESTABLISHED)
		timer_start(&cc->echo_timer);
	memset(&r, 0, sizeof(r));
	switch (m->type) {
	case PPTP_SCCRQ:
		if (cc->state != PPTP_CS_IDLE || cc->originated) {
			pptp_cc_kill(cc, "Dropped");
			return;
		}
		util_strlcpy(cc->peer_host, m->host_name,
		    sizeof(cc->peer_host));
		if (m->proto_ver != PPTP_PROTO_VERSION) {
			pptp_send_sccr(cc, PPTP_SCCRP, PPTP_SCCRP_VERSION);
			pptp_cc_kill(cc, "Dropped");
			return;
		}
		pptp_send_sccr(cc, PPTP_SCCRP, PPTP_SCCRP_OK);
		pptp_cc_established(cc);
		return;
	case PPTP_SCCRP:
		if (cc->state != PPTP_CS_WAIT_CTL_REPLY ||
		    m->result != PPTP_SCCRP_OK) {
			log_msg(LG_PHYS, "PPTP: %s: start refused, result %u",
			    pptp_cc_name(cc, nb, sizeof(nb)), m->result);
			pptp_cc_kill(cc, "Connection failed");
			return;
		}
		util_strlcpy(cc->peer_host, m->host_name,
		    sizeof(cc->peer_host));
		pptp_cc_established(cc);
		return;
	case PPTP_STOPCCRQ:
		r.type = PPTP_STOPCCRP;
		r.result = PPTP_STOPRP_OK;
		pptp_cc_send(cc, &r);
		pptp_cc_kill(cc, "Dropped");
		return;
	case PPTP_STOPCCRP:
		pptp_cc_kill(cc, "Dropped");
		return;
	case PPTP_ECHORQ:
		r.type = PPTP_ECHORP;
		r.echo_id = m->echo_id;
		r.result = PPTP_ECHO_OK;
		pptp_cc_send(cc, &r);
		return;
	case PPTP_ECHORP:
		return;
	default:
		break;
	}
	if (cc->state != PPTP_CS_ESTABLISHED) {
		log_msg(LG_PHYS2, "PPTP: %s: %s before the connection is up",
		    pptp_cc_name(cc, nb, sizeof(nb)), pptp_ctrl_name(m->type));
		cc->rx_bad++;
		return;
	}
	switch (m->type) {
	case PPTP_OCRQ:
	case PPTP_ICRQ:
		pptp_rx_call_request(cc, m);
		break;
	case PPTP_OCRP:
	case PPTP_ICRP:
		ch = pptp_chan_find(cc, m->peer_call_id);
		if (ch == NULL || ch->state != PPTP_CH_WAIT_REPLY ||
		    (m->type == PPTP_OCRP) != ch->outcall) {
			cc->rx_bad++;
			break;
		}
		if (m->result != PPTP_OCRP_OK) {
			log_msg(LG_PHYS, "[%s] PPTP: call refused, result %u "
			    "error %u", ch->l != NULL ? ch->l->name : "-",
			    m->result, m->error);
			pptp_chan_free(ch, "Connection failed");
			break;
		}
		ch->pcid = m->call_id;
		if (m->rwin > 0)
			ch->peer_rwin = m->rwin;
		if (m->type == PPTP_ICRP) {
			r.type = PPTP_ICCN;
			r.peer_call_id = ch->pcid;
			r.speed = PPTP_SPEED;
			r.rwin = PPTP_RWIN;
			r.framing = PPTP_FRAMING_SYNC;
			pptp_cc_send(cc, &r);
		}
		pptp_chan_up(ch);
		break;
	case PPTP_ICCN:
		ch = pptp_chan_find(cc, m->peer_call_id);
		if (ch == NULL || ch->state != PPTP_CH_WAIT_CONN) {
			cc->rx_bad++;
			break;
		}
		if (m->rwin > 0)
			ch->peer_rwin = m->rwin;
		pptp_chan_up(ch);
		break;
	case PPTP_CCRQ:
		/* from the PNS: the call id is its own */
		ch = pptp_chan_find_peer(cc, m->call_id);
		if (ch == NULL) {
			cc->rx_bad++;
			break;
		}
		r.type = PPTP_CDN;
		r.call_id = ch->cid;
		r.result = PPTP_CDN_REQUEST;
		pptp_cc_send(cc, &r);
		log_msg(LG_PHYS, "[%s] PPTP: call #%u cleared by peer",
		    ch->l != NULL ? ch->l->name : "-", ch->serial);
		pptp_chan_free(ch, "Dropped");
		break;
	case PPTP_CDN:
		ch = pptp_chan_find_peer(cc, m->call_id);
		if (ch == NULL)
			break;		/* the answer to our CCRQ */
		log_msg(LG_PHYS, "[%s] PPTP: call #%u disconnected by peer, "
		    "result %u", ch->l != NULL ? ch->l->name : "-",
		    ch->serial, m->result);
		pptp_chan_free(ch, "Dropped");
		break;
	case PPTP_SLI:
	case PPTP_WEN:
	default:
		break;
	}
}

static void
pptp_cc_read(int type, void *arg)
{
	struct pptp_cc *cc = arg;
	struct pptp_ctrl m;
	char nb[64];
	ssize_t r;
	int need, i;

	(void)type;
	for (i = 0; i < 16 && cc->fd >= 0; i++) {
		need = pptp_ctrl_need(cc->rx, cc->rx_len);
		if (need < 0) {
			log_msg(LG_PHYS, "PPTP: %s: bad control stream",
			    pptp_cc_name(cc, nb, sizeof(nb)));
			cc->rx_bad++;
			pptp_cc_kill(cc, "Dropped");
			return;
		}
		if (need == 0) {
			size_t n = (size_t)(cc->rx[0] << 8 | cc->rx[1]);

			if (pptp_ctrl_parse(cc->rx, n, &m) == PPTP_OK)
				pptp_cc_input(cc, &m);
			else {
				cc->rx_bad++;
				log_msg(LG_PHYS2, "PPTP: %s: malformed control "
				    "message dropped", pptp_cc_name(cc, nb,
				    sizeof(nb)));
			}
			if (cc->fd < 0)
				return;
			memmove(cc->rx, cc->rx + n, cc->rx_len - n);
			cc->rx_len -= n;
			continue;
		}
		r = recv(cc->fd, cc->rx + cc->rx_len, (size_t)need,
		    MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (r <= 0) {
			if (cc->rx_len > 0)
				log_msg(LG_PHYS2, "PPTP: %s: truncated control "
				    "message at end of stream",
				    pptp_cc_name(cc, nb, sizeof(nb)));
			pptp_cc_kill(cc, "Dropped");
			return;
		}
		cc->rx_len += (size_t)r;
	}
}

static void
pptp_listener_event(int type, void *arg)
{
	struct phys_listener *ls = arg;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	struct pptp_cc *cc;
	struct u_addr a;
	uint16_t port;
	char abuf[INET6_ADDRSTRLEN];
	int fd, on = 1;

	(void)type;
	fd = accept4(ls->fd, (struct sockaddr *)&ss, &slen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* connection floods: a bounded number may wait for their SCCRQ */
	{
		unsigned n = 0;

		for (cc = pptp_ccs; cc != NULL; cc = cc->next)
			if (!cc->originated && cc->state == PPTP_CS_IDLE)
				n++;
		if (n >= PPTP_HALF_OPEN_MAX) {
			log_msg(LG_PHYS2, "PPTP: too many connections in "
			    "set-up, one refused");
			close(fd);
			return;
		}
	}
	phys_sockaddr_parse(&ss, &a, &port);
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on));
	cc = pptp_cc_new(fd, false);
	cc->peer_addr = a;
	cc->peer_port = port;
	u_addr_print(&a, abuf, sizeof(abuf));
	log_msg(LG_PHYS, "PPTP: Incoming control connection from %s %u",
	    abuf, port);
	if (pptp_pick(cc, false) == NULL) {
		log_msg(LG_PHYS, "PPTP: No link accepts %s %u", abuf, port);
		pptp_cc_kill(cc, "Dropped");
		return;
	}
	if (event_register(&cc->ev_read, EV_READ, fd, EVF_RECURRING,
	    pptp_cc_read, cc) < 0) {
		pptp_cc_kill(cc, "Dropped");
		return;
	}
	timer_start(&cc->reply_timer);
}
