/*
 * web.h - the HTTP status and control interface (set web, port 5006;
 * surface spec 7).
 */
#ifndef MPD_CTL_WEB_H
#define MPD_CTL_WEB_H

#include "command.h"

/*
 * Close the listener and every connection and free all module memory
 * (daemon exit).  Must run before event_fini(), outside any web
 * callback.  The `set web` configuration is kept; `set web open` works
 * again afterwards.
 */
void	web_shutdown(void);

/*
 * `set web ...`: self {ip} [{port}] (IPv4, default 127.0.0.1 5006, used
 * by the next open), open, close (listener only; requests in progress
 * finish), enable/disable auth (default enabled).  All priv admin.
 */
extern const struct cmdtab web_set_cmds[];
/* `show web`: state, address, port and the options block. */
int	web_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_CTL_WEB_H */
