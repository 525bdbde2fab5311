/*
 * fuzz_vj.c - libFuzzer target for the RFC 1144 codec (ppp/vj.c).
 *
 * The input is a sequence of records [type][len-hi][len-lo][bytes...]:
 * type bit 0 picks Uncompressed-TCP or Compressed-TCP for the
 * decompressor, bit 1 sends the bytes through the compressor as an IP
 * packet too, bit 2 signals a link error first.  One decompressor and one
 * compressor live across the records so slot state is exercised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/vj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vj_decomp *d = malloc(sizeof(*d));
	struct vj_comp *c = malloc(sizeof(*c));
	struct vj_out o;
	size_t pos = 0, len;
	uint8_t type;

	vj_decomp_init(d, VJ_MAX_SLOTS - 1);
	vj_comp_init(c, VJ_MAX_SLOTS - 1, size > 0 && (data[0] & 0x80));
	while (pos + 3 <= size) {
		type = data[pos];
		len = (size_t)(data[pos + 1] << 8 | data[pos + 2]);
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (type & 4)
			vj_decomp_error(d);
		if (vj_uncompress(d, (type & 1) ? VJ_TYPE_COMP : VJ_TYPE_UNCOMP,
		    data + pos, len, &o) == 0) {
			if (o.hdr_len > VJ_MAX_HDR || o.skip > len)
				abort();
		}
		if (type & 2) {
			(void)vj_compress(c, data + pos, len, &o);
			if (o.hdr_len > o.skip || o.skip > len)
				abort();
		}
		pos += len;
	}
	free(c);
	free(d);
	return 0;
}
