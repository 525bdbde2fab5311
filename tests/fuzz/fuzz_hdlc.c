/*
 * fuzz_hdlc.c - libFuzzer target for the async HDLC decoder (link/hdlc.c).
 *
 * The first input byte picks how the rest is chunked (so frame and escape
 * boundaries land everywhere) and the receive ACCM; the rest is the byte
 * stream.  Every frame the decoder accepts must carry a good FCS, fit the
 * buffer, and survive a re-encode/decode round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/hdlc.h"

#define FUZZ_MAXF	256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Re-encode f and decode it with a fresh decoder: must come back equal. */
static void
roundtrip(const uint8_t *f, size_t len, uint32_t accm)
{
	uint8_t enc[HDLC_ENCODED_MAX(FUZZ_MAXF)];
	uint8_t buf[HDLC_DECODER_BUF(FUZZ_MAXF)];
	struct hdlc_decoder d;
	const uint8_t *g;
	size_t n, used, glen, off = 0;
	int frames = 0;

	n = hdlc_encode(f, len, accm, enc, sizeof(enc));
	if (n == 0)
		abort();
	hdlc_decoder_init(&d, buf, sizeof(buf));
	while (off < n) {
		used = hdlc_decode(&d, enc + off, n - off, &g, &glen);
		off += used;
		if (g == NULL)
			continue;
		if (glen != len || memcmp(g, f, len) != 0)
			abort();
		frames++;
	}
	if (frames != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[HDLC_DECODER_BUF(FUZZ_MAXF)];
	uint8_t copy[FUZZ_MAXF];
	struct hdlc_decoder d;
	const uint8_t *f;
	size_t chunk, off = 0, len, used, flen;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	hdlc_decoder_init(&d, buf, sizeof(buf));
	d.accm = (mode & 0x80) ? 0x000a0000u : 0;
	chunk = (size_t)(mode & 0x1f) + 1;
	while (off < size) {
		len = size - off < chunk ? size - off : chunk;
		while (len > 0) {
			used = hdlc_decode(&d, data + off, len, &f, &flen);
			if (used == 0 || used > len)
				abort();
			off += used;
			len -= used;
			if (f == NULL)
				continue;
			if (flen + HDLC_FCS_LEN < HDLC_MIN_FRAME ||
			    flen > FUZZ_MAXF || f != buf ||
			    hdlc_fcs16(HDLC_FCS_INIT, f, flen + HDLC_FCS_LEN) !=
			    HDLC_FCS_GOOD)
				abort();
			memcpy(copy, f, flen);
			roundtrip(copy, flen, (mode & 0x40) ? 0 :
			    HDLC_ACCM_DEFAULT);
		}
	}
	if (d.stats.octets != size)
		abort();
	return 0;
}
