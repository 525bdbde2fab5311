/*
 * kernel.c - the kernel data-plane backend: the bundle's interface is a
 * ppp_generic unit (/dev/ppp, PPPIOCNEWUNIT) renamed to its ngN name,
 * and the links' kernel channels (PPPoE: AF_PPPOX sockets, opened by
 * link/pppoe.c) are connected to it (PPPIOCCONNECT) when the bundle
 * sends its first control frame (network phase), so IP packets never
 * reach user space (DESIGN.md 2; Linux Documentation/networking/
 * ppp_generic).
 *
 * Control frames the kernel queues on the unit (IPCP, IPv6CP, CCP) are
 * read here and handed to the bundle through the `control` upcall; the
 * bundle's own control frames are written to the unit (`xmit`), so that
 * ppp_generic sees CCP's Configure-Acks and runs MPPE/Deflate in its
 * compressors (ppp_mppe, ppp_deflate: `ccp_flags`, `ccp_set`, driven by
 * ppp/ccp_run.c).  LCP and authentication stay on the channels
 * (link/pppoe.c reads them).  Counters come from the kernel
 * (SIOCGPPPSTATS, SIOCGPPPCSTATS).  Closing the unit descriptor destroys
 * the interface with its addresses and routes, so a daemon killed with
 * SIGKILL leaves no unit behind.
 */
#include "dp.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <linux/if_ppp.h>

#include "../core/event.h"
#include "../core/fdclose.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/bund.h"
#include "../ppp/link.h"
#include "../sys/netif.h"
#include "../sys/pppdev.h"

#define KDP_MAX_CHANS	32
#define KDP_FRAME_MAX	65538

struct kdp_state {
	int		 fd;		/* unit descriptor */
	int		 unit;
	int		 ifindex;
	struct event	 ev;
	bool		 started;	/* channels connected */
	bool		 demand;
	int		 np_pass;	/* IP NP mode: -1 unset, 0 held, 1 pass */
	uint64_t	 drops;
};

static struct kdp_state *
kdp_of(const struct bund *b)
{
	return b->dp == &dp_kernel ? b->dp_state : NULL;
}

static void kdp_poll(struct bund *b, struct kdp_state *s, bool on);
static void kdp_np_sync(struct bund *b);

/* A control frame queued on the unit: to the bundle. */
static void
kdp_read(int type, void *arg)
{
	struct bund *b = arg;
	struct kdp_state *s = kdp_of(b);
	const struct dp_upcalls *up = dp_upcalls();
	struct mbuf *m;
	ssize_t n;

	(void)type;
	if (s == NULL)
		return;
	m = mb_alloc(KDP_FRAME_MAX);
	do {
		n = read(s->fd, m->data, KDP_FRAME_MAX);
	} while (n < 0 && errno == EINTR);
	if (n == 0) {
		/*
		 * No channel left (the links closed theirs) or the unit is
		 * dead: ppp_generic reports end of file, and would forever.
		 * Polling starts again with the next connect.
		 */
		log_msg(LG_IFACE2, "[%s] IFACE: ppp unit %d has no channel",
		    b->name, s->unit);
		kdp_poll(b, s, false);
		s->started = false;
	}
	if (n < 2 || up == NULL || up->control == NULL) {
		mb_free(m);
		return;
	}
	m->len = (size_t)n;
	up->control(b, m);
}

static int
kdp_bund_create(struct bund *b)
{
	struct kdp_state *s;
	char kname[IFNAMSIZ];
	int fd, unit, idx, err;

	if (b->dp_state != NULL)
		return 0;
	/*
	 * Named ngN from the start.  Kernels before 4.7 (no rtnetlink "ppp"
	 * links) get pppN renamed: down and new, the rename cannot be
	 * refused for being busy.
	 */
	if (pppdev_unit_new_named(&pppdev_kernel_real, b->iface.ifname,
	    netif_ppp_create, &fd, &unit) == 0) {
		snprintf(kname, sizeof(kname), "%s", b->iface.ifname);
	} else {
		if (pppdev_unit_new(&pppdev_kernel_real, -1, &fd, &unit) < 0)
			return -1;
		snprintf(kname, sizeof(kname), "ppp%d", unit);
	}
	idx = netif_ifindex(kname);
	if (idx <= 0) {
		errno = ENODEV;
		goto fail;
	}
	if (strcmp(kname, b->iface.ifname) != 0 &&
	    netif_rename(idx, b->iface.ifname) < 0)
		goto fail;
	/*
	 * VJ: the kernel decompresses only with slots allocated; 16 each
	 * way covers what IPCP offers (mpd5 asks for 16).  Our own
	 * transmissions stay uncompressed (SC_COMP_TCP unset), which VJ
	 * allows.
	 */
	if (pppdev_set_vj_slots(&pppdev_kernel_real, fd, 16, 16) < 0)
		log_perr(LG_IFACE2, "[%s] IFACE: no VJ slots on ppp unit %d",
		    b->name, unit);
	s = mem_alloc("kernel-dp", sizeof(*s));
	s->fd = fd;
	s->unit = unit;
	s->ifindex = idx;
	s->np_pass = -1;
	/* polled from the first connect: without channels it reads EOF */
	b->dp_state = s;
	log_msg(LG_IFACE2, "[%s] IFACE: ppp unit %d is %s", b->name, unit,
	    b->iface.ifname);
	/* a new unit passes everything: hold IP now if crypt-reqd says so */
	kdp_np_sync(b);
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/*
 * Poll the unit descriptor only while a channel is connected: without
 * one, ppp_generic reports it readable and read() returns 0 (EOF).
 */
static void
kdp_poll(struct bund *b, struct kdp_state *s, bool on)
{
	if (!on)
		event_unregister(&s->ev);
	else if (!event_is_registered(&s->ev) &&
	    event_register(&s->ev, EV_READ, s->fd, EVF_RECURRING, kdp_read,
	    b) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't poll ppp unit %d", b->name,
		    s->unit);
}

/*
 * Disconnect the channels of the links still joined.  Descriptors are
 * asked for again, never remembered: a link that left has closed its
 * channel (the kernel disconnected it) and the number may be reused.
 */
static void
kdp_disconnect(struct bund *b, struct kdp_state *s)
{
	const struct dp_upcalls *up = dp_upcalls();
	int fds[KDP_MAX_CHANS];
	int i, n;

	n = up != NULL && up->chans != NULL ?
	    up->chans(b, fds, KDP_MAX_CHANS) : 0;
	for (i = 0; i < n && i < KDP_MAX_CHANS; i++) {
		if (fds[i] < 0)
			continue;
		if (pppdev_chan_disconnect(&pppdev_kernel_real, fds[i]) < 0)
			log_perr(LG_IFACE2, "[%s] IFACE: channel not disconnected "
			    "from ppp unit %d", b->name, s->unit);
		else
			log_msg(LG_IFACE2, "[%s] IFACE: channel (fd %d) "
			    "disconnected from ppp unit %d", b->name, fds[i],
			    s->unit);
	}
	s->started = false;
	kdp_poll(b, s, false);
}

/*
 * Give the ngN name back at once: the unit goes away only when a closer
 * thread has closed its descriptor, and a TUN device taking over the
 * bundle (a CCP fallback) wants the same name now.  Renaming needs the
 * interface down.
 */
static void
kdp_free_name(struct bund *b, struct kdp_state *s)
{
	char kname[IFNAMSIZ];

	snprintf(kname, sizeof(kname), "ppp%d", s->unit);
	if (strcmp(kname, b->iface.ifname) == 0)
		return;
	(void)netif_set_up(s->ifindex, false);
	if (netif_rename(s->ifindex, kname) < 0)
		log_perr(LG_IFACE2, "[%s] IFACE: can't rename %s back to %s",
		    b->name, b->iface.ifname, kname);
}

static void
kdp_bund_destroy(struct bund *b)
{
	struct kdp_state *s = kdp_of(b);

	if (s == NULL)
		return;
	kdp_disconnect(b, s);
	kdp_poll(b, s, false);
	kdp_free_name(b, s);
	/*
	 * The unit and its interface go with the descriptor, and close()
	 * waits for the kernel's RCU barrier: closer threads do it, as for
	 * TUN devices (core/fdclose.h).
	 */
	fd_close_async(s->fd);
	mem_free(s);
	b->dp_state = NULL;
}

static int
kdp_rename(struct bund *b, const char *name)
{
	struct kdp_state *s = kdp_of(b);

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	return netif_rename(s->ifindex, name);
}

/* ---- multilink (RFC 1990): unit set-up, links joining / leaving ---- */

/*
 * Multilink: the unit gets our MRRU and SC_MULTILINK with the sequence
 * formats LCP negotiated on the bundle's first link (the kernel then
 * fragments and reassembles); a single-link bundle gets the MP bits
 * cleared.  Before any channel is connected.
 */
static void
kdp_mp_setup(struct bund *b, struct kdp_state *s)
{
	const struct link *l = b->first_link;
	struct pppdev_neg n;

	memset(&n, 0, sizeof(n));
	if (b->peer_mrru != 0 && l != NULL) {
		n.multilink = true;
		n.shortseq_rx = l->lcp.want.shortseq;
		n.shortseq_tx = l->lcp.peer.shortseq;
		/* the MRRU we announced (mp.c's default when none) */
		n.mrru = l->lcp.want.mrru != 0 ? l->lcp.want.mrru : 2048;
	}
	if (pppdev_mp_setup(&pppdev_kernel_real, s->fd, &n) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't set up multilink on ppp "
		    "unit %d", b->name, s->unit);
		return;
	}
	if (n.multilink)
		log_msg(LG_IFACE2, "[%s] IFACE: ppp unit %d does multilink, "
		    "MRRU %u, %s/%s sequence numbers", b->name, s->unit,
		    (unsigned)n.mrru, n.shortseq_tx ? "short" : "long",
		    n.shortseq_rx ? "short" : "long");
}

/*
 * A link joined or leaves: its channel is connected to the unit (the
 * kernel's MP spreads fragments over it) or disconnected.  A multilink
 * bundle connects from its first link's join on, before any NCP frame:
 * the kernel's reassembly then sees the peer's sequence numbers from the
 * first (a gap left by fragments read in user space would stall it until
 * every link had received a later one).  A single-link bundle's channel
 * is connected by its first control frame (kdp_xmit) or kdp_start().
 */
static void
kdp_link(struct bund *b, int chfd, bool joined)
{
	struct kdp_state *s = kdp_of(b);
	const struct dp_upcalls *up = dp_upcalls();
	int fds[1];

	if (s == NULL || chfd < 0)
		return;
	if (!joined) {
		/* whether or not connected: EINVAL for one that is not */
		if (pppdev_chan_disconnect(&pppdev_kernel_real, chfd) == 0)
			log_msg(LG_IFACE2, "[%s] IFACE: a channel left ppp "
			    "unit %d", b->name, s->unit);
		else
			log_perr(LG_IFACE2, "[%s] IFACE: a leaving channel "
			    "(fd %d) was not on ppp unit %d", b->name, chfd,
			    s->unit);
		/* the last one: the unit would read as EOF */
		if (up == NULL || up->chans == NULL ||
		    up->chans(b, fds, 1) == 0)
			kdp_poll(b, s, false);
		return;
	}
	/* a single-link bundle connects with its first frame (kdp_xmit) */
	if (!s->started && b->peer_mrru == 0)
		return;
	if (!s->started)
		kdp_mp_setup(b, s);
	if (pppdev_chan_connect(&pppdev_kernel_real, chfd, s->unit) < 0 &&
	    errno != EINVAL) {
		log_perr(LG_ERR, "[%s] IFACE: can't connect a channel to ppp "
		    "unit %d", b->name, s->unit);
		return;
	}
	log_msg(LG_IFACE2, "[%s] IFACE: a channel joined ppp unit %d",
	    b->name, s->unit);
	s->started = true;
	kdp_poll(b, s, true);
}

/*
 * Connect every joined link's channel to the unit.  PPPIOCCONNECT
 * answers EINVAL for a channel already connected: counted as connected,
 * so this can run again whenever a frame must go through the unit.
 */
static int
kdp_connect(struct bund *b, struct kdp_state *s)
{
	const struct dp_upcalls *up = dp_upcalls();
	int fds[KDP_MAX_CHANS];
	int i, n, nconn = 0;

	/* MRRU and MP flags before the first frame crosses (read-modify-write) */
	if (!s->started)
		kdp_mp_setup(b, s);
	n = up != NULL && up->chans != NULL ?
	    up->chans(b, fds, KDP_MAX_CHANS) : 0;
	for (i = 0; i < n && i < KDP_MAX_CHANS; i++) {
		if (fds[i] < 0) {
			log_msg(LG_ERR, "[%s] IFACE: a link of %s has no kernel "
			    "channel", b->name, b->iface.ifname);
			continue;
		}
		if (pppdev_chan_connect(&pppdev_kernel_real, fds[i],
		    s->unit) < 0 && errno != EINVAL) {
			log_perr(LG_ERR, "[%s] IFACE: can't connect a channel "
			    "to ppp unit %d", b->name, s->unit);
			continue;
		}
		log_msg(LG_IFACE2, "[%s] IFACE: channel (fd %d) connected to "
		    "ppp unit %d", b->name, fds[i], s->unit);
		nconn++;
	}
	if (nconn == 0) {
		errno = ENOTCONN;
		return -1;
	}
	s->started = true;
	kdp_poll(b, s, true);
	return 0;
}

static int
kdp_start(struct bund *b)
{
	struct kdp_state *s = kdp_of(b);

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	return s->started ? 0 : kdp_connect(b, s);
}

/*
 * The interface goes down: the channels stay connected (CCP and the NCPs
 * still pass through the unit until the links close, which disconnects
 * them); the next frame sent connects whatever channel is new.
 */
static void
kdp_stop(struct bund *b)
{
	struct kdp_state *s = kdp_of(b);

	if (s != NULL)
		s->started = false;
}

/*
 * A packet that reached user space anyway (before the channels were
 * connected): the kernel offers no way to inject it as received.
 */
static void
kdp_deliver(struct bund *b, struct mbuf *m)
{
	struct kdp_state *s = kdp_of(b);

	if (s != NULL)
		s->drops++;
	mb_free(m);
}

static void
kdp_stats(const struct bund *b, struct dp_stats *st)
{
	/* one socket for every query (the idle timer asks each second) */
	static int fd = -1;
	const struct kdp_state *s = kdp_of(b);
	struct ppp_stats ps;
	struct ifreq ifr;

	memset(st, 0, sizeof(*st));
	if (s == NULL)
		return;
	st->drops = s->drops;
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)s->ifindex, ifr.ifr_name) == NULL)
		return;
	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&ps, 0, sizeof(ps));
	ifr.ifr_data = (char *)&ps;
	if (ioctl(fd, SIOCGPPPSTATS, &ifr) == 0) {
		st->in_octets = ps.p.ppp_ibytes;
		st->in_packets = ps.p.ppp_ipackets;
		st->out_octets = ps.p.ppp_obytes;
		st->out_packets = ps.p.ppp_opackets;
		st->drops += ps.p.ppp_ierrors + ps.p.ppp_oerrors;
	}
}

static int
kdp_ifindex(const struct bund *b)
{
	const struct kdp_state *s = kdp_of(b);

	return s != NULL ? s->ifindex : 0;
}

static void
kdp_config(struct bund *b, int mtu, bool tcpmssfix)
{
	struct kdp_state *s = kdp_of(b);

	if (s == NULL)
		return;
	/* the unit's receive size; the interface MTU is set by netif */
	if (mtu > 0)
		(void)pppdev_set_mru(&pppdev_kernel_real, s->fd, mtu);
	if (tcpmssfix)
		log_msg(LG_IFACE2, "[%s] IFACE: tcpmssfix is not done by the "
		    "kernel data plane", b->name);
}

static void
kdp_demand(struct bund *b, bool on)
{
	struct kdp_state *s = kdp_of(b);

	if (s != NULL)
		s->demand = on;
}

/*
 * IP and IPv6 cross the unit only while the layer above allows plain
 * frames (`crypt-reqd` before MPPE runs both ways): otherwise
 * ppp_generic drops them in both directions (NP mode not PASS), as the
 * tun path drops them in ccp_output()/ccp_input_data().
 */
static void
kdp_np_sync(struct bund *b)
{
	const struct dp_upcalls *up = dp_upcalls();
	struct kdp_state *s = kdp_of(b);
	int pass;

	if (s == NULL)
		return;
	pass = up == NULL || up->plain_ok == NULL || up->plain_ok(b);
	if (pass == s->np_pass)
		return;
	if (pppdev_set_npmode(&pppdev_kernel_real, s->fd, PPP_IP,
	    pass != 0) < 0 ||
	    pppdev_set_npmode(&pppdev_kernel_real, s->fd, PPP_IPV6,
	    pass != 0) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't set the NP mode of ppp "
		    "unit %d", b->name, s->unit);
		return;
	}
	/* an unset state that stays "pass" is the kernel's default: quiet */
	if (s->np_pass != -1 || !pass)
		log_msg(LG_IFACE2, "[%s] IFACE: ppp unit %d: IP frames %s",
		    b->name, s->unit, pass ? "pass" :
		    "held until encryption is up");
	s->np_pass = pass;
}

/* ---- CCP in the kernel (kccp) ---- */

/*
 * A bundle frame through the unit: the kernel peeks at CCP frames going
 * out (an outbound Configure-Ack starts its compressor) and compresses
 * the other NCP frames once CCP runs, as the peer expects.
 */
static int
kdp_xmit(struct bund *b, uint16_t proto, struct mbuf *m)
{
	struct kdp_state *s = kdp_of(b);
	uint8_t *p;
	ssize_t n;

	if (s == NULL || (!s->started && kdp_connect(b, s) < 0))
		return -1;
	if ((p = mb_prepend(m, 2)) == NULL)
		return -1;
	p[0] = (uint8_t)(proto >> 8);
	p[1] = (uint8_t)proto;
	do {
		n = write(s->fd, m->data, m->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't send a frame on ppp unit %d",
		    b->name, s->unit);
		s->drops++;
	}
	mb_free(m);
	return 0;
}

static int
kdp_ccp_flags(struct bund *b, bool open, bool up)
{
	struct kdp_state *s = kdp_of(b);
	int fl = 0;

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	if (pppdev_ccp_flags(&pppdev_kernel_real, s->fd, open, up) < 0)
		return -1;
	/* the kernel's view: SC_COMP_RUN/SC_DECOMP_RUN once the Acks passed */
	(void)pppdev_kernel_real.ioctl(s->fd, PPPIOCGFLAGS, &fl);
	log_msg(LG_IFACE2, "[%s] IFACE: ppp unit %d: CCP %s, flags 0x%x",
	    b->name, s->unit, !open ? "closed" : up ? "up" : "open", fl);
	return 0;
}

static int
kdp_ccp_set(struct bund *b, const uint8_t *opt, size_t len, bool transmit)
{
	struct kdp_state *s = kdp_of(b);

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	return pppdev_set_compress(&pppdev_kernel_real, s->fd, opt, len,
	    transmit);
}

static void
kdp_ccp_dir(struct dp_ccp_dir *d, const struct compstat *c)
{
	d->unc_bytes = c->unc_bytes;
	d->unc_packets = c->unc_packets;
	d->comp_bytes = c->comp_bytes;
	d->comp_packets = c->comp_packets;
	d->inc_bytes = c->inc_bytes;
	d->inc_packets = c->inc_packets;
}

static int
kdp_ccp_stats(const struct bund *b, struct dp_ccp_stats *st)
{
	const struct kdp_state *s = kdp_of(b);
	struct ppp_comp_stats cs;
	struct ifreq ifr;
	int fd, rc;

	memset(st, 0, sizeof(*st));
	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)s->ifindex, ifr.ifr_name) == NULL)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&cs, 0, sizeof(cs));
	ifr.ifr_data = (char *)&cs;
	rc = ioctl(fd, SIOCGPPPCSTATS, &ifr);
	close(fd);
	if (rc < 0)
		return -1;
	kdp_ccp_dir(&st->xmit, &cs.c);
	kdp_ccp_dir(&st->recv, &cs.d);
	return 0;
}

const struct dp_ops dp_kernel = {
	.name = "kernel",
	.bund_create = kdp_bund_create,
	.bund_destroy = kdp_bund_destroy,
	.rename = kdp_rename,
	.start = kdp_start,
	.stop = kdp_stop,
	.deliver = kdp_deliver,
	.stats = kdp_stats,
	.ifindex = kdp_ifindex,
	.config = kdp_config,
	.demand = kdp_demand,
	.link = kdp_link,
	.xmit = kdp_xmit,
	.ccp_flags = kdp_ccp_flags,
	.ccp_set = kdp_ccp_set,
	.ccp_stats = kdp_ccp_stats,
	.np_sync = kdp_np_sync,
};
