/*
 * tun.c - the user-space data plane: one TUN device per bundle
 * (DESIGN.md 2, "tun").
 *
 * The bundle's interface (ngN, or its `set iface name`) is a TUN device
 * opened with IFF_TUN | IFF_NO_PI, so every read() returns one bare IPv4
 * or IPv6 packet and every write() injects one.  The descriptor is
 * non-blocking and read on the event loop in bounded batches; packets go
 * up to the interface layer's upcalls (dp.h) into mbufs that keep
 * MBUF_HEADROOM free in front for the PPP and tunnel headers.
 *
 * Checksums: no offloads are requested (no TUNSETOFFLOAD features, no
 * IFF_VNET_HDR), so the kernel completes TCP/UDP checksums before it
 * hands a packet to us (a veth peer may send CHECKSUM_PARTIAL skbs; they
 * are finished in software on the way into the TUN), and what we write
 * is exactly what the peer sent, with complete checksums.
 *
 * `tcpmssfix` is applied here in both directions (ippkt.h).  Closing the
 * descriptor removes the device together with its addresses and routes;
 * that close() blocks for an RCU barrier, so closer threads do it
 * (core/fdclose.h) and the name stays taken until they have.
 */
#include "dp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/fdclose.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/bund.h"
#include "../sys/netif.h"
#include "ippkt.h"

/* Packets read per wake-up before yielding to other events. */
#define TUN_BATCH	64

struct tun_state {
	int		 fd;
	int		 ifindex;
	struct event	 ev;
	bool		 started;
	bool		 demand;
	int		 mtu;
	uint16_t	 mss4, mss6;	/* tcpmssfix limits, 0 = off */
	bool		 read_err_logged;
	struct dp_stats	 st;
};

static struct tun_state *
tun_of(const struct bund *b)
{
	return b->dp_state;
}

/* Receive buffer size for the current MTU. */
static size_t
tun_bufsize(const struct tun_state *s)
{
	return s->mtu > 1500 ? (size_t)s->mtu : 1500;
}

/* One packet from the host: to the peer, the demand logic or the bin. */
static void
tun_from_host(struct bund *b, struct tun_state *s, struct mbuf *m)
{
	const struct dp_upcalls *up = dp_upcalls();

	if (s->started && up != NULL && up->output != NULL) {
		s->st.out_packets++;
		s->st.out_octets += m->len;
		if (s->mss4 != 0 || s->mss6 != 0)
			ippkt_mss_clamp(m->data, m->len, s->mss4, s->mss6);
		up->output(b, m);
	} else if (s->demand && up != NULL && up->demand != NULL) {
		up->demand(b, m);
	} else {
		/* Interface not ready (IPv6 ND noise and the like). */
		s->st.drops++;
		mb_free(m);
	}
}

static void
tun_read(int type, void *arg)
{
	struct bund *b = arg;
	struct tun_state *s = tun_of(b);
	struct mbuf *m;
	size_t cap;
	ssize_t n;
	int i;

	(void)type;
	for (i = 0; i < TUN_BATCH && s != NULL && s->fd >= 0; i++) {
		cap = tun_bufsize(s);
		/* One spare byte detects a packet larger than expected. */
		m = mb_alloc(cap + 1);
		n = read(s->fd, m->data, cap + 1);
		if (n <= 0) {
			mb_free(m);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN && !s->read_err_logged) {
				log_perr(LG_ERR, "[%s] IFACE: read from %s",
				    b->name, b->iface.ifname);
				s->read_err_logged = true;
			}
			break;
		}
		if ((size_t)n > cap) {
			s->st.drops++;
			mb_free(m);
			continue;
		}
		m->len = (size_t)n;
		tun_from_host(b, s, m);
		/* The upcall never frees the bundle (deferred destruction). */
		s = tun_of(b);
	}
}

static int
tun_bund_create(struct bund *b)
{
	struct tun_state *s;
	struct ifreq ifr;
	int fd, err;

	if (b->dp_state != NULL)
		return 0;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	/* A new device only: never adopt a persistent one of that name. */
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL);
	util_strlcpy(ifr.ifr_name, b->iface.ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	/* No checksum or segmentation offloads: packets stay complete. */
	(void)ioctl(fd, TUNSETOFFLOAD, 0UL);
	/*
	 * IPv6 stays off until IPv6CP brings an address (iface_run.c):
	 * an IPv4-only session then costs the kernel no IPv6 routes.
	 */
	(void)netif_set_ipv6(ifr.ifr_name, false);
	s = mem_alloc("tun", sizeof(*s));
	s->fd = fd;
	s->mtu = 1500;
	s->ifindex = netif_ifindex(ifr.ifr_name);
	if (s->ifindex <= 0 || event_register(&s->ev, EV_READ, fd,
	    EVF_RECURRING, tun_read, b) < 0) {
		mem_free(s);
		goto fail;
	}
	b->dp_state = s;
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static void
tun_bund_destroy(struct bund *b)
{
	struct tun_state *s = tun_of(b);

	if (s == NULL)
		return;
	event_unregister(&s->ev);
	/* close() waits for the kernel to unregister the device */
	fd_close_async(s->fd);
	mem_free(s);
	b->dp_state = NULL;
}

static int
tun_rename(struct bund *b, const char *name)
{
	struct tun_state *s = tun_of(b);

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	/*
	 * Kernels before live renaming refuse while the interface is up
	 * (EBUSY); the caller retries when it is down.  Taking it down here
	 * would flush its routes.
	 */
	return netif_rename(s->ifindex, name);
}

static int
tun_start(struct bund *b)
{
	struct tun_state *s = tun_of(b);

	if (s == NULL) {
		errno = ENODEV;
		return -1;
	}
	s->started = true;
	return 0;
}

static void
tun_stop(struct bund *b)
{
	struct tun_state *s = tun_of(b);

	if (s != NULL)
		s->started = false;
}

static void
tun_deliver(struct bund *b, struct mbuf *m)
{
	struct tun_state *s = tun_of(b);
	ssize_t n;

	if (s == NULL) {
		mb_free(m);
		return;
	}
	if (!s->started || m->len == 0) {
		s->st.drops++;
		mb_free(m);
		return;
	}
	if (s->mss4 != 0 || s->mss6 != 0)
		ippkt_mss_clamp(m->data, m->len, s->mss4, s->mss6);
	do {
		n = write(s->fd, m->data, m->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != m->len) {
		/* EAGAIN (queue full), EINVAL (not IP): dropped. */
		s->st.drops++;
	} else {
		s->st.in_packets++;
		s->st.in_octets += m->len;
	}
	mb_free(m);
}

static void
tun_stats(const struct bund *b, struct dp_stats *st)
{
	const struct tun_state *s = tun_of(b);

	if (s == NULL)
		memset(st, 0, sizeof(*st));
	else
		*st = s->st;
}

static int
tun_ifindex(const struct bund *b)
{
	const struct tun_state *s = tun_of(b);

	return s != NULL ? s->ifindex : 0;
}

static void
tun_config(struct bund *b, int mtu, bool tcpmssfix)
{
	struct tun_state *s = tun_of(b);

	if (s == NULL)
		return;
	s->mtu = mtu > 0 ? mtu : 1500;
	s->mss4 = tcpmssfix ? ippkt_mss_for_mtu(s->mtu, false) : 0;
	s->mss6 = tcpmssfix ? ippkt_mss_for_mtu(s->mtu, true) : 0;
}

static void
tun_demand(struct bund *b, bool on)
{
	struct tun_state *s = tun_of(b);

	if (s != NULL)
		s->demand = on;
}

const struct dp_ops dp_tun = {
	.name = "tun",
	.bund_create = tun_bund_create,
	.bund_destroy = tun_bund_destroy,
	.rename = tun_rename,
	.start = tun_start,
	.stop = tun_stop,
	.deliver = tun_deliver,
	.stats = tun_stats,
	.ifindex = tun_ifindex,
	.config = tun_config,
	.demand = tun_demand,
};
