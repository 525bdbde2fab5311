/*
 * vj.h - Van Jacobson TCP/IP header compression (RFC 1144) as negotiated
 * by IPCP (RFC 1332 section 4: IP-Compression-Protocol 0x002d).
 *
 * Pure codec: no I/O, no globals, no logging.  A compressor and a
 * decompressor each keep up to VJ_MAX_SLOTS connection states; the caller
 * owns the state structs (they live in the bundle's IPCP state) and feeds
 * whole IPv4 packets in, one at a time, in order.
 *
 * Results come back as a struct vj_out: the frame to transmit (or the
 * datagram to deliver) is out.hdr[0..hdr_len) followed by the input bytes
 * from offset out.skip on.  The counters are those of `show ipcp`
 * ("VJ Compression:" block, surface spec 5.9).
 */
#ifndef MPD_PPP_VJ_H
#define MPD_PPP_VJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Connection slots; IPCP negotiates max-slot-id VJ_MAX_SLOTS - 1. */
#define VJ_MAX_SLOTS		16
#define VJ_MIN_SLOTS		4	/* fewest slots we agree to */
/* Longest TCP/IP header handled: 60 bytes of IP plus 60 of TCP. */
#define VJ_MAX_HDR		128

/* What a frame carries; maps to PPP protocols 0x0021/0x002f/0x002d. */
enum vj_type {
	VJ_TYPE_IP = 0,		/* plain IP datagram */
	VJ_TYPE_UNCOMP,		/* Uncompressed-TCP: protocol byte = slot */
	VJ_TYPE_COMP,		/* Compressed-TCP */
};

/* One remembered TCP/IP header. */
struct vj_slot {
	uint8_t		hdr[VJ_MAX_HDR];
	uint8_t		hlen;		/* IP + TCP header bytes kept */
	bool		used;
};

/* Sender side. */
struct vj_comp {
	struct vj_slot	slot[VJ_MAX_SLOTS];
	uint8_t		lru[VJ_MAX_SLOTS];	/* slot numbers, newest first */
	int		nslots;
	bool		comp_cid;	/* peer lets us omit the slot id */
	int		last_xmit;	/* slot of the last frame, -1 none */
	/* counters (show ipcp) */
	unsigned	out_comp;	/* "Out comp": sent compressed */
	unsigned	out_total;	/* "Out total": compressible TCP */
	unsigned	misses;		/* "Missed": new connection state */
	unsigned	searches;	/* "Searched": extra slot compares */
};

/* Receiver side. */
struct vj_decomp {
	struct vj_slot	slot[VJ_MAX_SLOTS];
	int		nslots;
	int		last_recv;	/* slot of the last frame, -1 none */
	bool		toss;		/* discard until a slot id arrives */
	/* counters (show ipcp) */
	unsigned	in_comp;	/* "In comp" */
	unsigned	in_uncomp;	/* "In uncomp" */
	unsigned	in_error;	/* "In error": malformed / unknown slot */
	unsigned	in_tossed;	/* "In tossed": dropped after an error */
};

/* Frame = hdr[0..hdr_len) + input[skip..]. */
struct vj_out {
	uint8_t		hdr[VJ_MAX_HDR];
	size_t		hdr_len;
	size_t		skip;
};

/*
 * Reset c for a new IPCP session.  max_slot_id is what the peer asked
 * for (number of slots - 1), clamped to what we support; comp_cid is the
 * peer's Comp-Slot-Id flag.  Counters are zeroed.
 */
void	vj_comp_init(struct vj_comp *c, int max_slot_id, bool comp_cid);
/*
 * Compress the IPv4 packet pkt[0..len).  Returns VJ_TYPE_IP (send as is;
 * out->hdr_len = out->skip = 0) for anything that is not a compressible
 * TCP segment, else VJ_TYPE_UNCOMP or VJ_TYPE_COMP with out filled in.
 * out->hdr_len never exceeds out->skip, so the caller may rewrite the
 * front of its buffer in place.
 */
enum vj_type vj_compress(struct vj_comp *c, const uint8_t *pkt, size_t len,
	    struct vj_out *out);

/*
 * Reset d (all slots unknown, toss state on as RFC 1144 requires until
 * the first explicit slot id).  max_slot_id as for vj_comp_init, but the
 * value we asked the peer to use.
 */
void	vj_decomp_init(struct vj_decomp *d, int max_slot_id);
/*
 * Rebuild the datagram carried by a VJ_TYPE_UNCOMP or VJ_TYPE_COMP frame
 * in[0..len).  Returns 0 with out filled in (the datagram is out->hdr
 * followed by in[out->skip..len)), or -1 when the frame is malformed
 * (counted as "In error", toss state set) or dropped because of an
 * earlier error ("In tossed").
 */
int	vj_uncompress(struct vj_decomp *d, enum vj_type type,
	    const uint8_t *in, size_t len, struct vj_out *out);
/*
 * A frame was lost on the link (bad FCS, sequence gap): compressed frames
 * without a slot id are tossed until one with an explicit id arrives.
 */
void	vj_decomp_error(struct vj_decomp *d);

#endif /* MPD_PPP_VJ_H */
