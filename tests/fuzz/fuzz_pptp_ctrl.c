/*
 * fuzz_pptp_ctrl.c - libFuzzer target for the PPTP control message and
 * enhanced GRE parsers (link/pptp_proto.c, RFC 2637).
 *
 * The input is a TCP stream: messages are cut with pptp_ctrl_need() the
 * way the daemon does; each parsed message is rebuilt and must parse to
 * the same bytes.  The input is also parsed as a GRE packet: the payload
 * must lie inside it.  Finally the input drives the GRE reorder queue as
 * a list of 32-bit sequence numbers (a byte 0xff flushes): everything
 * handed in comes out exactly once, delivered numbers strictly increase.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/pptp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t last_out;
static bool any_out;
static size_t n_out;

static void
deliver(void *ctx, void *pkt)
{
	uint32_t v = (uint32_t)(uintptr_t)pkt;

	(void)ctx;
	if (any_out && (int32_t)(v - last_out) <= 0)
		abort();
	last_out = v;
	any_out = true;
	n_out++;
}

static void
dropped(void *ctx, void *pkt)
{
	(void)ctx;
	(void)pkt;
	n_out++;
}

static void
reorder(const uint8_t *data, size_t size)
{
	struct pptp_ooo q;
	size_t i, n_in = 0;
	uint32_t s;

	memset(&q, 0, sizeof(q));
	any_out = false;
	n_out = 0;
	for (i = 0; i + 4 <= size; i += 4) {
		if (data[i] == 0xff) {
			pptp_ooo_flush(&q, deliver, NULL);
			continue;
		}
		s = (uint32_t)data[i + 1] << 16 | (uint32_t)data[i + 2] << 8 |
		    data[i + 3];
		if (pptp_ooo_input(&q, s, (void *)(uintptr_t)s, deliver,
		    NULL) >= 0)
			n_in++;
		if (q.n > PPTP_OOO_MAX)
			abort();
	}
	pptp_ooo_clear(&q, dropped, NULL);
	if (n_in != n_out)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_ctrl m, n;
	struct pptp_gre g;
	uint8_t out[PPTP_CTRL_MAX], again[PPTP_CTRL_MAX];
	size_t o = 0, len, len2;
	int need;

	while (o < size) {
		need = pptp_ctrl_need(data + o, size - o);
		if (need != 0)
			break;
		len = (size_t)(data[o] << 8 | data[o + 1]);
		if (len < PPTP_CTRL_HLEN || len > size - o)
			abort();
		if (pptp_ctrl_parse(data + o, len, &m) == PPTP_OK) {
			len2 = pptp_ctrl_build(&m, out, sizeof(out));
			if (len2 != len)
				abort();
			if (pptp_ctrl_parse(out, len2, &n) != PPTP_OK)
				abort();
			if (pptp_ctrl_build(&n, again, sizeof(again)) != len2 ||
			    memcmp(out, again, len2) != 0)
				abort();
		}
		o += len;
	}
	if (pptp_gre_parse(data, size, &g) == PPTP_OK &&
	    (g.off > size || g.payload_len > size - g.off))
		abort();
	reorder(data, size);
	return 0;
}
