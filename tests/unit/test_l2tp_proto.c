/*
 * test_l2tp_proto.c - the L2TPv2 codec of link/l2tp_proto.c (RFC 2661).
 *
 * Hand-built control and data headers, an SCCRQ with every AVP the
 * daemon sends, hidden AVPs (one-block and multi-block values, checked
 * against bytes computed independently with Python's hashlib), the tunnel
 * authentication response, and the rejections: bad version, control
 * without L/S, length beyond the datagram, AVP lengths below 6 or beyond
 * the message, unknown mandatory and vendor AVPs, hidden AVPs without a
 * Random Vector or secret, a first AVP that is not the Message Type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "link/l2tp_proto.h"

static const uint8_t rv16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15 };

/* SCCRQ: Message Type, Protocol Version, Host Name "lac", Framing Cap,
 * Assigned Tunnel ID 0x0102, Receive Window 4, a vendor AVP (M=0). */
static const uint8_t sccrq[] = {
	0xc8, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,
	0x80, 0x09, 0x00, 0x00, 0x00, 0x07, 'l', 'a', 'c',
	0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03,
	0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x01, 0x02,
	0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04,
	0x00, 0x09, 0x00, 0x09, 0x00, 0x01, 'x', 'y', 'z',
};

static void
test_ctrl_header(void **state)
{
	struct l2tp_hdr h;

	(void)state;
	assert_int_equal(l2tp_hdr_parse(sccrq, sizeof(sccrq), &h), L2TP_OK);
	assert_true(h.ctrl);
	assert_int_equal(h.length, sizeof(sccrq));
	assert_int_equal(h.tid, 0);
	assert_int_equal(h.off, 12);
	assert_int_equal(h.end, sizeof(sccrq));
}

static void
test_sccrq_avps(void **state)
{
	static struct l2tp_msg m;

	(void)state;
	assert_int_equal(l2tp_msg_parse(sccrq + 12, sizeof(sccrq) - 12, NULL,
	    &m), L2TP_OK);
	assert_int_equal(m.type, L2TP_SCCRQ);
	assert_int_equal(m.proto_ver, 0x0100);
	assert_int_equal(m.host_name.len, 3);
	assert_memory_equal(m.host_name.p, "lac", 3);
	assert_int_equal(m.framing_cap, 3);
	assert_int_equal(m.tunnel_id, 0x0102);
	assert_int_equal(m.rwin, 4);
	assert_true(l2tp_msg_has(&m, L2TP_AVP_TUNNEL_ID));
	assert_false(l2tp_msg_has(&m, L2TP_AVP_CHALLENGE));
}

static void
test_header_rejects(void **state)
{
	struct l2tp_hdr h;
	uint8_t b[sizeof(sccrq)];

	(void)state;
	memcpy(b, sccrq, sizeof(b));
	b[1] = 0x03;				/* version 3 */
	assert_int_equal(l2tp_hdr_parse(b, sizeof(b), &h), L2TP_E_VERSION);
	memcpy(b, sccrq, sizeof(b));
	b[0] = 0x88;				/* T without L */
	assert_int_equal(l2tp_hdr_parse(b, sizeof(b), &h), L2TP_E_FLAGS);
	memcpy(b, sccrq, sizeof(b));
	b[3] = 0xff;				/* length beyond */
	assert_int_equal(l2tp_hdr_parse(b, sizeof(b), &h), L2TP_E_LENGTH);
	assert_int_equal(l2tp_hdr_parse(sccrq, 5, &h), L2TP_E_SHORT);
	assert_int_equal(l2tp_hdr_parse(sccrq, 9, &h), L2TP_E_SHORT);
}

static void
test_data_header(void **state)
{
	uint8_t b[64];
	struct l2tp_hdr h;
	size_t n;

	(void)state;
	n = l2tp_data_hdr(b, true, true, 7, 9, 3, 4, 10);
	assert_int_equal(n, 12);
	memset(b + n, 0xff, 10);
	assert_int_equal(l2tp_hdr_parse(b, n + 10, &h), L2TP_OK);
	assert_false(h.ctrl);
	assert_true(h.has_seq);
	assert_int_equal(h.tid, 7);
	assert_int_equal(h.sid, 9);
	assert_int_equal(h.ns, 3);
	assert_int_equal(h.nr, 4);
	assert_int_equal(h.end - h.off, 10);
	n = l2tp_data_hdr(b, false, false, 7, 9, 0, 0, 10);
	assert_int_equal(n, 6);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0x02);
	/* an offset field is skipped */
	{
		static const uint8_t off[] = { 0x02, 0x02, 0, 1, 0, 2, 0, 2,
			0xaa, 0xbb, 0xff, 0x03 };
		assert_int_equal(l2tp_hdr_parse(off, sizeof(off), &h),
		    L2TP_OK);
		assert_int_equal(h.off, 10);
	}
}

static void
test_avp_rejects(void **state)
{
	static struct l2tp_msg m;
	uint8_t b[64];

	(void)state;
	/* length 5 */
	memcpy(b, sccrq + 12, 16);
	b[9] = 0x05;
	assert_int_equal(l2tp_msg_parse(b, 16, NULL, &m), L2TP_E_AVP);
	/* length beyond the message */
	memcpy(b, sccrq + 12, 16);
	b[9] = 0x20;
	assert_int_equal(l2tp_msg_parse(b, 16, NULL, &m), L2TP_E_AVP);
	/* truncated AVP header */
	assert_int_equal(l2tp_msg_parse(sccrq + 12, 11, NULL, &m), L2TP_E_AVP);
	/* unknown mandatory type 200 */
	memcpy(b, sccrq + 12, 8);
	memcpy(b + 8, (const uint8_t []){ 0x80, 0x07, 0, 0, 0, 200, 1 }, 7);
	assert_int_equal(l2tp_msg_parse(b, 15, NULL, &m), L2TP_E_MANDATORY);
	assert_int_equal(m.unknown_type, 200);
	/* the same without M is skipped */
	b[8] = 0x00;
	assert_int_equal(l2tp_msg_parse(b, 15, NULL, &m), L2TP_OK);
	/* mandatory vendor AVP */
	memcpy(b + 8, (const uint8_t []){ 0x80, 0x07, 0, 9, 0, 1, 1 }, 7);
	assert_int_equal(l2tp_msg_parse(b, 15, NULL, &m), L2TP_E_MANDATORY);
	/* first AVP not a Message Type */
	assert_int_equal(l2tp_msg_parse(sccrq + 20, 8, NULL, &m),
	    L2TP_E_MSGTYPE);
	/* Assigned Tunnel ID of 3 bytes */
	memcpy(b + 8, (const uint8_t []){ 0x80, 0x09, 0, 0, 0, 9, 1, 2, 3 },
	    9);
	assert_int_equal(l2tp_msg_parse(b, 17, NULL, &m), L2TP_E_VALUE);
	/* an empty list is a ZLB */
	assert_int_equal(l2tp_msg_parse(b, 0, NULL, &m), L2TP_OK);
	assert_int_equal(m.type, 0);
}

/* MD5 chain bytes computed with Python hashlib (see file header). */
static const uint8_t hid_sid[] = { 0x3b, 0x5b, 0xf1, 0x6b };
static const uint8_t hid_host[] = { 0x69, 0xef, 0xe3, 0xfe, 0xec, 0x85,
	0xbf, 0x11, 0xb7, 0x57, 0x4b, 0x8e, 0x6c, 0x2d, 0x64, 0xec, 0x87, 0x43,
	0x35, 0x89, 0x12, 0x76, 0xf0, 0x96, 0xdc, 0x6c, 0x3b, 0x16, 0xbd, 0xeb,
	0x04, 0xa6, 0xf7, 0x86, 0x50, 0xa2, 0x73, 0xbe, 0x8c, 0x0a, 0x50,
	0x82 };
static const char host40[] = "lac.example.net-with-a-long-host-name-xx";

static void
test_hide_vectors(void **state)
{
	uint8_t out[128];
	const uint8_t sid[2] = { 0x12, 0x34 };
	int n;

	(void)state;
	assert_int_equal(l2tp_hide(14, "secret", rv16, 16, sid, 2, 0, out,
	    sizeof(out)), 4);
	assert_memory_equal(out, hid_sid, 4);
	assert_int_equal(l2tp_hide(7, "secret", rv16, 16,
	    (const uint8_t *)host40, 40, 0, out, sizeof(out)), 42);
	assert_memory_equal(out, hid_host, 42);
	n = l2tp_reveal(7, "secret", rv16, 16, hid_host, 42, out, sizeof(out));
	assert_int_equal(n, 40);
	assert_memory_equal(out, host40, 40);
	/* padding is allowed and removed */
	n = (int)l2tp_hide(14, "secret", rv16, 16, sid, 2, 13, out, 64);
	assert_int_equal(n, 17);
	{
		uint8_t v[8];

		assert_int_equal(l2tp_reveal(14, "secret", rv16, 16, out,
		    (size_t)n, v, sizeof(v)), 2);
		assert_memory_equal(v, sid, 2);
	}
	/* wrong secret: the embedded length does not fit */
	assert_int_equal(l2tp_reveal(7, "wrong", rv16, 16, hid_host, 42, out,
	    sizeof(out)), -1);
}

static void
test_hidden_in_message(void **state)
{
	static struct l2tp_msg m;
	uint8_t buf[256];
	struct l2tp_wr w;
	struct l2tp_hdr h;
	size_t n;

	(void)state;
	l2tp_wr_init(&w, buf, sizeof(buf));
	l2tp_wr_u16(&w, true, L2TP_AVP_MSG_TYPE, L2TP_ICRQ);
	l2tp_wr_avp(&w, true, L2TP_AVP_RANDOM, rv16, 16);
	l2tp_wr_hidden(&w, true, L2TP_AVP_SESSION_ID, "\x12\x34", 2, "secret",
	    rv16, 16);
	l2tp_wr_hidden(&w, false, L2TP_AVP_CALLING, "5551234", 7, "secret",
	    rv16, 16);
	l2tp_wr_u32(&w, true, L2TP_AVP_SERIAL, 77);
	n = l2tp_wr_finish(&w, 5, 0, 1, 2);
	assert_true(n > 0);
	assert_int_equal(l2tp_hdr_parse(buf, n, &h), L2TP_OK);
	assert_int_equal(h.tid, 5);
	assert_int_equal(h.ns, 1);
	assert_int_equal(h.nr, 2);
	/* the hidden session id is byte for byte the Python vector */
	assert_memory_equal(buf + 12 + 8 + 22 + 6, hid_sid, 4);
	assert_int_equal(l2tp_msg_parse(buf + 12, n - 12, "secret", &m),
	    L2TP_OK);
	assert_int_equal(m.type, L2TP_ICRQ);
	assert_int_equal(m.session_id, 0x1234);
	assert_int_equal(m.hidden_count, 2);
	assert_int_equal(m.calling.len, 7);
	assert_memory_equal(m.calling.p, "5551234", 7);
	assert_int_equal(m.serial, 77);
	/* no secret: a hidden mandatory AVP cannot be read */
	assert_int_equal(l2tp_msg_parse(buf + 12, n - 12, NULL, &m),
	    L2TP_E_HIDDEN);
	/* without the Random Vector before it */
	memmove(buf + 20, buf + 42, n - 42);
	assert_int_equal(l2tp_msg_parse(buf + 12, n - 12 - 22, "secret", &m),
	    L2TP_E_HIDDEN);
}

static void
test_chal_response(void **state)
{
	static const uint8_t expect[16] = { 0x83, 0xab, 0xc7, 0x67, 0x11, 0x86,
		0x32, 0xbe, 0xb4, 0xd2, 0x1a, 0xbe, 0xf1, 0x05, 0xde, 0x01 };
	uint8_t chal[16], out[16];
	int i;

	(void)state;
	for (i = 0; i < 16; i++)
		chal[i] = (uint8_t)(16 + i);
	l2tp_chal_response(L2TP_SCCRP, "secret", chal, 16, out);
	assert_memory_equal(out, expect, 16);
}

static void
test_writer(void **state)
{
	uint8_t buf[40];
	struct l2tp_wr w;
	static struct l2tp_msg m;
	size_t n;

	(void)state;
	l2tp_wr_init(&w, buf, sizeof(buf));
	l2tp_wr_u16(&w, true, L2TP_AVP_MSG_TYPE, L2TP_STOPCCN);
	l2tp_wr_u16(&w, true, L2TP_AVP_TUNNEL_ID, 9);
	l2tp_wr_result(&w, L2TP_RES_STOP_AUTH, 0, NULL);
	n = l2tp_wr_finish(&w, 3, 0, 4, 5);
	assert_int_equal(n, 12 + 8 + 8 + 8);
	assert_int_equal(l2tp_msg_parse(buf + 12, n - 12, NULL, &m), L2TP_OK);
	assert_int_equal(m.result, L2TP_RES_STOP_AUTH);
	assert_true(l2tp_msg_has(&m, L2TP_AVP_RESULT));
	/* out of room */
	l2tp_wr_result(&w, 2, 6, "a long error message that will not fit");
	assert_int_equal(l2tp_wr_finish(&w, 3, 0, 4, 5), 0);
	assert_string_equal(l2tp_msg_name(L2TP_ICCN), "ICCN");
	assert_string_equal(l2tp_msg_name(0), "ZLB");
	assert_string_equal(l2tp_msg_name(99), "UNKNOWN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctrl_header),
		cmocka_unit_test(test_sccrq_avps),
		cmocka_unit_test(test_header_rejects),
		cmocka_unit_test(test_data_header),
		cmocka_unit_test(test_avp_rejects),
		cmocka_unit_test(test_hide_vectors),
		cmocka_unit_test(test_hidden_in_message),
		cmocka_unit_test(test_chal_response),
		cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
