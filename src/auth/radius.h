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

/* ---- the client (radius.c) ---- */

struct link;
struct rad_pkt;

/*
 * A copy of a link's settings for a worker thread (the worker never
 * reads struct radius_conf, which the console may change meanwhile).
 */
struct radius_snap_server {
	char		host[256];
	char		secret[128];
	uint16_t	auth_port;
	uint16_t	acct_port;
	int		timeout;	/* 0: the snapshot's (radius.conf) */
	int		tries;
};

struct radius_snap {
	int			 nservers;
	struct radius_snap_server servers[RADIUS_MAX_SERVERS + 1];
	int			 timeout;
	int			 retries;
	struct u_addr		 src_addr;
	struct in_addr		 me;
	struct u_addr		 v6me;
	char			 identifier[256];
	char			 config[256];	/* radius.conf(5) path or "" */
	bool			 msg_auth;
};

/* Fill s from l's settings (loop thread).  No servers: s->nservers 0. */
void	radius_snap_fill(struct radius_snap *s, const struct link *l);

/*
 * Builds the request for one server into p (header already set with the
 * identifier and a random Request Authenticator): attributes only; the
 * secret is given for User-Password hiding.  Returns 0 or -1.
 */
typedef int radius_build_fn(struct rad_pkt *p, const char *secret,
	    void *arg);

/* The answer of radius_send(). */
struct radius_answer {
	uint8_t		pkt[4096];
	size_t		len;
	uint8_t		req_auth[16];
	char		secret[128];
	int		server;		/* index: radius.conf servers first */
};

/*
 * Send a request of code (Access-Request or Accounting-Request) to the
 * servers of s in order, each `retries` times waiting `timeout` seconds,
 * until one answers with a valid reply (matching identifier, authenticator
 * and Message-Authenticator); invalid datagrams are ignored and counted.
 * Blocking: worker threads only; gives up early on worker_should_stop().
 * lnk prefixes the log lines.  Returns 0 with ans filled, or -1.
 */
int	radius_send(const struct radius_snap *s, uint8_t code,
	    radius_build_fn *build, void *arg, struct radius_answer *ans,
	    const char *lnk);

/*
 * The attributes every request carries (spec 9.3), from s and the link
 * data in x (worker thread).  Returns 0 or -1 (packet full).
 */
struct extauth_request;
int	radius_put_common(struct rad_pkt *p, const struct radius_snap *s,
	    const struct extauth_request *x);

/* Counters of the client (all links), for `show radius`. */
struct radius_stats {
	unsigned long	requests, retransmits, timeouts, replies;
	unsigned long	bad_authenticator, malformed, bad_id, bad_code;
	unsigned long	acct_spooled, acct_delivered;
};
void	radius_stats_get(struct radius_stats *st);
/* Count a spooled / delivered accounting record (acct.c). */
void	radius_stats_acct(bool delivered);

extern const struct cmdtab radius_set_cmds[];
extern const struct cmdtab radius_unset_cmds[];
int	radius_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_RADIUS_H */
