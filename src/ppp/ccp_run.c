/*
 * ccp_run.c - the Compression Control Protocol of a bundle (RFC 1962)
 * and the compressed-datagram data path.
 *
 * Algorithms, in mpd5's preference order: MPPC/MPPE (option 18; RFC 2118,
 * 3078, 3079), Deflate (26; RFC 1979), Predictor-1 (1; RFC 1978).  `set ccp
 * enable X` makes us ask for X on receive, `accept X` lets the peer ask
 * for it (our transmit).  We ask for one algorithm at a time, the most
 * preferred one the peer has not rejected; of a peer's request we take
 * the first option we can use and reject the rest.
 *
 * Option 18 bits: encryption needs MS-CHAP (or RADIUS) keys; with several
 * key lengths on offer the strongest is kept and the rest Nak'ed away, as
 * Windows and pppd expect.
 *
 * Reset-Request/Reset-Ack (RFC 1962 2.4): a decoder that loses sync asks
 * once (again after a second without the Ack; never more than ten a
 * second) and drops compressed frames
 * until the Ack (Deflate, Predictor-1) or the next FLUSHED frame (MPPC,
 * whose Reset-Request is not acknowledged, RFC 3078 8).  The compressor
 * side restarts on each Reset-Request.
 *
 * `set bundle enable crypt-reqd`: no data passes until MPPE (or ECP) is
 * up in both directions, and when CCP ends up without it the bundle is
 * closed ("failed to negotiate required encryption").
 *
 * All functions run on the event-loop thread.
 */
#include "ccp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "../dp/dp.h"
#include "../sys/pppdev.h"
#include "bund.h"
#include "deflate.h"
#include "iface.h"
#include "ecp.h"
#include "mppe.h"
#include "pred1.h"
#include "proto.h"

#define CCP_REJ(t)		(1u << ((t) & 31))
#define CCP_RESET_RETRY_MS	1000
#define CCP_FRAME_MAX		8192

static struct ccp_state *
ccp_of(struct fsm *f)
{
	return ((struct bund *)f->owner)->ccp;
}

static void
ccp_sync(struct bund *b)
{
	if (b->ccp != NULL)
		b->ccp_state = b->ccp->fsm.state;
}

static const char *
ccp_type_name(int type)
{
	switch (type) {
	case CCP_TY_MPPC:
		return "MPPC";
	case CCP_TY_DEFLATE:
		return "deflate";
	case CCP_TY_PRED1:
		return "pred1";
	default:
		return "none";
	}
}

/* ---- option 18 bit sets ---- */

/* The bits the mppc options allow; enable (our receive) or accept. */
static uint32_t
ccp_mppc_allowed(const struct ccp_state *st, bool enable)
{
	const struct opt_set *o = &st->bund->ccp_conf.mppc;
	uint32_t bits = 0;

#define CCP_ON(opt)	(enable ? opt_enabled(o, opt) : opt_accepted(o, opt))
	if (CCP_ON(MPPC_OPT_COMPRESS))
		bits |= MPPE_BIT_C;
	if (st->have_keys) {
		if (CCP_ON(MPPC_OPT_E40))
			bits |= MPPE_BIT_L;
		if (CCP_ON(MPPC_OPT_E56))
			bits |= MPPE_BIT_M;
		if (CCP_ON(MPPC_OPT_E128))
			bits |= MPPE_BIT_S;
	}
	if (CCP_ON(MPPC_OPT_STATELESS))
		bits |= MPPE_BIT_H;
#undef CCP_ON
	return bits;
}

/* Keep the strongest key length only. */
static uint32_t
ccp_mppc_one_key(uint32_t bits)
{
	if (bits & MPPE_BIT_S)
		return bits & ~(MPPE_BIT_M | MPPE_BIT_L);
	if (bits & MPPE_BIT_M)
		return bits & ~MPPE_BIT_L;
	return bits;
}

/* Something worth running: compression or encryption. */
static bool
ccp_mppc_useful(uint32_t bits)
{
	return (bits & (MPPE_BIT_C | MPPE_BITS_ENC)) != 0;
}

static void
ccp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
ccp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* ---- CCP in the kernel data plane (kccp) ---- */

/* b is on a backend with kernel compressors (dp/kernel.c). */
static bool
ccp_kernel(const struct bund *b)
{
	return b->dp != NULL && b->dp->ccp_set != NULL && b->dp_state != NULL;
}

/* The unit's SC_CCP_OPEN / SC_CCP_UP. */
static void
ccp_kernel_flags(struct ccp_state *st, bool open, bool up)
{
	struct bund *b = st->bund;

	if (ccp_kernel(b) && b->dp->ccp_flags(b, open, up) < 0)
		log_perr(LG_ERR, "[%s] CCP: can't set the CCP flags of %s",
		    b->name, b->iface.ifname);
}

/*
 * Allocate the kernel compressor (tx) or decompressor for what is being
 * negotiated, before the Configure-Ack that starts it passes the unit.
 * What the kernel can't do is left to ccp_kernel_check(); a failed
 * request (module missing, ...) is remembered there as the reason.
 */
static void
ccp_kernel_set(struct ccp_state *st, int type, uint32_t bits, int wbits,
    bool tx)
{
	struct bund *b = st->bund;
	uint8_t opt[PPPDEV_CCP_OPT_MAX];
	char why[64];
	size_t n = 0;

	if (tx)
		st->k_xmit = false;
	else
		st->k_recv = false;
	if (!ccp_kernel(b) || type == 0 ||
	    !dp_ccp_kernel_ok(type, bits, wbits, why, sizeof(why)))
		return;
	if (type == CCP_TY_MPPC)
		n = pppdev_ccp_mppe_opt(opt, sizeof(opt), bits,
		    tx ? st->send_key : st->recv_key);
	else if (type == CCP_TY_DEFLATE)
		n = pppdev_ccp_deflate_opt(opt, sizeof(opt), type, wbits);
	if (n > 0 && b->dp->ccp_set(b, opt, n, tx) < 0) {
		log_perr(LG_ERR, "[%s] CCP: no kernel %s for %s", b->name,
		    tx ? "compressor" : "decompressor", ccp_type_name(type));
		snprintf(st->k_why, sizeof(st->k_why), "kernel %s: %s",
		    ccp_type_name(type), strerror(errno));
	} else if (n > 0) {
		if (tx)
			st->k_xmit = true;
		else
			st->k_recv = true;
	}
	memset(opt, 0, sizeof(opt));
}

/*
 * CCP opened: the kernel runs both directions (SC_CCP_UP), or the
 * bundle moves to the tun backend, whose user-space codecs ccp_layer_up()
 * has just set up.
 */
static void
ccp_kernel_check(struct ccp_state *st, int want)
{
	struct bund *b = st->bund;
	char why[64] = "";

	if (!ccp_kernel(b))
		return;
	if (!dp_ccp_kernel_ok(st->peer_type, st->peer_mppc, st->peer_wbits,
	    why, sizeof(why)) ||
	    !dp_ccp_kernel_ok(want, st->want_mppc, st->want_wbits, why,
	    sizeof(why)))
		;
	else if (st->k_why[0] != '\0')
		snprintf(why, sizeof(why), "%s", st->k_why);
	else if ((st->peer_type != 0 && !st->k_xmit) ||
	    (want != 0 && !st->k_recv))
		snprintf(why, sizeof(why), "no kernel compressor");
	if (why[0] == '\0') {
		ccp_kernel_flags(st, true, true);
		return;
	}
	st->k_xmit = st->k_recv = false;
	snprintf(st->k_why, sizeof(st->k_why), "%s", why);
	iface_dp_fallback(b, why);
}

/*
 * Every CCP packet we send passes here before the unit: our
 * Configure-Request opens CCP in the kernel and allocates the
 * decompressor for the option it asks for (the peer's Ack of it starts
 * it), our Configure-Ack allocates the compressor for the option it
 * acks (it starts when this Ack passes the unit).  The packet itself is
 * what counts: the automaton also builds requests only to compare them.
 */
static int
ccp_fsm_output(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct ccp_state *st = ccp_of(f);
	const uint8_t *opt = pkt + 4;
	int type = 0, wbits = 0;
	uint32_t bits = 0;

	if (ccp_kernel(st->bund) && len >= 4 &&
	    (pkt[0] == FSM_CODE_CONFIGREQ || pkt[0] == FSM_CODE_CONFIGACK)) {
		if (len >= 10 && opt[0] == CCP_TY_MPPC && opt[1] == 6) {
			type = CCP_TY_MPPC;
			bits = ccp_get32(opt + 2);
		} else if (len >= 8 && opt[0] == CCP_TY_DEFLATE &&
		    opt[1] == 4) {
			type = CCP_TY_DEFLATE;
			wbits = (opt[2] >> 4) + 8;
		} else if (len > 4)
			type = opt[0];
		if (pkt[0] == FSM_CODE_CONFIGREQ)
			ccp_kernel_flags(st, true, false);
		ccp_kernel_set(st, type, bits, wbits,
		    pkt[0] == FSM_CODE_CONFIGACK);
	}
	return st->lower(f, pkt, len);
}

/* ---- automaton callbacks ---- */

static void
ccp_configure(struct fsm *f)
{
	struct ccp_state *st = ccp_of(f);

	st->peer_reject = 0;
	st->want_mppc = ccp_mppc_allowed(st, true);
	st->want_wbits = DEFLATE_MAX_WBITS;
	st->peer_type = 0;
	st->peer_mppc = 0;
	st->peer_wbits = 0;
	st->k_xmit = st->k_recv = false;
	st->k_why[0] = '\0';
}

/* The algorithm we ask for now (0: none). */
static int
ccp_want_type(const struct ccp_state *st)
{
	const struct opt_set *o = &st->bund->ccp_conf.options;

	if (opt_enabled(o, CCP_OPT_MPPC) &&
	    !(st->peer_reject & CCP_REJ(CCP_TY_MPPC)) &&
	    ccp_mppc_useful(st->want_mppc))
		return CCP_TY_MPPC;
	if (opt_enabled(o, CCP_OPT_DEFLATE) &&
	    !(st->peer_reject & CCP_REJ(CCP_TY_DEFLATE)))
		return CCP_TY_DEFLATE;
	if (opt_enabled(o, CCP_OPT_PRED1) &&
	    !(st->peer_reject & CCP_REJ(CCP_TY_PRED1)))
		return CCP_TY_PRED1;
	return 0;
}

static size_t
ccp_build_config(struct fsm *f, uint8_t *buf, size_t len)
{
	struct ccp_state *st = ccp_of(f);

	switch (ccp_want_type(st)) {
	case CCP_TY_MPPC:
		if (len < 6)
			return 0;
		buf[0] = CCP_TY_MPPC;
		buf[1] = 6;
		ccp_put32(buf + 2, st->want_mppc);
		return 6;
	case CCP_TY_DEFLATE:
		if (len < 4)
			return 0;
		buf[0] = CCP_TY_DEFLATE;
		buf[1] = 4;
		buf[2] = (uint8_t)(((st->want_wbits - 8) << 4) | 8);
		buf[3] = 0;
		return 4;
	case CCP_TY_PRED1:
		if (len < 2)
			return 0;
		buf[0] = CCP_TY_PRED1;
		buf[1] = 2;
		return 2;
	default:
		return 0;
	}
}

static void
ccp_log_mppc(const char *bname, uint32_t bits)
{
	char d[64];

	mppe_describe(bits, d, sizeof(d));
	log_msg(LG_CCP, "[%s]     0x%08x:%s", bname, bits, d);
}

/* Option 18 in a request (REQ) or Nak of ours; returns true if taken. */
static bool
ccp_opt_mppc(struct ccp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	uint32_t bits = ccp_get32(opt + 2), want;
	uint8_t nak[6];

	ccp_log_mppc(st->bund->name, bits);
	switch (mode) {
	case FSM_MODE_REQ:
		if (!opt_accepted(&st->bund->ccp_conf.options, CCP_OPT_MPPC)) {
			fsm_rej(d, opt, 6);
			return false;
		}
		want = ccp_mppc_one_key(bits & ccp_mppc_allowed(st, false));
		if (!ccp_mppc_useful(want)) {
			log_msg(LG_CCP, "[%s]     Nothing agreeable",
			    st->bund->name);
			fsm_rej(d, opt, 6);
			return false;
		}
		if (want != bits) {
			nak[0] = CCP_TY_MPPC;
			nak[1] = 6;
			ccp_put32(nak + 2, want);
			fsm_nak(d, nak, 6);
			return true;
		}
		fsm_ack(d, opt, 6);
		st->peer_type = CCP_TY_MPPC;
		st->peer_mppc = bits;
		return true;
	case FSM_MODE_NAK:
		want = ccp_mppc_one_key(bits & ccp_mppc_allowed(st, true));
		if (!ccp_mppc_useful(want))
			st->peer_reject |= CCP_REJ(CCP_TY_MPPC);
		else
			st->want_mppc = want;
		return true;
	case FSM_MODE_REJ:
		st->peer_reject |= CCP_REJ(CCP_TY_MPPC);
		return true;
	case FSM_MODE_NOP:
		break;
	}
	return false;
}

static bool
ccp_opt_deflate(struct ccp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	int w = (opt[2] >> 4) + 8, method = opt[2] & 0x0f;
	uint8_t nak[4];

	log_msg(LG_CCP, "[%s]     Win %d, Method %d, Check %d",
	    st->bund->name, w, method, opt[3]);
	switch (mode) {
	case FSM_MODE_REQ:
		if (!opt_accepted(&st->bund->ccp_conf.options,
		    CCP_OPT_DEFLATE)) {
			fsm_rej(d, opt, 4);
			return false;
		}
		if (method != 8 || opt[3] != 0 || w < DEFLATE_MIN_WBITS ||
		    w > DEFLATE_MAX_WBITS) {
			if (w < DEFLATE_MIN_WBITS)
				w = DEFLATE_MIN_WBITS;
			if (w > DEFLATE_MAX_WBITS)
				w = DEFLATE_MAX_WBITS;
			nak[0] = CCP_TY_DEFLATE;
			nak[1] = 4;
			nak[2] = (uint8_t)(((w - 8) << 4) | 8);
			nak[3] = 0;
			fsm_nak(d, nak, 4);
			return true;
		}
		fsm_ack(d, opt, 4);
		st->peer_type = CCP_TY_DEFLATE;
		st->peer_wbits = w;
		return true;
	case FSM_MODE_NAK:
		if (method == 8 && opt[3] == 0 && w >= DEFLATE_MIN_WBITS &&
		    w <= DEFLATE_MAX_WBITS)
			st->want_wbits = w;
		else
			st->peer_reject |= CCP_REJ(CCP_TY_DEFLATE);
		return true;
	case FSM_MODE_REJ:
		st->peer_reject |= CCP_REJ(CCP_TY_DEFLATE);
		return true;
	case FSM_MODE_NOP:
		break;
	}
	return false;
}

static bool
ccp_opt_pred1(struct ccp_state *st, const uint8_t *opt,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	switch (mode) {
	case FSM_MODE_REQ:
		if (!opt_accepted(&st->bund->ccp_conf.options,
		    CCP_OPT_PRED1)) {
			fsm_rej(d, opt, 2);
			return false;
		}
		fsm_ack(d, opt, 2);
		st->peer_type = CCP_TY_PRED1;
		return true;
	case FSM_MODE_NAK:
	case FSM_MODE_REJ:
		st->peer_reject |= CCP_REJ(CCP_TY_PRED1);
		return true;
	case FSM_MODE_NOP:
		break;
	}
	return false;
}

static void
ccp_decode_config(struct fsm *f, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	struct ccp_state *st = ccp_of(f);
	const char *bname = st->bund->name;
	bool taken = false;
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
		log_msg(LG_CCP, "[%s]   %s", bname, type == CCP_TY_MPPC ?
		    "MPPC" : type == CCP_TY_DEFLATE ? "DEFLATE" :
		    type == CCP_TY_PRED1 ? "PRED1" : "UNKNOWN");
		if (mode == FSM_MODE_REQ && taken) {
			/* one algorithm per direction: the first one wins */
			fsm_rej(d, opts, olen);
		} else if (type == CCP_TY_MPPC && olen == 6)
			taken = ccp_opt_mppc(st, opts, mode, d);
		else if (type == CCP_TY_DEFLATE && olen == 4)
			taken = ccp_opt_deflate(st, opts, mode, d);
		else if (type == CCP_TY_PRED1 && olen == 2)
			taken = ccp_opt_pred1(st, opts, mode, d);
		else {
			if (type != CCP_TY_MPPC && type != CCP_TY_DEFLATE &&
			    type != CCP_TY_PRED1)
				log_msg(LG_CCP, "[%s]     UNKNOWN[%d] len=%d",
				    bname, type, olen);
			if (mode == FSM_MODE_REQ)
				fsm_rej(d, opts, olen);
			else if (mode == FSM_MODE_REJ || mode == FSM_MODE_NAK)
				st->peer_reject |= CCP_REJ(type);
		}
		opts += olen;
		len -= olen;
	}
}

/* ---- codecs ---- */

static void
ccp_dir_free(struct ccp_dir *dir)
{
	if (dir->mppe != NULL) {
		memset(dir->mppe, 0, sizeof(*dir->mppe));
		mem_free(dir->mppe);
	}
	if (dir->deflate != NULL) {
		deflate_dir_fini(dir->deflate);
		mem_free(dir->deflate);
	}
	if (dir->pred1 != NULL)
		mem_free(dir->pred1);
	memset(dir, 0, sizeof(*dir));
}

static int
ccp_dir_setup(struct ccp_state *st, struct ccp_dir *dir, int type,
    uint32_t bits, int wbits, bool tx)
{
	const uint8_t *key = tx ? st->send_key : st->recv_key;

	memset(dir, 0, sizeof(*dir));
	dir->type = type;
	switch (type) {
	case CCP_TY_MPPC:
		dir->mppc_bits = bits;
		dir->mppe = mem_alloc("ccp_mppe", sizeof(*dir->mppe));
		if (mppe_dir_init(dir->mppe, bits, st->have_keys ? key : NULL,
		    tx) < 0)
			return -1;
		break;
	case CCP_TY_DEFLATE:
		dir->wbits = wbits;
		dir->deflate = mem_alloc("ccp_deflate", sizeof(*dir->deflate));
		if (deflate_dir_init(dir->deflate, wbits, tx) < 0)
			return -1;
		break;
	case CCP_TY_PRED1:
		dir->pred1 = mem_alloc("ccp_pred1", sizeof(*dir->pred1));
		pred1_reset(dir->pred1);
		break;
	default:
		dir->type = 0;
		break;
	}
	return 0;
}

/* "MPPE(128 bits), stateless" / "win 15" for logs and show. */
static void
ccp_dir_descr(const struct ccp_dir *dir, char *buf, size_t len)
{
	switch (dir->type) {
	case CCP_TY_MPPC:
		mppe_describe(dir->mppc_bits, buf, len);
		break;
	case CCP_TY_DEFLATE:
		snprintf(buf, len, "win %d", dir->wbits);
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

/* crypt-reqd: close the bundle from a timer, outside the automaton. */
static void
ccp_crypt_close(void *arg)
{
	struct bund *b = arg;

	if (b->n_up == 0 || b->dying)
		return;
	log_msg(LG_BUND, "[%s] Bundle: encryption required, but not "
	    "negotiated", b->name);
	bund_close(b, "failed to negotiate required encryption");
}

/* Still negotiating (so encryption may yet come). */
static bool
ccp_fsm_busy(const struct fsm *f)
{
	switch (f->state) {
	case FSM_ST_STARTING:
	case FSM_ST_REQSENT:
	case FSM_ST_ACKRCVD:
	case FSM_ST_ACKSENT:
		return true;
	case FSM_ST_INITIAL:
	case FSM_ST_CLOSED:
	case FSM_ST_STOPPED:
	case FSM_ST_CLOSING:
	case FSM_ST_STOPPING:
	case FSM_ST_OPENED:
		break;
	}
	return false;
}

void
ccp_check_crypt(struct bund *b)
{
	struct ccp_state *st = b->ccp;

	/* the kernel unit holds IP until it may pass (ppp_generic NP mode) */
	if (b->dp != NULL && b->dp->np_sync != NULL && b->dp_state != NULL)
		b->dp->np_sync(b);
	if (!opt_enabled(&b->conf.options, BUND_OPT_CRYPT_REQD) ||
	    st == NULL || b->leaving || b->n_up == 0 || ccp_encrypted(b))
		return;
	if (ccp_fsm_busy(&st->fsm) ||
	    (b->ecp != NULL && ccp_fsm_busy(&b->ecp->fsm)))
		return;
	timer_start(&st->crypt_timer);
}

static void
ccp_layer_up(struct fsm *f)
{
	struct ccp_state *st = ccp_of(f);
	struct bund *b = st->bund;
	char d1[64], d2[64];
	int want = ccp_want_type(st);

	ccp_dir_free(&st->xmit);
	ccp_dir_free(&st->recv);
	if (ccp_dir_setup(st, &st->xmit, st->peer_type, st->peer_mppc,
	    st->peer_wbits, true) < 0 ||
	    ccp_dir_setup(st, &st->recv, want, st->want_mppc, st->want_wbits,
	    false) < 0) {
		log_msg(LG_ERR, "[%s] CCP: can't initialise the codecs",
		    b->name);
		ccp_dir_free(&st->xmit);
		ccp_dir_free(&st->recv);
	}
	st->reset_wait = false;
	b->ccp_state = FSM_ST_OPENED;
	ccp_dir_descr(&st->xmit, d1, sizeof(d1));
	ccp_dir_descr(&st->recv, d2, sizeof(d2));
	log_msg(LG_CCP, "[%s] CCP: Compress using: %s (%s)", b->name,
	    ccp_type_name(st->xmit.type), d1);
	log_msg(LG_CCP, "[%s] CCP: Decompress using: %s (%s)", b->name,
	    ccp_type_name(st->recv.type), d2);
	ccp_kernel_check(st, want);
	iface_update_mtu(b);
	ccp_check_crypt(b);
}

static void
ccp_layer_down(struct fsm *f)
{
	struct ccp_state *st = ccp_of(f);

	ccp_dir_free(&st->xmit);
	ccp_dir_free(&st->recv);
	ccp_kernel_flags(st, true, false);
	iface_update_mtu(st->bund);
}

static void
ccp_layer_finish(struct fsm *f)
{
	struct ccp_state *st = ccp_of(f);
	struct bund *b = st->bund;

	/* the kernel frees its compressors */
	ccp_kernel_flags(st, false, false);
	st->k_xmit = st->k_recv = false;
	ccp_sync(b);
	ccp_check_crypt(b);
}

/* Reset-Request from the peer: restart our compressor. */
static void
ccp_recv_resetreq(struct ccp_state *st, uint8_t id)
{
	struct ccp_dir *x = &st->xmit;

	x->resets++;
	log_msg(LG_CCP2, "[%s] CCP: Reset-Request, restarting the compressor",
	    st->bund->name);
	switch (x->type) {
	case CCP_TY_MPPC:
		/* RFC 3078 8: MPPC/MPPE Reset-Requests are not acked */
		mppe_tx_reset(x->mppe);
		/*
		 * ... except by the kernel data plane: ppp_mppe flushes
		 * when our Reset-Ack passes the unit (as pppd does it)
		 */
		if (!st->k_xmit || !ccp_kernel(st->bund))
			return;
		break;
	case CCP_TY_DEFLATE:
		deflate_dir_reset(x->deflate);
		break;
	case CCP_TY_PRED1:
		pred1_reset(x->pred1);
		break;
	default:
		break;
	}
	fsm_send(&st->fsm, FSM_CODE_RESETACK, id, NULL, 0);
}

static void
ccp_recv_resetack(struct ccp_state *st, uint8_t id)
{
	struct ccp_dir *r = &st->recv;

	if (!st->reset_wait || id != st->reset_id)
		return;
	st->reset_wait = false;
	if (r->type == CCP_TY_DEFLATE)
		deflate_dir_reset(r->deflate);
	else if (r->type == CCP_TY_PRED1)
		pred1_reset(r->pred1);
}

static bool
ccp_recv_code(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct ccp_state *st = ccp_of(f);

	(void)data;
	(void)len;
	if (f->state != FSM_ST_OPENED) {
		log_msg(LG_CCP2, "[%s] CCP: %s in state %s ignored",
		    st->bund->name, fsm_code_name(code),
		    fsm_state_name(f->state));
		return true;
	}
	if (code == FSM_CODE_RESETREQ)
		ccp_recv_resetreq(st, id);
	else if (code == FSM_CODE_RESETACK)
		ccp_recv_resetack(st, id);
	else
		return false;
	return true;
}

/* Our decoder lost sync: ask the peer to restart (rate-limited). */
static void
ccp_send_resetreq(struct ccp_state *st)
{
	uint64_t now = event_now_ms();

	/* one per second while waiting for an Ack; MPPC has no Ack, but a
	 * peer sending garbage still gets at most ten a second */
	if (now - st->reset_ms < (st->reset_wait ? CCP_RESET_RETRY_MS :
	    CCP_RESET_RETRY_MS / 10))
		return;
	st->reset_wait = st->recv.type != CCP_TY_MPPC;
	st->reset_ms = now;
	st->reset_id = ++st->fsm.lastid;
	st->recv.resets++;
	log_msg(LG_CCP2, "[%s] CCP: Sending Reset-Request", st->bund->name);
	fsm_send(&st->fsm, FSM_CODE_RESETREQ, st->reset_id, NULL, 0);
}

const struct fsm_type ccp_fsm_type = {
	.name = "CCP",
	.proto = PROTO_CCP,
	.codes = FSM_CODES_BASIC | FSM_CODE_BIT(FSM_CODE_RESETREQ) |
	    FSM_CODE_BIT(FSM_CODE_RESETACK),
	.log = LG_CCP,
	.log2 = LG_CCP2,
	.link_level = false,
	.configure = ccp_configure,
	.build_config = ccp_build_config,
	.decode_config = ccp_decode_config,
	.layer_up = ccp_layer_up,
	.layer_down = ccp_layer_down,
	.layer_finish = ccp_layer_finish,
	.recv_code = ccp_recv_code,
};

/* ---- bundle interface ---- */

void
ccp_init(struct bund *b)
{
	struct ccp_state *st;

	if (b->ccp != NULL)
		return;
	st = mem_alloc("ccp", sizeof(*st));
	st->bund = b;
	b->ccp = st;
	timer_init(&st->crypt_timer, "CCP crypt-reqd", 0, ccp_crypt_close, b);
	st->lower = bund_fsm_output;
	fsm_init(&st->fsm, &ccp_fsm_type, b, b->name, ccp_fsm_output,
	    b->conf.fsm_timeout);
	ccp_sync(b);
}

void
ccp_fini(struct bund *b)
{
	struct ccp_state *st = b->ccp;

	if (st == NULL)
		return;
	fsm_stop(&st->fsm);
	timer_stop(&st->crypt_timer);
	ccp_dir_free(&st->xmit);
	ccp_dir_free(&st->recv);
	memset(st->send_key, 0, sizeof(st->send_key));
	memset(st->recv_key, 0, sizeof(st->recv_key));
	b->ccp = NULL;
	b->ccp_state = FSM_ST_INITIAL;
	mem_free(st);
}

void
ccp_set_aaa(struct bund *b, const struct auth_data *ad)
{
	struct ccp_state *st = b->ccp;

	if (st == NULL)
		return;
	st->have_keys = ad != NULL && ad->mppe_keys;
	if (st->have_keys) {
		memcpy(st->send_key, ad->mppe_send_key, 16);
		memcpy(st->recv_key, ad->mppe_recv_key, 16);
	} else {
		memset(st->send_key, 0, 16);
		memset(st->recv_key, 0, 16);
	}
}

void
ccp_open(struct bund *b)
{
	if (b->ccp == NULL)
		return;
	b->ccp->fsm.timeout = b->conf.fsm_timeout;
	fsm_open(&b->ccp->fsm);
	ccp_sync(b);
}

void
ccp_close(struct bund *b)
{
	if (b->ccp == NULL)
		return;
	fsm_close(&b->ccp->fsm);
	ccp_sync(b);
}

void
ccp_up(struct bund *b)
{
	if (b->ccp == NULL)
		return;
	fsm_up(&b->ccp->fsm);
	ccp_sync(b);
}

void
ccp_down(struct bund *b)
{
	/* (crypt-reqd alone keeps an automaton that never opened) */
	if (b->ccp == NULL || b->ccp->fsm.state == FSM_ST_INITIAL)
		return;
	fsm_down(&b->ccp->fsm);
	ccp_sync(b);
}

void
ccp_input(struct bund *b, const uint8_t *pkt, size_t len)
{
	if (b->ccp == NULL)
		return;
	fsm_input(&b->ccp->fsm, pkt, len);
	ccp_sync(b);
}

void
ccp_protorej(struct bund *b)
{
	if (b->ccp == NULL)
		return;
	fsm_protorej(&b->ccp->fsm);
	ccp_sync(b);
}

bool
ccp_encrypted(const struct bund *b)
{
	const struct ccp_state *st = b->ccp;

	if (st != NULL && st->fsm.state == FSM_ST_OPENED &&
	    st->xmit.mppe != NULL && st->xmit.mppe->encrypt &&
	    st->recv.mppe != NULL && st->recv.mppe->encrypt)
		return true;
	return ecp_encrypted(b);
}

int
ccp_mtu_overhead(const struct bund *b)
{
	const struct ccp_state *st = b->ccp;
	int n = 0;

	if (st != NULL && st->fsm.state == FSM_ST_OPENED) {
		if (st->xmit.type == CCP_TY_MPPC)
			n = 4;
		else if (st->xmit.type == CCP_TY_PRED1)
			n = 6;
	}
	return n + ecp_mtu_overhead(b);
}

/* ---- data path ---- */

bool
ccp_plain_ok(const struct bund *b)
{
	return !opt_enabled(&b->conf.options, BUND_OPT_CRYPT_REQD) ||
	    ccp_encrypted(b);
}

struct mbuf *
ccp_output(struct bund *b, uint16_t *proto, struct mbuf *m)
{
	struct ccp_state *st = b->ccp;
	struct ccp_dir *x;
	struct mbuf *n;
	uint8_t *p;
	int len = -1;

	if (st != NULL && st->fsm.state == FSM_ST_OPENED &&
	    st->xmit.type != 0) {
		x = &st->xmit;
		n = mb_alloc(m->len + m->len / 8 + 64);
		p = n->data;
		switch (x->type) {
		case CCP_TY_MPPC:
			len = mppe_encode(x->mppe, *proto, m->data, m->len, p,
			    mb_tailroom(n));
			break;
		case CCP_TY_DEFLATE:
			len = deflate_encode(x->deflate, *proto, m->data,
			    m->len, p, mb_tailroom(n));
			if (len < 0) {
				/* our stream is broken: start over */
				deflate_dir_reset(x->deflate);
				len = 0;
			}
			break;
		case CCP_TY_PRED1:
			len = pred1_encode(x->pred1, *proto, m->data, m->len,
			    p, mb_tailroom(n));
			break;
		default:
			break;
		}
		if (len > 0) {
			(void)mb_append(n, (size_t)len);
			mb_free(m);
			m = n;
			*proto = PROTO_COMPD;
		} else {
			mb_free(n);
			if (len < 0)
				goto drop;
			/* len 0: Deflate sends this one as it is */
		}
	}
	if (ecp_xmit_active(b))
		return ecp_output(b, proto, m);
	if (!ccp_plain_ok(b))
		goto drop;
	return m;

drop:
	mb_free(m);
	return NULL;
}

/* Decode a 0x00FD frame with our receive algorithm. */
static struct mbuf *
ccp_decompress(struct bund *b, uint16_t *proto, struct mbuf *m)
{
	struct ccp_state *st = b->ccp;
	struct ccp_dir *r;
	struct mbuf *n;
	size_t olen = 0;
	int rc = 1;		/* 0 ok, 1 reset, 2 bad/drop */

	if (st == NULL || st->fsm.state != FSM_ST_OPENED ||
	    st->recv.type == 0)
		goto drop;
	if (st->k_recv && ccp_kernel(b)) {
		/* the kernel decompressor failed (SC_DC_ERROR): resync */
		log_msg(LG_CCP2, "[%s] CCP: the kernel could not decompress "
		    "a frame of %zu bytes", b->name, m->len);
		ccp_send_resetreq(st);
		goto drop;
	}
	r = &st->recv;
	if (st->reset_wait && r->type != CCP_TY_MPPC) {
		/* waiting for the Reset-Ack: nothing decodes meanwhile */
		ccp_send_resetreq(st);
		goto drop;
	}
	n = mb_alloc(CCP_FRAME_MAX);
	switch (r->type) {
	case CCP_TY_MPPC:
		switch (mppe_decode(r->mppe, m->data, m->len, proto, n->data,
		    mb_tailroom(n), &olen)) {
		case MPPE_RX_OK:
			rc = 0;
			break;
		case MPPE_RX_RESET:
			rc = 1;
			break;
		case MPPE_RX_DROP:
		case MPPE_RX_BAD:
			rc = 2;
			break;
		}
		break;
	case CCP_TY_DEFLATE:
		switch (deflate_decode(r->deflate, m->data, m->len, proto,
		    n->data, mb_tailroom(n), &olen)) {
		case DEFLATE_RX_OK:
			rc = 0;
			break;
		case DEFLATE_RX_RESET:
			rc = 1;
			break;
		case DEFLATE_RX_BAD:
			rc = 2;
			break;
		}
		break;
	case CCP_TY_PRED1:
		switch (pred1_decode(r->pred1, m->data, m->len, proto,
		    n->data, mb_tailroom(n), &olen)) {
		case PRED1_RX_OK:
			rc = 0;
			break;
		case PRED1_RX_RESET:
			rc = 1;
			break;
		case PRED1_RX_BAD:
			rc = 2;
			break;
		}
		break;
	default:
		break;
	}
	if (rc != 0) {
		mb_free(n);
		log_msg(LG_CCP2, "[%s] CCP: %s frame of %zu bytes dropped",
		    b->name, rc == 1 ? "undecodable" : "bad", m->len);
		if (rc == 1)
			ccp_send_resetreq(st);
		goto drop;
	}
	(void)mb_append(n, olen);
	mb_free(m);
	return n;

drop:
	mb_free(m);
	return NULL;
}

struct mbuf *
ccp_input_data(struct bund *b, uint16_t *proto, struct mbuf *m)
{
	struct ccp_state *st = b->ccp;
	bool opened = st != NULL && st->fsm.state == FSM_ST_OPENED;
	const struct opt_set *o = &b->conf.options;

	/* not configured at all: the bundle Protocol-Rejects them */
	if ((*proto == PROTO_COMPD && !opt_enabled(o, BUND_OPT_COMPRESSION)) ||
	    (*proto == PROTO_CRYPT && !opt_enabled(o, BUND_OPT_ENCRYPTION)))
		return m;
	if (*proto == PROTO_CRYPT) {
		m = ecp_input_data(b, proto, m);
		if (m == NULL)
			return NULL;
	} else if (ecp_recv_active(b))
		goto drop;	/* RFC 1968: only encrypted data now */
	if (*proto == PROTO_COMPD)
		return ccp_decompress(b, proto, m);
	/* a plain data frame */
	if (opened && st->recv.mppe != NULL && st->recv.mppe->encrypt)
		goto drop;	/* MPPE on: plain data is not accepted */
	if (!ccp_plain_ok(b))
		goto drop;
	if (opened && st->recv.type == CCP_TY_DEFLATE &&
	    deflate_incomp(st->recv.deflate, *proto, m->data, m->len) < 0)
		ccp_send_resetreq(st);
	return m;

drop:
	if (st != NULL)
		st->rx_dropped++;
	mb_free(m);
	return NULL;
}
