/*
 * chap.c - the Challenge Handshake Authentication Protocol (RFC 1994)
 * with MD5 (algorithm 5), MS-CHAPv1 (0x80, RFC 2433) and MS-CHAPv2 (0x81,
 * RFC 2759) in both directions; also the MD5-Challenge method of EAP
 * (RFC 3748 5.4), which carries the same Value/Name data.
 *
 * Authenticator: a random challenge (16 bytes for MD5 and MS-CHAPv2, 8
 * for MS-CHAPv1) with our name, resent every fsm-timeout AUTH_RETRIES
 * times with a new Identifier (RFC 1994 4.1), then the backends on the
 * peer's name and the check of its Response.  MS-CHAPv2 success carries
 * the authenticator response "S=<40 hex>" (RFC 2759 5), failures the
 * "E=691 R=0 C=<challenge> V=3 M=<text>" form (RFC 2759 6).
 *
 * Authenticated side: answer with `set auth authname` (else the name in
 * the Challenge) and its password, resend the Response while still in the
 * Authenticate phase, and for MS-CHAPv2 verify the server's
 * authenticator response before accepting its Success (mpd5 only shows
 * it; accepting a wrong one would defeat the mutual authentication).
 *
 * MS-CHAP logins leave the NT password hash hash and the MPPE start keys
 * (RFC 3079 2.4, 3.4) in the session result for CCP.
 */
#include "auth_local.h"

#include <stdio.h>
#include <string.h>

#include "../core/log.h"
#include "../core/util.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "msoft.h"

static const char *
chap_pname(uint16_t proto)
{
	return proto == PROTO_EAP ? "EAP" : "CHAP";
}

/* ---- authenticator ---- */

static void
chap_send_challenge(struct auth_state *st)
{
	uint8_t pkt[AUTH_HDR_LEN + 1 + 1 + 16 + 64], data[1 + 16 + 64];
	size_t n, nl = strlen(st->srv.myname);

	st->srv.chal_id = st->srv.next_id++;
	if (st->srv.chap_proto == PROTO_EAP) {
		data[0] = (uint8_t)st->srv.chal_len;
		memcpy(data + 1, st->srv.chal, st->srv.chal_len);
		memcpy(data + 1 + st->srv.chal_len, st->srv.myname, nl);
		n = eap_build(pkt, sizeof(pkt), EAP_REQUEST, st->srv.chal_id,
		    EAP_TYPE_MD5, data, 1 + st->srv.chal_len + nl);
	} else
		n = chap_build_value(pkt, sizeof(pkt), CHAP_CHALLENGE,
		    st->srv.chal_id, st->srv.chal, st->srv.chal_len,
		    st->srv.myname);
	if (n > 0)
		auth_xmit(st, st->srv.chap_proto, pkt, n);
}

static void
chap_chal_timeout(void *arg)
{
	struct auth_state *st = arg;

	if (--st->srv.retry > 0) {
		timer_start(&st->srv.timer);
		chap_send_challenge(st);
	}
}

void
chap_start_server(struct auth_state *st, uint16_t proto, uint8_t alg)
{
	st->srv.chap_proto = proto;
	st->srv.alg = alg;
	st->srv.chal_len = alg == CHAP_ALG_MSV1 ? MSOFT_CHAL_V1_LEN : 16;
	auth_random(st->srv.chal, st->srv.chal_len);
	st->srv.chal_first_id = st->srv.next_id;
	st->srv.retry = AUTH_RETRIES;
	st->srv.done = false;
	timer_init(&st->srv.timer, "ChalTimer", auth_retry_ms(st),
	    chap_chal_timeout, st);
	timer_start(&st->srv.timer);
	chap_send_challenge(st);
}

/* Success or Failure to the peer; the packet is kept for repeats. */
static void
chap_send_result(struct auth_state *st, bool ok, const char *msg)
{
	uint8_t *pkt = st->srv.last_pkt;
	size_t n;

	if (st->srv.chap_proto == PROTO_EAP)
		/* RFC 3748 4.2: Success/Failure are bare headers. */
		n = eap_build(pkt, sizeof(st->srv.last_pkt), ok ? EAP_SUCCESS :
		    EAP_FAILURE, st->srv.resp_id, 0, NULL, 0);
	else
		n = chap_build_msg(pkt, sizeof(st->srv.last_pkt), ok ?
		    CHAP_SUCCESS : CHAP_FAILURE, st->srv.resp_id, msg);
	st->srv.last_len = n;
	st->srv.last_id = st->srv.resp_id;
	st->srv.last_proto = st->srv.chap_proto;
	if (n > 0)
		auth_xmit(st, st->srv.chap_proto, pkt, n);
}

/* Refuse a Response without asking the backends. */
static void
chap_refuse(struct auth_state *st, enum auth_fail why)
{
	char msg[160];

	auth_fail_msg(NULL, why, st->srv.alg, st->srv.chal, st->srv.chal_len,
	    msg, sizeof(msg));
	log_msg(LG_AUTH, "[%s] CHAP: Reply message: %s", st->l->name, msg);
	chap_send_result(st, false, msg);
	auth_dir_done(st, true, false);
}

void
chap_server_response(struct auth_state *st, uint16_t proto, uint8_t id,
    const uint8_t *data, size_t len)
{
	struct link *l = st->l;
	struct chap_value v;
	struct auth_req *req;
	char name[AUTH_MAX_NAME + 1], shown[AUTH_MAX_NAME + 1];
	size_t want;

	if (st->srv.chal_len == 0 || st->srv.chap_proto != proto) {
		log_msg(LG_AUTH, "[%s] %s: RESPONSE not expected", l->name,
		    chap_pname(proto));
		return;
	}
	if (st->srv.done || st->peer_to_self == LCP_AUTH_NONE) {
		/*
		 * Our result was lost, or crossed the peer's answer to one of
		 * our retransmitted Challenges (a peer ignores a Success whose
		 * Identifier is not that of its latest Response): repeat it
		 * with the Identifier of this Response (RFC 1994 4.2).
		 */
		if (st->srv.done && st->srv.last_len >= 2 &&
		    st->srv.last_len <= sizeof(st->srv.last_pkt) &&
		    (id == st->srv.last_id ||
		    (uint8_t)(id - st->srv.chal_first_id) <=
		    (uint8_t)(st->srv.chal_id - st->srv.chal_first_id))) {
			uint8_t again[sizeof(st->srv.last_pkt)];

			memcpy(again, st->srv.last_pkt, st->srv.last_len);
			again[1] = id;
			log_msg(LG_AUTH, "[%s] %s: retransmitting result",
			    l->name, chap_pname(proto));
			auth_xmit(st, st->srv.last_proto, again,
			    st->srv.last_len);
		} else
			log_msg(LG_AUTH, "[%s] CHAP: Not expected, but that's "
			    "OK", l->name);
		return;
	}
	/* The Identifier must be one of those of our current Challenge. */
	if ((uint8_t)(id - st->srv.chal_first_id) >
	    (uint8_t)(st->srv.chal_id - st->srv.chal_first_id)) {
		log_msg(LG_AUTH, "[%s] %s: RESPONSE #%d does not answer our "
		    "challenge, ignored", l->name, chap_pname(proto), id);
		return;
	}
	if (chap_parse_value(data, len, &v) < 0 ||
	    v.name_len > AUTH_MAX_NAME) {
		log_msg(LG_AUTH, "[%s]   Bogus packet", l->name);
		timer_stop(&st->srv.timer);
		st->srv.resp_id = id;
		chap_refuse(st, AUTH_FAIL_INVALID_PACKET);
		return;
	}
	memset(name, 0, sizeof(name));
	memcpy(name, v.name, v.name_len);
	log_msg(LG_AUTH, "[%s]   Name: \"%s\"", l->name,
	    auth_printable(v.name, v.name_len, shown, sizeof(shown)));
	if (st->srv.req != NULL) {
		log_msg(LG_AUTH, "[%s] CHAP: Auth return status: %s", l->name,
		    auth_status_text(AUTH_STATUS_BUSY));
		return;
	}
	timer_stop(&st->srv.timer);
	st->srv.resp_id = id;
	want = st->srv.alg == CHAP_ALG_MD5 ? CHAP_MD5_VAL_LEN :
	    CHAP_MS_VAL_LEN;
	if (v.value_len != want) {
		log_msg(LG_AUTH, "[%s] CHAP: Invalid response length %d",
		    l->name, (int)v.value_len);
		chap_refuse(st, AUTH_FAIL_INVALID_PACKET);
		return;
	}
	memcpy(st->srv.value, v.value, v.value_len);
	st->srv.value_len = v.value_len;
	util_strlcpy(st->srv.resp_name, name, sizeof(st->srv.resp_name));
	/* "DOMAIN\user" logs in as "user" unless keep-ms-domain. */
	if ((st->srv.alg == CHAP_ALG_MSV1 || st->srv.alg == CHAP_ALG_MSV2) &&
	    !opt_enabled(&l->conf.options, LINK_OPT_KEEP_MS_DOMAIN))
		memmove(name, msoft_user_part(name),
		    strlen(msoft_user_part(name)) + 1);
	req = auth_req_new(st, proto, proto == PROTO_EAP ?
	    LCP_AUTH_CHAP_MD5 : st->srv_proto, name);
	/* what RADIUS forwards (spec 9.3) */
	req->chap_alg = st->srv.alg;
	req->chap_id = id;
	memcpy(req->chal, st->srv.chal, st->srv.chal_len);
	req->chal_len = st->srv.chal_len;
	memcpy(req->value, v.value, v.value_len);
	req->value_len = v.value_len;
	auth_backend_start(st, req);
}

/* NT hash of the peer's password from what the backends gave. */
static bool
chap_nt_hash(const struct auth_req *req, uint8_t hash[16])
{
	if (req->have_nt_hash) {
		memcpy(hash, req->nt_hash, 16);
		return true;
	}
	if (req->have_password)
		return msoft_nt_password_hash(req->password, hash) == 0;
	return false;
}

/* Check the peer's value against the credentials; true when valid. */
static bool
chap_verify(struct auth_state *st, const struct auth_req *req,
    const uint8_t nt_hash[16], bool have_hash)
{
	const char *user = msoft_user_part(st->srv.resp_name);
	struct mschap_v1_resp r1;
	struct mschap_v2_resp r2;
	uint8_t expect[24];
	bool ok = false;

	switch (st->srv.alg) {
	case CHAP_ALG_MD5:
		if (!req->have_password)
			break;
		if (msoft_chap_md5(st->srv.resp_id, req->password, st->srv.chal,
		    st->srv.chal_len, expect) == 0)
			ok = memcmp(expect, st->srv.value, 16) == 0;
		break;
	case CHAP_ALG_MSV1:
		if (!have_hash || mschap_v1_parse_resp(st->srv.value,
		    st->srv.value_len, &r1) < 0 || r1.use_nt != 1)
			break;
		if (msoft_challenge_response(st->srv.chal, nt_hash,
		    expect) == 0)
			ok = memcmp(expect, r1.nt, 24) == 0;
		break;
	case CHAP_ALG_MSV2:
		if (!have_hash || mschap_v2_parse_resp(st->srv.value,
		    st->srv.value_len, &r2) < 0)
			break;
		if (msoft_generate_nt_response(st->srv.chal, r2.peer_chal,
		    user, nt_hash, expect) == 0)
			ok = memcmp(expect, r2.nt, 24) == 0;
		break;
	default:
		break;
	}
	memset(expect, 0, sizeof(expect));
	return ok;
}

/* MPPE material of the peer's MS-CHAP login to us (RFC 3079). */
static void
chap_server_keys(struct auth_state *st, const uint8_t nt_hash[16])
{
	struct mschap_v2_resp r2;
	uint8_t master[16];

	if (msoft_hash_nt_password_hash(nt_hash, st->srv.nt_hash_hash) < 0)
		return;
	if (st->srv.alg == CHAP_ALG_MSV1) {
		if (msoft_v1_start_key(st->srv.chal, st->srv.nt_hash_hash,
		    st->srv.send_key) < 0)
			return;
		memcpy(st->srv.recv_key, st->srv.send_key, 16);
		st->srv.have_keys = true;
	} else if (mschap_v2_parse_resp(st->srv.value, st->srv.value_len,
	    &r2) == 0 && msoft_get_master_key(st->srv.nt_hash_hash, r2.nt,
	    master) == 0) {
		st->srv.have_keys =
		    msoft_get_asymmetric_start_key(master, st->srv.send_key,
		    16, true, true) == 0 &&
		    msoft_get_asymmetric_start_key(master, st->srv.recv_key,
		    16, false, true) == 0;
	}
	memset(master, 0, sizeof(master));
}

/*
 * The AAA server verified the Response (RADIUS): its MS-CHAP2-Success
 * text answers the peer and its keys feed MPPE (RFC 2548 2.4).
 */
static void
chap_aaa_keys(struct auth_state *st, const struct auth_req *req, char *ack,
    size_t acklen)
{
	if (st->srv.alg == CHAP_ALG_MSV2 && req->mschap2_success[0] != '\0') {
		if (req->have_reply_message)
			snprintf(ack, acklen, "%s M=%.120s", req->mschap2_success,
			    req->data.reply_message);
		else
			snprintf(ack, acklen, "%s", req->mschap2_success);
	}
	if (req->data.mppe_keys) {
		memcpy(st->srv.send_key, req->data.mppe_send_key, 16);
		memcpy(st->srv.recv_key, req->data.mppe_recv_key, 16);
		st->srv.have_keys = true;
	} else if (st->srv.alg == CHAP_ALG_MSV1 && req->have_ms_nt_key) {
		/* MS-CHAP-MPPE-Keys carries the NT hash's hash (RFC 3079) */
		memcpy(st->srv.nt_hash_hash, req->ms_nt_key, 16);
		if (msoft_v1_start_key(st->srv.chal, st->srv.nt_hash_hash,
		    st->srv.send_key) == 0) {
			memcpy(st->srv.recv_key, st->srv.send_key, 16);
			st->srv.have_keys = true;
		}
	}
}

void
chap_server_finish(struct auth_state *st, struct auth_req *req)
{
	struct link *l = st->l;
	struct mschap_v2_resp r2;
	uint8_t nt_hash[16], aresp[20];
	char ack[192], s[43], fail[192];
	bool have_hash = false, ms;
	const char *msg;

	log_msg(LG_AUTH, "[%s] CHAP: Auth return status: %s", l->name,
	    auth_status_text(req->status));
	if (req->status == AUTH_STATUS_BUSY)
		return;
	ms = st->srv.alg == CHAP_ALG_MSV1 || st->srv.alg == CHAP_ALG_MSV2;
	snprintf(ack, sizeof(ack), "%s", req->have_reply_message ?
	    req->data.reply_message : AUTH_MSG_WELCOME);
	if (req->status == AUTH_STATUS_FAIL)
		goto bad;
	if (ms)
		have_hash = chap_nt_hash(req, nt_hash);
	if (req->status == AUTH_STATUS_UNDEF) {
		if (!chap_verify(st, req, nt_hash, have_hash)) {
			log_msg(LG_AUTH, "[%s] CHAP: Invalid response",
			    l->name);
			req->why_fail = AUTH_FAIL_INVALID_LOGIN;
			goto bad;
		}
		log_msg(LG_AUTH, "[%s] CHAP: Response is valid", l->name);
	}
	if (st->srv.alg == CHAP_ALG_MSV2 && have_hash &&
	    mschap_v2_parse_resp(st->srv.value, st->srv.value_len, &r2) == 0 &&
	    msoft_generate_auth_response(nt_hash, r2.nt, r2.peer_chal,
	    st->srv.chal, msoft_user_part(st->srv.resp_name), aresp) == 0) {
		msoft_auth_response_string(aresp, s);
		if (req->have_reply_message)
			snprintf(ack, sizeof(ack), "%s M=%s", s,
			    req->data.reply_message);
		else
			snprintf(ack, sizeof(ack), "%s", s);
	}
	if (ms && have_hash)
		chap_server_keys(st, nt_hash);
	else if (req->status == AUTH_STATUS_SUCCESS)
		chap_aaa_keys(st, req, ack, sizeof(ack));
	memset(nt_hash, 0, sizeof(nt_hash));
	log_msg(LG_AUTH, "[%s] CHAP: Reply message: %s", l->name, ack);
	st->srv.done = true;
	chap_send_result(st, true, ack);
	auth_dir_done(st, true, true);
	return;
bad:
	memset(nt_hash, 0, sizeof(nt_hash));
	msg = auth_fail_msg(req, req->why_fail, st->srv.alg, st->srv.chal,
	    st->srv.chal_len, fail, sizeof(fail));
	log_msg(LG_AUTH, "[%s] CHAP: Reply message: %s", l->name, msg);
	chap_send_result(st, false, msg);
	auth_dir_done(st, true, false);
}

/* ---- authenticated side ---- */

static void
chap_resp_timeout(void *arg)
{
	struct auth_state *st = arg;

	/* Only while the phase (and its timer) runs, as mpd5 does. */
	if (!st->cli.resp_valid || st->l->lcp.phase != PHASE_AUTHENTICATE)
		return;
	timer_start(&st->cli.timer);
	auth_xmit(st, st->cli.resp_proto, st->cli.resp_pkt, st->cli.resp_len);
}

/* Compute and send the Response to a Challenge with password. */
static void
chap_answer(struct auth_state *st, uint16_t proto, uint8_t id,
    const uint8_t *chal, size_t clen, const char *name, const char *password)
{
	uint8_t value[CHAP_MS_VAL_LEN], data[1 + CHAP_MS_VAL_LEN + 64];
	size_t vlen, nl = strlen(name), n;
	const char *user;

	switch (st->cli.alg) {
	case CHAP_ALG_MD5:
		if (msoft_chap_md5(id, password, chal, clen, value) < 0)
			goto hash_fail;
		vlen = CHAP_MD5_VAL_LEN;
		break;
	case CHAP_ALG_MSV1:
		if (msoft_nt_password_hash(password, st->cli.nt_hash) < 0 ||
		    msoft_challenge_response(chal, st->cli.nt_hash,
		    st->cli.nt_resp) < 0)
			goto hash_fail;
		memcpy(st->cli.auth_chal, chal, MSOFT_CHAL_V1_LEN);
		mschap_v1_build_resp(value, st->cli.nt_resp);
		vlen = CHAP_MS_VAL_LEN;
		break;
	case CHAP_ALG_MSV2:
		user = msoft_user_part(name);
		auth_random(st->cli.peer_chal, sizeof(st->cli.peer_chal));
		if (msoft_nt_password_hash(password, st->cli.nt_hash) < 0 ||
		    msoft_generate_nt_response(chal, st->cli.peer_chal, user,
		    st->cli.nt_hash, st->cli.nt_resp) < 0)
			goto hash_fail;
		memcpy(st->cli.auth_chal, chal, 16);
		util_strlcpy(st->cli.user, user, sizeof(st->cli.user));
		mschap_v2_build_resp(value, st->cli.peer_chal, st->cli.nt_resp);
		vlen = CHAP_MS_VAL_LEN;
		break;
	default:
		goto hash_fail;
	}
	if (nl > 64)
		nl = 64;
	if (proto == PROTO_EAP) {
		data[0] = (uint8_t)vlen;
		memcpy(data + 1, value, vlen);
		memcpy(data + 1 + vlen, name, nl);
		n = eap_build(st->cli.resp_pkt, sizeof(st->cli.resp_pkt),
		    EAP_RESPONSE, id, EAP_TYPE_MD5, data, 1 + vlen + nl);
	} else
		n = chap_build_value(st->cli.resp_pkt, sizeof(st->cli.resp_pkt),
		    CHAP_RESPONSE, id, value, vlen, name);
	memset(value, 0, sizeof(value));
	if (n == 0)
		return;
	st->cli.resp_len = n;
	st->cli.resp_id = id;
	st->cli.resp_proto = proto;
	st->cli.resp_valid = true;
	auth_xmit(st, proto, st->cli.resp_pkt, n);
	timer_init(&st->cli.timer, "RespTimer", auth_retry_ms(st),
	    chap_resp_timeout, st);
	if (st->l->lcp.phase == PHASE_AUTHENTICATE)
		timer_start(&st->cli.timer);
	return;
hash_fail:
	log_msg(LG_AUTH, "[%s] CHAP: Hash failure", st->l->name);
}

void
chap_client_challenge(struct auth_state *st, uint16_t proto, uint8_t id,
    const uint8_t *data, size_t len)
{
	struct link *l = st->l;
	struct chap_value v;
	char peer[AUTH_MAX_NAME + 1], shown[AUTH_MAX_NAME + 1], name[64];
	uint8_t alg;

	alg = proto == PROTO_EAP ? CHAP_ALG_MD5 : auth_chap_alg(st->cli_proto);
	if (alg == 0) {
		log_msg(LG_AUTH, "[%s] CHAP: CHALLENGE not expected", l->name);
		return;
	}
	if (st->self_to_peer == LCP_AUTH_NONE ||
	    l->lcp.phase != PHASE_AUTHENTICATE)
		log_msg(LG_AUTH, "[%s] CHAP: Not expected, but that's OK",
		    l->name);
	if (chap_parse_value(data, len, &v) < 0) {
		log_msg(LG_AUTH, "[%s]   Bogus packet", l->name);
		return;
	}
	memset(peer, 0, sizeof(peer));
	memcpy(peer, v.name, v.name_len < AUTH_MAX_NAME ? v.name_len :
	    AUTH_MAX_NAME);
	log_msg(LG_AUTH, "[%s]   Name: \"%s\"", l->name,
	    auth_printable(v.name, v.name_len, shown, sizeof(shown)));
	/* Never answer our own challenge (reflection attack). */
	if (v.value_len == st->srv.chal_len &&
	    memcmp(v.value, st->srv.chal, v.value_len) == 0) {
		log_msg(LG_AUTH, "[%s] CHAP: SECURITY: peer sent same "
		    "challenge! Ignoring.", l->name);
		return;
	}
	if ((alg == CHAP_ALG_MSV1 && v.value_len != MSOFT_CHAL_V1_LEN) ||
	    (alg == CHAP_ALG_MSV2 && v.value_len != MSOFT_CHAL_V2_LEN)) {
		log_msg(LG_AUTH, "[%s] CHAP: Hash failure", l->name);
		return;
	}
	st->cli.alg = alg;
	/* Our name: `set auth authname`, else the peer's (mpd5). */
	util_strlcpy(name, l->auth.authname[0] != '\0' ? l->auth.authname :
	    peer, sizeof(name));
	log_msg(LG_AUTH, "[%s] CHAP: Using authname \"%s\"", l->name, name);
	if (strcmp(name, l->auth.authname) == 0 &&
	    l->auth.password[0] != '\0') {
		util_strlcpy(st->cli.name, name, sizeof(st->cli.name));
		util_strlcpy(st->cli.password, l->auth.password,
		    sizeof(st->cli.password));
		st->cli.have_password = true;
	}
	if (st->cli.have_password && strcmp(st->cli.name, name) == 0) {
		chap_answer(st, proto, id, v.value, v.value_len, name,
		    st->cli.password);
		return;
	}
	/* Remember the challenge while mpd.secret is read. */
	st->cli.chal_pending = true;
	st->cli.chal_proto = proto;
	st->cli.chal_pid = id;
	memcpy(st->cli.chal, v.value, v.value_len);
	st->cli.chal_len = v.value_len;
	util_strlcpy(st->cli.name, name, sizeof(st->cli.name));
	st->cli.have_password = false;
	auth_cred_lookup(st, name);
}

void
chap_cred_ready(struct auth_state *st)
{
	if (!st->cli.chal_pending)
		return;
	st->cli.chal_pending = false;
	if (!st->cli.have_password) {
		log_msg(LG_AUTH, "[%s] CHAP: Warning: no secret for \"%s\" "
		    "found", st->l->name, st->cli.name);
		return;
	}
	chap_answer(st, st->cli.chal_proto, st->cli.chal_pid, st->cli.chal,
	    st->cli.chal_len, st->cli.name, st->cli.password);
}

/* MPPE material of our own MS-CHAP login (RFC 3079). */
static void
chap_client_keys(struct auth_state *st)
{
	uint8_t master[16];

	if (msoft_hash_nt_password_hash(st->cli.nt_hash,
	    st->cli.nt_hash_hash) < 0)
		return;
	if (st->cli.alg == CHAP_ALG_MSV1) {
		if (msoft_v1_start_key(st->cli.auth_chal, st->cli.nt_hash_hash,
		    st->cli.send_key) < 0)
			return;
		memcpy(st->cli.recv_key, st->cli.send_key, 16);
		st->cli.have_keys = true;
	} else if (msoft_get_master_key(st->cli.nt_hash_hash, st->cli.nt_resp,
	    master) == 0) {
		st->cli.have_keys =
		    msoft_get_asymmetric_start_key(master, st->cli.send_key,
		    16, true, false) == 0 &&
		    msoft_get_asymmetric_start_key(master, st->cli.recv_key,
		    16, false, false) == 0;
	}
	memset(master, 0, sizeof(master));
}

void
chap_client_result(struct auth_state *st, uint16_t proto, uint8_t id,
    bool ok, const uint8_t *msg, size_t len)
{
	struct link *l = st->l;
	uint8_t got[20], want[20];

	if (!st->cli.resp_valid || st->cli.resp_proto != proto) {
		log_msg(LG_AUTH, "[%s] %s: Not expected, but that's OK",
		    l->name, chap_pname(proto));
		return;
	}
	if (id != st->cli.resp_id) {
		/* RFC 1994 4.2: silently discarded, but say why. */
		log_msg(LG_AUTH, "[%s] %s: #%d does not match our response "
		    "#%d, ignored", l->name, chap_pname(proto), id,
		    st->cli.resp_id);
		return;
	}
	timer_stop(&st->cli.timer);
	st->cli.resp_valid = false;
	if (proto == PROTO_CHAP)
		auth_show_msg(st, msg, len);
	if (st->self_to_peer == LCP_AUTH_NONE ||
	    l->lcp.phase != PHASE_AUTHENTICATE) {
		log_msg(LG_AUTH, "[%s] %s: Not expected, but that's OK",
		    l->name, chap_pname(proto));
		return;
	}
	if (ok && st->cli.alg == CHAP_ALG_MSV2) {
		/* RFC 2759 5: the server must prove it knows the password. */
		if (mschap_v2_parse_success(msg, len, got) < 0 ||
		    msoft_generate_auth_response(st->cli.nt_hash,
		    st->cli.nt_resp, st->cli.peer_chal, st->cli.auth_chal,
		    st->cli.user, want) < 0 ||
		    memcmp(got, want, sizeof(got)) != 0) {
			log_msg(LG_AUTH, "[%s] CHAP: Invalid authenticator "
			    "response from the peer", l->name);
			ok = false;
		}
	}
	if (ok && (st->cli.alg == CHAP_ALG_MSV1 ||
	    st->cli.alg == CHAP_ALG_MSV2))
		chap_client_keys(st);
	memset(st->cli.resp_pkt, 0, sizeof(st->cli.resp_pkt));
	auth_dir_done(st, false, ok);
}

void
chap_input(struct auth_state *st, const struct auth_hdr *h)
{
	struct link *l = st->l;

	switch (h->code) {
	case CHAP_CHALLENGE:
		chap_client_challenge(st, PROTO_CHAP, h->id, h->data, h->len);
		break;
	case CHAP_RESPONSE:
		chap_server_response(st, PROTO_CHAP, h->id, h->data, h->len);
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		chap_client_result(st, PROTO_CHAP, h->id,
		    h->code == CHAP_SUCCESS, h->data, h->len);
		break;
	case CHAP_MS_V1_CHANGE_PW:
	case CHAP_MS_V2_CHANGE_PW:
		log_msg(LG_AUTH, "[%s] CHAP: Sorry changing passwords using "
		    "MS-CHAPv%d is not yet implemented", l->name,
		    h->code == CHAP_MS_V1_CHANGE_PW ? 1 : 2);
		if (st->peer_to_self != LCP_AUTH_NONE &&
		    st->srv.chap_proto == PROTO_CHAP && st->srv.req == NULL) {
			timer_stop(&st->srv.timer);
			st->srv.resp_id = h->id;
			chap_refuse(st, AUTH_FAIL_NOT_EXPECTED);
		}
		break;
	default:
		log_msg(LG_AUTH, "[%s] CHAP: unknown code %d", l->name,
		    h->code);
		break;
	}
}

void
chap_stop(struct auth_state *st)
{
	timer_stop(&st->srv.timer);
	timer_stop(&st->cli.timer);
}
