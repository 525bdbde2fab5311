/*
 * vj.c - Van Jacobson TCP/IP header compression, RFC 1144.
 *
 * RFC 1144 section 3.2 describes the wire format: a first byte of change
 * flags (C I P S A W U), the connection (slot) number when C is set, the
 * TCP checksum, then the changed fields as deltas in 1- or 3-byte form
 * (appendix A.2).  Section 3.2.3 adds two special encodings for the most
 * common cases (unidirectional data, echoed interactive traffic), 3.2.4
 * the "toss" rule after receive errors, and 4 the Uncompressed-TCP frame
 * whose IP protocol byte carries the slot number.
 *
 * mpd5 delegates this to FreeBSD's ng_vjc node; here it runs in user
 * space on the tun data path (DESIGN.md 2).  The codec is pure: headers
 * are read and written byte by byte in network order, so it behaves the
 * same on any host byte order, and every read of untrusted input is
 * bounds-checked (tests/fuzz/fuzz_vj.c).
 */
#include "vj.h"

#include <string.h>

/* Change flags of the first byte (RFC 1144 3.2.2). */
#define VJ_NEW_C	0x40	/* slot number follows */
#define VJ_NEW_I	0x20	/* IP id delta (else +1) */
#define VJ_PUSH		0x10	/* TCP PSH flag */
#define VJ_NEW_S	0x08	/* sequence delta */
#define VJ_NEW_A	0x04	/* ack delta */
#define VJ_NEW_W	0x02	/* window delta */
#define VJ_NEW_U	0x01	/* urgent pointer */
/* S W U together cannot occur: it encodes "echoed interactive data". */
#define VJ_SPECIAL_I	(VJ_NEW_S | VJ_NEW_W | VJ_NEW_U)
/* S A W U likewise: "unidirectional data, sequence += last length". */
#define VJ_SPECIAL_D	(VJ_NEW_S | VJ_NEW_A | VJ_NEW_W | VJ_NEW_U)
#define VJ_SPECIALS	(VJ_NEW_S | VJ_NEW_A | VJ_NEW_W | VJ_NEW_U)

/* TCP flags. */
#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_URG		0x20

#define IPPROTO_TCP_NUM	6

/* Offsets in the IPv4 header. */
#define IP_LEN		2
#define IP_ID		4
#define IP_OFF		6
#define IP_PROTO	9
#define IP_SUM		10
/* Offsets in the TCP header. */
#define TH_SEQ		4
#define TH_ACK		8
#define TH_OFF		12
#define TH_FLAGS	13
#define TH_WIN		14
#define TH_SUM		16
#define TH_URP		18

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
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

/* RFC 791 header checksum over len bytes (the sum field zeroed). */
static uint16_t
ip_cksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- compressor ---- */

/*
 * Append a delta (appendix A.2): 1..255 as one byte, anything else as a
 * zero byte followed by the 16-bit value.  A value of 0 (legal for the
 * urgent pointer and the IP id delta) therefore takes the long form too;
 * the other fields are only sent when they changed.
 */
static void
vj_put_delta(uint8_t *buf, size_t *n, uint16_t v)
{
	if (v == 0 || v > 255) {
		buf[(*n)++] = 0;
		buf[(*n)++] = (uint8_t)(v >> 8);
		buf[(*n)++] = (uint8_t)v;
	} else
		buf[(*n)++] = (uint8_t)v;
}

void
vj_comp_init(struct vj_comp *c, int max_slot_id, bool comp_cid)
{
	int i;

	memset(c, 0, sizeof(*c));
	if (max_slot_id >= VJ_MAX_SLOTS)
		max_slot_id = VJ_MAX_SLOTS - 1;
	if (max_slot_id < 0)
		max_slot_id = 0;
	c->nslots = max_slot_id + 1;
	c->comp_cid = comp_cid;
	c->last_xmit = -1;
	for (i = 0; i < c->nslots; i++)
		c->lru[i] = (uint8_t)i;
}

/* Move lru position pos to the front (most recently used). */
static void
vj_lru_touch(struct vj_comp *c, int pos)
{
	uint8_t s = c->lru[pos];

	memmove(&c->lru[1], &c->lru[0], (size_t)pos);
	c->lru[0] = s;
}

/*
 * Locate the connection state of pkt (same addresses and ports), or take
 * the least recently used slot.  Returns the slot number; *found tells
 * which.  The chosen slot becomes the most recently used one.
 */
static int
vj_find_slot(struct vj_comp *c, const uint8_t *pkt, size_t ihl, bool *found)
{
	const struct vj_slot *s;
	int pos, n;

	for (pos = 0; pos < c->nslots; pos++) {
		n = c->lru[pos];
		s = &c->slot[n];
		/* The first probe is free; later ones count as searches. */
		if (pos > 0)
			c->searches++;
		if (!s->used)
			continue;
		if (memcmp(s->hdr + 12, pkt + 12, 8) == 0 &&
		    memcmp(s->hdr + (s->hdr[0] & 0x0f) * 4, pkt + ihl, 4) == 0) {
			vj_lru_touch(c, pos);
			*found = true;
			return n;
		}
	}
	c->misses++;
	pos = c->nslots - 1;
	n = c->lru[pos];
	vj_lru_touch(c, pos);
	*found = false;
	return n;
}

/*
 * True when a field the compressed format cannot express differs from
 * the remembered header: version/IHL/TOS, fragment word, TTL and
 * protocol, and the IP and TCP options (RFC 1144 3.2.2).
 */
static bool
vj_fixed_changed(const uint8_t *old, const uint8_t *pkt, size_t ihl,
    size_t thl)
{
	const uint8_t *oth = old + ihl, *th = pkt + ihl;

	if (memcmp(old, pkt, 2) != 0 || memcmp(old + IP_OFF, pkt + IP_OFF, 4))
		return true;
	/*
	 * Data offset and reserved bits, and every flag but PSH and URG
	 * (ECE, CWR, ...): the format has no field for them.
	 */
	if (oth[TH_OFF] != th[TH_OFF] ||
	    ((oth[TH_FLAGS] ^ th[TH_FLAGS]) & ~(TCP_PSH | TCP_URG)) != 0)
		return true;
	if (ihl > 20 && memcmp(old + 20, pkt + 20, ihl - 20) != 0)
		return true;
	if (thl > 20 && memcmp(oth + 20, th + 20, thl - 20) != 0)
		return true;
	return false;
}

enum vj_type
vj_compress(struct vj_comp *c, const uint8_t *pkt, size_t len,
    struct vj_out *out)
{
	uint8_t deltas[16];
	size_t ihl, thl, hlen, nd = 0, n;
	const uint8_t *th, *old, *oth;
	uint32_t dseq, dack;
	uint16_t dwin, did, old_iplen;
	uint8_t changes = 0;
	bool found;
	int sn;

	out->hdr_len = 0;
	out->skip = 0;
	/* Only unfragmented IPv4 TCP segments are candidates. */
	if (c->nslots <= 0 || len < 40 || (pkt[0] >> 4) != 4)
		return VJ_TYPE_IP;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || pkt[IP_PROTO] != IPPROTO_TCP_NUM ||
	    (get16(pkt + IP_OFF) & 0x3fff) != 0 || len < ihl + 20)
		return VJ_TYPE_IP;
	/*
	 * The receiver rebuilds the IP length from the frame length, so a
	 * datagram with trailing bytes beyond its IP length goes as is.
	 */
	if (get16(pkt + IP_LEN) != len)
		return VJ_TYPE_IP;
	th = pkt + ihl;
	thl = (size_t)(th[TH_OFF] >> 4) * 4;
	hlen = ihl + thl;
	if (thl < 20 || hlen > len)
		return VJ_TYPE_IP;
	/* Connection set-up and tear-down go uncompressed (3.2.2). */
	if ((th[TH_FLAGS] & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) !=
	    TCP_ACK)
		return VJ_TYPE_IP;

	c->out_total++;
	sn = vj_find_slot(c, pkt, ihl, &found);
	if (!found)
		goto uncompressed;
	old = c->slot[sn].hdr;
	oth = old + ihl;
	if (c->slot[sn].hlen != hlen || vj_fixed_changed(old, pkt, ihl, thl))
		goto uncompressed;

	/* Urgent data: the pointer is sent as a value, not a delta. */
	if (th[TH_FLAGS] & TCP_URG) {
		vj_put_delta(deltas, &nd, get16(th + TH_URP));
		changes |= VJ_NEW_U;
	} else if (get16(th + TH_URP) != get16(oth + TH_URP))
		goto uncompressed;
	dwin = (uint16_t)(get16(th + TH_WIN) - get16(oth + TH_WIN));
	if (dwin != 0) {
		vj_put_delta(deltas, &nd, dwin);
		changes |= VJ_NEW_W;
	}
	/* Ack and sequence may only move forward by less than 64k. */
	dack = get32(th + TH_ACK) - get32(oth + TH_ACK);
	if (dack != 0) {
		if (dack > 0xffff)
			goto uncompressed;
		vj_put_delta(deltas, &nd, (uint16_t)dack);
		changes |= VJ_NEW_A;
	}
	dseq = get32(th + TH_SEQ) - get32(oth + TH_SEQ);
	if (dseq != 0) {
		if (dseq > 0xffff)
			goto uncompressed;
		vj_put_delta(deltas, &nd, (uint16_t)dseq);
		changes |= VJ_NEW_S;
	}

	/* Special cases of 3.2.3; the previous segment's data length. */
	old_iplen = get16(old + IP_LEN);
	switch (changes) {
	case 0:
		/*
		 * Nothing moved.  Data after a pure ack is normal for
		 * interactive traffic and is sent compressed; anything else
		 * is a retransmission or window probe and goes uncompressed
		 * in case the peer lost the previous compressed frame.
		 */
		if (get16(pkt + IP_LEN) != old_iplen && old_iplen == hlen)
			break;
		goto uncompressed;
	case VJ_SPECIAL_I:
	case VJ_SPECIAL_D:
		/* The real changes look like a special encoding. */
		goto uncompressed;
	case VJ_NEW_S | VJ_NEW_A:
		/*
		 * The special encodings leave the receiver's URG flag as it
		 * was, so they are only usable when it was clear before.
		 */
		if ((oth[TH_FLAGS] & TCP_URG) != 0)
			break;
		if (dseq == dack && dseq == (uint32_t)(old_iplen - hlen)) {
			changes = VJ_SPECIAL_I;
			nd = 0;
		}
		break;
	case VJ_NEW_S:
		if ((oth[TH_FLAGS] & TCP_URG) != 0)
			break;
		if (dseq == (uint32_t)(old_iplen - hlen)) {
			changes = VJ_SPECIAL_D;
			nd = 0;
		}
		break;
	default:
		break;
	}

	did = (uint16_t)(get16(pkt + IP_ID) - get16(old + IP_ID));
	if (did != 1) {
		vj_put_delta(deltas, &nd, did);
		changes |= VJ_NEW_I;
	}
	if (th[TH_FLAGS] & TCP_PSH)
		changes |= VJ_PUSH;

	/* Remember this header for the next delta. */
	memcpy(c->slot[sn].hdr, pkt, hlen);

	n = 0;
	if (!c->comp_cid || c->last_xmit != sn) {
		out->hdr[n++] = changes | VJ_NEW_C;
		out->hdr[n++] = (uint8_t)sn;
		c->last_xmit = sn;
	} else
		out->hdr[n++] = changes;
	out->hdr[n++] = th[TH_SUM];
	out->hdr[n++] = th[TH_SUM + 1];
	memcpy(out->hdr + n, deltas, nd);
	out->hdr_len = n + nd;
	out->skip = hlen;
	c->out_comp++;
	return VJ_TYPE_COMP;

uncompressed:
	/* Resynchronise the peer: full header, slot in the protocol byte. */
	memcpy(c->slot[sn].hdr, pkt, hlen);
	c->slot[sn].hlen = (uint8_t)hlen;
	c->slot[sn].used = true;
	memcpy(out->hdr, pkt, hlen);
	out->hdr[IP_PROTO] = (uint8_t)sn;
	out->hdr_len = hlen;
	out->skip = hlen;
	c->last_xmit = sn;
	return VJ_TYPE_UNCOMP;
}

/* ---- decompressor ---- */

void
vj_decomp_init(struct vj_decomp *d, int max_slot_id)
{
	memset(d, 0, sizeof(*d));
	if (max_slot_id >= VJ_MAX_SLOTS)
		max_slot_id = VJ_MAX_SLOTS - 1;
	if (max_slot_id < 0)
		max_slot_id = 0;
	d->nslots = max_slot_id + 1;
	d->last_recv = -1;
	d->toss = true;
}

void
vj_decomp_error(struct vj_decomp *d)
{
	d->toss = true;
}

/* Bounds-checked reader over the compressed header. */
struct vj_rd {
	const uint8_t	*p;
	size_t		 left;
	bool		 bad;
};

static uint8_t
vj_rd_u8(struct vj_rd *r)
{
	if (r->left < 1) {
		r->bad = true;
		return 0;
	}
	r->left--;
	return *r->p++;
}

/* A delta in the 1- or 3-byte form. */
static uint16_t
vj_rd_delta(struct vj_rd *r)
{
	uint8_t b = vj_rd_u8(r);
	uint16_t v;

	if (b != 0)
		return b;
	v = (uint16_t)(vj_rd_u8(r) << 8);
	return (uint16_t)(v | vj_rd_u8(r));
}

/* Uncompressed-TCP: remember the header and restore the protocol. */
static int
vj_uncomp_frame(struct vj_decomp *d, const uint8_t *in, size_t len,
    struct vj_out *out)
{
	size_t ihl, thl, hlen;
	struct vj_slot *s;
	unsigned sn;

	if (len < 40 || (in[0] >> 4) != 4)
		return -1;
	sn = in[IP_PROTO];
	ihl = (size_t)(in[0] & 0x0f) * 4;
	if (sn >= (unsigned)d->nslots || ihl < 20 || len < ihl + 20)
		return -1;
	thl = (size_t)(in[ihl + TH_OFF] >> 4) * 4;
	hlen = ihl + thl;
	if (thl < 20 || hlen > len)
		return -1;
	s = &d->slot[sn];
	memcpy(s->hdr, in, hlen);
	s->hdr[IP_PROTO] = IPPROTO_TCP_NUM;
	s->hlen = (uint8_t)hlen;
	s->used = true;
	d->last_recv = (int)sn;
	d->toss = false;
	memcpy(out->hdr, s->hdr, hlen);
	out->hdr_len = hlen;
	out->skip = hlen;
	d->in_uncomp++;
	return 0;
}

/* Compressed-TCP: apply the deltas to the remembered header. */
static int
vj_comp_frame(struct vj_decomp *d, const uint8_t *in, size_t len,
    struct vj_out *out)
{
	struct vj_rd r = { .p = in, .left = len, .bad = false };
	uint8_t work[VJ_MAX_HDR], changes, *th;
	struct vj_slot *s;
	size_t ihl, hlen, iplen;
	uint16_t old_iplen;
	unsigned sn;

	changes = vj_rd_u8(&r);
	if (r.bad)
		return -1;
	if (changes & VJ_NEW_C) {
		sn = vj_rd_u8(&r);
		if (r.bad || sn >= (unsigned)d->nslots)
			return -1;
		d->toss = false;
		d->last_recv = (int)sn;
	} else {
		/* 3.2.4: after an error wait for an explicit slot id. */
		if (d->toss) {
			d->in_tossed++;
			return -2;
		}
		if (d->last_recv < 0)
			return -1;
		sn = (unsigned)d->last_recv;
	}
	s = &d->slot[sn];
	if (!s->used)
		return -1;
	/* Work on a copy: a malformed frame must not alter the slot. */
	hlen = s->hlen;
	memcpy(work, s->hdr, hlen);
	ihl = (size_t)(work[0] & 0x0f) * 4;
	th = work + ihl;
	old_iplen = get16(work + IP_LEN);

	th[TH_SUM] = vj_rd_u8(&r);
	th[TH_SUM + 1] = vj_rd_u8(&r);
	if (changes & VJ_PUSH)
		th[TH_FLAGS] |= TCP_PSH;
	else
		th[TH_FLAGS] &= (uint8_t)~TCP_PSH;

	switch (changes & VJ_SPECIALS) {
	case VJ_SPECIAL_I:
		put32(th + TH_ACK, get32(th + TH_ACK) +
		    (uint32_t)(uint16_t)(old_iplen - hlen));
		put32(th + TH_SEQ, get32(th + TH_SEQ) +
		    (uint32_t)(uint16_t)(old_iplen - hlen));
		break;
	case VJ_SPECIAL_D:
		put32(th + TH_SEQ, get32(th + TH_SEQ) +
		    (uint32_t)(uint16_t)(old_iplen - hlen));
		break;
	default:
		if (changes & VJ_NEW_U) {
			th[TH_FLAGS] |= TCP_URG;
			put16(th + TH_URP, vj_rd_delta(&r));
		} else
			th[TH_FLAGS] &= (uint8_t)~TCP_URG;
		if (changes & VJ_NEW_W)
			put16(th + TH_WIN, (uint16_t)(get16(th + TH_WIN) +
			    vj_rd_delta(&r)));
		if (changes & VJ_NEW_A)
			put32(th + TH_ACK, get32(th + TH_ACK) +
			    vj_rd_delta(&r));
		if (changes & VJ_NEW_S)
			put32(th + TH_SEQ, get32(th + TH_SEQ) +
			    vj_rd_delta(&r));
		break;
	}
	if (changes & VJ_NEW_I)
		put16(work + IP_ID, (uint16_t)(get16(work + IP_ID) +
		    vj_rd_delta(&r)));
	else
		put16(work + IP_ID, (uint16_t)(get16(work + IP_ID) + 1));
	if (r.bad)
		return -1;

	/* The IP length is implied by the frame: header + what is left. */
	iplen = hlen + r.left;
	if (iplen > 0xffff)
		return -1;
	put16(work + IP_LEN, (uint16_t)iplen);
	put16(work + IP_SUM, 0);
	put16(work + IP_SUM, ip_cksum(work, ihl));

	memcpy(s->hdr, work, hlen);
	memcpy(out->hdr, work, hlen);
	out->hdr_len = hlen;
	out->skip = len - r.left;
	d->in_comp++;
	return 0;
}

int
vj_uncompress(struct vj_decomp *d, enum vj_type type, const uint8_t *in,
    size_t len, struct vj_out *out)
{
	int rc;

	out->hdr_len = 0;
	out->skip = 0;
	switch (type) {
	case VJ_TYPE_UNCOMP:
		rc = vj_uncomp_frame(d, in, len, out);
		break;
	case VJ_TYPE_COMP:
		rc = vj_comp_frame(d, in, len, out);
		break;
	case VJ_TYPE_IP:
	default:
		rc = -1;
		break;
	}
	if (rc == -2)
		return -1;		/* tossed: counted, toss stays set */
	if (rc < 0) {
		d->toss = true;
		d->in_error++;
		out->hdr_len = 0;
		out->skip = 0;
		return -1;
	}
	return 0;
}
