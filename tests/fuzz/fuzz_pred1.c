/*
 * fuzz_pred1.c - libFuzzer target for the RFC 1978 decoder
 * (ppp/pred1.c): records [len-hi][len-lo][bytes...] decoded by one
 * receiver (guess table kept across records); each record's bytes also
 * make an encode/decode round trip that must give them back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/pred1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pred1_dir *rx = malloc(sizeof(*rx)), *tx = malloc(sizeof(*tx));
	struct pred1_dir *rx2 = malloc(sizeof(*rx2));
	uint8_t *out = malloc(PRED1_MAX + 16), *f = malloc(2 * PRED1_MAX);
	size_t pos = 0, len, olen;
	uint16_t proto;
	int n;

	pred1_reset(rx);
	pred1_reset(tx);
	pred1_reset(rx2);
	while (pos + 2 <= size) {
		len = (size_t)(data[pos] << 8 | data[pos + 1]);
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		olen = 0;
		if (pred1_decode(rx, data + pos, len, &proto, out, PRED1_MAX,
		    &olen) == PRED1_RX_OK && olen > PRED1_MAX)
			abort();
		if (len + 2 <= PRED1_MAX) {
			n = pred1_encode(tx, 0x21, data + pos, len, f,
			    2 * PRED1_MAX);
			if (n <= 0 || pred1_decode(rx2, f, (size_t)n, &proto,
			    out, PRED1_MAX, &olen) != PRED1_RX_OK ||
			    proto != 0x21 || olen != len ||
			    memcmp(out, data + pos, len) != 0)
				abort();
		}
		pos += len;
	}
	free(f);
	free(out);
	free(rx2);
	free(tx);
	free(rx);
	return 0;
}
