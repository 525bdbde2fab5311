/*
 * command.h - the command engine shared by mpd.conf, the consoles and the
 * web interface (surface spec 4.0).
 *
 * Commands live in tables of struct cmdtab.  A word selects an entry by
 * prefix among the entries the session's privilege allows; a submenu
 * continues matching with the next word; a leaf runs its handler with the
 * remaining words.  Before a handler runs, its admit rule is checked
 * against the session's current link / bundle / repeater.
 *
 * A struct cmd_ctx is the state of one "session": the stdin console, a
 * telnet session, one web request or the mpd.conf reader.  It carries the
 * selected objects, the privilege, the load nesting depth and an output
 * sink.  Output written with cmd_printf() has every bare "\n" turned into
 * "\r\n", as mpd5 prints.
 */
#ifndef MPD_CTL_COMMAND_H
#define MPD_CTL_COMMAND_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Handler results (also the /bincmd RESULT codes). */
#define CMD_OK			0
#define CMD_ERR_USAGE		(-1)
#define CMD_ERR_UNKNOWN		(-2)
#define CMD_ERR_AMBIG		(-3)
#define CMD_ERR_RECUR		(-4)
#define CMD_ERR_UNFIN		(-5)
#define CMD_ERR_CONTEXT		(-6)
#define CMD_ERR_OTHER		(-7)

/* Privileges (set user ... admin|operator|user). */
#define PRIV_USER		0
#define PRIV_OPERATOR		1
#define PRIV_ADMIN		2

struct cmd_ctx;
struct cmdtab;
struct link;
struct bund;
struct rep;

typedef int cmd_fn(struct cmd_ctx *ctx, int ac, char **av, const void *arg);
typedef bool cmd_admit_fn(struct cmd_ctx *ctx, const struct cmdtab *cmd);

struct cmdtab {
	const char		*name;	/* template: first word is the name */
	const char		*desc;
	cmd_fn			*func;	/* leaf handler, or NULL for a menu */
	const struct cmdtab	*submenu;
	cmd_admit_fn		*admit;	/* NULL: no context needed */
	int			 priv;
	const void		*arg;
};

/* Output sink: receives already CRLF-converted bytes. */
typedef void cmd_write_fn(void *arg, const char *buf, size_t len);

struct cmd_ctx {
	struct link		*lnk;
	struct bund		*bund;
	struct rep		*rep;
	uint64_t		 lnk_serial;	/* detect objects that died */
	uint64_t		 bund_serial;
	uint64_t		 rep_serial;
	int			 priv;
	int			 depth;		/* load nesting */
	const char		*user;		/* console user, for audit */
	const char		*cfile;		/* file of the current line */
	int			 cline;
	cmd_write_fn		*write;
	void			*write_arg;
	char			 errmsg[256];
	bool			 exit_req;	/* `exit` asked to close */
	bool			 is_console;	/* a console session */
	bool			 no_errtext;	/* /bincmd: no error lines */
	void			*console;	/* owning console session */
};

/* Admit rules (section 4.0.3). */
cmd_admit_fn	cmd_admit_link;
cmd_admit_fn	cmd_admit_bund;
cmd_admit_fn	cmd_admit_rep;
cmd_admit_fn	cmd_admit_dev;	/* link whose type matches the menu */

/* Initialise a context with no selection. */
void	cmd_ctx_init(struct cmd_ctx *ctx, int priv, cmd_write_fn *w,
	    void *warg);

/*
 * Run one command given as words.  Prints the error texts of section 4.0.4
 * to the context (unless no_errtext) and logs them.  Returns CMD_OK or a
 * CMD_ERR_* code; ctx->errmsg holds the message for CMD_ERR_OTHER.
 */
int	cmd_do(struct cmd_ctx *ctx, int ac, char **av);
/* Tokenize a line with the mpd.conf rules and run it. */
int	cmd_do_line(struct cmd_ctx *ctx, const char *line);

/* Formatted output to the context (bare "\n" becomes "\r\n"). */
void	cmd_printf(struct cmd_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	cmd_vprintf(struct cmd_ctx *ctx, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Set ctx->errmsg and return CMD_ERR_OTHER. */
int	cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Drop selections whose objects were destroyed. */
void	cmd_ctx_validate(struct cmd_ctx *ctx);
/* Selection helpers (keep serials in step). */
void	cmd_ctx_set(struct cmd_ctx *ctx, struct link *l, struct bund *b,
	    struct rep *r);
/* Prompt text "[name] " into buf. */
char	*cmd_prompt(struct cmd_ctx *ctx, char *buf, size_t len);

/* The top-level table (for help and completion). */
extern const struct cmdtab g_cmds[];

/*
 * Complete the last word of line for the TAB key.  Writes the completed
 * line into out; returns the number of candidates (1 = unique).
 */
int	cmd_complete(struct cmd_ctx *ctx, const char *line, char *out,
	    size_t outlen);
/* Help for a partial line (the console's `?`). */
void	cmd_help_line(struct cmd_ctx *ctx, const char *line);

/* ---- enable/disable/accept/deny option lists (section 4.2) ---- */

struct opt_def {
	const char	*name;
	int		 bit;
	bool		 peered;
};

struct opt_set {
	uint32_t	enable;
	uint32_t	accept;
};

#define OPT_ENABLE	1
#define OPT_DISABLE	2
#define OPT_ACCEPT	3
#define OPT_DENY	4
#define OPT_YES		5
#define OPT_NO		6

#define opt_enabled(s, b)	(((s)->enable >> (b)) & 1u)
#define opt_accepted(s, b)	(((s)->accept >> (b)) & 1u)

/*
 * Apply a verb to the words av[0..ac-1] against the option list defs
 * (terminated by a NULL name).  Unknown / ambiguous / not-applicable
 * names are logged the way mpd5 logs them; the command still succeeds.
 */
void	opt_apply(struct opt_set *set, const struct opt_def *defs, int verb,
	    int ac, char **av);
/* Print the options block (header when any option is peered). */
void	opt_show(struct cmd_ctx *ctx, const struct opt_set *set,
	    const struct opt_def *defs);

/*
 * Helpers for tables: a leaf whose arg is an int verb (OPT_*) and whose
 * handler is given the option set through a getter.
 */
typedef struct opt_set *opt_getter(struct cmd_ctx *ctx,
	    const struct opt_def **defs);
struct opt_cmd_arg {
	int		 verb;
	opt_getter	*get;
};
int	opt_cmd(struct cmd_ctx *ctx, int ac, char **av, const void *arg);

#endif /* MPD_CTL_COMMAND_H */
