/*
 * console_line.h - the console line discipline: telnet IAC filtering,
 * line editing, history and echo for one console session, as a pure state
 * machine (surface spec 6, "Line editing" and "Telnet").
 *
 * The caller feeds input one byte at a time.  Echo and redraw bytes go to
 * an output callback; events that need the command engine (a complete
 * line, `?` help, TAB completion, ^C) are returned to the caller, which
 * acts on them before feeding the next byte.  There is no I/O, no global
 * state and no allocation, so the machine can be unit tested and fuzzed
 * on its own.
 */
#ifndef MPD_CTL_CONSOLE_LINE_H
#define MPD_CTL_CONSOLE_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/defs.h"

#define CONSOLE_LINE_HIST	10		/* history entries */
#define CONSOLE_LINE_MAX	CONSOLE_MAX_LINE /* chars per line */

/* Mode flags (console_line_set_flags). */
#define CL_F_TELNET	0x01	/* input is a telnet stream: filter IAC */
#define CL_F_EDIT	0x02	/* `?`, TAB, ^P/^N and arrows are active */
#define CL_F_HIDDEN	0x04	/* do not echo typed characters (password) */

/* What console_line_feed() asks the caller to do. */
enum console_line_ev {
	CL_EV_NONE,	/* nothing: keep feeding */
	CL_EV_LINE,	/* a line ended ("\r\n" echoed); text in ->line */
	CL_EV_HELP,	/* `?` typed ("?\r\n" echoed); partial line in ->buf */
	CL_EV_COMPLETE,	/* TAB typed; partial line in ->buf */
	CL_EV_CANCEL,	/* ^C: line dropped, "\r\n" echoed */
};

/* Output sink for echo: receives raw bytes to send to the terminal. */
typedef void console_line_out_fn(void *arg, const char *buf, size_t len);

/*
 * State of one session's line discipline.  Everything is inline; the
 * struct may be embedded anywhere and copied while no call is running.
 */
struct console_line {
	console_line_out_fn	*out;
	void			*out_arg;
	unsigned		 flags;		/* CL_F_* */

	/* input decoding */
	unsigned char		 tn_state;	/* telnet IAC parser */
	unsigned char		 esc_state;	/* ANSI escape parser */
	bool			 after_cr;	/* swallow LF/NUL after CR */

	/* the line being edited (always NUL terminated) */
	char			 buf[CONSOLE_LINE_MAX + 1];
	size_t			 len;

	/* the last completed line (valid after CL_EV_LINE) */
	char			 line[CONSOLE_LINE_MAX + 1];

	/* history: hist[0] is the newest entry */
	char			 hist[CONSOLE_LINE_HIST][CONSOLE_LINE_MAX + 1];
	int			 hist_len;
	int			 hist_pos;	/* -1: editing a new line */
	char			 draft[CONSOLE_LINE_MAX + 1];
};

/*
 * Reset cl to an empty line with no history, echoing through out(arg).
 * flags is a mask of CL_F_*.
 */
void	console_line_init(struct console_line *cl, unsigned flags,
	    console_line_out_fn *out, void *arg);

/*
 * Change the mode flags (e.g. drop CL_F_HIDDEN after the password).  The
 * current line and the decoder state are kept.
 */
void	console_line_set_flags(struct console_line *cl, unsigned flags);

/*
 * Process one input byte.  Returns the event the caller must handle
 * before the next byte.  With CL_EV_LINE the edit buffer is already empty
 * and the line was added to the history (CL_F_EDIT only, non-empty lines
 * that differ from the newest entry).
 */
enum console_line_ev console_line_feed(struct console_line *cl,
	    unsigned char c);

/*
 * Replace the line being edited by text (truncated to the maximum),
 * updating the terminal with the fewest erase/print bytes.
 */
void	console_line_replace(struct console_line *cl, const char *text);

/* Echo the whole current line again (after the caller re-printed a
 * prompt, e.g. following `?` help). */
void	console_line_redraw(struct console_line *cl);

/* Drop the current line without touching the terminal. */
void	console_line_clear(struct console_line *cl);

/* Ring the terminal bell. */
void	console_line_bell(struct console_line *cl);

#endif /* MPD_CTL_CONSOLE_LINE_H */
