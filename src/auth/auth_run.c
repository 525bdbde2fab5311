/*
 * auth_run.c - the Authenticate phase of a link (RFC 1661 3.5): both
 * directions, the phase timer, packet dispatch to PAP/CHAP/EAP, and the
 * backends (surface spec 4.5.2, 9.2, 11.3).
 *
 * LCP starts the phase with auth_start() once it is opened.  The
 * protocol LCP made the peer accept (want.auth) runs with us as the
 * authenticator; the one the peer asked for (peer.auth) runs with us as
 * the authenticated side.  Each direction reports to auth_dir_done(); the
 * first failure, or both successes, end the phase with lcp_auth_done().
 * The whole phase is bounded by `set auth timeout`.
 *
 * Backends run in worker threads (core/worker.h) on a private copy of the
 * request (struct auth_req), in mpd5's order: ext-auth, then RADIUS, PAM
 * and system (not available yet: logged and skipped), then internal
 * (mpd.secret).  The first SUCCESS ends the chain; UNDEF (credentials
 * found, the protocol verifies them) also ends it.  The worker's log
 * lines are written by the loop when the job is delivered.  Our own
 * password, when `set auth password` is empty, is looked up in mpd.secret
 * in a worker as well, since a `!program` entry may take seconds.
 */
#include "auth_local.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "../core/defs.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../core/worker.h"
#include "../link/devices.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "eap.h"
#include "secret.h"

static void	auth_phase_timeout(void *arg);
static void	auth_complete(struct auth_state *st, bool ok);

static const char *
auth_proto_name(uint16_t proto)
{
	switch (proto) {
	case PROTO_PAP:
		return "PAP";
	case PROTO_CHAP:
		return "CHAP";
	case PROTO_EAP:
		return "EAP";
	default:
		return "AUTH";
	}
}

/* mpd5 names the protocol only, not the CHAP variant, in this line. */
static const char *
auth_lcp_name(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_PAP:
		return "PAP";
	case LCP_AUTH_CHAP_MD5:
	case LCP_AUTH_CHAP_MSV1:
	case LCP_AUTH_CHAP_MSV2:
		return "CHAP";
	case LCP_AUTH_EAP:
		return "EAP";
	case LCP_AUTH_NONE:
	default:
		return "nothing";
	}
}

uint8_t
auth_chap_alg(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_CHAP_MD5:
		return CHAP_ALG_MD5;
	case LCP_AUTH_CHAP_MSV1:
		return CHAP_ALG_MSV1;
	case LCP_AUTH_CHAP_MSV2:
		return CHAP_ALG_MSV2;
	case LCP_AUTH_NONE:
	case LCP_AUTH_PAP:
	case LCP_AUTH_EAP:
	default:
		return 0;
	}
}

const char *
auth_status_text(enum auth_status s)
{
	switch (s) {
	case AUTH_STATUS_UNDEF:
		return "undefined";
	case AUTH_STATUS_SUCCESS:
		return "authenticated";
	case AUTH_STATUS_FAIL:
		return "failed";
	case AUTH_STATUS_BUSY:
		return "busy";
	default:
		return "INCORRECT STATUS";
	}
}

unsigned
auth_retry_ms(const struct auth_state *st)
{
	int t = st->l->conf.fsm_timeout;

	return (unsigned)(t > 0 ? t : 2) * 1000u;
}

void
auth_random(uint8_t *buf, size_t len)
{
	size_t i;

	if (RAND_bytes(buf, (int)len) == 1)
		return;
	/* Only when the OpenSSL RNG is unusable: weak, but never blocks. */
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)random();
}

char *
auth_printable(const uint8_t *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < size; i++)
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	buf[n] = '\0';
	return buf;
}

void
auth_show_msg(const struct auth_state *st, const uint8_t *msg, size_t len)
{
	char buf[256];

	if (len == 0)
		return;
	log_msg(LG_AUTH, "[%s]   MESG: %s", st->l->name,
	    auth_printable(msg, len, buf, sizeof(buf)));
}

const char *
auth_fail_msg(const struct auth_req *req, enum auth_fail why, uint8_t alg,
    const uint8_t *chal, size_t chal_len, char *buf, size_t len)
{
	const char *msg;
	char hex[2 * 16 + 1];
	int code;
	size_t i;

	switch (why) {
	case AUTH_FAIL_ACCT_DISABLED:
		code = MSCHAP_ERROR_ACCT_DISABLED;
		msg = AUTH_MSG_ACCT_DISAB;
		break;
	case AUTH_FAIL_NO_PERMISSION:
		code = MSCHAP_ERROR_NO_DIALIN_PERMISSION;
		msg = AUTH_MSG_NOT_ALLOWED;
		break;
	case AUTH_FAIL_RESTRICTED_HOURS:
		code = MSCHAP_ERROR_RESTRICTED_LOGON_HOURS;
		msg = AUTH_MSG_RESTR_HOURS;
		break;
	case AUTH_FAIL_NOT_EXPECTED:
		code = MSCHAP_ERROR_AUTHENTICATION_FAILURE;
		msg = AUTH_MSG_NOT_EXPECTED;
		break;
	case AUTH_FAIL_INVALID_PACKET:
		code = MSCHAP_ERROR_AUTHENTICATION_FAILURE;
		msg = AUTH_MSG_BAD_PACKET;
		break;
	case AUTH_FAIL_INVALID_LOGIN:
	default:
		code = MSCHAP_ERROR_AUTHENTICATION_FAILURE;
		msg = AUTH_MSG_INVALID;
		break;
	}
	if (alg == CHAP_ALG_MSV1 || alg == CHAP_ALG_MSV2) {
		if (req != NULL && req->mschap_error[0] != '\0') {
			snprintf(buf, len, "%s", req->mschap_error);
			return buf;
		}
		/* MS-CHAP peers get the generic text unless AAA gave one. */
		if (why == AUTH_FAIL_NOT_EXPECTED ||
		    why == AUTH_FAIL_INVALID_PACKET)
			msg = AUTH_MSG_INVALID;
		if (req != NULL && req->have_reply_message)
			msg = req->data.reply_message;
		if (alg == CHAP_ALG_MSV2 && chal_len == 16) {
			/* RFC 2759 6: the challenge for a retry, then V=3. */
			for (i = 0; i < 16; i++)
				snprintf(hex + 2 * i, 3, "%02X", chal[i]);
			snprintf(buf, len, "E=%d R=0 C=%s V=3 M=%s", code,
			    hex, msg);
		} else
			snprintf(buf, len, "E=%d R=0 M=%s", code, msg);
		return buf;
	}
	if (req != NULL && req->have_reply_message)
		msg = req->data.reply_message;
	snprintf(buf, len, "%s", msg);
	return buf;
}

/* ---- output ---- */

void
auth_xmit(struct auth_state *st, uint16_t proto, const uint8_t *pkt,
    size_t len)
{
	struct link *l = st->l;
	struct auth_hdr h;
	struct mbuf *m;
	char code[16];

	if (auth_hdr_parse(pkt, len, &h) < 0)
		return;
	switch (proto) {
	case PROTO_PAP:
		pap_code_name(h.code, code, sizeof(code));
		break;
	case PROTO_CHAP:
		chap_code_name(h.code, code, sizeof(code));
		break;
	default:
		eap_code_name(h.code, code, sizeof(code));
		break;
	}
	if (proto == PROTO_EAP && h.len > 0)
		log_msg(LG_AUTH, "[%s] EAP: sending %s #%d len: %d, type: %s",
		    l->name, code, h.id, (int)len, eap_type_name(h.data[0]));
	else
		log_msg(LG_AUTH, "[%s] %s: sending %s #%d len: %d", l->name,
		    auth_proto_name(proto), code, h.id, (int)len);
	m = mb_copy(pkt, len);
	if (m == NULL)
		return;
	if (st->xmit != NULL)
		st->xmit(l, proto, m);
	else
		link_xmit(l, proto, m);
}

/* ---- life cycle ---- */

void
auth_init(struct link *l)
{
	struct auth_state *st;

	if (l->auth_st != NULL)
		return;
	st = mem_alloc("auth", sizeof(*st));
	st->l = l;
	timer_init(&st->timer, "AuthTimer", 1000, auth_phase_timeout, st);
	timer_init(&st->srv.timer, "ChalTimer", 1000, NULL, st);
	timer_init(&st->cli.timer, "RespTimer", 1000, NULL, st);
	l->auth_st = st;
}

void
auth_set_hooks(struct link *l, auth_xmit_fn *xmit, auth_done_fn *done)
{
	auth_init(l);
	l->auth_st->xmit = xmit;
	l->auth_st->done = done;
}

static void
auth_req_cleanup(void *arg)
{
	struct auth_req *req = arg;

	log_msg(LG_AUTH2, "[%s] AUTH: Thread was canceled", req->lnk);
	auth_req_free(req);
}

static void
auth_cred_free(struct auth_cred *c)
{
	memset(c, 0, sizeof(*c));
	mem_free(c);
}

static void
auth_cred_cleanup(void *arg)
{
	auth_cred_free(arg);
}

/* Stop everything of a direction pair; keeps the result unless wipe. */
static void
auth_halt(struct auth_state *st)
{
	timer_stop(&st->timer);
	pap_stop(st);
	chap_stop(st);
	eap_stop(st);
	if (st->srv.req != NULL) {
		worker_cancel(st->srv.req->job, auth_req_cleanup);
		st->srv.req = NULL;
	}
	if (st->cli.cred != NULL) {
		worker_cancel(st->cli.cred->job, auth_cred_cleanup);
		st->cli.cred = NULL;
	}
	st->cli.chal_pending = false;
	memset(st->srv.pap_pass, 0, sizeof(st->srv.pap_pass));
}

void
auth_stop(struct link *l)
{
	struct auth_state *st = l->auth_st;

	if (st == NULL)
		return;
	auth_halt(st);
	st->running = false;
	st->self_to_peer = st->peer_to_self = LCP_AUTH_NONE;
	/* Nothing of the session survives the link going down. */
	memset(&st->data, 0, sizeof(st->data));
	memset(&st->srv.value, 0, sizeof(st->srv.value));
	st->srv.done = false;
	st->srv.have_keys = false;
	memset(st->srv.send_key, 0, sizeof(st->srv.send_key));
	memset(st->srv.recv_key, 0, sizeof(st->srv.recv_key));
	memset(st->srv.nt_hash_hash, 0, sizeof(st->srv.nt_hash_hash));
	st->srv.eap_step = EAP_SRV_IDLE;
	st->cli.have_password = false;
	memset(st->cli.password, 0, sizeof(st->cli.password));
	memset(st->cli.nt_hash, 0, sizeof(st->cli.nt_hash));
	memset(st->cli.resp_pkt, 0, sizeof(st->cli.resp_pkt));
	st->cli.resp_valid = false;
	st->cli.have_keys = false;
	memset(st->cli.send_key, 0, sizeof(st->cli.send_key));
	memset(st->cli.recv_key, 0, sizeof(st->cli.recv_key));
	memset(st->cli.nt_hash_hash, 0, sizeof(st->cli.nt_hash_hash));
}

void
auth_fini(struct link *l)
{
	struct auth_state *st = l->auth_st;

	if (st == NULL)
		return;
	auth_stop(l);
	memset(st, 0, sizeof(*st));
	mem_free(st);
	l->auth_st = NULL;
}

void
auth_start(struct link *l)
{
	struct auth_state *st;
	char host[64];

	auth_init(l);
	st = l->auth_st;
	auth_stop(l);
	l->peer_authname[0] = '\0';
	st->cli_proto = st->self_to_peer = l->lcp.peer.auth;
	st->srv_proto = st->peer_to_self = l->lcp.want.auth;
	st->srv.next_id = 1;
	st->srv.eap_md5_tried = false;
	st->srv.eap_identity[0] = '\0';
	st->cli.next_id = 1;
	st->cli.eap_md5_nakked = false;
	st->cli.name[0] = '\0';
	st->keys_from_cli = false;
	/* Our name in Challenges: `set auth authname`, else the host name. */
	if (l->auth.authname[0] != '\0')
		util_strlcpy(st->srv.myname, l->auth.authname,
		    sizeof(st->srv.myname));
	else if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		util_strlcpy(st->srv.myname, host, sizeof(st->srv.myname));
	} else
		st->srv.myname[0] = '\0';

	log_msg(LG_AUTH, "[%s] LCP: auth: peer wants %s, I want %s", l->name,
	    auth_lcp_name(st->self_to_peer), auth_lcp_name(st->peer_to_self));

	st->running = true;
	if (st->self_to_peer == LCP_AUTH_NONE &&
	    st->peer_to_self == LCP_AUTH_NONE) {
		auth_complete(st, true);
		return;
	}
	timer_init(&st->timer, "AuthTimer",
	    (uint32_t)(l->auth.timeout > 0 ? l->auth.timeout : 40) * 1000u,
	    auth_phase_timeout, st);
	timer_start(&st->timer);

	/* my authentication to the peer */
	if (st->self_to_peer == LCP_AUTH_PAP)
		pap_start_client(st);
	/* CHAP and EAP: wait for the peer's Challenge / Request */

	/* the peer's authentication to me (unless the first part ended) */
	if (!st->running)
		return;
	switch (st->peer_to_self) {
	case LCP_AUTH_CHAP_MD5:
	case LCP_AUTH_CHAP_MSV1:
	case LCP_AUTH_CHAP_MSV2:
		chap_start_server(st, PROTO_CHAP,
		    auth_chap_alg(st->peer_to_self));
		break;
	case LCP_AUTH_EAP:
		eap_start_server(st);
		break;
	case LCP_AUTH_PAP:		/* wait for the Request */
	case LCP_AUTH_NONE:
	default:
		break;
	}
}

static void
auth_phase_timeout(void *arg)
{
	struct auth_state *st = arg;

	log_msg(LG_AUTH, "[%s] LCP: authorization timer expired", st->l->name);
	auth_complete(st, false);
}

/* Pick the MPPE keys: those of the direction mpd5 uses (see below). */
static void
auth_pick_keys(struct auth_state *st)
{
	struct auth_data *d = &st->data;
	bool cli;

	/*
	 * When we dialled, the keys of our own login count; otherwise those
	 * of the peer's login to us - as mpd5 chooses its CHAP algorithm
	 * for MPPE.  Fall back to whichever direction has keys.
	 */
	if (st->l->originated)
		cli = st->cli.have_keys || !st->srv.have_keys;
	else
		cli = !st->srv.have_keys && st->cli.have_keys;
	if (cli && st->cli.have_keys) {
		memcpy(d->ms_nt_hash_hash, st->cli.nt_hash_hash, 16);
		memcpy(d->mppe_send_key, st->cli.send_key, 16);
		memcpy(d->mppe_recv_key, st->cli.recv_key, 16);
		d->mppe_keys = true;
		st->keys_from_cli = true;
	} else if (!cli && st->srv.have_keys) {
		memcpy(d->ms_nt_hash_hash, st->srv.nt_hash_hash, 16);
		memcpy(d->mppe_send_key, st->srv.send_key, 16);
		memcpy(d->mppe_recv_key, st->srv.recv_key, 16);
		d->mppe_keys = true;
	}
}

/* End of the phase: tell LCP.  st may be stopped by the time it returns. */
static void
auth_complete(struct auth_state *st, bool ok)
{
	struct link *l = st->l;

	if (!st->running)
		return;
	st->running = false;
	auth_halt(st);
	if (ok)
		auth_pick_keys(st);
	if (st->done != NULL)
		st->done(l, ok, ok ? NULL : AUTH_REASON_FAIL);
	else
		lcp_auth_done(l, ok, ok ? NULL : AUTH_REASON_FAIL);
}

void
auth_dir_done(struct auth_state *st, bool server, bool ok)
{
	if (!st->running)
		return;
	if (server)
		st->peer_to_self = LCP_AUTH_NONE;
	else
		st->self_to_peer = LCP_AUTH_NONE;
	if (!ok)
		auth_complete(st, false);
	else if (st->peer_to_self == LCP_AUTH_NONE &&
	    st->self_to_peer == LCP_AUTH_NONE)
		auth_complete(st, true);
}

const struct auth_data *
auth_result(const struct link *l)
{
	static const struct auth_data none;

	return l->auth_st != NULL ? &l->auth_st->data : &none;
}

/* ---- input ---- */

void
auth_input(struct link *l, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct auth_state *st = l->auth_st;
	struct auth_hdr h;
	char code[16];

	/*
	 * Authenticate phase while we run, Network phase for late copies
	 * and re-challenges; anything else (e.g. after a failure, before
	 * LCP is down) is stray.
	 */
	if (st == NULL || (l->lcp.phase == PHASE_AUTHENTICATE ?
	    !st->running : l->lcp.phase != PHASE_NETWORK)) {
		log_msg(LG_AUTH, "[%s] AUTH: rec'd stray packet", l->name);
		return;
	}
	if (len < AUTH_HDR_LEN) {
		log_msg(LG_AUTH, "[%s] AUTH: rec'd runt packet: %d bytes",
		    l->name, (int)len);
		return;
	}
	if (auth_hdr_parse(pkt, len, &h) < 0) {
		log_msg(LG_AUTH, "[%s] AUTH: rec'd packet with bad length: "
		    "%d bytes, length field %d", l->name, (int)len,
		    pkt[2] << 8 | pkt[3]);
		return;
	}
	switch (proto) {
	case PROTO_PAP:
		log_msg(LG_AUTH, "[%s] PAP: rec'd %s #%d len: %d", l->name,
		    pap_code_name(h.code, code, sizeof(code)), h.id,
		    (int)(h.len + AUTH_HDR_LEN));
		pap_input(st, &h);
		break;
	case PROTO_CHAP:
		log_msg(LG_AUTH, "[%s] CHAP: rec'd %s #%d len: %d", l->name,
		    chap_code_name(h.code, code, sizeof(code)), h.id,
		    (int)(h.len + AUTH_HDR_LEN));
		chap_input(st, &h);
		break;
	case PROTO_EAP:
		if (h.len > 0)
			log_msg(LG_AUTH, "[%s] EAP: rec'd %s #%d len: %d, "
			    "type: %s", l->name, eap_code_name(h.code, code,
			    sizeof(code)), h.id, (int)(h.len + AUTH_HDR_LEN),
			    eap_type_name(h.data[0]));
		else
			log_msg(LG_AUTH, "[%s] EAP: rec'd %s #%d len: %d",
			    l->name, eap_code_name(h.code, code, sizeof(code)),
			    h.id, (int)(h.len + AUTH_HDR_LEN));
		eap_input(st, pkt, h.len + AUTH_HDR_LEN);
		break;
	default:
		break;
	}
}

/* ---- backends ---- */

static void
secret_path(char *buf, size_t len)
{
	if (g_global.confdir != NULL && g_global.confdir[0] != '\0')
		snprintf(buf, len, "%s/%s", g_global.confdir, MPD_SECRET_FILE);
	else
		snprintf(buf, len, "%s/%s", MPD_CONFDIR, MPD_SECRET_FILE);
}

void
auth_ext_link_fill(struct extauth_request *x, const struct link *l)
{
	util_strlcpy(x->session_id, l->session_id, sizeof(x->session_id));
	util_strlcpy(x->link, l->name, sizeof(x->link));
	x->nas_port = l->id;
	if (l->type != NULL) {
		util_strlcpy(x->nas_port_type, l->type->name,
		    sizeof(x->nas_port_type));
		phys_calling_num(l, x->calling, sizeof(x->calling));
		phys_called_num(l, x->called, sizeof(x->called));
		phys_self_addr(l, x->self_addr, sizeof(x->self_addr));
		phys_peer_addr(l, x->peer_addr, sizeof(x->peer_addr));
		phys_self_name(l, x->self_name, sizeof(x->self_name));
		phys_peer_name(l, x->peer_name, sizeof(x->peer_name));
		phys_peer_iface(l, x->peer_iface, sizeof(x->peer_iface));
	}
	x->originated = l->originated;
	util_strlcpy(x->peer_ident, l->peer_ident[0] != '\0' ? l->peer_ident :
	    l->lcp.peer.ident, sizeof(x->peer_ident));
}

struct auth_req *
auth_req_new(struct auth_state *st, uint16_t proto, enum lcp_auth alg,
    const char *name)
{
	struct link *l = st->l;
	struct auth_req *r = mem_alloc("auth", sizeof(*r));
	struct extauth_request *x = &r->ext;

	r->st = st;
	util_strlcpy(r->lnk, l->name, sizeof(r->lnk));
	r->proto = proto;
	r->alg = alg;
	r->options = l->auth.options.enable;
	util_strlcpy(r->authname, name, sizeof(r->authname));
	util_strlcpy(r->extauth_script, l->auth.extauth_script,
	    sizeof(r->extauth_script));
	secret_path(r->secret_path, sizeof(r->secret_path));
	r->ext_timeout_ms = (unsigned)(l->auth.timeout > 0 ?
	    l->auth.timeout : 40) * 1000u;
	r->status = AUTH_STATUS_UNDEF;
	util_strlcpy(r->data.authname, name, sizeof(r->data.authname));

	util_strlcpy(x->user, name, sizeof(x->user));
	switch (proto) {
	case PROTO_PAP:
		snprintf(x->auth_type, sizeof(x->auth_type), "PAP");
		break;
	case PROTO_EAP:
		snprintf(x->auth_type, sizeof(x->auth_type), "EAP");
		break;
	default:
		switch (auth_chap_alg(alg)) {
		case CHAP_ALG_MD5:
			snprintf(x->auth_type, sizeof(x->auth_type),
			    "CHAP MD5");
			break;
		case CHAP_ALG_MSV1:
			snprintf(x->auth_type, sizeof(x->auth_type),
			    "CHAP MSOFT");
			break;
		case CHAP_ALG_MSV2:
			snprintf(x->auth_type, sizeof(x->auth_type),
			    "CHAP MSOFTv2");
			break;
		default:
			snprintf(x->auth_type, sizeof(x->auth_type),
			    "CHAP 0x%02x", auth_chap_alg(alg));
			break;
		}
		break;
	}
	auth_ext_link_fill(x, l);
	if (r->options & (1u << AUTH_OPT_RADIUS_AUTH)) {
		r->rad = mem_alloc("radius", sizeof(*r->rad));
		radius_snap_fill(r->rad, l);
	}
	pam_conf_fill(r);
	return r;
}

void
auth_req_free(struct auth_req *req)
{
	if (req == NULL)
		return;
	if (req->rad != NULL) {
		memset(req->rad, 0, sizeof(*req->rad));
		mem_free(req->rad);
	}
	memset(req, 0, sizeof(*req));
	mem_free(req);
}

/* The ext-auth backend (worker thread). */
static void
backend_external(struct auth_req *r)
{
	struct extauth_reply rp;
	char name[64];

	log_msg(LG_AUTH, "[%s] AUTH: Trying EXTERNAL", r->lnk);
	if (extauth_run(r->extauth_script, &r->ext, r->ext_timeout_ms, &rp,
	    r->lnk) < 0) {
		log_msg(LG_AUTH, "[%s] AUTH: EXTERNAL returned error", r->lnk);
		memset(&rp, 0, sizeof(rp));
		return;
	}
	switch (rp.result) {
	case EXTAUTH_SUCCESS:
		r->status = AUTH_STATUS_SUCCESS;
		break;
	case EXTAUTH_UNDEF:
		r->status = AUTH_STATUS_UNDEF;
		break;
	case EXTAUTH_FAIL:
	default:
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
		break;
	}
	/* The script's attributes replace the (still empty) AAA data. */
	util_strlcpy(name, rp.have_user ? rp.user : r->data.authname,
	    sizeof(name));
	r->data = rp.data;
	util_strlcpy(r->data.authname, name, sizeof(r->data.authname));
	if (rp.have_password) {
		util_strlcpy(r->password, rp.password, sizeof(r->password));
		r->have_password = true;
	}
	if (rp.have_nt_hash) {
		memcpy(r->nt_hash, rp.nt_hash, sizeof(r->nt_hash));
		r->have_nt_hash = true;
	}
	r->have_reply_message = rp.have_reply_message;
	util_strlcpy(r->mschap_error, rp.mschap_error,
	    sizeof(r->mschap_error));
	memset(&rp, 0, sizeof(rp));
	log_msg(LG_AUTH, "[%s] AUTH: EXTERNAL returned: %s", r->lnk,
	    auth_status_text(r->status));
}

/* The internal backend: mpd.secret (worker thread). */
static void
backend_internal(struct auth_req *r)
{
	struct secret_entry e;

	log_msg(LG_AUTH, "[%s] AUTH: Trying INTERNAL", r->lnk);
	if (secret_lookup(r->secret_path, r->data.authname, &e) < 0) {
		log_msg(LG_AUTH, "[%s] AUTH: User \"%s\" not found in secret "
		    "file", r->lnk, r->data.authname);
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
	} else {
		util_strlcpy(r->password, e.password, sizeof(r->password));
		r->have_password = true;
		r->have_nt_hash = false;
		r->data.have_range = e.have_range;
		if (e.have_range)
			r->data.range = e.range;
		r->status = AUTH_STATUS_UNDEF;
	}
	memset(&e, 0, sizeof(e));
	log_msg(LG_AUTH, "[%s] AUTH: INTERNAL returned: %s", r->lnk,
	    auth_status_text(r->status));
}

/* The backend chain (worker thread; touches only r). */
static void
backend_work(void *arg)
{
	struct auth_req *r = arg;

	log_msg(LG_AUTH2, "[%s] AUTH: Thread started", r->lnk);
	if (r->proto == PROTO_EAP && r->eap_len > 0) {
		/* EAP radius-proxy: RADIUS decides alone (spec 4.5.2) */
		radius_backend(r);
		return;
	}
	if (r->options & (1u << AUTH_OPT_EXT_AUTH)) {
		backend_external(r);
		if (r->status == AUTH_STATUS_SUCCESS ||
		    r->status == AUTH_STATUS_UNDEF)
			return;
	}
	if (r->options & (1u << AUTH_OPT_RADIUS_AUTH)) {
		/* only an Accept ends the chain (spec 4.5.2) */
		radius_backend(r);
		if (r->status == AUTH_STATUS_SUCCESS)
			return;
	}
	if (r->options & (1u << AUTH_OPT_PAM_AUTH)) {
		pam_backend(r);
		if (r->status == AUTH_STATUS_SUCCESS ||
		    r->status == AUTH_STATUS_UNDEF)
			return;
	}
	if (r->options & (1u << AUTH_OPT_SYSTEM_AUTH)) {
		system_backend(r);
		if (r->status == AUTH_STATUS_SUCCESS ||
		    r->status == AUTH_STATUS_UNDEF)
			return;
	}
	if (r->options & (1u << AUTH_OPT_INTERNAL)) {
		backend_internal(r);
		if (r->status == AUTH_STATUS_SUCCESS ||
		    r->status == AUTH_STATUS_UNDEF)
			return;
	}
	log_msg(LG_AUTH, "[%s] AUTH: ran out of backends", r->lnk);
	r->status = AUTH_STATUS_FAIL;
	r->why_fail = AUTH_FAIL_INVALID_LOGIN;
}

static void
backend_finish(struct auth_state *st, struct auth_req *r)
{
	if (r->proto == PROTO_PAP)
		pap_server_finish(st, r);
	else if (r->proto == PROTO_EAP && r->eap_len > 0)
		eap_proxy_finish(st, r);
	else
		chap_server_finish(st, r);
}

/* The chain is done (loop thread). */
static void
backend_done(void *arg)
{
	struct auth_req *r = arg;
	struct auth_state *st = r->st;
	struct link *l = st->l;

	st->srv.req = NULL;
	log_msg(LG_AUTH2, "[%s] AUTH: Thread finished normally", l->name);
	/* The AAA data replaces what we had, as in mpd5. */
	st->data = r->data;
	util_strlcpy(l->peer_authname, r->data.authname,
	    sizeof(l->peer_authname));
	if (strcmp(st->data.action, "drop") == 0) {
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
	}
	backend_finish(st, r);
	auth_req_free(r);
}

/* Bundles (or lone links) in Network phase logged in as name. */
static int
auth_count_logins(const char *name)
{
	int i, j, n = 0;

	for (i = 1; i < g_nlinks; i++) {
		struct link *o = g_links[i];
		bool seen = false;

		if (o == NULL || o->lcp.phase != PHASE_NETWORK)
			continue;
		if (g_auth_max_logins_ci ? strcasecmp(o->peer_authname, name) :
		    strcmp(o->peer_authname, name))
			continue;
		/* count a multilink bundle once: at its lowest link id */
		if (o->bund != NULL) {
			for (j = 1; j < i && !seen; j++) {
				struct link *p = g_links[j];

				seen = p != NULL && p->bund == o->bund &&
				    p->lcp.phase == PHASE_NETWORK;
			}
		}
		if (!seen)
			n++;
	}
	return n;
}

/* mpd5's AuthPreChecks: returns 0, or -1 with r failed. */
static int
auth_prechecks(struct auth_state *st, struct auth_req *r)
{
	const char *lnk = st->l->name;

	if (r->data.authname[0] == '\0') {
		log_msg(LG_AUTH, "[%s] AUTH: We don't accept empty usernames",
		    lnk);
		goto fail;
	}
	if (g_auth_max_logins != 0 &&
	    auth_count_logins(r->data.authname) >= g_auth_max_logins) {
		log_msg(LG_AUTH, "[%s] AUTH: Name: \"%s\" max. number of logins "
		    "exceeded", lnk, r->data.authname);
		goto fail;
	}
	return 0;
fail:
	r->status = AUTH_STATUS_FAIL;
	r->why_fail = AUTH_FAIL_INVALID_LOGIN;
	return -1;
}

void
auth_backend_start(struct auth_state *st, struct auth_req *r)
{
	const char *lnk = st->l->name;
	long job;

	if (st->srv.req != NULL) {
		/* The peer repeated itself while the backends work. */
		r->status = AUTH_STATUS_BUSY;
		backend_finish(st, r);
		auth_req_free(r);
		return;
	}
	if (auth_prechecks(st, r) < 0) {
		log_msg(LG_AUTH, "[%s] AUTH: AuthPreCheck failed for \"%s\"",
		    lnk, r->data.authname);
		backend_finish(st, r);
		auth_req_free(r);
		return;
	}
	st->srv.req = r;
	job = worker_run(backend_work, backend_done, r);
	if (job < 0) {
		st->srv.req = NULL;
		log_msg(LG_ERR, "[%s] AUTH: Couldn't start thread", lnk);
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_NOT_EXPECTED;
		backend_finish(st, r);
		auth_req_free(r);
		return;
	}
	r->job = job;
}

/* ---- our own password ---- */

static void
cred_work(void *arg)
{
	struct auth_cred *c = arg;
	struct secret_entry e;

	c->rc = secret_lookup(c->secret_path, c->name, &e);
	if (c->rc == 0)
		util_strlcpy(c->password, e.password, sizeof(c->password));
	memset(&e, 0, sizeof(e));
}

static void
cred_done(void *arg)
{
	struct auth_cred *c = arg;
	struct auth_state *st = c->st;

	st->cli.cred = NULL;
	util_strlcpy(st->cli.name, c->name, sizeof(st->cli.name));
	st->cli.have_password = c->rc == 0;
	util_strlcpy(st->cli.password, c->rc == 0 ? c->password : "",
	    sizeof(st->cli.password));
	auth_cred_free(c);
	if (st->cli_proto == LCP_AUTH_PAP)
		pap_cred_ready(st);
	else
		chap_cred_ready(st);
}

void
auth_cred_lookup(struct auth_state *st, const char *name)
{
	struct auth_cred *c = st->cli.cred;

	if (c != NULL) {
		if (strcmp(c->name, name) == 0)
			return;		/* already on its way */
		worker_cancel(c->job, auth_cred_cleanup);
		st->cli.cred = NULL;
	}
	c = mem_alloc("auth", sizeof(*c));
	c->st = st;
	util_strlcpy(c->lnk, st->l->name, sizeof(c->lnk));
	util_strlcpy(c->name, name, sizeof(c->name));
	secret_path(c->secret_path, sizeof(c->secret_path));
	c->rc = -2;
	st->cli.cred = c;
	c->job = worker_run(cred_work, cred_done, c);
	if (c->job < 0) {
		log_msg(LG_ERR, "[%s] AUTH: Couldn't start thread",
		    st->l->name);
		cred_done(c);
	}
}
