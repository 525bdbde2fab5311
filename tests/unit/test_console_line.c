/*
 * test_console_line.c - unit tests for the console line discipline
 * (src/ctl/console_line.c): telnet filtering, line ends, editing, echo,
 * history, `?` / TAB events and the line length limit (surface spec 6).
 *
 * Links only console_line.o.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/console_line.h"

/* Echo capture. */
struct sink {
	char	buf[65536];
	size_t	len;
};

static void
sink_out(void *arg, const char *buf, size_t len)
{
	struct sink *k = arg;

	assert_true(k->len + len < sizeof(k->buf));
	memcpy(k->buf + k->len, buf, len);
	k->len += len;
	k->buf[k->len] = '\0';
}

static struct sink g_sink;

static void
setup_cl(struct console_line *cl, unsigned flags)
{
	memset(&g_sink, 0, sizeof(g_sink));
	console_line_init(cl, flags, sink_out, &g_sink);
}

static void
reset_sink(void)
{
	g_sink.len = 0;
	g_sink.buf[0] = '\0';
}

/*
 * Feed bytes; every event is appended to evs as a letter (L line, H help,
 * C complete, X cancel) and completed lines are joined with '|' in lines.
 */
static void
feed(struct console_line *cl, const void *data, size_t n, char *evs,
    char *lines)
{
	const unsigned char *p = data;
	size_t i;

	if (evs != NULL)
		evs[0] = '\0';
	if (lines != NULL)
		lines[0] = '\0';
	for (i = 0; i < n; i++) {
		enum console_line_ev ev = console_line_feed(cl, p[i]);

		switch (ev) {
		case CL_EV_NONE:
			break;
		case CL_EV_LINE:
			if (evs != NULL)
				strcat(evs, "L");
			if (lines != NULL) {
				strcat(lines, cl->line);
				strcat(lines, "|");
			}
			break;
		case CL_EV_HELP:
			if (evs != NULL)
				strcat(evs, "H");
			break;
		case CL_EV_COMPLETE:
			if (evs != NULL)
				strcat(evs, "C");
			break;
		case CL_EV_CANCEL:
			if (evs != NULL)
				strcat(evs, "X");
			break;
		}
	}
}

#define FEEDS(cl, s, evs, lines)					\
	feed((cl), (s), sizeof(s) - 1, (evs), (lines))

static void
test_plain_line_and_echo(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	FEEDS(&cl, "show version\n", evs, lines);
	assert_string_equal(evs, "L");
	assert_string_equal(lines, "show version|");
	assert_string_equal(g_sink.buf, "show version\r\n");
	assert_int_equal(cl.len, 0);
	assert_string_equal(cl.buf, "");
}

static void
test_line_ends(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET);
	/* CR LF and CR NUL are one line end each. */
	FEEDS(&cl, "a\r\nb\r\0c\r", evs, lines);
	assert_string_equal(evs, "LLL");
	assert_string_equal(lines, "a|b|c|");
	/* LF alone, then an empty line from CR CR (second CR is new). */
	FEEDS(&cl, "d\n\r\r", evs, lines);
	assert_string_equal(evs, "LLL");
	assert_string_equal(lines, "d|||");
	/* After CR, an ordinary character is kept. */
	FEEDS(&cl, "e\rf\n", evs, lines);
	assert_string_equal(lines, "e|f|");
	/* NUL alone is ignored. */
	FEEDS(&cl, "g\0h\n", evs, lines);
	assert_string_equal(lines, "gh|");
}

static void
test_telnet_filter(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];
	/* DO SGA, WILL TTYPE, SB TTYPE IS "xterm" (with an escaped
	 * IAC inside) SE, NOP, IAC IAC, AYT, then "ok". */
	static const unsigned char in[] = {
		0xff, 0xfd, 0x03, 0xff, 0xfb, 0x18,
		0xff, 0xfa, 0x18, 0x00, 'x', 't', 0xff, 0xff, 'e', 'r', 'm',
		0xff, 0xf0,
		0xff, 0xf1, 0xff, 0xff, 0xff, 0xf6,
		'o', 'k', '\r', '\n',
	};

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	feed(&cl, in, sizeof(in), evs, lines);
	assert_string_equal(evs, "L");
	assert_string_equal(lines, "ok|");
	assert_string_equal(g_sink.buf, "ok\r\n");
}

static void
test_telnet_option_byte_is_not_ctrl_c(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];
	/* IAC WILL SGA: SGA is 3, the code of ^C; it must not cancel. */
	static const unsigned char in[] = {
		'a', 0xff, 0xfb, 0x03, 'b', '\n',
	};

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	feed(&cl, in, sizeof(in), evs, lines);
	assert_string_equal(evs, "L");
	assert_string_equal(lines, "ab|");
}

static void
test_no_telnet_mode_ignores_ff(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];
	static const unsigned char in[] = { 'a', 0xff, 0xfb, 'b', '\n' };

	(void)state;
	setup_cl(&cl, 0);
	feed(&cl, in, sizeof(in), evs, lines);
	/* 0xff and 0xfb are 8-bit bytes: dropped, nothing swallowed. */
	assert_string_equal(lines, "ab|");
}

static void
test_backspace(void **state)
{
	struct console_line cl;
	char lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	FEEDS(&cl, "\x7f" "abc\x08\x7fz\n", NULL, lines);
	assert_string_equal(lines, "az|");
	assert_string_equal(g_sink.buf, "abc\b \b\b \bz\r\n");
}

static void
test_ctrl_c(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	FEEDS(&cl, "junk\x03ok\n", evs, lines);
	assert_string_equal(evs, "XL");
	assert_string_equal(lines, "ok|");
	assert_string_equal(g_sink.buf, "junk\r\nok\r\n");
}

static void
test_hidden(void **state)
{
	struct console_line cl;
	char lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_HIDDEN);
	FEEDS(&cl, "s3cr?t\x7fT\t\r\n", NULL, lines);
	assert_string_equal(lines, "s3cr?T |");
	/* Nothing but the line end is echoed. */
	assert_string_equal(g_sink.buf, "\r\n");
}

static void
test_help_and_complete_events(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	FEEDS(&cl, "set con?", evs, lines);
	assert_string_equal(evs, "H");
	assert_string_equal(cl.buf, "set con");
	assert_string_equal(g_sink.buf, "set con?\r\n");
	reset_sink();
	console_line_redraw(&cl);
	assert_string_equal(g_sink.buf, "set con");

	FEEDS(&cl, "\t", evs, lines);
	assert_string_equal(evs, "C");
	reset_sink();
	console_line_replace(&cl, "set console ");
	assert_string_equal(cl.buf, "set console ");
	assert_string_equal(g_sink.buf, "sole ");
	reset_sink();
	console_line_replace(&cl, "set cx");
	/* keep "set c", erase 7, print "x" */
	assert_string_equal(g_sink.buf,
	    "\b \b\b \b\b \b\b \b\b \b\b \b\b \bx");
	assert_int_equal(cl.len, 6);
}

static void
test_question_and_tab_outside_edit(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET);
	FEEDS(&cl, "a?b\tc\n", evs, lines);
	assert_string_equal(evs, "L");
	assert_string_equal(lines, "a?b c|");
}

static void
test_max_line(void **state)
{
	struct console_line cl;
	char big[CONSOLE_LINE_MAX + 10];
	size_t i, bells = 0;

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	memset(big, 'x', sizeof(big));
	feed(&cl, big, sizeof(big), NULL, NULL);
	assert_int_equal(cl.len, CONSOLE_LINE_MAX);
	assert_int_equal(strlen(cl.buf), CONSOLE_LINE_MAX);
	for (i = 0; i < g_sink.len; i++)
		bells += g_sink.buf[i] == '\a';
	assert_int_equal(bells, 10);
	/* Erasing makes room again. */
	feed(&cl, "\x7fy", 2, NULL, NULL);
	assert_int_equal(cl.len, CONSOLE_LINE_MAX);
	assert_int_equal(cl.buf[CONSOLE_LINE_MAX - 1], 'y');
}

static void
test_controls_and_8bit_ignored(void **state)
{
	struct console_line cl;
	char lines[512];
	static const unsigned char in[] = {
		'a', 0x01, 0x02, 0x05, 0x0b, 0x0c, 0x1f, 0x80, 0xc3, 0xa9,
		'b', '\n',
	};

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	feed(&cl, in, sizeof(in), NULL, lines);
	assert_string_equal(lines, "ab|");
	assert_string_equal(g_sink.buf, "ab\r\n");
}

static void
test_escape_sequences(void **state)
{
	struct console_line cl;
	char evs[64], lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	/* Left, Right, Delete (ESC [ 3 ~), a meta key, SS3 Right. */
	FEEDS(&cl, "a\x1b[D\x1b[C\x1b[3~\x1bxb\x1bOCc\n", evs, lines);
	assert_string_equal(lines, "abc|");
	assert_string_equal(g_sink.buf, "abc\r\n");
	/* ESC then Enter: the Enter still ends the line. */
	FEEDS(&cl, "d\x1b\r", evs, lines);
	assert_string_equal(evs, "L");
	assert_string_equal(lines, "d|");
	/* A sequence broken by a control byte releases that byte. */
	FEEDS(&cl, "e\x1b[1\n", evs, lines);
	assert_string_equal(lines, "e|");
}

static void
test_history(void **state)
{
	struct console_line cl;
	char lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET | CL_F_EDIT);
	FEEDS(&cl, "one\ntwo\ntwo\n  \nthree\n", NULL, lines);
	/* duplicates of the newest and blank lines are not recorded */
	assert_int_equal(cl.hist_len, 3);
	assert_string_equal(cl.hist[0], "three");
	assert_string_equal(cl.hist[2], "one");

	reset_sink();
	FEEDS(&cl, "dr", NULL, NULL);
	FEEDS(&cl, "\x1b[A", NULL, NULL);
	assert_string_equal(cl.buf, "three");
	FEEDS(&cl, "\x10", NULL, NULL);		/* ^P */
	assert_string_equal(cl.buf, "two");
	FEEDS(&cl, "\x1bOA", NULL, NULL);	/* SS3 Up */
	assert_string_equal(cl.buf, "one");
	FEEDS(&cl, "\x1b[A", NULL, NULL);	/* at the oldest: stays */
	assert_string_equal(cl.buf, "one");
	FEEDS(&cl, "\x0e", NULL, NULL);		/* ^N */
	assert_string_equal(cl.buf, "two");
	FEEDS(&cl, "\x1b[B\x1b[B", NULL, NULL);
	assert_string_equal(cl.buf, "dr");	/* the draft is back */
	FEEDS(&cl, "\x1b[B", NULL, NULL);
	assert_string_equal(cl.buf, "dr");

	/* A recalled line can be edited and run. */
	FEEDS(&cl, "\x1b[A!\n", NULL, lines);
	assert_string_equal(lines, "three!|");
	assert_string_equal(cl.hist[0], "three!");
}

static void
test_history_limit(void **state)
{
	struct console_line cl;
	char line[32];
	int i;

	(void)state;
	setup_cl(&cl, CL_F_EDIT);
	for (i = 0; i < 25; i++) {
		snprintf(line, sizeof(line), "cmd%d\n", i);
		feed(&cl, line, strlen(line), NULL, NULL);
	}
	assert_int_equal(cl.hist_len, CONSOLE_LINE_HIST);
	assert_string_equal(cl.hist[0], "cmd24");
	assert_string_equal(cl.hist[CONSOLE_LINE_HIST - 1], "cmd15");
	for (i = 0; i < 20; i++)
		feed(&cl, "\x10", 1, NULL, NULL);
	assert_string_equal(cl.buf, "cmd15");
}

static void
test_history_off_outside_edit(void **state)
{
	struct console_line cl;
	char lines[512];

	(void)state;
	setup_cl(&cl, CL_F_TELNET);
	FEEDS(&cl, "user\n\x1b[A\x10x\n", NULL, lines);
	assert_int_equal(cl.hist_len, 0);
	assert_string_equal(lines, "user|x|");
}

/* Deterministic random bytes must keep every invariant. */
static void
test_random_input(void **state)
{
	struct console_line cl;
	uint32_t x = 12345;
	int round, i;

	(void)state;
	for (round = 0; round < 20; round++) {
		setup_cl(&cl, (unsigned)round & 7);
		for (i = 0; i < 20000; i++) {
			enum console_line_ev ev;

			x = x * 1103515245u + 12345u;
			g_sink.len = 0;
			ev = console_line_feed(&cl, (unsigned char)(x >> 16));
			if (ev == CL_EV_COMPLETE)
				console_line_replace(&cl, "show console ");
			assert_true(cl.len <= CONSOLE_LINE_MAX);
			assert_int_equal(strlen(cl.buf), cl.len);
			assert_true(cl.hist_len >= 0 &&
			    cl.hist_len <= CONSOLE_LINE_HIST);
			assert_true(cl.hist_pos >= -1 &&
			    cl.hist_pos < CONSOLE_LINE_HIST);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_line_and_echo),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_telnet_filter),
		cmocka_unit_test(test_telnet_option_byte_is_not_ctrl_c),
		cmocka_unit_test(test_no_telnet_mode_ignores_ff),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_ctrl_c),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_help_and_complete_events),
		cmocka_unit_test(test_question_and_tab_outside_edit),
		cmocka_unit_test(test_max_line),
		cmocka_unit_test(test_controls_and_8bit_ignored),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_history_limit),
		cmocka_unit_test(test_history_off_outside_edit),
		cmocka_unit_test(test_random_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
