/*
 * ippool.h - named IPv4 address pools (set ippool add, show ippool;
 * surface spec 4.3.6).  Allocation hands out the lowest free address.
 */
#ifndef MPD_AUTH_IPPOOL_H
#define MPD_AUTH_IPPOOL_H

#include <netinet/in.h>

#include "../ctl/command.h"

/* Longest pool name kept (longer names are truncated), with the NUL. */
#define IPPOOL_MAX_NAME	32

/* Take the lowest free address of pool; returns 0 or -1 (none/unknown). */
int	ippool_get(const char *pool, struct in_addr *out);
/* Return an address to its pool. */
void	ippool_free(const char *pool, struct in_addr a);
/*
 * Usage of pool: addresses handed out and addresses held.  Returns 0, or
 * -1 when no such pool exists.
 */
int	ippool_stat(const char *pool, int *used, int *size);
/* Free all pools at exit. */
void	ippool_shutdown(void);

extern const struct cmdtab ippool_set_cmds[];
int	ippool_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_IPPOOL_H */
