/*
 * chat.c - the modem chat script interpreter (chat.h; surface spec 3.2,
 * mpd5's "Chat Scripting" chapter for the command semantics).
 *
 * A run loads the whole script file (mpd.conf lexical rules, spec 2.1,
 * through cfg_read_line) into an array of logical lines, then executes
 * commands from the entry label on.  Label lines met on the way are
 * stepped over, so a section falls through into the next one; reaching
 * the end of the file fails the script.  Execution is synchronous up to a
 * `wait`, `success`, `failure` or an error; the script then sleeps until
 * an event fires: a `match` (exact substring, starting with the bytes
 * after the event was created; an empty one fires on the next byte), a
 * `regex` (POSIX extended, tested against the input line received while
 * waiting: at every byte with REG_NOTEOL, so prompts without a line end
 * match, and once more as a complete line when its LF arrives, the LF and
 * a CR before it elided, so `$` anchors work) or a `timer` (`timer 0`
 * makes none, `wait 0` goes on at once).  When several events match on
 * the same byte the one created first wins.  Firing an event cancels its
 * set, returns from the calls made since it was created (events created
 * inside a call are cancelled by its `return`), and resuming the script
 * cancels the default set "".  mpd5's behaviour throughout, from its
 * documentation and source (facts only).

 * Arguments are tokenized with the mpd.conf rules (util_tokenize, so C
 * escapes are already processed) and then variable expanded, each
 * command expanding its own arguments once (the target of `set` is not
 * expanded; `if` hands its command on unexpanded).
 *
 * Bounds: script lines of 256 chars (longer ones are cut, logged), input
 * lines of 256 for regex (a longer line is not tested from its 257th
 * byte to its end: at most 256 regexec() runs per line and event, as
 * mpd5's buffer does), 10 arguments, 32-char labels,
 * 32 pending matches, 32 timers,
 * 32 nested calls, 10000 commands without a `wait` (a script looping
 * without waiting fails instead of blocking the daemon), expanded strings
 * of at most CHAT_MAX_STR bytes.  Nothing the script or the port sends
 * can make the interpreter crash, block or grow without bound: errors are
 * logged and fail the script.
 */
#include "chat.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/cfgfile.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"

#define CHAT_MAX_ARGS		10
#define CHAT_MAX_LABEL		32
#define CHAT_MAX_VARNAME	100
#define CHAT_MAX_MATCHES	32
#define CHAT_MAX_TIMERS		32
#define CHAT_MAX_STACK		32
#define CHAT_MAX_STEPS		10000
#define CHAT_MAX_LINES		20000
#define CHAT_MAX_STR		4096	/* expanded argument / variable */
#define CHAT_LINE_LEN		257	/* logical script line: 256 chars */
#define CHAT_RX_LINE		256	/* input line kept for regex */
#define CHAT_MAX_GROUPS		10	/* $matchedString0..9 */
#define CHAT_MAX_SECONDS	4000000L

struct chat_var {
	char		*name;
	char		*value;
	struct chat_var	*next;
};

struct chat_line {
	int		 lineno;
	bool		 label;		/* text is the label name */
	char		*text;
};

enum chat_ev_kind {
	CHAT_EV_MATCH,
	CHAT_EV_REGEX,
	CHAT_EV_TIMER,
};

/* A pending event; owned by its chat's list, freed when cancelled. */
struct chat_ev {
	enum chat_ev_kind kind;
	struct chat	*c;
	char		*set;		/* "" = the default set */
	char		*label;		/* "" = continue after the wait */
	int		 depth;		/* call depth at creation */
	/* match: the string and the last slen bytes seen */
	char		*str;
	size_t		 slen;
	char		*win;
	size_t		 wlen;
	/* regex, and where the last test matched */
	regex_t		 re;
	regmatch_t	 pm[CHAT_MAX_GROUPS];
	/* timer */
	struct timer	 t;
	struct chat_ev	*next;
};

enum chat_state {
	CHAT_IDLE,
	CHAT_RUN,
	CHAT_WAIT,
	CHAT_DONE,	/* ended inside chat_start: done() pending */
};

/*
 * One interpreter per modem link, owned by the device (chat_new /
 * chat_free).  It owns the variables, the loaded script of the current
 * run, the call stack and the events; the io callbacks belong to the
 * device.
 */
struct chat {
	char		 lname[64];
	struct chat_io	 io;
	void		*arg;
	struct chat_var	*vars;
	unsigned	 second_ms;

	enum chat_state	 state;
	unsigned	 gen;		/* bumped at every end / start */
	bool		 in_start;
	bool		 result;
	struct timer	 done_t;
	char		 name[64];	/* script file, for messages */
	char		*last_log;	/* last `log` of this run, or NULL */

	struct chat_line *lines;
	int		 nlines;
	int		 pc;
	int		 stack[CHAT_MAX_STACK];
	int		 sp;
	int		 cur_line;	/* line number of the running command */

	struct chat_ev	*evs;		/* in creation order */
	char		 line[CHAT_RX_LINE + 1];	/* input line (regex) */
	size_t		 llen;
	unsigned char	 rbuf[64];	/* bytes read, for the chat2 dump */
	size_t		 rlen;
};

static void	chat_run(struct chat *c);
static void	chat_exec(struct chat *c, int ac, char **av);
static void	chat_dump_read(struct chat *c);

/* ---- variables ---- */

static bool
chat_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > CHAT_MAX_VARNAME || !isalpha((unsigned char)name[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

static struct chat_var *
chat_var_find(const struct chat *c, const char *name, size_t len)
{
	struct chat_var *v;

	for (v = c->vars; v != NULL; v = v->next)
		if (strlen(v->name) == len && memcmp(v->name, name, len) == 0)
			return v;
	return NULL;
}

/*
 * Set a variable.  Returns 0, or -1 when the name is not a letter
 * followed by letters, digits and underscores.
 */
int
chat_var_set(struct chat *c, const char *name, const char *value)
{
	struct chat_var *v;
	size_t len = strlen(name);

	if (!chat_name_ok(name, len))
		return -1;
	v = chat_var_find(c, name, len);
	if (v == NULL) {
		v = mem_alloc("chat", sizeof(*v));
		v->name = mem_strdup("chat", name);
		v->next = c->vars;
		c->vars = v;
	} else
		mem_free(v->value);
	v->value = mem_strdup("chat", value != NULL ? value : "");
	return 0;
}

/* The value of a variable, or NULL when unset. */
const char *
chat_var_get(const struct chat *c, const char *name)
{
	const struct chat_var *v = chat_var_find(c, name, strlen(name));

	return v != NULL ? v->value : NULL;
}

/* Forget the temporary ($lower-case) variables. */
static void
chat_vars_clear_temp(struct chat *c)
{
	struct chat_var **pp = &c->vars, *v;

	while ((v = *pp) != NULL) {
		if (isupper((unsigned char)v->name[0])) {
			pp = &v->next;
			continue;
		}
		*pp = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
}

/* Append len bytes of s to the growing string *out (capped). */
static void
chat_append(char **out, size_t *olen, const char *s, size_t len)
{
	if (*olen + len > CHAT_MAX_STR)
		len = CHAT_MAX_STR - *olen;
	if (len == 0)
		return;
	*out = mem_realloc("chat", *out, *olen + len + 1);
	memcpy(*out + *olen, s, len);
	*olen += len;
	(*out)[*olen] = '\0';
}

/*
 * Expand $name, ${name} and $$ in s; unset variables expand to nothing, a
 * '$' that starts none of these is kept.  Returns a new string.
 */
static char *
chat_expand(const struct chat *c, const char *s)
{
	char *out = mem_alloc("chat", 1);
	size_t olen = 0, n;
	const struct chat_var *v;
	const char *name, *end;

	while (*s != '\0') {
		if (*s != '$') {
			n = strcspn(s, "$");
			chat_append(&out, &olen, s, n);
			s += n;
			continue;
		}
		if (s[1] == '$') {
			chat_append(&out, &olen, "$", 1);
			s += 2;
			continue;
		}
		if (s[1] == '{' && (end = strchr(s + 2, '}')) != NULL &&
		    chat_name_ok(s + 2, (size_t)(end - s - 2))) {
			name = s + 2;
			n = (size_t)(end - name);
			s = end + 1;
		} else if (isalpha((unsigned char)s[1])) {
			name = s + 1;
			for (n = 1; isalnum((unsigned char)name[n]) ||
			    name[n] == '_'; n++)
				;
			s = name + n;
		} else {
			chat_append(&out, &olen, "$", 1);
			s++;
			continue;
		}
		v = chat_var_find(c, name, n);
		if (v != NULL)
			chat_append(&out, &olen, v->value, strlen(v->value));
	}
	return out;
}

/* ---- script text ---- */

static void
chat_prog_free(struct chat *c)
{
	int i;

	for (i = 0; i < c->nlines; i++)
		mem_free(c->lines[i].text);
	mem_free(c->lines);
	c->lines = NULL;
	c->nlines = 0;
}

/* Read every logical line of fp; comments and blank lines are dropped. */
static int
chat_prog_load(struct chat *c, FILE *fp)
{
	char buf[CHAT_LINE_LEN], lbl[CHAT_MAX_LABEL + 1];
	int lineno = 0, cap = 0;
	bool trunc;
	struct chat_line *l;

	while (cfg_read_line(fp, buf, sizeof(buf), &lineno, &trunc)) {
		if (cfg_is_skip(buf))
			continue;
		if (trunc)
			log_msg(LG_ERR, "[%s] CHAT: %s:%d: line too long, "
			    "truncated", c->lname, c->name, lineno);
		if (c->nlines >= CHAT_MAX_LINES) {
			log_msg(LG_ERR, "[%s] CHAT: %s: too many lines",
			    c->lname, c->name);
			return -1;
		}
		if (c->nlines == cap) {
			cap = cap ? cap * 2 : 64;
			c->lines = mem_realloc("chat", c->lines,
			    (size_t)cap * sizeof(*c->lines));
		}
		l = &c->lines[c->nlines++];
		l->lineno = lineno;
		if (cfg_label(buf, lbl, sizeof(lbl))) {
			l->label = true;
			l->text = mem_strdup("chat", lbl);
		} else {
			l->label = false;
			l->text = mem_strdup("chat", buf);
		}
	}
	return 0;
}

/* Index of the line after label, or -1. */
static int
chat_find_label(const struct chat *c, const char *label)
{
	int i;

	if (strlen(label) > CHAT_MAX_LABEL)
		return -1;
	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].label && strcmp(c->lines[i].text, label) == 0)
			return i + 1;
	return -1;
}

/* ---- events ---- */

static void
chat_ev_free(struct chat_ev *e)
{
	if (e->kind == CHAT_EV_REGEX)
		regfree(&e->re);
	if (e->kind == CHAT_EV_TIMER)
		timer_stop(&e->t);
	mem_free(e->set);
	mem_free(e->label);
	mem_free(e->str);
	mem_free(e->win);
	mem_free(e);
}

/*
 * Cancel the events of set, every event for NULL or "all" (any case), or
 * (depth >= 0) the events created deeper than depth calls.
 */
static void
chat_cancel_if(struct chat *c, const char *set, int depth)
{
	struct chat_ev **pp = &c->evs, *e;
	bool all = set == NULL || strcasecmp(set, "all") == 0;

	while ((e = *pp) != NULL) {
		if (depth >= 0 ? e->depth <= depth :
		    !all && strcmp(e->set, set) != 0) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		chat_ev_free(e);
	}
}

static void
chat_cancel(struct chat *c, const char *set)
{
	chat_cancel_if(c, set, -1);
}

static int
chat_ev_count(const struct chat *c, bool timers)
{
	const struct chat_ev *e;
	int n = 0;

	for (e = c->evs; e != NULL; e = e->next)
		if ((e->kind == CHAT_EV_TIMER) == timers)
			n++;
	return n;
}

static void
chat_ev_add(struct chat *c, struct chat_ev *e)
{
	struct chat_ev **pp = &c->evs;

	while (*pp != NULL)
		pp = &(*pp)->next;
	e->next = NULL;
	e->depth = c->sp;
	*pp = e;
}

/* Log bytes at chat2 as a hex and text dump, 16 bytes a line. */
static void
chat_dump(const struct chat *c, const char *what, const void *buf,
    size_t len)
{
	const unsigned char *p = buf;
	char hex[16 * 3 + 1], txt[16 + 1];
	size_t i, k;

	if (!log_on(LG_CHAT2))
		return;
	log_msg(LG_CHAT2, "[%s] CHAT: %s", c->lname, what);
	for (i = 0; i < len; i += 16) {
		for (k = 0; k < 16; k++) {
			if (i + k < len) {
				snprintf(hex + 3 * k, 4, " %02x", p[i + k]);
				txt[k] = isprint(p[i + k]) ? (char)p[i + k] :
				    '.';
			} else {
				memcpy(hex + 3 * k, "   ", 4);
				txt[k] = ' ';
			}
		}
		txt[16] = '\0';
		log_msg(LG_CHAT2, "[%s] CHAT: %s  %s", c->lname, hex, txt);
	}
}

static void
chat_dump_read(struct chat *c)
{
	if (c->rlen > 0)
		chat_dump(c, "read", c->rbuf, c->rlen);
	c->rlen = 0;
}

/* ---- running and ending ---- */

static void
chat_done_cb(void *arg)
{
	struct chat *c = arg;

	c->state = CHAT_IDLE;
	if (c->io.done != NULL)
		c->io.done(c->arg, c->result);
}

/*
 * Reset the run state.  The temporary variables go too, except when a
 * script starts: they may have been preset for it.
 */
static void
chat_reset_run(struct chat *c, bool temps)
{
	chat_cancel(c, NULL);
	timer_stop(&c->done_t);
	chat_prog_free(c);
	if (temps)
		chat_vars_clear_temp(c);
	c->sp = 0;
	c->pc = 0;
	c->llen = 0;
	c->rlen = 0;
	c->state = CHAT_IDLE;
	c->gen++;
}

static void
chat_reset(struct chat *c)
{
	chat_reset_run(c, true);
}

/* The script ended; done() is called last (or deferred from chat_start). */
static void
chat_end(struct chat *c, bool ok)
{
	chat_dump_read(c);
	log_msg(LG_CHAT2, "[%s] CHAT: script %s", c->lname,
	    ok ? "succeeded" : "failed");
	chat_reset(c);
	c->result = ok;
	if (c->in_start) {
		c->state = CHAT_DONE;
		timer_start(&c->done_t);
		return;
	}
	if (c->io.done != NULL)
		c->io.done(c->arg, ok);
}

/* A script error: logged with the line number, and the script fails. */
static void __attribute__((format(printf, 2, 3)))
chat_fail(struct chat *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LG_ERR, "[%s] CHAT: line %d: %s", c->lname, c->cur_line, msg);
	chat_end(c, false);
}

/* Continue at label ("" = right here).  Returns -1 (script failed). */
static int
chat_jump(struct chat *c, const char *label, const char *cmd)
{
	int pc;

	if (label[0] == '\0')
		return 0;
	pc = chat_find_label(c, label);
	if (pc < 0) {
		chat_fail(c, "%s%slabel \"%s\" not found", cmd,
		    cmd[0] != '\0' ? ": " : "", label);
		return -1;
	}
	c->pc = pc;
	return 0;
}

/*
 * Leave the innermost call, back to the caller when seek; the events
 * created inside it are cancelled.
 */
static void
chat_pop(struct chat *c, bool seek)
{
	c->sp--;
	if (seek)
		c->pc = c->stack[c->sp];
	chat_cancel_if(c, NULL, c->sp);
}

/* Execute commands until the script waits or ends. */
static void
chat_run(struct chat *c)
{
	char buf[CHAT_LINE_LEN], *av[CHAT_MAX_ARGS];
	const struct chat_line *l;
	unsigned gen = c->gen;
	int ac, steps = 0;

	/* resuming cancels the default set */
	chat_cancel(c, "");
	c->state = CHAT_RUN;
	while (c->gen == gen && c->state == CHAT_RUN) {
		if (c->pc >= c->nlines) {
			log_msg(LG_ERR, "[%s] CHAT: EOF while reading script",
			    c->lname);
			chat_end(c, false);
			return;
		}
		l = &c->lines[c->pc++];
		if (l->label)
			continue;
		c->cur_line = l->lineno;
		if (++steps > CHAT_MAX_STEPS) {
			chat_fail(c, "%d commands without a wait",
			    CHAT_MAX_STEPS);
			return;
		}
		util_strlcpy(buf, l->text, sizeof(buf));
		ac = util_tokenize(buf, av, CHAT_MAX_ARGS);
		if (ac < 0) {
			chat_fail(c, "too many arguments");
			return;
		}
		if (ac == 0)
			continue;
		log_msg(LG_CHAT2, "[%s] CHAT: line %d: %s", c->lname,
		    l->lineno, l->text + strspn(l->text, " \t\f"));
		chat_exec(c, ac, av);
	}
}

/* Drop the old $matchedString<N> variables. */
static void
chat_match_vars_clear(struct chat *c)
{
	struct chat_var **pp = &c->vars, *v;
	const size_t pl = strlen("matchedString");

	while ((v = *pp) != NULL) {
		if (strncmp(v->name, "matchedString", pl) != 0 ||
		    strspn(v->name + pl, "0123456789") !=
		    strlen(v->name + pl)) {
			pp = &v->next;
			continue;
		}
		*pp = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
}

/* $matchedString and $matchedString0..N from a regexec() of s. */
static void
chat_match_vars_regex(struct chat *c, const char *s, const regmatch_t *pm,
    size_t nsub)
{
	char name[32], *val;
	size_t i, n;

	chat_match_vars_clear(c);
	for (i = 0; i < CHAT_MAX_GROUPS && i <= nsub; i++) {
		n = pm[i].rm_so < 0 ? 0 : (size_t)(pm[i].rm_eo - pm[i].rm_so);
		val = mem_alloc("chat", n + 1);
		if (n > 0)
			memcpy(val, s + pm[i].rm_so, n);
		snprintf(name, sizeof(name), "matchedString%zu", i);
		chat_var_set(c, name, val);
		if (i == 0)
			chat_var_set(c, "matchedString", val);
		mem_free(val);
	}
}

/*
 * Fire event e: set $matchedString*, cancel its set, leave the calls made
 * since it was created and continue at its label.
 */
static void
chat_fire(struct chat *c, struct chat_ev *e)
{
	char *label = mem_strdup("chat", e->label);
	char *set = mem_strdup("chat", e->set);
	int depth = e->depth;

	switch (e->kind) {
	case CHAT_EV_MATCH:
		chat_match_vars_clear(c);
		chat_var_set(c, "matchedString", e->str);
		break;
	case CHAT_EV_REGEX:
		chat_match_vars_regex(c, c->line, e->pm, e->re.re_nsub);
		break;
	case CHAT_EV_TIMER:
		log_msg(LG_CHAT2, "[%s] CHAT: timer in set \"%s\" expired",
		    c->lname, set);
		break;
	}
	if (e->kind != CHAT_EV_TIMER) {
		chat_dump_read(c);
		log_msg(LG_CHAT2, "[%s] CHAT: matched set \"%s\", goto "
		    "label \"%s\"", c->lname, set, label);
	}
	chat_cancel(c, set);		/* frees e */
	/* back to the call depth where e was created (mpd5: no seek) */
	while (c->sp > depth)
		chat_pop(c, false);
	if (chat_jump(c, label, "") == 0)
		chat_run(c);
	mem_free(label);
	mem_free(set);
}

static void
chat_timer_cb(void *arg)
{
	struct chat_ev *e = arg;

	if (e->c->state == CHAT_WAIT)
		chat_fire(e->c, e);
}

/* ---- commands ---- */

/*
 * Seconds for timer/wait: leading digits (C base prefixes allowed), as
 * mpd5 reads them.  Returns -1 (script failed) when there are none.
 */
static int
chat_seconds(struct chat *c, const char *s, uint32_t *ms)
{
	unsigned long v;
	uint64_t m;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (end == s || s[strspn(s, " \t")] == '-') {
		chat_fail(c, "illegal value \"%s\"", s);
		return -1;
	}
	if (errno == ERANGE || v > CHAT_MAX_SECONDS)
		v = CHAT_MAX_SECONDS;
	m = (uint64_t)v * c->second_ms;
	*ms = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
	return 0;
}

static void
chat_add_timer(struct chat *c, const char *set, uint32_t ms,
    const char *label)
{
	struct chat_ev *e;

	if (chat_ev_count(c, true) >= CHAT_MAX_TIMERS) {
		chat_fail(c, "too many pending timers");
		return;
	}
	e = mem_alloc("chat", sizeof(*e));
	e->kind = CHAT_EV_TIMER;
	e->c = c;
	e->set = mem_strdup("chat", set);
	e->label = mem_strdup("chat", label);
	timer_init(&e->t, "chat", ms, chat_timer_cb, e);
	timer_start(&e->t);
	chat_ev_add(c, e);
}

/* match/regex/timer [set] arg [label]; av expanded, ac checked. */
static void
chat_cmd_event(struct chat *c, enum chat_ev_kind kind, int ac, char **av)
{
	const char *set = "", *what, *label = "";
	struct chat_ev *e;
	char err[128];
	uint32_t ms;
	int rc;

	what = av[ac == 4 ? 2 : 1];
	if (ac == 4)
		set = av[1];
	if (ac >= 3)
		label = av[ac - 1];
	if (kind == CHAT_EV_TIMER) {
		if (chat_seconds(c, what, &ms) < 0)
			return;
		if (ms > 0)		/* timer 0: no event */
			chat_add_timer(c, set, ms, label);
		return;
	}
	if (chat_ev_count(c, false) >= CHAT_MAX_MATCHES) {
		chat_fail(c, "too many pending matches");
		return;
	}
	e = mem_alloc("chat", sizeof(*e));
	e->kind = kind;
	e->c = c;
	if (kind == CHAT_EV_REGEX) {
		rc = regcomp(&e->re, what, REG_EXTENDED);
		if (rc != 0) {
			regerror(rc, &e->re, err, sizeof(err));
			mem_free(e);
			chat_fail(c, "invalid regular expression \"%s\": %s",
			    what, err);
			return;
		}
	} else {
		e->str = mem_strdup("chat", what);
		e->slen = strlen(what);
		e->win = mem_alloc("chat", e->slen + 1);
	}
	e->set = mem_strdup("chat", set);
	e->label = mem_strdup("chat", label);
	chat_ev_add(c, e);
}

/* Hand a $Baudrate value to the port; -1 when it is not a speed. */
static int
chat_set_baud(struct chat *c, const char *val)
{
	unsigned long baud;
	char *end;

	errno = 0;
	baud = strtoul(val, &end, 0);
	if (val[0] == '\0' || *end != '\0' || errno == ERANGE || baud == 0 ||
	    baud > INT_MAX)
		return -1;
	if (c->io.set_speed != NULL && c->io.set_speed(c->arg, (int)baud) < 0)
		return -1;
	return 0;
}

/* set $name value: the name is not expanded, the value is. */
static void
chat_cmd_set(struct chat *c, char **av)
{
	char *name = NULL, *val = NULL;
	const char *n;
	size_t len;

	n = av[1] + 1;
	len = strlen(n);
	if (len >= 2 && n[0] == '{' && n[len - 1] == '}') {
		n++;
		len -= 2;
	}
	if (av[1][0] != '$' || !chat_name_ok(n, len)) {
		chat_fail(c, "set: invalid variable \"%s\"", av[1]);
		return;
	}
	name = mem_alloc("chat", len + 1);
	memcpy(name, n, len);
	val = chat_expand(c, av[2]);
	if (strcmp(name, "Baudrate") == 0 && chat_set_baud(c, val) < 0) {
		chat_fail(c, "invalid baudrate \"%s\"", val);
		goto out;
	}
	chat_var_set(c, name, val);
out:
	mem_free(name);
	mem_free(val);
}

/*
 * if s1 op s2 command...: == != match !match.  As in mpd5, a bad operator
 * or regular expression is logged and the command is skipped.
 */
static void
chat_cmd_if(struct chat *c, int ac, char **av)
{
	char *a = chat_expand(c, av[1]), *b = chat_expand(c, av[3]);
	char err[128];
	regmatch_t pm[CHAT_MAX_GROUPS];
	regex_t re;
	bool yes = false;
	int rc;

	if (strcmp(av[2], "==") == 0 || strcmp(av[2], "!=") == 0)
		yes = (strcmp(a, b) == 0) == (av[2][0] == '=');
	else if (strcmp(av[2], "match") == 0 || strcmp(av[2], "!match") == 0) {
		rc = regcomp(&re, b, REG_EXTENDED);
		if (rc != 0) {
			regerror(rc, &re, err, sizeof(err));
			log_msg(LG_ERR, "[%s] CHAT: line %d: invalid regular "
			    "expression \"%s\": %s", c->lname, c->cur_line, b,
			    err);
			goto out;
		}
		rc = regexec(&re, a, CHAT_MAX_GROUPS, pm, 0);
		if (rc == 0)
			chat_match_vars_regex(c, a, pm, re.re_nsub);
		regfree(&re);
		yes = (rc == 0) != (av[2][0] == '!');
	} else {
		log_msg(LG_ERR, "[%s] CHAT: line %d: invalid operator \"%s\"",
		    c->lname, c->cur_line, av[2]);
		goto out;
	}
	if (yes && ac > 4)
		chat_exec(c, ac - 4, av + 4);
out:
	mem_free(a);
	mem_free(b);
}

enum chat_cmd {
	CMD_IF, CMD_SET, CMD_MATCH, CMD_REGEX, CMD_TIMER, CMD_CANCEL,
	CMD_PRINT, CMD_CALL, CMD_LOG, CMD_RETURN, CMD_GOTO, CMD_SUCCESS,
	CMD_FAILURE, CMD_WAIT, CMD_NOP,
};

/* Commands (any case) and their argument counts, the name included. */
static const struct {
	const char	*name;
	enum chat_cmd	 cmd;
	int		 min, max;	/* max 0: no limit */
} chat_cmds[] = {
	{ "if",		CMD_IF,		4, 0 },
	{ "set",	CMD_SET,	3, 3 },
	{ "match",	CMD_MATCH,	2, 4 },
	{ "regex",	CMD_REGEX,	2, 4 },
	{ "timer",	CMD_TIMER,	2, 4 },
	{ "cancel",	CMD_CANCEL,	2, 0 },
	{ "print",	CMD_PRINT,	2, 2 },
	{ "call",	CMD_CALL,	2, 2 },
	{ "log",	CMD_LOG,	2, 2 },
	{ "return",	CMD_RETURN,	1, 1 },
	{ "goto",	CMD_GOTO,	2, 2 },
	{ "success",	CMD_SUCCESS,	1, 1 },
	{ "failure",	CMD_FAILURE,	1, 1 },
	{ "wait",	CMD_WAIT,	1, 2 },
	{ "nop",	CMD_NOP,	1, 1 },
};

/* One command; av is not expanded yet. */
static void
chat_exec(struct chat *c, int ac, char **av)
{
	char *ev[CHAT_MAX_ARGS] = { NULL };
	size_t k;
	int i, pc;
	uint32_t ms;

	for (k = 0; k < sizeof(chat_cmds) / sizeof(chat_cmds[0]); k++)
		if (strcasecmp(av[0], chat_cmds[k].name) == 0)
			break;
	if (k == sizeof(chat_cmds) / sizeof(chat_cmds[0])) {
		chat_fail(c, "unknown command \"%s\"", av[0]);
		return;
	}
	if (ac < chat_cmds[k].min ||
	    (chat_cmds[k].max != 0 && ac > chat_cmds[k].max)) {
		chat_fail(c, "%s: bad argument count", av[0]);
		return;
	}
	if (chat_cmds[k].cmd == CMD_SET) {
		chat_cmd_set(c, av);
		return;
	}
	if (chat_cmds[k].cmd == CMD_IF) {
		chat_cmd_if(c, ac, av);
		return;
	}
	ev[0] = av[0];
	for (i = 1; i < ac; i++)
		ev[i] = chat_expand(c, av[i]);

	switch (chat_cmds[k].cmd) {
	case CMD_MATCH:
		chat_cmd_event(c, CHAT_EV_MATCH, ac, ev);
		break;
	case CMD_REGEX:
		chat_cmd_event(c, CHAT_EV_REGEX, ac, ev);
		break;
	case CMD_TIMER:
		chat_cmd_event(c, CHAT_EV_TIMER, ac, ev);
		break;
	case CMD_WAIT:
		if (ac == 2) {
			if (chat_seconds(c, ev[1], &ms) < 0)
				break;
			if (ms == 0) {
				/* an immediate expiry */
				chat_cancel(c, "");
				break;
			}
			chat_add_timer(c, "", ms, "");
			if (c->state != CHAT_RUN)
				break;
		} else if (c->evs == NULL) {
			chat_fail(c, "wait with no events pending");
			break;
		}
		c->state = CHAT_WAIT;
		break;
	case CMD_PRINT:
		chat_dump(c, "sending", ev[1], strlen(ev[1]));
		if (ev[1][0] != '\0' && c->io.write != NULL &&
		    c->io.write(c->arg, ev[1], strlen(ev[1])) < 0)
			chat_fail(c, "write to the port failed");
		break;
	case CMD_CANCEL:
		for (i = 1; i < ac; i++)
			chat_cancel(c, ev[i]);
		break;
	case CMD_GOTO:
		chat_jump(c, ev[1], "");
		break;
	case CMD_CALL:
		if (c->sp >= CHAT_MAX_STACK) {
			chat_fail(c, "call: calls nested too deep");
			break;
		}
		if ((pc = chat_find_label(c, ev[1])) < 0) {
			chat_fail(c, "call: label \"%s\" not found", ev[1]);
			break;
		}
		c->stack[c->sp++] = c->pc;
		c->pc = pc;
		break;
	case CMD_RETURN:
		if (c->sp == 0)
			chat_fail(c, "return without corresponding call");
		else
			chat_pop(c, true);
		break;
	case CMD_SUCCESS:
		chat_end(c, true);
		break;
	case CMD_FAILURE:
		chat_end(c, false);
		break;
	case CMD_LOG:
		log_msg(LG_CHAT, "[%s] CHAT: %s", c->lname, ev[1]);
		mem_free(c->last_log);
		c->last_log = mem_strdup("chat", ev[1]);
		break;
	case CMD_IF:
	case CMD_SET:
	case CMD_NOP:
		break;
	}
	for (i = 1; i < ac; i++)
		mem_free(ev[i]);
}

/* ---- input ---- */

/*
 * Feed one byte to the events; returns the first (in creation order)
 * that matches, or NULL.  Regexes see the current line: at every byte
 * with REG_NOTEOL, and as a complete line (CR LF elided) at its LF.
 */
static struct chat_ev *
chat_feed(struct chat *c, unsigned char ch)
{
	struct chat_ev *e, *hit = NULL;
	size_t end;
	int flags;

	if (ch != '\0') {
		if (c->llen < CHAT_RX_LINE)
			c->line[c->llen++] = (char)ch;
		else if (c->llen == CHAT_RX_LINE && ch != '\n') {
			log_msg(LG_CHAT, "[%s] CHAT: warning: line buffer "
			    "overflow", c->lname);
			c->llen++;	/* warn once a line */
		}
	}
	end = c->llen > CHAT_RX_LINE ? CHAT_RX_LINE : c->llen;
	flags = REG_NOTEOL;
	if (ch == '\n') {
		flags = 0;
		if (end > 0 && c->line[end - 1] == '\n')
			end--;
		if (end > 0 && c->line[end - 1] == '\r')
			end--;
	}
	c->line[end] = '\0';

	for (e = c->evs; e != NULL; e = e->next) {
		switch (e->kind) {
		case CHAT_EV_MATCH:
			if (e->slen == 0) {
				if (hit == NULL)
					hit = e;
				break;
			}
			if (e->wlen == e->slen) {
				memmove(e->win, e->win + 1, e->slen - 1);
				e->wlen--;
			}
			e->win[e->wlen++] = (char)ch;
			if (hit == NULL && e->wlen == e->slen &&
			    memcmp(e->win, e->str, e->slen) == 0)
				hit = e;
			break;
		case CHAT_EV_REGEX:
			/* an overflowed line is not tested any more */
			if (hit == NULL && ch != '\0' &&
			    c->llen <= CHAT_RX_LINE && regexec(&e->re,
			    c->line, CHAT_MAX_GROUPS, e->pm, flags) == 0)
				hit = e;
			break;
		case CHAT_EV_TIMER:
			break;
		}
	}
	return hit;
}

/*
 * Bytes read from the port, one at a time while the script waits.
 * Returns how many were used: all of them, unless the script ended (or
 * was restarted from done()) on the byte before the rest.
 */
size_t
chat_input_used(struct chat *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct chat_ev *e;
	unsigned gen = c->gen;
	size_t i;

	for (i = 0; i < len && c->gen == gen && c->state == CHAT_WAIT; i++) {
		if (c->rlen == sizeof(c->rbuf) || p[i] == '\n')
			chat_dump_read(c);
		c->rbuf[c->rlen++] = p[i];
		e = chat_feed(c, p[i]);
		if (p[i] == '\n')
			c->llen = 0;
		if (e != NULL)
			chat_fire(c, e);
	}
	return i;
}

/* Bytes read from the port; ignored when no script waits. */
void
chat_input(struct chat *c, const void *buf, size_t len)
{
	(void)chat_input_used(c, buf, len);
}

/* ---- life cycle ---- */

/* A new interpreter for link lname. */
struct chat *
chat_new(const char *lname, const struct chat_io *io, void *arg)
{
	struct chat *c = mem_alloc("chat", sizeof(*c));

	snprintf(c->lname, sizeof(c->lname), "%s", lname);
	if (io != NULL)
		c->io = *io;
	c->arg = arg;
	c->second_ms = 1000;
	timer_init(&c->done_t, "chat-done", 0, chat_done_cb, c);
	return c;
}

/* Stop any script and free everything; done() is not called. */
void
chat_free(struct chat *c)
{
	struct chat_var *v;

	if (c == NULL)
		return;
	chat_reset(c);
	mem_free(c->last_log);
	while ((v = c->vars) != NULL) {
		c->vars = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
	mem_free(c);
}

/* Length of a script second in ms (tests). */
void
chat_set_second_ms(struct chat *c, unsigned ms)
{
	c->second_ms = ms > 0 ? ms : 1;
}

/* Load fp (already named in c->name) and run from label. */
static int
chat_start_fp(struct chat *c, FILE *fp, const char *label)
{
	const char *baud;
	int pc;

	chat_reset_run(c, false);
	mem_free(c->last_log);
	c->last_log = NULL;
	if (chat_prog_load(c, fp) < 0)
		goto fail;
	pc = chat_find_label(c, label);
	if (pc < 0) {
		log_msg(LG_ERR, "[%s] CHAT: label \"%s\" not found in %s",
		    c->lname, label, c->name);
		goto fail;
	}
	log_msg(LG_CHAT2, "[%s] CHAT: running script \"%s\"", c->lname,
	    label);
	c->pc = pc;
	c->state = CHAT_RUN;
	c->in_start = true;
	c->cur_line = c->lines[pc - 1].lineno;
	/* the port speed follows a preset $Baudrate */
	baud = chat_var_get(c, "Baudrate");
	if (baud != NULL && chat_set_baud(c, baud) < 0)
		chat_fail(c, "invalid baudrate \"%s\"", baud);
	else
		chat_run(c);
	c->in_start = false;
	return 0;
fail:
	chat_reset(c);
	return -1;
}

/* Run label of the script file at path; -1 when file or label missing. */
int
chat_start(struct chat *c, const char *path, const char *label)
{
	FILE *fp;
	int rc;

	snprintf(c->name, sizeof(c->name), "%s", path);
	fp = fopen(path, "r");
	if (fp == NULL) {
		log_msg(LG_ERR, "[%s] CHAT: can't open %s: %s", c->lname,
		    path, strerror(errno));
		chat_reset(c);
		return -1;
	}
	rc = chat_start_fp(c, fp, label);
	fclose(fp);
	return rc;
}

/* Run label of the script text held in memory. */
int
chat_start_text(struct chat *c, const char *name, const char *text,
    size_t len, const char *label)
{
	FILE *fp;
	int rc;

	snprintf(c->name, sizeof(c->name), "%s", name);
	fp = len > 0 ? fmemopen((void *)(uintptr_t)text, len, "r") :
	    fopen("/dev/null", "r");
	if (fp == NULL) {
		log_perr(LG_ERR, "[%s] CHAT: can't read %s", c->lname, name);
		chat_reset(c);
		return -1;
	}
	rc = chat_start_fp(c, fp, label);
	fclose(fp);
	return rc;
}

/* Stop a running script; done() is not called. */
void
chat_abort(struct chat *c)
{
	if (c->state != CHAT_IDLE)
		log_msg(LG_CHAT2, "[%s] CHAT: script aborted", c->lname);
	chat_reset(c);
}

/* The last message of the script's `log` command in this or the last run. */
const char *
chat_last_log(const struct chat *c)
{
	return c->last_log;
}

/* True while a script runs or its done() is pending. */
bool
chat_active(const struct chat *c)
{
	return c->state != CHAT_IDLE;
}
