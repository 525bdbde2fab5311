/*
 * iface_run.c - the interface layer at run time (surface spec 4.4.2, 5.2,
 * 9.1, 10.5; mpd5 manual "Interface layer").
 *
 * Each non-template bundle owns one system interface (ngN, made by the
 * data-plane backend, dp/).  This file brings it up and down as the NCPs
 * open and close: MTU per the rules of `set iface mtu` and the AAA
 * Framed-MTU, addresses (negotiated, or forced with `set iface addrs !a
 * !b`), proxy-ARP, static and AAA routes, the up/down scripts with
 * exactly mpd5's arguments, idle and session timeouts, the interface
 * description, `set iface name`, tcpmssfix (in the data plane) and
 * dial-on-demand.
 *
 * Kernel work goes through sys/netif (rtnetlink) and the dp_ops table;
 * scripts run as child processes (core/proc) so the loop never waits for
 * them.  A consequence: a down-script is started before the routes and
 * the address are removed, as in mpd5, but it may still be running when
 * they are gone.
 *
 * Logging: LG_IFACE for events ("[B1] IFACE: Up event"), LG_IFACE2 for
 * each kernel change and script command line.
 */
#include "iface.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "../auth/acct.h"
#include "../auth/auth.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/msg.h"
#include "../core/proc.h"
#include "../ctl/ctl.h"
#include "../dp/dp.h"
#include "../dp/ippkt.h"
#include "../link/devices.h"
#include "../sys/netif.h"
#include "bund.h"
#include "fsm.h"
#include "ipcp.h"
#include "ipv6cp.h"
#include "link.h"

/* Idle timeouts are checked in this many sub-periods (spec 10.5). */
#define IFACE_IDLE_SPLIT	4
/* Longest timeout we arm (ms must fit 32 bits). */
#define IFACE_MAX_TIMEOUT	4000000
/* A cached demand packet older than this is not sent (ms). */
#define IFACE_DOD_CACHE_MS	30000
/* Minimum gap between two dial attempts triggered by traffic (ms). */
#define IFACE_DOD_REDIAL_MS	1000
/* Scripts are killed after this long. */
#define IFACE_SCRIPT_MS		300000
/* Longest shell command line for a script. */
#define IFACE_SCRIPT_MAX	2048
/* Other ngN names tried when the kernel already has ours. */
#define IFACE_NAME_TRIES	64

/* A route installed in the kernel. */
struct iface_rt {
	struct u_range		 dst;
	bool			 aaa;
	struct iface_rt		*next;
};

/*
 * Arguments shared by every script: authname, peer-addr, filter-id.
 * Taken when a protocol comes up and reused for its down-script, when
 * the link may already be gone.
 */
struct iface_script_ctx {
	char	authname[64];
	char	peer_addr[128];
	char	filter_id[64];
};

/* Private run-time state of b->iface (see iface.h). */
struct iface_run {
	struct bund		*b;
	char			 kname[IFNAMSIZ];	/* name in the kernel */
	struct timer		 idle_timer;
	struct timer		 session_timer;
	uint64_t		 idle_last;		/* packets at last check */
	int			 idle_quiet;		/* quiet sub-periods */
	bool			 ip4, ip6;		/* protocol is up */
	long			 up_proc4, up_proc6;	/* pending up-scripts */
	/* what is installed, so exactly that is removed */
	bool			 addr4_on;
	struct u_range		 addr4_self;
	struct u_addr		 addr4_peer;
	bool			 addr6_on;
	struct u_addr		 addr6_self;
	int			 proxy_ifindex;		/* 0: none */
	struct u_addr		 proxy_ip;
	struct iface_rt		*routes;
	char			 alias[256];		/* description set */
	char			 group[IFNAMSIZ];	/* group name applied */
	struct iface_script_ctx	 sctx4, sctx6;		/* script arguments */
	/* dial-on-demand */
	struct mbuf		*dod_pkt;
	uint64_t		 dod_pkt_ms;
	uint64_t		 dod_dial_ms;
};

static const char *
iface_bname(const struct bund *b)
{
	return b->name[0] != '\0' ? b->name : b->iface.ifname;
}

static int
iface_ifindex(const struct bund *b)
{
	if (b->dp == NULL || b->dp_state == NULL)
		return 0;
	return b->dp->ifindex(b);
}

/* The link that created the session (for MRU, AAA, peer address). */
static const struct link *
iface_link(const struct bund *b)
{
	int i;

	if (b->first_link != NULL)
		return b->first_link;
	for (i = 0; i < MAX_LINKS_PER_BUND; i++)
		if (b->links[i] != NULL)
			return b->links[i];
	return NULL;
}

static const struct auth_data *
iface_aaa(const struct bund *b)
{
	const struct link *l = iface_link(b);

	return l != NULL ? auth_result(l) : NULL;
}

/* ---- MTU ---- */

int
iface_mtu_rule(int negotiated, int max_mtu, int override, int aaa_mtu)
{
	int mtu;

	if (override > 0) {
		mtu = override;
	} else {
		mtu = negotiated > 0 ? negotiated : IFACE_DEFAULT_MTU;
		if (max_mtu > 0 && mtu > max_mtu)
			mtu = max_mtu;
	}
	if (aaa_mtu > 0 && mtu > aaa_mtu)
		mtu = aaa_mtu;
	if (mtu < 68)
		mtu = 68;
	if (mtu > 65535)
		mtu = 65535;
	return mtu;
}

/* MTU for a session: the peer's MRU (MRRU with multilink). */
static int
iface_session_mtu(const struct bund *b)
{
	const struct iface_conf *c = &b->iface_conf;
	const struct auth_data *ad = iface_aaa(b);
	const struct link *l = iface_link(b);
	int neg = 0, mtu;

	if (b->peer_mrru != 0)
		neg = b->peer_mrru;
	else if (l != NULL)
		neg = l->lcp.peer.mru;
	mtu = iface_mtu_rule(neg, c->max_mtu, c->mtu_override,
	    ad != NULL ? ad->mtu : 0);
	/* room for the CCP/ECP framing (mpd5 subtracts it the same way) */
	mtu -= ccp_mtu_overhead(b);
	return mtu < 68 ? 68 : mtu;
}


static void
iface_apply_mtu(struct bund *b, int mtu)
{
	int idx = iface_ifindex(b);

	b->iface.mtu = mtu;
	if (b->dp != NULL)
		b->dp->config(b, mtu, opt_enabled(&b->iface_conf.options,
		    IFACE_OPT_TCPMSSFIX));
	if (idx <= 0)
		return;
	log_msg(LG_IFACE2, "[%s] IFACE: Set MTU to %d bytes", b->name, mtu);
	if (netif_set_mtu(idx, mtu) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't set MTU of %s to %d",
		    b->name, b->iface.ifname, mtu);
}

void
iface_update_mtu(struct bund *b)
{
	if (b->iface.up && !b->iface.dod)
		iface_apply_mtu(b, iface_session_mtu(b));
}

/* ---- name and description ---- */

static void iface_update_descr(struct bund *b);

int
iface_rename(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;

	if (r == NULL || b->dp == NULL || b->dp_state == NULL ||
	    st->ifname[0] == '\0' || strcmp(r->kname, st->ifname) == 0)
		return 0;
	if (b->dp->rename(b, st->ifname) < 0) {
		/* Older kernels rename only a down interface: later. */
		if (errno == EBUSY && st->up) {
			log_msg(LG_IFACE2, "[%s] IFACE: Rename of %s to %s "
			    "waits until the interface is down", b->name,
			    r->kname, st->ifname);
			return 0;
		}
		log_perr(LG_ERR, "[%s] IFACE: can't rename interface %s to %s",
		    b->name, r->kname, st->ifname);
		util_strlcpy(st->ifname, r->kname, sizeof(st->ifname));
		return -1;
	}
	log_msg(LG_IFACE, "[%s] IFACE: Rename interface %s to %s", b->name,
	    r->kname, st->ifname);
	util_strlcpy(r->kname, st->ifname, sizeof(r->kname));
	iface_update_descr(b);	/* %I may have changed */
	return 0;
}

static void iface_update_group(struct bund *b);

/* Set IFLA_IFALIAS to the expanded description when it changed. */
static void
iface_update_descr(struct bund *b)
{
	struct iface_run *r = b->iface.run;
	const struct auth_data *ad = NULL;
	char buf[256];
	int idx = iface_ifindex(b);

	if (r == NULL || idx <= 0)
		return;
	iface_update_group(b);		/* same moments as the description */
	if (b->iface.up && !b->iface.dod)
		ad = iface_aaa(b);
	buf[0] = '\0';
	if (ad != NULL && ad->iface_descr[0] != '\0')
		iface_descr_expand(b, ad->iface_descr, buf, sizeof(buf));
	else if (b->iface_conf.descr != NULL)
		iface_descr_expand(b, b->iface_conf.descr, buf, sizeof(buf));
	if (strcmp(buf, r->alias) == 0)
		return;
	log_msg(LG_IFACE2, "[%s] IFACE: Set description \"%s\"", b->name,
	    buf);
	if (netif_set_alias(idx, buf) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't set description of %s",
		    b->name, b->iface.ifname);
	else
		util_strlcpy(r->alias, buf, sizeof(r->alias));
}

void
iface_conf_changed(struct bund *b)
{
	iface_update_descr(b);
}

/*
 * `set iface group` (or the AAA group): FreeBSD interface groups are
 * names; Linux groups are numbers, named in iproute2's group file, so a
 * name is mapped through that file (or taken as a number).
 */
static void
iface_update_group(struct bund *b)
{
	struct iface_run *r = b->iface.run;
	const struct auth_data *ad = NULL;
	const char *name;
	uint32_t num;
	int idx = iface_ifindex(b);

	if (r == NULL || idx <= 0)
		return;
	if (b->iface.up && !b->iface.dod)
		ad = iface_aaa(b);
	name = ad != NULL && ad->iface_group[0] != '\0' ? ad->iface_group :
	    b->iface_conf.group;
	if (strcmp(name, r->group) == 0)
		return;
	util_strlcpy(r->group, name, sizeof(r->group));
	if (*name == '\0')
		num = 0;		/* the default group */
	else if (netif_group_number(name, "/etc/iproute2/group", &num) < 0 &&
	    netif_group_number(name, "/usr/share/iproute2/group", &num) < 0) {
		log_printf(LG_ERR, "[%s] IFACE: group \"%s\" is not a number "
		    "nor named in /etc/iproute2/group", b->name, name);
		return;
	}
	log_msg(LG_IFACE2, "[%s] IFACE: Set group %s (%u)", b->name, name,
	    num);
	if (netif_set_group(idx, num) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't set group of %s", b->name,
		    b->iface.ifname);
}

/* ---- addresses, proxy-ARP, routes ---- */

static int
iface_addr4_add(struct bund *b, const struct u_range *self,
    const struct u_addr *peer)
{
	struct iface_run *r = b->iface.run;
	char s1[64], s2[64];
	unsigned width = self->width ? self->width : 32;
	int idx = iface_ifindex(b);

	if (idx <= 0 || self->addr.family != AF_INET)
		return -1;
	log_msg(LG_IFACE2, "[%s] IFACE: Add address %s -> %s on %s", b->name,
	    u_range_print(self, s1, sizeof(s1)),
	    u_addr_print(peer, s2, sizeof(s2)), b->iface.ifname);
	if (netif_addr_add(idx, &self->addr,
	    peer->family == AF_INET ? peer : NULL, width, 0) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't add address %s to %s",
		    b->name, s1, b->iface.ifname);
		return -1;
	}
	r->addr4_on = true;
	r->addr4_self = *self;
	r->addr4_self.width = (uint8_t)width;
	r->addr4_peer = *peer;
	return 0;
}

static void
iface_addr4_del(struct bund *b)
{
	struct iface_run *r = b->iface.run;
	char s1[64];
	int idx = iface_ifindex(b);

	if (!r->addr4_on)
		return;
	r->addr4_on = false;
	if (idx <= 0)
		return;
	log_msg(LG_IFACE2, "[%s] IFACE: Remove address %s from %s", b->name,
	    u_range_print(&r->addr4_self, s1, sizeof(s1)), b->iface.ifname);
	if (netif_addr_del(idx, &r->addr4_self.addr,
	    r->addr4_peer.family == AF_INET ? &r->addr4_peer : NULL,
	    r->addr4_self.width) < 0 && errno != EADDRNOTAVAIL)
		log_perr(LG_ERR, "[%s] IFACE: can't remove address %s",
		    b->name, s1);
}

static int
iface_addr6_add(struct bund *b, const struct u_addr *self)
{
	struct iface_run *r = b->iface.run;
	char s1[64];
	int idx = iface_ifindex(b);

	if (idx <= 0 || self->family != AF_INET6)
		return -1;
	/* the data plane created the interface with IPv6 off */
	if (netif_set_ipv6(b->iface.ifname, true) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't enable IPv6 on %s",
		    b->name, b->iface.ifname);
	log_msg(LG_IFACE2, "[%s] IFACE: Add address %s/64 on %s", b->name,
	    u_addr_print(self, s1, sizeof(s1)), b->iface.ifname);
	/* No duplicate address detection: the link has two ends only. */
	if (netif_addr_add(idx, self, NULL, 64, IFA_F_NODAD) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't add address %s to %s",
		    b->name, s1, b->iface.ifname);
		return -1;
	}
	r->addr6_on = true;
	r->addr6_self = *self;
	return 0;
}

static void
iface_addr6_del(struct bund *b)
{
	struct iface_run *r = b->iface.run;
	char s1[64];
	int idx = iface_ifindex(b);

	if (!r->addr6_on)
		return;
	r->addr6_on = false;
	if (idx <= 0)
		return;
	log_msg(LG_IFACE2, "[%s] IFACE: Remove address %s from %s", b->name,
	    u_addr_print(&r->addr6_self, s1, sizeof(s1)), b->iface.ifname);
	if (netif_addr_del(idx, &r->addr6_self, NULL, 64) < 0 &&
	    errno != EADDRNOTAVAIL)
		log_perr(LG_ERR, "[%s] IFACE: can't remove address %s",
		    b->name, s1);
}

static void
iface_proxy_add(struct bund *b, const struct u_addr *peer)
{
	struct iface_run *r = b->iface.run;
	char s1[64];
	int lan;

	if (!opt_enabled(&b->iface_conf.options, IFACE_OPT_PROXY_ARP) ||
	    peer->family != AF_INET || r->proxy_ifindex != 0)
		return;
	u_addr_print(peer, s1, sizeof(s1));
	lan = netif_find_lan(peer, iface_ifindex(b));
	if (lan <= 0) {
		log_msg(LG_IFACE, "[%s] IFACE: No LAN interface for "
		    "proxy-ARP of %s", b->name, s1);
		return;
	}
	log_msg(LG_IFACE2, "[%s] IFACE: Add proxy-ARP entry for %s",
	    b->name, s1);
	if (netif_proxy_add(lan, peer) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't add proxy-ARP entry for %s",
		    b->name, s1);
		return;
	}
	r->proxy_ifindex = lan;
	r->proxy_ip = *peer;
}

static void
iface_proxy_del(struct bund *b)
{
	struct iface_run *r = b->iface.run;
	char s1[64];

	if (r->proxy_ifindex == 0)
		return;
	u_addr_print(&r->proxy_ip, s1, sizeof(s1));
	log_msg(LG_IFACE2, "[%s] IFACE: Remove proxy-ARP entry for %s",
	    b->name, s1);
	if (netif_proxy_del(r->proxy_ifindex, &r->proxy_ip) < 0 &&
	    errno != ENOENT && errno != ENODEV)
		log_perr(LG_ERR, "[%s] IFACE: can't remove proxy-ARP entry "
		    "for %s", b->name, s1);
	r->proxy_ifindex = 0;
}

static void
iface_route_add(struct bund *b, const struct u_range *dst, bool aaa)
{
	struct iface_run *r = b->iface.run;
	struct iface_rt *rt;
	char s1[64];
	int idx = iface_ifindex(b);

	if (idx <= 0)
		return;
	for (rt = r->routes; rt != NULL; rt = rt->next)
		if (memcmp(&rt->dst, dst, sizeof(*dst)) == 0)
			return;
	u_range_print(dst, s1, sizeof(s1));
	log_msg(LG_IFACE2, "[%s] IFACE: Add route %s via %s", b->name, s1,
	    b->iface.ifname);
	if (netif_route_add(idx, dst) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't add route %s", b->name,
		    s1);
		return;
	}
	rt = mem_alloc("iface", sizeof(*rt));
	rt->dst = *dst;
	rt->aaa = aaa;
	rt->next = r->routes;
	r->routes = rt;
}

/* Add the static routes of one family, then the AAA ones. */
static void
iface_routes_add(struct bund *b, int family)
{
	const struct iface_route *cr;
	const struct auth_data *ad;
	struct u_range dst;
	int i;

	/* `set iface route` keeps them newest first; add in config order. */
	for (i = 0;; i++) {
		int k = 0;

		for (cr = b->iface_conf.routes; cr != NULL; cr = cr->next)
			k++;
		if (i >= k)
			break;
		for (cr = b->iface_conf.routes; k - 1 > i; k--)
			cr = cr->next;
		dst = cr->dest;
		if (dst.addr.family == family)
			iface_route_add(b, &dst, false);
	}
	/* No session in demand state: no AAA result either. */
	if (b->iface.dod || (ad = iface_aaa(b)) == NULL)
		return;
	for (i = 0; i < ad->nroutes && i < AUTH_MAX_ROUTES; i++)
		if (ad->routes[i].addr.family == family)
			iface_route_add(b, &ad->routes[i], true);
}

/* Remove the installed routes of one family. */
static void
iface_routes_del(struct bund *b, int family)
{
	struct iface_run *r = b->iface.run;
	struct iface_rt **pp, *rt;
	char s1[64];
	int idx = iface_ifindex(b);

	for (pp = &r->routes; (rt = *pp) != NULL;) {
		if (rt->dst.addr.family != family) {
			pp = &rt->next;
			continue;
		}
		*pp = rt->next;
		u_range_print(&rt->dst, s1, sizeof(s1));
		log_msg(LG_IFACE2, "[%s] IFACE: Remove route %s", b->name, s1);
		/* The kernel may have dropped it already (address gone). */
		if (idx > 0 && netif_route_del(idx, &rt->dst) < 0 &&
		    errno != ESRCH && errno != ENOENT)
			log_perr(LG_ERR, "[%s] IFACE: can't remove route %s",
			    b->name, s1);
		mem_free(rt);
	}
}

void
iface_show_aaa_routes(struct cmd_ctx *ctx, const struct bund *b)
{
	const struct iface_run *r = b->iface.run;
	const struct iface_rt *rt;
	const struct iface_rt *list[AUTH_MAX_ROUTES * 2];
	char buf[64];
	int n = 0;

	if (r == NULL)
		return;
	/* The list is newest first; print in the order they were added. */
	for (rt = r->routes; rt != NULL; rt = rt->next)
		if (rt->aaa && n < (int)(sizeof(list) / sizeof(list[0])))
			list[n++] = rt;
	while (n-- > 0)
		cmd_printf(ctx, "\t%s\n",
		    u_range_print(&list[n]->dst, buf, sizeof(buf)));
}

/* ---- scripts (spec 9.1) ---- */

/* Fail an NCP as mpd5 does (FAIL_NEGOT_FAILURE), e.g. for an up-script. */
static void
iface_fail_ncp(struct bund *b, int family)
{
	if (family == AF_INET && b->ipcp != NULL)
		fsm_failure(&b->ipcp->fsm, FSM_FAIL_NEGOT_FAILURE);
	else if (family == AF_INET6 && b->ipv6cp != NULL)
		fsm_failure(&b->ipv6cp->fsm, FSM_FAIL_NEGOT_FAILURE);
	else
		bund_close(b, "up-script failed");
}

static void
iface_up_done(struct bund *b, int family, int status)
{
	if (status == 0) {
		log_msg(LG_IFACE2, "[%s] IFACE: %s up-script done", b->name,
		    family == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	if (status == -1)
		log_msg(LG_ERR, "[%s] IFACE: up-script could not be run, "
		    "closing %s", b->name,
		    family == AF_INET ? "IPCP" : "IPV6CP");
	else if (WIFEXITED(status))
		log_msg(LG_ERR, "[%s] IFACE: up-script failed with status %d, "
		    "closing %s", b->name, WEXITSTATUS(status),
		    family == AF_INET ? "IPCP" : "IPV6CP");
	else
		log_msg(LG_ERR, "[%s] IFACE: up-script killed by signal %d, "
		    "closing %s", b->name,
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		    family == AF_INET ? "IPCP" : "IPV6CP");
	iface_fail_ncp(b, family);
}

static void
iface_up4_done(void *arg, int status)
{
	struct bund *b = arg;

	if (b->iface.run != NULL)
		b->iface.run->up_proc4 = 0;
	iface_up_done(b, AF_INET, status);
}

static void
iface_up6_done(void *arg, int status)
{
	struct bund *b = arg;

	if (b->iface.run != NULL)
		b->iface.run->up_proc6 = 0;
	iface_up_done(b, AF_INET6, status);
}

/* Down-script results are ignored (spec 9.1). */
static void
iface_down_done(void *arg, int status)
{
	(void)arg;
	(void)status;
}

/*
 * Build "<script> <w1> ... <wn>" into buf: the script as configured (it
 * may carry its own arguments), then the words, those flagged in quoted
 * always single-quoted as mpd5 writes them, the others only when needed.
 */
static int
iface_script_line(char *buf, size_t len, const char *script,
    const char *const words[], const bool quoted[], int n)
{
	int i;

	if (util_strlcpy(buf, script, len) >= len)
		return -1;
	for (i = 0; i < n; i++)
		if (proc_sh_append(buf, len, words[i], quoted[i]) < 0)
			return -1;
	return 0;
}

/* Start a script; done/arg as proc_run.  Returns the handle or 0. */
static long
iface_script_run(struct bund *b, const char *line, proc_done_fn *done,
    void *arg)
{
	const char *argv[] = { "/bin/sh", "-c", line, NULL };
	long h;

	log_msg(LG_IFACE2, "[%s] IFACE: exec: %s", b->name, line);
	h = proc_run(argv, IFACE_SCRIPT_MS, done, arg);
	return h > 0 ? h : 0;
}

static void
iface_script_ctx_fill(const struct bund *b, struct iface_script_ctx *x)
{
	const struct auth_data *ad = iface_aaa(b);
	const struct link *l = iface_link(b);

	snprintf(x->authname, sizeof(x->authname), "%s",
	    b->peer_authname[0] != '\0' ? b->peer_authname :
	    (ad != NULL && ad->authname[0] != '\0' ? ad->authname : "-"));
	x->peer_addr[0] = '\0';
	if (l != NULL)
		phys_peer_addr(l, x->peer_addr, sizeof(x->peer_addr));
	if (x->peer_addr[0] == '\0')
		snprintf(x->peer_addr, sizeof(x->peer_addr), "-");
	snprintf(x->filter_id, sizeof(x->filter_id), "%s",
	    ad != NULL && ad->filter_id[0] != '\0' ? ad->filter_id : "-");
}

/*
 * IPv4: "<script> <iface> inet <self>/<w> <peer> '<authname>' '<dns1 ip>'
 * '<dns2 ip>' '<peer-addr>' '<filter-id>'" when up, without the DNS words
 * when down.
 */
static long
iface_script4(struct bund *b, bool up)
{
	const char *script = up ? b->iface_conf.up_script :
	    b->iface_conf.down_script;
	struct iface_run *r = b->iface.run;
	const struct iface_script_ctx *x = &r->sctx4;
	char self[64], peer[64], dns[2][32], line[IFACE_SCRIPT_MAX];
	const char *words[9];
	bool quoted[9];
	int n = 0, i;

	if (script == NULL || script[0] == '\0')
		return 0;
	u_range_print(&b->iface.self_addr, self, sizeof(self));
	u_addr_print(&b->iface.peer_addr, peer, sizeof(peer));
	words[n] = b->iface.ifname, quoted[n++] = false;
	words[n] = "inet", quoted[n++] = false;
	words[n] = self, quoted[n++] = false;
	words[n] = peer, quoted[n++] = false;
	words[n] = x->authname, quoted[n++] = true;
	if (up) {
		for (i = 0; i < 2; i++) {
			dns[i][0] = '\0';
			if (b->ipcp != NULL &&
			    b->ipcp->want_dns[i].s_addr != 0) {
				char a[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &b->ipcp->want_dns[i], a,
				    sizeof(a));
				snprintf(dns[i], sizeof(dns[i]), "dns%d %s",
				    i + 1, a);
			}
			words[n] = dns[i], quoted[n++] = true;
		}
	}
	words[n] = x->peer_addr, quoted[n++] = true;
	words[n] = x->filter_id, quoted[n++] = true;
	if (iface_script_line(line, sizeof(line), script, words, quoted,
	    n) < 0) {
		log_msg(LG_ERR, "[%s] IFACE: %s-script command too long",
		    b->name, up ? "up" : "down");
		return up ? -1 : 0;
	}
	return iface_script_run(b, line, up ? iface_up4_done : iface_down_done,
	    up ? b : NULL);
}

/*
 * IPv6, up and down alike: "<script> <iface> inet6 <self>%<iface>
 * <peer>%<iface> '<authname>' '<peer-addr>' '<filter-id>'".
 */
static long
iface_script6(struct bund *b, bool up)
{
	const char *script = up ? b->iface_conf.up_script :
	    b->iface_conf.down_script;
	const struct iface_state *st = &b->iface;
	const struct iface_script_ctx *x = &st->run->sctx6;
	char a[INET6_ADDRSTRLEN], self[96], peer[96], line[IFACE_SCRIPT_MAX];
	const char *words[7];
	bool quoted[7];
	int n = 0;

	if (script == NULL || script[0] == '\0')
		return 0;
	snprintf(self, sizeof(self), "%s%%%s",
	    u_addr_print(&st->self_ipv6, a, sizeof(a)), st->ifname);
	snprintf(peer, sizeof(peer), "%s%%%s",
	    u_addr_print(&st->peer_ipv6, a, sizeof(a)), st->ifname);
	words[n] = st->ifname, quoted[n++] = false;
	words[n] = "inet6", quoted[n++] = false;
	words[n] = self, quoted[n++] = false;
	words[n] = peer, quoted[n++] = false;
	words[n] = x->authname, quoted[n++] = true;
	words[n] = x->peer_addr, quoted[n++] = true;
	words[n] = x->filter_id, quoted[n++] = true;
	if (iface_script_line(line, sizeof(line), script, words, quoted,
	    n) < 0) {
		log_msg(LG_ERR, "[%s] IFACE: %s-script command too long",
		    b->name, up ? "up" : "down");
		return up ? -1 : 0;
	}
	return iface_script_run(b, line, up ? iface_up6_done : iface_down_done,
	    up ? b : NULL);
}

/* ---- idle and session timeouts ---- */

static uint64_t
iface_packets(const struct bund *b)
{
	struct dp_stats s;

	if (b->dp == NULL)
		return 0;
	b->dp->stats(b, &s);
	return s.in_packets + s.out_packets;
}

static void
iface_idle_check(void *arg)
{
	struct bund *b = arg;
	struct iface_run *r = b->iface.run;
	uint64_t now = iface_packets(b);

	if (now != r->idle_last) {
		r->idle_last = now;
		r->idle_quiet = 0;
	} else if (++r->idle_quiet >= IFACE_IDLE_SPLIT) {
		log_msg(LG_IFACE, "[%s] IFACE: Idle timeout", b->name);
		bund_close(b, "Idle timeout");
		return;
	}
	timer_start(&r->idle_timer);
}

static void
iface_session_expired(void *arg)
{
	struct bund *b = arg;

	log_msg(LG_IFACE, "[%s] IFACE: Session timeout", b->name);
	bund_close(b, "Session timeout");
}

static void
iface_timers_start(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;
	int idle = st->aaa_idle ? st->aaa_idle : b->iface_conf.idle_timeout;
	int sess = st->aaa_session ? st->aaa_session :
	    b->iface_conf.session_timeout;

	if (idle > 0) {
		if (idle > IFACE_MAX_TIMEOUT)
			idle = IFACE_MAX_TIMEOUT;
		timer_init(&r->idle_timer, "Idle timer",
		    (uint32_t)idle * 1000 / IFACE_IDLE_SPLIT, iface_idle_check,
		    b);
		r->idle_last = iface_packets(b);
		r->idle_quiet = 0;
		timer_start(&r->idle_timer);
	}
	if (sess > 0) {
		if (sess > IFACE_MAX_TIMEOUT)
			sess = IFACE_MAX_TIMEOUT;
		timer_init(&r->session_timer, "Session timer",
		    (uint32_t)sess * 1000, iface_session_expired, b);
		timer_start(&r->session_timer);
	}
}

static void
iface_timers_stop(struct iface_run *r)
{
	timer_stop(&r->idle_timer);
	timer_stop(&r->session_timer);
}

/*
 * RADIUS CoA (radius helper): new AAA session / idle timeouts (-1 keeps
 * the old value), the timers restart from now (surface spec 9.5).
 */
void
iface_aaa_timers(struct bund *b, int session, int idle)
{
	struct iface_state *st = &b->iface;

	if (session >= 0)
		st->aaa_session = session;
	if (idle >= 0)
		st->aaa_idle = idle;
	if (st->run == NULL || !st->up)
		return;
	iface_timers_stop(st->run);
	iface_timers_start(b);
}

/* ---- dial-on-demand ---- */

static void
iface_dod_drop_cache(struct iface_run *r)
{
	if (r->dod_pkt != NULL)
		mb_free(r->dod_pkt);
	r->dod_pkt = NULL;
}

/* Configure the interface with `set iface addrs` and wait for traffic. */
static void
iface_dod_enter(struct bund *b)
{
	struct iface_state *st = &b->iface;
	const struct iface_conf *c = &b->iface_conf;
	int idx;

	st->dod = true;
	st->up = true;
	st->up_time = event_now_sec();
	(void)iface_rename(b);
	iface_apply_mtu(b, iface_mtu_rule(0, c->max_mtu, c->mtu_override, 0));
	if (!u_addr_empty(&c->self_addr.addr))
		(void)iface_addr4_add(b, &c->self_addr, &c->peer_addr.addr);
	if (!u_addr_empty(&c->self_ipv6))
		(void)iface_addr6_add(b, &c->self_ipv6);
	idx = iface_ifindex(b);
	if (idx > 0 && netif_set_up(idx, true) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't bring %s up", b->name,
		    st->ifname);
	iface_routes_add(b, AF_INET);
	iface_routes_add(b, AF_INET6);
	if (b->dp != NULL)
		b->dp->demand(b, true);
	iface_update_descr(b);
}

/* Undo the demand configuration; the interface stays up. */
static void
iface_dod_leave(struct bund *b)
{
	if (b->dp != NULL)
		b->dp->demand(b, false);
	iface_routes_del(b, AF_INET);
	iface_routes_del(b, AF_INET6);
	iface_addr4_del(b);
	iface_addr6_del(b);
	b->iface.dod = false;
}

/* Is any link of the bundle already connecting or up? */
static bool
iface_dod_busy(const struct bund *b)
{
	int i;

	if (b->n_up > 0)
		return true;
	for (i = 0; i < MAX_LINKS_PER_BUND; i++)
		if (b->links[i] != NULL &&
		    b->links[i]->state != PHYS_STATE_DOWN)
			return true;
	return false;
}

/*
 * Open the bundle as `open bund` does: the links of `set bundle links`
 * (template instances, attached to b) are opened by the bundle layer.
 */
static void
iface_dod_dial(struct bund *b)
{
	msg_send(&b->port, MSG_OPEN, b);
}

/* dp upcall: a packet the host sent while in demand state. */
static void
iface_dp_demand(struct bund *b, struct mbuf *m)
{
	struct iface_run *r = b->iface.run;
	uint64_t now = event_now_ms();

	if (r == NULL || !b->iface.dod || !b->iface.open ||
	    !ippkt_demand_qualifies(m->data, m->len)) {
		mb_free(m);
		return;
	}
	/* Keep the last triggering packet for after the connect. */
	iface_dod_drop_cache(r);
	r->dod_pkt = m;
	r->dod_pkt_ms = now;
	if (iface_dod_busy(b) ||
	    (r->dod_dial_ms != 0 && now - r->dod_dial_ms < IFACE_DOD_REDIAL_MS))
		return;
	r->dod_dial_ms = now;
	log_msg(LG_IFACE, "[%s] IFACE: Outgoing %s packet triggers demand "
	    "dial", b->name, (m->data[0] >> 4) == 6 ? "IPv6" : "IPv4");
	iface_dod_dial(b);
}

/* Send the cached packet of one IP version when it is fresh enough. */
static void
iface_dod_flush(struct bund *b, int version)
{
	struct iface_run *r = b->iface.run;
	const struct dp_upcalls *up = dp_upcalls();
	struct mbuf *m = r->dod_pkt;

	if (m == NULL || m->len == 0 || (m->data[0] >> 4) != version)
		return;
	r->dod_pkt = NULL;
	if (event_now_ms() - r->dod_pkt_ms > IFACE_DOD_CACHE_MS ||
	    up == NULL || up->output == NULL) {
		mb_free(m);
		return;
	}
	up->output(b, m);
}

/* ---- interface up / down ---- */

/* The first protocol came up: the interface carries a session. */
static void
iface_up_event(struct bund *b)
{
	struct iface_state *st = &b->iface;
	const struct auth_data *ad = iface_aaa(b);
	int idx;

	log_msg(LG_IFACE, "[%s] IFACE: Up event", b->name);
	if (st->dod)
		iface_dod_leave(b);
	else
		(void)iface_rename(b);
	st->aaa_idle = ad != NULL ? ad->idle_timeout : 0;
	st->aaa_session = ad != NULL ? ad->session_timeout : 0;
	iface_apply_mtu(b, iface_session_mtu(b));
	st->up = true;
	st->up_time = event_now_sec();
	idx = iface_ifindex(b);
	if (idx > 0 && netif_set_up(idx, true) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't bring %s up", b->name,
		    st->ifname);
	if (b->dp != NULL && b->dp_state != NULL && b->dp->start(b) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't start the data plane",
		    b->name);
	iface_timers_start(b);
	iface_update_descr(b);
	for (idx = 0; idx < MAX_LINKS_PER_BUND; idx++)	/* radius: acct */
		if (b->links[idx] != NULL &&
		    b->links[idx]->lcp.phase == PHASE_NETWORK)
			acct_link_up(b->links[idx]);
}

/* The last protocol went down. */
static void
iface_down_event(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;
	int idx = iface_ifindex(b);

	log_msg(LG_IFACE, "[%s] IFACE: Down event", b->name);
	iface_timers_stop(r);
	if (b->dp != NULL)
		b->dp->stop(b);
	iface_dod_drop_cache(r);
	st->aaa_idle = st->aaa_session = 0;
	if (st->open &&
	    opt_enabled(&b->iface_conf.options, IFACE_OPT_ONDEMAND)) {
		iface_dod_enter(b);
		return;
	}
	if (idx > 0 && netif_set_up(idx, false) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't bring %s down", b->name,
		    st->ifname);
	st->up = false;
	st->dod = false;
	(void)iface_rename(b);
	iface_update_descr(b);
}

void
iface_ip_up(struct bund *b)
{
	struct iface_state *st = &b->iface;
	const struct iface_conf *c = &b->iface_conf;
	struct iface_run *r = st->run;
	struct u_range self;
	struct u_addr peer;
	long h;

	if (r == NULL || r->ip4)
		return;
	if (!st->up || st->dod)
		iface_up_event(b);
	r->ip4 = true;
	/* Negotiated addresses (IPCP), unless `set iface addrs !a !b`. */
	self = st->self_addr;
	peer = st->peer_addr;
	if (self.addr.family != AF_INET && b->ipcp != NULL) {
		memset(&self, 0, sizeof(self));
		self.addr.family = AF_INET;
		self.addr.u.ip4 = b->ipcp->want_addr;
		self.width = 32;
		memset(&peer, 0, sizeof(peer));
		peer.family = AF_INET;
		peer.u.ip4 = b->ipcp->peer_addr;
	}
	if (c->self_addr_force && c->self_addr.addr.family == AF_INET)
		self = c->self_addr;
	if (c->peer_addr_force && c->peer_addr.addr.family == AF_INET)
		peer = c->peer_addr.addr;
	if (self.width == 0)
		self.width = 32;
	st->self_addr = self;
	st->peer_addr = peer;
	st->ip_up = true;
	iface_script_ctx_fill(b, &r->sctx4);

	/* Order of spec 9.1: address, proxy-ARP, routes, AAA routes, script. */
	if (iface_addr4_add(b, &self, &peer) < 0) {
		log_msg(LG_ERR, "[%s] IFACE: address setup failed, closing "
		    "IPCP", b->name);
		iface_fail_ncp(b, AF_INET);
		return;
	}
	iface_proxy_add(b, &peer);
	iface_routes_add(b, AF_INET);
	iface_update_descr(b);
	iface_dod_flush(b, 4);
	h = iface_script4(b, true);
	if (h < 0) {
		iface_fail_ncp(b, AF_INET);
		return;
	}
	r->up_proc4 = h;
}

void
iface_ip_down(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;

	if (r == NULL || !r->ip4)
		return;
	r->ip4 = false;
	if (r->up_proc4 != 0) {
		proc_cancel(r->up_proc4);
		r->up_proc4 = 0;
	}
	/* Order of spec 9.1: script, routes, proxy-ARP, address. */
	(void)iface_script4(b, false);
	iface_routes_del(b, AF_INET);
	iface_proxy_del(b);
	iface_addr4_del(b);
	st->ip_up = false;
	if (!r->ip6)
		iface_down_event(b);
	else
		iface_update_descr(b);
}

void
iface_ipv6_up(struct bund *b)
{
	struct iface_state *st = &b->iface;
	const struct iface_conf *c = &b->iface_conf;
	struct iface_run *r = st->run;
	long h;

	if (r == NULL || r->ip6)
		return;
	if (!st->up || st->dod)
		iface_up_event(b);
	r->ip6 = true;
	if (c->self_ipv6_force && c->self_ipv6.family == AF_INET6)
		st->self_ipv6 = c->self_ipv6;
	if (c->peer_ipv6_force && c->peer_ipv6.family == AF_INET6)
		st->peer_ipv6 = c->peer_ipv6;
	st->ipv6_up = true;
	iface_script_ctx_fill(b, &r->sctx6);
	if (st->self_ipv6.family == AF_INET6 &&
	    iface_addr6_add(b, &st->self_ipv6) < 0) {
		log_msg(LG_ERR, "[%s] IFACE: address setup failed, closing "
		    "IPV6CP", b->name);
		iface_fail_ncp(b, AF_INET6);
		return;
	}
	iface_routes_add(b, AF_INET6);
	iface_update_descr(b);
	iface_dod_flush(b, 6);
	h = iface_script6(b, true);
	if (h < 0) {
		iface_fail_ncp(b, AF_INET6);
		return;
	}
	r->up_proc6 = h;
}

void
iface_ipv6_down(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;

	if (r == NULL || !r->ip6)
		return;
	r->ip6 = false;
	if (r->up_proc6 != 0) {
		proc_cancel(r->up_proc6);
		r->up_proc6 = 0;
	}
	(void)iface_script6(b, false);
	iface_routes_del(b, AF_INET6);
	iface_addr6_del(b);
	st->ipv6_up = false;
	if (!r->ip4)
		iface_down_event(b);
	else
		iface_update_descr(b);
}

/* ---- open / close iface ---- */

void
iface_open(struct bund *b)
{
	struct iface_state *st = &b->iface;

	log_msg(LG_IFACE, "[%s] IFACE: Open event", b->name);
	if (!opt_enabled(&b->iface_conf.options, IFACE_OPT_ONDEMAND)) {
		log_msg(LG_ERR, "[%s] 'open iface' is useless without "
		    "on-demand enabled", b->name);
		return;
	}
	if (st->open)
		return;
	st->open = true;
	if (st->run != NULL && !st->up)
		iface_dod_enter(b);
}

void
iface_close(struct bund *b)
{
	struct iface_state *st = &b->iface;
	int idx = iface_ifindex(b);

	log_msg(LG_IFACE, "[%s] IFACE: Close event", b->name);
	if (!st->open)
		return;
	st->open = false;
	/* A running session goes on; a waiting interface goes down. */
	if (st->run == NULL || !st->dod)
		return;
	iface_dod_drop_cache(st->run);
	iface_dod_leave(b);
	if (idx > 0 && netif_set_up(idx, false) < 0)
		log_perr(LG_ERR, "[%s] IFACE: can't bring %s down", b->name,
		    st->ifname);
	st->up = false;
	iface_update_descr(b);
}

static int
iface_layer_hook(struct cmd_ctx *ctx, bool open)
{
	if (open)
		iface_open(ctx->bund);
	else
		iface_close(ctx->bund);
	return CMD_OK;
}

/* ---- kernel data plane upcalls (dp/kernel.c, dp_select) ---- */

/* The first joined link of b, or NULL. */
static struct link *
iface_dp_first_link(struct bund *b)
{
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] != NULL && (b->joined & (1u << k)))
			return b->links[k];
	return NULL;
}

/* A frame the kernel queued on the unit: protocol field first. */
static void
iface_dp_control(struct bund *b, struct mbuf *m)
{
	struct link *l = iface_dp_first_link(b);
	uint16_t proto;

	if (l == NULL || m->len < 2) {
		mb_free(m);
		return;
	}
	proto = (uint16_t)(m->data[0] << 8 | m->data[1]);
	mb_trim_head(m, 2);
	bund_input(l, proto, m);
}

static int
iface_dp_chans(struct bund *b, int *fds, int max)
{
	int k, n = 0;

	for (k = 0; k < MAX_LINKS_PER_BUND && n < max; k++)
		if (b->links[k] != NULL && (b->joined & (1u << k)))
			fds[n++] = phys_kernel_chan(b->links[k]);
	return n;
}

/*
 * The kernel can carry b: every link whose `set link action bundle`
 * names b (or b's template) is of a type with kernel channels.  What
 * CCP/ECP negotiate is judged later (iface_dp_fallback()).
 */
static bool
iface_dp_links_ok(const struct bund *b, char *why, size_t len)
{
	const char *name = b->parent != NULL ? b->parent->name : b->name;
	const struct link_action *a;
	const struct link *l;
	int i, n = 0;

	for (i = 1; i < g_nlinks; i++) {
		/*
		 * An instance has its template's type and actions: looking at
		 * templates only keeps this linear in configured links, not
		 * in sessions.
		 */
		if ((l = g_links[i]) == NULL || l->parent != NULL)
			continue;
		for (a = l->actions; a != NULL; a = a->next) {
			if (a->type != LINK_ACTION_BUNDLE ||
			    strcmp(a->arg, name) != 0)
				continue;
			if (l->type == NULL || l->type->kernel_chan == NULL) {
				snprintf(why, len, "link %s is %s", l->name,
				    l->type != NULL ? l->type->name : "untyped");
				return false;
			}
			/* its modules are missing (kernel_ok probe) */
			if (!phys_kernel_ok(l->type)) {
				snprintf(why, len, "no kernel %s", l->type->name);
				return false;
			}
			n++;
			break;
		}
	}
	if (n == 0) {
		snprintf(why, len, "no link names bundle %s", name);
		return false;
	}
	return true;
}

static const struct dp_upcalls iface_upcalls = {
	.output = bund_output,
	.demand = iface_dp_demand,
	.control = iface_dp_control,
	.chans = iface_dp_chans,
	.links_ok = iface_dp_links_ok,
	.plain_ok = ccp_plain_ok,
};

void
iface_layer_init(void)
{
	ctl_set_layer_hook("iface", iface_layer_hook);
	dp_set_upcalls(&iface_upcalls);
}

/* ---- data-plane fallback (kccp) ---- */

void
iface_dp_fallback(struct bund *b, const char *why)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;
	struct netif_link_set ls;
	bool ip4, ip6;
	int i;

	if (r == NULL || b->dp != &dp_kernel)
		return;
	log_msg(LG_IFACE, "[%s] IFACE: %s: %s moves to the tun data plane",
	    b->name, why, st->ifname);
	ip4 = r->ip4;
	ip6 = r->ip6;
	/* down as at the end of the session: scripts, routes, addresses */
	if (ip4)
		iface_ip_down(b);
	if (ip6)
		iface_ipv6_down(b);
	if (st->up && !st->dod)
		iface_down_event(b);
	b->dp->bund_destroy(b);		/* channels disconnected, name free */
	for (i = 0; i < MAX_LINKS_PER_BUND; i++)
		if (b->links[i] != NULL)
			phys_kernel_release(b->links[i]);
	b->dp = &dp_tun;
	snprintf(b->dp_why, sizeof(b->dp_why), "%s", why);
	if (b->dp->bund_create(b) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: can't create interface %s",
		    b->name, st->ifname);
		bund_close(b, "data plane fallback failed");
		return;
	}
	util_strlcpy(r->kname, st->ifname, sizeof(r->kname));
	netif_link_set_init(&ls);
	ls.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
	(void)netif_link_change(iface_ifindex(b), &ls);
	log_msg(LG_IFACE2, "[%s] IFACE: created interface %s (%s)", b->name,
	    st->ifname, b->dp->name);
	if (ip4)
		iface_ip_up(b);
	if (ip6)
		iface_ipv6_up(b);
}

/*
 * A bundle created before any link named it (a static bundle of a
 * client's configuration: `create bundle static` comes first) got tun in
 * auto mode, "no link names bundle".  When its first link joins on a
 * kernel channel and the interface is not in use, the bundle moves to
 * the kernel data plane: the TUN device is renamed out of the way (its
 * close completes in a closer thread) and a ppp unit takes the ngN name.
 */
void
iface_dp_promote(struct bund *b, const struct link *l)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;
	struct netif_link_set ls;
	char tmp[IFNAMSIZ];
	int idx;

	if (r == NULL || b->dp != &dp_tun || b->n_up != 0 || st->up ||
	    st->dod || r->ip4 || r->ip6 || dp_get_mode() != DP_MODE_AUTO ||
	    !dp_kernel_usable() || phys_kernel_chan(l) < 0 ||
	    dp_select(b) != &dp_kernel)
		return;
	idx = iface_ifindex(b);
	snprintf(tmp, sizeof(tmp), "mpdold%d", idx);
	if (idx <= 0 || netif_rename(idx, tmp) < 0) {
		log_perr(LG_IFACE2, "[%s] IFACE: %s stays on tun", b->name,
		    st->ifname);
		snprintf(b->dp_why, sizeof(b->dp_why), "TUN device busy");
		return;
	}
	b->dp->bund_destroy(b);
	b->dp = &dp_kernel;
	if (b->dp->bund_create(b) < 0) {
		log_perr(LG_ERR, "[%s] IFACE: no ppp unit for %s", b->name,
		    st->ifname);
		snprintf(b->dp_why, sizeof(b->dp_why), "ppp unit: %s",
		    strerror(errno));
		b->dp = &dp_tun;
		if (b->dp->bund_create(b) < 0) {
			log_perr(LG_ERR, "[%s] IFACE: can't create interface %s",
			    b->name, st->ifname);
			bund_close(b, "data plane change failed");
			return;
		}
	}
	util_strlcpy(r->kname, st->ifname, sizeof(r->kname));
	netif_link_set_init(&ls);
	ls.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
	(void)netif_link_change(iface_ifindex(b), &ls);
	iface_update_descr(b);
	log_msg(LG_IFACE, "[%s] IFACE: %s moves to the %s data plane",
	    b->name, st->ifname, b->dp->name);
}

/* ---- creation / destruction ---- */

/* Is ngN free among our bundles and in the kernel? */
static bool
iface_ngname_free(const struct bund *self, const char *name)
{
	int i;

	for (i = 1; i < g_nbunds; i++)
		if (g_bunds[i] != NULL && g_bunds[i] != self &&
		    (strcmp(g_bunds[i]->iface.ngname, name) == 0 ||
		    strcmp(g_bunds[i]->iface.ifname, name) == 0))
			return false;
	return netif_ifindex(name) == 0;
}

/* The ngN name is taken by another device: move to a free one. */
static bool
iface_next_ngname(struct bund *b)
{
	struct iface_state *st = &b->iface;
	char name[IFNAMSIZ];
	bool same = strcmp(st->ifname, st->ngname) == 0;
	int n, old, tries;

	if (!same || sscanf(st->ngname, "ng%d", &n) != 1)
		return false;
	for (tries = 0, old = n; tries < IFACE_NAME_TRIES; tries++) {
		snprintf(name, sizeof(name), "ng%d", ++n);
		if (iface_ngname_free(b, name) && bund_ng_claim(n)) {
			bund_ng_unclaim(old);
			util_strlcpy(st->ngname, name, sizeof(st->ngname));
			util_strlcpy(st->ifname, name, sizeof(st->ifname));
			return true;
		}
	}
	return false;
}

int
iface_create(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct netif_link_set ls;
	struct iface_run *r;
	int idx;

	if (b->tmpl || st->run != NULL)
		return 0;
	r = mem_alloc("iface", sizeof(*r));
	r->b = b;
	timer_init(&r->idle_timer, "Idle timer", 1000, iface_idle_check, b);
	timer_init(&r->session_timer, "Session timer", 1000,
	    iface_session_expired, b);
	st->run = r;
	b->dp = dp_select(b);
	while (b->dp->bund_create(b) < 0) {
		if ((errno == EBUSY || errno == EEXIST || errno == EINVAL) &&
		    iface_next_ngname(b))
			continue;
		log_perr(LG_ERR, "[%s] IFACE: can't create interface %s",
		    iface_bname(b), st->ifname);
		return -1;
	}
	util_strlcpy(r->kname, st->ifname, sizeof(r->kname));
	idx = iface_ifindex(b);
	/* IPv6CP decides the link-local address, not the kernel. */
	netif_link_set_init(&ls);
	ls.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
	if (netif_link_change(idx, &ls) < 0)
		log_perr(LG_IFACE2, "[%s] IFACE: IPv6 address generation "
		    "stays on for %s", iface_bname(b), st->ifname);
	log_msg(LG_IFACE2, "[%s] IFACE: created interface %s (%s)",
	    iface_bname(b), st->ifname, b->dp->name);
	iface_update_descr(b);	/* a template's description */
	return 0;
}

void
iface_destroy(struct bund *b)
{
	struct iface_state *st = &b->iface;
	struct iface_run *r = st->run;
	struct iface_rt *rt;

	if (r == NULL)
		return;
	if (r->up_proc4 != 0)
		proc_cancel(r->up_proc4);
	if (r->up_proc6 != 0)
		proc_cancel(r->up_proc6);
	iface_timers_stop(r);
	/* Outside the device: removed by hand.  The rest goes with it. */
	iface_proxy_del(b);
	iface_dod_drop_cache(r);
	while ((rt = r->routes) != NULL) {
		r->routes = rt->next;
		mem_free(rt);
	}
	if (b->dp != NULL)
		b->dp->bund_destroy(b);
	mem_free(r);
	st->run = NULL;
	st->up = st->dod = st->ip_up = st->ipv6_up = false;
}
