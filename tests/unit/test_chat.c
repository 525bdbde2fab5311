/*
 * test_chat.c - the modem chat script interpreter (src/link/chat.c,
 * surface spec 3.2): every command, variable expansion (${x}, $$),
 * permanent and temporary variables, events that fire only during
 * `wait`, the set cancellation rules, call/return and the events of a
 * call, the errors that fail a script, $Baudrate, match/regex with
 * $matchedString*, timers on the real event loop (a script second is
 * 10 ms here, chat_set_second_ms), and the bundled conf/mpd.script
 * driven by a fake Hayes modem.
 *
 * The port is a capture buffer (io.write); input is handed to
 * chat_input() from loop timers, as the modem device does from its read
 * events.  done() stops the loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "core/event.h"
#include "core/log.h"
#include "core/mem.h"
#include "link/chat.h"

#define SCRIPT_FILE	"conf/mpd.script"

/* ---- captured log ---- */

static char	logbuf[1 << 16];
static size_t	loglen;

static void
log_capture(const char *line, unsigned len)
{
	if (loglen + len + 2 >= sizeof(logbuf))
		return;
	memcpy(logbuf + loglen, line, len);
	loglen += len;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

static bool
logged(const char *want)
{
	return strstr(logbuf, want) != NULL;
}

/* ---- the port and the result ---- */

static struct chat	*C;
static char		 sent[4096];
static size_t		 sentlen;
static int		 speeds[8], nspeeds;
static int		 ndone, restarts;
static bool		 last_ok;
static bool		 fail_write;
static const char	*restart_text;

static int
io_write(void *arg, const void *buf, size_t len)
{
	(void)arg;
	if (fail_write)
		return -1;
	if (sentlen + len >= sizeof(sent))
		return -1;
	memcpy(sent + sentlen, buf, len);
	sentlen += len;
	sent[sentlen] = '\0';
	return 0;
}

static int
io_set_speed(void *arg, int baud)
{
	(void)arg;
	if (nspeeds < 8)
		speeds[nspeeds++] = baud;
	return baud == 12345 ? -1 : 0;
}

static void
io_done(void *arg, bool ok)
{
	(void)arg;
	ndone++;
	last_ok = ok;
	if (restart_text != NULL && restarts-- > 0) {
		assert_int_equal(chat_start_text(C, "restart", restart_text,
		    strlen(restart_text), "S"), 0);
		return;
	}
	event_stop();
}

static const struct chat_io io = {
	.write = io_write,
	.set_speed = io_set_speed,
	.done = io_done,
};

static uint64_t saved_mask;

static int
setup(void **state)
{
	(void)state;
	loglen = 0;
	logbuf[0] = '\0';
	sentlen = 0;
	sent[0] = '\0';
	nspeeds = 0;
	ndone = 0;
	restarts = 0;
	restart_text = NULL;
	fail_write = false;
	saved_mask = g_log_mask;
	g_log_mask |= LG_CHAT | LG_CHAT2;
	log_set_hook(log_capture);
	if (event_init() < 0)
		return -1;
	C = chat_new("L1", &io, NULL);
	chat_set_second_ms(C, 10);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	chat_free(C);
	C = NULL;
	event_fini();
	log_set_hook(NULL);
	g_log_mask = saved_mask;
	return 0;
}

/* ---- driving ---- */

static struct timer	stop_t;

static void
stop_cb(void *arg)
{
	(void)arg;
	event_stop();
}

/* Run the loop until done() or ms elapsed. */
static void
run_ms(uint32_t ms)
{
	timer_init(&stop_t, "stop", ms, stop_cb, NULL);
	timer_start(&stop_t);
	event_loop();
	timer_stop(&stop_t);
}

/* Run the loop until done() was called n times in all (or ms elapsed). */
static void
run_done(int n, uint32_t ms)
{
	if (ndone < n)
		run_ms(ms);
}

static int
start(const char *text, const char *label)
{
	return chat_start_text(C, "test", text, strlen(text), label);
}

/* Start, then run until done(); returns the result. */
static bool
run_script(const char *text, const char *label)
{
	int n = ndone;

	assert_int_equal(start(text, label), 0);
	assert_int_equal(ndone, n);	/* never from chat_start() */
	run_done(n + 1, 2000);
	assert_int_equal(ndone, n + 1);
	assert_false(chat_active(C));
	return last_ok;
}

static void
input(const char *s)
{
	chat_input(C, s, strlen(s));
}

/* ---- basic commands ---- */

static void
test_print_success(void **state)
{
	(void)state;
	assert_true(run_script("S:\n\tprint \"AT\\r\"\n\tprint AB\\x43\n"
	    "\tsuccess\n", "S"));
	assert_string_equal(sent, "AT\rABC");
}

static void
test_failure_and_nop(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tnop\n\tfailure\n", "S"));
	assert_string_equal(sent, "");
}

static void
test_label_colon_and_fallthrough(void **state)
{
	(void)state;
	/* labels with or without ':' ; a section falls into the next;
	 * comments and blank lines are skipped */
	assert_true(run_script("# comment\nA:\n\tprint a\n\nB\n"
	    "\t# inner comment\n\tprint b\nC: trailing words\n\tsuccess\n",
	    "A"));
	assert_string_equal(sent, "ab");
}

static void
test_missing_file_or_label(void **state)
{
	(void)state;
	assert_int_equal(chat_start(C, "/nonexistent/mpd.script", "S"), -1);
	assert_int_equal(start("S:\n\tsuccess\n", "Nope"), -1);
	assert_int_equal(start("", "S"), -1);
	assert_false(chat_active(C));
	run_ms(30);
	assert_int_equal(ndone, 0);
	assert_true(logged("[L1] CHAT: label \"Nope\" not found"));
}

static void
test_script_file(void **state)
{
	char path[64];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_chat.%d.script", getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Other:\n\tfailure\nGo:\n\tprint \"long \\\n\tline\"\n"
	    "\tsuccess\n", f);
	fclose(f);
	assert_int_equal(chat_start(C, path, "Go"), 0);
	run_ms(2000);
	unlink(path);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	/* the continuation keeps the next line's tab inside the quotes */
	assert_string_equal(sent, "long  \tline");
}

static void
test_long_script_line(void **state)
{
	char text[600];

	(void)state;
	/* cut at 256 characters (logged): the closing quote is lost, the
	 * word still ends there */
	snprintf(text, sizeof(text), "S:\n\tprint \"%0300d\"\n\tsuccess\n\r\n",
	    0);
	assert_true(run_script(text, "S"));
	assert_int_equal(strlen(sent), 256 - strlen("\tprint \""));
	assert_true(logged("[L1] CHAT: test:2: line too long, truncated"));
}

static void
test_eof_fails(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tprint x\n", "S"));
	assert_true(logged("[L1] CHAT: EOF while reading script"));
}

static void
test_unknown_command_and_arg_count(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tfrobnicate 1\n\tsuccess\n", "S"));
	assert_true(logged("[L1] CHAT: line 2: unknown command \"frobnicate\""));
	assert_false(run_script("S:\n\tprint a b\n\tsuccess\n", "S"));
	assert_true(logged("line 2: print: bad argument count"));
	assert_false(run_script("S:\n\tsuccess now\n", "S"));
	assert_false(run_script("S:\n\tset $a\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tmatch a b c d e\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tlog\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tcancel\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tif a ==\n\tsuccess\n", "S"));
	/* more than 10 words */
	assert_false(run_script("S:\n\tif 1 == 1 if 1 == 1 if 1 == 1 nop\n"
	    "\tsuccess\n", "S"));
	assert_int_equal(ndone, 9);
}

static void
test_commands_any_case(void **state)
{
	(void)state;
	assert_true(run_script("S:\n\tPRINT a\n\tSet $x b\n\tPrint $x\n"
	    "\tSUCCESS\n", "S"));
	assert_string_equal(sent, "ab");
}

static void
test_goto_call_return(void **state)
{
	(void)state;
	assert_true(run_script(
	    "S:\n\tcall Sub\n\tprint 3\n\tgoto End\n\tprint never\n"
	    "Sub:\n\tprint 1\n\tcall Sub2\n\treturn\nSub2:\n\tprint 2\n"
	    "\treturn\nEnd:\n\tsuccess\n", "S"));
	assert_string_equal(sent, "123");
	/* labels are expanded */
	sentlen = 0;
	assert_true(run_script("S:\n\tset $l Here\n\tgoto $l\n\tfailure\n"
	    "Here:\n\tsuccess\n", "S"));
}

static void
test_flow_errors(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tgoto Nowhere\n\tsuccess\n", "S"));
	assert_true(logged("[L1] CHAT: line 2: label \"Nowhere\" not found"));
	assert_false(run_script("S:\n\tcall Nowhere\n\tsuccess\n", "S"));
	assert_true(logged("line 2: call: label \"Nowhere\" not found"));
	assert_false(run_script("S:\n\treturn\n\tsuccess\n", "S"));
	assert_true(logged("line 2: return without corresponding call"));
	/* endless recursion and loops without wait end, never block */
	g_log_mask &= ~LG_CHAT2;
	assert_false(run_script("S:\n\tcall S\n", "S"));
	assert_false(run_script("S:\n\tgoto S\n", "S"));
	assert_true(logged("commands without a wait"));
}

static void
test_write_failure(void **state)
{
	(void)state;
	fail_write = true;
	assert_false(run_script("S:\n\tprint x\n\tsuccess\n", "S"));
	/* an empty print writes nothing and cannot fail */
	assert_true(run_script("S:\n\tprint \"\"\n\tsuccess\n", "S"));
}

static void
test_log(void **state)
{
	(void)state;
	assert_true(run_script("S:\n\tset $who world\n"
	    "\tlog \"hello ${who}\"\n\tsuccess\n", "S"));
	assert_true(logged("[L1] CHAT: hello world\n"));
	assert_string_equal(chat_last_log(C), "hello world");
	assert_true(run_script("S:\n\tsuccess\n", "S"));
	assert_null(chat_last_log(C));
}

/* ---- variables ---- */

static void
test_variables(void **state)
{
	(void)state;
	assert_true(run_script(
	    "S:\n\tset $x a\n\tset ${Yy} \"${x}b\"\n"
	    "\tprint \"$x-$Yy-$$x-${x}c-$nope-$-${-$1-$x_\"\n\tsuccess\n",
	    "S"));
	assert_string_equal(sent, "a-ab-$x-ac--$-${-$1-");
	/* temporary gone, permanent kept */
	assert_null(chat_var_get(C, "x"));
	assert_string_equal(chat_var_get(C, "Yy"), "ab");
	/* a later run sees the permanent one */
	sentlen = 0;
	assert_true(run_script("S:\n\tprint \"[$Yy][$x]\"\n\tsuccess\n",
	    "S"));
	assert_string_equal(sent, "[ab][]");
}

static void
test_var_api(void **state)
{
	(void)state;
	assert_int_equal(chat_var_set(C, "Telephone", "5551234"), 0);
	assert_int_equal(chat_var_set(C, "under_score9", "u"), 0);
	assert_int_equal(chat_var_set(C, "", "x"), -1);
	assert_int_equal(chat_var_set(C, "9x", "x"), -1);
	assert_int_equal(chat_var_set(C, "a-b", "x"), -1);
	assert_int_equal(chat_var_set(C, "$a", "x"), -1);
	assert_null(chat_var_get(C, "Nope"));
	assert_true(run_script("S:\n\tprint ATDT$Telephone$under_score9\n"
	    "\tset $Telephone 42\n\tsuccess\n", "S"));
	assert_string_equal(sent, "ATDT5551234u");
	assert_string_equal(chat_var_get(C, "Telephone"), "42");
	/* a preset lower-case variable is a temporary one */
	assert_null(chat_var_get(C, "under_score9"));
}

static void
test_set_errors(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tset x 1\n\tsuccess\n", "S"));
	assert_true(logged("line 2: set: invalid variable \"x\""));
	assert_false(run_script("S:\n\tset $9 1\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tset ${a 1\n\tsuccess\n", "S"));
}

static void
test_expansion_bounded(void **state)
{
	(void)state;
	/* doubling a variable stops growing at the expansion limit */
	assert_true(run_script("S:\n\tset $a 0123456789\n\tset $n \"\"\n"
	    "L:\n\tset $a $a$a\n\tset $n x$n\n"
	    "\tif $n != xxxxxxxxxxxxxxxxxxxx goto L\n\tsuccess\n", "S"));
}

/* ---- baud rate ---- */

static void
test_baudrate(void **state)
{
	(void)state;
	assert_true(run_script("S:\n\tset $Baudrate 57600\n\tsuccess\n", "S"));
	assert_int_equal(nspeeds, 1);
	assert_int_equal(speeds[0], 57600);
	assert_string_equal(chat_var_get(C, "Baudrate"), "57600");
	/* the port refuses it */
	/* the port refuses it (from now on, $Baudrate is also applied at
	 * every start) */
	nspeeds = 0;
	assert_false(run_script("S:\n\tset $Baudrate 12345\n\tsuccess\n",
	    "S"));
	assert_true(logged("line 2: invalid baudrate \"12345\""));
	assert_string_equal(chat_var_get(C, "Baudrate"), "57600");
	assert_int_equal(nspeeds, 2);
	assert_int_equal(speeds[0], 57600);
	assert_int_equal(speeds[1], 12345);
	nspeeds = 0;
	assert_false(run_script("S:\n\tset $Baudrate fast\n\tsuccess\n",
	    "S"));
	assert_false(run_script("S:\n\tset $Baudrate \"\"\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tset $Baudrate 0x\n\tsuccess\n", "S"));
	assert_int_equal(nspeeds, 3);	/* only the preset ones at start */
	/* a preset $Baudrate is applied when a script starts */
	nspeeds = 0;
	chat_var_set(C, "Baudrate", "115200");
	assert_true(run_script("S:\n\tsuccess\n", "S"));
	assert_int_equal(nspeeds, 1);
	assert_int_equal(speeds[0], 115200);
	chat_var_set(C, "Baudrate", "12345");
	assert_false(run_script("S:\n\tsuccess\n", "S"));
}

/* ---- events ---- */

static void
test_match_fires_in_wait(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tprint AT\n\tmatch OK Good\n\twait\n"
	    "\tfailure\nGood:\n\tprint \"[$matchedString]\"\n\tsuccess\n",
	    "S"), 0);
	assert_true(chat_active(C));
	assert_string_equal(sent, "AT");
	input("xxO");
	assert_int_equal(ndone, 0);
	input("K and more");
	assert_string_equal(sent, "AT[OK]");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_input_ignored_when_idle(void **state)
{
	(void)state;
	input("OK");		/* nothing runs */
	assert_int_equal(ndone, 0);
	/* bytes that came before the match existed do not count */
	assert_int_equal(start("S:\n\tmatch OK Good\n\twait\n"
	    "Good:\n\tmatch OK Good2\n\twait\nGood2:\n\tsuccess\n", "S"), 0);
	input("O");
	input("KOK");		/* the second OK is seen by the new match */
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	/* "O" + "K" where the O came before the second match: no match */
	assert_int_equal(start("S:\n\tmatch \"OK\\r\" First\n\twait\n"
	    "First:\n\tmatch K Bad\n\tmatch X Good\n\twait\n"
	    "Bad:\n\tfailure\nGood:\n\tsuccess\n", "S"), 0);
	input("OK\rX");
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_true(last_ok);
}

static void
test_match_overlap(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tmatch aab Good\n\twait\n"
	    "Good:\n\tsuccess\n", "S"), 0);
	input("aaab");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_empty_match_next_byte(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tmatch \"\" Any\n\twait\n"
	    "Any:\n\tsuccess\n", "S"), 0);
	run_ms(30);
	assert_int_equal(ndone, 0);
	input("z");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_earliest_defined_wins(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tmatch AB First\n\tmatch B Second\n"
	    "\twait\nFirst:\n\tsuccess\nSecond:\n\tfailure\n", "S"), 0);
	input("AB");
	run_done(1, 2000);
	assert_true(last_ok);
	assert_int_equal(start("S:\n\tmatch B First\n\tmatch AB Second\n"
	    "\twait\nFirst:\n\tsuccess\nSecond:\n\tfailure\n", "S"), 0);
	input("AB");
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_true(last_ok);
}

static void
test_set_cancellation(void **state)
{
	(void)state;
	/* firing s1 drops s1 and the default set, s2 stays */
	assert_int_equal(start(
	    "S:\n\tmatch s1 A LA\n\tmatch s1 Q Bad\n\tmatch s2 B LB\n"
	    "\tmatch D Bad\n\twait\n"
	    "LA:\n\tprint a\n\twait\nLB:\n\tprint b\n\twait\n"
	    "Bad:\n\tfailure\n", "S"), 0);
	input("A");
	assert_string_equal(sent, "a");
	input("QD");		/* cancelled: nothing happens */
	assert_int_equal(ndone, 0);
	input("B");
	assert_string_equal(sent, "ab");
	run_done(1, 2000);	/* nothing left to wait for */
	assert_int_equal(ndone, 1);
	assert_false(last_ok);
	assert_true(logged("wait with no events pending"));
}

static void
test_default_label_continues(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tmatch OK\n\tmatch s2 NO Bad\n\twait\n"
	    "\tprint next\n\tcancel s2\n\tmatch X \"\"\n\twait\n\tsuccess\n"
	    "Bad:\n\tfailure\n", "S"), 0);
	input("OK");
	assert_string_equal(sent, "next");
	input("NOX");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_cancel(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tmatch a OK L\n\tmatch b OK L\n"
	    "\ttimer c 10 L\n\tcancel a b c\n\twait\nL:\n\tsuccess\n", "S"));
	assert_false(run_script("S:\n\tmatch a OK L\n\tmatch OK\n\ttimer 1\n"
	    "\tcancel ALL\n\twait\nL:\n\tsuccess\n", "S"));
	/* cancel of the default set "" */
	assert_false(run_script("S:\n\tmatch OK\n\tcancel \"\"\n\twait\n",
	    "S"));
	/* set names are expanded; cancelling an unknown set is harmless */
	assert_false(run_script("S:\n\tset $s one\n\tmatch $s OK L\n"
	    "\tcancel nope one\n\twait\nL:\n\tsuccess\n", "S"));
	/* three arguments are string and label, not set and string */
	assert_false(run_script("S:\n\tmatch OK L\n\tcancel OK\n\ttimer 1\n"
	    "\twait\n\tfailure\nL:\n\tsuccess\n", "S"));
	assert_int_equal(ndone, 5);
	assert_false(logged("illegal value"));
}

static void
test_events_of_a_call(void **state)
{
	(void)state;
	/* created inside a call: gone at its return */
	assert_false(run_script("S:\n\tcall Sub\n\twait\n"
	    "Sub:\n\tmatch X Bad\n\ttimer 1 Bad\n\treturn\nBad:\n\tfailure\n",
	    "S"));
	assert_true(logged("wait with no events pending"));
	/* created before a call, fired inside it: the call is left */
	assert_int_equal(start("S:\n\tmatch s Q Out\n\tcall Sub\n"
	    "Sub:\n\tmatch Z Never\n\twait\nNever:\n\tfailure\n"
	    "Out:\n\treturn\n", "S"), 0);
	input("Q");
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_false(last_ok);
	assert_true(logged("return without corresponding call"));
	/* created and fired inside a call: `return` goes back */
	assert_int_equal(start("S:\n\tcall Sub\n\tsuccess\n"
	    "Sub:\n\tmatch s Q Out\n\twait\nOut:\n\treturn\n", "S"), 0);
	input("Q");
	run_done(3, 2000);
	assert_int_equal(ndone, 3);
	assert_true(last_ok);
}

static void
test_regex(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tregex \"^CONNECT *([0-9]*)(x)?$\" Conn\n"
	    "\twait\nConn:\n\tprint \"[$matchedString][$matchedString0]"
	    "[$matchedString1][$matchedString2]\"\n\tsuccess\n", "S"), 0);
	input("\r\nCONNECT 1");	/* $ needs the end of the line */
	assert_int_equal(sent[0], '\0');
	input("15200\r");
	assert_int_equal(sent[0], '\0');
	input("\n");
	assert_string_equal(sent,
	    "[CONNECT 115200][CONNECT 115200][115200][]");
	run_done(1, 2000);
	assert_true(last_ok);
	/* a prompt without a line end matches as it arrives */
	sentlen = 0;
	assert_int_equal(start("S:\n\tregex \"[Ll]ogin:\" Login\n\twait\n"
	    "Login:\n\tprint \"<$matchedString0>\"\n\tsuccess\n", "S"), 0);
	input("Welcome\r\nlogin:");
	assert_string_equal(sent, "<login:>");
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_true(last_ok);
}

static void
test_regex_line_based(void **state)
{
	(void)state;
	/* a pattern never spans lines; ^ is the start of each line */
	assert_int_equal(start("S:\n\tregex \"ab\" Bad\n\tregex \"^cd\" Good\n"
	    "\twait\nBad:\n\tfailure\nGood:\n\tsuccess\n", "S"), 0);
	input("xa\r\ncd");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_regex_long_line(void **state)
{
	char buf[700];

	(void)state;
	assert_int_equal(start("S:\n\tregex \"^(x+)$\" Bad\n"
	    "\tregex \"^ok (.*)$\" Good\n\twait\nBad:\n\tfailure\n"
	    "Good:\n\tsuccess\n", "S"), 0);
	memset(buf, 'x', sizeof(buf) - 2);
	buf[sizeof(buf) - 2] = '\n';
	buf[sizeof(buf) - 1] = '\0';
	input(buf);		/* too long: its first 256 chars, no "$" */
	assert_int_equal(ndone, 0);
	assert_true(logged("[L1] CHAT: warning: line buffer overflow"));
	input("ok then\r\n");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_input_used(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tregex \"^CONNECT\" Up\n\twait\n"
	    "Up:\n\tsuccess\n", "S"), 0);
	assert_int_equal(chat_input_used(C, "RING\r\n", 6), 6);
	/* the script ends on the T: the frame after it is not its own */
	assert_int_equal(chat_input_used(C, "CONNECT\r\n~\xff\x03", 13), 7);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	assert_int_equal(chat_input_used(C, "more", 4), 0);
}

static void
test_regex_invalid_fails(void **state)
{
	(void)state;
	assert_false(run_script("S:\n\tregex \"(\" L\n\twait\nL:\n\tsuccess\n",
	    "S"));
	assert_true(logged("line 2: invalid regular expression \"(\""));
}

static void
test_too_many_events(void **state)
{
	char text[4096];
	size_t n;
	int i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "S:\n");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "\tmatch m%d\n", i);
	snprintf(text + n, sizeof(text) - n, "\tsuccess\n");
	assert_false(run_script(text, "S"));
	assert_true(logged("too many pending matches"));
	n = (size_t)snprintf(text, sizeof(text), "S:\n");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "\ttimer 100\n");
	snprintf(text + n, sizeof(text) - n, "\tsuccess\n");
	assert_false(run_script(text, "S"));
	assert_true(logged("too many pending timers"));
}

static void
test_if(void **state)
{
	(void)state;
	assert_true(run_script(
	    "S:\n\tset $a yes\n"
	    "\tif $a == yes print 1\n\tif $a == no print X\n"
	    "\tif $a != no print 2\n\tif $a != yes print X\n"
	    "\tif \"CONNECT 9600/ARQ\" match \"^CONNECT ([0-9]+)\" "
	    "print \"<$matchedString1>\"\n"
	    "\tif abc !match \"^b\" print 3\n\tif abc !match \"^a\" print X\n"
	    "\tif abc match \"z\" print X\n"
	    "\tif $a == yes if $b == \"\" goto Good\n\tfailure\n"
	    "Good:\n\tsuccess\n", "S"));
	assert_string_equal(sent, "12<9600>3");
}

static void
test_if_bad_operator_or_regex(void **state)
{
	(void)state;
	/* logged, command skipped, script goes on (as mpd5) */
	assert_true(run_script("S:\n\tif a <> b failure\n"
	    "\tif a match \"(\" failure\n\tsuccess\n", "S"));
	assert_true(logged("line 2: invalid operator \"<>\""));
	assert_true(logged("line 3: invalid regular expression \"(\""));
}

/* ---- timers ---- */

static void
test_timer(void **state)
{
	uint64_t t0 = event_now_ms();

	(void)state;
	assert_true(run_script("S:\n\ttimer 3 T\n\twait\n\tfailure\n"
	    "T:\n\tsuccess\n", "S"));
	assert_true(event_now_ms() - t0 >= 30);
	assert_true(logged("[L1] CHAT: timer in set \"\" expired"));
}

static void
test_timer_vs_match(void **state)
{
	(void)state;
	/* the match comes first: the timer's default set is cancelled too */
	assert_int_equal(start("S:\n\ttimer 5 Late\n\tmatch m OK Good\n"
	    "\twait\nGood:\n\twait 2\n\tsuccess\nLate:\n\tfailure\n", "S"), 0);
	input("OK");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	/* nothing comes: the timer fires */
	assert_int_equal(start("S:\n\ttimer t 2 Late\n\tmatch OK Good\n"
	    "\twait\nGood:\n\tsuccess\nLate:\n\tfailure\n", "S"), 0);
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_false(last_ok);
}

static void
test_wait_seconds(void **state)
{
	uint64_t t0 = event_now_ms();

	(void)state;
	assert_true(run_script("S:\n\twait 2\n\tprint a\n\twait 0\n"
	    "\tprint b\n\tsuccess\n", "S"));
	assert_string_equal(sent, "ab");
	assert_true(event_now_ms() - t0 >= 20);
	/* timer 0 makes no event */
	assert_false(run_script("S:\n\ttimer 0 X\n\twait\nX:\n\tsuccess\n",
	    "S"));
	assert_false(run_script("S:\n\twait soon\n\tsuccess\n", "S"));
	assert_true(logged("illegal value \"soon\""));
	assert_false(run_script("S:\n\twait\n\tsuccess\n", "S"));
}

/* ---- life cycle ---- */

static void
test_abort(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tset $tmp 1\n\tset $Perm 1\n"
	    "\ttimer 1 X\n\tmatch OK\n\twait\nX:\n\tsuccess\n", "S"), 0);
	assert_true(chat_active(C));
	chat_abort(C);
	assert_false(chat_active(C));
	assert_null(chat_var_get(C, "tmp"));
	assert_string_equal(chat_var_get(C, "Perm"), "1");
	input("OK");
	run_ms(50);
	assert_int_equal(ndone, 0);
	/* abort while done() is still pending */
	assert_int_equal(start("S:\n\tsuccess\n", "S"), 0);
	assert_true(chat_active(C));
	chat_abort(C);
	run_ms(30);
	assert_int_equal(ndone, 0);
}

static void
test_restart_from_done(void **state)
{
	(void)state;
	restart_text = "S:\n\tprint r\n\tmatch OK\n\twait\n\tsuccess\n";
	restarts = 1;
	assert_int_equal(start("S:\n\tmatch X\n\twait\n\tfailure\n", "S"), 0);
	input("X");		/* fails; done() starts the next script */
	assert_int_equal(ndone, 1);
	assert_false(last_ok);
	assert_true(chat_active(C));
	assert_string_equal(sent, "r");
	input("OK");
	run_done(2, 2000);
	assert_int_equal(ndone, 2);
	assert_true(last_ok);
}

static void
test_restart_while_waiting(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tmatch A Bad\n\ttimer 1 Bad\n\twait\n"
	    "Bad:\n\tfailure\n", "S"), 0);
	assert_int_equal(start("S:\n\tmatch B\n\twait\n\tsuccess\n", "S"), 0);
	input("A");
	run_ms(50);
	assert_int_equal(ndone, 0);
	input("B");
	run_done(1, 2000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
}

static void
test_chat2_dumps(void **state)
{
	(void)state;
	assert_int_equal(start("S:\n\tprint \"AT\\r\"\n\tmatch OK\n\twait\n"
	    "\tsuccess\n", "S"), 0);
	input("OK");
	run_done(1, 2000);
	assert_true(logged("[L1] CHAT: line 2: print \"AT\\r\""));
	assert_true(logged("[L1] CHAT: sending"));
	assert_true(logged(" 41 54 0d"));
	assert_true(logged("[L1] CHAT: read"));
	assert_true(logged("[L1] CHAT: matched set \"\", goto label \"\""));
}

/* ---- the bundled mpd.script and a fake Hayes modem ---- */

static struct {
	char		 cmd[256];	/* command line being received */
	size_t		 clen;
	const char	*dial_reply;	/* after ATD */
	const char	*answer_reply;	/* after ATA */
	bool		 echo;
	int		 ata, atd;
	char		 dialled[64];
	char		 reply[512];
	size_t		 rlen;
	struct timer	 t;
} M;

static void
modem_reply_cb(void *arg)
{
	size_t n = M.rlen;

	(void)arg;
	M.rlen = 0;
	chat_input(C, M.reply, n);
}

static void
modem_say(const char *s)
{
	size_t n = strlen(s);

	if (M.rlen + n < sizeof(M.reply)) {
		memcpy(M.reply + M.rlen, s, n);
		M.rlen += n;
	}
	timer_start(&M.t);
}

/* The port: what the script prints goes to the fake modem. */
static int
modem_write(void *arg, const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	(void)arg;
	io_write(arg, buf, len);
	for (i = 0; i < len; i++) {
		if (M.echo) {
			char e[2] = { p[i], '\0' };
			modem_say(e);
		}
		if (p[i] != '\r') {
			if (M.clen < sizeof(M.cmd) - 1)
				M.cmd[M.clen++] = p[i];
			continue;
		}
		M.cmd[M.clen] = '\0';
		M.clen = 0;
		if (strncmp(M.cmd, "ATD", 3) == 0) {
			M.atd++;
			snprintf(M.dialled, sizeof(M.dialled), "%.60s",
			    M.cmd + 4);
			if (M.dial_reply != NULL)
				modem_say(M.dial_reply);
		} else if (strcmp(M.cmd, "ATA") == 0) {
			M.ata++;
			if (M.answer_reply != NULL)
				modem_say(M.answer_reply);
		} else if (strncmp(M.cmd, "AT", 2) == 0) {
			if (strncmp(M.cmd, "ATE0", 4) == 0)
				M.echo = false;
			modem_say("\r\nOK\r\n");
		} else
			modem_say("\r\nERROR\r\n");
	}
	return 0;
}

static const struct chat_io modem_io = {
	.write = modem_write,
	.set_speed = io_set_speed,
	.done = io_done,
};

static int
setup_modem(void **state)
{
	if (setup(state) < 0)
		return -1;
	chat_free(C);
	C = chat_new("L1", &modem_io, NULL);
	chat_set_second_ms(C, 10);
	memset(&M, 0, sizeof(M));
	M.echo = true;
	timer_init(&M.t, "modem", 1, modem_reply_cb, NULL);
	return 0;
}

static int
teardown_modem(void **state)
{
	timer_stop(&M.t);
	return teardown(state);
}

static bool
run_bundled(const char *label, uint32_t ms)
{
	assert_int_equal(chat_start(C, SCRIPT_FILE, label), 0);
	run_ms(ms);
	assert_int_equal(ndone, 1);
	return last_ok;
}

static void
test_script_dial_peer(void **state)
{
	(void)state;
	chat_var_set(C, "Telephone", "5551234");
	chat_var_set(C, "DialPrefix", "DT9,");
	chat_var_set(C, "SpeakerOff", "yes");
	M.dial_reply = "\r\nCONNECT 115200/ARQ\r\n";
	assert_true(run_bundled("DialPeer", 3000));
	assert_int_equal(M.atd, 1);
	assert_string_equal(M.dialled, "9,5551234");
	assert_non_null(strstr(sent, "ATM0\r"));
	assert_string_equal(chat_var_get(C, "ConnectionSpeed"), "115200");
	assert_string_equal(chat_var_get(C, "CalledID"), "5551234");
	/* $ConnectTimeout gets its default */
	assert_string_equal(chat_var_get(C, "ConnectTimeout"), "45");
	assert_true(logged("[L1] CHAT: Connected at 115200 bps"));
}

static void
test_script_dial_busy(void **state)
{
	(void)state;
	chat_var_set(C, "Telephone", "5551234");
	M.dial_reply = "\r\nBUSY\r\n";
	assert_false(run_bundled("DialPeer", 3000));
	assert_int_equal(M.atd, 1);
	assert_non_null(strstr(sent, "ATDT5551234\r"));	/* default "DT" */
	assert_true(logged("[L1] CHAT: The line is busy"));
	assert_string_equal(chat_last_log(C), "The line is busy");
}

static void
test_script_dial_timeout(void **state)
{
	uint64_t t0 = event_now_ms();

	(void)state;
	chat_var_set(C, "Telephone", "5551234");
	chat_var_set(C, "ConnectTimeout", "5");
	M.dial_reply = NULL;		/* the modem says nothing */
	assert_false(run_bundled("DialPeer", 3000));
	assert_true(event_now_ms() - t0 >= 50);
	assert_true(logged("No connection after 5 seconds"));
}

static void
test_script_dial_no_modem(void **state)
{
	(void)state;
	chat_free(C);
	C = chat_new("L1", &io, NULL);	/* nobody answers AT */
	chat_set_second_ms(C, 10);
	chat_var_set(C, "Telephone", "5551234");
	assert_false(run_bundled("DialPeer", 3000));
	assert_true(logged("no answer from the modem"));
}

static void
test_script_serial230k(void **state)
{
	(void)state;
	chat_var_set(C, "Telephone", "1");
	chat_var_set(C, "Serial230K", "yes");
	M.dial_reply = "\r\nCONNECT\r\n";
	assert_true(run_bundled("DialPeer", 3000));
	assert_int_equal(nspeeds, 1);
	assert_int_equal(speeds[0], 230400);
	assert_string_equal(chat_var_get(C, "ConnectionSpeed"), "");
}

static void
test_script_login_and_ta(void **state)
{
	(void)state;
	chat_var_set(C, "Telephone", "5551234");
	chat_var_set(C, "TA_Bonding", "yes");
	chat_var_set(C, "TA_SwitchType", "NI-1");
	chat_var_set(C, "TA_Init", "AT!X1");
	chat_var_set(C, "TerminalLogin", "yes");
	chat_var_set(C, "Login", "joe");
	chat_var_set(C, "Password", "secret");
	M.dial_reply = "\r\nCONNECT 128000\r\n\r\nWelcome\r\nlogin: ";
	assert_int_equal(chat_start(C, SCRIPT_FILE, "DialPeer"), 0);
	run_ms(300);
	assert_int_equal(ndone, 0);
	assert_string_equal(M.dialled, "5551234&5551234");
	assert_non_null(strstr(sent, "AT!X1\r"));
	assert_non_null(strstr(sent, "joe\r"));
	assert_null(strstr(sent, "secret"));
	modem_say("Password:");
	run_done(1, 3000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	assert_non_null(strstr(sent, "joe\rsecret\r"));
	assert_true(logged("[L1] CHAT: ISDN switch NI-1"));
	/* TA_NoDoubleTelno: the number is used as given */
	ndone = 0;
	chat_var_set(C, "TA_NoDoubleTelno", "yes");
	chat_var_set(C, "TerminalLogin", "");
	assert_true(run_bundled("DialPeer", 3000));
	assert_string_equal(M.dialled, "5551234");
}

static void
test_script_null_modem(void **state)
{
	(void)state;
	chat_var_set(C, "Baudrate", "115200");
	assert_true(run_bundled("DialNullModem", 1000));
	assert_string_equal(sent, "");
}

static void
test_script_answer_call(void **state)
{
	(void)state;
	M.answer_reply = "\r\nCONNECT 33600\r\n";
	assert_int_equal(chat_start(C, SCRIPT_FILE, "AnswerCall"), 0);
	run_ms(200);		/* modem set up, waiting for RING */
	assert_int_equal(ndone, 0);
	assert_int_equal(M.ata, 0);
	M.echo = false;
	/* caller ID before the first ring (as in the UK) */
	modem_say("\r\nNMBR = 5550000\r\n\r\nRING\r\n");
	run_done(1, 3000);
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	assert_int_equal(M.ata, 1);
	assert_string_equal(chat_var_get(C, "IdleResult"), "answer");
	assert_string_equal(chat_var_get(C, "ConnectionSpeed"), "33600");
	assert_string_equal(chat_var_get(C, "CallingID"), "5550000");
}

static void
test_script_answer_no_ring(void **state)
{
	(void)state;
	chat_var_set(C, "RingTimeout", "10");
	assert_false(run_bundled("AnswerCall", 3000));
	assert_int_equal(M.ata, 0);
}

static void
test_script_ringback(void **state)
{
	(void)state;
	chat_var_set(C, "RingStoppedTime", "30");
	assert_int_equal(chat_start(C, SCRIPT_FILE, "Ringback"), 0);
	run_ms(200);
	M.echo = false;
	modem_say("\r\nRING\r\n");
	run_ms(60);		/* ringing goes on */
	assert_int_equal(ndone, 0);
	modem_say("\r\nRING\r\n");
	run_ms(60);
	assert_int_equal(ndone, 0);
	run_ms(3000);		/* then stops: call back */
	assert_int_equal(ndone, 1);
	assert_true(last_ok);
	assert_int_equal(M.ata, 0);
	assert_string_equal(chat_var_get(C, "IdleResult"), "ringback");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_print_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_and_nop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_colon_and_fallthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_or_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_script_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command_and_arg_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goto_call_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_variables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_var_api, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expansion_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_baudrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_fires_in_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_ignored_when_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_match_next_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_earliest_defined_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_cancellation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_label_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_of_a_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex_line_based, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex_invalid_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if_bad_operator_or_regex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_vs_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_seconds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_from_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_while_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chat2_dumps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_dial_peer, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_dial_busy, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_dial_timeout, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_dial_no_modem, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_serial230k, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_login_and_ta, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_null_modem, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_answer_call, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_answer_no_ring, setup_modem, teardown_modem),
		cmocka_unit_test_setup_teardown(test_script_ringback, setup_modem, teardown_modem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
