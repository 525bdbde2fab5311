/*
 * rep.h - repeaters (LAC / PAC relays of two links).  The relay itself is
 * built with the tunnel link types; this is the object and its views.
 */
#ifndef MPD_PPP_REP_H
#define MPD_PPP_REP_H

#include <stdint.h>

#include "../core/defs.h"
#include "../ctl/command.h"

struct link;

struct rep {
	char		 name[LINK_MAX_NAME + 2];
	int		 id;
	uint64_t	 serial;
	struct link	*links[2];
};

extern struct rep	**g_reps;
extern int		  g_nreps;

struct rep *rep_find(const char *name);
int	rep_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	rep_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_REP_H */
