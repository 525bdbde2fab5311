/*
 * auth.h - per-link authentication settings (set auth, show auth; surface
 * spec 4.5.2, 5.7).  The protocols and backends arrive with the PPP engine
 * and AAA work; `max-logins` is daemon-global as in mpd5.
 */
#ifndef MPD_AUTH_AUTH_H
#define MPD_AUTH_AUTH_H

#include "../ctl/command.h"

struct auth_conf;

void	auth_conf_defaults(struct auth_conf *c);

extern int	g_auth_max_logins;
extern int	g_auth_max_logins_ci;

extern const struct cmdtab auth_set_cmds[];
int	auth_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_AUTH_H */
