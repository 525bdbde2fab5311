/*
 * fuzz_pptp_ctrl.c - libFuzzer target for the PPTP control message and
 * enhanced GRE parsers (link/pptp_proto.c, RFC 2637).
 *
 * The input is a TCP stream: messages are cut with pptp_ctrl_need() the
 * way the daemon does; each parsed message is rebuilt and must parse to
 * the same bytes.  The input is also parsed as a GRE packet: the payload
 * must lie inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/pptp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
