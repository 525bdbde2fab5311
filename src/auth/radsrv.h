/*
 * radsrv.h - the RFC 5176 dynamic-authorization server settings
 * (set radsrv, show radsrv; surface spec 4.3.5, 9.5).  The request
 * handling (Disconnect/CoA) arrives with the AAA work and reads g_radsrv.
 */
#ifndef MPD_AUTH_RADSRV_H
#define MPD_AUTH_RADSRV_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/util.h"
#include "../ctl/command.h"

/* Peers are refused once more than this many exist (as in mpd5). */
#define RADSRV_MAX_PEERS	10

/* Request types the server answers (`set radsrv enable ...`). */
enum radsrv_opt {
	RADSRV_OPT_DISCONNECT,
	RADSRV_OPT_COA,
};

/* An allowed DAS client; owned by g_radsrv. */
struct radsrv_peer {
	char			*host;
	char			*secret;
	struct radsrv_peer	*next;
};

/* The daemon's one DAE server. */
struct radsrv_conf {
	struct u_addr		 addr;		/* self, default 0.0.0.0 */
	uint16_t		 port;		/* default 3799 */
	struct radsrv_peer	*peers;		/* newest first */
	struct opt_set		 options;	/* enum radsrv_opt */
	int			 fd;		/* bound socket, -1 = closed */
};

extern struct radsrv_conf g_radsrv;

/* Close the socket and free the peers (daemon exit). */
void	radsrv_shutdown(void);

/* Counters of the server (radsrv_run.c), for `show radsrv`. */
struct radsrv_stats {
	unsigned long	received, unknown_peer, malformed;
	unsigned long	bad_authenticator, acks, naks;
};
void	radsrv_stats_get(struct radsrv_stats *st);
/* Serve the bound socket on the loop / stop serving (radsrv_run.c). */
void	radsrv_run_start(void);
void	radsrv_run_stop(void);

extern const struct cmdtab radsrv_set_cmds[];
int	radsrv_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_RADSRV_H */
