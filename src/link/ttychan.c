/*
 * ttychan.c - kernel channels of the tcp and udp device types through a
 * pty in N_PPP, and the relay between the pty and the socket (see
 * ttychan.h; RFC 1662 for the framing on both sides of the pty).
 */
#include "ttychan.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/fdclose.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../ppp/link.h"
#include "../sys/ttyppp.h"
#include "hdlc.h"

#define TTYCHAN_BUF		(16 * 1024)	/* per direction */
/*
 * Largest frame either way: the tcp/udp device MRU is 2048, and
 * ppp_async delivers nothing over its own MRU (at most 2048 here, never
 * less than 1500) plus the header.
 */
#define TTYCHAN_FRAME_MAX	(4096 + 4)
#define TTYCHAN_DGRAM_MAX	TTYCHAN_FRAME_MAX
#define TTYCHAN_READS		8		/* per wake-up (fairness) */
#define TTYCHAN_CHUNK		4096

struct ttychan {
	struct link		*l;
	const char		*tag;
	bool			 dgram;
	int			 sock;		/* not owned */
	struct ttyppp_chan	 c;
	ttychan_down_fn		*down;
	void			*arg;
	/* what ttyppp_apply() last told the channel */
	bool			 applied, applied_opened;
	struct event		 ev_chan;	/* frames on the channel fd */
	struct event		 ev_pty_r, ev_pty_w;
	struct event		 ev_sock_r, ev_sock_w;	/* stream only */
	struct ttyppp_buf	 to_pty;	/* socket -> pty */
	struct ttyppp_buf	 to_sock;	/* pty -> socket (stream) */
	struct hdlc_decoder	 dec;		/* pty -> datagrams */
	uint8_t			 to_pty_mem[TTYCHAN_BUF];
	uint8_t			 to_sock_mem[TTYCHAN_BUF];
	uint8_t			 dec_mem[HDLC_DECODER_BUF(TTYCHAN_DGRAM_MAX)];
	uint64_t		 drops;
};

/* The kernel (tests substitute a fake through ttychan_set_sys()). */
static const struct ttyppp_sys *tc_sys = &ttyppp_sys_real;

void
ttychan_set_sys(const struct ttyppp_sys *s)
{
	tc_sys = s != NULL ? s : &ttyppp_sys_real;
}

static void	ttychan_chan_read(int type, void *arg);
static void	ttychan_pty_read(int type, void *arg);
static void	ttychan_pty_write(int type, void *arg);
static void	ttychan_sock_read(int type, void *arg);
static void	ttychan_sock_write(int type, void *arg);

/* ---- descriptors as the relay buffer sees them ---- */

static ssize_t
tc_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

static ssize_t
tc_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

static ssize_t
tc_recv(int fd, void *buf, size_t len)
{
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static ssize_t
tc_send(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Register ev (recurring) unless it is; unregister it when !on. */
#define tc_want(tc, ev, type, fd, on, cb)				\
	tc_want_((tc), (ev), (type), (fd), (on), (cb), #cb, __LINE__)
static void
tc_want_(struct ttychan *tc, struct event *ev, int type, int fd, bool on,
    event_cb *cb, const char *name, int line)
{
	if (on && !event_is_registered(ev))
		(void)event_register_(ev, type, fd, EVF_RECURRING, cb, tc,
		    name, __FILE__, line);
	else if (!on)
		event_unregister(ev);
}

/*
 * The relay is dead: stop every event (so that it is reported once
 * even if the owner waits before closing) and tell the owner, which may
 * close tc.  The caller touches tc no more.
 */
static void
ttychan_fail(struct ttychan *tc, const char *why)
{
	event_unregister(&tc->ev_chan);
	event_unregister(&tc->ev_pty_r);
	event_unregister(&tc->ev_pty_w);
	event_unregister(&tc->ev_sock_r);
	event_unregister(&tc->ev_sock_w);
	tc->down(tc->arg, why);
}

/* ---- LCP's results on the channel ---- */

/*
 * Bring the channel's maps, flags and MRU in line with LCP when its
 * state (opened or not) changed since the last time.  The datagram
 * relay owns both ends of the pty: the kernel then escapes only what
 * it must (the decoder takes anything), and expects everything escaped
 * (ttychan_dgram_input() escapes every control octet).
 */
static void
ttychan_sync(struct ttychan *tc)
{
	const struct link *l = tc->l;
	const struct lcp *lcp = &l->lcp;
	struct ttyppp_neg n;

	memset(&n, 0, sizeof(n));
	n.opened = lcp->fsm.state == FSM_ST_OPENED;
	if (tc->applied && tc->applied_opened == n.opened)
		return;
	if (n.opened) {
		n.pfc_tx = lcp->peer.pfcomp;
		n.acfc_tx = lcp->peer.acfcomp;
		n.xaccm = tc->dgram ? 0 : lcp->peer.accmap;
		n.raccm = tc->dgram ? HDLC_ACCM_DEFAULT : lcp->want.accmap;
		n.mru = lcp->want.mru;
	}
	if (ttyppp_apply(tc_sys->k, tc->c.chfd, &n) < 0) {
		log_perr(LG_PHYS, "[%s] %s: can't set kernel channel %d",
		    l->name, tc->tag, tc->c.chan);
		return;
	}
	tc->applied = true;
	tc->applied_opened = n.opened;
	if (n.opened)
		log_msg(LG_PHYS2, "[%s] %s: kernel channel %d: accm 0x%08x "
		    "rx 0x%08x%s%s mru %u", l->name, tc->tag, tc->c.chan,
		    n.xaccm, n.raccm, n.pfc_tx ? " pfc" : "",
		    n.acfc_tx ? " acfc" : "", n.mru);
}

/* ---- open / close ---- */

struct ttychan *
ttychan_open(struct link *l, const char *tag, int sock, bool dgram, int mru,
    ttychan_down_fn *down, void *arg)
{
	struct ttychan *tc = mem_alloc("phys", sizeof(*tc));

	tc->l = l;
	tc->tag = tag;
	tc->sock = sock;
	tc->dgram = dgram;
	tc->down = down;
	tc->arg = arg;
	ttyppp_buf_init(&tc->to_pty, tc->to_pty_mem, sizeof(tc->to_pty_mem));
	ttyppp_buf_init(&tc->to_sock, tc->to_sock_mem,
	    sizeof(tc->to_sock_mem));
	hdlc_decoder_init(&tc->dec, tc->dec_mem, sizeof(tc->dec_mem));
	if (ttyppp_open(tc_sys, mru, &tc->c) < 0) {
		log_perr(LG_PHYS, "[%s] %s: call stays in user space: no "
		    "N_PPP pty channel", l->name, tag);
		mem_free(tc);
		return NULL;
	}
	if (event_register(&tc->ev_chan, EV_READ, tc->c.chfd, EVF_RECURRING,
	    ttychan_chan_read, tc) < 0 ||
	    event_register(&tc->ev_pty_r, EV_READ, tc->c.master,
	    EVF_RECURRING, ttychan_pty_read, tc) < 0 ||
	    (!dgram && event_register(&tc->ev_sock_r, EV_READ, sock,
	    EVF_RECURRING, ttychan_sock_read, tc) < 0)) {
		log_perr(LG_PHYS2, "[%s] %s: call stays in user space: "
		    "channel %d", l->name, tag, tc->c.chan);
		event_unregister(&tc->ev_chan);
		event_unregister(&tc->ev_pty_r);
		event_unregister(&tc->ev_sock_r);
		ttyppp_close(tc_sys, &tc->c, fd_close_async);
		mem_free(tc);
		return NULL;
	}
	ttychan_sync(tc);
	log_msg(LG_PHYS2, "[%s] %s: call on kernel channel %d (N_PPP pty)",
	    l->name, tag, tc->c.chan);
	return tc;
}

/* Frames the kernel already framed onto the pty: to the socket, once. */
static void
ttychan_flush(struct ttychan *tc)
{
	uint8_t buf[TTYCHAN_CHUNK];
	const uint8_t *frame;
	size_t got, off, used, flen;
	ssize_t r;

	if (!tc->dgram) {
		(void)ttyppp_buf_fill(&tc->to_sock, tc->c.master, tc_read, 1,
		    &got);
		(void)ttyppp_buf_drain(&tc->to_sock, tc->sock, tc_send);
		return;
	}
	r = read(tc->c.master, buf, sizeof(buf));
	for (off = 0; r > 0 && off < (size_t)r; off += used) {
		used = hdlc_decode(&tc->dec, buf + off, (size_t)r - off,
		    &frame, &flen);
		if (frame != NULL)
			(void)tc_send(tc->sock, frame, flen);
	}
}

void
ttychan_close(struct ttychan *tc)
{
	if (tc == NULL)
		return;
	event_unregister(&tc->ev_chan);
	event_unregister(&tc->ev_pty_r);
	event_unregister(&tc->ev_pty_w);
	event_unregister(&tc->ev_sock_r);
	event_unregister(&tc->ev_sock_w);
	if (tc->sock >= 0)
		ttychan_flush(tc);
	/* the channel's unregistration may wait for the kernel: off-loop */
	ttyppp_close(tc_sys, &tc->c, fd_close_async);
	mem_free(tc);
}

int
ttychan_fd(struct ttychan *tc)
{
	if (tc == NULL)
		return -1;
	ttychan_sync(tc);
	return tc->c.chfd;
}

/* ---- the link's frames ---- */

int
ttychan_send(struct ttychan *tc, struct mbuf *m)
{
	uint8_t out[TTYCHAN_FRAME_MAX + 1];
	size_t n = 0;
	ssize_t w;

	ttychan_sync(tc);
	if (m->len <= TTYCHAN_FRAME_MAX)
		n = ttyppp_chan_frame(m->data, m->len, out);
	mb_free(m);
	if (n == 0) {
		tc->drops++;
		return -1;
	}
	do
		w = write(tc->c.chfd, out, n);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		tc->drops++;
		log_perr(LG_PHYS2, "[%s] %s: kernel channel %d write",
		    tc->l->name, tc->tag, tc->c.chan);
		return -1;
	}
	return 0;
}

/*
 * A frame the kernel did not keep (LCP and authentication; everything
 * while the channel is not connected to a unit), protocol field first.
 * One per wake-up: the input may end the call.
 */
static void
ttychan_chan_read(int type, void *arg)
{
	struct ttychan *tc = arg;
	struct mbuf *m;
	ssize_t r;

	(void)type;
	m = mb_alloc(TTYCHAN_FRAME_MAX);
	do
		r = read(tc->c.chfd, m->data, TTYCHAN_FRAME_MAX);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		mb_free(m);
		if (r == 0)	/* the channel is gone: the pty died */
			ttychan_fail(tc, "kernel channel closed");
		return;
	}
	m->len = (size_t)r;
	link_phys_input(tc->l, m);
}

/* ---- socket -> pty ---- */

/* Push the buffer toward the pty; re-open the source when it has room. */
static void
ttychan_pump_to_pty(struct ttychan *tc)
{
	enum ttyppp_io io = ttyppp_buf_drain(&tc->to_pty, tc->c.master,
	    tc_write);

	if (io == TTYPPP_IO_ERR) {
		log_perr(LG_PHYS, "[%s] %s: pty write", tc->l->name, tc->tag);
		ttychan_fail(tc, "pty write failed");
		return;
	}
	tc_want(tc, &tc->ev_pty_w, EV_WRITE, tc->c.master,
	    io == TTYPPP_IO_AGAIN, ttychan_pty_write);
	if (!tc->dgram)
		tc_want(tc, &tc->ev_sock_r, EV_READ, tc->sock,
		    ttyppp_buf_room(&tc->to_pty) > 0, ttychan_sock_read);
}

static void
ttychan_pty_write(int type, void *arg)
{
	(void)type;
	ttychan_pump_to_pty(arg);
}

/* The peer's bytes (stream relay). */
static void
ttychan_sock_read(int type, void *arg)
{
	struct ttychan *tc = arg;
	enum ttyppp_io io;
	size_t got;

	(void)type;
	io = ttyppp_buf_fill(&tc->to_pty, tc->sock, tc_recv, TTYCHAN_READS,
	    &got);
	if (io == TTYPPP_IO_EOF || io == TTYPPP_IO_ERR) {
		if (io == TTYPPP_IO_ERR)
			log_msg(LG_PHYS, "[%s] %s: connection lost: %s",
			    tc->l->name, tc->tag, strerror(errno));
		else
			log_msg(LG_PHYS, "[%s] %s: connection closed by peer",
			    tc->l->name, tc->tag);
		ttychan_fail(tc, io == TTYPPP_IO_EOF ? "closed by peer" :
		    "connection lost");
		return;
	}
	ttychan_pump_to_pty(tc);
}

void
ttychan_dgram_input(struct ttychan *tc, const uint8_t *p, size_t len)
{
	uint8_t out[HDLC_ENCODED_MAX(TTYCHAN_DGRAM_MAX)];
	size_t n;

	if (len == 0 || len > TTYCHAN_DGRAM_MAX) {
		tc->drops++;
		return;
	}
	n = hdlc_encode(p, len, HDLC_ACCM_DEFAULT, out, sizeof(out));
	if (n == 0 || !ttyppp_buf_put(&tc->to_pty, out, n)) {
		tc->drops++;
		return;
	}
	ttychan_pump_to_pty(tc);
}

/* ---- pty -> socket ---- */

/* Push the buffer to the socket; re-open the pty when it has room. */
static void
ttychan_pump_to_sock(struct ttychan *tc)
{
	enum ttyppp_io io = ttyppp_buf_drain(&tc->to_sock, tc->sock,
	    tc_send);

	if (io == TTYPPP_IO_ERR) {
		log_msg(LG_PHYS, "[%s] %s: connection lost: %s", tc->l->name,
		    tc->tag, strerror(errno));
		ttychan_fail(tc, "connection lost");
		return;
	}
	tc_want(tc, &tc->ev_sock_w, EV_WRITE, tc->sock, io == TTYPPP_IO_AGAIN,
	    ttychan_sock_write);
	tc_want(tc, &tc->ev_pty_r, EV_READ, tc->c.master,
	    ttyppp_buf_room(&tc->to_sock) > 0, ttychan_pty_read);
}

static void
ttychan_sock_write(int type, void *arg)
{
	(void)type;
	ttychan_pump_to_sock(arg);
}

/* Datagram relay: each good frame on the pty is one datagram. */
static void
ttychan_pty_frames(struct ttychan *tc)
{
	uint8_t buf[TTYCHAN_CHUNK];
	const uint8_t *frame;
	size_t off, used, flen;
	ssize_t r, w;
	int i;

	for (i = 0; i < TTYCHAN_READS; i++) {
		r = read(tc->c.master, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			log_perr(LG_PHYS, "[%s] %s: pty read", tc->l->name,
			    tc->tag);
			ttychan_fail(tc, "pty read failed");
			return;
		}
		for (off = 0; off < (size_t)r; off += used) {
			used = hdlc_decode(&tc->dec, buf + off,
			    (size_t)r - off, &frame, &flen);
			if (frame == NULL)
				continue;
			w = tc_send(tc->sock, frame, flen);
			if (w < 0)
				tc->drops++;
		}
		if ((size_t)r < sizeof(buf))
			return;
	}
}

static void
ttychan_pty_read(int type, void *arg)
{
	struct ttychan *tc = arg;
	enum ttyppp_io io;
	size_t got;

	(void)type;
	if (tc->dgram) {
		ttychan_pty_frames(tc);
		return;
	}
	io = ttyppp_buf_fill(&tc->to_sock, tc->c.master, tc_read,
	    TTYCHAN_READS, &got);
	if (io == TTYPPP_IO_EOF || io == TTYPPP_IO_ERR) {
		log_perr(LG_PHYS, "[%s] %s: pty read", tc->l->name, tc->tag);
		ttychan_fail(tc, "pty read failed");
		return;
	}
	ttychan_pump_to_sock(tc);
}
