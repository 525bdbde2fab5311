/*
 * auth_proto.c - pure encoders and decoders for PAP (RFC 1334 2.2), CHAP
 * (RFC 1994 4.1-4.2) with the MS-CHAP values (RFC 2433 3, RFC 2759 4-6)
 * and EAP (RFC 3748 4-5).  See auth_proto.h for the contracts; nothing
 * here has state, logs or allocates, so it is fuzzed directly
 * (tests/fuzz/fuzz_auth.c).
 */
#include "auth_proto.h"

#include <stdio.h>
#include <string.h>

#include "../core/mbuf.h"

int
auth_hdr_parse(const uint8_t *p, size_t len, struct auth_hdr *h)
{
	struct mb_cursor c;
	uint16_t plen;

	memset(h, 0, sizeof(*h));
	mb_cursor_init(&c, p, len);
	mb_get_u8(&c, &h->code);
	mb_get_u8(&c, &h->id);
	mb_get_u16(&c, &plen);
	if (c.error || plen < AUTH_HDR_LEN || plen > len)
		return -1;
	h->data = p + AUTH_HDR_LEN;
	h->len = plen - AUTH_HDR_LEN;
	return 0;
}

size_t
auth_hdr_build(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
    const void *data, size_t len)
{
	struct mb_writer w;

	if (len > 0xffff - AUTH_HDR_LEN)
		return 0;
	mb_writer_init(&w, buf, cap);
	mb_put_u8(&w, code);
	mb_put_u8(&w, id);
	mb_put_u16(&w, (uint16_t)(AUTH_HDR_LEN + len));
	if (len > 0)
		mb_put_bytes(&w, data, len);
	return w.error ? 0 : w.used;
}

/* ---- PAP ---- */

int
pap_parse_request(const uint8_t *d, size_t len, struct pap_request *r)
{
	struct mb_cursor c;
	uint8_t nl, pl;

	memset(r, 0, sizeof(*r));
	mb_cursor_init(&c, d, len);
	mb_get_u8(&c, &nl);
	if (!c.error)
		mb_get_bytes(&c, &r->name, nl);
	mb_get_u8(&c, &pl);
	if (!c.error)
		mb_get_bytes(&c, &r->pass, pl);
	if (c.error) {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	r->name_len = nl;
	r->pass_len = pl;
	return 0;
}

int
pap_parse_reply(const uint8_t *d, size_t len, const uint8_t **msg,
    size_t *msg_len)
{
	*msg = NULL;
	*msg_len = 0;
	if (len == 0)
		return 0;
	*msg = d + 1;
	*msg_len = d[0] <= len - 1 ? d[0] : len - 1;
	return 0;
}

size_t
pap_build_request(uint8_t *buf, size_t cap, uint8_t id, const char *name,
    const char *pass)
{
	uint8_t data[2 + 255 + 255];
	size_t nl = strlen(name), pl = strlen(pass), n;
	struct mb_writer w;

	if (nl > 255 || pl > 255)
		return 0;
	mb_writer_init(&w, data, sizeof(data));
	mb_put_u8(&w, (uint8_t)nl);
	mb_put_bytes(&w, name, nl);
	mb_put_u8(&w, (uint8_t)pl);
	mb_put_bytes(&w, pass, pl);
	n = w.error ? 0 : auth_hdr_build(buf, cap, PAP_REQUEST, id, data,
	    w.used);
	memset(data, 0, sizeof(data));		/* the password */
	return n;
}

size_t
pap_build_reply(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
    const char *msg)
{
	uint8_t data[256];
	size_t ml = strlen(msg);

	if (ml > 255)
		ml = 255;
	data[0] = (uint8_t)ml;
	memcpy(data + 1, msg, ml);
	return auth_hdr_build(buf, cap, code, id, data, ml + 1);
}

/* ---- CHAP ---- */

int
chap_parse_value(const uint8_t *d, size_t len, struct chap_value *v)
{
	struct mb_cursor c;
	uint8_t vl = 0;

	memset(v, 0, sizeof(*v));
	mb_cursor_init(&c, d, len);
	mb_get_u8(&c, &vl);
	if (!c.error && vl > 0)
		mb_get_bytes(&c, &v->value, vl);
	if (c.error || vl == 0) {
		memset(v, 0, sizeof(*v));
		return -1;
	}
	v->value_len = vl;
	v->name = c.p;
	v->name_len = c.left;
	return 0;
}

size_t
chap_build_value(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
    const uint8_t *value, size_t value_len, const char *name)
{
	uint8_t data[AUTH_MAX_PKT];
	size_t nl = strlen(name);
	struct mb_writer w;

	if (value_len == 0 || value_len > 255)
		return 0;
	mb_writer_init(&w, data, sizeof(data));
	mb_put_u8(&w, (uint8_t)value_len);
	mb_put_bytes(&w, value, value_len);
	mb_put_bytes(&w, name, nl);
	if (w.error)
		return 0;
	return auth_hdr_build(buf, cap, code, id, data, w.used);
}

size_t
chap_build_msg(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
    const char *msg)
{
	return auth_hdr_build(buf, cap, code, id, msg, strlen(msg));
}

int
mschap_v1_parse_resp(const uint8_t *v, size_t len, struct mschap_v1_resp *r)
{
	memset(r, 0, sizeof(*r));
	if (len != CHAP_MS_VAL_LEN)
		return -1;
	r->lm = v;
	r->nt = v + 24;
	r->use_nt = v[48];
	return 0;
}

int
mschap_v2_parse_resp(const uint8_t *v, size_t len, struct mschap_v2_resp *r)
{
	memset(r, 0, sizeof(*r));
	if (len != CHAP_MS_VAL_LEN)
		return -1;
	r->peer_chal = v;
	r->nt = v + 24;
	r->flags = v[48];
	return 0;
}

void
mschap_v1_build_resp(uint8_t out[49], const uint8_t nt[24])
{
	/* The LAN Manager response is left zero: too weak to send. */
	memset(out, 0, 24);
	memcpy(out + 24, nt, 24);
	out[48] = 1;
}

void
mschap_v2_build_resp(uint8_t out[49], const uint8_t peer_chal[16],
    const uint8_t nt[24])
{
	memcpy(out, peer_chal, 16);
	memset(out + 16, 0, 8);
	memcpy(out + 24, nt, 24);
	out[48] = 0;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mschap_v2_parse_success(const uint8_t *msg, size_t len, uint8_t auth_resp[20])
{
	int i, hi, lo;

	memset(auth_resp, 0, 20);
	if (len < 42 || msg[0] != 'S' || msg[1] != '=')
		return -1;
	if (len > 42 && msg[42] != ' ')
		return -1;
	for (i = 0; i < 20; i++) {
		hi = hexval(msg[2 + 2 * i]);
		lo = hexval(msg[3 + 2 * i]);
		if (hi < 0 || lo < 0) {
			memset(auth_resp, 0, 20);
			return -1;
		}
		auth_resp[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Decimal number at msg[*o] (at most 10 digits); -1 when none. */
static long
parse_num(const uint8_t *msg, size_t len, size_t *o)
{
	long v = 0;
	int n = 0;

	while (*o < len && msg[*o] >= '0' && msg[*o] <= '9' && n < 10) {
		v = v * 10 + (msg[*o] - '0');
		(*o)++;
		n++;
	}
	return n > 0 ? v : -1;
}

int
mschap_parse_failure(const uint8_t *msg, size_t len, int *error, int *retry)
{
	size_t o = 2;
	long e, r = 0;

	*error = 0;
	*retry = 0;
	if (len < 3 || msg[0] != 'E' || msg[1] != '=')
		return -1;
	e = parse_num(msg, len, &o);
	if (e < 0)
		return -1;
	if (o + 3 < len && msg[o] == ' ' && msg[o + 1] == 'R' &&
	    msg[o + 2] == '=') {
		o += 3;
		r = parse_num(msg, len, &o);
	}
	*error = (int)e;
	*retry = r > 0;
	return 0;
}

/* ---- EAP ---- */

int
eap_parse(const uint8_t *p, size_t len, struct eap_pkt *e)
{
	struct auth_hdr h;

	memset(e, 0, sizeof(*e));
	if (auth_hdr_parse(p, len, &h) < 0)
		return -1;
	e->code = h.code;
	e->id = h.id;
	switch (h.code) {
	case EAP_REQUEST:
	case EAP_RESPONSE:
		if (h.len < 1) {
			memset(e, 0, sizeof(*e));
			return -1;
		}
		e->type = h.data[0];
		e->data = h.data + 1;
		e->len = h.len - 1;
		return 0;
	case EAP_SUCCESS:
	case EAP_FAILURE:
		return 0;
	default:
		/* Unknown code: the caller logs and drops it. */
		e->data = h.data;
		e->len = h.len;
		return 0;
	}
}

size_t
eap_build(uint8_t *buf, size_t cap, uint8_t code, uint8_t id, uint8_t type,
    const void *data, size_t len)
{
	uint8_t tmp[AUTH_MAX_PKT];

	if (code == EAP_SUCCESS || code == EAP_FAILURE)
		return auth_hdr_build(buf, cap, code, id, NULL, 0);
	if (len + 1 > sizeof(tmp))
		return 0;
	tmp[0] = type;
	if (len > 0)
		memcpy(tmp + 1, data, len);
	return auth_hdr_build(buf, cap, code, id, tmp, len + 1);
}

/* ---- names ---- */

static const char *
code_name(const char *const *names, int n, uint8_t code, char *buf,
    size_t len)
{
	if (code >= 1 && code <= n)
		snprintf(buf, len, "%s", names[code - 1]);
	else
		snprintf(buf, len, "code%d", code);
	return buf;
}

const char *
pap_code_name(uint8_t code, char *buf, size_t len)
{
	static const char *const names[] = { "REQUEST", "ACK", "NAK" };

	return code_name(names, 3, code, buf, len);
}

const char *
chap_code_name(uint8_t code, char *buf, size_t len)
{
	static const char *const names[] = {
		"CHALLENGE", "RESPONSE", "SUCCESS", "FAILURE",
	};

	return code_name(names, 4, code, buf, len);
}

const char *
eap_code_name(uint8_t code, char *buf, size_t len)
{
	static const char *const names[] = {
		"REQUEST", "RESPONSE", "SUCCESS", "FAILURE",
	};

	return code_name(names, 4, code, buf, len);
}

const char *
eap_type_name(uint8_t type)
{
	switch (type) {
	case EAP_TYPE_IDENTITY:
		return "Identity";
	case EAP_TYPE_NOTIFICATION:
		return "Notification";
	case EAP_TYPE_NAK:
		return "Nak";
	case EAP_TYPE_MD5:
		return "MD5 Challenge";
	case EAP_TYPE_OTP:
		return "One Time Password";
	case EAP_TYPE_GTC:
		return "Generic Token Card";
	case EAP_TYPE_TLS:
		return "TLS";
	case EAP_TYPE_MSCHAPV2:
		return "MS-CHAPv2";
	case EAP_TYPE_TTLS:
		return "TTLS";
	default:
		return "UNKNOWN";
	}
}
