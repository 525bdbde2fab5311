/*
 * fuzz_ipcp.c - libFuzzer target for the IPCP (RFC 1332/1877) and IPv6CP
 * (RFC 5072) option decoders: ipcp_fsm_type / ipv6cp_fsm_type
 * decode_config over a bundle that is not connected to anything.
 *
 * Input: byte 0 selects the protocol (bit 0: IPv6CP), the mode (bits 1-2:
 * Request, Nak, Reject, log only) and whether a new negotiation starts
 * first (bit 3); the rest is the option list.  After decoding, our next
 * Configure-Request is built so that state the decoder left behind is
 * exercised too.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ppp/bund.h"
#include "ppp/ipcp.h"
#include "ppp/ipv6cp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bund *fb;

static void
fuzz_bund(void)
{
	if (fb != NULL)
		return;
	fb = calloc(1, sizeof(*fb));
	util_strlcpy(fb->name, "B1", sizeof(fb->name));
	bund_conf_defaults(fb);
	(void)u_range_parse("10.0.0.1/24", AF_INET, &fb->ipcp_conf.self_range);
	(void)u_range_parse("10.0.0.2/32", AF_INET, &fb->ipcp_conf.peer_range);
	fb->ipcp_conf.dns[0].s_addr = htonl(0x01010101);
	fb->ipcp_conf.options.enable |= 1u << IPCP_OPT_REQ_PRI_DNS;
	ipcp_init(fb);
	ipv6cp_init(fb);
	ipcp_fsm_type.configure(&fb->ipcp->fsm);
	ipv6cp_fsm_type.configure(&fb->ipv6cp->fsm);
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
		t = &ipv6cp_fsm_type;
		f = &fb->ipv6cp->fsm;
	} else {
		t = &ipcp_fsm_type;
		f = &fb->ipcp->fsm;
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
