/*
 * test_ccp.c - CCP (RFC 1962) and ECP (RFC 1968) negotiation between two
 * bundles whose automata are wired to each other (no links): the seed's
 * MPPE lines (40 + 128 bits offered, the strongest agreed, stateless),
 * keys required for MPPE, fallback to Deflate/Predictor-1 when the peer
 * rejects MPPC, the Deflate window Nak (zlib has no window 8), DESE-bis,
 * and the data path through ccp_output()/ccp_input_data() both ways,
 * with Reset-Request/Reset-Ack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "auth/msoft.h"
#include "core/mbuf.h"
#include "core/util.h"
#include "ppp/bund.h"
#include "ppp/ccp.h"
#include "ppp/deflate.h"
#include "ppp/ecp.h"
#include "ppp/mppe.h"
#include "ppp/proto.h"

static struct bund ba, bb;

/* A queue of control packets in flight: (destination fsm, bytes). */
struct wire_pkt {
	struct fsm	*to;
	uint8_t		 data[FSM_MAX_PACKET];
	size_t		 len;
};
static struct wire_pkt wire[256];
static int wire_n;
static int wire_codes[16];	/* count per code seen */

static struct fsm *
peer_fsm(struct fsm *f)
{
	struct bund *other = f->owner == &ba ? &bb : &ba;

	if (f->type == &ecp_fsm_type)
		return &other->ecp->fsm;
	return &other->ccp->fsm;
}

static int
wire_out(struct fsm *f, const uint8_t *pkt, size_t len)
{
	if (wire_n < 256 && len <= FSM_MAX_PACKET) {
		wire[wire_n].to = peer_fsm(f);
		memcpy(wire[wire_n].data, pkt, len);
		wire[wire_n].len = len;
		wire_n++;
		if (pkt[0] < 16)
			wire_codes[pkt[0]]++;
	}
	return 0;
}

static void
pump(void)
{
	int i, guard = 0;

	while (wire_n > 0 && guard++ < 1000) {
		struct wire_pkt p = wire[0];

		for (i = 1; i < wire_n; i++)
			wire[i - 1] = wire[i];
		wire_n--;
		fsm_input(p.to, p.data, p.len);
	}
}

static void
bund_setup(struct bund *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	util_strlcpy(b->name, name, sizeof(b->name));
	bund_conf_defaults(b);
	/* `set bundle enable compression encryption` */
	b->conf.options.enable |= 1u << BUND_OPT_COMPRESSION |
	    1u << BUND_OPT_ENCRYPTION;
}

static int
setup(void **state)
{
	(void)state;
	bund_setup(&ba, "BA");
	bund_setup(&bb, "BB");
	wire_n = 0;
	memset(wire_codes, 0, sizeof(wire_codes));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ccp_fini(&ba);
	ccp_fini(&bb);
	ecp_fini(&ba);
	ecp_fini(&bb);
	iface_conf_free(&ba.iface_conf);
	iface_conf_free(&bb.iface_conf);
	nat_conf_free(&ba.nat_conf);
	nat_conf_free(&bb.nat_conf);
	return 0;
}

static void
set(struct opt_set *o, int bit, bool enable, bool accept)
{
	if (enable)
		o->enable |= 1u << bit;
	if (accept)
		o->accept |= 1u << bit;
}

/* Both sides: MPPC enabled and accepted, with the MPPC_OPT_* bits of mask. */
static void
both_mppc(unsigned mask)
{
	struct bund *b[2] = { &ba, &bb };
	int i, bit;

	for (i = 0; i < 2; i++) {
		set(&b[i]->ccp_conf.options, CCP_OPT_MPPC, true, true);
		for (bit = 0; bit < 32; bit++)
			if (mask & (1u << bit))
				set(&b[i]->ccp_conf.mppc, bit, true, true);
	}
}

/* MS-CHAPv2 keys of a server (a) and its client (b): mirror images. */
static void
give_keys(void)
{
	struct auth_data ka, kb;
	int i;

	memset(&ka, 0, sizeof(ka));
	memset(&kb, 0, sizeof(kb));
	for (i = 0; i < 16; i++) {
		ka.mppe_send_key[i] = kb.mppe_recv_key[i] = (uint8_t)(i + 1);
		ka.mppe_recv_key[i] = kb.mppe_send_key[i] = (uint8_t)(i + 101);
	}
	ka.mppe_keys = kb.mppe_keys = true;
	ccp_set_aaa(&ba, &ka);
	ccp_set_aaa(&bb, &kb);
}

static void
start_ccp(bool keys)
{
	ccp_init(&ba);
	ccp_init(&bb);
	ba.ccp->fsm.output = wire_out;
	bb.ccp->fsm.output = wire_out;
	if (keys)
		give_keys();
	ccp_open(&ba);
	ccp_open(&bb);
	ccp_up(&ba);
	ccp_up(&bb);
	pump();
}

/* The seed's lines on both sides: 40+128 offered, 128 agreed, stateless. */
static void
test_seed_mppe(void **state)
{
	struct bund *b[2] = { &ba, &bb };
	int i;

	(void)state;
	both_mppc(1u << MPPC_OPT_E40 | 1u << MPPC_OPT_E128 |
	    1u << MPPC_OPT_STATELESS);
	start_ccp(true);
	for (i = 0; i < 2; i++) {
		assert_int_equal(b[i]->ccp->fsm.state, FSM_ST_OPENED);
		assert_int_equal(b[i]->ccp->xmit.type, CCP_TY_MPPC);
		assert_int_equal(b[i]->ccp->recv.type, CCP_TY_MPPC);
		assert_int_equal(b[i]->ccp->xmit.mppc_bits,
		    MPPE_BIT_S | MPPE_BIT_H);
		assert_int_equal(b[i]->ccp->recv.mppc_bits,
		    MPPE_BIT_S | MPPE_BIT_H);
		assert_true(ccp_encrypted(b[i]));
		assert_int_equal(ccp_mtu_overhead(b[i]), 4);
	}
	assert_true(wire_codes[FSM_CODE_CONFIGNAK] >= 2);
}

/* No MS-CHAP keys: MPPE is neither offered nor accepted. */
static void
test_mppe_without_keys(void **state)
{
	struct bund *b[2] = { &ba, &bb };
	int i;

	(void)state;
	both_mppc(1u << MPPC_OPT_E128 | 1u << MPPC_OPT_COMPRESS);
	start_ccp(false);
	for (i = 0; i < 2; i++) {
		assert_int_equal(b[i]->ccp->fsm.state, FSM_ST_OPENED);
		assert_int_equal(b[i]->ccp->xmit.mppc_bits, MPPE_BIT_C);
		assert_false(ccp_encrypted(b[i]));
	}
}

/* A wants MPPC then Deflate; B only knows Deflate: Reject, fallback. */
static void
test_fallback_to_deflate(void **state)
{
	(void)state;
	set(&ba.ccp_conf.options, CCP_OPT_MPPC, true, true);
	set(&ba.ccp_conf.mppc, MPPC_OPT_COMPRESS, true, true);
	set(&ba.ccp_conf.options, CCP_OPT_DEFLATE, true, true);
	set(&bb.ccp_conf.options, CCP_OPT_DEFLATE, true, true);
	set(&bb.ccp_conf.options, CCP_OPT_PRED1, false, true);
	start_ccp(false);
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_int_equal(ba.ccp->recv.type, CCP_TY_DEFLATE);
	assert_int_equal(ba.ccp->xmit.type, CCP_TY_DEFLATE);
	assert_int_equal(bb.ccp->recv.type, CCP_TY_DEFLATE);
	assert_int_equal(ba.ccp->recv.wbits, 15);
	assert_true(wire_codes[FSM_CODE_CONFIGREJ] >= 1);
}

/* Deflate window 8 is Nak'ed to 9; method other than 8 to ours. */
static void
test_deflate_window_nak(void **state)
{
	static const uint8_t w8[] = { 26, 4, 0x08, 0x00 };
	static const uint8_t bad_method[] = { 26, 4, 0x79, 0x00 };
	struct fsm_decode *d = calloc(1, sizeof(*d));

	(void)state;
	set(&ba.ccp_conf.options, CCP_OPT_DEFLATE, true, true);
	ccp_init(&ba);
	ccp_fsm_type.configure(&ba.ccp->fsm);
	ccp_fsm_type.decode_config(&ba.ccp->fsm, w8, 4, FSM_MODE_REQ, d);
	assert_int_equal(d->naklen, 4);
	assert_int_equal(d->nak[2], 0x18);
	memset(d, 0, sizeof(*d));
	ccp_fsm_type.decode_config(&ba.ccp->fsm, bad_method, 4,
	    FSM_MODE_REQ, d);
	assert_int_equal(d->naklen, 4);
	assert_int_equal(d->nak[2] & 0x0f, 8);
	free(d);
}

/* Frames through ccp_output() of one bundle into the other's input. */
static void
roundtrip(struct bund *from, struct bund *to, int n)
{
	uint8_t pkt[1000];
	struct mbuf *m;
	uint16_t proto;
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < (int)sizeof(pkt); j++)
			pkt[j] = (uint8_t)("abcdefgh"[(i + j) % 8] + (j % 97 == 0));
		pkt[0] = 0x45;
		proto = PROTO_IP;
		m = ccp_output(from, &proto, mb_copy(pkt, sizeof(pkt)));
		assert_non_null(m);
		assert_true(proto == PROTO_COMPD || proto == PROTO_CRYPT ||
		    proto == PROTO_IP);
		m = ccp_input_data(to, &proto, m);
		assert_non_null(m);
		assert_int_equal(proto, PROTO_IP);
		assert_int_equal(m->len, sizeof(pkt));
		assert_memory_equal(m->data, pkt, sizeof(pkt));
		mb_free(m);
	}
}

static void
test_data_path_and_resets(void **state)
{
	static const int opts[] = { CCP_OPT_DEFLATE, CCP_OPT_PRED1 };
	struct mbuf *m;
	uint16_t proto;
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		teardown(NULL);
		setup(NULL);
		set(&ba.ccp_conf.options, opts[k], true, true);
		set(&bb.ccp_conf.options, opts[k], true, true);
		start_ccp(false);
		roundtrip(&ba, &bb, 50);
		roundtrip(&bb, &ba, 50);
		/* a corrupt frame: Reset-Request, drop until the Ack */
		proto = PROTO_COMPD;
		m = ccp_input_data(&bb, &proto, mb_copy("\x00\x63garbage", 9));
		assert_null(m);
		assert_true(bb.ccp->reset_wait);
		assert_int_equal(wire_n, 1);
		pump();		/* Reset-Request -> Reset-Ack -> both reset */
		assert_false(bb.ccp->reset_wait);
		assert_int_equal(wire_codes[FSM_CODE_RESETACK], 1);
		roundtrip(&ba, &bb, 20);
	}
}

static void
test_mppe_data_path(void **state)
{
	(void)state;
	both_mppc(1u << MPPC_OPT_E128 | 1u << MPPC_OPT_COMPRESS);
	start_ccp(true);
	assert_int_equal(ba.ccp->xmit.mppc_bits, MPPE_BIT_S | MPPE_BIT_C);
	roundtrip(&ba, &bb, 300);
	roundtrip(&bb, &ba, 300);
	/* plain IP is not accepted while MPPE is on */
	{
		uint16_t proto = PROTO_IP;

		assert_null(ccp_input_data(&bb, &proto, mb_copy("E...", 4)));
	}
	/* a Reset-Request is not acknowledged (RFC 3078) */
	fsm_send(&ba.ccp->fsm, FSM_CODE_RESETREQ, 7, NULL, 0);
	pump();
	assert_int_equal(wire_codes[FSM_CODE_RESETACK], 0);
	assert_true(bb.ccp->xmit.mppe->flush_next);
	roundtrip(&bb, &ba, 10);
}

static void
test_ecp_dese_bis(void **state)
{
	struct bund *b[2] = { &ba, &bb };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		set(&b[i]->ecp_conf.options, ECP_OPT_DESE_BIS, true, true);
		set(&b[i]->ecp_conf.options, ECP_OPT_DESE_OLD, true, true);
		util_strlcpy(b[i]->ecp_conf.key, "secret", 64);
		ccp_init(b[i]);
		ecp_init(b[i]);
		b[i]->ecp->fsm.output = wire_out;
	}
	for (i = 0; i < 2; i++) {
		ecp_open(b[i]);
		ecp_up(b[i]);
	}
	pump();
	for (i = 0; i < 2; i++) {
		assert_int_equal(b[i]->ecp->fsm.state, FSM_ST_OPENED);
		assert_int_equal(b[i]->ecp->xmit_type, 3);
		assert_true(ccp_encrypted(b[i]));
	}
	roundtrip(&ba, &bb, 20);
	roundtrip(&bb, &ba, 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_mppe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mppe_without_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fallback_to_deflate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deflate_window_nak, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_data_path_and_resets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mppe_data_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ecp_dese_bis, setup,
		    teardown),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msoft_fini();
	return rc;
}
