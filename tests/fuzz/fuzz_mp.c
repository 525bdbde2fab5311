/*
 * fuzz_mp.c - libFuzzer target for the Multilink PPP receive side
 * (ppp/mp.c): the MP header parser and the reassembly queue.
 *
 * Byte 0 picks the sequence format (bit 0: short) and the MRRU (bits
 * 1-7 scale it).  Then records [slot/time][len][bytes...]: the low nibble
 * of the first byte is the link slot (0..3), the high nibble advances
 * the clock in 100 ms steps; each record is one MP frame.  Every
 * delivered packet must fit the MRRU and the queue must stay bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mbuf.h"
#include "ppp/mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t fuzz_mrru;

static void
fuzz_deliver(void *arg, int slot, struct mbuf *m)
{
	(void)arg;
	if (slot < 0 || slot >= MAX_LINKS_PER_BUND || m->len > fuzz_mrru)
		abort();
	mb_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_rx *r;
	struct mp_hdr h;
	uint64_t now = 0;
	size_t pos = 1, len;
	uint8_t buf[4];
	int k;

	if (size < 1)
		return 0;
	/* the parser alone, both formats */
	if (mp_hdr_parse(data, size, (data[0] & 1) != 0, &h) > 0 &&
	    mp_hdr_write(buf, sizeof(buf), (data[0] & 1) != 0, &h) == 0)
		abort();
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return 0;
	fuzz_mrru = 296 + (uint32_t)(data[0] >> 1) * 16;
	mp_rx_init(r, (data[0] & 1) != 0, fuzz_mrru, fuzz_deliver, NULL);
	for (k = 0; k < 4; k++)
		mp_rx_link(r, k, true, 0);
	while (pos + 2 <= size) {
		k = data[pos] & 3;
		now += (uint64_t)(data[pos] >> 4) * 100;
		len = data[pos + 1];
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		mp_rx_input(r, k, mb_copy(data + pos, len), now);
		if (r->nq > MP_MAX_FRAGS || r->qbytes > MP_MAX_QBYTES)
			abort();
		pos += len;
		if ((data[pos - 1] & 0x0f) == 0x0f)
			mp_rx_timeout(r, now);
	}
	mp_rx_timeout(r, now + 10000);
	mp_rx_flush(r);
	free(r);
	return 0;
}
