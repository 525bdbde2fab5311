/*
 * pppoe_proto.c - PPPoE wire codec and stateless AC-Cookie.
 *
 * RFC 2516 section 4 (packet format), section 5 (discovery stage),
 * appendix A (tags); RFC 4638 section 4 (PPP-Max-Payload tag);
 * DSL-Forum TR-101 (Vendor-Specific 3561: Agent-Circuit-Id 1,
 * Agent-Remote-Id 2).  All parsing is explicit, byte by byte, with every
 * length checked against what is left of the frame.
 */
#include "pppoe_proto.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Common header check; *plen = payload length. */
static int
pppoe_hdr_parse(const uint8_t *p, size_t len, uint16_t *plen)
{
	if (p == NULL || len < PPPOE_HLEN)
		return PPPOE_E_SHORT;
	if (p[0] != PPPOE_VERTYPE)
		return PPPOE_E_VERTYPE;
	*plen = rd16(p + 4);
	if (*plen > len - PPPOE_HLEN || *plen > PPPOE_PAYLOAD_MAX)
		return PPPOE_E_LENGTH;
	return PPPOE_OK;
}

/* The DSL-Forum sub-tags of one Vendor-Specific value (after the id). */
static int
pppoe_dslf_parse(const uint8_t *p, size_t len, struct pppoe_disc *d)
{
	size_t off = 0, sl;
	uint8_t st;

	while (off < len) {
		if (len - off < 2)
			return PPPOE_E_TAGVAL;
		st = p[off];
		sl = p[off + 1];
		off += 2;
		if (sl > len - off)
			return PPPOE_E_TAGVAL;
		if (st == PPPOE_DSLF_CIRCUIT_ID && !d->circuit_id.present) {
			d->circuit_id.p = p + off;
			d->circuit_id.len = (uint16_t)sl;
			d->circuit_id.present = true;
		} else if (st == PPPOE_DSLF_REMOTE_ID &&
		    !d->remote_id.present) {
			d->remote_id.p = p + off;
			d->remote_id.len = (uint16_t)sl;
			d->remote_id.present = true;
		}
		off += sl;
	}
	return PPPOE_OK;
}

static void
blob_set(struct pppoe_blob *b, const uint8_t *p, uint16_t len)
{
	if (b->present)
		return;		/* the first occurrence wins */
	b->p = p;
	b->len = len;
	b->present = true;
}

int
pppoe_disc_parse(const uint8_t *p, size_t len, struct pppoe_disc *d)
{
	const uint8_t *t;
	uint16_t plen, type, tlen;
	size_t off;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = pppoe_hdr_parse(p, len, &plen);
	if (rc != PPPOE_OK)
		return rc;
	d->code = p[1];
	d->session = rd16(p + 2);
	switch (d->code) {
	case PPPOE_CODE_PADI:
	case PPPOE_CODE_PADO:
	case PPPOE_CODE_PADR:
	case PPPOE_CODE_PADS:
	case PPPOE_CODE_PADT:
		break;
	default:
		return PPPOE_E_CODE;
	}
	t = p + PPPOE_HLEN;
	off = 0;
	while (off < plen) {
		if (plen - off < 4)
			return PPPOE_E_TAG;
		type = rd16(t + off);
		tlen = rd16(t + off + 2);
		off += 4;
		if (tlen > plen - off)
			return PPPOE_E_TAG;
		switch (type) {
		case PPPOE_TAG_EOL:
			return PPPOE_OK;
		case PPPOE_TAG_SERVICE:
			if (d->nservices < PPPOE_MAX_SERVICES)
				blob_set(&d->service[d->nservices++],
				    t + off, tlen);
			break;
		case PPPOE_TAG_AC_NAME:
			blob_set(&d->ac_name, t + off, tlen);
			break;
		case PPPOE_TAG_HOST_UNIQ:
			blob_set(&d->host_uniq, t + off, tlen);
			break;
		case PPPOE_TAG_AC_COOKIE:
			blob_set(&d->cookie, t + off, tlen);
			break;
		case PPPOE_TAG_RELAY_SID:
			blob_set(&d->relay_sid, t + off, tlen);
			break;
		case PPPOE_TAG_SN_ERROR:
			blob_set(&d->sn_error, t + off, tlen);
			break;
		case PPPOE_TAG_AC_ERROR:
			blob_set(&d->ac_error, t + off, tlen);
			break;
		case PPPOE_TAG_GEN_ERROR:
			blob_set(&d->gen_error, t + off, tlen);
			break;
		case PPPOE_TAG_MAX_PAYLOAD:
			if (tlen != 2)
				return PPPOE_E_TAGVAL;
			if (!d->has_max_payload) {
				d->has_max_payload = true;
				d->max_payload = rd16(t + off);
			}
			break;
		case PPPOE_TAG_VENDOR:
			if (tlen < 4)
				return PPPOE_E_TAGVAL;
			if (rd16(t + off) == 0 &&
			    rd16(t + off + 2) == PPPOE_DSLF_VENDOR) {
				rc = pppoe_dslf_parse(t + off + 4,
				    (size_t)tlen - 4, d);
				if (rc != PPPOE_OK)
					return rc;
			}
			break;
		default:
			break;		/* unknown tags are skipped */
		}
		off += tlen;
	}
	return PPPOE_OK;
}

int
pppoe_sess_parse(const uint8_t *p, size_t len, uint16_t *sid,
    uint16_t *plen)
{
	int rc = pppoe_hdr_parse(p, len, plen);

	if (rc != PPPOE_OK)
		return rc;
	if (p[1] != PPPOE_CODE_SESSION)
		return PPPOE_E_CODE;
	*sid = rd16(p + 2);
	return PPPOE_OK;
}

void
pppoe_sess_build(uint8_t *p, uint16_t sid, uint16_t plen)
{
	p[0] = PPPOE_VERTYPE;
	p[1] = PPPOE_CODE_SESSION;
	wr16(p + 2, sid);
	wr16(p + 4, plen);
}

void
pppoe_build_init(struct pppoe_builder *b, uint8_t *buf, size_t cap,
    uint8_t code, uint16_t sid)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->overflow = cap < PPPOE_HLEN;
	if (b->overflow)
		return;
	buf[0] = PPPOE_VERTYPE;
	buf[1] = code;
	wr16(buf + 2, sid);
	wr16(buf + 4, 0);
	b->len = PPPOE_HLEN;
}

void
pppoe_build_tag(struct pppoe_builder *b, uint16_t type, const void *val,
    size_t len)
{
	if (b->overflow || len > 0xffff || b->cap - b->len < 4 + len) {
		b->overflow = true;
		return;
	}
	wr16(b->buf + b->len, type);
	wr16(b->buf + b->len + 2, (uint16_t)len);
	if (len > 0)
		memcpy(b->buf + b->len + 4, val, len);
	b->len += 4 + len;
}

void
pppoe_build_u16_tag(struct pppoe_builder *b, uint16_t type, uint16_t v)
{
	uint8_t x[2];

	wr16(x, v);
	pppoe_build_tag(b, type, x, sizeof(x));
}

size_t
pppoe_build_finish(struct pppoe_builder *b)
{
	if (b->overflow || b->len - PPPOE_HLEN > PPPOE_PAYLOAD_MAX)
		return 0;
	wr16(b->buf + 4, (uint16_t)(b->len - PPPOE_HLEN));
	return b->len;
}

const char *
pppoe_code_name(uint8_t code, char *buf, size_t len)
{
	switch (code) {
	case PPPOE_CODE_PADI:	return "PADI";
	case PPPOE_CODE_PADO:	return "PADO";
	case PPPOE_CODE_PADR:	return "PADR";
	case PPPOE_CODE_PADS:	return "PADS";
	case PPPOE_CODE_PADT:	return "PADT";
	case PPPOE_CODE_SESSION: return "SESSION";
	default:
		snprintf(buf, len, "code 0x%02x", code);
		return buf;
	}
}

/* The full HMAC of (mac, SHA-256(hu), bucket). */
static void
pppoe_cookie_mac(const uint8_t key[PPPOE_COOKIE_KEYLEN], const uint8_t mac[6],
    const uint8_t *hu, size_t hulen, uint32_t bucket,
    uint8_t out[SHA256_DIGEST_LENGTH])
{
	uint8_t msg[6 + SHA256_DIGEST_LENGTH + 4];
	unsigned olen = SHA256_DIGEST_LENGTH;

	memcpy(msg, mac, 6);
	SHA256(hulen > 0 ? hu : (const uint8_t *)"", hulen, msg + 6);
	msg[6 + SHA256_DIGEST_LENGTH] = (uint8_t)(bucket >> 24);
	msg[7 + SHA256_DIGEST_LENGTH] = (uint8_t)(bucket >> 16);
	msg[8 + SHA256_DIGEST_LENGTH] = (uint8_t)(bucket >> 8);
	msg[9 + SHA256_DIGEST_LENGTH] = (uint8_t)bucket;
	if (HMAC(EVP_sha256(), key, PPPOE_COOKIE_KEYLEN, msg, sizeof(msg),
	    out, &olen) == NULL)
		memset(out, 0, SHA256_DIGEST_LENGTH);
}

void
pppoe_cookie_make(const uint8_t key[PPPOE_COOKIE_KEYLEN], const uint8_t mac[6],
    const uint8_t *hu, size_t hulen, uint32_t bucket,
    uint8_t out[PPPOE_COOKIE_LEN])
{
	uint8_t h[SHA256_DIGEST_LENGTH];

	pppoe_cookie_mac(key, mac, hu, hulen, bucket, h);
	out[0] = (uint8_t)(bucket >> 24);
	out[1] = (uint8_t)(bucket >> 16);
	out[2] = (uint8_t)(bucket >> 8);
	out[3] = (uint8_t)bucket;
	memcpy(out + 4, h, PPPOE_COOKIE_LEN - 4);
}

bool
pppoe_cookie_check(const uint8_t key[PPPOE_COOKIE_KEYLEN],
    const uint8_t mac[6], const uint8_t *hu, size_t hulen,
    uint32_t now_bucket, const uint8_t *cookie, size_t clen)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	uint32_t bucket;

	if (cookie == NULL || clen != PPPOE_COOKIE_LEN)
		return false;
	bucket = ((uint32_t)cookie[0] << 24) | ((uint32_t)cookie[1] << 16) |
	    ((uint32_t)cookie[2] << 8) | cookie[3];
	if (bucket != now_bucket && bucket + 1 != now_bucket)
		return false;
	pppoe_cookie_mac(key, mac, hu, hulen, bucket, h);
	return CRYPTO_memcmp(h, cookie + 4, PPPOE_COOKIE_LEN - 4) == 0;
}
