/*
 * fuzz_console_line.c - libFuzzer target for the console line discipline
 * (telnet IAC filtering, escape sequences, editing and history).
 *
 * The first input byte picks the mode flags; the rest is fed byte by
 * byte.  TAB completion is answered with a fixed replacement so that the
 * redraw path runs too.  Invariants are checked with abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/console_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t fuzz_echoed;

static void
fuzz_out(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	fuzz_echoed += len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct console_line cl;
	size_t i;

	if (size == 0 || size > 65536)
		return 0;
	console_line_init(&cl, data[0] & (CL_F_TELNET | CL_F_EDIT |
	    CL_F_HIDDEN), fuzz_out, NULL);
	for (i = 1; i < size; i++) {
		switch (console_line_feed(&cl, data[i])) {
		case CL_EV_COMPLETE:
			console_line_replace(&cl, "show console ");
			break;
		case CL_EV_HELP:
			console_line_redraw(&cl);
			break;
		case CL_EV_LINE:
			if (strlen(cl.line) > CONSOLE_LINE_MAX)
				abort();
			break;
		case CL_EV_NONE:
		case CL_EV_CANCEL:
			break;
		}
		if (cl.len > CONSOLE_LINE_MAX || strlen(cl.buf) != cl.len ||
		    cl.hist_len < 0 || cl.hist_len > CONSOLE_LINE_HIST ||
		    cl.hist_pos < -1 || cl.hist_pos >= cl.hist_len)
			abort();
	}
	return 0;
}
