/*
 * radsrv_run.c - serving Disconnect-Request and CoA-Request (RFC 5176,
 * surface spec 9.5) on the socket `set radsrv open` binds.
 *
 * A datagram is answered only when it comes from a configured peer, is
 * well formed (radius_proto.c) and carries a valid Request Authenticator
 * (and Message-Authenticator, when present) for that peer's secret;
 * anything else is silently discarded and counted (RFC 5176 3.5).  The
 * checks then follow mpd5: type disabled -> NAK 501, NAS-IP-Address not
 * ours -> 403, Service-Type -> 405, no identification attribute -> 402,
 * no session matching every identification attribute -> 503.  Disconnect
 * closes every matching link ("Manual"); CoA applies Session-Timeout,
 * Idle-Timeout and Acct-Interim-Interval to the live sessions.  Replies
 * echo State and carry a Message-Authenticator when the request had one.
 * At most RADSRV_BURST datagrams are read per wake-up, so a flood can't
 * starve the loop.
 */
#include "radsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/event.h"
#include "../core/log.h"
#include "../link/devices.h"
#include "../ppp/bund.h"
#include "../ppp/iface.h"
#include "../ppp/link.h"
#include "acct.h"
#include "auth_local.h"
#include "radius_proto.h"

#define RADSRV_BURST	64

static struct event radsrv_ev;
static struct radsrv_stats radsrv_st;

void
radsrv_stats_get(struct radsrv_stats *st)
{
	*st = radsrv_st;
}

static const struct radsrv_peer *
radsrv_find_peer(const struct sockaddr_storage *ss)
{
	const struct radsrv_peer *p;
	struct u_addr a, pa;

	memset(&a, 0, sizeof(a));
	if (ss->ss_family == AF_INET) {
		a.family = AF_INET;
		a.u.ip4 = ((const struct sockaddr_in *)(const void *)ss)->
		    sin_addr;
	} else if (ss->ss_family == AF_INET6) {
		a.family = AF_INET6;
		a.u.ip6 = ((const struct sockaddr_in6 *)(const void *)ss)->
		    sin6_addr;
	} else
		return NULL;
	for (p = g_radsrv.peers; p != NULL; p = p->next)
		if (u_addr_parse(p->host, AF_UNSPEC, &pa) == 0 &&
		    pa.family == a.family && memcmp(&pa.u, &a.u,
		    a.family == AF_INET ? 4 : 16) == 0)
			return p;
	return NULL;
}

/* Does link l carry the session q identifies (all attributes match)? */
static bool
radsrv_match(const struct link *l, const struct rad_dae_req *q)
{
	const struct bund *b = l->bund;
	char buf[64];

	if (l->tmpl || l->lcp.phase != PHASE_NETWORK)
		return false;
	if (q->have_user_name && strcmp(q->user_name, l->peer_authname) != 0)
		return false;
	if (q->have_nas_port && q->nas_port != (uint32_t)l->id)
		return false;
	if (q->have_session_id && strcmp(q->session_id, l->session_id) != 0)
		return false;
	if (q->have_link && strcmp(q->link, l->name) != 0)
		return false;
	if (q->have_calling) {
		phys_calling_num(l, buf, sizeof(buf));
		if (strcmp(q->calling, buf) != 0)
			return false;
	}
	if (q->have_called) {
		phys_called_num(l, buf, sizeof(buf));
		if (strcmp(q->called, buf) != 0)
			return false;
	}
	if (q->have_multi_session_id || q->have_bundle || q->have_iface ||
	    q->have_iface_index || q->have_framed_ip) {
		if (b == NULL)
			return false;
		if (q->have_multi_session_id &&
		    strcmp(q->multi_session_id, b->msession_id) != 0)
			return false;
		if (q->have_bundle && strcmp(q->bundle, b->name) != 0)
			return false;
		if (q->have_iface && strcmp(q->iface, b->iface.ifname) != 0)
			return false;
		if (q->have_iface_index && (b->iface.ifname[0] == '\0' ||
		    q->iface_index != if_nametoindex(b->iface.ifname)))
			return false;
		if (q->have_framed_ip && (b->ipcp == NULL ||
		    b->ipcp->peer_addr.s_addr != q->framed_ip.s_addr))
			return false;
	}
	return true;
}

/* CoA on one link: new timeouts and interim interval (spec 9.5). */
static void
radsrv_coa(struct link *l, const struct rad_dae_req *q)
{
	struct auth_state *st = l->auth_st;

	log_msg(LG_RADIUS, "[%s] radsrv: CoA-Request for this session",
	    l->name);
	if (st != NULL) {
		if (q->session_timeout >= 0)
			st->data.session_timeout = q->session_timeout;
		if (q->idle_timeout >= 0)
			st->data.idle_timeout = q->idle_timeout;
		if (q->acct_interim >= 0)
			st->data.acct_update = q->acct_interim;
	}
	if (l->bund != NULL)
		iface_aaa_timers(l->bund, q->session_timeout, q->idle_timeout);
	if (q->acct_interim >= 0)
		acct_link_interval(l, q->acct_interim);
}

/* Handle a verified request; returns 0 (ACK) or an Error-Cause. */
static int
radsrv_apply(const struct rad_dae_req *q)
{
	struct link *hit[256];
	int i, n = 0;

	if (!opt_enabled(&g_radsrv.options, q->code == RAD_DISCONNECT_REQUEST ?
	    RADSRV_OPT_DISCONNECT : RADSRV_OPT_COA))
		return RAD_ERR_ADMIN_PROHIBITED;
	if (q->have_nas_ip && g_radsrv.addr.family == AF_INET &&
	    g_radsrv.addr.u.ip4.s_addr != 0 &&
	    q->nas_ip.s_addr != g_radsrv.addr.u.ip4.s_addr)
		return RAD_ERR_NAS_ID_MISMATCH;
	if (q->have_service_type)
		return RAD_ERR_UNSUPPORTED_SERVICE;
	if (q->nmatch == 0)
		return RAD_ERR_MISSING_ATTRIBUTE;
	for (i = 1; i < g_nlinks; i++) {
		struct link *l = g_links[i];

		if (l != NULL && !l->dying && radsrv_match(l, q) &&
		    n < (int)(sizeof(hit) / sizeof(hit[0])))
			hit[n++] = l;
	}
	if (n == 0)
		return RAD_ERR_SESSION_NOT_FOUND;
	for (i = 0; i < n; i++) {
		if (q->code == RAD_DISCONNECT_REQUEST) {
			log_msg(LG_RADIUS, "[%s] radsrv: Disconnect-Request, "
			    "closing the link", hit[i]->name);
			link_close(hit[i], "Manual");
		} else
			radsrv_coa(hit[i], q);
	}
	return 0;
}

static void
radsrv_reply(int fd, const struct sockaddr_storage *ss, socklen_t sl,
    const uint8_t *req, const struct rad_dae_req *q, const char *secret,
    int cause)
{
	static struct rad_pkt p;
	uint8_t code;

	if (q->code == RAD_DISCONNECT_REQUEST)
		code = cause ? RAD_DISCONNECT_NAK : RAD_DISCONNECT_ACK;
	else
		code = cause ? RAD_COA_NAK : RAD_COA_ACK;
	rad_pkt_init(&p, code, q->id, NULL);
	if (q->state_len > 0)
		rad_put(&p, RAD_STATE, q->state, q->state_len);
	if (cause)
		rad_put_int(&p, RAD_ERROR_CAUSE, (uint32_t)cause);
	if (q->have_msg_auth)
		rad_put_msg_auth(&p);
	if (rad_finish_response(&p, req + 4, secret) < 0)
		return;
	if (cause)
		radsrv_st.naks++;
	else
		radsrv_st.acks++;
	(void)sendto(fd, p.buf, p.len, 0, (const struct sockaddr *)ss, sl);
}

static void
radsrv_input(int type, void *arg)
{
	static uint8_t buf[RAD_MAX_PKT + 1];
	static struct rad_dae_req q;
	const struct radsrv_peer *peer;
	struct sockaddr_storage ss;
	socklen_t sl;
	char who[INET6_ADDRSTRLEN];
	ssize_t n;
	int k, plen, cause;

	(void)type;
	(void)arg;
	for (k = 0; k < RADSRV_BURST && g_radsrv.fd >= 0; k++) {
		sl = sizeof(ss);
		n = recvfrom(g_radsrv.fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&ss, &sl);
		if (n < 0)
			return;		/* EAGAIN: drained */
		radsrv_st.received++;
		peer = radsrv_find_peer(&ss);
		if (peer == NULL) {
			radsrv_st.unknown_peer++;
			continue;
		}
		plen = rad_check(buf, (size_t)n);
		if (plen < 0 || rad_parse_dae(buf, (size_t)plen, &q) < 0) {
			radsrv_st.malformed++;
			log_msg(LG_RADIUS2, "radsrv: malformed request from %s "
			    "dropped", peer->host);
			continue;
		}
		if (rad_verify_request(buf, (size_t)plen, peer->secret) < 0) {
			radsrv_st.bad_authenticator++;
			log_msg(LG_RADIUS, "radsrv: request from %s with bad "
			    "authenticator dropped", peer->host);
			continue;
		}
		util_strlcpy(who, peer->host, sizeof(who));
		log_msg(LG_RADIUS, "radsrv: rec'd %s #%d from %s",
		    q.code == RAD_DISCONNECT_REQUEST ? "Disconnect-Request" :
		    "CoA-Request", q.id, who);
		cause = radsrv_apply(&q);
		if (cause)
			log_msg(LG_RADIUS, "radsrv: NAK, Error-Cause %d", cause);
		radsrv_reply(g_radsrv.fd, &ss, sl, buf, &q, peer->secret,
		    cause);
	}
}

void
radsrv_run_start(void)
{
	if (g_radsrv.fd < 0)
		return;
	event_register(&radsrv_ev, EV_READ, g_radsrv.fd, EVF_RECURRING,
	    radsrv_input, NULL);
}

void
radsrv_run_stop(void)
{
	event_unregister(&radsrv_ev);
}
