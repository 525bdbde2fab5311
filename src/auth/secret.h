/*
 * secret.h - mpd.secret lookups (surface spec 3.1).
 *
 * The file is scanned linearly on every lookup (no caching, as in mpd5),
 * first matching line wins.  Columns: login (or `*`, only with a program),
 * password or "!program", optional peer IP[/width].  A program is run with
 * the login appended (shell-quoted) and its first output line is the
 * password.  Lookups block (file read, and for programs a child process
 * with a time limit); callers on the event loop run them in a worker.
 */
#ifndef MPD_AUTH_SECRET_H
#define MPD_AUTH_SECRET_H

#include <stdbool.h>

#include "../core/util.h"

#define SECRET_MAX_LOGIN	64
#define SECRET_MAX_PASS		128
#define SECRET_PROG_TIMEOUT_MS	10000

struct secret_entry {
	char		login[SECRET_MAX_LOGIN];
	char		password[SECRET_MAX_PASS];
	bool		is_program;	/* password holds the command */
	bool		have_range;
	struct u_range	range;
};

/*
 * Parse one logical line (in place).  Returns 1 for an entry, 0 for a
 * line to skip (blank/comment), -1 for a malformed line.
 */
int	secret_parse_line(char *line, struct secret_entry *e);
/* True when entry e applies to login (exact match, or `*` + program). */
bool	secret_matches(const struct secret_entry *e, const char *login);

/*
 * Look login up in the file at path.  Returns 0 with *out filled (for a
 * program entry the program has been run and out->password holds its
 * answer), -1 when the file can't be read, -2 when no line matches or a
 * program gave no password.
 */
int	secret_lookup(const char *path, const char *login,
	    struct secret_entry *out);

#endif /* MPD_AUTH_SECRET_H */
