/*
 * test_mp.c - Multilink PPP (RFC 1990): the MP header in both formats
 * (section 3 figures), sequence arithmetic across the wrap, reassembly
 * in order, out of order across links, loss detection by the M rule
 * (4.1) and by the fragment timeout, lone B / lone E / duplicate / wild /
 * oversized fragments, bounded queue memory, and the fragmentation plan
 * (bandwidth and backlog weighting, minimum piece, max fragment size,
 * round-robin).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/mbuf.h"
#include "ppp/mp.h"

/* ---- codec ---- */

static void
test_hdr_long(void **state)
{
	/* RFC 1990 3: B E 0 0 0 0 0 0 | 24-bit sequence number */
	static const uint8_t v[] = { 0xc0, 0x12, 0x34, 0x56 };
	struct mp_hdr h;
	uint8_t out[4];

	(void)state;
	assert_int_equal(mp_hdr_parse(v, sizeof(v), false, &h), 4);
	assert_int_equal(h.flags, MP_FLAG_B | MP_FLAG_E);
	assert_int_equal(h.seq, 0x123456);
	assert_int_equal(mp_hdr_write(out, sizeof(out), false, &h), 4);
	assert_memory_equal(out, v, 4);
	/* reserved bits set, short input */
	assert_int_equal(mp_hdr_parse((const uint8_t *)"\x81\0\0\0", 4, false,
	    &h), -1);
	assert_int_equal(mp_hdr_parse(v, 3, false, &h), -1);
	assert_int_equal(mp_hdr_write(out, 3, false, &h), 0);
}

static void
test_hdr_short(void **state)
{
	/* RFC 1990 3: B E 0 0 | 12-bit sequence number */
	static const uint8_t v[] = { 0x8a, 0xbc };
	struct mp_hdr h;
	uint8_t out[2];

	(void)state;
	assert_int_equal(mp_hdr_parse(v, sizeof(v), true, &h), 2);
	assert_int_equal(h.flags, MP_FLAG_B);
	assert_int_equal(h.seq, 0xabc);
	h.seq = 0x1abc;		/* masked to 12 bits */
	assert_int_equal(mp_hdr_write(out, sizeof(out), true, &h), 2);
	assert_memory_equal(out, v, 2);
	assert_int_equal(mp_hdr_parse((const uint8_t *)"\x9a\xbc", 2, true,
	    &h), -1);
	assert_int_equal(mp_hdr_parse(v, 1, true, &h), -1);
}

static void
test_seq_diff(void **state)
{
	(void)state;
	assert_int_equal(mp_seq_diff(5, 3, true), 2);
	assert_int_equal(mp_seq_diff(3, 5, true), -2);
	assert_int_equal(mp_seq_diff(1, 0xfff, true), 2);
	assert_int_equal(mp_seq_diff(0xfff, 1, true), -2);
	assert_int_equal(mp_seq_diff(2, 0xfffffe, false), 4);
	assert_int_equal(mp_seq_diff(0xfffffe, 2, false), -4);
}

/* ---- reassembly ---- */

struct sink {
	int		n;
	size_t		len[64];
	uint8_t		first[64];	/* first payload byte of each */
};

static void
sink_deliver(void *arg, int slot, struct mbuf *m)
{
	struct sink *s = arg;

	(void)slot;
	if (s->n < 64) {
		s->len[s->n] = m->len;
		s->first[s->n] = m->len > 0 ? m->data[0] : 0;
	}
	s->n++;
	mb_free(m);
}

/* One fragment: header + len bytes of value tag. */
static void
frag(struct mp_rx *r, int slot, uint8_t flags, uint32_t seq, size_t len,
    uint8_t tag, uint64_t now)
{
	uint8_t buf[4096];
	struct mp_hdr h = { flags, seq };
	size_t hl = mp_hdr_write(buf, sizeof(buf), r->shortseq, &h);

	memset(buf + hl, tag, len);
	mp_rx_input(r, slot, mb_copy(buf, hl + len), now);
}

static void
setup_rx(struct mp_rx *r, struct sink *s, bool shortseq, int links)
{
	int k;

	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	mp_rx_init(r, shortseq, 1500, sink_deliver, s);
	for (k = 0; k < links; k++)
		mp_rx_link(r, k, true, 0);
}

static void
test_rx_in_order(void **state)
{
	struct mp_rx r;
	struct sink s;

	(void)state;
	setup_rx(&r, &s, false, 2);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0, 100, 1, 10);
	frag(&r, 0, MP_FLAG_B, 1, 500, 2, 10);
	frag(&r, 1, 0, 2, 500, 2, 10);
	assert_int_equal(s.n, 1);
	frag(&r, 1, MP_FLAG_E, 3, 400, 2, 10);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.len[1], 1400);
	assert_int_equal(r.nq, 0);
	assert_int_equal(r.c.drop_frags, 0);
	mp_rx_flush(&r);
}

static void
test_rx_reorder(void **state)
{
	struct mp_rx r;
	struct sink s;

	(void)state;
	setup_rx(&r, &s, true, 3);
	/* packet A = 0..2 over three links, B = 3..4; arrivals shuffled */
	frag(&r, 2, MP_FLAG_E, 2, 10, 0xa, 1);
	frag(&r, 1, 0, 1, 10, 0xa, 1);
	frag(&r, 1, MP_FLAG_E, 4, 10, 0xb, 1);
	assert_int_equal(s.n, 0);
	frag(&r, 0, MP_FLAG_B, 0, 10, 0xa, 2);
	assert_int_equal(s.n, 1);
	frag(&r, 0, MP_FLAG_B, 3, 10, 0xb, 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first[0], 0xa);
	assert_int_equal(s.first[1], 0xb);
	assert_int_equal(s.len[0], 30);
	/* a duplicate of something handed up */
	frag(&r, 0, MP_FLAG_B, 3, 10, 0xb, 3);
	assert_int_equal(r.c.dup_frags, 1);
	assert_int_equal(r.link[0].c.dup_frags, 1);
	mp_rx_flush(&r);
}

static void
test_rx_m_rule(void **state)
{
	struct mp_rx r;
	struct sink s;

	(void)state;
	setup_rx(&r, &s, false, 2);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0, 10, 1, 1);
	/* 1 (link 1) is lost; 2 on link 0 must wait: link 1 may have it */
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 2, 10, 2, 2);
	assert_int_equal(s.n, 1);
	/* link 1 now reports 3: M = 2 > 1, so 1 is lost; 2 and 3 go up */
	frag(&r, 1, MP_FLAG_B | MP_FLAG_E, 3, 10, 3, 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.first[1], 2);
	assert_int_equal(s.first[2], 3);
	/* a lost middle fragment: 4 B, (5 lost), 6 E, 7 B|E */
	frag(&r, 0, MP_FLAG_B, 4, 10, 4, 4);
	frag(&r, 0, MP_FLAG_E, 6, 10, 4, 4);
	frag(&r, 1, MP_FLAG_B | MP_FLAG_E, 7, 10, 7, 4);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.first[3], 7);
	assert_int_equal(r.c.drop_frags, 2);
	assert_int_equal(r.nq, 0);
	mp_rx_flush(&r);
}

static void
test_rx_timeout(void **state)
{
	struct mp_rx r;
	struct sink s;

	(void)state;
	setup_rx(&r, &s, false, 2);
	mp_rx_link(&r, 1, true, 1000);		/* link 1: quiet, not dead */
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0, 10, 1, 1000);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 2, 10, 2, 1000);
	frag(&r, 0, MP_FLAG_B, 3, 10, 3, 1000);
	assert_int_equal(s.n, 1);
	mp_rx_timeout(&r, 1500);
	assert_int_equal(s.n, 1);
	/* after the timeout the gap at 1 is given up; 3 still lacks E */
	mp_rx_timeout(&r, 2001);
	assert_int_equal(s.n, 2);
	assert_int_equal(r.nq, 0);
	assert_int_equal(r.c.drop_frags, 1);
	mp_rx_flush(&r);
}

static void
test_rx_bad(void **state)
{
	struct mp_rx r;
	struct sink s;
	uint8_t one = 0x80;

	(void)state;
	setup_rx(&r, &s, false, 1);
	/* runt */
	mp_rx_input(&r, 0, mb_copy(&one, 1), 1);
	assert_int_equal(r.c.runts, 1);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0, 10, 1, 1);
	/* lone E, lone middle: orphans, dropped */
	frag(&r, 0, MP_FLAG_E, 1, 10, 2, 1);
	frag(&r, 0, 0, 2, 10, 2, 1);
	/* lone B followed by a new B: the first never ends */
	frag(&r, 0, MP_FLAG_B, 3, 10, 3, 1);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 4, 10, 4, 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first[1], 4);
	assert_int_equal(r.c.drop_frags, 3);
	/* wild sequence number: far ahead, dropped, nothing waits */
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0x800000, 10, 9, 1);
	assert_int_equal(r.c.drop_frags, 4);
	assert_int_equal(r.nq, 0);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 5, 10, 5, 1);
	assert_int_equal(s.n, 3);
	/* oversized reassembly: 3 x 600 > MRRU 1500, dropped once seen */
	frag(&r, 0, MP_FLAG_B, 6, 600, 6, 1);
	frag(&r, 0, 0, 7, 600, 6, 1);
	frag(&r, 0, 0, 8, 600, 6, 1);
	assert_int_equal(r.nq, 0);
	frag(&r, 0, MP_FLAG_E, 9, 600, 6, 1);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 10, 10, 10, 1);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.first[3], 10);
	assert_int_equal(r.c.drop_frags, 8);
	assert_int_equal(r.link[0].c.drop_frags, 8);
	mp_rx_flush(&r);
}

static void
test_rx_bounded(void **state)
{
	struct mp_rx r;
	struct sink s;
	uint32_t i;

	(void)state;
	setup_rx(&r, &s, false, 2);
	/* fragment 0 never comes, link 1 stays silent after 1: queue grows */
	frag(&r, 1, MP_FLAG_B | MP_FLAG_E, 1, 10, 1, 1);
	mp_rx_link(&r, 1, true, 1);
	for (i = 2; i < 2 + 3 * MP_MAX_FRAGS; i++) {
		frag(&r, 1, MP_FLAG_B | MP_FLAG_E, i, 1000, 1, 1);
		assert_true(r.nq <= MP_MAX_FRAGS);
		assert_true(r.qbytes <= MP_MAX_QBYTES);
	}
	mp_rx_flush(&r);
	assert_int_equal(r.nq, 0);
}

/* A peer that starts numbering somewhere else is followed. */
static void
test_rx_start(void **state)
{
	struct mp_rx r;
	struct sink s;

	(void)state;
	setup_rx(&r, &s, true, 1);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 3000, 10, 1, 1);
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 3001, 10, 2, 1);
	assert_int_equal(s.n, 2);
	/* and across the 12-bit wrap */
	setup_rx(&r, &s, true, 1);
	frag(&r, 0, MP_FLAG_B, 0, 10, 1, 1);
	for (uint32_t i = 1; i < 0x1002; i++)
		frag(&r, 0, i == 0x1001 ? MP_FLAG_E : 0, i & 0xfff, 1, 1, 1);
	assert_int_equal(s.n, 0);	/* 0x1002 fragments > MRRU: dropped */
	frag(&r, 0, MP_FLAG_B | MP_FLAG_E, 0x1002 & 0xfff, 10, 3, 1);
	assert_int_equal(s.n, 1);
	mp_rx_flush(&r);
}

/* ---- fragmentation plan ---- */

static void
test_tx_plan(void **state)
{
	struct mp_tx_link lk[3] = {
		{ 1000000, 0, 1496, 0 },
		{ 2000000, 0, 1496, 0 },
		{ 1000000, 0, 1496, 0 },
	};
	struct mp_tx_frag f[16];
	int n, i;
	uint32_t sum;

	(void)state;
	/* idle links: pieces in proportion to bandwidth, 1:2:1 */
	n = mp_tx_plan(lk, 3, 1200, false, 0, f, 16);
	assert_int_equal(n, 3);
	for (sum = 0, i = 0; i < n; i++) {
		sum += f[i].len;
		if (f[i].link == 1)
			assert_in_range(f[i].len, 590, 610);
		else
			assert_in_range(f[i].len, 290, 310);
	}
	assert_int_equal(sum, 1200);
	/* a small packet goes whole to one link */
	n = mp_tx_plan(lk, 3, 100, false, 0, f, 16);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].link, 1);
	/* a busy link is left out while its backlog lasts */
	lk[1].backlog = 100000;
	n = mp_tx_plan(lk, 3, 1000, false, 0, f, 16);
	for (i = 0; i < n; i++)
		assert_int_not_equal(f[i].link, 1);
	assert_int_equal(n, 2);
	assert_int_equal(f[0].len + f[1].len, 1000);
	lk[1].backlog = 0;
	/* max fragment size splits a piece */
	lk[0].max_frag = lk[1].max_frag = lk[2].max_frag = 200;
	n = mp_tx_plan(lk, 3, 1500, false, 0, f, 16);
	for (sum = 0, i = 0; i < n; i++) {
		assert_true(f[i].len <= 200);
		sum += f[i].len;
	}
	assert_int_equal(sum, 1500);
	/* round-robin: whole packets in turn */
	lk[0].max_frag = lk[1].max_frag = lk[2].max_frag = 1496;
	for (i = 0; i < 3; i++) {
		n = mp_tx_plan(lk, 3, 1000, true, (unsigned)i, f, 16);
		assert_int_equal(n, 1);
		assert_int_equal(f[0].link, i);
	}
	/* nothing to do */
	assert_int_equal(mp_tx_plan(lk, 0, 1000, false, 0, f, 16), 0);
	assert_int_equal(mp_tx_plan(lk, 3, 20000, false, 0, f, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_long),
		cmocka_unit_test(test_hdr_short),
		cmocka_unit_test(test_seq_diff),
		cmocka_unit_test(test_rx_in_order),
		cmocka_unit_test(test_rx_reorder),
		cmocka_unit_test(test_rx_m_rule),
		cmocka_unit_test(test_rx_timeout),
		cmocka_unit_test(test_rx_bad),
		cmocka_unit_test(test_rx_bounded),
		cmocka_unit_test(test_rx_start),
		cmocka_unit_test(test_tx_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
