/*
 * pap.c - the Password Authentication Protocol (RFC 1334 section 2) in
 * both directions.
 *
 * As the authenticated side we send Authenticate-Request with
 * `set auth authname` and `set auth password` (else the password mpd.secret
 * has for that name) every fsm-timeout, AUTH_RETRIES times, until an Ack
 * or Nak arrives.  As the authenticator we wait for the peer's Request,
 * run the backends on its name and answer Ack or Nak with mpd5's message
 * texts.  Log lines follow mpd5 ("[L1] PAP: rec'd REQUEST #1 len: 18").
 */
#include "auth_local.h"

#include <string.h>

#include "../core/log.h"
#include "../core/util.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"

static void
pap_send_request(struct auth_state *st)
{
	uint8_t pkt[AUTH_HDR_LEN + 2 + 255 + 255];
	size_t n;

	n = pap_build_request(pkt, sizeof(pkt), st->cli.next_id++,
	    st->l->auth.authname, st->cli.have_password ? st->cli.password :
	    "");
	if (n > 0)
		auth_xmit(st, PROTO_PAP, pkt, n);
	memset(pkt, 0, sizeof(pkt));
}

static void
pap_timeout(void *arg)
{
	struct auth_state *st = arg;

	if (--st->cli.retry > 0) {
		timer_start(&st->cli.timer);
		pap_send_request(st);
	}
}

/* Send the first Request and arm the retransmission timer. */
static void
pap_begin(struct auth_state *st)
{
	st->cli.retry = AUTH_RETRIES;
	timer_init(&st->cli.timer, "PapTimer", auth_retry_ms(st), pap_timeout,
	    st);
	timer_start(&st->cli.timer);
	pap_send_request(st);
}

void
pap_start_client(struct auth_state *st)
{
	struct link *l = st->l;

	log_msg(LG_AUTH, "[%s] PAP: using authname \"%s\"", l->name,
	    l->auth.authname);
	st->cli.next_id = 1;
	if (l->auth.password[0] != '\0') {
		util_strlcpy(st->cli.name, l->auth.authname,
		    sizeof(st->cli.name));
		util_strlcpy(st->cli.password, l->auth.password,
		    sizeof(st->cli.password));
		st->cli.have_password = true;
		pap_begin(st);
		return;
	}
	/* mpd.secret may run a program: look it up off the loop. */
	auth_cred_lookup(st, l->auth.authname);
}

void
pap_cred_ready(struct auth_state *st)
{
	if (!st->running || st->self_to_peer != LCP_AUTH_PAP)
		return;
	if (!st->cli.have_password)
		log_msg(LG_AUTH, "[%s] PAP: Warning: no secret for \"%s\" found",
		    st->l->name, st->l->auth.authname);
	pap_begin(st);
}

void
pap_stop(struct auth_state *st)
{
	timer_stop(&st->cli.timer);
}

/* Ack or Nak with msg; remembered so a repeated Request gets it again. */
static void
pap_reply(struct auth_state *st, uint8_t code, uint8_t id, const char *msg)
{
	uint8_t pkt[AUTH_HDR_LEN + 1 + 255];
	size_t n;

	n = pap_build_reply(pkt, sizeof(pkt), code, id, msg);
	if (n == 0)
		return;
	auth_xmit(st, PROTO_PAP, pkt, n);
}

static void
pap_request(struct auth_state *st, const struct auth_hdr *h)
{
	struct link *l = st->l;
	struct pap_request r;
	struct auth_req *req;
	char name[AUTH_MAX_NAME + 1], shown[AUTH_MAX_NAME + 1], msg[128];
	char code[16];

	if (st->srv_proto != LCP_AUTH_PAP ||
	    st->peer_to_self != LCP_AUTH_PAP) {
		if (st->srv_proto == LCP_AUTH_PAP && st->srv.done) {
			/* Our Ack was lost: the peer asks again. */
			log_msg(LG_AUTH, "[%s] PAP: retransmitting ACK",
			    l->name);
			pap_reply(st, PAP_ACK, h->id,
			    st->data.reply_message[0] != '\0' ?
			    st->data.reply_message : AUTH_MSG_WELCOME);
			return;
		}
		log_msg(LG_AUTH, "[%s] PAP: %s not expected", l->name,
		    pap_code_name(h->code, code, sizeof(code)));
		return;
	}
	if (pap_parse_request(h->data, h->len, &r) < 0) {
		log_msg(LG_AUTH, "[%s] PAP: Bad PAP packet", l->name);
		auth_fail_msg(NULL, AUTH_FAIL_INVALID_PACKET, 0, NULL, 0, msg,
		    sizeof(msg));
		pap_reply(st, PAP_NAK, h->id, msg);
		auth_dir_done(st, true, false);
		return;
	}
	/* Names stop at a NUL byte and at AUTH_MAX_NAME characters. */
	memset(name, 0, sizeof(name));
	memcpy(name, r.name, r.name_len < AUTH_MAX_NAME ? r.name_len :
	    AUTH_MAX_NAME);
	log_msg(LG_AUTH, "[%s]   Name: \"%s\"", l->name,
	    auth_printable((const uint8_t *)name, strlen(name), shown,
	    sizeof(shown)));
	if (st->srv.req != NULL) {
		/* A repeated Request while the backends still work. */
		log_msg(LG_AUTH, "[%s] PAP: Auth return status: %s", l->name,
		    auth_status_text(AUTH_STATUS_BUSY));
		return;
	}
	memset(st->srv.pap_pass, 0, sizeof(st->srv.pap_pass));
	memcpy(st->srv.pap_pass, r.pass, r.pass_len);
	st->srv.resp_id = h->id;
	req = auth_req_new(st, PROTO_PAP, LCP_AUTH_PAP, name);
	req->ext.send_password = true;
	util_strlcpy(req->ext.password, st->srv.pap_pass,
	    sizeof(req->ext.password));
	auth_backend_start(st, req);
}

void
pap_server_finish(struct auth_state *st, struct auth_req *req)
{
	struct link *l = st->l;
	const char *msg;
	char fail[128];

	log_msg(LG_AUTH, "[%s] PAP: Auth return status: %s", l->name,
	    auth_status_text(req->status));
	switch (req->status) {
	case AUTH_STATUS_BUSY:
		return;
	case AUTH_STATUS_FAIL:
		goto bad;
	case AUTH_STATUS_SUCCESS:
		goto good;
	case AUTH_STATUS_UNDEF:
	default:
		break;
	}
	/* Does the password match what the backend knows? */
	if (!req->have_password ||
	    strcmp(req->password, st->srv.pap_pass) != 0) {
		log_msg(LG_AUTH, "[%s] PAP: Invalid response", l->name);
		req->why_fail = AUTH_FAIL_INVALID_LOGIN;
		goto bad;
	}
good:
	log_msg(LG_AUTH, "[%s] PAP: Response is valid", l->name);
	msg = req->have_reply_message ? req->data.reply_message :
	    AUTH_MSG_WELCOME;
	log_msg(LG_AUTH, "[%s] PAP: Reply message: %s", l->name, msg);
	memset(st->srv.pap_pass, 0, sizeof(st->srv.pap_pass));
	st->srv.done = true;
	pap_reply(st, PAP_ACK, st->srv.resp_id, msg);
	auth_dir_done(st, true, true);
	return;
bad:
	msg = auth_fail_msg(req, req->why_fail, 0, NULL, 0, fail,
	    sizeof(fail));
	log_msg(LG_AUTH, "[%s] PAP: Reply message: %s", l->name, msg);
	memset(st->srv.pap_pass, 0, sizeof(st->srv.pap_pass));
	pap_reply(st, PAP_NAK, st->srv.resp_id, msg);
	auth_dir_done(st, true, false);
}

/* Ack or Nak for our Request. */
static void
pap_result(struct auth_state *st, const struct auth_hdr *h)
{
	const uint8_t *msg;
	size_t mlen;
	char code[16];

	if (st->cli_proto != LCP_AUTH_PAP ||
	    st->self_to_peer != LCP_AUTH_PAP) {
		log_msg(LG_AUTH, "[%s] PAP: %s not expected", st->l->name,
		    pap_code_name(h->code, code, sizeof(code)));
		return;
	}
	timer_stop(&st->cli.timer);
	pap_parse_reply(h->data, h->len, &msg, &mlen);
	auth_show_msg(st, msg, mlen);
	auth_dir_done(st, false, h->code == PAP_ACK);
}

void
pap_input(struct auth_state *st, const struct auth_hdr *h)
{
	switch (h->code) {
	case PAP_REQUEST:
		pap_request(st, h);
		break;
	case PAP_ACK:
	case PAP_NAK:
		pap_result(st, h);
		break;
	default:
		log_msg(LG_AUTH, "[%s] PAP: unknown code", st->l->name);
		break;
	}
}
