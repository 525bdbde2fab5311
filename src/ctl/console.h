/*
 * console.h - the telnet console (set console, port 5005) and the stdin
 * console of a foreground daemon (surface spec 6), plus the console/web
 * user table (set user, show user).
 */
#ifndef MPD_CTL_CONSOLE_H
#define MPD_CTL_CONSOLE_H

#include <stdbool.h>

#include "command.h"

/* Prepare the module (log hook).  Call once after event_init(). */
void	console_init(void);
/* Close the listener and every session (daemon exit). */
void	console_shutdown(void);

/*
 * Foreground only: create the stdin console session.  Its context is
 * returned so that main() can run mpd.conf in it (section 2.2); it stays
 * valid until console_shutdown().  Calling it again returns the same one.
 */
struct cmd_ctx *console_stdin_create(void);
/* Start reading stdin and print the first prompt (after startup). */
void	console_stdin_start(void);

/*
 * Check a user/password against the `set user` table.  Returns true and
 * the privilege on success.
 */
bool	console_user_check(const char *user, const char *pass, int *priv);

extern const struct cmdtab console_set_cmds[];
int	console_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	console_cmd_set_user(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);
int	console_cmd_show_user(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);

#endif /* MPD_CTL_CONSOLE_H */
