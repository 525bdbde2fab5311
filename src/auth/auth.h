/*
 * auth.h - per-link authentication settings (set auth, show auth; surface
 * spec 4.5.2, 5.7).  The protocols and backends arrive with the PPP engine
 * and AAA work; `max-logins` is daemon-global as in mpd5.
 */
#ifndef MPD_AUTH_AUTH_H
#define MPD_AUTH_AUTH_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/util.h"
#include "../ctl/command.h"

struct auth_conf;
struct link;

void	auth_conf_defaults(struct auth_conf *c);

/*
 * What authentication established about the peer (the AAA result), used
 * by the bundle, IPCP and the interface.  Zero / empty fields mean "not
 * supplied".
 */
#define AUTH_MAX_ROUTES	32

struct auth_data {
	char		authname[64];		/* peer's name */
	bool		have_range;		/* mpd.secret column 3, */
	struct u_range	range;			/* ext-auth, RADIUS */
	char		pool[32];		/* FRAMED_POOL */
	struct in_addr	dns[2];
	struct in_addr	nbns[2];
	int		mtu;
	int		session_timeout;
	int		idle_timeout;
	int		acct_update;
	uint64_t	acct_update_lim_recv;	/* ACCT_INTERIM_LIM_RECV */
	uint64_t	acct_update_lim_xmit;	/* ACCT_INTERIM_LIM_XMIT */
	/* FRAMED_ROUTE / FRAMED_IPV6_ROUTE, duplicates dropped, in order */
	int		nroutes;
	struct u_range	routes[AUTH_MAX_ROUTES];
	bool		vjcomp;
	char		filter_id[64];
	char		reply_message[128];
	char		iface_name[IFNAMSIZ];
	char		iface_descr[128];
	char		iface_group[IFNAMSIZ];
	char		action[64];		/* MPD_ACTION */
	/* MS-CHAP results, for MPPE */
	uint8_t		ms_nt_hash_hash[16];
	uint8_t		mppe_send_key[16];
	uint8_t		mppe_recv_key[16];
	bool		mppe_keys;
	uint8_t		ms_lm_key[8];
	/* RADIUS (show radius, accounting, CoA) */
	bool		radius_auth;		/* Access-Accept */
	uint8_t		state[253];
	size_t		state_len;
	uint8_t		class_[253];
	size_t		class_len;
	struct in_addr	framed_netmask;
	char		ms_domain[64];
	int		mppe_policy;		/* MS-MPPE-Encryption-Policy */
	int		mppe_types;		/* MS-MPPE-Encryption-Types */
};

/*
 * Runtime of authentication on a link (private to auth/; the link holds a
 * pointer).  auth_init/auth_fini allocate and free it.
 */
void	auth_init(struct link *l);
void	auth_fini(struct link *l);
/*
 * Authenticate phase begins: run the protocols LCP negotiated in both
 * directions (l->lcp.want.auth: the peer must authenticate to us;
 * l->lcp.peer.auth: we authenticate to the peer).  When both are done
 * lcp_auth_done() is called.  The whole phase is bounded by
 * `set auth timeout`.  Backends run off the event loop.
 */
void	auth_start(struct link *l);
/* Leave the phase (link going down); cancels pending backend work. */
void	auth_stop(struct link *l);
/* PAP / CHAP / EAP packet received (payload after the protocol field). */
void	auth_input(struct link *l, uint16_t proto, const uint8_t *pkt,
	    size_t len);
/* The result, valid from lcp_auth_done() until the link goes down. */
const struct auth_data *auth_result(const struct link *l);
/*
 * Replace where l's authentication sends packets (default link_xmit(),
 * which consumes m) and reports the end of the phase (default
 * lcp_auth_done()).  NULL restores a default.  For tests that run the
 * protocols over a fake wire; allocates the runtime like auth_init().
 */
struct mbuf;
typedef int auth_xmit_fn(struct link *l, uint16_t proto, struct mbuf *m);
typedef void auth_done_fn(struct link *l, bool success, const char *reason);
void	auth_set_hooks(struct link *l, auth_xmit_fn *xmit, auth_done_fn *done);

extern int	g_auth_max_logins;
extern int	g_auth_max_logins_ci;

extern const struct cmdtab auth_set_cmds[];
int	auth_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_AUTH_H */
