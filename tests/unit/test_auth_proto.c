/*
 * test_auth_proto.c - the PAP/CHAP/EAP wire codecs (auth_proto.h): round
 * trips, exact bytes, and every truncation and bad length rejected
 * without reading past the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth_proto.h"

/* Copy into an exact-size heap buffer, so ASan sees over-reads. */
static uint8_t *
dup(const void *p, size_t n)
{
	uint8_t *b = malloc(n > 0 ? n : 1);

	memcpy(b, p, n);
	return b;
}

static void
test_hdr(void **state)
{
	static const uint8_t ok[] = { 1, 7, 0, 6, 0xaa, 0xbb, 0xcc, 0xdd };
	struct auth_hdr h;
	uint8_t buf[16], *p;
	size_t i;

	(void)state;
	/* padding after Length is ignored */
	p = dup(ok, sizeof(ok));
	assert_int_equal(auth_hdr_parse(p, sizeof(ok), &h), 0);
	assert_int_equal(h.code, 1);
	assert_int_equal(h.id, 7);
	assert_int_equal(h.len, 2);
	assert_int_equal(h.data[0], 0xaa);
	/* every truncation below the Length fails */
	for (i = 0; i < 6; i++)
		assert_int_equal(auth_hdr_parse(p, i, &h), -1);
	/* Length below the header, above the data */
	p[3] = 3;
	assert_int_equal(auth_hdr_parse(p, sizeof(ok), &h), -1);
	p[3] = 9;
	assert_int_equal(auth_hdr_parse(p, sizeof(ok), &h), -1);
	p[2] = 1;
	p[3] = 0;
	assert_int_equal(auth_hdr_parse(p, sizeof(ok), &h), -1);
	free(p);

	assert_int_equal(auth_hdr_build(buf, sizeof(buf), 3, 9, "ab", 2), 6);
	assert_memory_equal(buf, "\x03\x09\x00\x06" "ab", 6);
	assert_int_equal(auth_hdr_build(buf, 5, 3, 9, "ab", 2), 0);
}

static void
test_pap(void **state)
{
	struct pap_request r;
	struct auth_hdr h;
	uint8_t buf[600], *p;
	const uint8_t *msg;
	size_t n, i, ml;
	char big[300];

	(void)state;
	n = pap_build_request(buf, sizeof(buf), 1, "user", "pw");
	/* the example of the log: "PAP: rec'd REQUEST #1 len: 12" */
	assert_int_equal(n, 4 + 1 + 4 + 1 + 2);
	assert_memory_equal(buf, "\x01\x01\x00\x0c\x04user\x02pw", n);
	p = dup(buf, n);
	assert_int_equal(auth_hdr_parse(p, n, &h), 0);
	assert_int_equal(pap_parse_request(h.data, h.len, &r), 0);
	assert_int_equal(r.name_len, 4);
	assert_memory_equal(r.name, "user", 4);
	assert_int_equal(r.pass_len, 2);
	assert_memory_equal(r.pass, "pw", 2);
	/* truncated anywhere */
	for (i = 0; i < h.len; i++)
		assert_int_equal(pap_parse_request(h.data, i, &r), -1);
	free(p);

	/* empty name and password are well-formed */
	assert_int_equal(pap_parse_request((const uint8_t *)"\0\0", 2, &r), 0);
	assert_int_equal(r.name_len, 0);
	/* Peer-ID-Length beyond the data */
	p = dup("\x05" "ab\x01x", 5);
	assert_int_equal(pap_parse_request(p, 5, &r), -1);
	free(p);

	/* 255 is the limit of both fields */
	memset(big, 'a', 255);
	big[255] = '\0';
	assert_true(pap_build_request(buf, sizeof(buf), 2, big, big) > 0);
	big[255] = 'a';
	big[256] = '\0';
	assert_int_equal(pap_build_request(buf, sizeof(buf), 2, big, ""), 0);
	assert_int_equal(pap_build_request(buf, 10, 2, "user", "pw"), 0);

	/* Ack with a message; clamp a lying Msg-Length */
	n = pap_build_reply(buf, sizeof(buf), PAP_ACK, 1, "Welcome");
	assert_int_equal(n, 4 + 1 + 7);
	assert_int_equal(buf[4], 7);
	pap_parse_reply(buf + 4, n - 4, &msg, &ml);
	assert_int_equal(ml, 7);
	assert_memory_equal(msg, "Welcome", 7);
	p = dup("\x50" "abc", 4);
	pap_parse_reply(p, 4, &msg, &ml);
	assert_int_equal(ml, 3);
	pap_parse_reply(p, 0, &msg, &ml);
	assert_int_equal(ml, 0);
	free(p);
}

static void
test_chap(void **state)
{
	static const uint8_t val[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	    12, 13, 14, 15, 16 };
	struct chap_value v;
	struct auth_hdr h;
	uint8_t buf[512], *p;
	size_t n, i;
	int e, r;

	(void)state;
	n = chap_build_value(buf, sizeof(buf), CHAP_CHALLENGE, 5, val, 16,
	    "srv");
	assert_int_equal(n, 4 + 1 + 16 + 3);
	assert_int_equal(buf[4], 16);
	p = dup(buf, n);
	assert_int_equal(auth_hdr_parse(p, n, &h), 0);
	assert_int_equal(h.code, CHAP_CHALLENGE);
	assert_int_equal(chap_parse_value(h.data, h.len, &v), 0);
	assert_int_equal(v.value_len, 16);
	assert_memory_equal(v.value, val, 16);
	assert_int_equal(v.name_len, 3);
	assert_memory_equal(v.name, "srv", 3);
	/* Value-Size past the end, or zero */
	for (i = 0; i < 17; i++)
		assert_int_equal(chap_parse_value(h.data, i, &v), -1);
	assert_int_equal(chap_parse_value(h.data, 17, &v), 0);
	assert_int_equal(v.name_len, 0);
	free(p);
	p = dup("\0abc", 4);
	assert_int_equal(chap_parse_value(p, 4, &v), -1);
	free(p);
	assert_int_equal(chap_build_value(buf, sizeof(buf), 1, 1, val, 0,
	    "x"), 0);

	n = chap_build_msg(buf, sizeof(buf), CHAP_FAILURE, 2,
	    "E=691 R=0 M=Login incorrect");
	assert_int_equal(n, 4 + 27);
	assert_int_equal(mschap_parse_failure(buf + 4, n - 4, &e, &r), 0);
	assert_int_equal(e, 691);
	assert_int_equal(r, 0);
	assert_int_equal(mschap_parse_failure((const uint8_t *)"E=646 R=1",
	    9, &e, &r), 0);
	assert_int_equal(e, 646);
	assert_int_equal(r, 1);
	assert_int_equal(mschap_parse_failure((const uint8_t *)"E=", 2, &e,
	    &r), -1);
	assert_int_equal(mschap_parse_failure((const uint8_t *)"E=x", 3, &e,
	    &r), -1);
	assert_int_equal(mschap_parse_failure((const uint8_t *)"Welcome", 7,
	    &e, &r), -1);
}

static void
test_eap(void **state)
{
	struct eap_pkt e;
	uint8_t buf[64], *p;
	size_t n;

	(void)state;
	n = eap_build(buf, sizeof(buf), EAP_REQUEST, 1, EAP_TYPE_IDENTITY,
	    NULL, 0);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "\x01\x01\x00\x05\x01", 5);
	n = eap_build(buf, sizeof(buf), EAP_RESPONSE, 1, EAP_TYPE_IDENTITY,
	    "bob", 3);
	p = dup(buf, n);
	assert_int_equal(eap_parse(p, n, &e), 0);
	assert_int_equal(e.code, EAP_RESPONSE);
	assert_int_equal(e.type, EAP_TYPE_IDENTITY);
	assert_int_equal(e.len, 3);
	assert_memory_equal(e.data, "bob", 3);
	free(p);

	/* Success/Failure are 4 bytes, whatever we are asked to add */
	n = eap_build(buf, sizeof(buf), EAP_SUCCESS, 9, EAP_TYPE_MD5, "x", 1);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "\x03\x09\x00\x04", 4);
	assert_int_equal(eap_parse(buf, n, &e), 0);
	assert_int_equal(e.code, EAP_SUCCESS);

	/* a Request without its Type is malformed */
	p = dup("\x01\x01\x00\x04", 4);
	assert_int_equal(eap_parse(p, 4, &e), -1);
	free(p);
	p = dup("\x02\x01\x00\x07\x04", 5);
	assert_int_equal(eap_parse(p, 5, &e), -1);
	free(p);

	assert_string_equal(eap_type_name(EAP_TYPE_MD5), "MD5 Challenge");
	assert_string_equal(eap_type_name(200), "UNKNOWN");
}

static void
test_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(pap_code_name(PAP_REQUEST, b, sizeof(b)),
	    "REQUEST");
	assert_string_equal(pap_code_name(9, b, sizeof(b)), "code9");
	assert_string_equal(chap_code_name(CHAP_SUCCESS, b, sizeof(b)),
	    "SUCCESS");
	assert_string_equal(chap_code_name(0, b, sizeof(b)), "code0");
	assert_string_equal(eap_code_name(EAP_FAILURE, b, sizeof(b)),
	    "FAILURE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_pap),
		cmocka_unit_test(test_chap),
		cmocka_unit_test(test_eap),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
