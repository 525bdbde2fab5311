/*
 * test_pppoe_proto.c - the PPPoE codec of link/pppoe_proto.c (RFC 2516,
 * RFC 4638, DSL-Forum TR-101 vendor tags) and the stateless AC-Cookie.
 *
 * Hand-built discovery and session frames: every tag the daemon uses,
 * multiple Service-Names, End-Of-List, Ethernet padding; and the
 * rejections: short header, wrong version/type, unknown code, length
 * beyond the frame, truncated tag header, tag length overflowing the
 * payload, malformed PPP-Max-Payload and Vendor-Specific.  Builder output
 * is compared byte for byte; cookies are checked against key, MAC,
 * Host-Uniq and time bucket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "link/pppoe_proto.h"

/* PADI: Service-Name "" , Host-Uniq 01 02 03 04, Max-Payload 1500. */
static const uint8_t padi[] = {
	0x11, 0x09, 0x00, 0x00, 0x00, 0x12,
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
	0x01, 0x20, 0x00, 0x02, 0x05, 0xdc,
};

/* PADR with two Service-Names, cookie, relay id, DSL-Forum tags, EOL. */
static const uint8_t padr[] = {
	0x11, 0x19, 0x00, 0x00, 0x00, 0x3d,
	0x01, 0x01, 0x00, 0x03, 'i', 's', 'p',
	0x01, 0x01, 0x00, 0x02, 'v', 'o',
	0x01, 0x04, 0x00, 0x03, 0xaa, 0xbb, 0xcc,
	0x01, 0x10, 0x00, 0x02, 0x12, 0x34,
	0x01, 0x05, 0x00, 0x11, 0x00, 0x00, 0x0d, 0xe9,
	    0x01, 0x04, 'c', 'i', 'r', 'c',
	    0x02, 0x05, 'r', 'e', 'm', 'o', 't',
	0x01, 0x02, 0x00, 0x02, 'a', 'c',
	0x00, 0x00, 0x00, 0x00,
	/* after End-Of-List: ignored even though it would be malformed */
	0x01, 0x20, 0x00, 0x00,
};

static void
test_parse_padi(void **state)
{
	struct pppoe_disc d;

	(void)state;
	assert_int_equal(pppoe_disc_parse(padi, sizeof(padi), &d), PPPOE_OK);
	assert_int_equal(d.code, PPPOE_CODE_PADI);
	assert_int_equal(d.session, 0);
	assert_int_equal(d.nservices, 1);
	assert_true(d.service[0].present);
	assert_int_equal(d.service[0].len, 0);
	assert_true(d.host_uniq.present);
	assert_int_equal(d.host_uniq.len, 4);
	assert_memory_equal(d.host_uniq.p, "\x01\x02\x03\x04", 4);
	assert_true(d.has_max_payload);
	assert_int_equal(d.max_payload, 1500);
	assert_false(d.cookie.present);
	assert_false(d.ac_name.present);
}

static void
test_parse_padr_tags(void **state)
{
	struct pppoe_disc d;

	(void)state;
	assert_int_equal(pppoe_disc_parse(padr, sizeof(padr), &d), PPPOE_OK);
	assert_int_equal(d.code, PPPOE_CODE_PADR);
	assert_int_equal(d.nservices, 2);
	assert_int_equal(d.service[0].len, 3);
	assert_memory_equal(d.service[0].p, "isp", 3);
	assert_memory_equal(d.service[1].p, "vo", 2);
	assert_int_equal(d.cookie.len, 3);
	assert_int_equal(d.relay_sid.len, 2);
	assert_true(d.circuit_id.present);
	assert_int_equal(d.circuit_id.len, 4);
	assert_memory_equal(d.circuit_id.p, "circ", 4);
	assert_int_equal(d.remote_id.len, 5);
	assert_memory_equal(d.remote_id.p, "remot", 5);
	assert_memory_equal(d.ac_name.p, "ac", 2);
	assert_false(d.has_max_payload);
}

static void
test_parse_padding_ignored(void **state)
{
	uint8_t f[sizeof(padi) + 20];
	struct pppoe_disc d;

	(void)state;
	memset(f, 0xee, sizeof(f));
	memcpy(f, padi, sizeof(padi));
	assert_int_equal(pppoe_disc_parse(f, sizeof(f), &d), PPPOE_OK);
	assert_true(d.has_max_payload);
}

static void
test_parse_errors(void **state)
{
	uint8_t f[64];
	struct pppoe_disc d;

	(void)state;
	assert_int_equal(pppoe_disc_parse(padi, 5, &d), PPPOE_E_SHORT);
	assert_int_equal(pppoe_disc_parse(NULL, 0, &d), PPPOE_E_SHORT);
	/* version / type */
	memcpy(f, padi, sizeof(padi));
	f[0] = 0x21;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d),
	    PPPOE_E_VERTYPE);
	f[0] = 0x12;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d),
	    PPPOE_E_VERTYPE);
	/* unknown code, and session code on the discovery path */
	memcpy(f, padi, sizeof(padi));
	f[1] = 0x42;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d), PPPOE_E_CODE);
	f[1] = 0x00;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d), PPPOE_E_CODE);
	/* length field beyond the frame */
	memcpy(f, padi, sizeof(padi));
	f[5] = 0x13;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d),
	    PPPOE_E_LENGTH);
	/* tag header truncated: payload ends 2 bytes into a tag */
	memcpy(f, padi, sizeof(padi));
	f[5] = 0x14;
	f[24] = 0x01;
	f[25] = 0x02;
	assert_int_equal(pppoe_disc_parse(f, 26, &d), PPPOE_E_TAG);
	/* tag length overflowing the payload */
	memcpy(f, padi, sizeof(padi));
	f[13] = 0x40;		/* Host-Uniq claims 64 bytes */
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi), &d), PPPOE_E_TAG);
	/* PPP-Max-Payload of the wrong size */
	memcpy(f, padi, sizeof(padi));
	f[21] = 0x01;
	f[5] = 0x11;
	assert_int_equal(pppoe_disc_parse(f, sizeof(padi) - 1, &d),
	    PPPOE_E_TAGVAL);
}

static void
test_parse_vendor_errors(void **state)
{
	/* Vendor-Specific shorter than the vendor id */
	static const uint8_t v1[] = {
		0x11, 0x09, 0x00, 0x00, 0x00, 0x06,
		0x01, 0x05, 0x00, 0x02, 0x00, 0x00,
	};
	/* DSL-Forum sub-tag overflowing the tag */
	static const uint8_t v2[] = {
		0x11, 0x09, 0x00, 0x00, 0x00, 0x0c,
		0x01, 0x05, 0x00, 0x08, 0x00, 0x00, 0x0d, 0xe9,
		0x01, 0x09, 'a', 'b',
	};
	/* another vendor: skipped whatever is inside */
	static const uint8_t v3[] = {
		0x11, 0x09, 0x00, 0x00, 0x00, 0x0a,
		0x01, 0x05, 0x00, 0x06, 0x00, 0x00, 0x00, 0x09, 0xff, 0xff,
	};
	struct pppoe_disc d;

	(void)state;
	assert_int_equal(pppoe_disc_parse(v1, sizeof(v1), &d),
	    PPPOE_E_TAGVAL);
	assert_int_equal(pppoe_disc_parse(v2, sizeof(v2), &d),
	    PPPOE_E_TAGVAL);
	assert_int_equal(pppoe_disc_parse(v3, sizeof(v3), &d), PPPOE_OK);
	assert_false(d.circuit_id.present);
}

static void
test_build_roundtrip(void **state)
{
	uint8_t buf[128];
	struct pppoe_builder b;
	struct pppoe_disc d;
	size_t n;

	(void)state;
	pppoe_build_init(&b, buf, sizeof(buf), PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, "", 0);
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, "\x01\x02\x03\x04", 4);
	pppoe_build_u16_tag(&b, PPPOE_TAG_MAX_PAYLOAD, 1500);
	n = pppoe_build_finish(&b);
	assert_int_equal(n, sizeof(padi));
	assert_memory_equal(buf, padi, sizeof(padi));

	pppoe_build_init(&b, buf, sizeof(buf), PPPOE_CODE_PADS, 0x1234);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, "isp", 3);
	n = pppoe_build_finish(&b);
	assert_int_equal(n, 13);
	assert_int_equal(pppoe_disc_parse(buf, n, &d), PPPOE_OK);
	assert_int_equal(d.code, PPPOE_CODE_PADS);
	assert_int_equal(d.session, 0x1234);
	assert_memory_equal(d.service[0].p, "isp", 3);
}

static void
test_build_overflow(void **state)
{
	uint8_t buf[16];
	struct pppoe_builder b;

	(void)state;
	pppoe_build_init(&b, buf, sizeof(buf), PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE, "0123456789", 10);
	assert_int_equal(pppoe_build_finish(&b), 0);
	pppoe_build_init(&b, buf, 4, PPPOE_CODE_PADI, 0);
	assert_int_equal(pppoe_build_finish(&b), 0);
}

static void
test_session_header(void **state)
{
	uint8_t f[16] = { 0 };
	uint16_t sid, plen;

	(void)state;
	pppoe_sess_build(f, 0xbeef, 4);
	assert_memory_equal(f, "\x11\x00\xbe\xef\x00\x04", 6);
	assert_int_equal(pppoe_sess_parse(f, 10, &sid, &plen), PPPOE_OK);
	assert_int_equal(sid, 0xbeef);
	assert_int_equal(plen, 4);
	/* padding after the payload is fine */
	assert_int_equal(pppoe_sess_parse(f, 16, &sid, &plen), PPPOE_OK);
	assert_int_equal(plen, 4);
	assert_int_equal(pppoe_sess_parse(f, 9, &sid, &plen), PPPOE_E_LENGTH);
	assert_int_equal(pppoe_sess_parse(f, 5, &sid, &plen), PPPOE_E_SHORT);
	f[1] = PPPOE_CODE_PADT;
	assert_int_equal(pppoe_sess_parse(f, 10, &sid, &plen), PPPOE_E_CODE);
	f[1] = 0;
	f[0] = 0x10;
	assert_int_equal(pppoe_sess_parse(f, 10, &sid, &plen),
	    PPPOE_E_VERTYPE);
}

static void
test_cookie(void **state)
{
	uint8_t key[PPPOE_COOKIE_KEYLEN], key2[PPPOE_COOKIE_KEYLEN];
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t c[PPPOE_COOKIE_LEN];

	(void)state;
	memset(key, 0x5a, sizeof(key));
	memset(key2, 0x5b, sizeof(key2));
	pppoe_cookie_make(key, mac, (const uint8_t *)"hu", 2, 1000, c);
	assert_true(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    1000, c, sizeof(c)));
	/* the previous bucket is still fine, older ones and future not */
	assert_true(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    1001, c, sizeof(c)));
	assert_false(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    1002, c, sizeof(c)));
	assert_false(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    999, c, sizeof(c)));
	/* another MAC, Host-Uniq or key */
	assert_false(pppoe_cookie_check(key, mac2, (const uint8_t *)"hu", 2,
	    1000, c, sizeof(c)));
	assert_false(pppoe_cookie_check(key, mac, (const uint8_t *)"hv", 2,
	    1000, c, sizeof(c)));
	assert_false(pppoe_cookie_check(key2, mac, (const uint8_t *)"hu", 2,
	    1000, c, sizeof(c)));
	/* truncated, forged */
	assert_false(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    1000, c, sizeof(c) - 1));
	c[10] ^= 1;
	assert_false(pppoe_cookie_check(key, mac, (const uint8_t *)"hu", 2,
	    1000, c, sizeof(c)));
	/* no Host-Uniq */
	pppoe_cookie_make(key, mac, NULL, 0, 7, c);
	assert_true(pppoe_cookie_check(key, mac, NULL, 0, 7, c, sizeof(c)));
	assert_false(pppoe_cookie_check(key, mac, NULL, 0, 7, NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_padi),
		cmocka_unit_test(test_parse_padr_tags),
		cmocka_unit_test(test_parse_padding_ignored),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_vendor_errors),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_build_overflow),
		cmocka_unit_test(test_session_header),
		cmocka_unit_test(test_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
