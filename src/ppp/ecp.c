/*
 * ecp.c - the Encryption Control Protocol of a bundle (RFC 1968) with
 * DESE-bis (RFC 2419, option 3, preferred) and DESE (RFC 1969, option 1).
 *
 * `set ecp enable X` asks for X on receive (our Configure-Request carries
 * the nonce the peer encrypts to us with), `accept X` lets the peer ask
 * for it; both ends use the DES key of `set ecp key`, without which ECP
 * offers and accepts nothing.  While ECP is Opened, data frames that are
 * not encrypted are dropped (RFC 1968 4).  DESE frames decrypt on their
 * own (see dese.h), so Reset-Requests are acknowledged and need nothing
 * else.  Runs when `set bundle enable encryption` is on.  Event-loop
 * thread only.
 */
#include "ecp.h"

#include <string.h>
#include <sys/random.h>

#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "bund.h"
#include "dese.h"
#include "iface.h"
#include "proto.h"

#define ECP_REJ(t)	(1u << ((t) & 31))

static struct ecp_state *
ecp_of(struct fsm *f)
{
	return ((struct bund *)f->owner)->ecp;
}

static void
ecp_sync(struct bund *b)
{
	if (b->ecp != NULL)
		b->ecp_state = b->ecp->fsm.state;
}

const char *
ecp_type_name(int type)
{
	switch (type) {
	case DESE_TY_BIS:
		return "dese-bis";
	case DESE_TY_OLD:
		return "dese-old";
	default:
		return "none";
	}
}

static bool
ecp_have_key(const struct ecp_state *st)
{
	return st->bund->ecp_conf.key[0] != '\0';
}

static void
ecp_configure(struct fsm *f)
{
	struct ecp_state *st = ecp_of(f);

	st->peer_reject = 0;
	st->peer_type = 0;
	if (getrandom(st->my_nonce, sizeof(st->my_nonce), 0) !=
	    (ssize_t)sizeof(st->my_nonce)) {
		uint64_t t = event_now_ms() * 2654435761u;

		memcpy(st->my_nonce, &t, 8);
	}
}

static int
ecp_want_type(const struct ecp_state *st)
{
	const struct opt_set *o = &st->bund->ecp_conf.options;

	if (!ecp_have_key(st))
		return 0;
	if (opt_enabled(o, ECP_OPT_DESE_BIS) &&
	    !(st->peer_reject & ECP_REJ(DESE_TY_BIS)))
		return DESE_TY_BIS;
	if (opt_enabled(o, ECP_OPT_DESE_OLD) &&
	    !(st->peer_reject & ECP_REJ(DESE_TY_OLD)))
		return DESE_TY_OLD;
	return 0;
}

static size_t
ecp_build_config(struct fsm *f, uint8_t *buf, size_t len)
{
	struct ecp_state *st = ecp_of(f);
	int t = ecp_want_type(st);

	if (t == 0 || len < 10)
		return 0;
	buf[0] = (uint8_t)t;
	buf[1] = 10;
	memcpy(buf + 2, st->my_nonce, 8);
	return 10;
}

static void
ecp_decode_config(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	struct ecp_state *st = ecp_of(f);
	const struct opt_set *o = &st->bund->ecp_conf.options;
	const char *bname = st->bund->name;
	bool taken = false, ok;
	uint8_t type, olen;

	if (mode == FSM_MODE_REQ) {
		if (d == NULL)
			return;
		st->peer_type = 0;
	}
	while (len > 0) {
		if (fsm_opt_bogus(f, opts, len))
			return;
		type = opts[0];
		olen = opts[1];
		log_msg(LG_ECP, "[%s]   %s", bname, type == DESE_TY_BIS ?
		    "DESE-BIS" : type == DESE_TY_OLD ? "DESE" : "UNKNOWN");
		ok = (type == DESE_TY_BIS || type == DESE_TY_OLD) &&
		    olen == 10;
		switch (mode) {
		case FSM_MODE_REQ:
			if (!taken && ok && ecp_have_key(st) &&
			    opt_accepted(o, type == DESE_TY_BIS ?
			    ECP_OPT_DESE_BIS : ECP_OPT_DESE_OLD)) {
				fsm_ack(d, opts, olen);
				st->peer_type = type;
				memcpy(st->peer_nonce, opts + 2, 8);
				taken = true;
			} else
				fsm_rej(d, opts, olen);
			break;
		case FSM_MODE_NAK:
			/* a nonce Nak: take the peer's nonce */
			if (ok && type == ecp_want_type(st))
				memcpy(st->my_nonce, opts + 2, 8);
			else
				st->peer_reject |= ECP_REJ(type);
			break;
		case FSM_MODE_REJ:
			st->peer_reject |= ECP_REJ(type);
			break;
		case FSM_MODE_NOP:
			break;
		}
		opts += olen;
		len -= olen;
	}
}

static void
ecp_free_dirs(struct ecp_state *st)
{
	if (st->xmit != NULL) {
		dese_dir_fini(st->xmit);
		mem_free(st->xmit);
	}
	if (st->recv != NULL) {
		dese_dir_fini(st->recv);
		mem_free(st->recv);
	}
	st->xmit = NULL;
	st->recv = NULL;
	st->xmit_type = 0;
	st->recv_type = 0;
}

static struct dese_dir *
ecp_new_dir(struct ecp_state *st, int type, const uint8_t nonce[8], bool tx)
{
	struct dese_dir *d = mem_alloc("ecp_dese", sizeof(*d));
	uint8_t key[8];

	dese_key_from_string(st->bund->ecp_conf.key, key);
	if (dese_dir_init(d, key, nonce, type == DESE_TY_BIS, tx) < 0) {
		log_msg(LG_ERR, "[%s] ECP: DES is not available",
		    st->bund->name);
		mem_free(d);
		d = NULL;
	}
	memset(key, 0, sizeof(key));
	return d;
}

static void
ecp_layer_up(struct fsm *f)
{
	struct ecp_state *st = ecp_of(f);
	struct bund *b = st->bund;
	int want = ecp_want_type(st);

	ecp_free_dirs(st);
	if (st->peer_type != 0 &&
	    (st->xmit = ecp_new_dir(st, st->peer_type, st->peer_nonce,
	    true)) != NULL)
		st->xmit_type = st->peer_type;
	if (want != 0 &&
	    (st->recv = ecp_new_dir(st, want, st->my_nonce, false)) != NULL)
		st->recv_type = want;
	b->ecp_state = FSM_ST_OPENED;
	log_msg(LG_ECP, "[%s] ECP: Encrypt using: %s", b->name,
	    ecp_type_name(st->xmit_type));
	log_msg(LG_ECP, "[%s] ECP: Decrypt using: %s", b->name,
	    ecp_type_name(st->recv_type));
	/* DESE is user-space work: off the kernel data plane (kccp) */
	if (st->xmit_type != 0 || st->recv_type != 0)
		iface_dp_fallback(b, "ECP negotiated");
	iface_update_mtu(b);
	ccp_check_crypt(b);
}

static void
ecp_layer_finish(struct fsm *f)
{
	struct bund *b = ecp_of(f)->bund;

	ecp_sync(b);
	ccp_check_crypt(b);
}

static void
ecp_layer_down(struct fsm *f)
{
	struct ecp_state *st = ecp_of(f);

	ecp_free_dirs(st);
	iface_update_mtu(st->bund);
}

static bool
ecp_recv_code(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct ecp_state *st = ecp_of(f);

	(void)data;
	(void)len;
	if (code == FSM_CODE_RESETREQ) {
		st->resets_in++;
		if (f->state == FSM_ST_OPENED)
			fsm_send(f, FSM_CODE_RESETACK, id, NULL, 0);
		return true;
	}
	return code == FSM_CODE_RESETACK;
}

const struct fsm_type ecp_fsm_type = {
	.name = "ECP",
	.proto = PROTO_ECP,
	.codes = FSM_CODES_BASIC | FSM_CODE_BIT(FSM_CODE_RESETREQ) |
	    FSM_CODE_BIT(FSM_CODE_RESETACK),
	.log = LG_ECP,
	.log2 = LG_ECP2,
	.link_level = false,
	.configure = ecp_configure,
	.build_config = ecp_build_config,
	.decode_config = ecp_decode_config,
	.layer_up = ecp_layer_up,
	.layer_down = ecp_layer_down,
	.layer_finish = ecp_layer_finish,
	.recv_code = ecp_recv_code,
};

/* ---- bundle interface ---- */

void
ecp_init(struct bund *b)
{
	struct ecp_state *st;

	if (b->ecp != NULL)
		return;
	st = mem_alloc("ecp", sizeof(*st));
	st->bund = b;
	b->ecp = st;
	fsm_init(&st->fsm, &ecp_fsm_type, b, b->name, bund_fsm_output,
	    b->conf.fsm_timeout);
	ecp_sync(b);
}

void
ecp_fini(struct bund *b)
{
	struct ecp_state *st = b->ecp;

	if (st == NULL)
		return;
	fsm_stop(&st->fsm);
	ecp_free_dirs(st);
	b->ecp = NULL;
	b->ecp_state = FSM_ST_INITIAL;
	mem_free(st);
}

#define ECP_EVENT(fn, ev)						\
void									\
fn(struct bund *b)							\
{									\
	if (b->ecp == NULL)						\
		return;							\
	ev(&b->ecp->fsm);						\
	ecp_sync(b);							\
}
ECP_EVENT(ecp_close, fsm_close)
ECP_EVENT(ecp_up, fsm_up)
ECP_EVENT(ecp_down, fsm_down)
ECP_EVENT(ecp_protorej, fsm_protorej)

void
ecp_open(struct bund *b)
{
	if (b->ecp == NULL)
		return;
	b->ecp->fsm.timeout = b->conf.fsm_timeout;
	fsm_open(&b->ecp->fsm);
	ecp_sync(b);
}

void
ecp_input(struct bund *b, const uint8_t *pkt, size_t len)
{
	if (b->ecp == NULL)
		return;
	fsm_input(&b->ecp->fsm, pkt, len);
	ecp_sync(b);
}

bool
ecp_xmit_active(const struct bund *b)
{
	return b->ecp != NULL && b->ecp->fsm.state == FSM_ST_OPENED &&
	    b->ecp->xmit != NULL;
}

bool
ecp_recv_active(const struct bund *b)
{
	return b->ecp != NULL && b->ecp->fsm.state == FSM_ST_OPENED &&
	    b->ecp->recv != NULL;
}

bool
ecp_encrypted(const struct bund *b)
{
	return ecp_xmit_active(b) && ecp_recv_active(b);
}

int
ecp_mtu_overhead(const struct bund *b)
{
	return ecp_xmit_active(b) ? DESE_OVHD + 2 : 0;
}

struct mbuf *
ecp_output(struct bund *b, uint16_t *proto, struct mbuf *m)
{
	struct mbuf *n = mb_alloc(m->len + 32);
	int len;

	len = dese_encode(b->ecp->xmit, *proto, m->data, m->len, n->data,
	    mb_tailroom(n));
	mb_free(m);
	if (len < 0) {
		mb_free(n);
		return NULL;
	}
	(void)mb_append(n, (size_t)len);
	*proto = PROTO_CRYPT;
	return n;
}

struct mbuf *
ecp_input_data(struct bund *b, uint16_t *proto, struct mbuf *m)
{
	struct mbuf *n;
	size_t olen = 0;

	if (!ecp_recv_active(b)) {
		mb_free(m);
		return NULL;
	}
	n = mb_alloc(m->len + 16);
	if (dese_decode(b->ecp->recv, m->data, m->len, proto, n->data,
	    mb_tailroom(n), &olen) < 0) {
		b->ecp->rx_bad++;
		log_msg(LG_ECP2, "[%s] ECP: bad encrypted frame of %zu bytes "
		    "dropped", b->name, m->len);
		mb_free(n);
		mb_free(m);
		return NULL;
	}
	mb_free(m);
	(void)mb_append(n, olen);
	return n;
}
