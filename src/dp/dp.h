/*
 * dp.h - the data-plane backends behind one ops table (DESIGN.md 2).
 *
 * A backend owns the bundle's network interface (ngN) and moves IP
 * packets between it and the PPP side.  The tun backend (dp/tun.c) does
 * it in user space through a TUN device; the kernel backend (/dev/ppp,
 * later) hands the work to ppp_generic.  Only dp/ knows the difference:
 * the PPP layers call these operations through b->dp.
 */
#ifndef MPD_DP_DP_H
#define MPD_DP_DP_H

#include <stdbool.h>
#include <stdint.h>

struct bund;
struct mbuf;

struct dp_stats {
	uint64_t	in_octets, in_packets;	/* from the peer to the host */
	uint64_t	out_octets, out_packets;/* from the host to the peer */
	uint64_t	drops;
};

struct dp_ops {
	const char	*name;			/* "tun", "kernel" */
	/* Create the bundle's interface (named b->iface.ifname). */
	int		(*bund_create)(struct bund *b);
	/* Remove it. */
	void		(*bund_destroy)(struct bund *b);
	/*
	 * Rename the interface (`set iface name`).  May fail with EBUSY while
	 * the interface is up (kernels without live renaming).
	 */
	int		(*rename)(struct bund *b, const char *name);
	/* Start / stop moving packets (interface up / down). */
	int		(*start)(struct bund *b);
	void		(*stop)(struct bund *b);
	/* Deliver an IP/IPv6 packet from the peer to the host; consumes m. */
	void		(*deliver)(struct bund *b, struct mbuf *m);
	/* Traffic counters (idle detection, show, accounting). */
	void		(*stats)(const struct bund *b, struct dp_stats *st);
	/* Interface index (0 if none). */
	int		(*ifindex)(const struct bund *b);
	/*
	 * Per-session tuning: the interface MTU (sizes receive buffers) and
	 * whether TCP MSS clamping (`tcpmssfix`) is done in both directions
	 * with limits derived from that MTU.
	 */
	void		(*config)(struct bund *b, int mtu, bool tcpmssfix);
	/*
	 * Dial-on-demand: while on and not started, packets the host sends
	 * go to the demand upcall instead of being dropped.
	 */
	void		(*demand)(struct bund *b, bool on);
};

/*
 * Upcalls into the layer above, registered once at start-up by the
 * interface layer (iface_layer_init()), so that dp/ links against
 * nothing in ppp/.  Both consume m.
 *  output: a packet the host sent while the backend is started (the
 *          interface layer passes bund_output);
 *  demand: a packet the host sent while in demand mode.
 */
typedef void dp_packet_fn(struct bund *b, struct mbuf *m);
struct dp_upcalls {
	dp_packet_fn	*output;
	dp_packet_fn	*demand;
};
/* Register the upcalls (u must stay valid; NULL unregisters). */
void	dp_set_upcalls(const struct dp_upcalls *u);
/* The registered upcalls, or NULL. */
const struct dp_upcalls *dp_upcalls(void);

extern const struct dp_ops dp_tun;

/*
 * The backend for a new bundle.  Always the tun backend for now; the
 * kernel backend (/dev/ppp) will be chosen here when it exists, the
 * machine has /dev/ppp and nothing negotiated needs user space.
 */
const struct dp_ops *dp_select(const struct bund *b);

#endif /* MPD_DP_DP_H */
