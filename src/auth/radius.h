/*
 * radius.h - per-link RADIUS client settings (set radius, unset radius,
 * show radius; surface spec 4.5.3, 5.8).  The client itself arrives with
 * the AAA work; it reads the settings below.
 */
#ifndef MPD_AUTH_RADIUS_H
#define MPD_AUTH_RADIUS_H

#include <netinet/in.h>
#include <stdint.h>

#include "../core/util.h"
#include "../ctl/command.h"

/*
 * `set radius server` is refused once more than this many servers exist,
 * so RADIUS_MAX_SERVERS + 1 fit, as in mpd5 (spec 13 #4).
 */
#define RADIUS_MAX_SERVERS	10

/* RADIUS options (`set radius enable ...`). */
enum radius_opt {
	RADIUS_OPT_MESSAGE_AUTHENTIC,
};

/* One configured server; owned by its radius_conf. */
struct radius_server {
	char			*host;
	char			*secret;
	uint16_t		 auth_port;	/* 0 = not for authentication */
	uint16_t		 acct_port;	/* 0 = not for accounting */
	struct radius_server	*next;
};

/*
 * A link's RADIUS settings.  The server list is kept newest first, which
 * is also the order the client tries them in (spec 13 #4).
 */
struct radius_conf {
	struct radius_server	*servers;
	struct u_addr		 src_addr;	/* unset = any */
	struct in_addr		 me;		/* NAS-IP-Address; 0 = omit */
	struct u_addr		 v6me;		/* NAS-IPv6-Address */
	char			*identifier;	/* NULL = host name */
	char			*config;	/* radius.conf(5) path or NULL */
	int			 timeout;	/* seconds */
	int			 retries;
	struct opt_set		 options;	/* enum radius_opt */
};

/* Allocate settings with mpd5's defaults (timeout 5, retries 3). */
struct radius_conf *radius_conf_new(void);
/* Deep copy for a template instance. */
struct radius_conf *radius_conf_dup(const struct radius_conf *src);
/* Free settings and their server list (NULL is fine). */
void	radius_conf_free(struct radius_conf *c);

extern const struct cmdtab radius_set_cmds[];
extern const struct cmdtab radius_unset_cmds[];
int	radius_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_RADIUS_H */
