/*
 * fuzz_deflate.c - libFuzzer target for the RFC 1979 decoder
 * (ppp/deflate.c).  Records [type][len-hi][len-lo][bytes...]: type bit 0
 * feeds the bytes as an uncompressed frame (deflate_incomp), else as a
 * 0x00FD frame (its sequence number patched to the expected one when bit
 * 1 is set); bit 2 resets the receiver first.  One receiver, window from
 * the first byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/deflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deflate_dir d;
	uint8_t *buf, *out;
	size_t pos = 1, len, olen;
	uint16_t proto;
	uint8_t type;

	if (size < 1 || deflate_dir_init(&d, 9 + data[0] % 7, false) < 0)
		return 0;
	buf = malloc(65536);
	out = malloc(8192);
	while (pos + 3 <= size) {
		type = data[pos];
		len = (size_t)(data[pos + 1] << 8 | data[pos + 2]);
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		memcpy(buf, data + pos, len);
		if (type & 4)
			deflate_dir_reset(&d);
		if (type & 1) {
			if (deflate_incomp(&d, 0x21, buf, len) < 0)
				deflate_dir_reset(&d);
		} else {
			if ((type & 2) && len >= 2) {
				buf[0] = (uint8_t)(d.seq >> 8);
				buf[1] = (uint8_t)d.seq;
			}
			olen = 0;
			if (deflate_decode(&d, buf, len, &proto, out,
			    (type & 8) ? 50 : 8192, &olen) != DEFLATE_RX_OK)
				deflate_dir_reset(&d);
			else if (olen > 8192)
				abort();
		}
		pos += len;
	}
	deflate_dir_fini(&d);
	free(out);
	free(buf);
	return 0;
}
