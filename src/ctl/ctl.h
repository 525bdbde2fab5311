/*
 * ctl.h - daemon-level commands: `set global`, context selection by iface,
 * session, msession and authname, `open`/`close` of layers, and the
 * daemon-wide views (show global/version/layers/summary/sessions/customer/
 * routes).
 */
#ifndef MPD_CTL_CTL_H
#define MPD_CTL_CTL_H

#include "command.h"

/* Ask the daemon to shut down gracefully (main installs the hook). */
typedef void ctl_shutdown_fn(void);
void	ctl_set_shutdown_hook(ctl_shutdown_fn *fn);
void	ctl_request_shutdown(void);
/* Free `set global` storage at exit. */
void	ctl_global_free(void);

/*
 * Layer open/close hooks: the PPP engine registers one per layer; until a
 * layer exists, `open`/`close` answer with a clear error.
 */
typedef int ctl_layer_fn(struct cmd_ctx *ctx, bool open);
void	ctl_set_layer_hook(const char *layer, ctl_layer_fn *fn);

extern const struct cmdtab ctl_global_set_cmds[];

int	ctl_cmd_open(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_cmd_close(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_cmd_iface(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_cmd_session(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_cmd_msession(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);
int	ctl_cmd_authname(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);

int	ctl_show_global(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_show_version(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_show_layers(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_show_summary(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ctl_show_sessions(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);
int	ctl_show_customer(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);
int	ctl_show_routes(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_CTL_CTL_H */
