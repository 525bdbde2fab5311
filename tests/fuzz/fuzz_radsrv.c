/*
 * fuzz_radsrv.c - libFuzzer target for the RFC 5176 request path of the
 * DAE server (auth/radius_proto.h): framing, the Disconnect/CoA request
 * parser and the Request Authenticator check, as radsrv_run.c calls them
 * on every datagram.  Exact-size copy so ASan sees over-reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/radius_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rad_dae_req q;
	uint8_t *p;
	int n;

	p = malloc(size ? size : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data, size);
	n = rad_check(p, size);
	if (n >= 0 && rad_parse_dae(p, (size_t)n, &q) == 0) {
		if (q.state_len > sizeof(q.state) ||
		    strlen(q.user_name) >= sizeof(q.user_name) ||
		    (q.code != RAD_DISCONNECT_REQUEST &&
		    q.code != RAD_COA_REQUEST))
			abort();
		(void)rad_verify_request(p, (size_t)n, "secret");
	}
	free(p);
	return 0;
}
