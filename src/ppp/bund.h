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
#include "nat.h"

struct link;

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
struct bund *bund_by_ifname(const char *ifname);
struct bund *bund_by_msession(const char *msid);

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
