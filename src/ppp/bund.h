/*
 * bund.h - the bundle object: interface, NCPs, CCP/ECP and multilink over
 * one or more links.
 *
 * Bundles are kept in g_bunds indexed by id (slot 0 unused).  A bundle
 * points at up to MAX_LINKS_PER_BUND member links; the links point back.
 * Destruction is deferred through the message queue (see link.h).
 */
#ifndef MPD_PPP_BUND_H
#define MPD_PPP_BUND_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../core/defs.h"
#include "../core/msg.h"
#include "../ctl/command.h"
#include "ccp.h"
#include "fsm.h"
#include "iface.h"
#include "ipcp.h"
#include "lcp.h"
#include "nat.h"

struct link;
struct mbuf;
struct dp_ops;
struct ipcp_state;
struct ipv6cp_state;
struct mp_state;
struct bod_state;
struct ccp_state;
struct ecp_state;

enum bund_opt {
	BUND_OPT_IPCP, BUND_OPT_IPV6CP, BUND_OPT_COMPRESSION,
	BUND_OPT_ENCRYPTION, BUND_OPT_CRYPT_REQD, BUND_OPT_BWMANAGE,
	BUND_OPT_ROUNDROBIN,
};

struct bund_conf {
	int		period;
	int		lowat;
	int		hiwat;
	int		min_con;
	int		min_dis;
	int		fsm_timeout;
	char		links[MAX_LINKS_PER_BUND][LINK_MAX_NAME];
	int		nlinks;
	struct opt_set	options;
};

struct bund_stats {
	uint64_t	in_octets, in_frames, out_octets, out_frames;
	uint64_t	bad_protos, runts, dup_frags, drop_frags;
};

struct bund {
	char			 name[BUND_MAX_NAME];
	int			 id;
	uint64_t		 serial;
	bool			 tmpl;
	bool			 stay;
	bool			 dying;
	struct bund		*parent;
	int			 children;

	struct bund_conf	 conf;
	struct iface_conf	 iface_conf;
	struct ipcp_conf	 ipcp_conf;
	struct ipv6cp_conf	 ipv6cp_conf;
	struct ccp_conf		 ccp_conf;
	struct ecp_conf		 ecp_conf;
	struct nat_conf		 nat_conf;

	struct iface_state	 iface;
	enum fsm_state		 ipcp_state;
	enum fsm_state		 ipv6cp_state;
	enum fsm_state		 ccp_state;
	enum fsm_state		 ecp_state;
	struct in_addr		 ipcp_self, ipcp_peer;

	struct link		*links[MAX_LINKS_PER_BUND];
	int			 n_links;
	bool			 open;		/* admin status */
	char			 msession_id[32];
	char			 peer_authname[64];
	time_t			 up_time;
	struct bund_stats	 stats;

	/* runtime of the NCP layers (ppp/ipcp.c) and the data plane (dp/) */
	struct ipcp_state	*ipcp;
	struct ipv6cp_state	*ipv6cp;
	struct ccp_state	*ccp;		/* ppp/ccp_run.c */
	struct ecp_state	*ecp;		/* ppp/ecp.c */
	const struct dp_ops	*dp;
	void			*dp_state;
	char			 dp_why[96];	/* why that backend (show iface) */
	bool			 ncps_open;	/* NCPs opened for this session */
	const struct link	*first_link;	/* link that created the session */

	/* session state kept by the life cycle (bund_run.c) */
	int			 n_up;		/* links joined (Network phase) */
	uint32_t		 joined;	/* bit k: links[k] has joined */
	uint32_t		 ncp_started;	/* BUND_NCP_* bits started */
	bool			 leaving;	/* last link leaving: NCPs go */
	uint16_t		 peer_mrru;	/* multilink: 0 = not in use */
	struct lcp_discrim	 peer_discrim;
	/* multilink data path and bandwidth on demand (ppp/mp.c, bod.c) */
	struct mp_state		*mp;
	struct bod_state	*bod;

	struct msg_port		 port;
};

extern struct bund	**g_bunds;
extern int		  g_nbunds;

/* Every per-family default (calls the *_conf_defaults of each layer). */
void	bund_conf_defaults(struct bund *b);
struct bund *bund_create(struct cmd_ctx *ctx, const char *name,
	    const char *tmpl_name, bool tmpl, bool stay);
struct bund *bund_inst(struct bund *t, const char *name, bool stay);
void	bund_destroy(struct bund *b);
void	bund_shutdown_all(void);
struct bund *bund_find(const char *name);

/*
 * ngN numbers in use (bund.c; a new bundle takes the lowest free one):
 * claim n if no bundle has it (true), or give n back.
 */
bool	bund_ng_claim(int n);
void	bund_ng_unclaim(int n);

/* ---- life cycle (bund.c) ---- */

/*
 * Link l reached Network phase: find its bundle through the link's
 * actions (or the AAA-supplied action), instantiating a bundle template
 * when needed, and add l.  The first link of a bundle opens its NCPs.
 * On failure the link is closed with a reason such as "No bundle
 * specified".
 */
void	bund_join(struct link *l);
/* Link l left Network phase: remove it; the last link closes the NCPs. */
void	bund_leave(struct link *l);
/*
 * A bundle-layer frame arrived on l (NCP, IP, IPv6, VJ; payload after the
 * protocol field).  Consumes m.
 */
void	bund_input(struct link *l, uint16_t proto, struct mbuf *m);
/*
 * Send a bundle-layer frame (NCP packet or data) on one of the bundle's
 * links.  Consumes m.  Returns 0 or -1.
 */
int	bund_xmit(struct bund *b, uint16_t proto, struct mbuf *m);
/*
 * The fsm_output_fn of the bundle-level automatons (owner: the bundle):
 * a copy of pkt under f's protocol number through bund_xmit().
 */
int	bund_fsm_output(struct fsm *f, const uint8_t *pkt, size_t len);
/*
 * An IP or IPv6 packet from the host (read from the bundle's interface by
 * the data plane) to send to the peer.  Consumes m.
 */
void	bund_output(struct bund *b, struct mbuf *m);
/* Close every link of b (idle/session timeout, admin close). */
void	bund_close(struct bund *b, const char *reason);

/* The NCPs whose This-Layer-Started/-Finished the bundle tracks. */
enum bund_ncp {
	BUND_NCP_IPCP,
	BUND_NCP_IPV6CP,
};
/*
 * An NCP started (needs the bundle) or finished.  When the last started
 * NCP finishes, the bundle has nothing left to carry and closes its
 * links (deferred through the bundle's message port).
 */
void	bund_ncp_start(struct bund *b, enum bund_ncp ncp);
void	bund_ncp_finish(struct bund *b, enum bund_ncp ncp);
/*
 * Register the `open`/`close` handlers of the "bund", "ipcp" and
 * "ipv6cp" layers with the command engine (ctl_set_layer_hook) and the
 * handler for the peer's Protocol-Rejects of bundle protocols
 * (proto_set_reject_hook).  Called once at start-up.
 */
void	bund_layers_init(void);

/* `set bundle ...` table and `show bundle` (bund_cmd.c). */
extern const struct cmdtab bund_set_cmds[];
int	bund_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
/* Set b->conf to defaults (bund_cmd.c). */
void	bund_conf_init(struct bund_conf *c);

/* Commands (bund.c). */
int	bund_cmd_create(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	bund_cmd_destroy(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	bund_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_BUND_H */
