/*
 * fuzz_mppc.c - libFuzzer target for the RFC 2118 decompressor
 * (ppp/mppc.c).  Records [flags][len-hi][len-lo][bytes...] go to one
 * decompressor (history kept across records, flags as header bits A B C);
 * the bytes of each record also make a compress/decompress round trip
 * that must give them back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/mppc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mppc_decomp *d = malloc(sizeof(*d)), *d2 = malloc(sizeof(*d2));
	struct mppc_comp *c = malloc(sizeof(*c));
	uint8_t *out = malloc(MPPC_HIST_LEN), *z = malloc(MPPC_HIST_LEN);
	size_t pos = 0, len, n;
	uint8_t flags;
	int r;

	mppc_decomp_reset(d);
	mppc_decomp_reset(d2);
	mppc_comp_reset(c);
	while (pos + 3 <= size) {
		flags = data[pos];
		len = (size_t)(data[pos + 1] << 8 | data[pos + 2]);
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		r = mppc_decompress(d, flags & 0xe0, data + pos, len, out,
		    (flags & 1) ? 64 : MPPC_HIST_LEN);
		if (r > MPPC_HIST_LEN || d->pos > MPPC_HIST_LEN)
			abort();
		if (len > 0 && len <= MPPC_HIST_LEN) {
			flags = 0;
			n = mppc_compress(c, data + pos, len, z, MPPC_HIST_LEN,
			    &flags);
			if (n == 0) {
				/* sent plain; both ends start over */
				mppc_decomp_reset(d2);
			} else {
				r = mppc_decompress(d2, flags, z, n, out,
				    MPPC_HIST_LEN);
				if (r != (int)len || memcmp(out, data + pos, len))
					abort();
			}
		}
		pos += len;
	}
	free(out);
	free(z);
	free(c);
	free(d2);
	free(d);
	return 0;
}
