/*
 * test_util.c - mpd5's line tokenizer (surface spec 2.1) and address
 * helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"

static int
tok(const char *in, char **av, int max, char *buf, size_t len)
{
	util_strlcpy(buf, in, len);
	return util_tokenize(buf, av, max);
}

static void
test_plain_words(void **state)
{
	char buf[256], *av[10];
	int ac = tok("  set  link\tmru 1500 ", av, 10, buf, sizeof(buf));

	(void)state;
	assert_int_equal(ac, 4);
	assert_string_equal(av[0], "set");
	assert_string_equal(av[1], "link");
	assert_string_equal(av[2], "mru");
	assert_string_equal(av[3], "1500");
}

static void
test_quotes(void **state)
{
	char buf[256], *av[10];
	int ac;

	(void)state;
	ac = tok("set auth password \"my secret\"", av, 10, buf, sizeof(buf));
	assert_int_equal(ac, 4);
	assert_string_equal(av[3], "my secret");
	/* a closing quote ends the word even when text follows */
	ac = tok("\"ab\"cd", av, 10, buf, sizeof(buf));
	assert_int_equal(ac, 2);
	assert_string_equal(av[0], "ab");
	assert_string_equal(av[1], "cd");
	/* empty string is a word */
	ac = tok("set pppoe service \"\"", av, 10, buf, sizeof(buf));
	assert_int_equal(ac, 4);
	assert_string_equal(av[3], "");
	/* unterminated quote runs to the end */
	ac = tok("a \"b c", av, 10, buf, sizeof(buf));
	assert_int_equal(ac, 2);
	assert_string_equal(av[1], "b c");
}

static void
test_escapes(void **state)
{
	char buf[256], *av[10];
	int ac;

	(void)state;
	ac = tok("a\\sb \"x\\ty\" \\101\\x42\\q \\\\ \"q\\\"q\"", av, 10, buf,
	    sizeof(buf));
	assert_int_equal(ac, 5);
	assert_string_equal(av[0], "a b");
	assert_string_equal(av[1], "x\ty");
	assert_string_equal(av[2], "ABq");
	assert_string_equal(av[3], "\\");
	assert_string_equal(av[4], "q\"q");
	ac = tok("\\n\\r\\7\\x", av, 10, buf, sizeof(buf));
	assert_int_equal(ac, 1);
	assert_string_equal(av[0], "\n\r\7x");
	/* a regex as written in mpd.conf: "@corp1\\.net$" */
	ac = tok("set link action forward L \"@corp1\\\\.net$\"", av, 10,
	    buf, sizeof(buf));
	assert_int_equal(ac, 6);
	assert_string_equal(av[5], "@corp1\\.net$");
}

static void
test_too_many(void **state)
{
	char buf[256], *av[3];

	(void)state;
	assert_int_equal(tok("a b c", av, 3, buf, sizeof(buf)), 3);
	assert_int_equal(tok("a b c d", av, 3, buf, sizeof(buf)), -1);
	assert_int_equal(tok("", av, 3, buf, sizeof(buf)), 0);
	assert_int_equal(tok("   \t ", av, 3, buf, sizeof(buf)), 0);
}

static void
test_ranges(void **state)
{
	struct u_range r;
	struct u_addr a;
	char buf[64];

	(void)state;
	assert_int_equal(u_range_parse("192.168.1.0/24", 0, &r), 0);
	assert_int_equal(r.width, 24);
	assert_string_equal(u_range_print(&r, buf, sizeof(buf)),
	    "192.168.1.0/24");
	assert_int_equal(u_addr_parse("192.168.1.77", 0, &a), 0);
	assert_true(u_range_contains(&r, &a));
	assert_int_equal(u_addr_parse("192.168.2.1", 0, &a), 0);
	assert_false(u_range_contains(&r, &a));
	assert_int_equal(u_range_parse("10.0.0.1", 0, &r), 0);
	assert_int_equal(r.width, 32);
	assert_int_equal(u_range_parse("10.0.0.1/33", 0, &r), -1);
	assert_int_equal(u_range_parse("fe80::1/64", 0, &r), 0);
	assert_int_equal(r.width, 64);
	assert_int_equal(u_range_parse("fe80::1", AF_INET, &r), -1);
	assert_int_equal(u_range_parse("bogus", 0, &r), -1);
	memset(&r, 0, sizeof(r));
	assert_string_equal(u_range_print(&r, buf, sizeof(buf)), "UNSPEC");
}

static void
test_ints(void **state)
{
	long v;
	uint16_t p;

	(void)state;
	assert_int_equal(util_parse_int("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_int("101", 0, 100, &v), -1);
	assert_int_equal(util_parse_int("4x", 0, 100, &v), -1);
	assert_int_equal(util_parse_int("", 0, 100, &v), -1);
	assert_int_equal(util_parse_port("5005", false, &p), 0);
	assert_int_equal(p, 5005);
	assert_int_equal(util_parse_port("0", false, &p), -1);
	assert_int_equal(util_parse_port("70000", false, &p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_ints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
