/*
 * fuzz_l2tp_avp.c - libFuzzer target for the L2TPv2 header and AVP
 * parsers (link/l2tp_proto.c, RFC 2661), hidden AVPs included.
 *
 * The input is a UDP payload.  The payload bounds must lie in the input;
 * every blob of a parsed control message must lie in the input or in the
 * message's reveal buffer.  The AVPs are parsed with and without a
 * secret; a revealed value is hidden again and must reveal to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/l2tp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct l2tp_blob *b, const uint8_t *lo, const uint8_t *hi,
    const struct l2tp_msg *m)
{
	const uint8_t *rlo = m->reveal, *rhi = m->reveal + m->reveal_used;

	if (b->len == 0)
		return;
	if ((b->p < lo || b->p + b->len > hi) &&
	    (b->p < rlo || b->p + b->len > rhi))
		abort();
}

static struct l2tp_msg msg;

static void
parse(const uint8_t *p, size_t n, const char *secret)
{
	uint8_t hid[1100], back[1100];
	size_t hn;
	int r;

	if (l2tp_msg_parse(p, n, secret, &msg) != L2TP_OK)
		return;
	if (msg.reveal_used > sizeof(msg.reveal))
		abort();
	check(&msg.host_name, p, p + n, &msg);
	check(&msg.vendor_name, p, p + n, &msg);
	check(&msg.challenge, p, p + n, &msg);
	check(&msg.called, p, p + n, &msg);
	check(&msg.calling, p, p + n, &msg);
	check(&msg.sub_addr, p, p + n, &msg);
	check(&msg.errmsg, p, p + n, &msg);
	if (msg.calling.len > 0 && msg.calling.len < 1000) {
		hn = l2tp_hide(L2TP_AVP_CALLING, "k", p, n < 16 ? n : 16,
		    msg.calling.p, msg.calling.len, 3, hid, sizeof(hid));
		if (hn == 0)
			abort();
		r = l2tp_reveal(L2TP_AVP_CALLING, "k", p, n < 16 ? n : 16,
		    hid, hn, back, sizeof(back));
		if (r != (int)msg.calling.len ||
		    memcmp(back, msg.calling.p, msg.calling.len) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2tp_hdr h;

	if (l2tp_hdr_parse(data, size, &h) == L2TP_OK) {
		if (h.off > h.end || h.end > size)
			abort();
		if (h.ctrl) {
			parse(data + h.off, h.end - h.off, NULL);
			parse(data + h.off, h.end - h.off, "secret");
		}
	}
	/* the AVP parser on its own, straight from the input */
	parse(data, size, "secret");
	return 0;
}
