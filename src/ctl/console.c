/*
 * console.c - the telnet console, the sessions shared with the stdin
 * console, and the console/web user table (surface spec 4.3.2, 4.3.3,
 * 5.10 `show console` / `show user`, and 6).
 *
 * Provides the commands `set console self|open|close|enable|disable`,
 * `set user`, `show console` and `show user`, and the sessions behind
 * them:
 *   - telnet sessions (RFC 854 framing; the server announces WILL SGA,
 *     DO SGA, WILL ECHO, DO ECHO, RFC 858 / RFC 857, and echoes itself)
 *     with mpd5's banner, Username:/Password: login against the `set user`
 *     table (or no login when `auth` is disabled), per-session context,
 *     privilege, history and `logging` flag;
 *   - the session machinery the stdin console (console_stdin.c) runs on;
 *   - the log hook that copies every emitted log line to the sessions
 *     with logging enabled.
 *
 * Byte-level editing lives in console_line.c.  This file owns sockets,
 * buffers and session lifetime:
 *   - all sockets are non-blocking; output goes to a per-session buffer
 *     capped at CONSOLE_OUT_MAX (a client that stops reading is dropped);
 *   - input is read CONSOLE_IN_CHUNK bytes at a time and processed one
 *     byte at a time; while more than CONSOLE_OUT_HIGH bytes wait to be
 *     sent, input processing pauses (back-pressure), so neither garbage
 *     nor a fast paste can grow memory without bound;
 *   - a session is never freed inside its own callbacks: closing marks it
 *     dead and a zero-delay timer frees it from the top of the loop.
 *     `busy` counts the session's frames on the stack so that even
 *     console_shutdown() called from a command cannot free it under them.
 */
#include "console.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/defs.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "console_line.h"
#include "console_local.h"

#define CONSOLE_DEFAULT_IP	"127.0.0.1"
#define CONSOLE_DEFAULT_PORT	5005

#define CONSOLE_OUT_MAX		(1024 * 1024)	/* hard cap per session */
#define CONSOLE_OUT_HIGH	(64 * 1024)	/* pause input above this */
#define CONSOLE_OUT_LOW		(16 * 1024)	/* resume input below this */
#define CONSOLE_OUT_FLUSH	(16 * 1024)	/* flush mid-command above */
#define CONSOLE_OUT_KEEP	(64 * 1024)	/* drained buffer kept up to */
#define CONSOLE_DRAIN_MS	5000		/* flush time after `exit` */
#define CONSOLE_ACCEPT_BATCH	32		/* accepts per wake-up */
#define CONSOLE_ACCEPT_PAUSE_MS	1000		/* back-off on EMFILE */

#define MB_CONSOLE		"console"

static const struct opt_def console_session_opts[] = {
	{ "logging", CONSOLE_OPT_LOGGING, false },
	{ NULL, 0, false },
};

static const struct opt_def console_global_opts[] = {
	{ "auth", CONSOLE_OPT_AUTH, false },
	{ NULL, 0, false },
};

/* What `set console enable|disable` matches names against. */
static const struct opt_def console_all_opts[] = {
	{ "logging", CONSOLE_OPT_LOGGING, false },
	{ "auth", CONSOLE_OPT_AUTH, false },
	{ NULL, 0, false },
};

/* One `set user` entry.  Owned by the table; strings are ours. */
struct console_user {
	struct console_user	*next;
	char			*name;
	char			*pass;
	int			 priv;
};

/* Module state. */
static struct {
	bool			 inited;
	bool			 shut;		/* console_shutdown() ran */

	/* listener (set console self/open/close) */
	struct u_addr		 addr;
	uint16_t		 port;
	int			 lfd;
	struct event		 ev_listen;
	struct timer		 accept_timer;	/* back-off after EMFILE */

	struct opt_set		 gopts;		/* auth */
	struct console_session	*sessions;	/* newest first */
	struct console_user	*users;		/* in the order added */
	struct timer		 tick;		/* reap and resume */

	/* stdout of the stdin session */
	bool			 stdout_broken;	/* write failed: give up */
	bool			 stdout_dropping; /* overflow logged */
} con = { .lfd = -1 };

static void	sess_read_cb(int type, void *arg);
static void	sess_write_cb(int type, void *arg);

/* ---- small helpers ---- */

bool
console_has_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return true;
	return false;
}

static bool
sess_gone(const struct console_session *s)
{
	return s->dead || s->in_closed;
}

/* The session behind a command context, or NULL (mpd.conf, web). */
static struct console_session *
sess_from_ctx(const struct cmd_ctx *ctx)
{
	struct console_session *s;

	if (ctx == NULL || ctx->console == NULL)
		return NULL;
	for (s = con.sessions; s != NULL; s = s->next)
		if (s == ctx->console && !s->dead)
			return s;
	return NULL;
}

static void
console_kick(void)
{
	if (con.inited && !con.shut && !timer_running(&con.tick))
		timer_start(&con.tick);
}

static void
peer_print(const struct console_session *s, char *buf, size_t len)
{
	if (s->is_stdin)
		util_strlcpy(buf, "stdin", len);
	else
		u_addr_print(&s->peer, buf, len);
}

/* ---- output ---- */

/* One write attempt loop; returns bytes written or -1 (errno set). */
static ssize_t
sess_raw_write(struct console_session *s, const char *p, size_t n)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		if (s->is_stdin)
			w = write(STDOUT_FILENO, p + done, n - done);
		else
			w = send(s->fd, p + done, n - done,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (done > 0 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				break;
			return -1;
		}
		if (w == 0)
			break;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

/*
 * Close a session now: stop its events and its socket.  The memory stays
 * until the tick timer reaps it, so callers up the stack may still look
 * at the flags.  Not for the stdin session (see console_stdin_stop()).
 */
static void
sess_kill(struct console_session *s)
{
	if (s->dead)
		return;
	s->dead = true;
	s->in_closed = true;
	event_unregister(&s->ev_read);
	event_unregister(&s->ev_write);
	timer_stop(&s->drain_timer);
	if (!s->is_stdin && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	s->olen = 0;
	console_kick();
}

static void
sess_want_write(struct console_session *s)
{
	int fd = s->is_stdin ? STDOUT_FILENO : s->fd;

	if (event_is_registered(&s->ev_write))
		return;
	if (event_register(&s->ev_write, EV_WRITE, fd, EVF_RECURRING,
	    sess_write_cb, s) == 0)
		return;
	log_perr(LG_ERR, "CONSOLE: can't wait for output");
	if (s->is_stdin) {
		con.stdout_broken = true;
		s->olen = 0;
	} else
		sess_kill(s);
}

static void
sess_write_error(struct console_session *s)
{
	if (s->is_stdin) {
		/* No stdout any more; the daemon goes on without it. */
		con.stdout_broken = true;
		s->olen = 0;
		event_unregister(&s->ev_write);
		return;
	}
	log_perr(LG_CONSOLE, "CONSOLE: Error while writing");
	sess_kill(s);
}

/*
 * Send as much pending output as the peer takes.  When the buffer
 * empties: an `exit`ing session is closed, a paused one resumes from the
 * tick timer.
 */
void
console_sess_flush(struct console_session *s)
{
	ssize_t w;

	while (s->olen > 0 && !s->dead) {
		w = sess_raw_write(s, s->obuf + s->ooff, s->olen);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			sess_write_error(s);
			return;
		}
		if (w <= 0) {
			sess_want_write(s);
			return;
		}
		s->ooff += (size_t)w;
		s->olen -= (size_t)w;
		if (s->olen > 0) {
			/* Partial write: the socket buffer is full. */
			sess_want_write(s);
			return;
		}
	}
	if (s->dead)
		return;
	s->ooff = 0;
	if (s->ocap > CONSOLE_OUT_KEEP) {
		mem_free(s->obuf);
		s->obuf = NULL;
		s->ocap = 0;
	}
	event_unregister(&s->ev_write);
	if (s->is_stdin)
		con.stdout_dropping = false;
	if (s->paused)
		console_kick();
	if (!s->is_stdin && s->in_closed)
		sess_kill(s);	/* `exit` done: everything was sent */
}

static void
sess_overflow(struct console_session *s)
{
	char a[INET6_ADDRSTRLEN];

	if (s->is_stdin) {
		if (!con.stdout_dropping)
			log_msg(LG_ERR, "CONSOLE: stdout is not draining, "
			    "output dropped");
		con.stdout_dropping = true;
		return;
	}
	peer_print(s, a, sizeof(a));
	log_msg(LG_CONSOLE, "CONSOLE: Output overflow, closing session "
	    "from %s", a);
	sess_kill(s);
}

/* Queue bytes for a session and send them unless batching. */
void
console_sess_out(struct console_session *s, const char *p, size_t n)
{
	size_t need;

	if (s->dead || n == 0 || (s->is_stdin && con.stdout_broken))
		return;
	if (s->olen + n > CONSOLE_OUT_MAX) {
		console_sess_flush(s);
		if (s->dead)
			return;
		if (s->olen + n > CONSOLE_OUT_MAX) {
			sess_overflow(s);
			return;
		}
	}
	need = s->olen + n;
	if (s->ooff + need > s->ocap) {
		if (s->ooff > 0 && s->olen > 0)
			memmove(s->obuf, s->obuf + s->ooff, s->olen);
		s->ooff = 0;
		if (need > s->ocap) {
			size_t cap = s->ocap ? s->ocap : 4096;

			while (cap < need)
				cap *= 2;
			if (cap > CONSOLE_OUT_MAX)
				cap = CONSOLE_OUT_MAX;
			s->obuf = mem_realloc(MB_CONSOLE, s->obuf, cap);
			s->ocap = cap;
		}
	}
	memcpy(s->obuf + s->ooff + s->olen, p, n);
	s->olen += n;
	if (!s->batching || s->olen >= CONSOLE_OUT_FLUSH)
		console_sess_flush(s);
}

void
console_sess_puts(struct console_session *s, const char *str)
{
	console_sess_out(s, str, strlen(str));
}

/* cmd_ctx write sink (already CRLF-converted by the engine). */
static void
sess_cmd_write(void *arg, const char *buf, size_t len)
{
	console_sess_out(arg, buf, len);
}

/* console_line echo sink. */
static void
sess_line_out(void *arg, const char *buf, size_t len)
{
	console_sess_out(arg, buf, len);
}

/* ---- prompts, login, commands ---- */

void
console_sess_prompt(struct console_session *s)
{
	char p[CONSOLE_PROMPT_MAX];

	switch (s->state) {
	case CS_USERNAME:
		console_sess_puts(s, "Username: ");
		break;
	case CS_PASSWORD:
		console_sess_puts(s, "Password: ");
		break;
	case CS_READY:
		cmd_prompt(&s->ctx, p, sizeof(p));
		/* On a terminal libedit prints it when editing resumes. */
		if (s->is_stdin && console_stdin_edit_prompt(p))
			break;
		console_sess_puts(s, p);
		break;
	}
}

/* The context name for the audit line: the prompt without brackets. */
static void
sess_ctx_name(struct console_session *s, char *buf, size_t len)
{
	char p[CONSOLE_PROMPT_MAX];
	char *end;

	cmd_prompt(&s->ctx, p, sizeof(p));
	end = strrchr(p, ']');
	if (p[0] == '[' && end != NULL) {
		*end = '\0';
		util_strlcpy(buf, p + 1, len);
	} else
		util_strlcpy(buf, "", len);
}

static void
sess_login(struct console_session *s, int priv)
{
	char msg[128];

	s->state = CS_READY;
	s->ctx.priv = priv;
	s->ctx.user = s->user;
	console_line_set_flags(&s->line, CL_F_TELNET | CL_F_EDIT);
	snprintf(msg, sizeof(msg),
	    "\r\nWelcome!\r\nMpd pid %lu, version %s\r\n",
	    (unsigned long)getpid(), MPD_VERSION);
	console_sess_puts(s, msg);
	console_sess_prompt(s);
}

/* `exit` (or `shutdown`) in a session: say goodbye, stop input. */
static void
sess_close(struct console_session *s)
{
	console_sess_puts(s, "Console closed.\r\n");
	if (s->is_stdin) {
		console_sess_flush(s);
		console_stdin_stop();
		return;
	}
	if (s->dead)
		return;
	s->in_closed = true;
	event_unregister(&s->ev_read);
	/* Closed by console_sess_flush() once empty, or by the drain timer. */
	timer_start(&s->drain_timer);
	console_sess_flush(s);
}

void
console_sess_run(struct console_session *s, const char *line)
{
	char name[CONSOLE_PROMPT_MAX];

	if (!console_has_text(line)) {
		console_sess_prompt(s);
		return;
	}
	/* The audit trail goes to syslog only, as in mpd5. */
	if (log_on(LG_CONSOLE)) {
		sess_ctx_name(s, name, sizeof(name));
		log_syslog_only("[%s] CONSOLE: %s: %s", name, s->user, line);
	}
	s->ctx.exit_req = false;
	(void)cmd_do_line(&s->ctx, line);
	if (s->dead)
		return;
	if (s->ctx.exit_req) {
		sess_close(s);
		return;
	}
	console_sess_prompt(s);
}

static void
sess_line(struct console_session *s, char *line)
{
	char a[INET6_ADDRSTRLEN];
	int priv = PRIV_USER;
	bool ok;

	switch (s->state) {
	case CS_USERNAME:
		util_strlcpy(s->user, line, sizeof(s->user));
		s->state = CS_PASSWORD;
		console_line_set_flags(&s->line, CL_F_TELNET | CL_F_HIDDEN);
		console_sess_prompt(s);
		break;
	case CS_PASSWORD:
		console_line_set_flags(&s->line, CL_F_TELNET);
		ok = console_user_check(s->user, line, &priv);
		explicit_bzero(line, strlen(line));
		if (ok) {
			sess_login(s, priv);
			break;
		}
		console_sess_puts(s, "Login failed\r\n");
		peer_print(s, a, sizeof(a));
		log_msg(LG_CONSOLE, "CONSOLE: Failed login attempt from %s", a);
		s->user[0] = '\0';
		s->state = CS_USERNAME;
		console_sess_prompt(s);
		break;
	case CS_READY:
		console_sess_run(s, line);
		break;
	}
}

static void
sess_complete(struct console_session *s)
{
	char out[CONSOLE_LINE_MAX + 64];

	if (cmd_complete(&s->ctx, s->line.buf, out, sizeof(out)) == 1)
		console_line_replace(&s->line, out);
	else
		console_line_bell(&s->line);
}

static void
sess_event(struct console_session *s, enum console_line_ev ev)
{
	switch (ev) {
	case CL_EV_NONE:
		break;
	case CL_EV_LINE:
		sess_line(s, s->line.line);
		break;
	case CL_EV_HELP:
		/* Only raised in edit mode, i.e. when logged in. */
		cmd_help_line(&s->ctx, s->line.buf);
		if (sess_gone(s))
			break;
		console_sess_prompt(s);
		console_line_redraw(&s->line);
		break;
	case CL_EV_COMPLETE:
		sess_complete(s);
		break;
	case CL_EV_CANCEL:
		console_sess_prompt(s);
		break;
	}
}

/* ---- input ---- */

/* Start or stop watching the session's input. */
static void
sess_input(struct console_session *s, bool on)
{
	if (s->is_stdin) {
		console_stdin_input(on);
		return;
	}
	if (on) {
		if (event_register(&s->ev_read, EV_READ, s->fd, EVF_RECURRING,
		    sess_read_cb, s) < 0) {
			log_perr(LG_ERR, "CONSOLE: can't watch session");
			sess_kill(s);
		}
	} else
		event_unregister(&s->ev_read);
}

static void
sess_set_paused(struct console_session *s, bool paused)
{
	if (paused == s->paused)
		return;
	s->paused = paused;
	sess_input(s, !paused);
}

/* Leave a callback frame; the last frame out frees after shutdown. */
void
console_sess_release(struct console_session *s)
{
	struct console_session **pp;

	s->busy--;
	if (!con.shut || !s->dead || s->busy > 0)
		return;
	for (pp = &con.sessions; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	mem_free(s->obuf);
	mem_free(s);
}

/*
 * Feed buffered input through the line discipline until it is used up,
 * the session closes, or too much output is waiting (then input pauses
 * and the tick timer resumes it once the peer has read).
 */
void
console_sess_process(struct console_session *s)
{
	enum console_line_ev ev;

	s->busy++;
	for (;;) {
		s->batching = true;
		while (s->ioff < s->ilen && !sess_gone(s) &&
		    s->olen <= CONSOLE_OUT_HIGH) {
			ev = console_line_feed(&s->line, s->ibuf[s->ioff++]);
			if (ev != CL_EV_NONE)
				sess_event(s, ev);
		}
		s->batching = false;
		if (sess_gone(s))
			break;
		console_sess_flush(s);
		if (sess_gone(s) || s->ioff >= s->ilen ||
		    s->olen > CONSOLE_OUT_HIGH)
			break;
	}
	if (!sess_gone(s))
		sess_set_paused(s, s->ioff < s->ilen);
	else if (!s->dead && s->olen > 0)
		console_sess_flush(s);	/* e.g. "Console closed." */
	console_sess_release(s);
}

static void
sess_read_cb(int type, void *arg)
{
	struct console_session *s = arg;
	ssize_t n;

	(void)type;
	if (sess_gone(s) || s->paused)
		return;
	if (s->ioff >= s->ilen) {
		n = recv(s->fd, s->ibuf, sizeof(s->ibuf), 0);
		if (n == 0) {
			log_msg(LG_CONSOLE,
			    "CONSOLE: Connection closed by peer");
			sess_kill(s);
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			log_perr(LG_CONSOLE, "CONSOLE: Error while reading");
			sess_kill(s);
			return;
		}
		s->ioff = 0;
		s->ilen = (size_t)n;
	}
	console_sess_process(s);
}

static void
sess_write_cb(int type, void *arg)
{
	struct console_session *s = arg;

	(void)type;
	if (s->dead)
		return;
	s->busy++;
	console_sess_flush(s);
	if (!sess_gone(s) && s->paused && s->olen <= CONSOLE_OUT_LOW)
		console_sess_process(s);
	console_sess_release(s);
}

static void
sess_drain_timeout(void *arg)
{
	sess_kill(arg);
}

/* ---- session list ---- */

struct console_session *
console_sess_create(bool is_stdin, int fd)
{
	struct console_session *s;

	s = mem_alloc(MB_CONSOLE, sizeof(*s));
	s->fd = fd;
	s->is_stdin = is_stdin;
	cmd_ctx_init(&s->ctx, PRIV_USER, sess_cmd_write, s);
	s->ctx.is_console = true;
	s->ctx.console = s;
	s->ctx.user = s->user;
	timer_init(&s->drain_timer, "console drain", CONSOLE_DRAIN_MS,
	    sess_drain_timeout, s);
	s->next = con.sessions;
	con.sessions = s;
	return s;
}

static void
sess_free_all(void)
{
	struct console_session *s, **pp = &con.sessions;

	while ((s = *pp) != NULL) {
		if (!s->dead || s->busy > 0) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		mem_free(s->obuf);
		mem_free(s);
	}
}

/* The tick: free closed sessions and resume paused ones. */
static void
console_tick_cb(void *arg)
{
	struct console_session *s, *next;

	(void)arg;
	sess_free_all();
	for (s = con.sessions; s != NULL; s = next) {
		next = s->next;
		if (!sess_gone(s) && s->paused &&
		    s->olen <= CONSOLE_OUT_LOW) {
			console_sess_process(s);
			if (con.shut)
				return;	/* a command shut us down */
		}
	}
}

/* ---- the log hook ---- */

static void
console_log_hook(const char *line, unsigned len)
{
	struct console_session *s;
	bool redraw;

	for (s = con.sessions; s != NULL; s = s->next) {
		if (sess_gone(s) || s->state != CS_READY ||
		    !opt_enabled(&s->opts, CONSOLE_OPT_LOGGING))
			continue;
		/* A terminal showing libedit's prompt: write over the
		 * prompt line, then let libedit draw it again below. */
		redraw = s->is_stdin && console_stdin_editing();
		if (redraw)
			console_sess_puts(s, "\r\033[K");
		console_sess_out(s, line, len);
		console_sess_out(s, "\r\n", 2);
		if (redraw && !con.stdout_broken) {
			console_sess_flush(s);
			console_stdin_redisplay();
		}
	}
}

/* ---- telnet listener ---- */

static void
sess_telnet_start(int fd, const struct sockaddr_storage *ss)
{
	/* Telnet negotiation: WILL SGA, DO SGA, WILL ECHO, DO ECHO. */
	static const char opts[] = "\xff\xfb\x03\xff\xfd\x03\xff\xfb\x01"
	    "\xff\xfd\x01";
	struct console_session *s;
	char a[INET6_ADDRSTRLEN];
	int one = 1;

	s = console_sess_create(false, fd);
	if (ss->ss_family == AF_INET) {
		s->peer.family = AF_INET;
		s->peer.u.ip4 = ((const struct sockaddr_in *)ss)->sin_addr;
	} else if (ss->ss_family == AF_INET6) {
		s->peer.family = AF_INET6;
		s->peer.u.ip6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
	/* Echo is per keystroke: do not let Nagle hold it back. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	console_line_init(&s->line, CL_F_TELNET, sess_line_out, s);
	peer_print(s, a, sizeof(a));
	log_msg(LG_CONSOLE, "CONSOLE: Allocated new console session %p from %s",
	    (void *)s, a);

	sess_input(s, true);
	if (s->dead)
		return;
	s->busy++;
	s->batching = true;
	console_sess_puts(s, MPD_BANNER "\r\n\r\n");
	console_sess_out(s, opts, sizeof(opts) - 1);
	if (opt_enabled(&con.gopts, CONSOLE_OPT_AUTH)) {
		s->state = CS_USERNAME;
		console_sess_prompt(s);
	} else {
		util_strlcpy(s->user, "root", sizeof(s->user));
		sess_login(s, PRIV_ADMIN);
	}
	s->batching = false;
	console_sess_flush(s);
	console_sess_release(s);
}

static void console_accept_cb(int type, void *arg);

static void
console_accept_resume(void *arg)
{
	(void)arg;
	if (con.lfd >= 0 && !event_is_registered(&con.ev_listen) &&
	    event_register(&con.ev_listen, EV_READ, con.lfd, EVF_RECURRING,
	    console_accept_cb, &con) < 0)
		log_perr(LG_ERR, "CONSOLE: can't watch the listener");
}

static void
console_accept_cb(int type, void *arg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int i, fd;

	(void)type;
	(void)arg;
	for (i = 0; i < CONSOLE_ACCEPT_BATCH && con.lfd >= 0; i++) {
		sl = sizeof(ss);
		memset(&ss, 0, sizeof(ss));
		fd = accept4(con.lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
				continue;
			case EAGAIN:
#if EWOULDBLOCK != EAGAIN
			case EWOULDBLOCK:
#endif
				return;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				/* The backlog stays readable: back off
				 * instead of spinning. */
				log_perr(LG_ERR, "CONSOLE: accept");
				event_unregister(&con.ev_listen);
				timer_start(&con.accept_timer);
				return;
			default:
				log_perr(LG_ERR, "CONSOLE: accept");
				return;
			}
		}
		log_msg(LG_CONSOLE, "CONSOLE: Connect");
		sess_telnet_start(fd, &ss);
	}
}

/* Open the listener on con.addr/con.port.  Returns 0 or -1. */
static int
console_listen(struct cmd_ctx *ctx)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[INET6_ADDRSTRLEN];
	int fd = -1, one = 1;

	u_addr_print(&con.addr, a, sizeof(a));
	memset(&ss, 0, sizeof(ss));
	if (con.addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = con.addr.u.ip6;
		s6->sin6_port = htons(con.port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = con.addr.u.ip4;
		s4->sin_port = htons(con.port);
		sl = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 128) < 0)
		goto fail;
	con.lfd = fd;
	if (event_register(&con.ev_listen, EV_READ, fd, EVF_RECURRING,
	    console_accept_cb, &con) < 0) {
		con.lfd = -1;
		goto fail;
	}
	log_msg(LG_CONSOLE, "CONSOLE: listening on %s %u", a,
	    (unsigned)con.port);
	return 0;

fail:
	log_perr(LG_ERR, "CONSOLE: Can't listen for connections on %s %u", a,
	    (unsigned)con.port);
	if (fd >= 0)
		close(fd);
	(void)cmd_error(ctx, "CONSOLE: Can't listen for connections on %s %u",
	    a, (unsigned)con.port);
	return -1;
}

static void
console_unlisten(void)
{
	event_unregister(&con.ev_listen);
	timer_stop(&con.accept_timer);
	if (con.lfd >= 0)
		close(con.lfd);
	con.lfd = -1;
}

/* ---- users ---- */

bool
console_user_check(const char *user, const char *pass, int *priv)
{
	const struct console_user *u;
	size_t pl, ul, i;
	unsigned char diff;

	for (u = con.users; u != NULL; u = u->next) {
		if (strcmp(u->name, user) != 0)
			continue;
		/* Compare without an early exit on the first mismatch. */
		pl = strlen(pass);
		ul = strlen(u->pass);
		diff = pl != ul;
		for (i = 0; i < pl; i++)
			diff |= (unsigned char)(pass[i] ^
			    u->pass[i < ul ? i : 0]);
		if (diff != 0)
			return false;
		if (priv != NULL)
			*priv = u->priv;
		return true;
	}
	return false;
}

int
console_cmd_set_user(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct console_user *u, **pp;
	int priv = PRIV_USER;

	(void)ctx;
	(void)a;
	if (ac < 2 || ac > 3)
		return CMD_ERR_USAGE;
	if (ac == 3) {
		if (strcmp(av[2], "admin") == 0)
			priv = PRIV_ADMIN;
		else if (strcmp(av[2], "operator") == 0)
			priv = PRIV_OPERATOR;
		else if (strcmp(av[2], "user") == 0)
			priv = PRIV_USER;
		else
			return CMD_ERR_USAGE;
	}
	for (pp = &con.users; (u = *pp) != NULL; pp = &u->next)
		if (strcmp(u->name, av[0]) == 0)
			break;
	if (u == NULL) {
		u = mem_alloc(MB_CONSOLE, sizeof(*u));
		u->name = mem_strdup(MB_CONSOLE, av[0]);
		*pp = u;
	} else {
		explicit_bzero(u->pass, strlen(u->pass));
		mem_free(u->pass);
	}
	u->pass = mem_strdup(MB_CONSOLE, av[1]);
	u->priv = priv;
	return CMD_OK;
}

int
console_cmd_show_user(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct console_user *u;

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "Configured users:\n");
	for (u = con.users; u != NULL; u = u->next)
		cmd_printf(ctx, "\tUsername: %-15s Priv: %s\n", u->name,
		    u->priv == PRIV_ADMIN ? "admin" :
		    u->priv == PRIV_OPERATOR ? "operator" : "user");
	return CMD_OK;
}

static void
users_free(void)
{
	struct console_user *u;

	while ((u = con.users) != NULL) {
		con.users = u->next;
		explicit_bzero(u->pass, strlen(u->pass));
		mem_free(u->pass);
		mem_free(u->name);
		mem_free(u);
	}
}

/* ---- set console / show console ---- */

static int
console_cmd_open(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)ac;
	(void)av;
	(void)a;
	if (con.lfd >= 0) {
		log_msg(LG_ERR, "CONSOLE: Console already running");
		return CMD_OK;
	}
	return console_listen(ctx) < 0 ? CMD_ERR_OTHER : CMD_OK;
}

static int
console_cmd_close(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	(void)ctx;
	(void)ac;
	(void)av;
	(void)a;
	console_unlisten();
	return CMD_OK;
}

static int
console_cmd_self(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct u_addr addr;
	uint16_t port = con.port;

	(void)a;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (u_addr_parse(av[0], AF_UNSPEC, &addr) < 0)
		return cmd_error(ctx, "CONSOLE: Bogus IP address given %s",
		    av[0]);
	if (ac == 2 && util_parse_port(av[1], false, &port) < 0)
		return cmd_error(ctx, "CONSOLE: Bogus port given %s", av[1]);
	con.addr = addr;
	con.port = port;
	return CMD_OK;
}

/*
 * enable/disable: `logging` applies to the issuing console session,
 * `auth` to the daemon and only from outside a console session.
 */
static int
console_cmd_opt(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct console_session *s = sess_from_ctx(ctx);
	struct opt_set tmp = { 0, 0 };
	const uint32_t lbit = 1u << CONSOLE_OPT_LOGGING;
	const uint32_t abit = 1u << CONSOLE_OPT_AUTH;

	if (s != NULL)
		tmp.enable |= s->opts.enable & lbit;
	tmp.enable |= con.gopts.enable & abit;
	opt_apply(&tmp, console_all_opts, *(const int *)a, ac, av);
	if (s != NULL)
		s->opts.enable = (s->opts.enable & ~lbit) | (tmp.enable & lbit);
	if (!ctx->is_console)
		con.gopts.enable = (con.gopts.enable & ~abit) |
		    (tmp.enable & abit);
	return CMD_OK;
}

static const int console_verb_enable = OPT_ENABLE;
static const int console_verb_disable = OPT_DISABLE;

const struct cmdtab console_set_cmds[] = {
	{ .name = "open", .desc = "Open the console",
	  .func = console_cmd_open, .priv = PRIV_ADMIN },
	{ .name = "close", .desc = "Close the console",
	  .func = console_cmd_close, .priv = PRIV_ADMIN },
	{ .name = "self {ip} [{port}]", .desc = "Set console ip and port",
	  .func = console_cmd_self, .priv = PRIV_ADMIN },
	{ .name = "enable [opt ...]", .desc = "Enable this console option",
	  .func = console_cmd_opt, .priv = PRIV_USER,
	  .arg = &console_verb_enable },
	{ .name = "disable [opt ...]", .desc = "Disable this console option",
	  .func = console_cmd_opt, .priv = PRIV_USER,
	  .arg = &console_verb_disable },
	{ .name = NULL },
};

int
console_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct console_session *s, *self = sess_from_ctx(ctx);
	char addr[INET6_ADDRSTRLEN];

	(void)ac;
	(void)av;
	(void)a;
	cmd_printf(ctx, "Configuration:\n");
	cmd_printf(ctx, "\tState         : %s\n",
	    con.lfd >= 0 ? "OPENED" : "CLOSED");
	cmd_printf(ctx, "\tIP-Address    : %s\n",
	    u_addr_print(&con.addr, addr, sizeof(addr)));
	cmd_printf(ctx, "\tPort          : %u\n", (unsigned)con.port);
	cmd_printf(ctx, "Active sessions:\n");
	for (s = con.sessions; s != NULL; s = s->next) {
		if (s->dead)
			continue;
		peer_print(s, addr, sizeof(addr));
		cmd_printf(ctx, "\tUsername: %s\tFrom: %s\n", s->user, addr);
	}
	cmd_printf(ctx, "Global options:\n");
	opt_show(ctx, &con.gopts, console_global_opts);
	if (self != NULL) {
		cmd_printf(ctx, "This session options:\n");
		opt_show(ctx, &self->opts, console_session_opts);
	}
	return CMD_OK;
}

/* ---- module life cycle ---- */

void
console_init(void)
{
	if (con.inited && !con.shut)
		return;
	memset(&con, 0, sizeof(con));
	con.lfd = -1;
	(void)u_addr_parse(CONSOLE_DEFAULT_IP, AF_INET, &con.addr);
	con.port = CONSOLE_DEFAULT_PORT;
	con.gopts.enable = 1u << CONSOLE_OPT_AUTH;
	timer_init(&con.tick, "console tick", 0, console_tick_cb, &con);
	timer_init(&con.accept_timer, "console accept", CONSOLE_ACCEPT_PAUSE_MS,
	    console_accept_resume, &con);
	con.inited = true;
	log_set_hook(console_log_hook);
}

void
console_shutdown(void)
{
	struct console_session *s;

	if (!con.inited || con.shut)
		return;
	con.shut = true;
	log_set_hook(NULL);
	console_unlisten();
	timer_stop(&con.tick);
	console_stdin_stop();
	for (s = con.sessions; s != NULL; s = s->next) {
		/* Best effort: a last "Console closed." may be pending. */
		if (!s->dead && s->olen > 0 && !(s->is_stdin &&
		    con.stdout_broken))
			(void)sess_raw_write(s, s->obuf + s->ooff, s->olen);
		if (s->is_stdin) {
			event_unregister(&s->ev_write);
			s->dead = true;
		} else
			sess_kill(s);
	}
	console_stdin_shutdown();
	sess_free_all();	/* busy ones go when their frame returns */
	users_free();
}
