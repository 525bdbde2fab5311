/*
 * console_stdin.c - the stdin console of a foreground daemon (surface
 * spec 6: "stdin console", "EOF on stdin", "exit").
 *
 * The session is made by console_stdin_create() before mpd.conf runs, so
 * configuration output and log lines reach stdout; console_stdin_start()
 * then begins reading.  No login, user "root", admin privilege, logging
 * on.  Three ways to read:
 *   - stdin and stdout are a terminal: libedit in unbuffered mode, driven
 *     by the event loop one key at a time (emacs bindings, a history of
 *     CONSOLE_LINE_HIST lines, TAB completes through the command engine,
 *     `?` prints help for the partial line).  The terminal is raw only
 *     while a prompt is shown and is restored on exit, at shutdown and,
 *     as a last resort, from atexit();
 *   - a terminal libedit cannot drive: mpd5's own way, non-canonical and
 *     without echo, with the telnet line editor (console_line.c);
 *   - anything else (a pipe, a file): read in chunks, each byte echoed
 *     the way mpd5 echoes it, so a transcript reads "[] cmd" + output;
 *     `?` and TAB are plain characters there.  A stdin that epoll refuses
 *     (a regular file, /dev/null) is read from a zero-delay timer.
 * EOF on a terminal (^D) is ignored; on anything else it logs
 * "CONSOLE: Connection closed by peer" and reading stops while the
 * daemon goes on.  `exit` prints "Console closed." and stops reading.
 */
#include "console.h"

#include <errno.h>
#include <histedit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "../core/defs.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/util.h"
#include "console_line.h"
#include "console_local.h"

#define CONSOLE_EL_WAIT_MS	50	/* wait for the rest of a key */

/* State of the one stdin session. */
static struct {
	struct console_session	*s;		/* in console.c's list */
	bool			 reading;
	bool			 polled;	/* not pollable: timer */
	struct timer		 timer;

	/* libedit, when stdin and stdout are a terminal */
	EditLine		*el;
	History			*hist;
	bool			 el_active;	/* prompt shown, raw mode */
	bool			 el_in_call;	/* inside el_gets() */
	bool			 el_eof;	/* terminal hung up */
	char			 el_prompt[CONSOLE_PROMPT_MAX];

	struct termios		 tios;		/* terminal as we found it */
	bool			 tty_changed;	/* restore tios at the end */
	bool			 atexit_done;
} sio;

static void	stdin_read_cb(int type, void *arg);

/* console_line echo sink. */
static void
stdin_line_out(void *arg, const char *buf, size_t len)
{
	console_sess_out(arg, buf, len);
}

/* Timer-driven reading for a stdin that epoll refuses (a plain file). */
static void
stdin_timer_cb(void *arg)
{
	stdin_read_cb(EV_READ, arg);
	if (sio.reading && sio.polled && !sio.s->paused &&
	    !timer_running(&sio.timer))
		timer_start(&sio.timer);
}

/* Plain (non-terminal) stdin: read a chunk and run what it holds. */
static void
stdin_read_cb(int type, void *arg)
{
	struct console_session *s = arg;
	ssize_t n;

	(void)type;
	if (!sio.reading || s->paused)
		return;
	if (s->ioff >= s->ilen) {
		n = read(STDIN_FILENO, s->ibuf, sizeof(s->ibuf));
		if (n == 0) {
			log_msg(LG_ERR, "CONSOLE: Connection closed by peer");
			console_stdin_stop();
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			log_perr(LG_ERR, "CONSOLE: Error while reading");
			console_stdin_stop();
			return;
		}
		s->ioff = 0;
		s->ilen = (size_t)n;
	}
	console_sess_process(s);
}

static void
stdin_restore_tty(void)
{
	if (sio.tty_changed) {
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &sio.tios);
		sio.tty_changed = false;
	}
}

/* atexit safety net: never leave the terminal in raw mode. */
static void
stdin_atexit(void)
{
	stdin_restore_tty();
}

/* Remember the terminal settings before anyone changes them. */
static int
stdin_save_tty(void)
{
	if (tcgetattr(STDIN_FILENO, &sio.tios) < 0)
		return -1;
	if (!sio.atexit_done) {
		atexit(stdin_atexit);
		sio.atexit_done = true;
	}
	sio.tty_changed = true;
	return 0;
}

/*
 * Fallback when libedit cannot run on the terminal: mpd5's own way,
 * non-canonical and without echo, with our line editor doing the rest.
 */
static void
stdin_raw_tty(struct console_session *s)
{
	struct termios t;

	if (stdin_save_tty() < 0)
		return;
	t = sio.tios;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0) {
		sio.tty_changed = false;
		return;
	}
	console_line_set_flags(&s->line, CL_F_EDIT);
}

static void
stdin_el_end(void)
{
	if (sio.el != NULL) {
		el_end(sio.el);
		sio.el = NULL;
	}
	if (sio.hist != NULL) {
		history_end(sio.hist);
		sio.hist = NULL;
	}
	sio.el_active = false;
	stdin_restore_tty();
}

void
console_stdin_stop(void)
{
	struct console_session *s = sio.s;

	if (s == NULL)
		return;
	s->in_closed = true;
	s->ioff = s->ilen = 0;
	/*
	 * Nobody reads this console any more: log lines go to stderr from
	 * now on (once, not also through the session), so a foreground
	 * daemon keeps showing its log.
	 */
	s->opts.enable &= ~(1u << CONSOLE_OPT_LOGGING);
	log_set_foreground(1);
	if (!sio.reading)
		return;
	sio.reading = false;
	event_unregister(&s->ev_read);
	timer_stop(&sio.timer);
	stdin_el_end();		/* also restores the terminal */
}

static char *
stdin_el_prompt(EditLine *el)
{
	(void)el;
	return sio.el_prompt;
}

/*
 * libedit input: one byte from the terminal.  The first byte of a key is
 * there (epoll woke us); the rest of an escape sequence gets a short
 * wait, so a lone ESC can never block the daemon.
 */
static int
stdin_el_getc(EditLine *el, wchar_t *wc)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char c;
	ssize_t n;

	(void)el;
	if (poll(&p, 1, CONSOLE_EL_WAIT_MS) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	n = read(STDIN_FILENO, &c, 1);
	if (n == 1) {
		*wc = (wchar_t)c;
		return 1;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	/* read() 0 or EIO on a non-canonical terminal: hang-up. */
	sio.el_eof = true;
	return 0;
}

static void
stdin_el_linecopy(EditLine *el, char *buf, size_t len)
{
	const LineInfo *li = el_line(el);
	size_t n = (size_t)(li->lastchar - li->buffer);

	if (n >= len)
		n = len - 1;
	memcpy(buf, li->buffer, n);
	buf[n] = '\0';
}

/* TAB: complete the command word. */
static unsigned char
stdin_el_complete(EditLine *el, int ch)
{
	struct console_session *s = sio.s;
	char line[CONSOLE_LINE_MAX + 1], out[CONSOLE_LINE_MAX + 64];
	const LineInfo *li;

	(void)ch;
	stdin_el_linecopy(el, line, sizeof(line));
	if (cmd_complete(&s->ctx, line, out, sizeof(out)) != 1)
		return CC_REFRESH_BEEP;
	li = el_line(el);
	(void)el_cursor(el, (int)(li->lastchar - li->cursor));
	li = el_line(el);
	el_deletestr(el, (int)(li->cursor - li->buffer));
	if (el_insertstr(el, out) < 0)
		return CC_REFRESH_BEEP;
	return CC_REFRESH;
}

/* `?`: help for the partial line, then the prompt and line again. */
static unsigned char
stdin_el_help(EditLine *el, int ch)
{
	struct console_session *s = sio.s;
	char line[CONSOLE_LINE_MAX + 1];

	(void)ch;
	stdin_el_linecopy(el, line, sizeof(line));
	s->busy++;
	console_sess_puts(s, "?\r\n");
	cmd_help_line(&s->ctx, line);
	console_sess_prompt(s);		/* refreshes sio.el_prompt */
	console_sess_flush(s);
	s->busy--;
	el_set(el, EL_REFRESH);
	return CC_NORM;
}

static void
stdin_el_read_cb(int type, void *arg)
{
	struct console_session *s = arg;
	char line[CONSOLE_LINE_MAX + 1];
	const char *buf;
	HistEvent hev;
	size_t n;
	int count = 0;

	(void)type;
	if (!sio.reading || sio.el == NULL)
		return;
	sio.el_in_call = true;
	buf = el_gets(sio.el, &count);
	sio.el_in_call = false;
	if (sio.el_eof) {
		console_stdin_stop();
		return;
	}
	if (buf == NULL || count <= 0)
		return;
	if (buf[count - 1] != '\n') {
		/* ^D on an empty line: EOF on a terminal is ignored; libedit
		 * printed "^D", so start over on a fresh line. */
		if (count == 1 && buf[0] == 0x04) {
			el_set(sio.el, EL_UNBUFFERED, 0);
			console_sess_puts(s, "\r\n");
			el_set(sio.el, EL_UNBUFFERED, 1);
		}
		return;
	}
	n = (size_t)count - 1;
	if (n > CONSOLE_LINE_MAX)
		n = CONSOLE_LINE_MAX;
	memcpy(line, buf, n);
	line[n] = '\0';

	/* Back to the cooked terminal while the command runs. */
	el_set(sio.el, EL_UNBUFFERED, 0);
	sio.el_active = false;
	if (console_has_text(line))
		(void)history(sio.hist, &hev, H_ENTER, line);
	s->busy++;
	console_sess_run(s, line);
	console_sess_flush(s);
	if (sio.reading && sio.el != NULL) {
		el_set(sio.el, EL_UNBUFFERED, 1);	/* prints the prompt */
		sio.el_active = true;
	}
	console_sess_release(s);
}

/* Set up libedit on a terminal.  Returns 0, or -1 to read plainly. */
static int
stdin_el_start(struct console_session *s)
{
	HistEvent hev;

	if (stdin_save_tty() < 0)
		return -1;
	sio.el = el_init(MPD_PROG, stdin, stdout, stderr);
	sio.hist = history_init();
	if (sio.el == NULL || sio.hist == NULL)
		goto fail;
	(void)history(sio.hist, &hev, H_SETSIZE, CONSOLE_LINE_HIST);
	el_set(sio.el, EL_EDITOR, "emacs");
	el_set(sio.el, EL_HIST, history, sio.hist);
	el_set(sio.el, EL_PROMPT, stdin_el_prompt);
	el_set(sio.el, EL_GETCFN, stdin_el_getc);
	/* The wide call: the narrow one leaks its converted copies. */
	el_wset(sio.el, EL_ADDFN, L"mpd-complete", L"Complete a command word",
	    stdin_el_complete);
	el_wset(sio.el, EL_ADDFN, L"mpd-help", L"Help for the partial line",
	    stdin_el_help);
	el_set(sio.el, EL_BIND, "^I", "mpd-complete", NULL);
	el_set(sio.el, EL_BIND, "?", "mpd-help", NULL);
	if (event_register(&s->ev_read, EV_READ, STDIN_FILENO, EVF_RECURRING,
	    stdin_el_read_cb, s) < 0)
		goto fail;
	sio.reading = true;
	console_sess_prompt(s);		/* fills sio.el_prompt */
	el_set(sio.el, EL_UNBUFFERED, 1);	/* raw mode, prints it */
	sio.el_active = true;
	return 0;

fail:
	stdin_el_end();
	return -1;
}

struct cmd_ctx *
console_stdin_create(void)
{
	struct console_session *s;

	if (sio.s != NULL)
		return &sio.s->ctx;
	s = console_sess_create(true, -1);
	s->ctx.priv = PRIV_ADMIN;
	s->state = CS_READY;
	util_strlcpy(s->user, "root", sizeof(s->user));
	s->opts.enable |= 1u << CONSOLE_OPT_LOGGING;
	/* Piped input: no telnet, no `?`/TAB (they may be data). */
	console_line_init(&s->line, 0, stdin_line_out, s);
	sio.s = s;
	return &s->ctx;
}

void
console_stdin_start(void)
{
	struct console_session *s = sio.s;

	if (s == NULL || sio.reading || s->in_closed)
		return;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		if (stdin_el_start(s) == 0)
			return;
		stdin_raw_tty(s);
	}
	sio.reading = true;
	console_sess_prompt(s);
	console_sess_flush(s);
	if (event_register(&s->ev_read, EV_READ, STDIN_FILENO, EVF_RECURRING,
	    stdin_read_cb, s) == 0)
		return;
	if (errno != EPERM) {
		log_perr(LG_ERR, "CONSOLE: can't read stdin");
		sio.reading = false;
		return;
	}
	/* A regular file or /dev/null: epoll refuses it, but read()
	 * never blocks on those, so poll it from the loop. */
	sio.polled = true;
	timer_init(&sio.timer, "console stdin", 0, stdin_timer_cb, s);
	timer_start(&sio.timer);
}

void
console_stdin_input(bool on)
{
	struct console_session *s = sio.s;

	if (s == NULL || !sio.reading)
		return;
	if (sio.polled) {
		if (on)
			timer_start(&sio.timer);
		else
			timer_stop(&sio.timer);
	} else if (on) {
		if (event_register(&s->ev_read, EV_READ, STDIN_FILENO,
		    EVF_RECURRING, sio.el != NULL ? stdin_el_read_cb :
		    stdin_read_cb, s) < 0)
			log_perr(LG_ERR, "CONSOLE: can't read stdin");
	} else
		event_unregister(&s->ev_read);
}

bool
console_stdin_edit_prompt(const char *prompt)
{
	if (sio.el == NULL)
		return false;
	util_strlcpy(sio.el_prompt, prompt, sizeof(sio.el_prompt));
	return true;
}

bool
console_stdin_editing(void)
{
	return sio.el != NULL && sio.el_active && !sio.el_in_call;
}

void
console_stdin_redisplay(void)
{
	if (console_stdin_editing())
		el_set(sio.el, EL_REFRESH);
}

void
console_stdin_shutdown(void)
{
	console_stdin_stop();
	sio.s = NULL;
}
