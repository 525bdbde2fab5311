/*
 * hdlc.h - PPP in HDLC-like framing, asynchronous (octet-stuffed) form
 * (RFC 1662 sections 3, 4, 7 and appendix C).
 *
 * A pure codec: no sockets, no logging, no allocation.  The encoder turns
 * one PPP frame (address/control, when present, through the information
 * field) into flag + stuffed bytes + stuffed FCS-16 + flag.  The decoder is
 * a small state machine fed with arbitrary chunks of a byte stream; it
 * hands back each complete frame whose FCS checks, without the FCS, and
 * counts what it drops (bad FCS, runts, overlong frames, aborts).
 *
 * Used by the tcp and modem device types (link/tcp.c, link/modem.c).
 */
#ifndef MPD_LINK_HDLC_H
#define MPD_LINK_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HDLC_FLAG		0x7e	/* frame delimiter */
#define HDLC_ESCAPE		0x7d	/* control escape */
#define HDLC_XOR		0x20	/* escaped octet = octet ^ 0x20 */
#define HDLC_FCS_INIT		0xffff	/* FCS-16 initial value */
#define HDLC_FCS_GOOD		0xf0b8	/* FCS-16 over data + FCS, no error */
#define HDLC_FCS_LEN		2
/* The ACCM before LCP negotiated one: escape every control octet. */
#define HDLC_ACCM_DEFAULT	0xffffffffu
/* Smallest valid frame: address, control and FCS (RFC 1662 4.3). */
#define HDLC_MIN_FRAME		4

/*
 * Bytes hdlc_encode() needs at most for a frame of len bytes: two flags
 * and every octet, FCS included, escaped.
 */
#define HDLC_ENCODED_MAX(len)	(2 + 2 * ((size_t)(len) + HDLC_FCS_LEN))
/* Decoder storage for frames of up to max bytes (FCS excluded). */
#define HDLC_DECODER_BUF(max)	((size_t)(max) + HDLC_FCS_LEN)

/*
 * Run the FCS-16 of RFC 1662 over p[0..len-1], starting from fcs
 * (HDLC_FCS_INIT for a new frame).  The transmitted FCS is the one's
 * complement of the result, low octet first; running the function over
 * a frame and its received FCS yields HDLC_FCS_GOOD when both are intact.
 * Pure and thread-safe.
 */
uint16_t hdlc_fcs16(uint16_t fcs, const uint8_t *p, size_t len);

/*
 * Encode one frame (frame[0..len-1]) into out, escaping the control
 * octets 0x00-0x1f whose bit is set in accm (bit n for octet n) and
 * always 0x7d and 0x7e.  Returns the number of bytes written, or 0 when
 * out_len is too small (HDLC_ENCODED_MAX(len) always suffices).  Pure.
 */
size_t	hdlc_encode(const uint8_t *frame, size_t len, uint32_t accm,
	    uint8_t *out, size_t out_len);

/*
 * The ACCM to send frame[0..len) with: every control octet escaped until
 * LCP is opened, then the map the peer asked for (peer_accm), except for
 * LCP Configure/Terminate/Code-Reject packets (codes 1-7), which keep
 * the default map as pppd does, so that a peer renegotiating from
 * scratch can read them.  The frame may start with address/control.
 * Pure.
 */
uint32_t hdlc_frame_accm(bool lcp_opened, uint32_t peer_accm,
	    const uint8_t *frame, size_t len);

/* What a decoder saw; mpd5's "Async stats" names in the comments. */
struct hdlc_stats {
	uint64_t	octets;		/* asyncOctets: bytes fed */
	uint64_t	frames;		/* asyncFrames: good frames */
	uint64_t	runts;		/* asyncRunts: < HDLC_MIN_FRAME */
	uint64_t	overflows;	/* asyncOverflows: longer than max */
	uint64_t	bad_fcs;	/* asyncBadCheckSums */
	uint64_t	aborts;		/* 0x7d 0x7e abort sequences */
};

/*
 * Streaming decoder.  The frame buffer belongs to the caller and must
 * outlive the decoder; a frame returned by hdlc_decode() points into it
 * and stays valid until the next call.
 */
struct hdlc_decoder {
	uint8_t			*buf;
	size_t			 cap;		/* buf size: max frame + FCS */
	size_t			 len;		/* octets of this frame */
	uint32_t		 accm;		/* receive ACCM (see below) */
	bool			 escape;	/* last octet was 0x7d */
	bool			 toss;		/* overlong: skip to a flag */
	struct hdlc_stats	 stats;
};

/*
 * Set up d over buf (size bytes, at least HDLC_FCS_LEN + 1): frames of up
 * to size - HDLC_FCS_LEN octets are accepted.  The receive ACCM starts at
 * 0: over an 8-bit clean byte stream (TCP) no received control octet is
 * dropped.  A caller may set d->accm to discard unescaped control octets
 * as RFC 1662 7.1 describes for links with DCE-inserted characters.
 */
void	hdlc_decoder_init(struct hdlc_decoder *d, uint8_t *buf, size_t size);

/*
 * Forget a partial frame (for a new connection); statistics are kept.
 */
void	hdlc_decoder_reset(struct hdlc_decoder *d);

/*
 * Feed in[0..len-1].  Consumes bytes up to and including the flag that
 * ends the first complete frame with a good FCS, sets *frame / *frame_len
 * to it (FCS stripped) and returns the number of bytes consumed.  When no
 * good frame completes, consumes everything and sets *frame to NULL.
 * Callers loop until all input is consumed.  Bad frames are counted in
 * d->stats and dropped.  Pure.
 */
size_t	hdlc_decode(struct hdlc_decoder *d, const uint8_t *in, size_t len,
	    const uint8_t **frame, size_t *frame_len);

#endif /* MPD_LINK_HDLC_H */
