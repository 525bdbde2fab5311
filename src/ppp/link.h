/*
 * link.h - the link object: one PPP channel over one device.
 *
 * A link owns its device configuration (through its phys_type), its LCP
 * and authentication settings and its incoming-call actions.  Links are
 * kept in the global array g_links, indexed by their id (the NAS-Port and
 * the `[hexid]` of the `link` command); slot 0 is unused.
 *
 * Ownership: g_links owns every link; a bundle or repeater only points at
 * its member links.  Links are destroyed through link_destroy(), which
 * defers the free to the message queue so that no callback ever frees the
 * object it runs on.
 */
#ifndef MPD_PPP_LINK_H
#define MPD_PPP_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../core/defs.h"
#include "../core/msg.h"
#include "../ctl/command.h"
#include "../core/event.h"
#include "fsm.h"
#include "lcp.h"

struct phys_type;
struct bund;
struct rep;
struct radius_conf;
struct eap_conf;
struct auth_state;
struct mbuf;

enum phys_state {
	PHYS_STATE_DOWN = 0,
	PHYS_STATE_CONNECTING,
	PHYS_STATE_READY,
	PHYS_STATE_UP,
};

/* Link options (set link enable/disable/accept/deny ...). */
enum link_opt {
	LINK_OPT_INCOMING, LINK_OPT_PAP, LINK_OPT_CHAP_MD5, LINK_OPT_CHAP_MSV1,
	LINK_OPT_CHAP_MSV2, LINK_OPT_EAP, LINK_OPT_ACFCOMP, LINK_OPT_PROTOCOMP,
	LINK_OPT_KEEP_MS_DOMAIN, LINK_OPT_MAGICNUM, LINK_OPT_PASSIVE,
	LINK_OPT_CHECK_MAGIC, LINK_OPT_NO_ORIG_AUTH, LINK_OPT_CALLBACK,
	LINK_OPT_MULTILINK, LINK_OPT_SHORTSEQ, LINK_OPT_TIME_REMAIN,
	LINK_OPT_PEER_AS_CALLING, LINK_OPT_REPORT_MAC, LINK_OPT_REMOVE_TEE,
};

/* Auth options (set auth enable ...). */
enum auth_opt {
	AUTH_OPT_RADIUS_AUTH, AUTH_OPT_RADIUS_ACCT, AUTH_OPT_INTERNAL,
	AUTH_OPT_EXT_AUTH, AUTH_OPT_EXT_ACCT, AUTH_OPT_SYSTEM_AUTH,
	AUTH_OPT_SYSTEM_ACCT, AUTH_OPT_PAM_AUTH, AUTH_OPT_PAM_ACCT,
	AUTH_OPT_OPIE, AUTH_OPT_ACCT_MANDATORY,
};

enum link_action_type {
	LINK_ACTION_BUNDLE = 1,
	LINK_ACTION_FORWARD,
	LINK_ACTION_DROP,
};

struct link_action {
	enum link_action_type	 type;
	char			 arg[LINK_MAX_NAME];
	char			*regex;		/* NULL: matches everything */
	struct link_action	*next;
};

struct link_conf {
	int		mru;
	int		mtu;
	int		mrru;
	uint32_t	accmap;
	int		bandwidth;
	int		latency;
	int		fsm_timeout;
	int		max_redial;
	int		redial_delay;
	int		max_children;
	int		echo_int;
	int		echo_max;
	char		ident[64];
	struct opt_set	options;
};

struct auth_conf {
	char		authname[64];
	char		password[64];
	int		acct_update;
	uint64_t	acct_update_lim_recv;
	uint64_t	acct_update_lim_xmit;
	int		timeout;
	char		extauth_script[128];
	char		extacct_script[128];
	struct opt_set	options;
};

struct link {
	char			 name[LINK_MAX_NAME];
	int			 id;		/* index in g_links */
	uint64_t		 serial;	/* unique per creation */
	bool			 tmpl;		/* template */
	bool			 stay;		/* static */
	bool			 dying;
	struct link		*parent;	/* template it came from */
	int			 children;	/* instances (templates) */

	const struct phys_type	*type;
	void			*dev_conf;	/* type-specific settings */
	void			*dev_state;	/* device runtime (phys) */

	struct link_conf	 conf;
	struct auth_conf	 auth;
	struct link_action	*actions;
	struct radius_conf	*radius;	/* set radius (auth/radius.h) */
	struct eap_conf		*eap;		/* set eap (auth/eap.h) */

	struct bund		*bund;
	struct rep		*rep;

	enum phys_state		 state;
	enum fsm_state		 lcp_state;	/* mirror of lcp.fsm.state */
	struct lcp		 lcp;
	struct auth_state	*auth_st;	/* auth/auth.h runtime */
	bool			 originated;	/* we dialled (vs incoming) */
	int			 num_redial;
	struct timer		 redial_timer;
	/* per-link traffic for show link / accounting */
	uint64_t		 in_octets, in_frames, out_octets, out_frames;
	char			 session_id[32];
	char			 peer_authname[64];
	char			 peer_ident[64];
	time_t			 up_time;	/* monotonic sec, 0 = down */
	/*
	 * Up/down reasons (mpd5's RecordLinkUpDownReason): the first reason
	 * of each session wins; the down reason of the previous session is
	 * moved to down_reason_stale when the device is opened again.
	 */
	char			 up_reason[100];
	char			 down_reason[100];
	char			 down_reason_stale[100];
	bool			 up_reason_set;	/* this session's is recorded */
	bool			 admin_open;
	bool			 up_pending;	/* device up, not yet handled */
	bool			 die;		/* destroy once down (!stay) */

	struct msg_port		 port;		/* deferred destruction etc */
};

/* All links; g_links[0] is never used.  g_nlinks is the array size. */
extern struct link	**g_links;
extern int		  g_nlinks;
/* Live links created from templates, for `set global max-children`. */
extern int		  g_link_children;

/*
 * Set l->conf to mpd5's defaults for l->type (link_cmd.c).  Called once
 * when a link of a device type is created (instances copy instead).
 */
void	link_conf_defaults(struct link *l);
/* Free the action list (link_cmd.c). */
void	link_actions_free(struct link_action *a);
/* Deep copy of an action list (link_cmd.c). */
struct link_action *link_actions_dup(const struct link_action *a);
/*
 * Create a link.  tmpl_or_type names a device type or a link template.
 * Returns NULL with ctx->errmsg set on failure.
 */
struct link *link_create(struct cmd_ctx *ctx, const char *name,
	    const char *tmpl_or_type, bool tmpl, bool stay);
/* Instantiate template t (for incoming calls); name "<t>-<id>". */
struct link *link_inst(struct link *t, const char *name, bool stay);
/*
 * Destroy (deferred); removes it from its bundle.  A link that is not
 * down is closed first and destroyed when it is.
 */
void	link_destroy(struct link *l);
/* Free every link at daemon exit. */
void	link_shutdown_all(void);
struct link *link_find(const char *name);
struct link *link_by_id(int id);
const char *link_phys_state_name(enum phys_state st);

/* `set link ...` table, `show link`, `show lcp` (link_cmd.c). */
extern const struct cmdtab link_set_cmds[];
int	lcp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

/* ---- life cycle (link.c) ---- */

/*
 * Device callbacks.  link_phys_up(): the device is connected; LCP starts.
 * link_phys_down(): the device hung up (reason e.g. "Dropped", NULL for
 * none; the first reason of a session wins); LCP goes down and, while
 * administratively open and dialled by us, a redial is scheduled per
 * max-redial (a non-static link is destroyed instead once it is down).
 * link_phys_input(): one PPP frame arrived (starting at address/control
 * or protocol); consumes m.  Up and down are handled from the message
 * queue, never inside the device's own callback (a frame that arrives
 * before the queued up event is handled runs it first).  The device
 * keeps l->state (CONNECTING in its open operation); link_phys_up()
 * and link_phys_down() also set UP and DOWN.
 */
void	link_phys_up(struct link *l);
void	link_phys_down(struct link *l, const char *reason);
void	link_phys_input(struct link *l, struct mbuf *m);
/*
 * An incoming call on template or link t: returns the link to use (t
 * itself when it is a free non-template link, else a new instance) or
 * NULL when max-children is reached.  The device then attaches its state
 * and calls link_phys_up().
 */
struct link *link_incoming(struct link *t);
/*
 * Send a PPP frame of protocol proto on l: adds the protocol field (PFC
 * when negotiated) and address/control (unless ACFC), then phys_send().
 * Consumes m.  Returns 0 or -1.
 */
int	link_xmit(struct link *l, uint16_t proto, struct mbuf *m);
/* Administrative open / close (`open link`, `close link`). */
void	link_open(struct link *l, const char *reason);
void	link_close(struct link *l, const char *reason);
/*
 * Record the down reason shown by `show link` (and used for accounting):
 * the first one of a session wins.
 */
void	link_set_down_reason(struct link *l, const char *reason);
/*
 * Register the "link" and "device" layers of `open`/`close` (ctl.h).
 * Called once from main().
 */
void	link_layer_init(void);

/*
 * Called by lcp.c only: This-Layer-Started (open the device unless it is
 * up, connecting or a redial is pending), This-Layer-Finished (close the
 * device) and every LCP state change (mirror in l->lcp_state; a link
 * marked to die is destroyed once LCP is Initial and the device down).
 */
void	link_lcp_start(struct link *l);
void	link_lcp_finish(struct link *l);
void	link_lcp_state(struct link *l, enum fsm_state st);

/* Commands (link.c). */
int	link_cmd_create(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	link_cmd_destroy(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	link_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	link_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_LINK_H */
