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
#include <stddef.h>
#include <stdint.h>

struct bund;
struct mbuf;

struct dp_stats {
	uint64_t	in_octets, in_packets;	/* from the peer to the host */
	uint64_t	out_octets, out_packets;/* from the host to the peer */
	uint64_t	drops;
};

/* One direction of a kernel compressor (struct compstat of ppp_generic). */
struct dp_ccp_dir {
	uint64_t	unc_bytes, unc_packets;	/* plain side */
	uint64_t	comp_bytes, comp_packets;/* compressed side */
	uint64_t	inc_bytes, inc_packets;	/* sent/received as is */
};
struct dp_ccp_stats {
	struct dp_ccp_dir	xmit, recv;
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
	/* ---- multilink (kmp) ---- */
	/*
	 * A link joined (true) or is leaving (false) b while the bundle may
	 * be carrying traffic; chfd is the link's kernel channel descriptor
	 * (-1: none).  NULL for backends with nothing to do.
	 */
	void		(*link)(struct bund *b, int chfd, bool joined);
	/* ---- CCP in the kernel (kernel backend; NULL in tun) ---- */
	/*
	 * Send a bundle-level frame (NCP, CCP: payload after the protocol
	 * field) through the data plane, so that the kernel sees CCP
	 * Configure-Acks pass and compresses NCP frames as the peer expects.
	 * Connects the links' channels first if they are not.  Returns 0
	 * (m consumed) or -1 (m untouched: send it on the link).
	 */
	int		(*xmit)(struct bund *b, uint16_t proto, struct mbuf *m);
	/* The unit's SC_CCP_OPEN / SC_CCP_UP flags. */
	int		(*ccp_flags)(struct bund *b, bool open, bool up);
	/*
	 * Allocate the kernel compressor (transmit) or decompressor from a
	 * PPPIOCSCOMPRESS option (sys/pppdev.h builders).  0 or -1 (errno).
	 */
	int		(*ccp_set)(struct bund *b, const uint8_t *opt, size_t len,
			    bool transmit);
	/* The kernel (de)compressor counters (SIOCGPPPCSTATS). */
	int		(*ccp_stats)(const struct bund *b,
			    struct dp_ccp_stats *st);
	/*
	 * Ask the plain_ok upcall again whether IP/IPv6 may cross b and let
	 * the kernel pass or drop them (both ways) accordingly; NULL where
	 * the layer above filters every packet itself (tun).
	 */
	void		(*np_sync)(struct bund *b);
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
	/* ---- kernel backend (dp/kernel.c) ---- */
	/*
	 * control: a frame the kernel queued on the bundle's unit (IPCP,
	 *          CCP, ...: protocol field first), for the bundle's input;
	 * chans:   the kernel channel descriptors of the bundle's joined
	 *          links into fds[0..max) (-1: a link without one); returns
	 *          how many links there are;
	 * links_ok: whether every link that may join b has a kernel channel
	 *          type; if not, why (a phrase) into why[0..len);
	 * plain_ok: whether IP/IPv6 may cross b unencrypted now (false
	 *          while `crypt-reqd` waits for encryption).
	 */
	dp_packet_fn	*control;
	int		(*chans)(struct bund *b, int *fds, int max);
	bool		(*links_ok)(const struct bund *b, char *why, size_t len);
	bool		(*plain_ok)(const struct bund *b);
};
/* Register the upcalls (u must stay valid; NULL unregisters). */
void	dp_set_upcalls(const struct dp_upcalls *u);
/* The registered upcalls, or NULL. */
const struct dp_upcalls *dp_upcalls(void);

extern const struct dp_ops dp_tun;
extern const struct dp_ops dp_kernel;

/* ---- backend choice (kernel helper's block) ---- */

/* `set global dataplane auto|kernel|tun` */
enum dp_mode {
	DP_MODE_AUTO = 0,
	DP_MODE_KERNEL,
	DP_MODE_TUN,
};
void		dp_set_mode(enum dp_mode mode);
enum dp_mode	dp_get_mode(void);
const char	*dp_mode_name(enum dp_mode mode);
/* Parse "auto" / "kernel" / "tun"; -1 for anything else. */
int		dp_mode_parse(const char *s);

/*
 * Whether sessions should get kernel channels: the mode is not tun and
 * /dev/ppp opens (probed once).
 */
bool		dp_kernel_usable(void);

/*
 * The pure policy: the backend for a bundle given the mode, the result
 * of opening /dev/ppp (0 or an errno) and whether its links can all be
 * kernel channels (links_why says why not).  why[0..len) receives the
 * text `show iface` prints after the backend name (doc/DIFFERENCES.md).
 */
const struct dp_ops *dp_policy(enum dp_mode mode, int ppp_errno,
		    bool links_ok, const char *links_why, char *why,
		    size_t len);

/*
 * The backend for a new bundle (dp_policy() on this machine); the
 * reason goes to b->dp_why.
 */
const struct dp_ops *dp_select(struct bund *b);

/* ---- CCP in the kernel (kccp) ---- */

/* CCP option types (RFC 1962 registry) the policy below knows. */
#define DP_CCP_PRED1		1
#define DP_CCP_MPPC		18
#define DP_CCP_DEFLATE_DRAFT	24
#define DP_CCP_DEFLATE		26

/*
 * Whether ppp_generic's compressors (ppp_mppe, ppp_deflate) can run one
 * direction of what CCP negotiated: type (0: nothing), for option 18 the
 * 32 bits of RFC 3078 2.2, for Deflate the window (bits).  MPPE 40/128
 * stateless or stateful without the MPPC bit, and Deflate with windows
 * 2^9..2^15, are kernel work; MPPC, 56-bit MPPE and Predictor-1 are not
 * (why[0..len) then says so, e.g. "MPPC negotiated").  Pure.
 */
bool	dp_ccp_kernel_ok(int type, uint32_t mppc_bits, int wbits, char *why,
	    size_t len);

#endif /* MPD_DP_DP_H */
