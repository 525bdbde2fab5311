/*
 * test_secret.c - mpd.secret parsing and lookups, including the IP/CIDR
 * column and the `!program` form (surface spec 3.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth/secret.h"

static char dir[64], file[128], prog[128];

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mpd-secret-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(file, sizeof(file), "%s/mpd.secret", dir);
	snprintf(prog, sizeof(prog), "%s/pw.sh", dir);
	f = fopen(prog, "w");
	fprintf(f, "#!/bin/sh\n[ \"$1\" = \"progUser\" ] && echo \"fromprog\"\n"
	    "[ \"$1\" = \"x'y\" ] && echo bad\nexit 0\n");
	fclose(f);
	chmod(prog, 0755);
	f = fopen(file, "w");
	fprintf(f, "# comment\n"
	    "userA\t\t\"hello123\"\n"
	    "foo1   \"foobar\"   192.168.1.100\n"
	    "vpnuser \"vpn_passwd\" 192.168.1.128/25\n"
	    "esc \"a\\\"b\\sc\"\n"
	    "dup first\n"
	    "dup second\n"
	    "broken \"x\" notanip\n"
	    "*  \"!%s\"\n", prog);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(file);
	unlink(prog);
	rmdir(dir);
	return 0;
}

static void
test_parse_line(void **state)
{
	struct secret_entry e;
	char l1[] = "bob \"pass word\" 10.0.0.0/8";
	char l2[] = "   # just a comment";
	char l3[] = "lonely";
	char l4[] = "p \"!/bin/echo hi\"";

	(void)state;
	assert_int_equal(secret_parse_line(l1, &e), 1);
	assert_string_equal(e.login, "bob");
	assert_string_equal(e.password, "pass word");
	assert_true(e.have_range);
	assert_int_equal(e.range.width, 8);
	assert_int_equal(secret_parse_line(l2, &e), 0);
	assert_int_equal(secret_parse_line(l3, &e), -1);
	assert_int_equal(secret_parse_line(l4, &e), 1);
	assert_true(e.is_program);
	assert_string_equal(e.password, "/bin/echo hi");
}

static void
test_lookup(void **state)
{
	struct secret_entry e;

	(void)state;
	assert_int_equal(secret_lookup(file, "userA", &e), 0);
	assert_string_equal(e.password, "hello123");
	assert_false(e.have_range);
	assert_int_equal(secret_lookup(file, "foo1", &e), 0);
	assert_true(e.have_range);
	assert_int_equal(e.range.width, 32);
	assert_int_equal(secret_lookup(file, "vpnuser", &e), 0);
	assert_int_equal(e.range.width, 25);
	assert_int_equal(secret_lookup(file, "esc", &e), 0);
	assert_string_equal(e.password, "a\"b c");
	assert_int_equal(secret_lookup(file, "dup", &e), 0);
	assert_string_equal(e.password, "first");
	/* case-sensitive names */
	assert_int_equal(secret_lookup(file, "USERA", &e), -2);
	assert_int_equal(secret_lookup(file, "", &e), -2);
}

static void
test_program(void **state)
{
	struct secret_entry e;

	(void)state;
	assert_int_equal(secret_lookup(file, "progUser", &e), 0);
	assert_string_equal(e.password, "fromprog");
	assert_string_equal(e.login, "progUser");
	/* the program prints nothing for other users */
	assert_int_equal(secret_lookup(file, "nobody", &e), -2);
	/* names that would break out of the shell quoting are refused */
	assert_int_equal(secret_lookup(file, "x'y", &e), -2);
}

static void
test_unreadable(void **state)
{
	struct secret_entry e;

	(void)state;
	assert_int_equal(secret_lookup("/nonexistent/mpd.secret", "a", &e),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program, setup, teardown),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
