/*
 * iface.h - interface layer configuration and state of a bundle
 * (set iface / show iface, surface spec 4.4.2 and 5.2).
 */
#ifndef MPD_PPP_IFACE_H
#define MPD_PPP_IFACE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../core/defs.h"
#include "../core/util.h"
#include "../ctl/command.h"

enum iface_opt {
	IFACE_OPT_ONDEMAND, IFACE_OPT_PROXY_ARP, IFACE_OPT_KEEP_TIMEOUT,
	IFACE_OPT_TCPMSSFIX, IFACE_OPT_TEE, IFACE_OPT_NAT,
	IFACE_OPT_NETFLOW_IN, IFACE_OPT_NETFLOW_OUT, IFACE_OPT_NETFLOW_ONCE,
	IFACE_OPT_IPACCT,
};

struct iface_route {
	struct u_range		 dest;
	struct iface_route	*next;
};

/*
 * Configuration (set iface ...).  Owned pointers: descr, up_script,
 * down_script and the routes list; copy with iface_conf_copy() and
 * release with iface_conf_free(), never with a plain struct assignment.
 */
struct iface_conf {
	char			 name[IFNAMSIZ];	/* "" = ngN */
	char			*descr;			/* template */
	char			 group[IFNAMSIZ];
	int			 max_mtu;
	int			 mtu_override;
	int			 idle_timeout;
	int			 session_timeout;
	char			*up_script;
	char			*down_script;
	struct u_range		 self_addr, peer_addr;		/* IPv4 addrs */
	bool			 self_addr_force, peer_addr_force;
	struct u_addr		 self_ipv6, peer_ipv6;		/* IPv6 addrs */
	bool			 self_ipv6_force, peer_ipv6_force;
	struct iface_route	*routes;
	struct opt_set		 options;
};

struct iface_run;

/*
 * Run-time state.  Plain data except run, which iface_create() allocates
 * and iface_destroy() frees (timers, pending scripts, what was installed
 * in the kernel; private to iface_run.c).  up is true while the system
 * interface is up, also in dial-on-demand state, where dod is true too.
 */
struct iface_state {
	char			 ifname[IFNAMSIZ];	/* actual name */
	char			 ngname[IFNAMSIZ];	/* the ngN name */
	bool			 open;			/* admin */
	bool			 up;
	bool			 dod;
	int			 mtu;
	time_t			 up_time;		/* event_now_sec() */
	bool			 ip_up, ipv6_up;
	struct u_range		 self_addr;		/* IPv4 in use */
	struct u_addr		 peer_addr;
	struct u_addr		 self_ipv6, peer_ipv6;	/* link-local */
	int			 aaa_idle;		/* AAA overrides, */
	int			 aaa_session;		/* 0 = none */
	struct iface_run	*run;			/* iface_run.c */
};

struct bund;

/* Limits of `set iface mtu` (surface spec 4.4.2). */
#define IFACE_MIN_MTU		296
#define IFACE_MAX_MTU		65536
#define IFACE_DEFAULT_MTU	1500
/* Digits reserved for the instance index of a template's iface name. */
#define IFACE_INDEX_LEN		4

/*
 * Fill c with mpd5's defaults (no name, MTU 1500, no timeouts, every
 * option disabled).  c is overwritten without freeing what it held.
 */
void	iface_conf_defaults(struct iface_conf *c);
/*
 * Deep copy of src into dst (dst's old contents are not freed: call
 * iface_conf_free() first when dst held a configuration).  Used by
 * bund_inst() after copying a template.
 */
void	iface_conf_copy(struct iface_conf *dst, const struct iface_conf *src);
/*
 * Apply the template-instance naming rule to a copied configuration: a
 * configured name gets the bundle index appended ("web" -> "web12").
 */
void	iface_conf_inst(struct iface_conf *c, int index);
/* Free the owned pointers of c and leave it empty (idempotent). */
void	iface_conf_free(struct iface_conf *c);
/*
 * Expand a description template (`set iface description`, the %-escapes
 * of surface spec 4.4.2) for bundle b into buf (always terminated).
 * Returns buf.  Values that are not known yet expand to "-".
 */
char	*iface_descr_expand(const struct bund *b, const char *tmpl, char *buf,
	    size_t len);

/* `set iface ...` table and `show iface` (needs a current bundle). */
extern const struct cmdtab iface_set_cmds[];
int	iface_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

/* ---- run time (iface_run.c) ---- */

/*
 * Register the `open iface` / `close iface` layer hook and the data-plane
 * upcalls (packets from the interface go to bund_output()).  Called once
 * at start-up.
 */
void	iface_layer_init(void);
/*
 * Create the system interface of a non-template bundle (called at bundle
 * creation; templates are ignored): picks the data-plane backend
 * (b->dp, always set afterwards) and creates the device named
 * b->iface.ifname (ngN; another free ngN when that name is taken by
 * something else).  Returns 0, or -1 after logging when the device could
 * not be made (no /dev/net/tun, not root): the bundle still exists and
 * its sessions run without a data plane.
 */
int	iface_create(struct bund *b);
/*
 * Remove the device and everything installed outside it (proxy-ARP
 * entries), cancel timers and pending up-scripts; no down-script runs.
 * Called when the bundle is freed.  Idempotent.
 */
void	iface_destroy(struct bund *b);
/*
 * NCP notifications: IPCP / IPv6CP reached Opened (the negotiated
 * addresses are in b->iface.self_addr / peer_addr / self_ipv6 / peer_ipv6)
 * or left it.  The first protocol up brings the interface up (MTU, idle
 * and session timers); then per protocol, in the order of surface spec
 * 9.1: addresses, proxy-ARP, static routes, AAA routes, up-script.  Down:
 * down-script, routes, proxy-ARP, address; the last protocol down takes
 * the interface down, or back to dial-on-demand state.  A failing
 * up-script (non-zero exit) fails that NCP.  Calls for a protocol that is
 * already up (down) are ignored.
 */
void	iface_ip_up(struct bund *b);
void	iface_ip_down(struct bund *b);
void	iface_ipv6_up(struct bund *b);
void	iface_ipv6_down(struct bund *b);
/*
 * `open iface` / `close iface`: with `on-demand` enabled the interface is
 * configured with `set iface addrs` and waits for traffic; the first
 * qualifying outgoing packet opens the links of `set bundle links`.
 * Without on-demand, open only logs an error (mpd5 behaviour).
 */
void	iface_open(struct bund *b);
void	iface_close(struct bund *b);
/*
 * Give the kernel device the name in b->iface.ifname (`set iface name`).
 * The rename happens at once, or, on kernels that cannot rename an
 * interface that is up, the next time it goes down or up.  Returns 0 or
 * -1 (logged; ifname reverts to the kernel's name).
 */
int	iface_rename(struct bund *b);
/*
 * The interface MTU rule (spec 4.4.2): an override wins; otherwise the
 * negotiated MTU (0: 1500) capped by `set iface mtu`; an AAA Framed-MTU
 * (0: none) caps the result.  Clamped to what Linux accepts (68..65535).
 */
int	iface_mtu_rule(int negotiated, int max_mtu, int override, int aaa_mtu);
/* `show iface`: one "\t<dest/w>" line per installed AAA route. */
void	iface_show_aaa_routes(struct cmd_ctx *ctx, const struct bund *b);

/*
 * `set iface description` / `set iface group` changed: apply them to the
 * existing interface now (iface_run.c).
 */
void	iface_conf_changed(struct bund *b);
/*
 * RADIUS CoA: set the AAA session and idle timeouts of a live interface
 * (-1 keeps one) and restart both timers (iface_run.c).
 */
void	iface_aaa_timers(struct bund *b, int session, int idle);
/*
 * CCP/ECP came up or went down: re-apply the session MTU, which leaves
 * room for their framing (ccp_mtu_overhead()).  No-op while down.
 */
void	iface_update_mtu(struct bund *b);
/*
 * CCP/ECP negotiated what the kernel data plane can't do (or a kernel
 * request failed): move b from the ppp unit to a TUN device of the same
 * name, the addresses, routes and up state applied again (the up/down
 * scripts run again).  why is shown by `show iface`/`show bundle`.
 * Nothing if b is not on the kernel data plane.
 */
void	iface_dp_fallback(struct bund *b, const char *why);
/*
 * l is the first link to join b: if b got tun only because no link named
 * it when it was created (a static bundle) and l has a kernel channel,
 * move b's idle interface to the kernel data plane (auto mode).
 */
void	iface_dp_promote(struct bund *b, const struct link *l);

#endif /* MPD_PPP_IFACE_H */
