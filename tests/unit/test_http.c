/*
 * test_http.c - unit tests for the pure HTTP helpers of src/ctl/http.c:
 * head framing, request parsing and its error statuses, query splitting,
 * percent-decoding/encoding, base64 and Basic credentials, HTML and JSON
 * escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/http.h"

#define S(lit)	(lit), (sizeof(lit) - 1)

static bool
slice_is(struct http_slice s, const char *want)
{
	return s.p != NULL && s.len == strlen(want) &&
	    memcmp(s.p, want, s.len) == 0;
}

/* ---- head framing ---- */

static void
test_head_length(void **state)
{
	(void)state;
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\r\n\r\n")), 18);
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\n\n")), 16);
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\n\r\nX")), 17);
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\r\nA: b\r\n")), 0);
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\r\n\r")), 0);
	assert_int_equal(http_head_length(S("")), 0);
	/* the body after the head is not counted */
	assert_int_equal(http_head_length(S("GET / HTTP/1.0\r\n\r\nbody")),
	    18);
}

/* ---- request parsing ---- */

static void
test_parse_simple(void **state)
{
	static const char req_s[] = "GET /cmd?show%20link&help HTTP/1.1\r\n"
	    "Host: localhost:5006\r\n"
	    "Authorization:   Basic Zm9vOmJhcg==  \r\n"
	    "User-Agent: test\r\n\r\n";
	struct http_request req;

	(void)state;
	assert_int_equal(http_parse_request(req_s, sizeof(req_s) - 1, &req),
	    0);
	assert_true(slice_is(req.method, "GET"));
	assert_true(slice_is(req.target, "/cmd?show%20link&help"));
	assert_true(slice_is(req.path, "/cmd"));
	assert_true(slice_is(req.query, "show%20link&help"));
	assert_int_equal(req.vmajor, 1);
	assert_int_equal(req.vminor, 1);
	assert_true(slice_is(req.host, "localhost:5006"));
	assert_true(slice_is(req.authorization, "Basic Zm9vOmJhcg=="));
	assert_int_equal(req.nheaders, 3);
	assert_int_equal(req.content_length, 0);
	assert_false(req.chunked);
	assert_true(http_slice_eq(req.path, "/cmd"));
	assert_false(http_slice_eq(req.path, "/cm"));
}

static void
test_parse_forms(void **state)
{
	struct http_request req;

	(void)state;
	/* no query */
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\n\n"), &req), 0);
	assert_true(slice_is(req.path, "/"));
	assert_null(req.query.p);
	/* empty query */
	assert_int_equal(http_parse_request(S("GET /json? HTTP/1.0\r\n\r\n"),
	    &req), 0);
	assert_true(slice_is(req.path, "/json"));
	assert_non_null(req.query.p);
	assert_int_equal(req.query.len, 0);
	/* absolute-form */
	assert_int_equal(http_parse_request(
	    S("GET http://h:5006/cmd?x HTTP/1.1\r\n\r\n"), &req), 0);
	assert_true(slice_is(req.path, "/cmd"));
	assert_true(slice_is(req.query, "x"));
	assert_int_equal(http_parse_request(
	    S("GET HTTP://h?q HTTP/1.1\r\n\r\n"), &req), 0);
	assert_true(slice_is(req.path, "/"));
	assert_true(slice_is(req.query, "q"));
	/* missing final blank line is tolerated by the parser */
	assert_int_equal(http_parse_request(S("HEAD /mpd.css HTTP/1.0"), &req),
	    0);
	assert_true(slice_is(req.method, "HEAD"));
	/* content length and chunked are reported */
	assert_int_equal(http_parse_request(S("POST / HTTP/1.1\r\n"
	    "Content-Length: 12\r\ncontent-length: 12\r\n\r\n"), &req), 0);
	assert_int_equal(req.content_length, 12);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), &req), 0);
	assert_true(req.chunked);
}

static void
test_parse_errors(void **state)
{
	struct http_request req;
	char big[HTTP_MAX_HEAD];
	size_t o;
	int i;

	(void)state;
	assert_int_equal(http_parse_request(NULL, 0, &req), 400);
	assert_int_equal(http_parse_request(S("\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET /\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET  / HTTP/1.0\r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0 \r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/2.0\r\n\r\n"), &req),
	    505);
	assert_int_equal(http_parse_request(S("GET / HTTP/0.9\r\n\r\n"), &req),
	    505);
	assert_int_equal(http_parse_request(S("GET / HTTX/1.0\r\n\r\n"), &req),
	    400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.10\r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET x HTTP/1.0\r\n\r\n"), &req),
	    400);
	assert_int_equal(http_parse_request(S("GET * HTTP/1.0\r\n\r\n"), &req),
	    400);
	assert_int_equal(http_parse_request(S("GET http:// HTTP/1.0\r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("G(T / HTTP/1.0\r\n\r\n"), &req),
	    400);
	assert_int_equal(http_parse_request(S("GET /\x7f HTTP/1.0\r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET /\xc3\xa9 HTTP/1.0\r\n\r\n"),
	    &req), 400);
	/* NUL anywhere, bare CR, folding, bad names and values */
	assert_int_equal(http_parse_request("GET / HTTP/1.0\r\n\0\r\n\r\n", 20,
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\rX\r\n\r\n"),
	    &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "A: b\r\n c\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "A b\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    ": b\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "A : b\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "A: b\x01\r\n\r\n"), &req), 400);
	/* duplicates and bad lengths */
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "Authorization: a\r\nauthorization: b\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "Content-Length: -1\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "Content-Length: 99999999999999999999\r\n\r\n"), &req), 400);
	assert_int_equal(http_parse_request(S("GET / HTTP/1.0\r\n"
	    "Content-Length:\r\n\r\n"), &req), 400);
	/* too many header lines */
	o = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.0\r\n");
	for (i = 0; i <= HTTP_MAX_HEADERS; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "X: y\r\n");
	o += (size_t)snprintf(big + o, sizeof(big) - o, "\r\n");
	assert_int_equal(http_parse_request(big, o, &req), 431);
}

/* ---- query splitting ---- */

static void
test_query_next(void **state)
{
	static const char q[] = "&&a&bc&&d&";
	struct http_slice part;
	size_t pos = 0;

	(void)state;
	assert_true(http_query_next(q, sizeof(q) - 1, &pos, &part));
	assert_true(slice_is(part, "a"));
	assert_true(http_query_next(q, sizeof(q) - 1, &pos, &part));
	assert_true(slice_is(part, "bc"));
	assert_true(http_query_next(q, sizeof(q) - 1, &pos, &part));
	assert_true(slice_is(part, "d"));
	assert_false(http_query_next(q, sizeof(q) - 1, &pos, &part));
	assert_false(http_query_next(q, sizeof(q) - 1, &pos, &part));
	pos = 0;
	assert_false(http_query_next("", 0, &pos, &part));
	pos = 0;
	assert_false(http_query_next("&&&", 3, &pos, &part));
}

/* ---- percent-encoding ---- */

static void
test_url_decode(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(http_url_decode(S("show%20link"), out, sizeof(out),
	    true), 9);
	assert_string_equal(out, "show link");
	assert_int_equal(http_url_decode(S("a+b%2Bc"), out, sizeof(out), true),
	    5);
	assert_string_equal(out, "a b+c");
	assert_int_equal(http_url_decode(S("a+b"), out, sizeof(out), false),
	    3);
	assert_string_equal(out, "a+b");
	/* malformed escapes are kept literally */
	assert_int_equal(http_url_decode(S("100%"), out, sizeof(out), true), 4);
	assert_string_equal(out, "100%");
	assert_int_equal(http_url_decode(S("%4"), out, sizeof(out), true), 2);
	assert_string_equal(out, "%4");
	assert_int_equal(http_url_decode(S("%zz%41%6a"), out, sizeof(out),
	    true), 5);
	assert_string_equal(out, "%zzAj");
	/* NUL never comes out */
	assert_int_equal(http_url_decode(S("a%00b"), out, sizeof(out), true),
	    -1);
	/* output bounds */
	assert_int_equal(http_url_decode(S("abcd"), out, 4, true), -1);
	assert_int_equal(http_url_decode(S("abcd"), out, 5, true), 4);
	assert_int_equal(http_url_decode(S("abc"), out, 0, true), -1);
	assert_int_equal(http_url_decode(S(""), out, 1, true), 0);
	assert_string_equal(out, "");
}

static void
test_url_encode(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(http_url_encode(S("L1-a_b.c~"), out, sizeof(out)), 9);
	assert_string_equal(out, "L1-a_b.c~");
	assert_int_equal(http_url_encode(S("a b&<\xff"), out, sizeof(out)), 14);
	assert_string_equal(out, "a%20b%26%3C%FF");
	/* snprintf-like truncation */
	assert_int_equal(http_url_encode(S("a b"), out, 3), 5);
	assert_string_equal(out, "a%");
	assert_int_equal(http_url_encode(S("a b"), NULL, 0), 5);
}

/* ---- base64 and Basic ---- */

static void
test_base64(void **state)
{
	unsigned char out[64];

	(void)state;
	assert_int_equal(http_base64_decode(S(""), out, sizeof(out)), 0);
	assert_int_equal(http_base64_decode(S("Zg=="), out, sizeof(out)), 1);
	assert_memory_equal(out, "f", 1);
	assert_int_equal(http_base64_decode(S("Zm8="), out, sizeof(out)), 2);
	assert_memory_equal(out, "fo", 2);
	assert_int_equal(http_base64_decode(S("Zm9v"), out, sizeof(out)), 3);
	assert_memory_equal(out, "foo", 3);
	assert_int_equal(http_base64_decode(S("Zm9vYmFy"), out, sizeof(out)),
	    6);
	assert_memory_equal(out, "foobar", 6);
	/* padding optional */
	assert_int_equal(http_base64_decode(S("Zm9vYg"), out, sizeof(out)), 4);
	assert_memory_equal(out, "foob", 4);
	assert_int_equal(http_base64_decode(S("+/+/"), out, sizeof(out)), 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	/* malformed */
	assert_int_equal(http_base64_decode(S("Z"), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Zm9vY"), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Zg="), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Zg==="), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Z=g="), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Zm 9v"), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("Zm9v!"), out, sizeof(out)), -1);
	assert_int_equal(http_base64_decode(S("===="), out, sizeof(out)), -1);
	/* output bound */
	assert_int_equal(http_base64_decode(S("Zm9vYmFy"), out, 5), -1);
	assert_int_equal(http_base64_decode(S("Zm9vYmFy"), out, 6), 6);
}

static void
test_basic_auth(void **state)
{
	char user[16], pass[16];

	(void)state;
	assert_int_equal(http_basic_auth(S("Basic Zm9vOmJhcg=="), user,
	    sizeof(user), pass, sizeof(pass)), 0);
	assert_string_equal(user, "foo");
	assert_string_equal(pass, "bar");
	/* scheme case-insensitive, spaces around, ':' inside the password */
	assert_int_equal(http_basic_auth(S("  bAsIc   dTpwOnc6  "), user,
	    sizeof(user), pass, sizeof(pass)), 0);
	assert_string_equal(user, "u");
	assert_string_equal(pass, "p:w:");
	/* empty user and password */
	assert_int_equal(http_basic_auth(S("Basic Og=="), user, sizeof(user),
	    pass, sizeof(pass)), 0);
	assert_string_equal(user, "");
	assert_string_equal(pass, "");
	/* failures */
	assert_int_equal(http_basic_auth(S("Bearer Zm9vOmJhcg=="), user,
	    sizeof(user), pass, sizeof(pass)), -1);
	assert_int_equal(http_basic_auth(S("Basic"), user, sizeof(user), pass,
	    sizeof(pass)), -1);
	assert_int_equal(http_basic_auth(S("BasicZm9vOmJhcg=="), user,
	    sizeof(user), pass, sizeof(pass)), -1);
	assert_int_equal(http_basic_auth(S("Basic Zm9vYmFy"), user,
	    sizeof(user), pass, sizeof(pass)), -1);	/* no ':' */
	assert_int_equal(http_basic_auth(S("Basic Zm9vOmIAcg=="), user,
	    sizeof(user), pass, sizeof(pass)), -1);	/* NUL inside */
	assert_int_equal(http_basic_auth(S("Basic !!!!"), user, sizeof(user),
	    pass, sizeof(pass)), -1);
	assert_int_equal(http_basic_auth(S("Basic Zm9vOmJhcg=="), user, 3,
	    pass, sizeof(pass)), -1);	/* user does not fit */
	assert_int_equal(http_basic_auth(S("Basic Zm9vOmJhcg=="), user, 4,
	    pass, 3), -1);	/* password does not fit */
}

/* ---- escaping ---- */

static void
test_html_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(http_html_escape(S("a<b>&\"c'"), out, sizeof(out)),
	    18);
	assert_string_equal(out, "a&lt;b&gt;&amp;\"c'");
	assert_int_equal(http_html_escape(S("plain"), out, sizeof(out)), 5);
	assert_string_equal(out, "plain");
	assert_int_equal(http_html_escape(S("<<"), out, 5), 8);
	assert_string_equal(out, "&lt;");
	assert_int_equal(http_html_escape(S("<<"), NULL, 0), 8);
}

static void
test_json_escape(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(http_json_escape(S("L1"), out, sizeof(out)), 2);
	assert_string_equal(out, "L1");
	http_json_escape(S("a\"b\\c/d"), out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c/d");
	http_json_escape(S("\b\f\n\r\t\x01\x1f\x7f"), out, sizeof(out));
	assert_string_equal(out, "\\b\\f\\n\\r\\t\\u0001\\u001f\x7f");
	http_json_escape("a\0b", 3, out, sizeof(out));
	assert_string_equal(out, "a\\u0000b");
	/* valid UTF-8 passes, invalid bytes become U+FFFD */
	http_json_escape(S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), out,
	    sizeof(out));
	assert_string_equal(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	http_json_escape(S("\xff"), out, sizeof(out));
	assert_string_equal(out, "\\ufffd");
	http_json_escape(S("\xc3"), out, sizeof(out));	/* truncated */
	assert_string_equal(out, "\\ufffd");
	http_json_escape(S("\xc0\xaf"), out, sizeof(out));	/* overlong */
	assert_string_equal(out, "\\ufffd\\ufffd");
	http_json_escape(S("\xed\xa0\x80"), out, sizeof(out));	/* surrogate */
	assert_string_equal(out, "\\ufffd\\ufffd\\ufffd");
	http_json_escape(S("\xf4\x90\x80\x80"), out, sizeof(out)); /* >10FFFF */
	assert_string_equal(out, "\\ufffd\\ufffd\\ufffd\\ufffd");
	/* snprintf-like */
	assert_int_equal(http_json_escape(S("\"\""), out, 3), 4);
	assert_string_equal(out, "\\\"");
	assert_int_equal(http_json_escape(S("\x01"), NULL, 0), 6);
}

static void
test_reason(void **state)
{
	(void)state;
	assert_string_equal(http_reason(200), "OK");
	assert_string_equal(http_reason(401), "Unauthorized");
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(431),
	    "Request Header Fields Too Large");
	assert_string_equal(http_reason(999), "Unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_length),
		cmocka_unit_test(test_parse_simple),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_query_next),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
