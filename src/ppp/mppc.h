/*
 * mppc.h - Microsoft Point-to-Point Compression (RFC 2118): the LZ77
 * variant with an 8 KB history and a fixed bit code, as a pure codec over
 * caller buffers.  Framing (coherency count, flag bits) and encryption are
 * the business of mppe.c, which combines both in CCP option 18.
 */
#ifndef MPD_PPP_MPPC_H
#define MPD_PPP_MPPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MPPC_HIST_LEN		8192
#define MPPC_HASH_BITS		13

/* Compressor state: history and a hash of 3-byte strings.  Plain data. */
struct mppc_comp {
	uint8_t		hist[MPPC_HIST_LEN];
	uint16_t	hash[1u << MPPC_HASH_BITS];
	size_t		pos;		/* bytes of history in use */
};

/* Decompressor state. */
struct mppc_decomp {
	uint8_t		hist[MPPC_HIST_LEN];
	size_t		pos;
};

/* Result flags of mppc_compress (RFC 2118 header bits A, B, C). */
#define MPPC_F_FLUSHED		0x80	/* A: history was reset */
#define MPPC_F_FRONT		0x40	/* B: packet at front of history */
#define MPPC_F_COMP		0x20	/* C: payload is compressed */

/* Forget all history (both ends do it when FLUSHED is signalled). */
void	mppc_comp_reset(struct mppc_comp *c);
void	mppc_decomp_reset(struct mppc_decomp *d);

/*
 * Compress in/len into out (room outmax).  Returns the compressed length
 * with *flags |= MPPC_F_COMP (and MPPC_F_FRONT when the history wrapped),
 * or 0 when the data does not shrink: the caller then sends it as is and
 * the history has been reset, so the caller must set MPPC_F_FLUSHED on
 * its next packet.  len must be <= MPPC_HIST_LEN.  Pure over c.
 */
size_t	mppc_compress(struct mppc_comp *c, const uint8_t *in, size_t len,
	    uint8_t *out, size_t outmax, uint8_t *flags);
/*
 * Decompress one packet with header flags (MPPC_F_*) into out (room
 * outmax).  FLUSHED resets the history first; a packet without
 * MPPC_F_COMP is copied as is and leaves the history alone.  Returns the
 * decompressed length, or -1 on a malformed packet (bad code, offset
 * before the history, history or output overflow).  Bounds-checked, pure
 * over d.
 */
int	mppc_decompress(struct mppc_decomp *d, uint8_t flags,
	    const uint8_t *in, size_t len, uint8_t *out, size_t outmax);

#endif /* MPD_PPP_MPPC_H */
