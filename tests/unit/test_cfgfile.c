/*
 * test_cfgfile.c - logical lines, label classification and the label
 * index of mpd.conf files (surface spec 2.1, 1.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/cfgfile.h"

static char path[64];

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mpd-cfgtest-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	cfg_index_free();
	return 0;
}

static void
test_logical_lines(void **state)
{
	char buf[64];
	int lineno = 0;
	bool trunc;
	FILE *f;

	(void)state;
	write_file("a b \\\n  c\r\nlast\\\n");
	f = fopen(path, "r");
	assert_int_equal(cfg_read_line(f, buf, sizeof(buf), &lineno, &trunc),
	    1);
	assert_string_equal(buf, "a b    c");
	assert_int_equal(lineno, 2);
	assert_int_equal(cfg_read_line(f, buf, sizeof(buf), &lineno, &trunc),
	    1);
	assert_string_equal(buf, "last ");
	assert_int_equal(cfg_read_line(f, buf, sizeof(buf), &lineno, &trunc),
	    0);
	fclose(f);
}

static void
test_truncation(void **state)
{
	char buf[8];
	int lineno = 0;
	bool trunc;
	FILE *f;

	(void)state;
	write_file("0123456789abcdef\nx\n");
	f = fopen(path, "r");
	assert_int_equal(cfg_read_line(f, buf, sizeof(buf), &lineno, &trunc),
	    1);
	assert_true(trunc);
	assert_string_equal(buf, "0123456");
	assert_int_equal(cfg_read_line(f, buf, sizeof(buf), &lineno, &trunc),
	    1);
	assert_false(trunc);
	assert_string_equal(buf, "x");
	fclose(f);
}

static void
test_classify(void **state)
{
	char lbl[32];

	(void)state;
	assert_true(cfg_label("startup:", lbl, sizeof(lbl)));
	assert_string_equal(lbl, "startup");
	assert_true(cfg_label("pptp_server: anything", lbl, sizeof(lbl)));
	assert_string_equal(lbl, "pptp_server");
	assert_true(cfg_label("plain", lbl, sizeof(lbl)));
	assert_string_equal(lbl, "plain");
	assert_false(cfg_label("\tset link mru 1500", lbl, sizeof(lbl)));
	assert_false(cfg_label("   set x", lbl, sizeof(lbl)));
	assert_false(cfg_label("# comment:", lbl, sizeof(lbl)));
	assert_true(cfg_is_skip(""));
	assert_true(cfg_is_skip("   # x"));
	assert_true(cfg_is_skip(" \t "));
	assert_false(cfg_is_skip("\tset x # not a comment"));
}

static void
test_label_index(void **state)
{
	off_t off;
	int line;

	(void)state;
	write_file("# header\nstartup:\n\tset user a b\n\n"
	    "default:\n\tload x\nx:\n\tlog +lcp\n");
	assert_int_equal(cfg_find_label(path, "startup", &off, &line), 0);
	assert_int_equal(line, 3);
	assert_int_equal(cfg_find_label(path, "x", &off, &line), 0);
	assert_int_equal(line, 8);
	assert_int_equal(cfg_find_label(path, "nope", &off, &line), -2);
	assert_int_equal(cfg_find_label("/nonexistent/mpd.conf", "x", &off,
	    &line), -1);
	/* The index follows edits of the file. */
	sleep(0);
	write_file("y:\n\tlog\nnew:\n\tlog\n");
	assert_int_equal(cfg_find_label(path, "new", &off, &line), 0);
	assert_int_equal(line, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logical_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup,
		    teardown),
		cmocka_unit_test(test_classify),
		cmocka_unit_test_setup_teardown(test_label_index, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
