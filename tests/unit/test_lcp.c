/*
 * test_lcp.c - unit tests for the LCP option codec (ppp/lcp_opts.c):
 * our Configure-Request per settings, round trips through a peer's
 * decoder, the handling of every option in Request/Nak/Reject mode,
 * malformed, truncated, zero-length, oversized, repeated and unknown
 * options (rejected per RFC 1661 5.4 or dropped by the framing check),
 * magic-number loop-back detection, the authentication protocol choice
 * (MS-CHAPv2 > MS-CHAPv1 > CHAP-MD5 > PAP > EAP) and Nak handling, and
 * the small helpers (discriminator, peer text, names).
 *
 * The codec is pure: a struct lcp with a filled struct lcp_conf is all
 * it needs, so no link, device or event loop is involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ppp/lcp.h"
#include "ppp/link.h"

#define BIT(o)	(1u << (o))

/* mpd5's link defaults (link_cmd.c), as LCP sees them. */
static void
conf_defaults(struct lcp *lcp)
{
	struct lcp_conf *c = &lcp->conf;

	memset(lcp, 0, sizeof(*lcp));
	lcp->fsm.owner_name = "L1";
	c->enable = BIT(LINK_OPT_ACFCOMP) | BIT(LINK_OPT_PROTOCOMP) |
	    BIT(LINK_OPT_MAGICNUM) | BIT(LINK_OPT_CHECK_MAGIC) |
	    BIT(LINK_OPT_SHORTSEQ);
	c->accept = BIT(LINK_OPT_PAP) | BIT(LINK_OPT_CHAP_MD5) |
	    BIT(LINK_OPT_CHAP_MSV2) | BIT(LINK_OPT_EAP) |
	    BIT(LINK_OPT_ACFCOMP) | BIT(LINK_OPT_PROTOCOMP) |
	    BIT(LINK_OPT_SHORTSEQ);
	c->mru = 1500;
	c->mtu = 1500;
	c->dev_mru = 2048;
	c->mrru = 2048;
	c->accmap = 0x000a0000;
}

static struct fsm_decode *
dec(void)
{
	static struct fsm_decode d;

	d.acklen = d.naklen = d.rejlen = 0;
	d.fail = false;
	return &d;
}

/* Types of the options in buf, as a string of decimal numbers. */
static const char *
types(const uint8_t *buf, size_t len)
{
	static char out[256];
	const uint8_t *opt;
	size_t olen;

	out[0] = '\0';
	while (fsm_opt_next(&buf, &len, &opt, &olen) == 1)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%d",
		    out[0] ? " " : "", opt[0]);
	return out;
}

/* Decode one request; returns the decode lists. */
static struct fsm_decode *
req(struct lcp *lcp, const uint8_t *opts, size_t len)
{
	struct fsm_decode *d = dec();

	lcp_opts_decode(lcp, opts, len, FSM_MODE_REQ, d);
	return d;
}

/* ---- our request ---- */

static void
test_build_defaults(void **state)
{
	struct lcp lcp;
	uint8_t buf[256];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_true(fsm_opts_valid(buf, n));
	/* ACFC, PFC, MRU, Magic: no ACCM on a sync link, no auth */
	assert_string_equal(types(buf, n), "8 7 1 5");
	assert_int_equal(buf[6], 0x05);
	assert_int_equal(buf[7], 0xdc);
	assert_int_not_equal(lcp.want.magic, 0);

	lcp.conf.async = true;
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 2 1 5");
	assert_memory_equal(buf + 4, ((const uint8_t[]){ 2, 6, 0, 0x0a, 0,
	    0 }), 6);

	/* callback only when we dialled */
	lcp.conf.enable |= BIT(LINK_OPT_CALLBACK);
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 2 1 5");
	lcp.conf.originated = true;
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 2 1 5 13");

	/* nothing but MRU when everything is off */
	lcp.conf.enable = 0;
	lcp.conf.async = false;
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "1");

	/* a short buffer never overflows */
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, 5);
	assert_true(n <= 5);
	assert_true(fsm_opts_valid(buf, n));
}

/* Our request through a peer's decoder and back. */
static void
test_round_trip(void **state)
{
	struct lcp a, b;
	struct fsm_decode *d;
	uint8_t buf[256];
	size_t n;

	(void)state;
	conf_defaults(&a);
	a.conf.async = true;
	a.conf.enable |= BIT(LINK_OPT_CHAP_MSV2) | BIT(LINK_OPT_MULTILINK);
	a.conf.discrim.class = LCP_DISC_MAC;
	a.conf.discrim.len = 6;
	memcpy(a.conf.discrim.bytes, "\x02\x00\x5e\x10\x20\x30", 6);
	lcp_opts_reset(&a);
	n = lcp_opts_build(&a, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 2 1 5 3 17 18 19");

	conf_defaults(&b);
	b.conf.enable |= BIT(LINK_OPT_MULTILINK);
	lcp_opts_reset(&b);
	d = req(&b, buf, n);
	assert_int_equal(d->naklen, 0);
	assert_int_equal(d->rejlen, 0);
	assert_int_equal(d->acklen, n);
	assert_memory_equal(d->ack, buf, n);
	assert_int_equal(b.peer.mru, 1500);
	assert_int_equal(b.peer.magic, a.want.magic);
	assert_int_equal(b.peer.accmap, 0x000a0000);
	assert_true(b.peer.acfcomp);
	assert_true(b.peer.pfcomp);
	assert_int_equal(b.peer.auth, LCP_AUTH_CHAP_MSV2);
	assert_true(b.peer.multilink);
	assert_int_equal(b.peer.mrru, 2048);
	assert_true(b.peer.shortseq);
	assert_int_equal(b.peer.discrim.class, LCP_DISC_MAC);
	assert_int_equal(b.peer.discrim.len, 6);
	assert_memory_equal(b.peer.discrim.bytes, a.conf.discrim.bytes, 6);

	/* The Ack logged (NOP) changes nothing. */
	lcp_opts_decode(&a, buf, n, FSM_MODE_NOP, NULL);
	assert_int_equal(lcp_opts_build(&a, buf + 128, 128), n);
	assert_memory_equal(buf, buf + 128, n);
}

/* ---- options one by one ---- */

static void
test_mru(void **state)
{
	static const uint8_t small[] = { 1, 4, 0, 100 };
	static const uint8_t mid[] = { 1, 4, 0x05, 0x78 };	/* 1400 */
	static const uint8_t big[] = { 1, 4, 0x06, 0x40 };	/* 1600 */
	struct lcp lcp;
	struct fsm_decode *d;
	uint8_t buf[64];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	d = req(&lcp, small, 4);
	assert_int_equal(d->naklen, 4);
	assert_memory_equal(d->nak, ((const uint8_t[]){ 1, 4, 0x01, 0x28 }),
	    4);
	d = req(&lcp, mid, 4);
	assert_int_equal(d->acklen, 4);
	assert_int_equal(lcp.peer.mru, 1400);
	/* the peer's MRU is our MTU bound, capped by `set link mtu` */
	d = req(&lcp, big, 4);
	assert_int_equal(d->acklen, 4);
	assert_int_equal(lcp.peer.mru, 1500);
	/* a request without MRU means the default (our mtu) */
	d = req(&lcp, NULL, 0);
	assert_int_equal(lcp.peer.mru, 1500);

	/* Naks of ours */
	lcp_opts_decode(&lcp, mid, 4, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.mru, 1400);
	lcp_opts_decode(&lcp, small, 4, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.mru, 1400);
	lcp_opts_decode(&lcp, mid, 4, FSM_MODE_NAK, NULL);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 5");	/* MRU dropped */
	lcp_opts_reset(&lcp);
	lcp_opts_decode(&lcp, mid, 4, FSM_MODE_REJ, NULL);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 5");
}

static void
test_accmap_and_compression(void **state)
{
	static const uint8_t accm[] = { 2, 6, 0, 0, 0, 0x01 };
	static const uint8_t pfc[] = { 7, 2 };
	static const uint8_t acfc[] = { 8, 2 };
	struct lcp lcp;
	struct fsm_decode *d;
	uint8_t buf[64];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	d = req(&lcp, accm, sizeof(accm));
	assert_int_equal(d->acklen, 6);
	assert_int_equal(lcp.peer.accmap, 1);
	lcp_opts_decode(&lcp, accm, sizeof(accm), FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.accmap, 0x000a0001);

	d = req(&lcp, pfc, 2);
	assert_int_equal(d->acklen, 2);
	assert_true(lcp.peer.pfcomp);
	lcp.conf.accept &= ~BIT(LINK_OPT_ACFCOMP);
	d = req(&lcp, acfc, 2);
	assert_int_equal(d->rejlen, 2);
	assert_false(lcp.peer.acfcomp);
	assert_false(lcp.peer.pfcomp);	/* a new request forgets */

	lcp_opts_decode(&lcp, acfc, 2, FSM_MODE_NAK, NULL);
	lcp_opts_decode(&lcp, pfc, 2, FSM_MODE_REJ, NULL);
	assert_false(lcp.want.acfcomp);
	assert_false(lcp.want.pfcomp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "1 5");
}

/* Malformed, unknown, unsupported and repeated options are rejected. */
static void
test_bad_options(void **state)
{
	static const uint8_t cases[][8] = {
		{ 1, 3, 5 },			/* MRU too short */
		{ 1, 5, 5, 0xdc, 0 },		/* MRU too long */
		{ 5, 5, 1, 2, 3 },		/* Magic short */
		{ 7, 3, 0 },			/* PFC with data */
		{ 3, 2 },			/* auth, no protocol */
		{ 4, 4, 0xc0, 0x25 },		/* Quality-Protocol */
		{ 99, 2 },			/* unknown */
		{ 13, 3, 0 },			/* Callback */
		{ 17, 4, 0x05, 0xdc },		/* MRRU w/o multilink */
		{ 18, 2 },			/* short seq w/o multilink */
		{ 19, 2 },			/* discriminator, no class */
		{ 19, 4, 2, 1 },		/* IP class, 1 byte */
		{ 19, 3, 9 },			/* unknown class */
		{ 0, 6, 0, 0, 0, 1 },		/* vendor */
		{ 12, 2 },			/* deprecated multilink */
	};
	struct lcp lcp;
	struct fsm_decode *d;
	size_t i;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = req(&lcp, cases[i], cases[i][1]);
		if (d->rejlen != cases[i][1] || d->acklen != 0 ||
		    d->naklen != 0)
			fail_msg("case %zu (type %d) not rejected", i,
			    cases[i][0]);
		assert_memory_equal(d->rej, cases[i], cases[i][1]);
	}

	/* a repeated option: the second one is rejected */
	d = req(&lcp, (const uint8_t[]){ 1, 4, 5, 0xdc, 1, 4, 4, 0 }, 8);
	assert_int_equal(d->acklen, 4);
	assert_int_equal(d->rejlen, 4);
	assert_int_equal(d->rej[2], 4);
	assert_int_equal(lcp.peer.mru, 1500);

	/* the valid ones around a bad one are still sorted */
	d = req(&lcp, (const uint8_t[]){ 7, 2, 99, 3, 0, 8, 2 }, 7);
	assert_int_equal(d->acklen, 4);
	assert_int_equal(d->rejlen, 3);

	/* a discriminator without multilink is stored (mpd5) */
	d = req(&lcp, (const uint8_t[]){ 19, 7, 2, 10, 0, 0, 1 }, 7);
	assert_int_equal(d->acklen, 7);
	assert_int_equal(lcp.peer.discrim.class, LCP_DISC_IP);
}

/* Broken framing: the codec stops, never reads beyond the buffer. */
static void
test_truncated_framing(void **state)
{
	uint8_t *heap;
	struct lcp lcp;
	struct fsm_decode *d;
	static const uint8_t trunc[] = { 7, 2, 1, 4, 5 };	/* MRU cut */
	static const uint8_t zero[] = { 7, 2, 1, 0, 5, 0xdc };
	static const uint8_t huge[] = { 8, 2, 1, 200, 5, 0xdc };
	size_t i;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	/* exact-size heap copies so that ASan sees any overread */
	for (i = 0; i < 3; i++) {
		const uint8_t *src = i == 0 ? trunc : i == 1 ? zero : huge;
		size_t len = i == 0 ? sizeof(trunc) : i == 1 ? sizeof(zero) :
		    sizeof(huge);

		heap = test_malloc(len);
		memcpy(heap, src, len);
		assert_false(fsm_opts_valid(heap, len));
		d = req(&lcp, heap, len);
		assert_int_equal(d->acklen, 2);	/* only the leading one */
		assert_int_equal(d->naklen + d->rejlen, 0);
		test_free(heap);
	}
}

/* ---- magic number and loop-back ---- */

static void
test_magic_loopback(void **state)
{
	struct lcp lcp;
	struct fsm_decode *d;
	uint8_t opt[6] = { 5, 6 };
	uint32_t mine, got;
	int i;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	mine = lcp.want.magic;

	/* zero is illegal: Nak'd with a non-zero suggestion */
	memset(opt + 2, 0, 4);
	d = req(&lcp, opt, 6);
	assert_int_equal(d->naklen, 6);
	assert_int_equal(lcp_get_magic(d->nak + 2, 4, &got), 0);
	assert_int_not_equal(got, 0);

	/* a different (non-zero) magic is acked and resets the loop count */
	got = mine == 0x12345678u ? 0x87654321u : 0x12345678u;
	opt[2] = (uint8_t)(got >> 24);
	opt[3] = (uint8_t)(got >> 16);
	opt[4] = (uint8_t)(got >> 8);
	opt[5] = (uint8_t)got;
	d = req(&lcp, opt, 6);
	assert_int_equal(d->acklen, 6);
	assert_int_not_equal(lcp.peer.magic, 0);

	/* our own magic: loop-back, Nak'd with another value */
	for (i = 1; i < LCP_MAX_LOOPS; i++) {
		mine = lcp.want.magic;
		opt[2] = (uint8_t)(mine >> 24);
		opt[3] = (uint8_t)(mine >> 16);
		opt[4] = (uint8_t)(mine >> 8);
		opt[5] = (uint8_t)mine;
		d = req(&lcp, opt, 6);
		assert_false(d->fail);
		assert_int_equal(d->naklen, 6);
		assert_int_equal(lcp_get_magic(d->nak + 2, 4, &got), 0);
		assert_int_not_equal(got, mine);
		/* our Nak comes back: we pick a new magic */
		lcp_opts_decode(&lcp, d->nak, 6, FSM_MODE_NAK, NULL);
		assert_int_not_equal(lcp.want.magic, mine);
		assert_int_not_equal(lcp.want.magic, 0);
		assert_int_equal(lcp.loops, (unsigned)i);
	}
	mine = lcp.want.magic;
	opt[2] = (uint8_t)(mine >> 24);
	opt[3] = (uint8_t)(mine >> 16);
	opt[4] = (uint8_t)(mine >> 8);
	opt[5] = (uint8_t)mine;
	d = req(&lcp, opt, 6);
	assert_true(d->fail);
	assert_int_equal(d->fail_why, FSM_FAIL_LOOPBACK);

	/* a Reject of our magic stops it */
	lcp_opts_decode(&lcp, opt, 6, FSM_MODE_REJ, NULL);
	assert_int_equal(lcp.want.magic, 0);

	/* magicnum off: we send none, but the peer's is acked */
	conf_defaults(&lcp);
	lcp.conf.enable &= ~BIT(LINK_OPT_MAGICNUM);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.magic, 0);
	d = req(&lcp, opt, 6);
	assert_int_equal(d->acklen, 6);
}

/* ---- authentication protocol ---- */

static const uint8_t auth_pap[] = { 3, 4, 0xc0, 0x23 };
static const uint8_t auth_eap[] = { 3, 4, 0xc2, 0x27 };
static const uint8_t auth_md5[] = { 3, 5, 0xc2, 0x23, 0x05 };
static const uint8_t auth_msv1[] = { 3, 5, 0xc2, 0x23, 0x80 };
static const uint8_t auth_msv2[] = { 3, 5, 0xc2, 0x23, 0x81 };

static void
test_auth_choice(void **state)
{
	struct lcp lcp;
	uint8_t buf[64];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp.conf.enable |= BIT(LINK_OPT_PAP) | BIT(LINK_OPT_EAP) |
	    BIT(LINK_OPT_CHAP_MD5);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MD5);
	lcp.conf.enable |= BIT(LINK_OPT_CHAP_MSV1);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MSV1);
	lcp.conf.enable |= BIT(LINK_OPT_CHAP_MSV2);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MSV2);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_non_null(memmem(buf, n, auth_msv2, 5));

	lcp.conf.enable = BIT(LINK_OPT_EAP);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.auth, LCP_AUTH_EAP);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_memory_equal(buf + n - 4, auth_eap, 4);
	lcp.conf.enable = BIT(LINK_OPT_PAP);
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_memory_equal(buf + n - 4, auth_pap, 4);
}

/* The peer asks us to authenticate: ack, Nak with ours, or Reject. */
static void
test_auth_peer_request(void **state)
{
	struct lcp lcp;
	struct fsm_decode *d;

	(void)state;
	conf_defaults(&lcp);
	lcp_opts_reset(&lcp);
	d = req(&lcp, auth_md5, 5);
	assert_int_equal(d->acklen, 5);
	assert_int_equal(lcp.peer.auth, LCP_AUTH_CHAP_MD5);
	d = req(&lcp, auth_pap, 4);
	assert_int_equal(lcp.peer.auth, LCP_AUTH_PAP);
	/* MS-CHAPv1 is denied by default: Nak with MS-CHAPv2 */
	d = req(&lcp, auth_msv1, 5);
	assert_int_equal(d->acklen, 0);
	assert_int_equal(d->naklen, 5);
	assert_memory_equal(d->nak, auth_msv2, 5);
	assert_int_equal(lcp.peer.auth, LCP_AUTH_NONE);
	/* unknown protocol / algorithm / bad length: Nak as well */
	d = req(&lcp, (const uint8_t[]){ 3, 5, 0xc2, 0x23, 0x06 }, 5);
	assert_int_equal(d->naklen, 5);
	d = req(&lcp, (const uint8_t[]){ 3, 4, 0xc2, 0x23 }, 4);
	assert_int_equal(d->naklen, 5);
	d = req(&lcp, (const uint8_t[]){ 3, 5, 0xc0, 0x23, 0 }, 5);
	assert_int_equal(d->naklen, 5);
	d = req(&lcp, (const uint8_t[]){ 3, 4, 0xc0, 0x25 }, 4);
	assert_int_equal(d->naklen, 5);
	/* only PAP accepted: Nak with PAP */
	lcp.conf.accept &= ~(BIT(LINK_OPT_CHAP_MSV2) | BIT(LINK_OPT_CHAP_MD5) |
	    BIT(LINK_OPT_EAP));
	d = req(&lcp, auth_eap, 4);
	assert_int_equal(d->naklen, 4);
	assert_memory_equal(d->nak, auth_pap, 4);
	/* nothing accepted: Reject */
	lcp.conf.accept &= ~BIT(LINK_OPT_PAP);
	d = req(&lcp, auth_pap, 4);
	assert_int_equal(d->rejlen, 4);
	assert_int_equal(d->naklen, 0);
}

/* The peer Naks our choice: its suggestion if enabled, else the next. */
/* True when the option list buf[0..n) holds an option of this type. */
static bool
has_opt(const uint8_t *buf, size_t n, uint8_t type)
{
	size_t i = 0;

	while (i + 2 <= n && buf[i + 1] >= 2 && i + buf[i + 1] <= n) {
		if (buf[i] == type)
			return true;
		i += buf[i + 1];
	}
	return false;
}

static void
test_auth_nak(void **state)
{
	struct lcp lcp;
	uint8_t buf[64];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp.conf.enable |= BIT(LINK_OPT_CHAP_MSV2) | BIT(LINK_OPT_CHAP_MD5) |
	    BIT(LINK_OPT_PAP);
	lcp_opts_reset(&lcp);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MSV2);
	lcp_opts_decode(&lcp, auth_pap, 4, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.auth, LCP_AUTH_PAP);
	/* EAP is not enabled: the next one not tried, CHAP-MD5 */
	lcp_opts_decode(&lcp, auth_eap, 4, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MD5);
	/* all tried: we insist (and will fail to converge) */
	lcp_opts_decode(&lcp, auth_msv2, 5, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MD5);
	/* garbage in a Nak changes nothing harmful */
	lcp_opts_decode(&lcp, (const uint8_t[]){ 3, 3, 0xc0 }, 3,
	    FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.auth, LCP_AUTH_CHAP_MD5);

	/* a Reject: still required, unless we dialled with no-orig-auth */
	lcp_opts_decode(&lcp, auth_md5, 5, FSM_MODE_REJ, NULL);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_non_null(memmem(buf, n, auth_md5, 5));
	lcp.conf.originated = true;
	lcp.conf.enable |= BIT(LINK_OPT_NO_ORIG_AUTH);
	lcp_opts_decode(&lcp, auth_md5, 5, FSM_MODE_REJ, NULL);
	assert_int_equal(lcp.want.auth, LCP_AUTH_NONE);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	/* (a byte search could hit a random magic number) */
	assert_false(has_opt(buf, n, LCP_OPT_AUTHPROTO));
}

/* ---- multilink ---- */

static void
test_multilink(void **state)
{
	struct lcp lcp;
	struct fsm_decode *d;
	uint8_t buf[64];
	size_t n;

	(void)state;
	conf_defaults(&lcp);
	lcp.conf.enable |= BIT(LINK_OPT_MULTILINK);
	lcp.conf.discrim.class = LCP_DISC_IP;
	lcp.conf.discrim.len = 4;
	memcpy(lcp.conf.discrim.bytes, "\x0a\x00\x00\x01", 4);
	lcp_opts_reset(&lcp);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 1 5 17 18 19");

	d = req(&lcp, (const uint8_t[]){ 17, 4, 0, 100 }, 4);
	assert_int_equal(d->naklen, 4);
	assert_int_equal(d->nak[2] << 8 | d->nak[3], LCP_MIN_MRRU);
	d = req(&lcp, (const uint8_t[]){ 17, 4, 0x05, 0xdc, 18, 2 }, 6);
	assert_int_equal(d->acklen, 6);
	assert_int_equal(lcp.peer.mrru, 1500);
	assert_true(lcp.peer.shortseq);

	/* Nak of our MRRU: a smaller one is taken, a larger ignored */
	lcp_opts_decode(&lcp, (const uint8_t[]){ 17, 4, 0x05, 0xdc }, 4,
	    FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.mrru, 1500);
	lcp_opts_decode(&lcp, (const uint8_t[]){ 17, 4, 0x10, 0x00 }, 4,
	    FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.mrru, 1500);
	/* Rejects switch the MP options off */
	lcp_opts_decode(&lcp, (const uint8_t[]){ 18, 2, 19, 3, 0 }, 5,
	    FSM_MODE_REJ, NULL);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 1 5 17");
	lcp_opts_decode(&lcp, (const uint8_t[]){ 17, 4, 0x05, 0xdc }, 4,
	    FSM_MODE_REJ, NULL);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 1 5");
	/* a Nak after a Reject: the peer changed its mind (mpd5) */
	lcp_opts_decode(&lcp, (const uint8_t[]){ 17, 4, 0x05, 0xdc, 18, 2,
	    19, 3, 0 }, 9, FSM_MODE_NAK, NULL);
	assert_int_equal(lcp.want.mrru, 1500);
	n = lcp_opts_build(&lcp, buf, sizeof(buf));
	assert_string_equal(types(buf, n), "8 7 1 5 17 18 19");

	/* short sequence numbers not accepted */
	lcp.conf.accept &= ~BIT(LINK_OPT_SHORTSEQ);
	d = req(&lcp, (const uint8_t[]){ 18, 2 }, 2);
	assert_int_equal(d->rejlen, 2);
}

/* ---- helpers ---- */

static void
test_helpers(void **state)
{
	struct lcp_discrim dis = { LCP_DISC_MAC, 6,
	    { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 } };
	char buf[128], small[8];
	uint32_t m;

	(void)state;
	assert_string_equal(lcp_discrim_print(&dis, buf, sizeof(buf)),
	    "[802.1] 00 11 22 33 44 55");
	dis.class = LCP_DISC_IP;
	dis.len = 4;
	assert_string_equal(lcp_discrim_print(&dis, buf, sizeof(buf)),
	    "[IP Address] 00 11 22 33");
	dis.class = 77;
	dis.len = 0;
	assert_string_equal(lcp_discrim_print(&dis, buf, sizeof(buf)), "[77]");
	dis.class = LCP_DISC_MAC;
	dis.len = 6;
	lcp_discrim_print(&dis, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);

	assert_true(lcp_discrim_valid(LCP_DISC_NULL, 0));
	assert_false(lcp_discrim_valid(LCP_DISC_NULL, 1));
	assert_true(lcp_discrim_valid(LCP_DISC_MAC, 6));
	assert_false(lcp_discrim_valid(LCP_DISC_MAC, 5));
	assert_true(lcp_discrim_valid(LCP_DISC_MAGIC, 20));
	assert_false(lcp_discrim_valid(LCP_DISC_MAGIC, 21));
	assert_false(lcp_discrim_valid(LCP_DISC_PSN, 16));
	assert_false(lcp_discrim_valid(6, 1));

	assert_int_equal(lcp_get_magic((const uint8_t *)"\x01\x02\x03", 3,
	    &m), -1);
	assert_int_equal(lcp_get_magic((const uint8_t *)"\x01\x02\x03\x04",
	    4, &m), 0);
	assert_int_equal(m, 0x01020304);
	assert_int_not_equal(lcp_new_magic(), 0);

	buf[0] = '\0';
	lcp_text_append(buf, sizeof(buf), (const uint8_t *)"mpd\tpeer", 8);
	assert_string_equal(buf, "mpd?peer");
	lcp_text_append(buf, sizeof(buf), (const uint8_t *)"v5\0junk", 7);
	assert_string_equal(buf, "mpd?peer v5");
	small[0] = '\0';
	assert_int_equal(lcp_text_append(small, sizeof(small),
	    (const uint8_t *)"0123456789", 10), 7);
	assert_string_equal(small, "0123456");
	lcp_text_append(small, sizeof(small), (const uint8_t *)"x", 1);
	assert_string_equal(small, "0123456");

	assert_string_equal(lcp_auth_name(LCP_AUTH_CHAP_MSV2), "CHAP-MSv2");
	assert_string_equal(lcp_auth_name(LCP_AUTH_NONE), "none");
	assert_string_equal(lcp_auth_type_name(LCP_AUTH_CHAP_MD5), "CHAP");
	assert_string_equal(lcp_auth_type_name(LCP_AUTH_PAP), "PAP");
	assert_int_equal(lcp_auth_proto(LCP_AUTH_EAP), 0xc227);
	assert_int_equal(lcp_auth_alg(LCP_AUTH_CHAP_MSV1), 0x80);
	assert_string_equal(lcp_phase_name(PHASE_NETWORK), "NETWORK");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_defaults),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_mru),
		cmocka_unit_test(test_accmap_and_compression),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_truncated_framing),
		cmocka_unit_test(test_magic_loopback),
		cmocka_unit_test(test_auth_choice),
		cmocka_unit_test(test_auth_peer_request),
		cmocka_unit_test(test_auth_nak),
		cmocka_unit_test(test_multilink),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
