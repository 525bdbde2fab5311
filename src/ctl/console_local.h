/*
 * console_local.h - internals shared by the console module's files:
 * console.c (sessions, telnet, commands, user table) and console_stdin.c
 * (the stdin console of a foreground daemon).  Not for other modules.
 */
#ifndef MPD_CTL_CONSOLE_LOCAL_H
#define MPD_CTL_CONSOLE_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/event.h"
#include "../core/util.h"
#include "command.h"
#include "console_line.h"

#define CONSOLE_IN_CHUNK	4096		/* bytes read per call */
#define CONSOLE_PROMPT_MAX	(CONSOLE_LINE_MAX + 8)

/* Option bits: the per-session list and the global list share a space. */
#define CONSOLE_OPT_LOGGING	0
#define CONSOLE_OPT_AUTH	1

enum console_state {
	CS_USERNAME,		/* waiting for the user name */
	CS_PASSWORD,		/* waiting for the password */
	CS_READY,		/* logged in: lines are commands */
};

/*
 * One console session (telnet or stdin).  Owned by the session list in
 * console.c; freed only from the top of the event loop (or by
 * console_shutdown()) once `dead` and not `busy`.  The embedded cmd_ctx
 * points back here through ctx.console.
 */
struct console_session {
	struct console_session	*next;
	struct cmd_ctx		 ctx;
	struct console_line	 line;
	enum console_state	 state;
	int			 fd;		/* socket; -1 for stdin */
	bool			 is_stdin;
	bool			 dead;		/* closed, to be freed */
	bool			 in_closed;	/* no more input */
	bool			 paused;	/* input held back */
	bool			 batching;	/* coalesce output */
	int			 busy;		/* frames using it */
	struct event		 ev_read;
	struct event		 ev_write;
	struct timer		 drain_timer;
	struct opt_set		 opts;		/* logging */
	struct u_addr		 peer;
	char			 user[CONSOLE_LINE_MAX + 1];

	char			*obuf;		/* pending output */
	size_t			 ooff, olen, ocap;

	unsigned char		 ibuf[CONSOLE_IN_CHUNK]; /* unread input */
	size_t			 ioff, ilen;
};

/* ---- console.c ---- */

/* True when s holds something other than blanks and tabs. */
bool	console_has_text(const char *s);

/*
 * Allocate a session, link it into the list and set up its command
 * context (priv user, output into the session).  fd is the telnet socket
 * or -1 for stdin.  Never fails (allocation aborts).
 */
struct console_session *console_sess_create(bool is_stdin, int fd);

/*
 * Queue n bytes of output and send them unless the session is batching.
 * Safe on a dead session (no-op); may close a telnet session whose
 * buffer overflows (it then becomes dead, memory stays valid).
 */
void	console_sess_out(struct console_session *s, const char *p,
	    size_t n);
/* console_sess_out() of a C string. */
void	console_sess_puts(struct console_session *s, const char *str);

/* Send pending output now, as far as the peer takes it. */
void	console_sess_flush(struct console_session *s);

/* Print the prompt of the session's state ("Username: ", "[x] "...). */
void	console_sess_prompt(struct console_session *s);

/*
 * Run one command line (audit log, engine, "Console closed." on `exit`,
 * prompt otherwise).  The caller holds a busy reference.
 */
void	console_sess_run(struct console_session *s, const char *line);

/*
 * Feed the bytes waiting in s->ibuf through the line discipline, pausing
 * input under back-pressure.  Takes and drops its own busy reference, so
 * s may be freed on return when the module was shut down meanwhile.
 */
void	console_sess_process(struct console_session *s);

/*
 * Drop a busy reference taken with s->busy++.  After console_shutdown()
 * the last reference frees s: do not touch s after this call.
 */
void	console_sess_release(struct console_session *s);

/* ---- console_stdin.c ---- */

/*
 * Stop reading stdin (exit, EOF, shutdown) and give the terminal its
 * settings back.  The session stays listed.  Idempotent.
 */
void	console_stdin_stop(void);

/* Watch stdin again (on) or hold it (off) for back-pressure. */
void	console_stdin_input(bool on);

/*
 * When libedit draws the prompt (terminal mode), keep prompt for it and
 * return true; otherwise return false and let the caller print it.
 */
bool	console_stdin_edit_prompt(const char *prompt);

/* True when libedit shows an editable line that output would garble. */
bool	console_stdin_editing(void);

/* Redraw libedit's prompt and line after console_stdin_editing() output. */
void	console_stdin_redisplay(void);

/* Forget the stdin session (console_shutdown() frees it). */
void	console_stdin_shutdown(void);

#endif /* MPD_CTL_CONSOLE_LOCAL_H */
