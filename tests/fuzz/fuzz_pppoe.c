/*
 * fuzz_pppoe.c - libFuzzer target for the PPPoE discovery and session
 * header parsers (link/pppoe_proto.c, RFC 2516).
 *
 * The input is a PPPoE frame from the header on.  Every blob the parser
 * returns must lie inside the payload the length field announces; an
 * accepted frame is rebuilt from its known tags with the builder and must
 * parse again to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/pppoe_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_blob(const struct pppoe_blob *b, const uint8_t *lo, const uint8_t *hi)
{
	if (!b->present)
		return;
	if (b->len > 0 && (b->p < lo || b->p + b->len > hi))
		abort();
}

static void
put(struct pppoe_builder *w, uint16_t type, const struct pppoe_blob *b)
{
	if (b->present)
		pppoe_build_tag(w, type, b->p, b->len);
}

static bool
same(const struct pppoe_blob *a, const struct pppoe_blob *b)
{
	return a->present == b->present && a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[PPPOE_HLEN + PPPOE_PAYLOAD_MAX + 64];
	struct pppoe_disc d, e;
	struct pppoe_builder w;
	const uint8_t *hi;
	uint16_t sid, plen;
	unsigned i;
	size_t n;

	if (pppoe_sess_parse(data, size, &sid, &plen) == PPPOE_OK &&
	    (size_t)plen + PPPOE_HLEN > size)
		abort();
	if (pppoe_disc_parse(data, size, &d) != PPPOE_OK)
		return 0;
	hi = data + PPPOE_HLEN + ((size_t)data[4] << 8 | data[5]);
	if (hi > data + size || d.nservices > PPPOE_MAX_SERVICES)
		abort();
	for (i = 0; i < d.nservices; i++)
		check_blob(&d.service[i], data, hi);
	check_blob(&d.ac_name, data, hi);
	check_blob(&d.host_uniq, data, hi);
	check_blob(&d.cookie, data, hi);
	check_blob(&d.relay_sid, data, hi);
	check_blob(&d.circuit_id, data, hi);
	check_blob(&d.remote_id, data, hi);

	pppoe_build_init(&w, out, sizeof(out), d.code, d.session);
	for (i = 0; i < d.nservices; i++)
		put(&w, PPPOE_TAG_SERVICE, &d.service[i]);
	put(&w, PPPOE_TAG_AC_NAME, &d.ac_name);
	put(&w, PPPOE_TAG_HOST_UNIQ, &d.host_uniq);
	put(&w, PPPOE_TAG_AC_COOKIE, &d.cookie);
	put(&w, PPPOE_TAG_RELAY_SID, &d.relay_sid);
	if (d.has_max_payload)
		pppoe_build_u16_tag(&w, PPPOE_TAG_MAX_PAYLOAD, d.max_payload);
	n = pppoe_build_finish(&w);
	if (n == 0)
		return 0;	/* more tags than one frame may hold */
	if (pppoe_disc_parse(out, n, &e) != PPPOE_OK)
		abort();
	if (e.code != d.code || e.session != d.session ||
	    e.nservices != d.nservices || !same(&e.ac_name, &d.ac_name) ||
	    !same(&e.host_uniq, &d.host_uniq) || !same(&e.cookie, &d.cookie) ||
	    !same(&e.relay_sid, &d.relay_sid) ||
	    e.has_max_payload != d.has_max_payload ||
	    e.max_payload != d.max_payload)
		abort();
	for (i = 0; i < d.nservices; i++)
		if (!same(&e.service[i], &d.service[i]))
			abort();
	return 0;
}
