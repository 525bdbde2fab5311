/*
 * test_vj.c - Van Jacobson TCP/IP header compression (RFC 1144): round
 * trips over generated TCP/IP flows with every kind of header change,
 * the special encodings of section 3.2.3, connection-slot reuse, the
 * Uncompressed-TCP and toss paths (3.2.4) and malformed frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ppp/vj.h"

/* ---- packet generator ---- */

static uint32_t rng_state;

static uint32_t
rng(void)
{
	/* xorshift32: deterministic across hosts */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

struct flow {
	uint32_t	src, dst;
	uint16_t	sport, dport;
	uint32_t	seq, ack;
	uint16_t	win, id, urp;
	uint8_t		tos, ttl;
	uint8_t		flags;		/* TCP flags */
	int		ipopt;		/* bytes of IP options (multiple of 4) */
	int		tcpopt;		/* bytes of TCP options */
	uint32_t	tsval;		/* changes the TCP options */
	size_t		datalen;	/* payload of the next segment */
	size_t		lastlen;	/* payload of the previous segment */
};

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

static void
ip_sum(uint8_t *h, size_t ihl)
{
	uint32_t sum = 0;
	size_t i;

	h[10] = h[11] = 0;
	for (i = 0; i < ihl; i += 2)
		sum += (uint32_t)((h[i] << 8) | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
}

/* Serialise the flow's current segment; returns its length. */
static size_t
build(const struct flow *f, uint8_t *pkt, uint8_t proto)
{
	size_t ihl = 20 + (size_t)f->ipopt, thl = 20 + (size_t)f->tcpopt;
	size_t len = ihl + thl + f->datalen, i;
	uint8_t *th = pkt + ihl;

	memset(pkt, 0, ihl + thl);
	pkt[0] = (uint8_t)(0x40 | (ihl / 4));
	pkt[1] = f->tos;
	put16(pkt + 2, (uint16_t)len);
	put16(pkt + 4, f->id);
	pkt[8] = f->ttl;
	pkt[9] = proto;
	put32(pkt + 12, f->src);
	put32(pkt + 16, f->dst);
	for (i = 20; i < ihl; i++)
		pkt[i] = 1;		/* NOP options */
	ip_sum(pkt, ihl);
	put16(th, f->sport);
	put16(th + 2, f->dport);
	put32(th + 4, f->seq);
	put32(th + 8, f->ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = f->flags;
	put16(th + 14, f->win);
	put16(th + 16, (uint16_t)rng());	/* checksum: carried verbatim */
	put16(th + 18, f->urp);
	if (f->tcpopt >= 12) {
		th[20] = 1;
		th[21] = 1;
		th[22] = 8;		/* timestamps */
		th[23] = 10;
		put32(th + 24, f->tsval);
		put32(th + 28, 0);
	}
	for (i = 0; i < f->datalen; i++)
		pkt[ihl + thl + i] = (uint8_t)rng();
	return len;
}

static void
flow_init(struct flow *f, int n)
{
	memset(f, 0, sizeof(*f));
	f->src = 0x0a000001u + (uint32_t)n;
	f->dst = 0xc0a80101u;
	f->sport = (uint16_t)(1024 + n * 7);
	f->dport = 80;
	f->seq = rng();
	f->ack = rng();
	f->win = 8192;
	f->id = (uint16_t)rng();
	f->ttl = 64;
	f->flags = 0x10;		/* ACK */
	f->ipopt = (n % 5 == 0) ? 4 : 0;
	f->tcpopt = (n % 3 == 0) ? 12 : 0;
	f->datalen = 100;
}

/* ---- round trip helpers ---- */

struct pair {
	struct vj_comp		c;
	struct vj_decomp	d;
	unsigned		n_ip, n_uncomp, n_comp;
};

/* Frame = out.hdr + pkt[out.skip..]. */
static size_t
assemble(const struct vj_out *o, const uint8_t *src, size_t len,
    uint8_t *dst)
{
	memcpy(dst, o->hdr, o->hdr_len);
	memcpy(dst + o->hdr_len, src + o->skip, len - o->skip);
	return o->hdr_len + len - o->skip;
}

/* Compress pkt, decompress the frame, require the same datagram back. */
static enum vj_type
roundtrip(struct pair *p, const uint8_t *pkt, size_t len)
{
	uint8_t frame[2048], back[2048];
	struct vj_out o, o2;
	enum vj_type t;
	size_t flen, blen;

	t = vj_compress(&p->c, pkt, len, &o);
	assert_true(o.hdr_len <= o.skip);
	flen = assemble(&o, pkt, len, frame);
	switch (t) {
	case VJ_TYPE_IP:
		p->n_ip++;
		assert_int_equal(flen, len);
		assert_memory_equal(frame, pkt, len);
		return t;
	case VJ_TYPE_UNCOMP:
		p->n_uncomp++;
		break;
	case VJ_TYPE_COMP:
		p->n_comp++;
		assert_true(flen < len);
		break;
	}
	assert_int_equal(vj_uncompress(&p->d, t, frame, flen, &o2), 0);
	blen = assemble(&o2, frame, flen, back);
	assert_int_equal(blen, len);
	assert_memory_equal(back, pkt, len);
	return t;
}

static void
pair_init(struct pair *p, bool comp_cid)
{
	memset(p, 0, sizeof(*p));
	vj_comp_init(&p->c, VJ_MAX_SLOTS - 1, comp_cid);
	vj_decomp_init(&p->d, VJ_MAX_SLOTS - 1);
}

/* Advance the flow by one random kind of change. */
static uint8_t
mutate(struct flow *f, int step)
{
	uint8_t proto = 6;

	f->lastlen = f->datalen;
	f->id++;
	f->flags = 0x10;
	switch (rng() % 16) {
	case 0:			/* more data: 3.2.3 unidirectional */
	case 1:
		f->seq += (uint32_t)f->lastlen;
		break;
	case 2:			/* echoed interactive data */
		f->seq += (uint32_t)f->lastlen;
		f->ack += (uint32_t)f->lastlen;
		break;
	case 3:			/* pure ack */
		f->ack += rng() % 3000 + 1;
		f->datalen = 0;
		break;
	case 4:			/* window opens or shrinks */
		f->win = (uint16_t)(f->win + (rng() % 2 ? 1 : -1) *
		    (int)(rng() % 600));
		break;
	case 5:			/* urgent data */
		f->flags |= 0x20;
		f->urp = (uint16_t)(rng() % 3 == 0 ? 0 : rng());
		f->seq += (uint32_t)f->lastlen;
		break;
	case 6:			/* push */
		f->flags |= 0x08;
		f->seq += (uint32_t)f->lastlen;
		break;
	case 7:			/* IP id jumps (or stays) */
		f->id = (uint16_t)(f->id + (rng() % 2 ? 0xfff0 : 300));
		break;
	case 8:			/* retransmission: nothing moves */
		f->id--;
		break;
	case 9:			/* jump beyond the 16-bit delta */
		f->seq += 0x20000;
		break;
	case 10:		/* TCP option (timestamp) changes */
		f->tsval += 1000;
		f->seq += (uint32_t)f->lastlen;
		break;
	case 11:		/* TOS changes */
		f->tos ^= 0x10;
		break;
	case 12:		/* not TCP */
		proto = 17;
		break;
	case 13:		/* connection control */
		f->flags = (uint8_t)(step % 2 ? 0x12 : 0x11);
		break;
	case 14:		/* ack and sequence with big steps */
		f->seq += rng() % 0xffff + 1;
		f->ack += rng() % 0xffff + 1;
		f->win = (uint16_t)rng();
		break;
	default:		/* everything at once */
		f->seq += rng() % 500;
		f->ack += rng() % 500;
		f->win = (uint16_t)(f->win + 1);
		f->flags |= (uint8_t)(rng() % 2 ? 0x08 : 0);
		f->flags |= (uint8_t)(rng() % 3 ? 0 : 0x40);	/* ECE */
		break;
	}
	f->datalen = rng() % 4 == 0 ? 0 : rng() % 1400;
	return proto;
}

static void
run_flows(bool comp_cid, int nflows, int steps)
{
	struct pair p;
	struct flow f[40];
	uint8_t pkt[2048];
	int i, k;
	size_t len;
	uint8_t proto;

	pair_init(&p, comp_cid);
	for (i = 0; i < nflows; i++)
		flow_init(&f[i], i);
	for (k = 0; k < steps; k++) {
		/* Mostly stay on a few flows; sometimes hop around. */
		i = (rng() % 4 == 0) ? (int)(rng() % (uint32_t)nflows) :
		    (int)(rng() % 3);
		proto = mutate(&f[i], k);
		len = build(&f[i], pkt, proto);
		roundtrip(&p, pkt, len);
	}
	assert_true(p.n_comp > (unsigned)steps / 4);
	assert_true(p.n_uncomp > 0);
	assert_true(p.n_ip > 0);
	assert_int_equal(p.c.out_comp, p.n_comp);
	assert_int_equal(p.c.out_total, p.n_comp + p.n_uncomp);
	assert_int_equal(p.d.in_comp, p.n_comp);
	assert_int_equal(p.d.in_uncomp, p.n_uncomp);
	assert_int_equal(p.d.in_error, 0);
	assert_int_equal(p.d.in_tossed, 0);
	assert_true(p.c.misses >= (unsigned)(nflows < 3 ? nflows : 3));
	if (nflows > 1)
		assert_true(p.c.searches > 0);
}

static void
test_roundtrip_few_flows(void **state)
{
	(void)state;
	rng_state = 0x1234567u;
	run_flows(false, 3, 400);
}

static void
test_roundtrip_many_flows(void **state)
{
	(void)state;
	/* More connections than slots: least recently used reuse. */
	rng_state = 0x89abcdefu;
	run_flows(false, 40, 800);
}

static void
test_roundtrip_comp_cid(void **state)
{
	(void)state;
	rng_state = 0x2468ace0u;
	run_flows(true, 6, 500);
}

/* ---- RFC 1144 encodings ---- */

static void
test_special_encodings(void **state)
{
	struct pair p;
	struct flow f;
	uint8_t pkt[2048], frame[2048];
	struct vj_out o;
	size_t len;

	(void)state;
	rng_state = 99;
	pair_init(&p, false);
	flow_init(&f, 1);
	f.tcpopt = 0;
	f.ipopt = 0;

	/* First segment of a connection: Uncompressed-TCP, slot in byte 9. */
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_UNCOMP);
	assert_int_equal(o.hdr_len, 40);
	assert_true(o.hdr[9] < VJ_MAX_SLOTS);
	assemble(&o, pkt, len, frame);
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_UNCOMP, frame, len, &o),
	    0);

	/* Unidirectional data: SPECIAL_D, 4-byte header (C, slot, cksum). */
	f.seq += (uint32_t)f.datalen;
	f.id++;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	assert_int_equal(o.hdr_len, 4);
	assert_int_equal(o.hdr[0], 0x4f);
	assert_int_equal(o.hdr[2], pkt[36]);
	assert_int_equal(o.hdr[3], pkt[37]);
	roundtrip(&p, pkt, len);	/* compressor state moved: resend */

	/* Echo: SPECIAL_I plus PUSH. */
	pair_init(&p, false);
	len = build(&f, pkt, 6);
	roundtrip(&p, pkt, len);
	f.seq += (uint32_t)f.datalen;
	f.ack += (uint32_t)f.datalen;
	f.id++;
	f.flags = 0x18;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	assert_int_equal(o.hdr[0], 0x40 | 0x10 | 0x0b);
	assert_int_equal(o.hdr_len, 4);

	/* Window and ack deltas, IP id +2: long form for 300. */
	pair_init(&p, false);
	len = build(&f, pkt, 6);
	roundtrip(&p, pkt, len);
	f.win = (uint16_t)(f.win + 300);
	f.ack += 5;
	f.id = (uint16_t)(f.id + 2);
	f.flags = 0x10;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	assert_int_equal(o.hdr[0], 0x40 | 0x20 | 0x04 | 0x02);
	/* C slot cksum(2) win(0,1,44) ack(5) id(2) */
	assert_int_equal(o.hdr_len, 2 + 2 + 3 + 1 + 1);
	assert_int_equal(o.hdr[4], 0);
	assert_int_equal(o.hdr[5], 1);
	assert_int_equal(o.hdr[6], 44);
	assert_int_equal(o.hdr[7], 5);
	assert_int_equal(o.hdr[8], 2);

	/* Retransmission (nothing changed) goes uncompressed. */
	pair_init(&p, false);
	len = build(&f, pkt, 6);
	roundtrip(&p, pkt, len);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_UNCOMP);

	/* SYN, FIN, RST, fragments, non-TCP and IPv6 are left alone. */
	f.flags = 0x02;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_IP);
	f.flags = 0x11;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_IP);
	f.flags = 0x10;
	len = build(&f, pkt, 6);
	pkt[6] = 0x20;			/* more fragments */
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_IP);
	len = build(&f, pkt, 1);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_IP);
	len = build(&f, pkt, 6);
	pkt[0] = 0x60;
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_IP);
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, 39, &o), VJ_TYPE_IP);
	/* IP length disagreeing with the frame length. */
	assert_int_equal(vj_compress(&p.c, pkt, len - 1, &o), VJ_TYPE_IP);
}

/* Slot-id compression (Comp-Slot-Id 1): only the first frame says C. */
static void
test_comp_cid_and_toss(void **state)
{
	struct pair p;
	struct flow f, g;
	uint8_t pkt[2048], frame[2048];
	struct vj_out o;
	size_t len, flen;

	(void)state;
	rng_state = 4242;
	pair_init(&p, true);
	flow_init(&f, 1);
	flow_init(&g, 2);
	len = build(&f, pkt, 6);
	assert_int_equal(roundtrip(&p, pkt, len), VJ_TYPE_UNCOMP);
	f.seq += (uint32_t)f.datalen;
	f.id++;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	assert_int_equal(o.hdr[0] & 0x40, 0);	/* no slot id */
	flen = assemble(&o, pkt, len, frame);
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, flen, &o),
	    0);

	/* The link reports an error: implicit-slot frames are tossed. */
	vj_decomp_error(&p.d);
	f.seq += (uint32_t)f.datalen;
	f.id++;
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	flen = assemble(&o, pkt, len, frame);
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, flen, &o),
	    -1);
	assert_int_equal(p.d.in_tossed, 1);
	assert_int_equal(p.d.in_error, 0);

	/* Another connection's frame names its slot and ends the toss. */
	len = build(&g, pkt, 6);
	assert_int_equal(roundtrip(&p, pkt, len), VJ_TYPE_UNCOMP);
	f.seq += (uint32_t)f.datalen;
	f.id++;
	len = build(&f, pkt, 6);
	/* f's slot differs from the last one: C is set again. */
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	assert_int_equal(o.hdr[0] & 0x40, 0x40);
}

/* Malformed frames are counted as errors and leave the state usable. */
static void
test_errors(void **state)
{
	struct pair p;
	struct flow f;
	uint8_t pkt[2048], frame[2048], bad[2048];
	struct vj_out o, o2;
	size_t len, flen, cut;

	(void)state;
	rng_state = 777;
	pair_init(&p, false);
	flow_init(&f, 3);

	/* Compressed frame before any state: unknown slot. */
	frame[0] = 0x40;
	frame[1] = 3;
	frame[2] = frame[3] = 0;
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, 4, &o), -1);
	assert_int_equal(p.d.in_error, 1);
	/* Without C and without a previous slot: tossed (initial state). */
	frame[0] = 0x00;
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, 4, &o), -1);
	assert_int_equal(p.d.in_tossed, 1);

	/* Uncompressed-TCP naming a slot beyond max-slot-id. */
	len = build(&f, pkt, 6);
	memcpy(bad, pkt, len);
	bad[9] = VJ_MAX_SLOTS;
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_UNCOMP, bad, len, &o),
	    -1);
	/* ... or too short, or with a header longer than the frame. */
	bad[9] = 0;
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_UNCOMP, bad, 30, &o), -1);
	bad[32] = 0xf0;			/* TCP header of 60 bytes */
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_UNCOMP, bad, 60, &o), -1);
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_IP, bad, 60, &o), -1);
	assert_int_equal(p.d.in_error, 5);

	/* A good Uncompressed-TCP, then every truncation of a compressed one. */
	assert_int_equal(roundtrip(&p, pkt, len), VJ_TYPE_UNCOMP);
	f.ack += 300;
	f.win = (uint16_t)(f.win - 1000);
	f.flags = 0x30;
	f.urp = 0;
	f.id = (uint16_t)(f.id + 1000);
	len = build(&f, pkt, 6);
	assert_int_equal(vj_compress(&p.c, pkt, len, &o), VJ_TYPE_COMP);
	flen = assemble(&o, pkt, len, frame);
	for (cut = 0; cut < o.hdr_len; cut++) {
		unsigned before = p.d.in_error;

		assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, cut,
		    &o2), -1);
		assert_int_equal(p.d.in_error, before + 1);
	}
	/* The slot survived the bad frames: the real one decodes. */
	assert_int_equal(vj_uncompress(&p.d, VJ_TYPE_COMP, frame, flen, &o2),
	    0);
	assemble(&o2, frame, flen, bad);
	assert_memory_equal(bad, pkt, len);
}

/* Negotiated slot counts are honoured and clamped. */
static void
test_slots(void **state)
{
	struct vj_comp c;
	struct vj_decomp d;
	struct flow f[6];
	uint8_t pkt[2048];
	struct vj_out o;
	size_t len;
	int i;

	(void)state;
	rng_state = 31337;
	vj_comp_init(&c, 200, false);
	assert_int_equal(c.nslots, VJ_MAX_SLOTS);
	vj_decomp_init(&d, -5);
	assert_int_equal(d.nslots, 1);
	vj_comp_init(&c, 3, false);
	assert_int_equal(c.nslots, 4);
	for (i = 0; i < 6; i++) {
		flow_init(&f[i], i);
		f[i].tcpopt = 0;
		len = build(&f[i], pkt, 6);
		assert_int_equal(vj_compress(&c, pkt, len, &o), VJ_TYPE_UNCOMP);
		assert_true(o.hdr[9] < 4);
	}
	assert_int_equal(c.misses, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_few_flows),
		cmocka_unit_test(test_roundtrip_many_flows),
		cmocka_unit_test(test_roundtrip_comp_cid),
		cmocka_unit_test(test_special_encodings),
		cmocka_unit_test(test_comp_cid_and_toss),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
