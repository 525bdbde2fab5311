/*
 * test_kccp.c - CCP in the kernel data plane: the PPPIOCSCOMPRESS option
 * builders and the SC_CCP_OPEN/SC_CCP_UP flag words of sys/pppdev.h
 * against a fake kernel; the policy of what ppp_mppe/ppp_deflate can run
 * (dp_ccp_kernel_ok); and the order of the kernel requests made by the
 * CCP automaton (ppp/ccp_run.c) of a bundle on a fake kernel backend,
 * negotiating with a user-space peer: the decompressor is allocated
 * before our Configure-Request leaves, the compressor before our
 * Configure-Ack leaves (ppp_generic starts them when the Acks pass the
 * unit, only while SC_CCP_OPEN is set and SC_CCP_UP clear), SC_CCP_UP
 * once CCP is opened; MPPC is left to the tun backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/util.h"
#include "dp/dp.h"
#include "ppp/bund.h"
#include "ppp/ccp.h"
#include "ppp/mppe.h"
#include "sys/pppdev.h"

#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

/* ---- a fake kernel for the pppdev requests ---- */

static struct {
	unsigned long	req[8];
	int		n;
	int		gflags;		/* what PPPIOCGFLAGS answers */
	int		sflags;		/* last PPPIOCSFLAGS */
	uint8_t		opt[64];
	unsigned	optlen;
	int		transmit;
	unsigned long	fail_req;
} fk;

static int
fk_ioctl(int fd, unsigned long req, void *arg)
{
	assert_int_equal(fd, 7);
	assert_true(fk.n < 8);
	fk.req[fk.n++] = req;
	if (req == fk.fail_req) {
		errno = ENOBUFS;
		return -1;
	}
	if (req == PPPIOCGFLAGS)
		*(int *)arg = fk.gflags;
	else if (req == PPPIOCSFLAGS)
		fk.sflags = *(int *)arg;
	else if (req == PPPIOCSCOMPRESS) {
		const struct ppp_option_data *od = arg;

		assert_true(od->length <= sizeof(fk.opt));
		memcpy(fk.opt, od->ptr, od->length);
		fk.optlen = od->length;
		fk.transmit = od->transmit;
	}
	return 0;
}

static const struct pppdev_kernel fake = { .ioctl = fk_ioctl };

static const uint8_t KEY[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static void
test_mppe_opt(void **state)
{
	uint8_t buf[32];
	const uint8_t want[6] = { 18, 6, 0x01, 0x00, 0x00, 0x40 };

	(void)state;
	/* 128-bit stateless: H in the first octet, S in the last */
	assert_int_equal(pppdev_ccp_mppe_opt(buf, sizeof(buf),
	    MPPE_BIT_H | MPPE_BIT_S, KEY), 22);
	assert_memory_equal(buf, want, 6);
	assert_memory_equal(buf + 6, KEY, 16);
	/* 40-bit stateful */
	assert_int_equal(pppdev_ccp_mppe_opt(buf, sizeof(buf), MPPE_BIT_L,
	    KEY), 22);
	assert_int_equal(buf[2], 0);
	assert_int_equal(buf[5], 0x20);
	assert_int_equal(pppdev_ccp_mppe_opt(buf, 21, MPPE_BIT_S, KEY), 0);
}

static void
test_deflate_opt(void **state)
{
	uint8_t buf[8];

	(void)state;
	assert_int_equal(pppdev_ccp_deflate_opt(buf, sizeof(buf), 26, 15), 4);
	assert_int_equal(buf[0], 26);
	assert_int_equal(buf[1], 4);
	assert_int_equal(buf[2], 0x78);		/* window 15, method 8 */
	assert_int_equal(buf[3], 0);
	assert_int_equal(pppdev_ccp_deflate_opt(buf, sizeof(buf), 24, 9), 4);
	assert_int_equal(buf[0], 24);
	assert_int_equal(buf[2], 0x18);
	/* ppp_deflate takes 2^9..2^15 only; other types are not Deflate */
	assert_int_equal(pppdev_ccp_deflate_opt(buf, sizeof(buf), 26, 8), 0);
	assert_int_equal(pppdev_ccp_deflate_opt(buf, sizeof(buf), 26, 16), 0);
	assert_int_equal(pppdev_ccp_deflate_opt(buf, sizeof(buf), 18, 15), 0);
	assert_int_equal(pppdev_ccp_deflate_opt(buf, 3, 26, 15), 0);
}

static void
test_set_compress(void **state)
{
	uint8_t opt[40];

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(pppdev_ccp_mppe_opt(opt, sizeof(opt),
	    MPPE_BIT_H | MPPE_BIT_S, KEY), 22);
	assert_int_equal(pppdev_set_compress(&fake, 7, opt, 22, true), 0);
	assert_int_equal(fk.n, 1);
	assert_int_equal(fk.req[0], PPPIOCSCOMPRESS);
	assert_int_equal(fk.optlen, 22);
	assert_int_equal(fk.transmit, 1);
	assert_memory_equal(fk.opt, opt, 22);
	assert_int_equal(pppdev_set_compress(&fake, 7, opt, 4, false), 0);
	assert_int_equal(fk.transmit, 0);
	assert_int_equal(fk.optlen, 4);
	/* longer than the kernel's buffer, or no option: not asked */
	errno = 0;
	assert_int_equal(pppdev_set_compress(&fake, 7, opt, 33, true), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pppdev_set_compress(&fake, 7, opt, 1, true), -1);
	assert_int_equal(fk.n, 2);
	/* the module is missing: the kernel's error comes back */
	fk.fail_req = PPPIOCSCOMPRESS;
	assert_int_equal(pppdev_set_compress(&fake, 7, opt, 22, false), -1);
	assert_int_equal(errno, ENOBUFS);
}

static void
test_ccp_flags(void **state)
{
	const uint32_t other = SC_MULTILINK | SC_REJ_COMP_TCP;

	(void)state;
	assert_int_equal(pppdev_ccp_flag_word(other, true, false),
	    other | SC_CCP_OPEN);
	assert_int_equal(pppdev_ccp_flag_word(other | SC_CCP_OPEN, true, true),
	    other | SC_CCP_OPEN | SC_CCP_UP);
	assert_int_equal(pppdev_ccp_flag_word(other | SC_CCP_OPEN | SC_CCP_UP,
	    true, false), other | SC_CCP_OPEN);
	assert_int_equal(pppdev_ccp_flag_word(other | SC_CCP_OPEN | SC_CCP_UP,
	    false, false), other);
	/* up without open means nothing to ppp_generic: not set */
	assert_int_equal(pppdev_ccp_flag_word(0, false, true), 0);

	/* read-modify-write: the other flags stay */
	memset(&fk, 0, sizeof(fk));
	fk.gflags = (int)(other | SC_DC_ERROR);
	assert_int_equal(pppdev_ccp_flags(&fake, 7, true, false), 0);
	assert_int_equal(fk.n, 2);
	assert_int_equal(fk.req[0], PPPIOCGFLAGS);
	assert_int_equal(fk.req[1], PPPIOCSFLAGS);
	assert_int_equal(fk.sflags & (SC_MULTILINK | SC_REJ_COMP_TCP |
	    SC_CCP_OPEN | SC_CCP_UP), other | SC_CCP_OPEN);
	fk.fail_req = PPPIOCGFLAGS;
	assert_int_equal(pppdev_ccp_flags(&fake, 7, true, true), -1);
	assert_int_equal(fk.n, 3);		/* nothing written */
}

static void
test_kernel_policy(void **state)
{
	char why[64];

	(void)state;
	assert_true(dp_ccp_kernel_ok(0, 0, 0, why, sizeof(why)));
	assert_true(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_H | MPPE_BIT_S, 0,
	    why, sizeof(why)));
	assert_true(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_L, 0, why,
	    sizeof(why)));
	assert_false(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_C, 0, why,
	    sizeof(why)));
	assert_string_equal(why, "MPPC negotiated");
	assert_false(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_C | MPPE_BIT_S |
	    MPPE_BIT_H, 0, why, sizeof(why)));
	assert_string_equal(why, "MPPC negotiated");
	assert_false(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_M, 0, why,
	    sizeof(why)));
	assert_string_equal(why, "56-bit MPPE negotiated");
	assert_false(dp_ccp_kernel_ok(DP_CCP_MPPC, MPPE_BIT_H, 0, why,
	    sizeof(why)));
	assert_true(dp_ccp_kernel_ok(DP_CCP_DEFLATE, 0, 15, why, sizeof(why)));
	assert_true(dp_ccp_kernel_ok(DP_CCP_DEFLATE_DRAFT, 0, 9, why,
	    sizeof(why)));
	assert_false(dp_ccp_kernel_ok(DP_CCP_DEFLATE, 0, 8, why, sizeof(why)));
	assert_false(dp_ccp_kernel_ok(DP_CCP_PRED1, 0, 0, why, sizeof(why)));
	assert_string_equal(why, "Predictor-1 negotiated");
}

/* ---- the CCP automaton on a fake kernel backend ---- */

/*
 * Event log of bundle A (on the fake kernel backend): its kernel
 * requests and the codes it sends, in order.
 */
static char evlog[2048];

static void
ev(const char *fmt, ...)
{
	size_t n = strlen(evlog);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(evlog + n, sizeof(evlog) - n, fmt, ap);
	va_end(ap);
}

static int
fdp_ccp_flags(struct bund *b, bool open, bool up)
{
	(void)b;
	ev("flags(%s%s) ", open ? "open" : "-", up ? ",up" : "");
	return 0;
}

static int fdp_fail;

static int
fdp_ccp_set(struct bund *b, const uint8_t *opt, size_t len, bool transmit)
{
	(void)b;
	ev("%s(%d,%zu) ", transmit ? "comp" : "decomp", opt[0], len);
	if (fdp_fail) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* what kernel.c's np_sync decides from the plain_ok upcall */
static void
fdp_np_sync(struct bund *b)
{
	ev("np(%s) ", ccp_plain_ok(b) ? "pass" : "hold");
}

static const struct dp_ops fake_dp = {
	.name = "fake-kernel",
	.ccp_flags = fdp_ccp_flags,
	.ccp_set = fdp_ccp_set,
	.np_sync = fdp_np_sync,
};

static struct bund ba, bb;
static int fake_state;

struct wire_pkt {
	struct fsm	*to;
	uint8_t		 data[FSM_MAX_PACKET];
	size_t		 len;
};
static struct wire_pkt wire[64];
static int wire_n;

static int
wire_out(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct bund *other = f->owner == &ba ? &bb : &ba;
	static const char *names[] = { "?", "Req", "Ack", "Nak", "Rej",
	    "TermReq", "TermAck", "CodeRej", "?", "?", "?", "?", "?", "?",
	    "ResetReq", "ResetAck" };

	if (f->owner == &ba)
		ev("send-%s ", pkt[0] < 16 ? names[pkt[0]] : "?");
	assert_true(wire_n < 64);
	wire[wire_n].to = &other->ccp->fsm;
	memcpy(wire[wire_n].data, pkt, len);
	wire[wire_n].len = len;
	wire_n++;
	return 0;
}

static void
pump(void)
{
	int i, guard = 0;

	while (wire_n > 0 && guard++ < 200) {
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
	b->conf.options.enable |= 1u << BUND_OPT_COMPRESSION;
}

static int
setup(void **state)
{
	(void)state;
	bund_setup(&ba, "BA");
	bund_setup(&bb, "BB");
	ba.dp = &fake_dp;
	ba.dp_state = &fake_state;
	wire_n = 0;
	evlog[0] = '\0';
	fdp_fail = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ccp_fini(&ba);
	ccp_fini(&bb);
	iface_conf_free(&ba.iface_conf);
	iface_conf_free(&bb.iface_conf);
	nat_conf_free(&ba.nat_conf);
	nat_conf_free(&bb.nat_conf);
	return 0;
}

static void
on(struct opt_set *o, int bit)
{
	o->enable |= 1u << bit;
	o->accept |= 1u << bit;
}

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

/* B (user space) opens first, then A: A acks B's request at once. */
static void
start_ccp(void)
{
	ccp_init(&ba);
	ccp_init(&bb);
	ba.ccp->lower = wire_out;		/* after the kernel hooks */
	bb.ccp->fsm.output = wire_out;
	give_keys();
	ccp_open(&bb);
	ccp_up(&bb);
	ccp_open(&ba);
	ccp_up(&ba);
	pump();
}

/* Position of s in the log (fails if absent). */
static int
at(const char *s)
{
	const char *p = strstr(evlog, s);

	assert_non_null(p);
	return (int)(p - evlog);
}

static void
test_mppe_in_kernel(void **state)
{
	(void)state;
	on(&ba.ccp_conf.options, CCP_OPT_MPPC);
	on(&bb.ccp_conf.options, CCP_OPT_MPPC);
	on(&ba.ccp_conf.mppc, MPPC_OPT_E128);
	on(&bb.ccp_conf.mppc, MPPC_OPT_E128);
	on(&ba.ccp_conf.mppc, MPPC_OPT_STATELESS);
	on(&bb.ccp_conf.mppc, MPPC_OPT_STATELESS);
	start_ccp();
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_int_equal(bb.ccp->fsm.state, FSM_ST_OPENED);
	/* CCP open, decompressor (option + key: 22 bytes) before our Req */
	assert_true(at("flags(open)") < at("decomp(18,22)"));
	assert_true(at("decomp(18,22)") < at("send-Req"));
	/* compressor before our Ack; SC_CCP_UP only after both Acks */
	assert_true(at("comp(18,22)") < at("send-Ack"));
	assert_true(at("send-Ack") < at("flags(open,up)"));
	assert_true(ba.ccp->k_xmit);
	assert_true(ba.ccp->k_recv);
	assert_string_equal(ba.ccp->k_why, "");

	/* MPPE's Reset-Request is acked by the kernel side (ppp_mppe
	 * flushes when the Ack passes the unit) */
	evlog[0] = '\0';
	fsm_send(&bb.ccp->fsm, FSM_CODE_RESETREQ, 9, NULL, 0);
	pump();
	assert_string_equal(evlog, "send-ResetAck ");

	/* CCP goes down: flags cleared, the kernel frees its compressors */
	evlog[0] = '\0';
	ccp_close(&ba);
	pump();
	assert_non_null(strstr(evlog, "flags(-)"));
	assert_false(ba.ccp->k_xmit);
}

static void
test_deflate_in_kernel(void **state)
{
	(void)state;
	on(&ba.ccp_conf.options, CCP_OPT_DEFLATE);
	on(&bb.ccp_conf.options, CCP_OPT_DEFLATE);
	start_ccp();
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_true(at("decomp(26,4)") < at("send-Req"));
	assert_true(at("comp(26,4)") < at("send-Ack"));
	assert_true(at("send-Ack") < at("flags(open,up)"));
	assert_true(ba.ccp->k_xmit && ba.ccp->k_recv);
}

/* MPPC (no keys: compression only) is user-space work: no kernel
 * requests for it, SC_CCP_UP never set, the reason kept for show. */
static void
test_mppc_left_to_tun(void **state)
{
	(void)state;
	on(&ba.ccp_conf.options, CCP_OPT_MPPC);
	on(&bb.ccp_conf.options, CCP_OPT_MPPC);
	on(&ba.ccp_conf.mppc, MPPC_OPT_COMPRESS);
	on(&bb.ccp_conf.mppc, MPPC_OPT_COMPRESS);
	start_ccp();
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_null(strstr(evlog, "comp("));
	assert_null(strstr(evlog, "flags(open,up)"));
	assert_string_equal(ba.ccp->k_why, "MPPC negotiated");
	assert_false(ba.ccp->k_xmit || ba.ccp->k_recv);
}

/*
 * crypt-reqd on the kernel data plane: the unit holds IP until MPPE runs
 * both ways (ppp_generic would otherwise pass plain frames from the
 * moment IPCP opens), passes it then, and holds it again when CCP goes.
 */
static void
test_crypt_reqd_holds_ip(void **state)
{
	(void)state;
	ba.conf.options.enable |= 1u << BUND_OPT_CRYPT_REQD;
	on(&ba.ccp_conf.options, CCP_OPT_MPPC);
	on(&bb.ccp_conf.options, CCP_OPT_MPPC);
	on(&ba.ccp_conf.mppc, MPPC_OPT_E128);
	on(&bb.ccp_conf.mppc, MPPC_OPT_E128);
	ccp_init(&ba);
	assert_false(ccp_plain_ok(&ba));
	ccp_check_crypt(&ba);
	assert_string_equal(evlog, "np(hold) ");
	ccp_fini(&ba);
	evlog[0] = '\0';
	start_ccp();
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_true(ccp_plain_ok(&ba));
	assert_true(at("flags(open,up)") < at("np(pass)"));

	evlog[0] = '\0';
	ccp_close(&ba);
	pump();
	assert_false(ccp_plain_ok(&ba));
	assert_non_null(strstr(evlog, "np(hold)"));
	/* without crypt-reqd plain IP always may pass */
	assert_true(ccp_plain_ok(&bb));
}

/* ppp_deflate missing: PPPIOCSCOMPRESS fails, the bundle falls back. */
static void
test_module_missing(void **state)
{
	(void)state;
	fdp_fail = 1;
	on(&ba.ccp_conf.options, CCP_OPT_DEFLATE);
	on(&bb.ccp_conf.options, CCP_OPT_DEFLATE);
	start_ccp();
	assert_int_equal(ba.ccp->fsm.state, FSM_ST_OPENED);
	assert_null(strstr(evlog, "flags(open,up)"));
	assert_non_null(strstr(ba.ccp->k_why, "kernel deflate: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mppe_opt),
		cmocka_unit_test(test_deflate_opt),
		cmocka_unit_test(test_set_compress),
		cmocka_unit_test(test_ccp_flags),
		cmocka_unit_test(test_kernel_policy),
		cmocka_unit_test_setup_teardown(test_mppe_in_kernel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deflate_in_kernel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mppc_left_to_tun, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crypt_reqd_holds_ip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_module_missing, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
