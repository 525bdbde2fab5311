/*
 * deflate.h - PPP Deflate compression (RFC 1979, CCP option 26) through
 * zlib raw streams, one direction per struct.  Pure codec over caller
 * buffers; the CCP runtime (ccp_run.c) owns the states.
 *
 * Frame (after PPP protocol 0x00FD): 2-byte sequence number, then the
 * deflated protocol field (1 byte when PFC-compressible) and data, ended
 * by a sync flush whose trailing 00 00 FF FF is not sent.
 */
#ifndef MPD_PPP_DEFLATE_H
#define MPD_PPP_DEFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define DEFLATE_MIN_WBITS	9	/* zlib refuses raw windows of 2^8 */
#define DEFLATE_MAX_WBITS	15

struct deflate_stats {
	uint64_t	frames, octets_in, octets_out;
	uint64_t	comp_frames, uncomp_frames, errors;
};

struct deflate_dir {
	z_stream	 z;
	bool		 ready;		/* z initialised */
	bool		 tx;
	int		 wbits;
	uint16_t	 seq;
	struct deflate_stats st;
};

/* Initialise one direction with window 2^wbits (9..15).  0 or -1. */
int	deflate_dir_init(struct deflate_dir *d, int wbits, bool tx);
/* Release zlib memory.  Idempotent. */
void	deflate_dir_fini(struct deflate_dir *d);
/* Reset-Request / Reset-Ack: empty history, sequence 0. */
void	deflate_dir_reset(struct deflate_dir *d);

/*
 * Compress proto + data into out (outmax).  Returns the frame length, or
 * 0 when it did not shrink: send the frame uncompressed (the peer adds it
 * to its history, see deflate_incomp), or -1 on a zlib error (reset).
 */
int	deflate_encode(struct deflate_dir *d, uint16_t proto,
	    const uint8_t *data, size_t len, uint8_t *out, size_t outmax);

enum deflate_rx {
	DEFLATE_RX_OK,
	DEFLATE_RX_RESET,	/* bad sequence or data: Reset-Request */
	DEFLATE_RX_BAD,		/* too short or too long */
};

/* Decompress one frame into *proto and out.  Bounds-checked. */
enum deflate_rx deflate_decode(struct deflate_dir *d, const uint8_t *in,
	    size_t len, uint16_t *proto, uint8_t *out, size_t outmax,
	    size_t *olen);
/*
 * An uncompressed frame (protocol < 0x4000) arrived while decompressing:
 * add it to the history as the sender's compressor did (RFC 1979 2.2).
 * Returns 0 or -1 (history lost: reset).
 */
int	deflate_incomp(struct deflate_dir *d, uint16_t proto,
	    const uint8_t *data, size_t len);

#endif /* MPD_PPP_DEFLATE_H */
