/*
 * eap.c - EAP (RFC 3748): the per-link settings (`set eap ...`, `show eap`;
 * surface spec 4.5.4, 5.9) and the protocol in both directions.
 *
 * Authenticator: Request/Identity, resent every fsm-timeout, then the
 * methods we want in order - only MD5-Challenge (RFC 3748 5.4), and only
 * with `set eap enable md5`; without it the exchange ends with "ran out of
 * EAP Types", as in mpd5.  A Nak (5.3.1) naming MD5 gets MD5 if not yet
 * tried.  The MD5 exchange itself is CHAP's (chap.c).
 *
 * Peer: Identity is answered with `set auth authname`, MD5-Challenge
 * like a CHAP challenge when `md5` is accepted (the default), any other
 * method with a Nak proposing MD5 once; Notification is acknowledged.
 * radius-proxy: every Response of the peer goes to RADIUS in EAP-Message
 * attributes (RFC 3579 3.1) and the server's EAP packets come back.
 */
#include "eap.h"

#include <string.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../ppp/link.h"
#include "../ppp/proto.h"
#include "auth_local.h"
#include "radius_proto.h"

/* In `show eap` order, as mpd5 lists them. */
static const struct opt_def eap_opts[] = {
	{ "radius-proxy", EAP_OPT_RADIUS_PROXY, false },
	{ "md5", EAP_OPT_MD5, true },
	{ NULL, 0, false },
};

/* New settings: md5 accepted, nothing enabled; owned by the caller. */
struct eap_conf *
eap_conf_new(void)
{
	struct eap_conf *c = mem_alloc("auth", sizeof(*c));

	c->options.accept = 1u << EAP_OPT_MD5;
	return c;
}

/* Copy for a template instance. */
struct eap_conf *
eap_conf_dup(const struct eap_conf *src)
{
	struct eap_conf *c = mem_alloc("auth", sizeof(*c));

	*c = *src;
	return c;
}

/* Free c; NULL is fine. */
void
eap_conf_free(struct eap_conf *c)
{
	mem_free(c);
}

static struct opt_set *
eap_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = eap_opts;
	if (ctx->lnk == NULL || ctx->lnk->eap == NULL)
		return NULL;
	return &ctx->lnk->eap->options;
}

static const struct opt_cmd_arg eap_arg_accept = { OPT_ACCEPT, eap_opt_get };
static const struct opt_cmd_arg eap_arg_deny = { OPT_DENY, eap_opt_get };
static const struct opt_cmd_arg eap_arg_enable = { OPT_ENABLE, eap_opt_get };
static const struct opt_cmd_arg eap_arg_disable = { OPT_DISABLE, eap_opt_get };
static const struct opt_cmd_arg eap_arg_yes = { OPT_YES, eap_opt_get };
static const struct opt_cmd_arg eap_arg_no = { OPT_NO, eap_opt_get };

/* The six verbs; a verb without option names is a usage error (mpd5). */
const struct cmdtab eap_set_cmds[] = {
	{ .name = "accept [opt ...]", .desc = "Accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_accept },
	{ .name = "deny [opt ...]", .desc = "Deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_deny },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_disable },
	{ .name = "yes [opt ...]", .desc = "Enable and accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_yes },
	{ .name = "no [opt ...]", .desc = "Disable and deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_no },
	{ .name = NULL },
};

/* `show eap`: the peer's EAP identity and the options (spec 5.9). */
int
eap_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	if (ctx->lnk == NULL || ctx->lnk->eap == NULL)
		return CMD_ERR_CONTEXT;
	cmd_printf(ctx, "\tIdentity     : %s\n", ctx->lnk->auth_st != NULL ?
	    ctx->lnk->auth_st->srv.eap_identity : "");
	cmd_printf(ctx, "EAP options\n");
	opt_show(ctx, &ctx->lnk->eap->options, eap_opts);
	return CMD_OK;
}

/* ---- protocol ---- */

/* md5 enabled (we request it) / accepted (we answer it). */
static bool
eap_md5_enabled(const struct link *l)
{
	return l->eap != NULL && opt_enabled(&l->eap->options, EAP_OPT_MD5);
}

static bool
eap_md5_accepted(const struct link *l)
{
	return l->eap == NULL || opt_accepted(&l->eap->options, EAP_OPT_MD5);
}

static void
eap_send(struct auth_state *st, uint8_t code, uint8_t id, uint8_t type,
    const void *data, size_t len)
{
	uint8_t pkt[AUTH_HDR_LEN + 1 + 256];
	size_t n;

	n = eap_build(pkt, sizeof(pkt), code, id, type, data, len);
	if (n > 0)
		auth_xmit(st, PROTO_EAP, pkt, n);
}

static void
eap_send_identity_request(struct auth_state *st)
{
	eap_send(st, EAP_REQUEST, st->srv.next_id++, EAP_TYPE_IDENTITY, NULL,
	    0);
}

static void
eap_ident_timeout(void *arg)
{
	struct auth_state *st = arg;

	if (--st->srv.retry > 0) {
		timer_start(&st->srv.timer);
		eap_send_identity_request(st);
	}
}

void
eap_start_server(struct auth_state *st)
{
	st->srv.eap_step = EAP_SRV_IDENTITY;
	st->srv.eap_md5_tried = false;
	st->srv.retry = AUTH_RETRIES;
	timer_init(&st->srv.timer, "EapTimer", auth_retry_ms(st),
	    eap_ident_timeout, st);
	timer_start(&st->srv.timer);
	eap_send_identity_request(st);
}

/* Request the next method (type 0: the next one we want). */
static void
eap_next_method(struct auth_state *st, uint8_t type)
{
	if ((type == 0 || type == EAP_TYPE_MD5) && !st->srv.eap_md5_tried &&
	    (type == EAP_TYPE_MD5 || eap_md5_enabled(st->l))) {
		st->srv.eap_md5_tried = true;
		st->srv.eap_step = EAP_SRV_METHOD;
		chap_start_server(st, PROTO_EAP, CHAP_ALG_MD5);
		return;
	}
	log_msg(LG_AUTH, "[%s] EAP: ran out of EAP Types", st->l->name);
	timer_stop(&st->srv.timer);
	eap_send(st, EAP_FAILURE, st->srv.next_id, 0, NULL, 0);
	auth_dir_done(st, true, false);
}

/* A Response from the peer (we are the authenticator). */
static void
eap_response(struct auth_state *st, const struct eap_pkt *e)
{
	struct link *l = st->l;
	char buf[AUTH_MAX_NAME + 1];

	if (st->srv_proto != LCP_AUTH_EAP || st->srv.eap_step == EAP_SRV_IDLE) {
		log_msg(LG_AUTH, "[%s] EAP: RESPONSE not expected", l->name);
		return;
	}
	switch (e->type) {
	case EAP_TYPE_IDENTITY:
		if (st->srv.eap_step != EAP_SRV_IDENTITY ||
		    st->peer_to_self == LCP_AUTH_NONE)
			break;		/* a late copy */
		timer_stop(&st->srv.timer);
		auth_printable(e->data, e->len, buf, sizeof(buf));
		log_msg(LG_AUTH, "[%s] EAP: Identity:%s", l->name, buf);
		memset(st->srv.eap_identity, 0, sizeof(st->srv.eap_identity));
		memcpy(st->srv.eap_identity, e->data, e->len <
		    sizeof(st->srv.eap_identity) - 1 ? e->len :
		    sizeof(st->srv.eap_identity) - 1);
		eap_next_method(st, 0);
		break;
	case EAP_TYPE_NOTIFICATION:
		log_msg(LG_AUTH, "[%s] EAP: Notify:%s ", l->name,
		    auth_printable(e->data, e->len, buf, sizeof(buf)));
		break;
	case EAP_TYPE_NAK:
		if (st->peer_to_self == LCP_AUTH_NONE)
			break;
		log_msg(LG_AUTH, "[%s] EAP: Nak desired Type %s ", l->name,
		    e->len > 0 ? eap_type_name(e->data[0]) : "none");
		timer_stop(&st->srv.timer);
		eap_next_method(st, e->len > 0 ? e->data[0] : 0);
		break;
	case EAP_TYPE_MD5:
		chap_server_response(st, PROTO_EAP, e->id, e->data, e->len);
		break;
	default:
		log_msg(LG_AUTH, "[%s] EAP: unknown type %d", l->name, e->type);
		if (st->peer_to_self != LCP_AUTH_NONE) {
			timer_stop(&st->srv.timer);
			eap_send(st, EAP_FAILURE, e->id, 0, NULL, 0);
			auth_dir_done(st, true, false);
		}
		break;
	}
}

/* Nak a method we can't or won't do, proposing MD5 once. */
static void
eap_send_nak(struct auth_state *st, uint8_t id)
{
	uint8_t want = EAP_TYPE_MD5;

	if (!eap_md5_accepted(st->l) || st->cli.eap_md5_nakked) {
		log_msg(LG_AUTH, "[%s] EAP: ran out of EAP Types", st->l->name);
		auth_dir_done(st, false, false);
		return;
	}
	st->cli.eap_md5_nakked = true;
	eap_send(st, EAP_RESPONSE, id, EAP_TYPE_NAK, &want, 1);
}

/* A Request from the peer (we authenticate to it). */
static void
eap_request(struct auth_state *st, const struct eap_pkt *e)
{
	struct link *l = st->l;
	char buf[256];

	if (st->cli_proto != LCP_AUTH_EAP) {
		log_msg(LG_AUTH, "[%s] EAP: REQUEST not expected", l->name);
		return;
	}
	switch (e->type) {
	case EAP_TYPE_IDENTITY:
		eap_send(st, EAP_RESPONSE, e->id, EAP_TYPE_IDENTITY,
		    l->auth.authname, strlen(l->auth.authname));
		break;
	case EAP_TYPE_NOTIFICATION:
		/* RFC 3748 5.2: show it and acknowledge. */
		log_msg(LG_AUTH, "[%s] EAP: Notify:%s ", l->name,
		    auth_printable(e->data, e->len, buf, sizeof(buf)));
		eap_send(st, EAP_RESPONSE, e->id, EAP_TYPE_NOTIFICATION, NULL,
		    0);
		break;
	case EAP_TYPE_NAK:
		log_msg(LG_AUTH, "[%s] EAP: Type %s is invalid in Request "
		    "messages", l->name, eap_type_name(e->type));
		auth_dir_done(st, false, false);
		break;
	case EAP_TYPE_MD5:
		if (!eap_md5_accepted(l)) {
			log_msg(LG_AUTH, "[%s] EAP: Type %s not acceptable",
			    l->name, eap_type_name(e->type));
			eap_send_nak(st, e->id);
			break;
		}
		chap_client_challenge(st, PROTO_EAP, e->id, e->data, e->len);
		break;
	default:
		log_msg(LG_AUTH, "[%s] EAP: Type %s not supported", l->name,
		    eap_type_name(e->type));
		eap_send_nak(st, e->id);
		break;
	}
}

/* Success or Failure for our side. */
static void
eap_result(struct auth_state *st, const struct eap_pkt *e)
{
	if (st->cli_proto != LCP_AUTH_EAP ||
	    st->self_to_peer == LCP_AUTH_NONE) {
		log_msg(LG_AUTH, "[%s] EAP: Not expected, but that's OK",
		    st->l->name);
		return;
	}
	timer_stop(&st->cli.timer);
	st->cli.resp_valid = false;
	auth_dir_done(st, false, e->code == EAP_SUCCESS);
}

/* ---- radius-proxy (RFC 3579) ---- */

static bool
eap_proxy(const struct link *l)
{
	return l->eap != NULL &&
	    opt_enabled(&l->eap->options, EAP_OPT_RADIUS_PROXY);
}

/* Relay a Response of the peer to the RADIUS server. */
static void
eap_proxy_relay(struct auth_state *st, const struct eap_pkt *e,
    const uint8_t *pkt, size_t len)
{
	struct link *l = st->l;
	struct auth_req *req;
	char buf[AUTH_MAX_NAME + 1];

	if (st->srv.req != NULL) {
		log_msg(LG_AUTH, "[%s] EAP: Auth return status: %s", l->name,
		    auth_status_text(AUTH_STATUS_BUSY));
		return;
	}
	if (e->type == EAP_TYPE_IDENTITY) {
		auth_printable(e->data, e->len, buf, sizeof(buf));
		log_msg(LG_AUTH, "[%s] EAP: Identity:%s", l->name, buf);
		memset(st->srv.eap_identity, 0, sizeof(st->srv.eap_identity));
		memcpy(st->srv.eap_identity, e->data, e->len <
		    sizeof(st->srv.eap_identity) - 1 ? e->len :
		    sizeof(st->srv.eap_identity) - 1);
	}
	timer_stop(&st->srv.timer);
	st->srv.eap_step = EAP_SRV_METHOD;
	st->srv.resp_id = e->id;
	log_msg(LG_AUTH, "[%s] EAP: relaying %s to RADIUS", l->name,
	    eap_type_name(e->type));
	req = auth_req_new(st, PROTO_EAP, LCP_AUTH_EAP, st->srv.eap_identity);
	if (len > sizeof(req->eap))
		len = sizeof(req->eap);
	memcpy(req->eap, pkt, len);
	req->eap_len = len;
	memcpy(req->data.state, st->data.state, st->data.state_len);
	req->data.state_len = st->data.state_len;
	if (req->rad == NULL) {
		req->rad = mem_alloc("radius", sizeof(*req->rad));
		radius_snap_fill(req->rad, l);
	}
	auth_backend_start(st, req);
}

void
eap_proxy_finish(struct auth_state *st, struct auth_req *req)
{
	const uint8_t *p = req->eap;
	size_t n = req->eap_len;
	bool have = n >= AUTH_HDR_LEN && (size_t)(p[2] << 8 | p[3]) == n;

	if (req->status == AUTH_STATUS_BUSY)
		return;
	if (req->rad_code == RAD_ACCESS_CHALLENGE && have) {
		auth_xmit(st, PROTO_EAP, p, n);
		return;
	}
	if (req->status == AUTH_STATUS_SUCCESS) {
		if (have && p[0] == EAP_SUCCESS)
			auth_xmit(st, PROTO_EAP, p, n);
		else
			eap_send(st, EAP_SUCCESS, st->srv.resp_id, 0, NULL, 0);
		if (req->data.mppe_keys) {
			memcpy(st->srv.send_key, req->data.mppe_send_key, 16);
			memcpy(st->srv.recv_key, req->data.mppe_recv_key, 16);
			st->srv.have_keys = true;
		}
		st->srv.done = true;
		auth_dir_done(st, true, true);
		return;
	}
	if (have && p[0] == EAP_FAILURE)
		auth_xmit(st, PROTO_EAP, p, n);
	else
		eap_send(st, EAP_FAILURE, st->srv.resp_id, 0, NULL, 0);
	auth_dir_done(st, true, false);
}

void
eap_input(struct auth_state *st, const uint8_t *pkt, size_t len)
{
	struct eap_pkt e;

	if (eap_parse(pkt, len, &e) < 0) {
		log_msg(LG_AUTH, "[%s] EAP: rec'd runt packet: %d bytes",
		    st->l->name, (int)len);
		return;
	}
	if (e.code == EAP_RESPONSE && eap_proxy(st->l) &&
	    st->srv_proto == LCP_AUTH_EAP &&
	    st->srv.eap_step != EAP_SRV_IDLE &&
	    st->peer_to_self != LCP_AUTH_NONE) {
		eap_proxy_relay(st, &e, pkt, len);
		return;
	}
	switch (e.code) {
	case EAP_REQUEST:
		eap_request(st, &e);
		break;
	case EAP_RESPONSE:
		eap_response(st, &e);
		break;
	case EAP_SUCCESS:
	case EAP_FAILURE:
		eap_result(st, &e);
		break;
	default:
		log_msg(LG_AUTH, "[%s] EAP: unknown code %d", st->l->name,
		    e.code);
		break;
	}
}

void
eap_stop(struct auth_state *st)
{
	timer_stop(&st->srv.timer);
	st->srv.eap_step = EAP_SRV_IDLE;
}
