/*
 * conf.h - running labels of mpd.conf (surface spec 2.2-2.4) and the
 * `load` command.
 */
#ifndef MPD_CTL_CONF_H
#define MPD_CTL_CONF_H

#include "command.h"

/* Resolve a file name relative to the configuration directory. */
void	conf_path(const char *file, char *buf, size_t len);

/*
 * Run label from file (NULL: the main config file) in ctx.  Returns 0,
 * -1 when the file can't be read, -2 when the label is missing, or
 * CMD_ERR_RECUR when nesting is too deep.
 */
int	conf_run_label(struct cmd_ctx *ctx, const char *file,
	    const char *label);

int	conf_cmd_load(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_CTL_CONF_H */
