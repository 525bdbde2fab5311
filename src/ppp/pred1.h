/*
 * pred1.h - Predictor type 1 compression (RFC 1978, CCP option 1), one
 * direction per struct.  Pure codec over caller buffers.
 *
 * Frame (after PPP protocol 0x00FD): 2-byte length of the uncompressed
 * protocol field + data, its top bit set when the body is compressed,
 * then the body, then the FCS-16 (RFC 1662) of the uncompressed bytes,
 * least significant byte first.
 */
#ifndef MPD_PPP_PRED1_H
#define MPD_PPP_PRED1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRED1_TABLE	65536
#define PRED1_MAX	8192	/* largest uncompressed frame */

struct pred1_stats {
	uint64_t	frames, octets_in, octets_out;
	uint64_t	comp_frames, uncomp_frames, errors;
};

struct pred1_dir {
	uint8_t		table[PRED1_TABLE];
	uint16_t	hash;
	struct pred1_stats st;
};

/* Empty guess table (start, Reset-Request, Reset-Ack). */
void	pred1_reset(struct pred1_dir *d);
/* Encode proto + data into out; frame length or -1 when out is short. */
int	pred1_encode(struct pred1_dir *d, uint16_t proto, const uint8_t *data,
	    size_t len, uint8_t *out, size_t outmax);

enum pred1_rx { PRED1_RX_OK, PRED1_RX_RESET, PRED1_RX_BAD };
/* Decode one frame; RESET on a CRC or length mismatch.  Bounds-checked. */
enum pred1_rx pred1_decode(struct pred1_dir *d, const uint8_t *in,
	    size_t len, uint16_t *proto, uint8_t *out, size_t outmax,
	    size_t *olen);

#endif /* MPD_PPP_PRED1_H */
