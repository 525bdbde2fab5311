/*
 * acct.c - session accounting (surface spec 4.5.2, 9.2, 9.3; RFC 2866,
 * RFC 2869 5.1-5.2 gigawords): Start when the interface of a link's
 * bundle comes up, Interim-Update every Acct-Interim-Interval (else `set
 * auth acct-update`) unless the update limits are not reached, Stop with
 * the terminate cause when the link leaves the Network phase.
 *
 * Records are snapshots taken on the loop and delivered in order by one
 * worker job at a time (radius-acct through radius.c).  A record no
 * server acknowledged stays at the head of the spool and is retried
 * every ACCT_SPOOL_RETRY_MS, so nothing is lost while every server is
 * down (only a daemon exit drops the spool; it is logged).  A failed
 * Start with acct-mandatory closes the link; mpd-drop-user in any
 * Accounting-Response closes it too.
 */
#include "acct.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/event.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/worker.h"
#include "../link/devices.h"
#include "../ppp/bund.h"
#include "../ppp/link.h"
#include "auth.h"
#include "auth_local.h"
#include "extauth.h"
#include "radius.h"
#include "radius_proto.h"

#define ACCT_SPOOL_RETRY_MS	3000
#define ACCT_SPOOL_MAX		20000	/* records kept while servers are down */

struct acct_sess {
	struct link	*l;
	int		 link_id;
	uint64_t	 serial;
	time_t		 start;		/* monotonic */
	uint64_t	 base_in_octets, base_in_frames;
	uint64_t	 base_out_octets, base_out_frames;
	uint64_t	 last_in, last_out;	/* octets at the last update */
	int		 interval;
	uint64_t	 lim_in, lim_out;
	void		*pam;		/* pam-acct session handle */
	struct timer	 interim;
	struct acct_sess *next;
};

struct acct_rec {
	int			 type;		/* RAD_ACCT_START ... */
	int			 link_id;
	uint64_t		 serial;
	char			 lnk[32];
	struct radius_snap	 snap;
	struct extauth_request	 x;		/* common link attributes */
	char			 user[64];
	char			 msession_id[32];
	char			 bundle[32];
	char			 iface[16];
	int			 iface_index;
	struct in_addr		 framed_ip, framed_mask;
	uint8_t			 class_[253];
	size_t			 class_len;
	bool			 radius_auth;
	int			 link_count;
	uint64_t		 in_octets, in_pkts, out_octets, out_pkts;
	uint32_t		 session_time;
	int			 term_cause;
	char			 term_reason[100];
	bool			 want_radius;
	bool			 want_ext;
	bool			 want_pam;
	bool			 want_sys;
	char			 pam_service[64];
	void			*pam;		/* START: opened; STOP: to close */
	char			 ext_script[128];
	unsigned		 ext_timeout_ms;
	bool			 mandatory;
	/* result */
	bool			 ok;		/* RADIUS answered (or none) */
	bool			 ext_failed;
	int			 drop_user;
	int			 tries;
	struct acct_rec		*next;
};

static struct acct_sess *acct_sessions;
static struct acct_rec *spool_head, **spool_tail = &spool_head;
static int spool_len;
static long spool_job;			/* > 0: the head is being sent */
static struct timer spool_timer;
static bool spool_timer_ready;

static void	acct_kick(void);

/* Acct-Terminate-Cause from the down reason (spec 9.3). */
int
acct_terminate_cause(const char *reason)
{
	static const struct {
		const char	*prefix;
		int		 cause;
	} map[] = {
		{ "Manual", 6 }, { "Peer disconnect", 1 },
		{ "Admin shutdown", 7 }, { "Fatal shutdown", 11 },
		{ "Idle timeout", 4 }, { "Session timeout", 5 },
		{ "Dropped", 2 }, { "Echo timeout", 3 },
		{ "Protocol error", 15 }, { "Login failed", 17 },
		{ "Decreased demand", 12 },
	};
	size_t i;

	if (reason == NULL || reason[0] == '\0')
		return 10;		/* NAS-Request */
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(reason, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].cause;
	return 8;			/* Port-Error */
}

static struct acct_sess *
acct_find(const struct link *l)
{
	struct acct_sess *s;

	for (s = acct_sessions; s != NULL; s = s->next)
		if (s->l == l && s->serial == l->serial)
			return s;
	return NULL;
}

static bool
acct_wanted(const struct link *l)
{
	return opt_enabled(&l->auth.options, AUTH_OPT_RADIUS_ACCT) ||
	    opt_enabled(&l->auth.options, AUTH_OPT_EXT_ACCT) ||
	    opt_enabled(&l->auth.options, AUTH_OPT_PAM_ACCT) ||
	    opt_enabled(&l->auth.options, AUTH_OPT_SYSTEM_ACCT);
}

/* Snapshot of the link for a record (loop thread). */
static struct acct_rec *
acct_rec_new(struct acct_sess *s, int type)
{
	struct link *l = s->l;
	struct bund *b = l->bund;
	const struct auth_data *ad = auth_result(l);
	struct acct_rec *r = mem_alloc("acct", sizeof(*r));
	struct extauth_request *x = &r->x;
	int i;

	r->type = type;
	r->link_id = l->id;
	r->serial = l->serial;
	util_strlcpy(r->lnk, l->name, sizeof(r->lnk));
	radius_snap_fill(&r->snap, l);
	auth_ext_link_fill(x, l);
	r->want_radius = opt_enabled(&l->auth.options, AUTH_OPT_RADIUS_ACCT);
	r->want_ext = opt_enabled(&l->auth.options, AUTH_OPT_EXT_ACCT);
	r->want_pam = opt_enabled(&l->auth.options, AUTH_OPT_PAM_ACCT);
	r->want_sys = opt_enabled(&l->auth.options, AUTH_OPT_SYSTEM_ACCT);
	util_strlcpy(r->pam_service, g_global.pam_service != NULL &&
	    g_global.pam_service[0] != '\0' ? g_global.pam_service : "mpd",
	    sizeof(r->pam_service));
	util_strlcpy(r->ext_script, l->auth.extacct_script,
	    sizeof(r->ext_script));
	r->ext_timeout_ms = (unsigned)(l->auth.timeout > 0 ? l->auth.timeout :
	    40) * 1000u;
	util_strlcpy(r->term_reason, l->down_reason, sizeof(r->term_reason));
	util_strlcpy(r->user, ad->authname[0] != '\0' ? ad->authname :
	    l->peer_authname, sizeof(r->user));
	r->class_len = ad->class_len;
	memcpy(r->class_, ad->class_, ad->class_len);
	r->radius_auth = ad->radius_auth;
	r->framed_mask = ad->framed_netmask;
	if (b != NULL) {
		util_strlcpy(r->msession_id, b->msession_id,
		    sizeof(r->msession_id));
		util_strlcpy(r->bundle, b->name, sizeof(r->bundle));
		util_strlcpy(r->iface, b->iface.ifname, sizeof(r->iface));
		r->iface_index = b->iface.ifname[0] != '\0' ?
		    (int)if_nametoindex(b->iface.ifname) : 0;
		if (b->ipcp != NULL)
			r->framed_ip = b->ipcp->peer_addr;
		for (i = 0; i < MAX_LINKS_PER_BUND; i++)
			if (b->links[i] != NULL &&
			    b->links[i]->lcp.phase == PHASE_NETWORK)
				r->link_count++;
	}
	if (r->link_count == 0)
		r->link_count = 1;
	r->in_octets = l->in_octets - s->base_in_octets;
	r->in_pkts = l->in_frames - s->base_in_frames;
	r->out_octets = l->out_octets - s->base_out_octets;
	r->out_pkts = l->out_frames - s->base_out_frames;
	r->session_time = (uint32_t)(event_now_sec() - s->start);
	r->term_cause = acct_terminate_cause(l->down_reason);
	r->mandatory = type == RAD_ACCT_START &&
	    opt_enabled(&l->auth.options, AUTH_OPT_ACCT_MANDATORY);
	return r;
}

static void
acct_rec_free(struct acct_rec *r)
{
	memset(r, 0, sizeof(*r));
	mem_free(r);
}

static void
acct_rec_cleanup(void *arg)
{
	acct_rec_free(arg);
}

/* Accounting-Request attributes (worker thread; r only). */
static int
acct_build(struct rad_pkt *p, const char *secret, void *arg)
{
	struct acct_rec *r = arg;

	rad_put_int(p, RAD_ACCT_STATUS_TYPE, (uint32_t)r->type);
	if (radius_put_common(p, &r->snap, &r->x) < 0)
		return -1;
	if (r->framed_ip.s_addr != 0)
		rad_put_addr(p, RAD_FRAMED_IP_ADDRESS, r->framed_ip);
	if (r->framed_mask.s_addr != 0)
		rad_put_addr(p, RAD_FRAMED_IP_NETMASK, r->framed_mask);
	if (r->user[0] != '\0')
		rad_put_str(p, RAD_USER_NAME, r->user);
	if (r->msession_id[0] != '\0')
		rad_put_str(p, RAD_ACCT_MULTI_SESSION_ID, r->msession_id);
	if (r->bundle[0] != '\0')
		rad_put_vsa_str(p, RAD_VENDOR_MPD, RAD_MPD_BUNDLE, r->bundle);
	if (r->iface[0] != '\0') {
		rad_put_vsa_str(p, RAD_VENDOR_MPD, RAD_MPD_IFACE, r->iface);
		rad_put_vsa_int(p, RAD_VENDOR_MPD, RAD_MPD_IFACE_INDEX,
		    (uint32_t)r->iface_index);
	}
	rad_put_int(p, RAD_ACCT_LINK_COUNT, (uint32_t)r->link_count);
	rad_put_int(p, RAD_ACCT_AUTHENTIC, r->radius_auth ? 1 : 2);
	if (r->class_len > 0)
		rad_put(p, RAD_CLASS, r->class_, r->class_len);
	if (r->type != RAD_ACCT_START) {
		rad_put_int(p, RAD_ACCT_SESSION_TIME, r->session_time);
		rad_put_int(p, RAD_ACCT_INPUT_OCTETS, (uint32_t)r->in_octets);
		rad_put_int(p, RAD_ACCT_INPUT_GIGAWORDS,
		    (uint32_t)(r->in_octets >> 32));
		rad_put_int(p, RAD_ACCT_INPUT_PACKETS, (uint32_t)r->in_pkts);
		rad_put_int(p, RAD_ACCT_OUTPUT_OCTETS,
		    (uint32_t)r->out_octets);
		rad_put_int(p, RAD_ACCT_OUTPUT_GIGAWORDS,
		    (uint32_t)(r->out_octets >> 32));
		rad_put_int(p, RAD_ACCT_OUTPUT_PACKETS,
		    (uint32_t)r->out_pkts);
	}
	if (r->type == RAD_ACCT_STOP)
		rad_put_int(p, RAD_ACCT_TERMINATE_CAUSE,
		    (uint32_t)r->term_cause);
	if (r->tries > 0)
		rad_put_int(p, RAD_ACCT_DELAY_TIME,
		    (uint32_t)(r->tries * ACCT_SPOOL_RETRY_MS / 1000));
	return p->overflow ? -1 : 0;
}

static const char *
acct_type_name(int t)
{
	return t == RAD_ACCT_START ? "START" : t == RAD_ACCT_STOP ? "STOP" :
	    "UPDATE";
}

/* Append "NAME:value" (value cut at a line break); false when full. */
static bool
ext_put(char *buf, size_t cap, size_t *o, const char *name, const char *val)
{
	int n = snprintf(buf + *o, cap - *o, "%s:%.*s\n", name,
	    (int)strcspn(val, "\r\n"), val);

	if (n < 0 || (size_t)n >= cap - *o)
		return false;
	*o += (size_t)n;
	return true;
}

/* The ext-acct request text (spec 9.2, in that order); 0 if too long. */
static size_t
acct_ext_request(const struct acct_rec *r, char *buf, size_t cap)
{
	const struct extauth_request *x = &r->x;
	char n1[24], n2[24], n3[24], ip[INET_ADDRSTRLEN];
	size_t o = 0;
	bool ok = true;

	snprintf(n1, sizeof(n1), "%d", r->iface_index);
	snprintf(n2, sizeof(n2), "%d", x->nas_port);
	snprintf(n3, sizeof(n3), "%d", r->link_count);
	inet_ntop(AF_INET, &r->framed_ip, ip, sizeof(ip));
	ok &= ext_put(buf, cap, &o, "ACCT_STATUS_TYPE",
	    acct_type_name(r->type));
	ok &= ext_put(buf, cap, &o, "ACCT_SESSION_ID", x->session_id);
	ok &= ext_put(buf, cap, &o, "ACCT_MULTI_SESSION_ID", r->msession_id);
	ok &= ext_put(buf, cap, &o, "USER_NAME", r->user);
	ok &= ext_put(buf, cap, &o, "IFACE", r->iface);
	ok &= ext_put(buf, cap, &o, "IFACE_INDEX", n1);
	ok &= ext_put(buf, cap, &o, "BUNDLE", r->bundle);
	ok &= ext_put(buf, cap, &o, "LINK", x->link);
	ok &= ext_put(buf, cap, &o, "NAS_PORT", n2);
	ok &= ext_put(buf, cap, &o, "NAS_PORT_TYPE", x->nas_port_type);
	ok &= ext_put(buf, cap, &o, "ACCT_LINK_COUNT", n3);
	ok &= ext_put(buf, cap, &o, "CALLING_STATION_ID", x->calling);
	ok &= ext_put(buf, cap, &o, "CALLED_STATION_ID", x->called);
	ok &= ext_put(buf, cap, &o, "SELF_NAME", x->self_name);
	ok &= ext_put(buf, cap, &o, "PEER_NAME", x->peer_name);
	ok &= ext_put(buf, cap, &o, "SELF_ADDR", x->self_addr);
	ok &= ext_put(buf, cap, &o, "PEER_ADDR", x->peer_addr);
	ok &= ext_put(buf, cap, &o, "PEER_PORT", x->peer_port);
	ok &= ext_put(buf, cap, &o, "PEER_MAC_ADDR", x->peer_mac);
	ok &= ext_put(buf, cap, &o, "PEER_IFACE", x->peer_iface);
	ok &= ext_put(buf, cap, &o, "PEER_IDENT", x->peer_ident);
	ok &= ext_put(buf, cap, &o, "FRAMED_IP_ADDRESS", ip);
	if (r->type == RAD_ACCT_STOP)
		ok &= ext_put(buf, cap, &o, "ACCT_TERMINATE_CAUSE",
		    r->term_reason);
	if (r->type != RAD_ACCT_START) {
		char v[24];

		snprintf(v, sizeof(v), "%u", r->session_time);
		ok &= ext_put(buf, cap, &o, "ACCT_SESSION_TIME", v);
		snprintf(v, sizeof(v), "%llu",
		    (unsigned long long)r->in_octets);
		ok &= ext_put(buf, cap, &o, "ACCT_INPUT_OCTETS", v);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)r->in_pkts);
		ok &= ext_put(buf, cap, &o, "ACCT_INPUT_PACKETS", v);
		snprintf(v, sizeof(v), "%llu",
		    (unsigned long long)r->out_octets);
		ok &= ext_put(buf, cap, &o, "ACCT_OUTPUT_OCTETS", v);
		snprintf(v, sizeof(v), "%llu",
		    (unsigned long long)r->out_pkts);
		ok &= ext_put(buf, cap, &o, "ACCT_OUTPUT_PACKETS", v);
	}
	if (!ok || o + 1 >= cap)
		return 0;
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}

/* ext-acct (worker thread): false when the script failed. */
static bool
acct_ext_run(struct acct_rec *r)
{
	char req[4096], *reply, *line, *save = NULL;
	size_t len;
	int n;

	if (r->ext_script[0] == '\0') {
		log_msg(LG_ERR, "[%s] Ext-acct: Script not specified!", r->lnk);
		return false;
	}
	len = acct_ext_request(r, req, sizeof(req));
	if (len == 0)
		return false;
	reply = malloc(EXTAUTH_MAX_REPLY + 1);
	if (reply == NULL)
		return false;
	n = extauth_exchange(r->ext_script, r->user, req, len,
	    r->ext_timeout_ms, reply, "acct", r->lnk);
	for (line = n >= 0 ? strtok_r(reply, "\n", &save) : NULL;
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "MPD_DROP_USER:", 14) == 0 &&
		    atoi(line + 14) != 0)
			r->drop_user = 1;
	}
	free(reply);
	return n >= 0;
}

/* Deliver one record (worker thread; r only). */
static void
acct_work(void *arg)
{
	struct acct_rec *r = arg;
	struct radius_answer *ans;
	struct rad_reply *y;
	bool ext_ok = true;
	int i;

	/* the script and PAM run once; RADIUS is retried from the spool */
	if (r->want_ext && r->tries == 0) {
		ext_ok = acct_ext_run(r);
		r->ext_failed = !ext_ok;
	}
	if (r->want_pam && r->tries == 0) {
		if (r->type == RAD_ACCT_START) {
			r->pam = pam_acct_open(r->pam_service, r->user,
			    r->x.peer_addr, r->lnk);
			if (r->pam == NULL)
				r->ext_failed = true;
		} else if (r->type == RAD_ACCT_STOP) {
			pam_acct_close(r->pam, r->lnk);
			r->pam = NULL;
		}
	}
	if (r->want_sys && r->tries == 0 && r->type != RAD_ACCT_UPDATE)
		sys_acct_record(r->type == RAD_ACCT_START, r->lnk, r->user,
		    r->x.peer_addr, r->lnk);
	if (!r->want_radius) {
		r->ok = true;		/* nothing to spool */
		return;
	}
	for (i = 0; i < r->snap.nservers; i++)
		if (r->snap.servers[i].acct_port != 0)
			break;
	if (i == r->snap.nservers && r->snap.config[0] == '\0') {
		/* a configuration error: spooling would block the rest */
		log_msg(LG_RADIUS, "[%s] RADIUS: no accounting server "
		    "configured, %s dropped", r->lnk, acct_type_name(r->type));
		r->ok = true;
		return;
	}
	ans = malloc(sizeof(*ans));
	y = malloc(sizeof(*y));
	if (ans == NULL || y == NULL)
		goto out;
	log_msg(LG_RADIUS, "[%s] RADIUS: Sending accounting %s for user "
	    "\"%s\"", r->lnk, acct_type_name(r->type), r->user);
	if (radius_send(&r->snap, RAD_ACCOUNTING_REQUEST, acct_build, r, ans,
	    r->lnk) < 0) {
		log_msg(LG_RADIUS, "[%s] RADIUS: accounting %s: no server "
		    "answered", r->lnk, acct_type_name(r->type));
		goto out;
	}
	r->ok = true;
	if (rad_parse_reply(ans->pkt, ans->len, ans->secret, ans->req_auth,
	    y) == 0 && y->mpd_drop_user != 0)
		r->drop_user = y->mpd_drop_user;
out:
	free(ans);
	free(y);
}

static void
acct_pam_close_work(void *arg)
{
	struct acct_rec *r = arg;

	pam_acct_close(r->pam, r->lnk);
	r->pam = NULL;
}

static void
acct_pam_close_done(void *arg)
{
	acct_rec_free(arg);
}

/*
 * A START opened a PAM session: the session keeps the handle for its
 * STOP, or the STOP already waiting in the spool takes it; failing both
 * (cannot happen: a session only goes away by queueing its STOP), a
 * worker closes it.
 */
static void
acct_pam_handoff(struct acct_rec *r)
{
	struct acct_sess *s;
	struct acct_rec *o, *c;

	for (s = acct_sessions; s != NULL; s = s->next)
		if (s->link_id == r->link_id && s->serial == r->serial) {
			s->pam = r->pam;
			r->pam = NULL;
			return;
		}
	for (o = r->next; o != NULL; o = o->next)
		if (o->type == RAD_ACCT_STOP && o->serial == r->serial &&
		    o->link_id == r->link_id) {
			o->pam = r->pam;
			r->pam = NULL;
			return;
		}
	c = mem_alloc("acct", sizeof(*c));
	util_strlcpy(c->lnk, r->lnk, sizeof(c->lnk));
	c->pam = r->pam;
	r->pam = NULL;
	if (worker_run(acct_pam_close_work, acct_pam_close_done, c) < 0)
		acct_rec_free(c);	/* the handle leaks; logged nowhere */
}

/* The head record came back (loop thread). */
static void
acct_done(void *arg)
{
	struct acct_rec *r = arg;
	struct link *l = link_by_id(r->link_id);

	spool_job = 0;
	if (l != NULL && l->serial != r->serial)
		l = NULL;
	if (r->pam != NULL)
		acct_pam_handoff(r);
	if (r->mandatory && (!r->ok || r->ext_failed) && l != NULL) {
		log_msg(LG_AUTH, "[%s] ACCT: Accounting START failed, closing "
		    "the link (acct-mandatory)", r->lnk);
		link_close(l, "Protocol error");
		r->mandatory = false;
	}
	if (!r->ok) {
		r->tries++;
		if (r->tries == 1) {
			radius_stats_acct(false);
			log_msg(LG_RADIUS, "[%s] RADIUS: accounting %s spooled "
			    "(%d waiting)", r->lnk, acct_type_name(r->type),
			    spool_len);
		}
		timer_start(&spool_timer);
		return;
	}
	if (r->tries > 0) {
		radius_stats_acct(true);
		log_msg(LG_RADIUS, "[%s] RADIUS: spooled accounting %s "
		    "delivered", r->lnk, acct_type_name(r->type));
	}
	if (r->drop_user != 0 && l != NULL) {
		log_msg(LG_RADIUS, "[%s] RADIUS: mpd-drop-user in accounting "
		    "response, closing the link", r->lnk);
		link_close(l, "Manual");
	}
	spool_head = r->next;
	if (spool_head == NULL)
		spool_tail = &spool_head;
	spool_len--;
	acct_rec_free(r);
	acct_kick();
}

static void
acct_spool_retry(void *arg)
{
	(void)arg;
	acct_kick();
}

/* Send the head record unless one is on its way or we wait to retry. */
static void
acct_kick(void)
{
	if (spool_job > 0 || spool_head == NULL ||
	    timer_running(&spool_timer))
		return;
	spool_job = worker_run(acct_work, acct_done, spool_head);
	if (spool_job < 0) {
		spool_job = 0;
		timer_start(&spool_timer);
	}
}

static void
acct_queue(struct acct_rec *r)
{
	if (!spool_timer_ready) {
		timer_init(&spool_timer, "AcctSpool", ACCT_SPOOL_RETRY_MS,
		    acct_spool_retry, NULL);
		spool_timer_ready = true;
	}
	/*
	 * While servers are down only the latest Interim-Update of a
	 * session matters: it replaces a waiting one (not the one a worker
	 * is sending).
	 */
	if (r->type == RAD_ACCT_UPDATE) {
		struct acct_rec *o;

		for (o = spool_head; o != NULL; o = o->next) {
			if (o == spool_head && spool_job > 0)
				continue;
			if (o->type == RAD_ACCT_UPDATE &&
			    o->serial == r->serial &&
			    o->link_id == r->link_id) {
				r->next = o->next;
				r->tries = o->tries;
				*o = *r;
				acct_rec_free(r);
				return;
			}
		}
	}
	if (spool_len >= ACCT_SPOOL_MAX) {
		log_msg(LG_ERR, "[%s] ACCT: spool full, record dropped",
		    r->lnk);
		acct_rec_free(r);
		return;
	}
	*spool_tail = r;
	spool_tail = &r->next;
	r->next = NULL;
	spool_len++;
	acct_kick();
}

static void
acct_interim(void *arg)
{
	struct acct_sess *s = arg, **pp;
	struct link *l = link_by_id(s->link_id);
	uint64_t din, dout;

	if (l != s->l || l->serial != s->serial) {
		/* the link went away without leaving the Network phase */
		for (pp = &acct_sessions; *pp != NULL; pp = &(*pp)->next)
			if (*pp == s) {
				*pp = s->next;
				break;
			}
		mem_free(s);
		return;
	}
	din = l->in_octets - s->last_in;
	dout = l->out_octets - s->last_out;
	timer_start(&s->interim);
	/* skipped only when both deltas are below their limits (spec) */
	if (s->lim_in > 0 && s->lim_out > 0 && din < s->lim_in &&
	    dout < s->lim_out)
		return;
	s->last_in = l->in_octets;
	s->last_out = l->out_octets;
	acct_queue(acct_rec_new(s, RAD_ACCT_UPDATE));
}

static void
acct_interim_arm(struct acct_sess *s)
{
	timer_stop(&s->interim);
	if (s->interval <= 0)
		return;
	timer_init(&s->interim, "AuthAcctUpdate",
	    (uint32_t)s->interval * 1000u, acct_interim, s);
	timer_start(&s->interim);
}

void
acct_link_up(struct link *l)
{
	const struct auth_data *ad;
	struct acct_sess *s;

	if (!acct_wanted(l) || acct_find(l) != NULL)
		return;
	ad = auth_result(l);
	s = mem_alloc("acct", sizeof(*s));
	s->l = l;
	s->link_id = l->id;
	s->serial = l->serial;
	s->start = event_now_sec();
	s->base_in_octets = l->in_octets;
	s->base_in_frames = l->in_frames;
	s->base_out_octets = l->out_octets;
	s->base_out_frames = l->out_frames;
	s->last_in = l->in_octets;
	s->last_out = l->out_octets;
	s->interval = ad->acct_update > 0 ? ad->acct_update :
	    l->auth.acct_update;
	s->lim_in = ad->acct_update_lim_recv ? ad->acct_update_lim_recv :
	    l->auth.acct_update_lim_recv;
	s->lim_out = ad->acct_update_lim_xmit ? ad->acct_update_lim_xmit :
	    l->auth.acct_update_lim_xmit;
	s->next = acct_sessions;
	acct_sessions = s;
	acct_queue(acct_rec_new(s, RAD_ACCT_START));
	acct_interim_arm(s);
}

void
acct_link_down(struct link *l)
{
	struct acct_sess *s, **pp;
	struct acct_rec *r;

	for (pp = &acct_sessions; (s = *pp) != NULL; pp = &s->next)
		if (s->l == l && s->serial == l->serial)
			break;
	if (s == NULL)
		return;
	*pp = s->next;
	timer_stop(&s->interim);
	r = acct_rec_new(s, RAD_ACCT_STOP);
	r->pam = s->pam;
	acct_queue(r);
	mem_free(s);
}

void
acct_link_interval(struct link *l, int interval)
{
	struct acct_sess *s = acct_find(l);

	if (s == NULL || interval < 0)
		return;
	s->interval = interval;
	acct_interim_arm(s);
}

void
acct_shutdown(void)
{
	struct acct_sess *s;
	struct acct_rec *r;

	while ((s = acct_sessions) != NULL) {
		acct_sessions = s->next;
		timer_stop(&s->interim);
		pam_acct_close(s->pam, "");	/* exit: may block, once */
		mem_free(s);
	}
	if (spool_timer_ready)
		timer_stop(&spool_timer);
	if (spool_len > 0)
		log_msg(LG_ERR, "ACCT: %d accounting records not delivered",
		    spool_len);
	if (spool_job > 0) {
		/* the worker owns the head; its cleanup frees it */
		worker_cancel(spool_job, acct_rec_cleanup);
		spool_job = 0;
		r = spool_head;
		spool_head = r->next;
	}
	while ((r = spool_head) != NULL) {
		spool_head = r->next;
		pam_acct_close(r->pam, r->lnk);
		acct_rec_free(r);
	}
	spool_tail = &spool_head;
	spool_len = 0;
}

unsigned
acct_spool_len(void)
{
	return (unsigned)spool_len;
}
