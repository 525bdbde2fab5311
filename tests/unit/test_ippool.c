/*
 * test_ippool.c - named IPv4 pools: `set ippool add` parsing, duplicate
 * skipping, the 65536-address cap, lowest-free allocation and `show
 * ippool` output (surface spec 4.3.6 and 5.10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "auth/ippool.h"
#include "ctl/command.h"

static char out[4096];
static size_t outlen;

static void
sink(void *arg, const char *buf, size_t len)
{
	(void)arg;
	if (outlen + len >= sizeof(out))
		len = sizeof(out) - 1 - outlen;
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static struct cmd_ctx ctx;

static int
setup(void **state)
{
	(void)state;
	cmd_ctx_init(&ctx, PRIV_ADMIN, sink, NULL);
	outlen = 0;
	out[0] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ippool_shutdown();
	return 0;
}

/* Run `set ippool add pool first last` through the table entry. */
static int
add(const char *pool, const char *first, const char *last)
{
	char *av[3];

	av[0] = (char *)(uintptr_t)pool;
	av[1] = (char *)(uintptr_t)first;
	av[2] = (char *)(uintptr_t)last;
	return ippool_set_cmds[0].func(&ctx, 3, av, ippool_set_cmds[0].arg);
}

static const char *
get(const char *pool)
{
	static char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	if (ippool_get(pool, &a) < 0)
		return "none";
	return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

static void
put(const char *pool, const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	ippool_free(pool, a);
}

static void
test_table(void **state)
{
	(void)state;
	assert_string_equal(ippool_set_cmds[0].name, "add {pool} {start} {end}");
	assert_int_equal(ippool_set_cmds[0].priv, PRIV_ADMIN);
	assert_null(ippool_set_cmds[1].name);
}

static void
test_usage(void **state)
{
	char *av[2] = { (char *)"p", (char *)"10.0.0.1" };
	int used, size;

	(void)state;
	assert_int_equal(ippool_set_cmds[0].func(&ctx, 2, av, NULL),
	    CMD_ERR_USAGE);
	assert_int_equal(add("p", "10.0.0.1", "bogus"), CMD_ERR_USAGE);
	assert_int_equal(add("p", "::1", "::2"), CMD_ERR_USAGE);
	assert_int_equal(ippool_stat("p", &used, &size), -1);
}

static void
test_lowest_free(void **state)
{
	(void)state;
	assert_int_equal(add("p", "10.0.0.1", "10.0.0.3"), CMD_OK);
	assert_string_equal(get("p"), "10.0.0.1");
	assert_string_equal(get("p"), "10.0.0.2");
	assert_string_equal(get("p"), "10.0.0.3");
	assert_string_equal(get("p"), "none");
	put("p", "10.0.0.2");
	assert_string_equal(get("p"), "10.0.0.2");
	put("p", "10.0.0.3");
	put("p", "10.0.0.1");
	/* Lowest free wins, not the most recently freed. */
	assert_string_equal(get("p"), "10.0.0.1");
	assert_string_equal(get("p"), "10.0.0.3");
	assert_string_equal(get("unknown"), "none");
}

static void
test_sorted_across_ranges(void **state)
{
	int used, size;

	(void)state;
	/* A later range below the first one is still handed out first. */
	assert_int_equal(add("q", "10.1.0.10", "10.1.0.11"), CMD_OK);
	assert_string_equal(get("q"), "10.1.0.10");
	assert_int_equal(add("q", "10.1.0.1", "10.1.0.2"), CMD_OK);
	assert_string_equal(get("q"), "10.1.0.1");
	assert_string_equal(get("q"), "10.1.0.2");
	assert_string_equal(get("q"), "10.1.0.11");
	/* The allocation state survives the merge. */
	assert_int_equal(ippool_stat("q", &used, &size), 0);
	assert_int_equal(used, 4);
	assert_int_equal(size, 4);
}

static void
test_duplicates_skipped(void **state)
{
	int used, size;

	(void)state;
	assert_int_equal(add("d", "192.168.0.1", "192.168.0.10"), CMD_OK);
	assert_string_equal(get("d"), "192.168.0.1");
	assert_int_equal(add("d", "192.168.0.5", "192.168.0.20"), CMD_OK);
	assert_int_equal(add("d", "192.168.0.1", "192.168.0.1"), CMD_OK);
	assert_int_equal(ippool_stat("d", &used, &size), 0);
	assert_int_equal(size, 20);
	/* .1 stays allocated after being "re-added". */
	assert_int_equal(used, 1);
	assert_string_equal(get("d"), "192.168.0.2");
}

static void
test_cap(void **state)
{
	int used, size;

	(void)state;
	/* 65537 addresses: refused (logged), command still succeeds. */
	assert_int_equal(add("big", "10.0.0.0", "10.1.0.0"), CMD_OK);
	assert_int_equal(ippool_stat("big", &used, &size), -1);
	/* Reversed range: same. */
	assert_int_equal(add("big", "10.0.0.9", "10.0.0.1"), CMD_OK);
	assert_int_equal(ippool_stat("big", &used, &size), -1);
	/* Exactly 65536 is allowed. */
	assert_int_equal(add("big", "10.0.0.0", "10.0.255.255"), CMD_OK);
	assert_int_equal(ippool_stat("big", &used, &size), 0);
	assert_int_equal(size, 65536);
	/* Another 65536 on top of it grows the pool past one range. */
	assert_int_equal(add("big", "10.1.0.0", "10.1.255.255"), CMD_OK);
	assert_int_equal(ippool_stat("big", &used, &size), 0);
	assert_int_equal(size, 131072);
	/* Top of the address space does not wrap. */
	assert_int_equal(add("top", "255.255.255.254", "255.255.255.255"),
	    CMD_OK);
	assert_int_equal(ippool_stat("top", &used, &size), 0);
	assert_int_equal(size, 2);
}

static void
test_show(void **state)
{
	(void)state;
	assert_int_equal(add("first", "10.0.0.1", "10.0.0.4"), CMD_OK);
	assert_int_equal(add("second", "10.9.0.1", "10.9.0.2"), CMD_OK);
	(void)get("first");
	assert_int_equal(ippool_cmd_show(&ctx, 0, NULL, NULL), CMD_OK);
	/* Newest pool first, as mpd5 lists them. */
	assert_string_equal(out,
	    "Available IP pools:\r\n"
	    "\tsecond:\tused    0 of    2\r\n"
	    "\tfirst:\tused    1 of    4\r\n");
}

static void
test_free_unknown(void **state)
{
	int used, size;

	(void)state;
	assert_int_equal(add("f", "10.0.0.1", "10.0.0.2"), CMD_OK);
	put("f", "10.0.0.1");		/* not in use: ignored */
	put("f", "10.9.9.9");		/* not in pool: ignored */
	put("nopool", "10.0.0.1");
	assert_int_equal(ippool_stat("f", &used, &size), 0);
	assert_int_equal(used, 0);
	assert_string_equal(get("f"), "10.0.0.1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lowest_free, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sorted_across_ranges,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_skipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_unknown, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
