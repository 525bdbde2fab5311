/*
 * fuzz_auth.c - libFuzzer target for the authentication wire codecs
 * (auth/auth_proto.h: PAP, CHAP with the MS-CHAP values, EAP) and the
 * ext-auth reply parser (auth/extauth.h).
 *
 * The first input byte picks the decoder family, the rest is the packet
 * (or reply text).  Every decoder must stay inside the buffer whatever
 * the lengths claim; the buffer is an exact-size copy so ASan sees any
 * over-read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_proto.h"
#include "auth/extauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_packet(const uint8_t *p, size_t n)
{
	struct auth_hdr h;
	struct pap_request r;
	struct chap_value v;
	struct mschap_v1_resp r1;
	struct mschap_v2_resp r2;
	struct eap_pkt e;
	const uint8_t *msg;
	size_t mlen;
	uint8_t ar[20], out[1600];
	int err, retry;

	if (auth_hdr_parse(p, n, &h) == 0) {
		/* PAP */
		if (pap_parse_request(h.data, h.len, &r) == 0 &&
		    r.name_len + r.pass_len > h.len)
			abort();
		pap_parse_reply(h.data, h.len, &msg, &mlen);
		if (mlen > h.len)
			abort();
		/* CHAP */
		if (chap_parse_value(h.data, h.len, &v) == 0) {
			if (1 + v.value_len + v.name_len != h.len)
				abort();
			mschap_v1_parse_resp(v.value, v.value_len, &r1);
			mschap_v2_parse_resp(v.value, v.value_len, &r2);
		}
		mschap_v2_parse_success(h.data, h.len, ar);
		mschap_parse_failure(h.data, h.len, &err, &retry);
		/* rebuild what was parsed: never overflows */
		auth_hdr_build(out, sizeof(out), h.code, h.id, h.data,
		    h.len < 1500 ? h.len : 1500);
	}
	/* EAP, and EAP-MD5 data inside */
	if (eap_parse(p, n, &e) == 0 && (e.code == EAP_REQUEST ||
	    e.code == EAP_RESPONSE)) {
		if (e.type == EAP_TYPE_MD5)
			chap_parse_value(e.data, e.len, &v);
		eap_build(out, sizeof(out), e.code, e.id, e.type, e.data,
		    e.len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extauth_reply rp;
	uint8_t *buf;
	char *text;

	if (size < 1 || size > 4096)
		return 0;
	buf = malloc(size - 1 > 0 ? size - 1 : 1);
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 2) {
	case 0:
		fuzz_packet(buf, size - 1);
		break;
	default:
		text = malloc(size);
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		memset(&rp, 0, sizeof(rp));
		extauth_parse_reply(text, &rp, "L1");
		free(text);
		break;
	}
	free(buf);
	return 0;
}
