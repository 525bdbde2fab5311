/*
 * fuzz_ccp.c - libFuzzer target for the CCP (RFC 1962 with options 1, 18,
 * 26) and ECP (RFC 1968, DESE options 1 and 3) option decoders:
 * ccp_fsm_type / ecp_fsm_type decode_config over a bundle that is not
 * connected to anything, with every algorithm enabled and accepted and
 * MPPE keys present.
 *
 * Input: byte 0 selects the protocol (bit 0: ECP), the mode (bits 1-2:
 * Request, Nak, Reject, log only) and whether a new negotiation starts
 * first (bit 3); the rest is the option list.  Our next Configure-Request
 * is built afterwards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"
#include "ppp/bund.h"
#include "ppp/ccp.h"
#include "ppp/ecp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bund *fb;

static void
fuzz_bund(void)
{
	struct auth_data ad;

	if (fb != NULL)
		return;
	fb = calloc(1, sizeof(*fb));
	util_strlcpy(fb->name, "B1", sizeof(fb->name));
	bund_conf_defaults(fb);
	fb->ccp_conf.options.enable = fb->ccp_conf.options.accept = ~0u;
	fb->ccp_conf.mppc.enable = fb->ccp_conf.mppc.accept = ~0u;
	fb->ecp_conf.options.enable = fb->ecp_conf.options.accept = ~0u;
	util_strlcpy(fb->ecp_conf.key, "key", sizeof(fb->ecp_conf.key));
	memset(&ad, 0, sizeof(ad));
	ad.mppe_keys = true;
	ccp_init(fb);
	ccp_set_aaa(fb, &ad);
	ecp_init(fb);
	ccp_fsm_type.configure(&fb->ccp->fsm);
	ecp_fsm_type.configure(&fb->ecp->fsm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fsm_decode_mode modes[4] = {
		FSM_MODE_REQ, FSM_MODE_NAK, FSM_MODE_REJ, FSM_MODE_NOP,
	};
	const struct fsm_type *t;
	struct fsm_decode *d;
	enum fsm_decode_mode mode;
	uint8_t buf[FSM_MAX_PACKET];
	struct fsm *f;

	if (size < 1 || size > FSM_MAX_PACKET)
		return 0;
	fuzz_bund();
	if (data[0] & 1) {
		t = &ecp_fsm_type;
		f = &fb->ecp->fsm;
	} else {
		t = &ccp_fsm_type;
		f = &fb->ccp->fsm;
	}
	mode = modes[(data[0] >> 1) & 3];
	if (data[0] & 8)
		t->configure(f);
	d = mode == FSM_MODE_REQ ? calloc(1, sizeof(*d)) : NULL;
	t->decode_config(f, data + 1, size - 1, mode, d);
	if (d != NULL) {
		if (d->acklen > FSM_MAX_PACKET || d->naklen > FSM_MAX_PACKET ||
		    d->rejlen > FSM_MAX_PACKET)
			abort();
		free(d);
	}
	if (t->build_config(f, buf, sizeof(buf)) > sizeof(buf))
		abort();
	return 0;
}
