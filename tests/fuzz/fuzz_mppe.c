/*
 * fuzz_mppe.c - libFuzzer target for the MPPE/MPPC frame decoder
 * (ppp/mppe.c).  The first byte picks the mode (option 18 bits: MPPC,
 * stateless, key length); the rest is records [len-hi][len-lo][bytes...],
 * each a received 0x00FD frame, decoded by one receiver across records
 * (coherency counts, discard state, rekeys).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/msoft.h"
#include "ppp/mppe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16] = "0123456789abcdef";
	struct mppe_dir *d;
	uint8_t *out;
	uint32_t bits = 0;
	size_t pos = 1, len, olen;
	uint16_t proto;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		bits |= MPPE_BIT_C;
	if (data[0] & 2)
		bits |= MPPE_BIT_H;
	if (data[0] & 4)
		bits |= MPPE_BIT_S;
	if (data[0] & 8)
		bits |= MPPE_BIT_L;
	if (data[0] & 16)
		bits |= MPPE_BIT_M;
	d = malloc(sizeof(*d));
	out = malloc(MPPC_HIST_LEN);
	(void)mppe_dir_init(d, bits, key, false);
	while (pos + 2 <= size) {
		len = (size_t)(data[pos] << 8 | data[pos + 1]);
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		olen = 0;
		if (mppe_decode(d, data + pos, len, &proto, out,
		    (data[0] & 0x80) ? 100 : MPPC_HIST_LEN, &olen) ==
		    MPPE_RX_OK && olen > MPPC_HIST_LEN)
			abort();
		pos += len;
	}
	free(out);
	free(d);
	return 0;
}
