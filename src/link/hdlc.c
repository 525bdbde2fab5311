/*
 * hdlc.c - asynchronous HDLC-like framing for PPP: octet stuffing with an
 * Async-Control-Character-Map and the 16-bit frame check sequence
 * (RFC 1662 sections 3.1, 4.1-4.3, 7.1 and appendix C).
 *
 * Provides the framing of the tcp device type (spec 4.6.4, 10.7: "TCP
 * carries async-HDLC-framed PPP").  Everything here is pure: the encoder
 * writes into a caller buffer, the decoder works over caller storage and
 * never allocates, so both can be fuzzed directly (tests/fuzz/fuzz_hdlc.c).
 */
#include "hdlc.h"

#include <pthread.h>
#include <string.h>

/* x^16 + x^12 + x^5 + 1, bit-reversed (the FCS is sent LSB first). */
#define FCS16_POLY	0x8408

static uint16_t		fcs16_table[256];
static pthread_once_t	fcs16_once = PTHREAD_ONCE_INIT;

/*
 * Build the byte-at-a-time table: entry n is the remainder of shifting
 * the octet n through the reflected polynomial eight times.  Done once;
 * pthread_once keeps it safe should a worker thread ever use the codec.
 */
static void
fcs16_table_build(void)
{
	unsigned n, bit;
	uint16_t v;

	for (n = 0; n < 256; n++) {
		v = (uint16_t)n;
		for (bit = 0; bit < 8; bit++)
			v = (v & 1) ? (uint16_t)((v >> 1) ^ FCS16_POLY) :
			    (uint16_t)(v >> 1);
		fcs16_table[n] = v;
	}
}

uint16_t
hdlc_fcs16(uint16_t fcs, const uint8_t *p, size_t len)
{
	size_t i;

	(void)pthread_once(&fcs16_once, fcs16_table_build);
	for (i = 0; i < len; i++)
		fcs = (uint16_t)((fcs >> 8) ^ fcs16_table[(fcs ^ p[i]) & 0xff]);
	return fcs;
}

/* Must octet c be sent as 0x7d, c ^ 0x20 under this ACCM? */
static inline bool
hdlc_must_escape(uint8_t c, uint32_t accm)
{
	if (c == HDLC_FLAG || c == HDLC_ESCAPE)
		return true;
	return c < 0x20 && ((accm >> c) & 1u) != 0;
}

/* Append one (possibly escaped) octet; false when out of room. */
static inline bool
hdlc_put(uint8_t c, uint32_t accm, uint8_t *out, size_t out_len, size_t *n)
{
	if (hdlc_must_escape(c, accm)) {
		if (out_len - *n < 2)
			return false;
		out[(*n)++] = HDLC_ESCAPE;
		out[(*n)++] = (uint8_t)(c ^ HDLC_XOR);
		return true;
	}
	if (out_len - *n < 1)
		return false;
	out[(*n)++] = c;
	return true;
}

size_t
hdlc_encode(const uint8_t *frame, size_t len, uint32_t accm, uint8_t *out,
    size_t out_len)
{
	uint16_t fcs;
	size_t i, n = 0;

	/*
	 * Always open with a flag: on a stream that has been idle (or has
	 * just been connected) it closes any line noise as a bad frame
	 * instead of prepending it to ours (RFC 1662 4.1 allows both).
	 */
	if (out_len < 2)
		return 0;
	out[n++] = HDLC_FLAG;
	for (i = 0; i < len; i++)
		if (!hdlc_put(frame[i], accm, out, out_len, &n))
			return 0;
	fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, frame, len);
	/* The FCS goes out least significant octet first (RFC 1662 C.2). */
	if (!hdlc_put((uint8_t)(fcs & 0xff), accm, out, out_len, &n) ||
	    !hdlc_put((uint8_t)(fcs >> 8), accm, out, out_len, &n))
		return 0;
	if (out_len - n < 1)
		return 0;
	out[n++] = HDLC_FLAG;
	return n;
}

void
hdlc_decoder_init(struct hdlc_decoder *d, uint8_t *buf, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->cap = size;
}

void
hdlc_decoder_reset(struct hdlc_decoder *d)
{
	d->len = 0;
	d->escape = false;
	d->toss = false;
}

/*
 * A flag closed the current frame.  Returns true when it holds a good
 * frame (left in d->buf[0..d->len-1], FCS included); otherwise counts
 * why it was dropped.  An empty frame (back-to-back flags, RFC 1662 4.1
 * inter-frame fill) is no error.
 */
static bool
hdlc_frame_end(struct hdlc_decoder *d)
{
	if (d->escape) {
		/* 0x7d 0x7e: the sender aborted the frame (RFC 1662 4.3). */
		d->stats.aborts++;
		return false;
	}
	if (d->toss)
		return false;	/* counted as an overflow already */
	if (d->len == 0)
		return false;
	if (d->len < HDLC_MIN_FRAME) {
		d->stats.runts++;
		return false;
	}
	if (hdlc_fcs16(HDLC_FCS_INIT, d->buf, d->len) != HDLC_FCS_GOOD) {
		d->stats.bad_fcs++;
		return false;
	}
	d->stats.frames++;
	return true;
}

size_t
hdlc_decode(struct hdlc_decoder *d, const uint8_t *in, size_t len,
    const uint8_t **frame, size_t *frame_len)
{
	size_t i;
	uint8_t c;
	bool good;

	*frame = NULL;
	*frame_len = 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		d->stats.octets++;
		if (c == HDLC_FLAG) {
			good = hdlc_frame_end(d);
			if (good) {
				*frame = d->buf;
				*frame_len = d->len - HDLC_FCS_LEN;
			}
			/*
			 * Reset for the next frame now; the returned frame
			 * stays in buf until the next call writes over it.
			 */
			d->len = 0;
			d->escape = false;
			d->toss = false;
			if (good)
				return i + 1;
			continue;
		}
		if (d->toss)
			continue;
		if (c == HDLC_ESCAPE) {
			/* "7d 7d": the second one is data (0x5d). */
			if (!d->escape) {
				d->escape = true;
				continue;
			}
		} else if (c < 0x20 && ((d->accm >> c) & 1u) != 0) {
			/*
			 * A raw mapped control octet was inserted on the way
			 * (RFC 1662 7.1): drop it before escape processing,
			 * so it may even sit between 0x7d and its octet.
			 */
			continue;
		}
		if (d->escape) {
			c ^= HDLC_XOR;
			d->escape = false;
		}
		if (d->len >= d->cap) {
			d->stats.overflows++;
			d->toss = true;
			continue;
		}
		d->buf[d->len++] = c;
	}
	return len;
}

uint32_t
hdlc_frame_accm(bool lcp_opened, uint32_t peer_accm, const uint8_t *frame,
    size_t len)
{
	size_t off = 0;

	if (!lcp_opened)
		return HDLC_ACCM_DEFAULT;
	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		off = 2;
	/* LCP (0xc021) codes 1-7 */
	if (len >= off + 3 && frame[off] == 0xc0 && frame[off + 1] == 0x21 &&
	    frame[off + 2] >= 1 && frame[off + 2] <= 7)
		return HDLC_ACCM_DEFAULT;
	return peer_accm;
}
