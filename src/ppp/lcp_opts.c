/*
 * lcp_opts.c - the LCP Configuration Option codec: building our
 * Configure-Request, sorting the peer's request into Ack/Nak/Reject and
 * applying the peer's Nak/Reject of ours (RFC 1661 6, RFC 1570 2,
 * RFC 1990 5.1; surface spec 4.5.1 and 11.2).
 *
 * Pure: everything it needs is in struct lcp (its lcp_conf is filled from
 * the link by lcp.c), it never touches sockets or timers and it reads
 * the wire only through bounds-checked lengths.  It logs each option in
 * mpd5's style ("[L1]   MRU 1500") under LG_LCP.
 *
 * Behaviour per option, following mpd5:
 *   MRU        ask `set link mru` (capped by the device); the peer's MRU
 *              bounds what we send, itself capped by `set link mtu`;
 *              below 296 is Nak'd up to 296.
 *   ACCM       asked only on async devices; the peer's is acked.
 *   Auth       peer's choice acked when accepted, else Nak'd with the
 *              first accepted one in the order MS-CHAPv2, MS-CHAPv1,
 *              CHAP-MD5, PAP, EAP, else rejected.  A Nak of ours moves
 *              on to the next enabled protocol.  A Reject of ours is
 *              final unless we originated with no-orig-auth.
 *   Quality    rejected (LQR is not implemented).
 *   Magic      a zero magic is Nak'd; our own magic coming back is
 *              loop-back: Nak'd with another value, and after
 *              LCP_MAX_LOOPS times in a row the negotiation fails.
 *   PFC, ACFC  per `protocomp` / `acfcomp` (enable: ask; accept: ack).
 *   Callback   asked only when we dialled with `callback`; the peer's
 *              request is rejected.
 *   MRRU, short sequence numbers, endpoint discriminator: only with
 *              `multilink`; the peer's values are stored.
 *   anything else is rejected, and so is a repeated option or one whose
 *   length is wrong for its type.
 * Departure from mpd5: a peer's magic number is acked even when our own
 * `magicnum` is off (mpd5 rejects it, which blinds the peer's loop-back
 * detection for no gain).
 */
#include "lcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../core/log.h"
#include "link.h"

#define BIT(o)			(1u << (o))
#define LCP_ENABLED(l, o)	(((l)->conf.enable & BIT(o)) != 0)
#define LCP_ACCEPTED(l, o)	(((l)->conf.accept & BIT(o)) != 0)
#define LCP_REJECTED(l, t)	(((l)->peer_reject & BIT(t)) != 0)

#define PROTO_PAP_NUM		0xc023
#define PROTO_CHAP_NUM		0xc223
#define PROTO_EAP_NUM		0xc227

/* Option names (mpd5's) and data lengths; supported = negotiable. */
struct lcp_optinfo {
	const char	*name;
	uint8_t		 min, max;	/* data bytes */
	bool		 supported;
};

static const struct lcp_optinfo lcp_optinfo[] = {
	[0] = { "VENDOR", 4, 255, true },
	[1] = { "MRU", 2, 2, true },
	[2] = { "ACCMAP", 4, 4, true },
	[3] = { "AUTHPROTO", 2, 255, true },
	[4] = { "QUALPROTO", 0, 0, false },
	[5] = { "MAGICNUM", 4, 4, true },
	[6] = { "RESERVED", 0, 0, false },
	[7] = { "PROTOCOMP", 0, 0, true },
	[8] = { "ACFCOMP", 0, 0, true },
	[9] = { "FCSALT", 0, 0, false },
	[10] = { "SDP", 0, 0, false },
	[11] = { "NUMMODE", 0, 0, false },
	[12] = { "MULTILINK", 0, 0, false },
	[13] = { "CALLBACK", 1, 255, true },
	[14] = { "CONNECTTIME", 0, 0, false },
	[15] = { "COMPFRAME", 0, 0, false },
	[16] = { "NDS", 0, 0, false },
	[17] = { "MP MRRU", 2, 2, true },
	[18] = { "MP SHORTSEQ", 0, 0, true },
	[19] = { "ENDPOINTDISC", 1, 21, true },
	[20] = { "PROPRIETARY", 0, 0, false },
	[21] = { "DCEIDENTIFIER", 0, 0, false },
	[22] = { "MULTILINKPLUS", 0, 0, false },
	[23] = { "BACP", 0, 0, false },
	[24] = { "LCPAUTHOPT", 0, 0, false },
	[25] = { "COBS", 0, 0, false },
	[26] = { "PREFIXELISION", 0, 0, false },
	[27] = { "MULTILINKHEADERFMT", 0, 0, false },
	[28] = { "INTERNAT", 0, 0, false },
	[29] = { "SDATALINKSONET", 0, 0, false },
};
#define LCP_NOPTINFO	(sizeof(lcp_optinfo) / sizeof(lcp_optinfo[0]))

/* Auth protocols in our order of preference, with their link options. */
static const struct {
	enum lcp_auth	auth;
	int		opt;
} lcp_auth_pref[] = {
	{ LCP_AUTH_CHAP_MSV2, LINK_OPT_CHAP_MSV2 },
	{ LCP_AUTH_CHAP_MSV1, LINK_OPT_CHAP_MSV1 },
	{ LCP_AUTH_CHAP_MD5, LINK_OPT_CHAP_MD5 },
	{ LCP_AUTH_PAP, LINK_OPT_PAP },
	{ LCP_AUTH_EAP, LINK_OPT_EAP },
};
#define LCP_NAUTH	(sizeof(lcp_auth_pref) / sizeof(lcp_auth_pref[0]))

/* ---- names and small helpers ---- */

/* Log name of an auth protocol; static strings. */
const char *
lcp_auth_name(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_NONE:
		return "none";
	case LCP_AUTH_PAP:
		return "PAP";
	case LCP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case LCP_AUTH_CHAP_MSV1:
		return "CHAP-MSv1";
	case LCP_AUTH_CHAP_MSV2:
		return "CHAP-MSv2";
	case LCP_AUTH_EAP:
		return "EAP";
	}
	return "???";
}

/* Auth protocol as `show lcp` names it; static strings. */
const char *
lcp_auth_type_name(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_NONE:
		return "none";
	case LCP_AUTH_PAP:
		return "PAP";
	case LCP_AUTH_CHAP_MD5:
	case LCP_AUTH_CHAP_MSV1:
	case LCP_AUTH_CHAP_MSV2:
		return "CHAP";
	case LCP_AUTH_EAP:
		return "EAP";
	}
	return "???";
}

/* PPP protocol number of an auth protocol, 0 for none. */
uint16_t
lcp_auth_proto(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_NONE:
		return 0;
	case LCP_AUTH_PAP:
		return PROTO_PAP_NUM;
	case LCP_AUTH_CHAP_MD5:
	case LCP_AUTH_CHAP_MSV1:
	case LCP_AUTH_CHAP_MSV2:
		return PROTO_CHAP_NUM;
	case LCP_AUTH_EAP:
		return PROTO_EAP_NUM;
	}
	return 0;
}

/* CHAP algorithm of an auth protocol, 0 if not CHAP. */
uint8_t
lcp_auth_alg(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_CHAP_MD5:
		return LCP_CHAP_MD5;
	case LCP_AUTH_CHAP_MSV1:
		return LCP_CHAP_MSV1;
	case LCP_AUTH_CHAP_MSV2:
		return LCP_CHAP_MSV2;
	case LCP_AUTH_NONE:
	case LCP_AUTH_PAP:
	case LCP_AUTH_EAP:
		break;
	}
	return 0;
}

/* Phase name for the phase-shift log; static strings. */
const char *
lcp_phase_name(enum link_phase p)
{
	switch (p) {
	case PHASE_DEAD:
		return "DEAD";
	case PHASE_ESTABLISH:
		return "ESTABLISH";
	case PHASE_AUTHENTICATE:
		return "AUTHENTICATE";
	case PHASE_NETWORK:
		return "NETWORK";
	case PHASE_TERMINATE:
		return "TERMINATE";
	}
	return "???";
}

/* A random non-zero magic number (getrandom, no blocking). */
uint32_t
lcp_new_magic(void)
{
	uint32_t m = 0;

	while (m == 0) {
		if (getrandom(&m, sizeof(m), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(m))
			m = (uint32_t)random() ^ (uint32_t)time(NULL);
	}
	return m;
}

/* Leading magic number of data; -1 when shorter than 4. */
int
lcp_get_magic(const uint8_t *data, size_t len, uint32_t *magic)
{
	if (len < 4)
		return -1;
	*magic = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	    (uint32_t)data[2] << 8 | data[3];
	return 0;
}

/* Append sanitized peer text to dst (see lcp.h). */
size_t
lcp_text_append(char *dst, size_t size, const uint8_t *text, size_t len)
{
	size_t used, i;

	if (size == 0)
		return 0;
	used = strnlen(dst, size - 1);
	dst[used] = '\0';
	if (len > 0 && text[0] != '\0' && used > 0 && used + 1 < size)
		dst[used++] = ' ';
	for (i = 0; i < len && text[i] != '\0' && used + 1 < size; i++)
		dst[used++] = (text[i] < 0x20 || text[i] == 0x7f) ? '?' :
		    (char)text[i];
	dst[used] = '\0';
	return used;
}

/* RFC 1990 5.1.3 length rule for a discriminator class. */
bool
lcp_discrim_valid(uint8_t class, size_t len)
{
	switch (class) {
	case LCP_DISC_NULL:
		return len == 0;
	case LCP_DISC_LOCAL:
	case LCP_DISC_MAGIC:
		return len >= 1 && len <= 20;
	case LCP_DISC_IP:
		return len == 4;
	case LCP_DISC_MAC:
		return len == 6;
	case LCP_DISC_PSN:
		return len >= 1 && len <= 15;
	default:
		return false;
	}
}

/* Discriminator as "[class] xx xx ..." into buf; returns buf. */
char *
lcp_discrim_print(const struct lcp_discrim *d, char *buf, size_t len)
{
	static const char *const names[] = {
		"NULL", "LOCAL", "IP Address", "802.1", "Magic", "PSN",
	};
	size_t pos;
	int i, n;

	if (len == 0)
		return buf;
	if (d->class < sizeof(names) / sizeof(names[0]))
		n = snprintf(buf, len, "[%s]", names[d->class]);
	else
		n = snprintf(buf, len, "[%d]", d->class);
	pos = n < 0 ? 0 : (size_t)n;
	for (i = 0; i < d->len && i < (int)sizeof(d->bytes) && pos < len;
	    i++) {
		n = snprintf(buf + pos, len - pos, " %02x", d->bytes[i]);
		if (n < 0)
			break;
		pos += (size_t)n;
	}
	return buf;
}

/* Auth protocol named by an option's data, or LCP_AUTH_NONE. */
static enum lcp_auth
lcp_auth_from_opt(const uint8_t *data, size_t dlen)
{
	uint16_t proto;

	if (dlen < 2)
		return LCP_AUTH_NONE;
	proto = (uint16_t)(data[0] << 8 | data[1]);
	switch (proto) {
	case PROTO_PAP_NUM:
		return dlen == 2 ? LCP_AUTH_PAP : LCP_AUTH_NONE;
	case PROTO_EAP_NUM:
		return dlen == 2 ? LCP_AUTH_EAP : LCP_AUTH_NONE;
	case PROTO_CHAP_NUM:
		if (dlen != 3)
			return LCP_AUTH_NONE;
		switch (data[2]) {
		case LCP_CHAP_MD5:
			return LCP_AUTH_CHAP_MD5;
		case LCP_CHAP_MSV1:
			return LCP_AUTH_CHAP_MSV1;
		case LCP_CHAP_MSV2:
			return LCP_AUTH_CHAP_MSV2;
		default:
			return LCP_AUTH_NONE;
		}
	default:
		return LCP_AUTH_NONE;
	}
}

/* The link option that enables/accepts auth protocol a. */
static int
lcp_auth_opt(enum lcp_auth a)
{
	size_t i;

	for (i = 0; i < LCP_NAUTH; i++)
		if (lcp_auth_pref[i].auth == a)
			return lcp_auth_pref[i].opt;
	return -1;
}

/* Write the Authentication-Protocol option for a; returns its length. */
static size_t
lcp_auth_opt_write(enum lcp_auth a, uint8_t *o)
{
	uint16_t proto = lcp_auth_proto(a);

	o[0] = LCP_OPT_AUTHPROTO;
	o[2] = (uint8_t)(proto >> 8);
	o[3] = (uint8_t)proto;
	if (proto == PROTO_CHAP_NUM) {
		o[1] = 5;
		o[4] = lcp_auth_alg(a);
		return 5;
	}
	o[1] = 4;
	return 4;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- negotiation start ---- */

/* The peer's values before (or without) its Configure-Request. */
static void
lcp_peer_defaults(struct lcp *lcp)
{
	memset(&lcp->peer, 0, sizeof(lcp->peer));
	lcp->peer.mru = lcp->conf.mtu;
	lcp->peer.accmap = 0xffffffffu;
}

/* New negotiation: our wishes from lcp->conf (see lcp.h). */
void
lcp_opts_reset(struct lcp *lcp)
{
	struct lcp_side *w = &lcp->want;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->mru = lcp->conf.mru;
	w->accmap = lcp->conf.accmap;
	w->acfcomp = LCP_ENABLED(lcp, LINK_OPT_ACFCOMP);
	w->pfcomp = LCP_ENABLED(lcp, LINK_OPT_PROTOCOMP);
	w->magic = LCP_ENABLED(lcp, LINK_OPT_MAGICNUM) ? lcp_new_magic() : 0;
	lcp->auth_tried = 0;
	for (i = 0; i < LCP_NAUTH; i++)
		if (LCP_ENABLED(lcp, lcp_auth_pref[i].opt)) {
			w->auth = lcp_auth_pref[i].auth;
			lcp->auth_tried = BIT(w->auth);
			break;
		}
	lcp->want_callback = lcp->conf.originated &&
	    LCP_ENABLED(lcp, LINK_OPT_CALLBACK);
	if (LCP_ENABLED(lcp, LINK_OPT_MULTILINK)) {
		w->multilink = true;
		w->mrru = lcp->conf.mrru;
		w->shortseq = LCP_ENABLED(lcp, LINK_OPT_SHORTSEQ);
		w->discrim = lcp->conf.discrim;
	}
	lcp->peer_reject = 0;
	lcp->loops = 0;
	lcp_peer_defaults(lcp);
}

/* ---- our Configure-Request ---- */

/* Our Configure-Request options; never writes beyond len. */
size_t
lcp_opts_build(const struct lcp *lcp, uint8_t *buf, size_t len)
{
	const struct lcp_side *w = &lcp->want;
	uint8_t tmp[64];
	size_t n = 0, olen;

	/* Each option is built in tmp, then appended when it fits. */
#define LCP_PUT(bytes)	do {						\
		olen = (bytes);						\
		if (olen <= len - n) {					\
			memcpy(buf + n, tmp, olen);			\
			n += olen;					\
		}							\
	} while (0)

	if (w->acfcomp && !LCP_REJECTED(lcp, LCP_OPT_ACFCOMP)) {
		tmp[0] = LCP_OPT_ACFCOMP;
		tmp[1] = 2;
		LCP_PUT(2);
	}
	if (w->pfcomp && !LCP_REJECTED(lcp, LCP_OPT_PFCOMP)) {
		tmp[0] = LCP_OPT_PFCOMP;
		tmp[1] = 2;
		LCP_PUT(2);
	}
	if (lcp->conf.async && !LCP_REJECTED(lcp, LCP_OPT_ACCMAP)) {
		tmp[0] = LCP_OPT_ACCMAP;
		tmp[1] = 6;
		put32(tmp + 2, w->accmap);
		LCP_PUT(6);
	}
	if (!LCP_REJECTED(lcp, LCP_OPT_MRU)) {
		tmp[0] = LCP_OPT_MRU;
		tmp[1] = 4;
		put16(tmp + 2, w->mru);
		LCP_PUT(4);
	}
	if (w->magic != 0 && !LCP_REJECTED(lcp, LCP_OPT_MAGIC)) {
		tmp[0] = LCP_OPT_MAGIC;
		tmp[1] = 6;
		put32(tmp + 2, w->magic);
		LCP_PUT(6);
	}
	if (lcp->want_callback && !LCP_REJECTED(lcp, LCP_OPT_CALLBACK)) {
		/* operation 0: location determined by authentication */
		tmp[0] = LCP_OPT_CALLBACK;
		tmp[1] = 3;
		tmp[2] = 0;
		LCP_PUT(3);
	}
	/*
	 * Authentication is asked even after a Reject: we require it, so
	 * the negotiation fails unless the peer gives in (mpd5).
	 */
	if (w->auth != LCP_AUTH_NONE)
		LCP_PUT(lcp_auth_opt_write(w->auth, tmp));
	if (w->multilink && w->mrru != 0 && !LCP_REJECTED(lcp, LCP_OPT_MRRU)) {
		tmp[0] = LCP_OPT_MRRU;
		tmp[1] = 4;
		put16(tmp + 2, w->mrru);
		LCP_PUT(4);
		if (w->shortseq && !LCP_REJECTED(lcp, LCP_OPT_SHORTSEQ)) {
			tmp[0] = LCP_OPT_SHORTSEQ;
			tmp[1] = 2;
			LCP_PUT(2);
		}
		if (!LCP_REJECTED(lcp, LCP_OPT_EPDISC) &&
		    w->discrim.len <= sizeof(w->discrim.bytes)) {
			tmp[0] = LCP_OPT_EPDISC;
			tmp[1] = (uint8_t)(3 + w->discrim.len);
			tmp[2] = w->discrim.class;
			memcpy(tmp + 3, w->discrim.bytes, w->discrim.len);
			LCP_PUT((size_t)tmp[1]);
		}
	}
#undef LCP_PUT
	return n;
}

/* ---- decoding ---- */

/* Log prefix of option lines: "[L1]   ". */
#define OPT_LOG(lcp, fmt, ...)						\
	log_msg(LG_LCP, "[%s]   " fmt, (lcp)->fsm.owner_name, ##__VA_ARGS__)

static void
lcp_log_auth(struct lcp *lcp, const char *name, const uint8_t *data,
    size_t dlen)
{
	uint16_t proto = get16(data);
	const char *alg;
	char buf[8];

	switch (proto) {
	case PROTO_PAP_NUM:
		OPT_LOG(lcp, "%s PAP", name);
		break;
	case PROTO_EAP_NUM:
		OPT_LOG(lcp, "%s EAP", name);
		break;
	case PROTO_CHAP_NUM:
		if (dlen < 3) {
			OPT_LOG(lcp, "%s CHAP", name);
			break;
		}
		switch (data[2]) {
		case LCP_CHAP_MD5:
			alg = "MD5";
			break;
		case LCP_CHAP_MSV1:
			alg = "MSOFT";
			break;
		case LCP_CHAP_MSV2:
			alg = "MSOFTv2";
			break;
		default:
			snprintf(buf, sizeof(buf), "0x%02x", data[2]);
			alg = buf;
			break;
		}
		OPT_LOG(lcp, "%s CHAP %s", name, alg);
		break;
	default:
		OPT_LOG(lcp, "%s 0x%04x", name, proto);
		break;
	}
}

/* Authentication-Protocol in each mode. */
static void
lcp_dec_auth(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	enum lcp_auth a = lcp_auth_from_opt(opt + 2, olen - 2);
	uint8_t nak[8];
	size_t i;
	int o;

	if (a == LCP_AUTH_NONE && mode != FSM_MODE_NOP)
		OPT_LOG(lcp, "  Bad or unknown auth protocol, len=%zu", olen);
	switch (mode) {
	case FSM_MODE_REQ:
		o = lcp_auth_opt(a);
		if (a != LCP_AUTH_NONE && o >= 0 && LCP_ACCEPTED(lcp, o)) {
			lcp->peer.auth = a;
			fsm_ack(d, opt, olen);
			break;
		}
		/* Suggest the first protocol we accept. */
		for (i = 0; i < LCP_NAUTH; i++)
			if (LCP_ACCEPTED(lcp, lcp_auth_pref[i].opt)) {
				fsm_nak(d, nak,
				    lcp_auth_opt_write(lcp_auth_pref[i].auth,
				    nak));
				return;
			}
		fsm_rej(d, opt, olen);
		break;
	case FSM_MODE_NAK:
		/* The peer would rather do a (when it is one we know). */
		if (a != LCP_AUTH_NONE) {
			o = lcp_auth_opt(a);
			if (o >= 0 && LCP_ENABLED(lcp, o) &&
			    (lcp->auth_tried & BIT(a)) == 0) {
				lcp->want.auth = a;
				lcp->auth_tried |= BIT(a);
				break;
			}
		}
		/* Else our next enabled one not asked yet. */
		for (i = 0; i < LCP_NAUTH; i++) {
			a = lcp_auth_pref[i].auth;
			if (LCP_ENABLED(lcp, lcp_auth_pref[i].opt) &&
			    (lcp->auth_tried & BIT(a)) == 0) {
				lcp->want.auth = a;
				lcp->auth_tried |= BIT(a);
				break;
			}
		}
		/* None left: insist, and fail to converge. */
		break;
	case FSM_MODE_REJ:
		lcp->peer_reject |= BIT(LCP_OPT_AUTHPROTO);
		if (lcp->conf.originated &&
		    LCP_ENABLED(lcp, LINK_OPT_NO_ORIG_AUTH))
			lcp->want.auth = LCP_AUTH_NONE;
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* Magic-Number in each mode. */
static void
lcp_dec_magic(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	uint32_t magic = get32(opt + 2);
	uint8_t nak[6];

	switch (mode) {
	case FSM_MODE_REQ:
		if (magic == 0) {
			/* RFC 1661 6.4: zero is illegal, always Nak'd. */
			nak[0] = LCP_OPT_MAGIC;
			nak[1] = 6;
			put32(nak + 2, lcp_new_magic());
			fsm_nak(d, nak, 6);
			break;
		}
		if (lcp->want.magic != 0 && magic == lcp->want.magic &&
		    !LCP_REJECTED(lcp, LCP_OPT_MAGIC)) {
			OPT_LOG(lcp, "  Same magic! Detected loopback "
			    "condition");
			if (++lcp->loops >= LCP_MAX_LOOPS) {
				d->fail = true;
				d->fail_why = FSM_FAIL_LOOPBACK;
				break;
			}
			nak[0] = LCP_OPT_MAGIC;
			nak[1] = 6;
			put32(nak + 2, ~magic != 0 ? ~magic : lcp_new_magic());
			fsm_nak(d, nak, 6);
			break;
		}
		lcp->loops = 0;
		lcp->peer.magic = magic;
		fsm_ack(d, opt, olen);
		break;
	case FSM_MODE_NAK:
		if (lcp->want.magic != 0)
			lcp->want.magic = lcp_new_magic();
		break;
	case FSM_MODE_REJ:
		lcp->want.magic = 0;
		lcp->peer_reject |= BIT(LCP_OPT_MAGIC);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* MRU in each mode. */
static void
lcp_dec_mru(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	uint16_t mru = get16(opt + 2);
	uint8_t nak[4];

	switch (mode) {
	case FSM_MODE_REQ:
		if (mru < LCP_MIN_MRU) {
			nak[0] = LCP_OPT_MRU;
			nak[1] = 4;
			put16(nak + 2, LCP_MIN_MRU);
			fsm_nak(d, nak, 4);
			break;
		}
		if (mru < lcp->peer.mru)
			lcp->peer.mru = mru;
		fsm_ack(d, opt, olen);
		break;
	case FSM_MODE_NAK:
		/* A Nak of our very value means "don't" (mpd5, Win2000). */
		if (mru == lcp->want.mru) {
			lcp->peer_reject |= BIT(LCP_OPT_MRU);
			break;
		}
		if (mru >= LCP_MIN_MRU &&
		    (mru <= lcp->conf.dev_mru || mru < lcp->want.mru))
			lcp->want.mru = mru;
		break;
	case FSM_MODE_REJ:
		lcp->peer_reject |= BIT(LCP_OPT_MRU);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* ACCM in each mode. */
static void
lcp_dec_accmap(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	uint32_t accm = get32(opt + 2);

	switch (mode) {
	case FSM_MODE_REQ:
		lcp->peer.accmap = accm;
		fsm_ack(d, opt, olen);
		break;
	case FSM_MODE_NAK:
		/* The peer needs more characters escaped: add them. */
		lcp->want.accmap |= accm;
		break;
	case FSM_MODE_REJ:
		lcp->peer_reject |= BIT(LCP_OPT_ACCMAP);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* PFC and ACFC: no data. */
static void
lcp_dec_comp(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	bool pfc = opt[0] == LCP_OPT_PFCOMP;
	int o = pfc ? LINK_OPT_PROTOCOMP : LINK_OPT_ACFCOMP;

	switch (mode) {
	case FSM_MODE_REQ:
		if (!LCP_ACCEPTED(lcp, o)) {
			fsm_rej(d, opt, olen);
			break;
		}
		if (pfc)
			lcp->peer.pfcomp = true;
		else
			lcp->peer.acfcomp = true;
		fsm_ack(d, opt, olen);
		break;
	case FSM_MODE_NAK:	/* a Nak makes no sense here: as Reject */
	case FSM_MODE_REJ:
		if (pfc)
			lcp->want.pfcomp = false;
		else
			lcp->want.acfcomp = false;
		lcp->peer_reject |= BIT(opt[0]);
		break;
	case FSM_MODE_NOP:
		break;
	}
}

/* Multilink options (RFC 1990 5.1). */
static void
lcp_dec_mp(struct lcp *lcp, const uint8_t *opt, size_t olen,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	bool ml = LCP_ENABLED(lcp, LINK_OPT_MULTILINK);
	uint16_t mrru;
	uint8_t nak[4];

	switch (opt[0]) {
	case LCP_OPT_MRRU:
		mrru = get16(opt + 2);
		switch (mode) {
		case FSM_MODE_REQ:
			if (!ml) {
				fsm_rej(d, opt, olen);
				break;
			}
			if (mrru < LCP_MIN_MRRU) {
				nak[0] = LCP_OPT_MRRU;
				nak[1] = 4;
				put16(nak + 2, LCP_MIN_MRRU);
				fsm_nak(d, nak, 4);
				break;
			}
			lcp->peer.multilink = true;
			lcp->peer.mrru = mrru;
			fsm_ack(d, opt, olen);
			break;
		case FSM_MODE_NAK:
			/* A Nak after our Reject: the peer changed its mind. */
			if (lcp->peer_reject & BIT(LCP_OPT_MRRU)) {
				lcp->peer_reject &= ~BIT(LCP_OPT_MRRU);
				if (ml) {
					lcp->want.multilink = true;
					lcp->want.mrru = lcp->conf.mrru;
				}
			}
			/* Never above what we asked for; clipped below. */
			if (!lcp->want.multilink || mrru > lcp->want.mrru)
				break;
			lcp->want.mrru = mrru < LCP_MIN_MRRU ? LCP_MIN_MRRU :
			    mrru;
			break;
		case FSM_MODE_REJ:
			lcp->want.multilink = false;
			lcp->want.mrru = 0;
			lcp->peer_reject |= BIT(LCP_OPT_MRRU);
			break;
		case FSM_MODE_NOP:
			break;
		}
		break;
	case LCP_OPT_SHORTSEQ:
		switch (mode) {
		case FSM_MODE_REQ:
			if (!ml || !LCP_ACCEPTED(lcp, LINK_OPT_SHORTSEQ)) {
				fsm_rej(d, opt, olen);
				break;
			}
			lcp->peer.shortseq = true;
			fsm_ack(d, opt, olen);
			break;
		case FSM_MODE_NAK:
			if (lcp->peer_reject & BIT(LCP_OPT_SHORTSEQ)) {
				lcp->peer_reject &= ~BIT(LCP_OPT_SHORTSEQ);
				if (ml)
					lcp->want.shortseq = LCP_ENABLED(lcp,
					    LINK_OPT_SHORTSEQ);
			}
			break;
		case FSM_MODE_REJ:
			lcp->want.shortseq = false;
			lcp->peer_reject |= BIT(LCP_OPT_SHORTSEQ);
			break;
		case FSM_MODE_NOP:
			break;
		}
		break;
	default:	/* LCP_OPT_EPDISC, validated by the caller */
		switch (mode) {
		case FSM_MODE_REQ:
			lcp->peer.discrim.class = opt[2];
			lcp->peer.discrim.len = (uint8_t)(olen - 3);
			memcpy(lcp->peer.discrim.bytes, opt + 3, olen - 3);
			fsm_ack(d, opt, olen);
			break;
		case FSM_MODE_NAK:
			lcp->peer_reject &= ~BIT(LCP_OPT_EPDISC);
			break;
		case FSM_MODE_REJ:
			lcp->peer_reject |= BIT(LCP_OPT_EPDISC);
			break;
		case FSM_MODE_NOP:
			break;
		}
		break;
	}
}

/* Log one option the way mpd5 does. */
static void
lcp_log_opt(struct lcp *lcp, const struct lcp_optinfo *oi,
    const uint8_t *opt, size_t olen)
{
	struct lcp_discrim dis;
	char buf[96];

	switch (opt[0]) {
	case LCP_OPT_MRU:
	case LCP_OPT_MRRU:
		OPT_LOG(lcp, "%s %d", oi->name, get16(opt + 2));
		break;
	case LCP_OPT_ACCMAP:
		OPT_LOG(lcp, "%s 0x%08x", oi->name, get32(opt + 2));
		break;
	case LCP_OPT_MAGIC:
		OPT_LOG(lcp, "%s 0x%08x", oi->name, get32(opt + 2));
		break;
	case LCP_OPT_AUTHPROTO:
		lcp_log_auth(lcp, oi->name, opt + 2, olen - 2);
		break;
	case LCP_OPT_CALLBACK:
		OPT_LOG(lcp, "%s %d", oi->name, opt[2]);
		break;
	case LCP_OPT_EPDISC:
		dis.class = opt[2];
		dis.len = (uint8_t)(olen - 3);
		memcpy(dis.bytes, opt + 3, olen - 3);
		OPT_LOG(lcp, "%s %s", oi->name,
		    lcp_discrim_print(&dis, buf, sizeof(buf)));
		break;
	case LCP_OPT_VENDOR:
		OPT_LOG(lcp, "%s %02x%02x%02x:%d", oi->name, opt[2], opt[3],
		    opt[4], opt[5]);
		break;
	default:
		OPT_LOG(lcp, "%s", oi->name);
		break;
	}
}

/* LCP's decode_config (see lcp.h and fsm.h). */
void
lcp_opts_decode(struct lcp *lcp, const uint8_t *opts, size_t len,
    enum fsm_decode_mode mode, struct fsm_decode *d)
{
	const struct lcp_optinfo *oi;
	const uint8_t *opt;
	bool seen[256];
	size_t olen, dlen;

	if (mode == FSM_MODE_REQ) {
		if (d == NULL)
			return;
		/* A new request: forget the previous one. */
		lcp_peer_defaults(lcp);
	}
	memset(seen, 0, sizeof(seen));
	while (fsm_opt_next(&opts, &len, &opt, &olen) == 1) {
		dlen = olen - 2;
		oi = opt[0] < LCP_NOPTINFO ? &lcp_optinfo[opt[0]] : NULL;
		if (oi == NULL || oi->name == NULL) {
			OPT_LOG(lcp, "UNKNOWN[%d] len=%zu", opt[0], olen);
			if (mode == FSM_MODE_REQ)
				fsm_rej(d, opt, olen);
			continue;
		}
		if (!oi->supported) {
			OPT_LOG(lcp, "%s", oi->name);
			if (mode == FSM_MODE_REQ) {
				OPT_LOG(lcp, "  Not supported");
				fsm_rej(d, opt, olen);
			}
			continue;
		}
		if (dlen < oi->min || dlen > oi->max ||
		    (opt[0] == LCP_OPT_EPDISC &&
		    !lcp_discrim_valid(opt[2], dlen - 1))) {
			OPT_LOG(lcp, "%s", oi->name);
			if (mode == FSM_MODE_REQ) {
				OPT_LOG(lcp, "  Bogus length=%zu", olen);
				fsm_rej(d, opt, olen);
			}
			continue;
		}
		lcp_log_opt(lcp, oi, opt, olen);
		if (mode == FSM_MODE_REQ) {
			/* The same option twice contradicts itself. */
			if (seen[opt[0]]) {
				OPT_LOG(lcp, "  Repeated option");
				fsm_rej(d, opt, olen);
				continue;
			}
			seen[opt[0]] = true;
		}
		switch (opt[0]) {
		case LCP_OPT_MRU:
			lcp_dec_mru(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_ACCMAP:
			lcp_dec_accmap(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_AUTHPROTO:
			lcp_dec_auth(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_MAGIC:
			lcp_dec_magic(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_PFCOMP:
		case LCP_OPT_ACFCOMP:
			lcp_dec_comp(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_MRRU:
		case LCP_OPT_SHORTSEQ:
		case LCP_OPT_EPDISC:
			lcp_dec_mp(lcp, opt, olen, mode, d);
			break;
		case LCP_OPT_CALLBACK:
			/* We never call back; the peer's wish is rejected. */
			if (mode == FSM_MODE_REQ) {
				fsm_rej(d, opt, olen);
			} else if (mode != FSM_MODE_NOP) {
				lcp->want_callback = false;
				lcp->peer_reject |= BIT(LCP_OPT_CALLBACK);
			}
			break;
		default:	/* LCP_OPT_VENDOR */
			if (mode == FSM_MODE_REQ)
				fsm_rej(d, opt, olen);
			break;
		}
		if (mode == FSM_MODE_REQ && d->fail)
			return;
	}
}
