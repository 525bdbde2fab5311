/*
 * fuzz_radius_reply.c - libFuzzer target for the RADIUS reply path
 * (auth/radius_proto.h): framing check, attribute walk, Response
 * Authenticator / Message-Authenticator verification, the reply parser
 * with the MS-MPPE key decryption (RFC 2548 2.4), and the key decryption
 * on its own.  The buffer is an exact-size copy so ASan sees over-reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/radius_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t req_auth[16] = "0123456789abcdef";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rad_reply r;
	struct rad_iter it;
	const uint8_t *v;
	uint8_t *p, t, key[64];
	size_t vl;
	int n, rc;

	p = malloc(size ? size : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data, size);
	n = rad_check(p, size);
	if (n >= 0) {
		if ((size_t)n > size || n < RAD_HDR_LEN)
			abort();
		rad_iter_init(&it, p, (size_t)n);
		while ((rc = rad_iter_next(&it, &t, &v, &vl)) == 1)
			if (v < p || v + vl > p + n)
				abort();
		if (rc < 0)
			abort();		/* rad_check accepted it */
		(void)rad_verify_response(p, (size_t)n, req_auth, "secret",
		    false);
	}
	if (rad_parse_reply(p, size, "secret", req_auth, &r) == 0) {
		if (r.nroutes > RAD_MAX_ROUTES || r.eap_len > sizeof(r.eap) ||
		    r.state_len > sizeof(r.state))
			abort();
	}
	n = rad_mppe_key_decrypt(p, size, "secret", req_auth, key,
	    sizeof(key));
	if (n > (int)sizeof(key))
		abort();
	free(p);
	return 0;
}
