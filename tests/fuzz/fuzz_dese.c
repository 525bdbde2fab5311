/*
 * fuzz_dese.c - libFuzzer target for the DESE / DESE-bis decoder
 * (ppp/dese.c): the first byte picks the variant, the rest is records
 * [len-hi][len-lo][bytes...] decoded as received 0x0053 frames; each
 * record's bytes also make an encrypt/decrypt round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/msoft.h"
#include "ppp/dese.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[8] = "k3y-k3y!", nonce[8] = "n0nce..!";
	struct dese_dir tx, rx;
	uint8_t *out, *f;
	size_t pos = 1, len, olen;
	uint16_t proto;
	int n;

	if (size < 1 || dese_dir_init(&rx, key, nonce, data[0] & 1,
	    false) < 0)
		return 0;
	if (dese_dir_init(&tx, key, nonce, data[0] & 1, true) < 0) {
		dese_dir_fini(&rx);
		return 0;
	}
	out = malloc(8192 + 16);
	f = malloc(8192 + 64);
	while (pos + 2 <= size) {
		len = (size_t)(data[pos] << 8 | data[pos + 1]);
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		olen = 0;
		if (dese_decode(&rx, data + pos, len, &proto, out, 8192,
		    &olen) == 0 && olen > 8192)
			abort();
		if (len + 16 <= 8192) {
			n = dese_encode(&tx, 0x21, data + pos, len, f, 8192 + 64);
			if (n <= 0 || dese_decode(&rx, f, (size_t)n, &proto, out,
			    8192, &olen) != 0 || proto != 0x21 || olen != len ||
			    memcmp(out, data + pos, len) != 0)
				abort();
		}
		pos += len;
	}
	free(f);
	free(out);
	dese_dir_fini(&tx);
	dese_dir_fini(&rx);
	msoft_fini();
	return 0;
}
