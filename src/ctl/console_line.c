/*
 * console_line.c - line discipline of the telnet and stdin consoles
 * (surface spec 6: "Line editing", "TAB", "?", "Telnet").
 *
 * Provides, as a pure byte-at-a-time state machine:
 *   - telnet filtering (RFC 854 IAC commands, RFC 855 option negotiation
 *     WILL/WONT/DO/DONT + option byte, and SB ... IAC SE subnegotiation are
 *     swallowed; IAC IAC is a data byte 0xFF, which is not printable and so
 *     ignored);
 *   - line ends: CR, LF and, in edit mode, `?` each end a line on their
 *     own; an LF or NUL right after a CR belongs to the same line end, so
 *     telnet's CR LF and CR NUL give one line, not two;
 *   - editing: printable ASCII is appended and echoed (not in hidden
 *     mode), ^H and DEL erase one character ("\b \b"), ^C drops the line,
 *     the line holds at most CONSOLE_LINE_MAX characters and the bell
 *     rings when it is full; other control characters are ignored;
 *   - ANSI cursor keys (ESC [ x and ESC O x): Up/Down walk a history of
 *     CONSOLE_LINE_HIST lines like ^P/^N, Left/Right and any other
 *     sequence are swallowed;
 *   - in edit mode TAB and `?` are handed to the caller, who owns the
 *     command tables; outside edit mode (login, piped stdin) TAB is a
 *     blank and `?` an ordinary character, so passwords may contain it.
 *
 * The machine never allocates and writes only into its own struct, so
 * every input sequence is safe; tests/unit/test_console_line.c and
 * tests/fuzz/fuzz_console_line.c drive it directly.
 */
#include "console_line.h"

#include <string.h>

/* Telnet command bytes (RFC 854). */
#define TN_SE		240
#define TN_SB		250
#define TN_WILL		251
#define TN_IAC		255

enum tn_state {
	TN_ST_DATA,	/* ordinary data */
	TN_ST_IAC,	/* got IAC */
	TN_ST_OPT,	/* got IAC WILL/WONT/DO/DONT: option byte follows */
	TN_ST_SB,	/* inside subnegotiation */
	TN_ST_SB_IAC,	/* IAC inside subnegotiation */
};

enum esc_state {
	ESC_ST_NONE,
	ESC_ST_ESC,	/* got ESC */
	ESC_ST_SEQ,	/* got ESC [ or ESC O: parameters, then a final */
};

#define CTRL_KEY(c)	((c) & 0x1f)
#define KEY_ESC		0x1b
#define KEY_DEL		0x7f

static void
cl_out(struct console_line *cl, const char *s, size_t n)
{
	if (n > 0 && cl->out != NULL)
		cl->out(cl->out_arg, s, n);
}

static void
cl_outs(struct console_line *cl, const char *s)
{
	cl_out(cl, s, strlen(s));
}

void
console_line_init(struct console_line *cl, unsigned flags,
    console_line_out_fn *out, void *arg)
{
	memset(cl, 0, sizeof(*cl));
	cl->flags = flags;
	cl->out = out;
	cl->out_arg = arg;
	cl->tn_state = TN_ST_DATA;
	cl->esc_state = ESC_ST_NONE;
	cl->hist_pos = -1;
}

void
console_line_set_flags(struct console_line *cl, unsigned flags)
{
	cl->flags = flags;
}

void
console_line_clear(struct console_line *cl)
{
	cl->len = 0;
	cl->buf[0] = '\0';
	cl->hist_pos = -1;
}

void
console_line_bell(struct console_line *cl)
{
	cl_outs(cl, "\a");
}

void
console_line_redraw(struct console_line *cl)
{
	if (!(cl->flags & CL_F_HIDDEN))
		cl_out(cl, cl->buf, cl->len);
}

void
console_line_replace(struct console_line *cl, const char *text)
{
	/* Worst case: erase a full line, then print a full line. */
	char tmp[CONSOLE_LINE_MAX + 1];
	char o[3 * CONSOLE_LINE_MAX + CONSOLE_LINE_MAX];
	size_t n, keep, i, k = 0;

	/* Copy first: text may point into cl (history, draft, buf). */
	n = strnlen(text, CONSOLE_LINE_MAX);
	memcpy(tmp, text, n);
	tmp[n] = '\0';

	/* Keep the common prefix on screen, rewrite only the rest. */
	for (keep = 0; keep < cl->len && keep < n && cl->buf[keep] == tmp[keep];
	    keep++)
		;
	if (!(cl->flags & CL_F_HIDDEN)) {
		for (i = keep; i < cl->len; i++) {
			o[k++] = '\b';
			o[k++] = ' ';
			o[k++] = '\b';
		}
		memcpy(o + k, tmp + keep, n - keep);
		k += n - keep;
		cl_out(cl, o, k);
	}
	memcpy(cl->buf, tmp, n + 1);
	cl->len = n;
}

/* True when s holds something other than blanks. */
static bool
has_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return true;
	return false;
}

static void
hist_add(struct console_line *cl, const char *s)
{
	int i;

	if (!has_text(s))
		return;
	if (cl->hist_len > 0 && strcmp(cl->hist[0], s) == 0)
		return;
	if (cl->hist_len < CONSOLE_LINE_HIST)
		cl->hist_len++;
	for (i = cl->hist_len - 1; i > 0; i--)
		memcpy(cl->hist[i], cl->hist[i - 1], sizeof(cl->hist[i]));
	memcpy(cl->hist[0], s, strlen(s) + 1);
}

static void
hist_up(struct console_line *cl)
{
	if (cl->hist_pos + 1 >= cl->hist_len)
		return;
	if (cl->hist_pos < 0)
		memcpy(cl->draft, cl->buf, cl->len + 1);
	cl->hist_pos++;
	console_line_replace(cl, cl->hist[cl->hist_pos]);
}

static void
hist_down(struct console_line *cl)
{
	if (cl->hist_pos > 0) {
		cl->hist_pos--;
		console_line_replace(cl, cl->hist[cl->hist_pos]);
	} else if (cl->hist_pos == 0) {
		cl->hist_pos = -1;
		console_line_replace(cl, cl->draft);
	}
}

static void
insert_char(struct console_line *cl, char c)
{
	if (cl->len >= CONSOLE_LINE_MAX) {
		console_line_bell(cl);
		return;
	}
	cl->buf[cl->len++] = c;
	cl->buf[cl->len] = '\0';
	if (!(cl->flags & CL_F_HIDDEN))
		cl_out(cl, &c, 1);
}

static void
erase_char(struct console_line *cl)
{
	if (cl->len == 0)
		return;
	cl->buf[--cl->len] = '\0';
	if (!(cl->flags & CL_F_HIDDEN))
		cl_outs(cl, "\b \b");
}

static enum console_line_ev
end_line(struct console_line *cl)
{
	cl_outs(cl, "\r\n");
	memcpy(cl->line, cl->buf, cl->len + 1);
	if (cl->flags & CL_F_EDIT)
		hist_add(cl, cl->line);
	console_line_clear(cl);
	return CL_EV_LINE;
}

/*
 * The telnet layer: returns true when c was part of a telnet command and
 * is consumed.
 */
static bool
telnet_byte(struct console_line *cl, unsigned char c)
{
	switch ((enum tn_state)cl->tn_state) {
	case TN_ST_DATA:
		if (c != TN_IAC)
			return false;
		cl->tn_state = TN_ST_IAC;
		return true;
	case TN_ST_IAC:
		if (c >= TN_WILL && c != TN_IAC)
			cl->tn_state = TN_ST_OPT;
		else if (c == TN_SB)
			cl->tn_state = TN_ST_SB;
		else
			/* IAC IAC (data 0xFF, not printable) or a
			 * one-byte command such as IP, AYT, NOP. */
			cl->tn_state = TN_ST_DATA;
		return true;
	case TN_ST_OPT:
		cl->tn_state = TN_ST_DATA;
		return true;
	case TN_ST_SB:
		if (c == TN_IAC)
			cl->tn_state = TN_ST_SB_IAC;
		return true;
	case TN_ST_SB_IAC:
		/* IAC SE ends it; IAC IAC is an escaped data byte. */
		cl->tn_state = c == TN_SE ? TN_ST_DATA : TN_ST_SB;
		return true;
	}
	cl->tn_state = TN_ST_DATA;
	return true;
}

/*
 * The ANSI escape layer: returns true when c was consumed as part of an
 * escape sequence; false when c must be handled as an ordinary byte (the
 * sequence, if any, was abandoned).
 */
static bool
escape_byte(struct console_line *cl, unsigned char c)
{
	switch ((enum esc_state)cl->esc_state) {
	case ESC_ST_NONE:
		return false;
	case ESC_ST_ESC:
		if (c == '[' || c == 'O') {
			cl->esc_state = ESC_ST_SEQ;
			return true;
		}
		cl->esc_state = ESC_ST_NONE;
		/* ESC + printable is a meta key: drop it.  A control
		 * character (Enter, another ESC) keeps its meaning. */
		return c >= 0x20;
	case ESC_ST_SEQ:
		if (c >= 0x20 && c <= 0x3f)
			return true;	/* parameter/intermediate bytes */
		cl->esc_state = ESC_ST_NONE;
		if (c < 0x20)
			return false;	/* broken sequence */
		if (cl->flags & CL_F_EDIT) {
			if (c == 'A')
				hist_up(cl);
			else if (c == 'B')
				hist_down(cl);
		}
		/* Right, Left and everything else are ignored. */
		return true;
	}
	cl->esc_state = ESC_ST_NONE;
	return false;
}

enum console_line_ev
console_line_feed(struct console_line *cl, unsigned char c)
{
	bool edit = (cl->flags & CL_F_EDIT) != 0;

	if ((cl->flags & CL_F_TELNET) && telnet_byte(cl, c))
		return CL_EV_NONE;
	if (cl->after_cr) {
		cl->after_cr = false;
		if (c == '\n' || c == '\0')
			return CL_EV_NONE;
	}
	if (escape_byte(cl, c))
		return CL_EV_NONE;

	switch (c) {
	case '\0':
		return CL_EV_NONE;
	case '\r':
		cl->after_cr = true;
		return end_line(cl);
	case '\n':
		return end_line(cl);
	case KEY_ESC:
		cl->esc_state = ESC_ST_ESC;
		return CL_EV_NONE;
	case CTRL_KEY('H'):
	case KEY_DEL:
		erase_char(cl);
		return CL_EV_NONE;
	case CTRL_KEY('C'):
		cl_outs(cl, "\r\n");
		console_line_clear(cl);
		return CL_EV_CANCEL;
	case '\t':
		if (edit)
			return CL_EV_COMPLETE;
		insert_char(cl, ' ');
		return CL_EV_NONE;
	case CTRL_KEY('P'):
		if (edit)
			hist_up(cl);
		return CL_EV_NONE;
	case CTRL_KEY('N'):
		if (edit)
			hist_down(cl);
		return CL_EV_NONE;
	case '?':
		if (!edit)
			break;
		cl_outs(cl, "?\r\n");
		return CL_EV_HELP;
	default:
		if (c < 0x20 || c > 0x7e)
			return CL_EV_NONE;	/* other controls, 8-bit */
		break;
	}
	insert_char(cl, (char)c);
	return CL_EV_NONE;
}
