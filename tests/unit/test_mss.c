/*
 * test_mss.c - TCP MSS clamping (tcpmssfix) and dial-on-demand packet
 * qualification (dp/ippkt.h): the clamped value, a checksum that stays
 * valid for aligned and odd-offset options over IPv4 and IPv6, packets
 * that must be left alone, and malformed headers and options that must
 * never be read past (each buffer is allocated to its exact size so the
 * sanitizers catch an overrun).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp/ippkt.h"

/* ---- packet construction ---- */

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* Sum of the pseudo header (RFC 9293 3.1 / RFC 8200 8.1). */
static uint32_t
pseudo_sum(const uint8_t *pkt, size_t l4len)
{
	uint32_t sum = 0;
	size_t i;

	if ((pkt[0] >> 4) == 4) {
		for (i = 12; i < 20; i += 2)
			sum += get16(pkt + i);
		sum += 6;
	} else {
		for (i = 8; i < 40; i += 2)
			sum += get16(pkt + i);
		sum += 6;
	}
	sum += (uint32_t)l4len;
	return sum;
}

/* Is the TCP checksum of a packet with TCP at off valid? */
static int
tcp_ok(const uint8_t *pkt, size_t len, size_t off)
{
	return ippkt_cksum(pkt + off, len - off, pseudo_sum(pkt, len - off)) ==
	    0;
}

/* Fill in the TCP checksum. */
static void
tcp_fix(uint8_t *pkt, size_t len, size_t off)
{
	put16(pkt + off + 16, 0);
	put16(pkt + off + 16, ippkt_cksum(pkt + off, len - off,
	    pseudo_sum(pkt, len - off)));
}

/*
 * IPv4 TCP segment with the given flags and options (padded with EOL to
 * a multiple of 4) and payload length; exact-size heap buffer.
 */
static uint8_t *
mk4(uint8_t flags, const uint8_t *opts, size_t olen, size_t plen,
    size_t *len)
{
	size_t oplen = (olen + 3) & ~(size_t)3;
	size_t tcplen = 20 + oplen;
	uint8_t *p;

	*len = 20 + tcplen + plen;
	p = calloc(1, *len);
	assert_non_null(p);
	p[0] = 0x45;
	put16(p + 2, (unsigned)*len);
	p[8] = 64;
	p[9] = 6;
	p[12] = 10; p[15] = 1;		/* 10.0.0.1 */
	p[16] = 10; p[19] = 2;		/* 10.0.0.2 */
	put16(p + 10, ippkt_cksum(p, 20, 0));
	put16(p + 20, 40000);
	put16(p + 22, 80);
	p[20 + 12] = (uint8_t)((tcplen / 4) << 4);
	p[20 + 13] = flags;
	put16(p + 20 + 14, 65535);
	memcpy(p + 40, opts, olen);
	memset(p + 40 + tcplen - 20, 'x', plen);
	tcp_fix(p, *len, 20);
	return p;
}

static uint8_t *
mk6(uint8_t flags, const uint8_t *opts, size_t olen, size_t *len)
{
	size_t oplen = (olen + 3) & ~(size_t)3;
	size_t tcplen = 20 + oplen;
	uint8_t *p;

	*len = 40 + tcplen;
	p = calloc(1, *len);
	assert_non_null(p);
	p[0] = 0x60;
	put16(p + 4, (unsigned)tcplen);
	p[6] = 6;
	p[7] = 64;
	p[8] = 0xfe; p[9] = 0x80; p[23] = 1;
	p[24] = 0xfe; p[25] = 0x80; p[39] = 2;
	put16(p + 40, 40000);
	put16(p + 42, 443);
	p[40 + 12] = (uint8_t)((tcplen / 4) << 4);
	p[40 + 13] = flags;
	memcpy(p + 60, opts, olen);
	tcp_fix(p, *len, 40);
	return p;
}

static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
/* NOP first: the MSS value sits at an odd offset in the header. */
static const uint8_t odd_mss[] = { 1, 2, 4, 0x05, 0xb4, 1, 1, 1 };
static const uint8_t linux_syn[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10,
	0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };

/* ---- clamping ---- */

static void
test_clamp_ipv4(void **state)
{
	size_t len;
	uint8_t *p = mk4(0x02, mss1460, sizeof(mss1460), 0, &len);

	(void)state;
	assert_true(tcp_ok(p, len, 20));
	assert_int_equal(ippkt_mss_clamp(p, len, 1360, 1340), 1);
	assert_int_equal(get16(p + 42), 1360);
	assert_true(tcp_ok(p, len, 20));
	/* already small enough now */
	assert_int_equal(ippkt_mss_clamp(p, len, 1360, 1340), 0);
	free(p);
}

static void
test_clamp_synack_odd_offset(void **state)
{
	size_t len;
	uint8_t *p = mk4(0x12, odd_mss, sizeof(odd_mss), 0, &len);
	unsigned v;

	(void)state;
	for (v = 64; v < 1460; v += 37) {
		free(p);
		p = mk4(0x12, odd_mss, sizeof(odd_mss), 0, &len);
		assert_int_equal(ippkt_mss_clamp(p, len, (uint16_t)v, 0), 1);
		assert_int_equal(get16(p + 40 + 3), v);
		assert_true(tcp_ok(p, len, 20));
	}
	free(p);
}

static void
test_clamp_real_options_and_payload(void **state)
{
	size_t len, plen;
	uint8_t *p;

	(void)state;
	/* odd payload lengths exercise the checksum's trailing byte */
	for (plen = 0; plen < 5; plen++) {
		p = mk4(0x02, linux_syn, sizeof(linux_syn), plen, &len);
		assert_int_equal(ippkt_mss_clamp(p, len, 1000, 0), 1);
		assert_int_equal(get16(p + 42), 1000);
		assert_true(tcp_ok(p, len, 20));
		free(p);
	}
}

static void
test_clamp_ipv6(void **state)
{
	size_t len;
	uint8_t *p = mk6(0x02, mss1460, sizeof(mss1460), &len);

	(void)state;
	assert_true(tcp_ok(p, len, 40));
	assert_int_equal(ippkt_mss_clamp(p, len, 1360, 0), 0);
	assert_int_equal(ippkt_mss_clamp(p, len, 1360, 1340), 1);
	assert_int_equal(get16(p + 62), 1340);
	assert_true(tcp_ok(p, len, 40));
	free(p);
	p = mk6(0x02, odd_mss, sizeof(odd_mss), &len);
	assert_int_equal(ippkt_mss_clamp(p, len, 0, 1201), 1);
	assert_int_equal(get16(p + 63), 1201);
	assert_true(tcp_ok(p, len, 40));
	free(p);
}

static void
test_clamp_ipv6_ext_headers(void **state)
{
	size_t len = 40 + 8 + 8 + 24;
	uint8_t *p = calloc(1, len);

	(void)state;
	p[0] = 0x60;
	put16(p + 4, (unsigned)(len - 40));
	p[6] = 0;		/* hop-by-hop */
	p[40] = 44;		/* -> fragment */
	p[41] = 0;
	p[48] = 6;		/* -> TCP, offset 0, more fragments */
	p[51] = 1;
	p[56 + 12] = 6 << 4;
	p[56 + 13] = 0x02;
	memcpy(p + 76, mss1460, 4);
	assert_int_equal(ippkt_mss_clamp(p, len, 0, 1200), 1);
	assert_int_equal(get16(p + 78), 1200);
	/* a later fragment has no TCP header: left alone */
	memcpy(p + 76, mss1460, 4);
	put16(p + 50, 8 << 3);
	assert_int_equal(ippkt_mss_clamp(p, len, 0, 1200), 0);
	free(p);
}

static void
test_no_clamp_cases(void **state)
{
	static const uint8_t no_mss[] = { 1, 1, 4, 2 };
	static const uint8_t mss_after_eol[] = { 0, 2, 4, 5, 0xb4 };
	size_t len;
	uint8_t *p;

	(void)state;
	/* not a SYN */
	p = mk4(0x10, mss1460, sizeof(mss1460), 0, &len);
	assert_int_equal(ippkt_mss_clamp(p, len, 536, 536), 0);
	free(p);
	/* no MSS option */
	p = mk4(0x02, no_mss, sizeof(no_mss), 0, &len);
	assert_int_equal(ippkt_mss_clamp(p, len, 536, 536), 0);
	free(p);
	/* MSS after End of Option List is not an option */
	p = mk4(0x02, mss_after_eol, sizeof(mss_after_eol), 0, &len);
	assert_int_equal(ippkt_mss_clamp(p, len, 536, 536), 0);
	free(p);
	/* limit 0: family not clamped */
	p = mk4(0x02, mss1460, sizeof(mss1460), 0, &len);
	assert_int_equal(ippkt_mss_clamp(p, len, 0, 536), 0);
	/* later IPv4 fragment */
	put16(p + 6, 0x0001);
	assert_int_equal(ippkt_mss_clamp(p, len, 536, 0), 0);
	put16(p + 6, 0);
	/* UDP */
	p[9] = 17;
	assert_int_equal(ippkt_mss_clamp(p, len, 536, 0), 0);
	free(p);
}

/* Malformed packets: never changed, never read past the buffer. */
static void
test_malformed(void **state)
{
	static const uint8_t bad_opts[][8] = {
		{ 2, 0, 0, 0, 0, 0, 0, 0 },	/* length 0 */
		{ 2, 1, 0, 0, 0, 0, 0, 0 },	/* length 1 */
		{ 2, 3, 5, 0, 0, 0, 0, 0 },	/* MSS with length 3 */
		{ 1, 1, 1, 1, 1, 1, 1, 2 },	/* kind at the last byte */
		{ 1, 1, 1, 1, 1, 1, 2, 4 },	/* option runs past the end */
		{ 8, 40, 0, 0, 0, 0, 0, 0 },	/* huge length */
		{ 2, 5, 5, 0xb4, 0, 0, 0, 0 },	/* MSS with length 5 */
	};
	size_t len, i, cut;
	uint8_t *p, *q;

	(void)state;
	for (i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
		p = mk4(0x02, bad_opts[i], 8, 0, &len);
		q = malloc(len);
		memcpy(q, p, len);
		(void)ippkt_mss_clamp(p, len, 100, 100);
		assert_memory_equal(p, q, len);
		free(p);
		free(q);
	}
	/* every truncation of a valid SYN, in an exact-size buffer */
	p = mk4(0x02, linux_syn, sizeof(linux_syn), 0, &len);
	for (cut = 0; cut < len; cut++) {
		q = malloc(cut ? cut : 1);
		memcpy(q, p, cut);
		assert_int_equal(ippkt_mss_clamp(q, cut, 100, 100), 0);
		(void)ippkt_demand_qualifies(q, cut);
		free(q);
	}
	/* lengths in the headers that lie */
	q = malloc(len);
	memcpy(q, p, len);
	put16(q + 2, (unsigned)len + 1);	/* total length too big */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	put16(q + 2, 19);			/* shorter than the header */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	put16(q + 2, 40);			/* TCP header cut off */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	memcpy(q, p, len);
	q[0] = 0x4f;				/* IHL 60 */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	q[0] = 0x44;				/* IHL 16 */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	memcpy(q, p, len);
	q[32] = 0xf0;				/* data offset 60 */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	q[32] = 0x40;				/* data offset 16 */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	q[0] = 0x75;				/* version 7 */
	assert_int_equal(ippkt_mss_clamp(q, len, 100, 100), 0);
	assert_false(ippkt_demand_qualifies(q, len));
	free(q);
	free(p);
	/* IPv6 extension header that claims more than there is */
	len = 48;
	p = calloc(1, len);
	p[0] = 0x60;
	put16(p + 4, 8);
	p[6] = 60;
	p[41] = 3;
	assert_int_equal(ippkt_mss_clamp(p, len, 100, 100), 0);
	assert_false(ippkt_demand_qualifies(p, len));
	free(p);
}

/* Known checksums, so the validity checks above mean something. */
static void
test_cksum_vectors(void **state)
{
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
		0xf6, 0xf7 };
	static const uint8_t iphdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00,
		0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
		0xc0, 0xa8, 0x00, 0xc7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };

	(void)state;
	/* RFC 1071 2: the sum is ddf2, so the checksum is its complement */
	assert_int_equal(ippkt_cksum(rfc1071, sizeof(rfc1071), 0), 0x220d);
	assert_int_equal(ippkt_cksum(iphdr, sizeof(iphdr), 0), 0xb861);
	/* a trailing odd byte is the high half of a word */
	assert_int_equal(ippkt_cksum(odd, sizeof(odd), 0),
	    (uint16_t)~(0x0102 + 0x0300));
}

static void
test_mss_for_mtu(void **state)
{
	(void)state;
	assert_int_equal(ippkt_mss_for_mtu(1500, false), 1460);
	assert_int_equal(ippkt_mss_for_mtu(1500, true), 1440);
	assert_int_equal(ippkt_mss_for_mtu(1400, false), 1360);
	assert_int_equal(ippkt_mss_for_mtu(100, false), 0);
	assert_int_equal(ippkt_mss_for_mtu(70000, false), 65535);
}

/* ---- dial-on-demand qualification ---- */

static uint8_t *
mk4_proto(uint8_t proto, const uint8_t *l4, size_t l4len, size_t *len)
{
	uint8_t *p;

	*len = 20 + l4len;
	p = calloc(1, *len);
	p[0] = 0x45;
	put16(p + 2, (unsigned)*len);
	p[9] = proto;
	memcpy(p + 20, l4, l4len);
	return p;
}

static void
test_demand(void **state)
{
	static const uint8_t icmp_req[8] = { 8 };
	static const uint8_t icmp_rep[8] = { 0 };
	static const uint8_t icmp_unr[8] = { 3 };
	static const uint8_t icmp_red[8] = { 5 };
	static const uint8_t udp_ntp[8] = { 0, 123, 0, 123, 0, 8 };
	static const uint8_t udp_dns[8] = { 0x30, 0x39, 0, 53, 0, 8 };
	static const uint8_t igmp[8] = { 0x16 };
	uint8_t tcp[20] = { 0 };
	size_t len;
	uint8_t *p;

	(void)state;
#define Q(proto, l4, want) do {						\
		p = mk4_proto(proto, l4, sizeof(l4), &len);		\
		assert_int_equal(ippkt_demand_qualifies(p, len), want);	\
		free(p);						\
	} while (0)
	Q(1, icmp_req, true);
	Q(1, icmp_rep, false);
	Q(1, icmp_unr, false);
	Q(1, icmp_red, false);
	Q(17, udp_ntp, false);
	Q(17, udp_dns, true);
	Q(2, igmp, false);
	tcp[12] = 0x50;
	tcp[13] = 0x02;			/* SYN */
	Q(6, tcp, true);
	tcp[13] = 0x14;			/* RST+ACK */
	Q(6, tcp, false);
#undef Q
	/* IPv6: neighbour solicitation no, echo request yes */
	len = 48;
	p = calloc(1, len);
	p[0] = 0x60;
	put16(p + 4, 8);
	p[6] = 58;
	p[40] = 135;
	assert_false(ippkt_demand_qualifies(p, len));
	p[40] = 128;
	assert_true(ippkt_demand_qualifies(p, len));
	free(p);
	/* not IP at all */
	assert_false(ippkt_demand_qualifies((const uint8_t *)"\x00\x01", 2));
	assert_false(ippkt_demand_qualifies(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clamp_ipv4),
		cmocka_unit_test(test_clamp_synack_odd_offset),
		cmocka_unit_test(test_clamp_real_options_and_payload),
		cmocka_unit_test(test_clamp_ipv6),
		cmocka_unit_test(test_clamp_ipv6_ext_headers),
		cmocka_unit_test(test_no_clamp_cases),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_cksum_vectors),
		cmocka_unit_test(test_mss_for_mtu),
		cmocka_unit_test(test_demand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
