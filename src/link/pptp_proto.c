/*
 * pptp_proto.c - PPTP wire codec: control messages (RFC 2637 2.1-2.16),
 * the enhanced GRE header (4.1) and the GRE receive reorder queue (4.3).
 * Contracts are in pptp_proto.h.
 *
 * Each control message type is described by one field list; the parser
 * and the builder walk the same list, so the two cannot disagree.
 */
#include "pptp_proto.h"

#include <stddef.h>
#include <string.h>

#include "../core/bytes.h"

/* One field of a message layout. */
enum fk { F_U8, F_U16, F_U32, F_STR, F_SKIP, F_END };
struct field {
	enum fk		kind;
	size_t		off;	/* offset in struct pptp_ctrl */
	size_t		len;	/* F_STR / F_SKIP: bytes on the wire */
};

#define U8(f)	{ F_U8, offsetof(struct pptp_ctrl, f), 1 }
#define U16(f)	{ F_U16, offsetof(struct pptp_ctrl, f), 2 }
#define U32(f)	{ F_U32, offsetof(struct pptp_ctrl, f), 4 }
#define STR(f, n) { F_STR, offsetof(struct pptp_ctrl, f), n }
#define SKIP(n)	{ F_SKIP, 0, n }
#define END	{ F_END, 0, 0 }

static const struct field l_sccrq[] = { U16(proto_ver), SKIP(2),
	U32(framing), U32(bearer), U16(max_channels), U16(firmware),
	STR(host_name, 64), STR(vendor, 64), END };
static const struct field l_sccrp[] = { U16(proto_ver), U8(result),
	U8(error), U32(framing), U32(bearer), U16(max_channels),
	U16(firmware), STR(host_name, 64), STR(vendor, 64), END };
static const struct field l_stopccrq[] = { U8(reason), SKIP(3), END };
static const struct field l_stopccrp[] = { U8(result), U8(error), SKIP(2),
	END };
static const struct field l_echorq[] = { U32(echo_id), END };
static const struct field l_echorp[] = { U32(echo_id), U8(result),
	U8(error), SKIP(2), END };
static const struct field l_ocrq[] = { U16(call_id), U16(serial),
	U32(min_bps), U32(max_bps), U32(bearer), U32(framing), U16(rwin),
	U16(delay), SKIP(4), STR(number, 64), STR(subaddr, 64), END };
static const struct field l_ocrp[] = { U16(call_id), U16(peer_call_id),
	U8(result), U8(error), U16(cause), U32(speed), U16(rwin), U16(delay),
	U32(phys_chan), END };
static const struct field l_icrq[] = { U16(call_id), U16(serial),
	U32(bearer), U32(phys_chan), SKIP(4), STR(number, 64),
	STR(dialing, 64), STR(subaddr, 64), END };
static const struct field l_icrp[] = { U16(call_id), U16(peer_call_id),
	U8(result), U8(error), U16(rwin), U16(delay), SKIP(2), END };
static const struct field l_iccn[] = { U16(peer_call_id), SKIP(2),
	U32(speed), U16(rwin), U16(delay), U32(framing), END };
static const struct field l_ccrq[] = { U16(call_id), SKIP(2), END };
static const struct field l_cdn[] = { U16(call_id), U8(result), U8(error),
	U16(cause), SKIP(2), SKIP(PPTP_STATS_LEN), END };
static const struct field l_wen[] = { U16(peer_call_id), SKIP(2),
	SKIP(24), END };
static const struct field l_sli[] = { U16(peer_call_id), SKIP(2),
	U32(send_accm), U32(recv_accm), END };

static const struct field *const layouts[PPTP_CTRL_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = l_sccrq, [PPTP_SCCRP] = l_sccrp,
	[PPTP_STOPCCRQ] = l_stopccrq, [PPTP_STOPCCRP] = l_stopccrp,
	[PPTP_ECHORQ] = l_echorq, [PPTP_ECHORP] = l_echorp,
	[PPTP_OCRQ] = l_ocrq, [PPTP_OCRP] = l_ocrp, [PPTP_ICRQ] = l_icrq,
	[PPTP_ICRP] = l_icrp, [PPTP_ICCN] = l_iccn, [PPTP_CCRQ] = l_ccrq,
	[PPTP_CDN] = l_cdn, [PPTP_WEN] = l_wen, [PPTP_SLI] = l_sli,
};

size_t
pptp_ctrl_len(unsigned t)
{
	const struct field *f;
	size_t n = PPTP_CTRL_HLEN;

	if (t == 0 || t > PPTP_CTRL_TYPE_MAX)
		return 0;
	for (f = layouts[t]; f->kind != F_END; f++)
		n += f->len;
	return n;
}

int
pptp_ctrl_need(const uint8_t *p, size_t len)
{
	size_t n;

	if (len < PPTP_CTRL_HLEN)
		return (int)(PPTP_CTRL_HLEN - len);
	n = bytes_rd16(p);
	if (n < PPTP_CTRL_HLEN || n > PPTP_CTRL_MAX ||
	    bytes_rd16(p + 2) != PPTP_MSG_CONTROL ||
	    bytes_rd32(p + 4) != PPTP_MAGIC)
		return -1;
	return n > len ? (int)(n - len) : 0;
}

int
pptp_ctrl_parse(const uint8_t *p, size_t len, struct pptp_ctrl *m)
{
	const struct field *f;
	uint8_t *base = (uint8_t *)m;
	size_t n, o = PPTP_CTRL_HLEN, k;
	unsigned t;

	memset(m, 0, sizeof(*m));
	if (len < PPTP_CTRL_HLEN)
		return PPTP_E_SHORT;
	n = bytes_rd16(p);
	if (bytes_rd16(p + 2) != PPTP_MSG_CONTROL)
		return PPTP_E_TYPE;
	if (bytes_rd32(p + 4) != PPTP_MAGIC)
		return PPTP_E_MAGIC;
	t = bytes_rd16(p + 8);
	if (t == 0 || t > PPTP_CTRL_TYPE_MAX)
		return PPTP_E_TYPE;
	if (n != pptp_ctrl_len(t))
		return PPTP_E_LENGTH;
	if (len < n)
		return PPTP_E_SHORT;
	m->type = (uint16_t)t;
	for (f = layouts[t]; f->kind != F_END; o += f->len, f++) {
		switch (f->kind) {
		case F_U8:
			base[f->off] = p[o];
			break;
		case F_U16: {
			uint16_t v = bytes_rd16(p + o);

			memcpy(base + f->off, &v, 2);
			break;
		}
		case F_U32: {
			uint32_t v = bytes_rd32(p + o);

			memcpy(base + f->off, &v, 4);
			break;
		}
		case F_STR:
			/* up to the first NUL, at most 63 characters */
			for (k = 0; k < f->len - 1 && p[o + k] != '\0'; k++)
				base[f->off + k] = p[o + k];
			base[f->off + k] = '\0';
			break;
		case F_SKIP:
		case F_END:
			break;
		}
	}
	return PPTP_OK;
}

size_t
pptp_ctrl_build(const struct pptp_ctrl *m, uint8_t *out, size_t cap)
{
	const struct field *f;
	const uint8_t *base = (const uint8_t *)m;
	size_t n = pptp_ctrl_len(m->type), o = PPTP_CTRL_HLEN, k;

	if (n == 0 || cap < n)
		return 0;
	memset(out, 0, n);
	bytes_wr16(out, (uint16_t)n);
	bytes_wr16(out + 2, PPTP_MSG_CONTROL);
	bytes_wr32(out + 4, PPTP_MAGIC);
	bytes_wr16(out + 8, m->type);
	for (f = layouts[m->type]; f->kind != F_END; o += f->len, f++) {
		switch (f->kind) {
		case F_U8:
			out[o] = base[f->off];
			break;
		case F_U16: {
			uint16_t v;

			memcpy(&v, base + f->off, 2);
			bytes_wr16(out + o, v);
			break;
		}
		case F_U32: {
			uint32_t v;

			memcpy(&v, base + f->off, 4);
			bytes_wr32(out + o, v);
			break;
		}
		case F_STR:
			for (k = 0; k < f->len - 1 && base[f->off + k]; k++)
				out[o + k] = base[f->off + k];
			break;
		case F_SKIP:
		case F_END:
			break;
		}
	}
	return n;
}

const char *
pptp_ctrl_name(unsigned t)
{
	static const char *const names[PPTP_CTRL_TYPE_MAX + 1] = {
		[PPTP_SCCRQ] = "StartCtrlConnRequest",
		[PPTP_SCCRP] = "StartCtrlConnReply",
		[PPTP_STOPCCRQ] = "StopCtrlConnRequest",
		[PPTP_STOPCCRP] = "StopCtrlConnReply",
		[PPTP_ECHORQ] = "EchoRequest", [PPTP_ECHORP] = "EchoReply",
		[PPTP_OCRQ] = "OutCallRequest", [PPTP_OCRP] = "OutCallReply",
		[PPTP_ICRQ] = "InCallRequest", [PPTP_ICRP] = "InCallReply",
		[PPTP_ICCN] = "InCallConn", [PPTP_CCRQ] = "CallClearRequest",
		[PPTP_CDN] = "CallDiscNotify", [PPTP_WEN] = "WanErrorNotify",
		[PPTP_SLI] = "SetLinkInfo",
	};

	if (t == 0 || t > PPTP_CTRL_TYPE_MAX)
		return "Unknown";
	return names[t];
}

/* ---- enhanced GRE ---- */

#define GRE_C	0x80	/* checksum present (byte 0) */
#define GRE_R	0x40	/* routing present */
#define GRE_K	0x20	/* key present */
#define GRE_S	0x10	/* sequence number present */
#define GRE_SS	0x08	/* strict source route */
#define GRE_A	0x80	/* acknowledgement present (byte 1) */
#define GRE_VER	0x07

int
pptp_gre_parse(const uint8_t *p, size_t len, struct pptp_gre *g)
{
	size_t o = 8;

	memset(g, 0, sizeof(*g));
	if (len < 8)
		return PPTP_E_SHORT;
	if ((p[0] & (GRE_C | GRE_R | GRE_K | GRE_SS)) != GRE_K ||
	    (p[1] & GRE_VER) != 1 || bytes_rd16(p + 2) != PPTP_GRE_PROTO)
		return PPTP_E_GRE;
	g->payload_len = bytes_rd16(p + 4);
	g->call_id = bytes_rd16(p + 6);
	g->has_seq = (p[0] & GRE_S) != 0;
	g->has_ack = (p[1] & GRE_A) != 0;
	if (g->has_seq) {
		if (len < o + 4)
			return PPTP_E_SHORT;
		g->seq = bytes_rd32(p + o);
		o += 4;
	}
	if (g->has_ack) {
		if (len < o + 4)
			return PPTP_E_SHORT;
		g->ack = bytes_rd32(p + o);
		o += 4;
	}
	/* a payload without a sequence number is not allowed */
	if (g->payload_len > 0 && !g->has_seq)
		return PPTP_E_GRE;
	if (len - o < g->payload_len)
		return PPTP_E_SHORT;
	g->off = o;
	return PPTP_OK;
}

size_t
pptp_gre_build(const struct pptp_gre *g, uint8_t *out)
{
	size_t o = 8;

	out[0] = (uint8_t)(GRE_K | (g->has_seq ? GRE_S : 0));
	out[1] = (uint8_t)((g->has_ack ? GRE_A : 0) | 1);
	bytes_wr16(out + 2, PPTP_GRE_PROTO);
	bytes_wr16(out + 4, g->payload_len);
	bytes_wr16(out + 6, g->call_id);
	if (g->has_seq) {
		bytes_wr32(out + o, g->seq);
		o += 4;
	}
	if (g->has_ack) {
		bytes_wr32(out + o, g->ack);
		o += 4;
	}
	return o;
}

/* ---- receive reordering ---- */

/* Deliver the held packets that directly follow q->last. */
static void
pptp_ooo_drain(struct pptp_ooo *q, pptp_ooo_fn *deliver, void *ctx)
{
	unsigned i;
	bool found = true;

	while (found && q->n > 0) {
		found = false;
		for (i = 0; i < q->n; i++)
			if (q->seq[i] == q->last + 1) {
				void *p = q->pkt[i];

				q->last = q->seq[i];
				q->n--;
				q->seq[i] = q->seq[q->n];
				q->pkt[i] = q->pkt[q->n];
				deliver(ctx, p);
				found = true;
				break;
			}
	}
}

void
pptp_ooo_flush(struct pptp_ooo *q, pptp_ooo_fn *deliver, void *ctx)
{
	unsigned i, best;

	while (q->n > 0) {
		/* the oldest held one: the gap before it is given up */
		best = 0;
		for (i = 1; i < q->n; i++)
			if ((int32_t)(q->seq[i] - q->seq[best]) < 0)
				best = i;
		q->last = q->seq[best] - 1;
		pptp_ooo_drain(q, deliver, ctx);
	}
}

void
pptp_ooo_clear(struct pptp_ooo *q, pptp_ooo_fn *drop, void *ctx)
{
	while (q->n > 0) {
		q->n--;
		drop(ctx, q->pkt[q->n]);
	}
}

int
pptp_ooo_input(struct pptp_ooo *q, uint32_t seq, void *pkt,
    pptp_ooo_fn *deliver, void *ctx)
{
	int32_t d;
	unsigned i;

	if (!q->any) {
		q->any = true;
		q->last = seq;
		deliver(ctx, pkt);
		return 1;
	}
	d = (int32_t)(seq - q->last);
	if (d <= 0)
		return -1;
	for (i = 0; i < q->n; i++)
		if (q->seq[i] == seq)
			return -1;
	if (d == 1) {
		q->last = seq;
		deliver(ctx, pkt);
		pptp_ooo_drain(q, deliver, ctx);
		return 1;
	}
	if (d > PPTP_OOO_MAX || q->n == PPTP_OOO_MAX) {
		/* too far ahead: what is held is older, out it goes */
		pptp_ooo_flush(q, deliver, ctx);
		if ((int32_t)(seq - q->last) <= 0)
			return -1;
		q->last = seq;
		deliver(ctx, pkt);
		pptp_ooo_drain(q, deliver, ctx);
		return 1;
	}
	q->seq[q->n] = seq;
	q->pkt[q->n] = pkt;
	q->n++;
	return 0;
}
