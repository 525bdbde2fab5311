/*
 * test_pptp_proto.c - the PPTP codec of link/pptp_proto.c (RFC 2637):
 * the fixed length of every control message type (RFC 2637 2.1-2.16),
 * a hand-built Start-Control-Connection-Request and Outgoing-Call-Reply,
 * build/parse round trips, stream framing (pptp_ctrl_need), the
 * rejections (bad cookie, wrong length for the type, truncated message,
 * unknown type), the enhanced GRE header with and without
 * sequence/acknowledgement numbers, and the GRE reorder queue (in-order
 * release, duplicates, gaps given up, the window edge, wrap-around).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "link/pptp_proto.h"

static void
test_lengths(void **state)
{
	static const size_t expect[] = { 0, 156, 156, 16, 16, 16, 20, 168, 32,
		220, 24, 28, 16, 148, 40, 24 };
	unsigned t;

	(void)state;
	for (t = 0; t <= PPTP_CTRL_TYPE_MAX; t++)
		assert_int_equal(pptp_ctrl_len(t), expect[t]);
	assert_int_equal(pptp_ctrl_len(16), 0);
}

static void
test_sccrq(void **state)
{
	uint8_t b[156];
	struct pptp_ctrl m;

	(void)state;
	memset(b, 0, sizeof(b));
	memcpy(b, (const uint8_t []){ 0x00, 0x9c, 0x00, 0x01, 0x1a, 0x2b,
	    0x3c, 0x4d, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	    0x01, 0x01 }, 28);
	memcpy(b + 28, "pns-host", 8);
	memcpy(b + 92, "vendor", 6);
	assert_int_equal(pptp_ctrl_need(b, 5), 7);
	assert_int_equal(pptp_ctrl_need(b, 12), 144);
	assert_int_equal(pptp_ctrl_need(b, 156), 0);
	assert_int_equal(pptp_ctrl_parse(b, sizeof(b), &m), PPTP_OK);
	assert_int_equal(m.type, PPTP_SCCRQ);
	assert_int_equal(m.proto_ver, 0x0100);
	assert_int_equal(m.framing, 1);
	assert_int_equal(m.bearer, 1);
	assert_int_equal(m.firmware, 0x0101);
	assert_string_equal(m.host_name, "pns-host");
	assert_string_equal(m.vendor, "vendor");
	/* rejections */
	b[7] = 0x4e;
	assert_int_equal(pptp_ctrl_parse(b, sizeof(b), &m), PPTP_E_MAGIC);
	assert_int_equal(pptp_ctrl_need(b, sizeof(b)), -1);
	b[7] = 0x4d;
	b[1] = 0x9b;
	assert_int_equal(pptp_ctrl_parse(b, sizeof(b), &m), PPTP_E_LENGTH);
	b[1] = 0x9c;
	assert_int_equal(pptp_ctrl_parse(b, 100, &m), PPTP_E_SHORT);
	b[9] = 0x10;
	assert_int_equal(pptp_ctrl_parse(b, sizeof(b), &m), PPTP_E_TYPE);
	b[9] = 0x01;
	b[3] = 0x02;
	assert_int_equal(pptp_ctrl_parse(b, sizeof(b), &m), PPTP_E_TYPE);
	b[1] = 0x0b;
	assert_int_equal(pptp_ctrl_need(b, sizeof(b)), -1);
}

static void
test_ocrp_roundtrip(void **state)
{
	static const uint8_t ocrp[32] = { 0x00, 0x20, 0x00, 0x01, 0x1a, 0x2b,
		0x3c, 0x4d, 0x00, 0x08, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfa, 0x00, 0x00, 0x40,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	struct pptp_ctrl m, n;
	uint8_t out[PPTP_CTRL_MAX];

	(void)state;
	assert_int_equal(pptp_ctrl_parse(ocrp, sizeof(ocrp), &m), PPTP_OK);
	assert_int_equal(m.call_id, 0x1234);
	assert_int_equal(m.peer_call_id, 0x5678);
	assert_int_equal(m.result, PPTP_OCRP_OK);
	assert_int_equal(m.speed, 64000);
	assert_int_equal(m.rwin, 64);
	assert_int_equal(pptp_ctrl_build(&m, out, sizeof(out)), 32);
	assert_memory_equal(out, ocrp, 32);
	/* every type round-trips */
	for (m.type = 1; m.type <= PPTP_CTRL_TYPE_MAX; m.type++) {
		size_t len = pptp_ctrl_build(&m, out, sizeof(out));

		assert_int_equal(len, pptp_ctrl_len(m.type));
		assert_int_equal(pptp_ctrl_parse(out, len, &n), PPTP_OK);
		assert_int_equal(n.type, m.type);
	}
	m.type = 99;
	assert_int_equal(pptp_ctrl_build(&m, out, sizeof(out)), 0);
	assert_string_equal(pptp_ctrl_name(PPTP_CDN), "CallDiscNotify");
}

static void
test_gre(void **state)
{
	struct pptp_gre g = { .call_id = 0x4321, .payload_len = 3,
		.has_seq = true, .seq = 7, .has_ack = true, .ack = 5 };
	uint8_t b[32];
	struct pptp_gre h;
	size_t n;

	(void)state;
	n = pptp_gre_build(&g, b);
	assert_int_equal(n, 16);
	assert_int_equal(b[0], 0x30);
	assert_int_equal(b[1], 0x81);
	assert_int_equal(b[2], 0x88);
	assert_int_equal(b[3], 0x0b);
	memset(b + n, 0xff, 3);
	assert_int_equal(pptp_gre_parse(b, n + 3, &h), PPTP_OK);
	assert_int_equal(h.call_id, 0x4321);
	assert_int_equal(h.seq, 7);
	assert_int_equal(h.ack, 5);
	assert_int_equal(h.off, 16);
	assert_int_equal(pptp_gre_parse(b, n + 2, &h), PPTP_E_SHORT);
	/* ack only */
	g.has_seq = false;
	g.payload_len = 0;
	n = pptp_gre_build(&g, b);
	assert_int_equal(n, 12);
	assert_int_equal(pptp_gre_parse(b, n, &h), PPTP_OK);
	assert_false(h.has_seq);
	assert_true(h.has_ack);
	/* payload without a sequence number; wrong version; no key */
	b[5] = 1;
	assert_int_equal(pptp_gre_parse(b, n + 1, &h), PPTP_E_GRE);
	b[5] = 0;
	b[1] = 0x80;
	assert_int_equal(pptp_gre_parse(b, n, &h), PPTP_E_GRE);
	b[1] = 0x81;
	b[0] = 0x00;
	assert_int_equal(pptp_gre_parse(b, n, &h), PPTP_E_GRE);
	assert_int_equal(pptp_gre_parse(b, 7, &h), PPTP_E_SHORT);
}

/* The reorder queue: packets are small ints (as pointers) collected. */
static unsigned out[64], nout;

static void
collect(void *ctx, void *pkt)
{
	(void)ctx;
	out[nout++] = (unsigned)(uintptr_t)pkt;
}

#define P(x)	((void *)(uintptr_t)(x))

static void
test_reorder(void **state)
{
	struct pptp_ooo q;
	unsigned i;

	(void)state;
	memset(&q, 0, sizeof(q));
	nout = 0;
	/* the first packet sets the base */
	assert_int_equal(pptp_ooo_input(&q, 100, P(100), collect, NULL), 1);
	/* 102 and 103 early: held; 101 releases all three in order */
	assert_int_equal(pptp_ooo_input(&q, 103, P(103), collect, NULL), 0);
	assert_int_equal(pptp_ooo_input(&q, 102, P(102), collect, NULL), 0);
	assert_int_equal(pptp_ooo_input(&q, 102, P(999), collect, NULL), -1);
	assert_int_equal(pptp_ooo_input(&q, 101, P(101), collect, NULL), 1);
	assert_int_equal(nout, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(out[i], 100 + i);
	/* old and duplicate packets are refused */
	assert_int_equal(pptp_ooo_input(&q, 103, P(103), collect, NULL), -1);
	assert_int_equal(pptp_ooo_input(&q, 50, P(50), collect, NULL), -1);
	/* a gap never filled: flush delivers in order and moves on */
	assert_int_equal(pptp_ooo_input(&q, 107, P(107), collect, NULL), 0);
	assert_int_equal(pptp_ooo_input(&q, 106, P(106), collect, NULL), 0);
	pptp_ooo_flush(&q, collect, NULL);
	assert_int_equal(nout, 6);
	assert_int_equal(out[4], 106);
	assert_int_equal(out[5], 107);
	assert_int_equal(q.last, 107);
	assert_int_equal(q.n, 0);
	/* far ahead: what is held goes first, then the packet */
	assert_int_equal(pptp_ooo_input(&q, 110, P(110), collect, NULL), 0);
	assert_int_equal(pptp_ooo_input(&q, 500, P(500), collect, NULL), 1);
	assert_int_equal(nout, 8);
	assert_int_equal(out[6], 110);
	assert_int_equal(out[7], 500);
	/* wrap-around of the 32-bit sequence number */
	memset(&q, 0, sizeof(q));
	nout = 0;
	assert_int_equal(pptp_ooo_input(&q, 0xfffffffe, P(1), collect, NULL),
	    1);
	assert_int_equal(pptp_ooo_input(&q, 0, P(3), collect, NULL), 0);
	assert_int_equal(pptp_ooo_input(&q, 0xffffffff, P(2), collect, NULL),
	    1);
	assert_int_equal(nout, 3);
	assert_int_equal(out[2], 3);
	/* the window edge: 2..16 held, 17 is too far ahead and flushes */
	memset(&q, 0, sizeof(q));
	nout = 0;
	(void)pptp_ooo_input(&q, 0, P(0), collect, NULL);
	for (i = 2; i <= PPTP_OOO_MAX; i++)
		assert_int_equal(pptp_ooo_input(&q, i, P(i), collect, NULL),
		    0);
	assert_int_equal(q.n, PPTP_OOO_MAX - 1);
	assert_int_equal(pptp_ooo_input(&q, PPTP_OOO_MAX + 1,
	    P(PPTP_OOO_MAX + 1), collect, NULL), 1);
	assert_int_equal(nout, PPTP_OOO_MAX + 1);
	for (i = 1; i < nout; i++)
		assert_int_equal(out[i], i + 1);
	/* clear hands everything held to the drop callback */
	(void)pptp_ooo_input(&q, PPTP_OOO_MAX + 5, P(5), collect, NULL);
	assert_int_equal(q.n, 1);
	pptp_ooo_clear(&q, collect, NULL);
	assert_int_equal(q.n, 0);
	assert_int_equal(out[nout - 1], 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_sccrq),
		cmocka_unit_test(test_ocrp_roundtrip),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_reorder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
