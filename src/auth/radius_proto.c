/*
 * radius_proto.c - RADIUS wire codec: packet builder, authenticators and
 * Message-Authenticator (RFC 2865 3, RFC 2866 3, RFC 3579 3.2, RFC 5176
 * 2.3), attribute hiding (RFC 2865 5.2, RFC 2548 2.4), and the reply and
 * DAE request parsers.  Every parser is bounds-checked over (buf, len)
 * and touches nothing but its arguments.
 */
#include "radius_proto.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "msoft.h"

/* ---- hashing ---- */

static int
md5v(const void *const *parts, const size_t *lens, int n, uint8_t out[16])
{
	return msoft_md5v(parts, lens, n, out);
}

int
rad_hmac_md5(const void *key, size_t klen, const uint8_t *data, size_t dlen,
    uint8_t out[16])
{
	uint8_t k[64], ipad[64], opad[64], inner[16];
	const void *p[2];
	size_t l[2];
	size_t i;
	int rc;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k)) {
		if (msoft_md5(key, klen, k) < 0)
			return -1;
	} else if (klen > 0)
		memcpy(k, key, klen);
	for (i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	p[0] = ipad, l[0] = 64, p[1] = data, l[1] = dlen;
	rc = md5v(p, l, 2, inner);
	if (rc == 0) {
		p[0] = opad, l[0] = 64, p[1] = inner, l[1] = 16;
		rc = md5v(p, l, 2, out);
	}
	memset(k, 0, sizeof(k));
	memset(ipad, 0, sizeof(ipad));
	memset(opad, 0, sizeof(opad));
	return rc;
}

/* ---- builder ---- */

void
rad_pkt_init(struct rad_pkt *p, uint8_t code, uint8_t id,
    const uint8_t auth[RAD_AUTH_LEN])
{
	memset(p->buf, 0, RAD_HDR_LEN);
	p->buf[0] = code;
	p->buf[1] = id;
	if (auth != NULL)
		memcpy(p->buf + 4, auth, RAD_AUTH_LEN);
	p->len = RAD_HDR_LEN;
	p->msg_auth_off = 0;
	p->overflow = false;
	p->reply_msg_auth = false;
}

int
rad_put(struct rad_pkt *p, uint8_t type, const void *val, size_t len)
{
	if (len > RAD_MAX_ATTR_VAL)
		return -1;
	if (p->len + 2 + len > RAD_MAX_PKT) {
		p->overflow = true;
		return -1;
	}
	p->buf[p->len] = type;
	p->buf[p->len + 1] = (uint8_t)(len + 2);
	if (len > 0)
		memcpy(p->buf + p->len + 2, val, len);
	p->len += 2 + len;
	return 0;
}

int
rad_put_split(struct rad_pkt *p, uint8_t type, const void *val, size_t len)
{
	const uint8_t *v = val;
	size_t n;

	do {
		n = len > RAD_MAX_ATTR_VAL ? RAD_MAX_ATTR_VAL : len;
		if (rad_put(p, type, v, n) < 0)
			return -1;
		v += n;
		len -= n;
	} while (len > 0);
	return 0;
}

int
rad_put_str(struct rad_pkt *p, uint8_t type, const char *s)
{
	size_t n = strlen(s);

	return rad_put(p, type, s, n > RAD_MAX_ATTR_VAL ? RAD_MAX_ATTR_VAL : n);
}

int
rad_put_int(struct rad_pkt *p, uint8_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return rad_put(p, type, b, 4);
}

int
rad_put_addr(struct rad_pkt *p, uint8_t type, struct in_addr a)
{
	return rad_put(p, type, &a.s_addr, 4);
}

int
rad_put_vsa(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
    const void *val, size_t len)
{
	uint8_t b[RAD_MAX_ATTR_VAL];

	if (len > RAD_MAX_ATTR_VAL - 6)
		return -1;
	b[0] = (uint8_t)(vendor >> 24);
	b[1] = (uint8_t)(vendor >> 16);
	b[2] = (uint8_t)(vendor >> 8);
	b[3] = (uint8_t)vendor;
	b[4] = vtype;
	b[5] = (uint8_t)(len + 2);
	if (len > 0)
		memcpy(b + 6, val, len);
	return rad_put(p, RAD_VENDOR_SPECIFIC, b, len + 6);
}

int
rad_put_vsa_str(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
    const char *s)
{
	size_t n = strlen(s);

	return rad_put_vsa(p, vendor, vtype, s,
	    n > RAD_MAX_ATTR_VAL - 6 ? RAD_MAX_ATTR_VAL - 6 : n);
}

int
rad_put_vsa_int(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
    uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return rad_put_vsa(p, vendor, vtype, b, 4);
}

/* c(i) = p(i) xor MD5(secret + prev), prev = auth then c(i-1). */
static int
rad_hide(const uint8_t *in, size_t len, const char *secret,
    const uint8_t *first, size_t first_len, uint8_t *out)
{
	const uint8_t *prev = first;
	size_t plen = first_len, i, j;
	uint8_t b[16];
	const void *parts[2];
	size_t lens[2];

	for (i = 0; i < len; i += 16) {
		parts[0] = secret, lens[0] = strlen(secret);
		parts[1] = prev, lens[1] = plen;
		if (md5v(parts, lens, 2, b) < 0)
			return -1;
		for (j = 0; j < 16; j++)
			out[i + j] = in[i + j] ^ b[j];
		prev = out + i;
		plen = 16;
	}
	return 0;
}

int
rad_unhide(const uint8_t *val, size_t len, const char *secret,
    const uint8_t req_auth[16], uint8_t *out)
{
	const uint8_t *prev = req_auth;
	uint8_t b[16];
	const void *parts[2];
	size_t lens[2], i, j;

	if (len == 0 || len % 16 != 0)
		return -1;
	for (i = 0; i < len; i += 16) {
		parts[0] = secret, lens[0] = strlen(secret);
		parts[1] = prev, lens[1] = 16;
		if (md5v(parts, lens, 2, b) < 0)
			return -1;
		for (j = 0; j < 16; j++)
			out[i + j] = val[i + j] ^ b[j];
		prev = val + i;
	}
	return 0;
}

int
rad_put_password(struct rad_pkt *p, const char *secret, const char *password)
{
	uint8_t in[128], out[128];
	size_t n = strlen(password), padded;
	int rc;

	if (n > sizeof(in))
		return -1;
	padded = n == 0 ? 16 : (n + 15) / 16 * 16;
	memset(in, 0, sizeof(in));
	memcpy(in, password, n);
	rc = rad_hide(in, padded, secret, p->buf + 4, 16, out);
	if (rc == 0)
		rc = rad_put(p, RAD_USER_PASSWORD, out, padded);
	memset(in, 0, sizeof(in));
	return rc;
}

int
rad_put_msg_auth(struct rad_pkt *p)
{
	static const uint8_t zero[16];

	if (rad_put(p, RAD_MESSAGE_AUTHENTIC, zero, 16) < 0)
		return -1;
	p->msg_auth_off = p->len - 16;
	return 0;
}

static void
rad_set_len(struct rad_pkt *p)
{
	p->buf[2] = (uint8_t)(p->len >> 8);
	p->buf[3] = (uint8_t)p->len;
}

static int
rad_fill_msg_auth(struct rad_pkt *p, const char *secret)
{
	uint8_t mac[16];

	if (p->msg_auth_off == 0)
		return 0;
	memset(p->buf + p->msg_auth_off, 0, 16);
	if (rad_hmac_md5(secret, strlen(secret), p->buf, p->len, mac) < 0)
		return -1;
	memcpy(p->buf + p->msg_auth_off, mac, 16);
	return 0;
}

/*
 * Message-Authenticator, then the authenticator: MD5 over the packet
 * (whose authenticator field holds the hash input) and the secret.
 * Returns the packet length or -1.
 */
static int
rad_sign(struct rad_pkt *p, const char *secret)
{
	const void *parts[2];
	size_t lens[2];
	uint8_t a[16];

	if (rad_fill_msg_auth(p, secret) < 0)
		return -1;
	parts[0] = p->buf, lens[0] = p->len;
	parts[1] = secret, lens[1] = strlen(secret);
	if (md5v(parts, lens, 2, a) < 0)
		return -1;
	memcpy(p->buf + 4, a, 16);
	return (int)p->len;
}

int
rad_finish_request(struct rad_pkt *p, const char *secret)
{
	if (p->overflow)
		return -1;
	rad_set_len(p);
	if (p->buf[0] == RAD_ACCESS_REQUEST)
		return rad_fill_msg_auth(p, secret) < 0 ? -1 : (int)p->len;
	memset(p->buf + 4, 0, 16);
	return rad_sign(p, secret);
}

int
rad_finish_response(struct rad_pkt *p, const uint8_t req_auth[16],
    const char *secret)
{
	if (p->overflow)
		return -1;
	rad_set_len(p);
	memcpy(p->buf + 4, req_auth, 16);
	return rad_sign(p, secret);
}

/* ---- parsing ---- */

int
rad_check(const uint8_t *buf, size_t len)
{
	size_t plen, off;

	if (buf == NULL || len < RAD_HDR_LEN)
		return -1;
	plen = (size_t)buf[2] << 8 | buf[3];
	if (plen < RAD_HDR_LEN || plen > len || plen > RAD_MAX_PKT)
		return -1;
	for (off = RAD_HDR_LEN; off < plen; off += buf[off + 1]) {
		if (off + 2 > plen || buf[off + 1] < 2 ||
		    off + buf[off + 1] > plen)
			return -1;
	}
	return (int)plen;
}

void
rad_iter_init(struct rad_iter *it, const uint8_t *pkt, size_t len)
{
	it->p = pkt + RAD_HDR_LEN;
	it->end = pkt + (len < RAD_HDR_LEN ? RAD_HDR_LEN : len);
}

int
rad_iter_next(struct rad_iter *it, uint8_t *type, const uint8_t **val,
    size_t *len)
{
	size_t left = (size_t)(it->end - it->p);

	if (left == 0)
		return 0;
	if (left < 2 || it->p[1] < 2 || it->p[1] > left)
		return -1;
	*type = it->p[0];
	*val = it->p + 2;
	*len = (size_t)it->p[1] - 2;
	it->p += it->p[1];
	return 1;
}

int
rad_vsa_parse(const uint8_t *val, size_t len, uint32_t *vendor,
    uint8_t *vtype, const uint8_t **vval, size_t *vlen)
{
	if (len < 6 || val[5] < 2 || (size_t)val[5] > len - 4)
		return -1;
	*vendor = (uint32_t)val[0] << 24 | (uint32_t)val[1] << 16 |
	    (uint32_t)val[2] << 8 | val[3];
	*vtype = val[4];
	*vval = val + 6;
	*vlen = (size_t)val[5] - 2;
	return 0;
}

/* Find the Message-Authenticator's value offset; 0 none, -1 malformed. */
static long
rad_find_msg_auth(const uint8_t *pkt, size_t len)
{
	struct rad_iter it;
	const uint8_t *v;
	size_t vl;
	uint8_t t;
	int rc;

	rad_iter_init(&it, pkt, len);
	while ((rc = rad_iter_next(&it, &t, &v, &vl)) == 1)
		if (t == RAD_MESSAGE_AUTHENTIC)
			return vl == 16 ? (long)(v - pkt) : -1;
	return rc < 0 ? -1 : 0;
}

/* Check the Message-Authenticator at off with auth in the header. */
static int
rad_check_msg_auth(const uint8_t *pkt, size_t len, size_t off,
    const uint8_t auth[16], const char *secret)
{
	uint8_t copy[RAD_MAX_PKT], mac[16];

	if (len > sizeof(copy))
		return -1;
	memcpy(copy, pkt, len);
	memcpy(copy + 4, auth, 16);
	memset(copy + off, 0, 16);
	if (rad_hmac_md5(secret, strlen(secret), copy, len, mac) < 0)
		return -1;
	return memcmp(mac, pkt + off, 16) == 0 ? 0 : -1;
}

/* MD5(pkt with auth in the header + secret) == what the header holds? */
static int
rad_check_auth(const uint8_t *pkt, size_t len, const uint8_t auth[16],
    const char *secret)
{
	const void *parts[4];
	size_t lens[4];
	uint8_t a[16];

	parts[0] = pkt, lens[0] = 4;
	parts[1] = auth, lens[1] = 16;
	parts[2] = pkt + RAD_HDR_LEN, lens[2] = len - RAD_HDR_LEN;
	parts[3] = secret, lens[3] = strlen(secret);
	if (md5v(parts, lens, 4, a) < 0)
		return -1;
	return memcmp(a, pkt + 4, 16) == 0 ? 0 : -1;
}

int
rad_verify_response(const uint8_t *pkt, size_t len,
    const uint8_t req_auth[16], const char *secret, bool require_msg_auth)
{
	long off;

	if (rad_check(pkt, len) != (int)len)
		return -1;
	if (rad_check_auth(pkt, len, req_auth, secret) < 0)
		return -1;
	off = rad_find_msg_auth(pkt, len);
	if (off < 0 || (off == 0 && require_msg_auth))
		return -1;
	if (off > 0 && rad_check_msg_auth(pkt, len, (size_t)off, req_auth,
	    secret) < 0)
		return -1;
	return 0;
}

int
rad_verify_request(const uint8_t *pkt, size_t len, const char *secret)
{
	static const uint8_t zero[16];
	long off;

	if (rad_check(pkt, len) != (int)len)
		return -1;
	if (rad_check_auth(pkt, len, zero, secret) < 0)
		return -1;
	off = rad_find_msg_auth(pkt, len);
	if (off < 0)
		return -1;
	if (off > 0 && rad_check_msg_auth(pkt, len, (size_t)off, zero,
	    secret) < 0)
		return -1;
	return 0;
}

int
rad_mppe_key_decrypt(const uint8_t *val, size_t len, const char *secret,
    const uint8_t req_auth[16], uint8_t *out, size_t cap)
{
	uint8_t plain[RAD_MAX_ATTR_VAL], first[18];
	size_t n;
	int rc = -1;

	/* salt (high bit set) + at least one 16-octet block */
	if (len < 2 + 16 || (len - 2) % 16 != 0 || !(val[0] & 0x80) ||
	    len - 2 > sizeof(plain))
		return -1;
	n = len - 2;
	memcpy(first, req_auth, 16);
	memcpy(first + 16, val, 2);
	/* b(i) = MD5(secret + c(i-1)), c(0) = ReqAuth + salt */
	{
		const uint8_t *prev = first;
		size_t plen = 18, i, j;
		uint8_t b[16];
		const void *parts[2];
		size_t lens[2];

		for (i = 0; i < n; i += 16) {
			parts[0] = secret, lens[0] = strlen(secret);
			parts[1] = prev, lens[1] = plen;
			if (md5v(parts, lens, 2, b) < 0)
				goto done;
			for (j = 0; j < 16; j++)
				plain[i + j] = val[2 + i + j] ^ b[j];
			prev = val + 2 + i;
			plen = 16;
		}
	}
	if (plain[0] == 0 || (size_t)plain[0] > n - 1 || plain[0] > cap)
		goto done;
	memcpy(out, plain + 1, plain[0]);
	rc = plain[0];
done:
	memset(plain, 0, sizeof(plain));
	return rc;
}

int
rad_mppe_key_encrypt(const uint8_t *key, size_t klen, uint16_t salt,
    const char *secret, const uint8_t req_auth[16], uint8_t *out, size_t cap)
{
	uint8_t plain[RAD_MAX_ATTR_VAL - 8], first[18];
	size_t n = (klen + 1 + 15) / 16 * 16;

	if (klen == 0 || klen > 200 || cap < n + 2)
		return -1;
	memset(plain, 0, sizeof(plain));
	plain[0] = (uint8_t)klen;
	memcpy(plain + 1, key, klen);
	out[0] = (uint8_t)(0x80 | salt >> 8);
	out[1] = (uint8_t)salt;
	memcpy(first, req_auth, 16);
	memcpy(first + 16, out, 2);
	if (rad_hide(plain, n, secret, first, 18, out + 2) < 0)
		return -1;
	memset(plain, 0, sizeof(plain));
	return (int)(n + 2);
}

static uint32_t
get32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	    (uint32_t)v[2] << 8 | v[3];
}

/* Copy a string attribute, stopping at NUL, always terminated. */
static void
getstr(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int
geti(const uint8_t *v, size_t len, int *out)
{
	uint32_t x;

	if (len != 4)
		return -1;
	x = get32(v);
	*out = x > 0x7fffffff ? 0x7fffffff : (int)x;
	return 0;
}

static void
rad_reply_route(struct rad_reply *r, const uint8_t *v, size_t len, int fam)
{
	char buf[128], *sp;
	struct u_range rg;
	int i;

	getstr(buf, sizeof(buf), v, len);
	if ((sp = strpbrk(buf, " \t")) != NULL)
		*sp = '\0';
	if (u_range_parse(buf, fam, &rg) < 0 || r->nroutes >= RAD_MAX_ROUTES)
		return;
	for (i = 0; i < r->nroutes; i++)
		if (memcmp(&r->routes[i], &rg, sizeof(rg)) == 0)
			return;
	r->routes[r->nroutes++] = rg;
}

static void
rad_reply_ms(struct rad_reply *r, uint8_t t, const uint8_t *v, size_t len,
    const char *secret, const uint8_t req_auth[16])
{
	uint8_t key[32];
	int n;

	switch (t) {
	case RAD_MS_CHAP_ERROR:
		if (len > 1)
			getstr(r->mschap_error, sizeof(r->mschap_error), v + 1,
			    len - 1);
		break;
	case RAD_MS_CHAP2_SUCCESS:
		if (len > 1)
			getstr(r->mschap2_success, sizeof(r->mschap2_success),
			    v + 1, len - 1);
		break;
	case RAD_MS_CHAP_DOMAIN:
		if (len > 1)
			getstr(r->ms_domain, sizeof(r->ms_domain), v + 1,
			    len - 1);
		break;
	case RAD_MS_MPPE_SEND_KEY:
	case RAD_MS_MPPE_RECV_KEY:
		n = rad_mppe_key_decrypt(v, len, secret, req_auth, key,
		    sizeof(key));
		if (n < 16)
			break;
		memcpy(t == RAD_MS_MPPE_SEND_KEY ? r->mppe_send_key :
		    r->mppe_recv_key, key, 16);
		r->mppe_bits |= t == RAD_MS_MPPE_SEND_KEY ? 1 : 2;
		r->have_mppe_keys = r->mppe_bits == 3;
		break;
	case RAD_MS_CHAP_MPPE_KEYS:
		if (len == 32 && rad_unhide(v, 32, secret, req_auth,
		    key) == 0) {
			memcpy(r->ms_lm_key, key, 8);
			memcpy(r->ms_nt_key, key + 8, 16);
			r->have_mschap_mppe_keys = true;
		}
		break;
	case RAD_MS_MPPE_ENCRYPTION_POLICY:
		(void)geti(v, len, &r->mppe_policy);
		break;
	case RAD_MS_MPPE_ENCRYPTION_TYPES:
		(void)geti(v, len, &r->mppe_types);
		break;
	case RAD_MS_PRIMARY_DNS:
	case RAD_MS_SECONDARY_DNS:
		if (len == 4)
			memcpy(&r->dns[t - RAD_MS_PRIMARY_DNS].s_addr, v, 4);
		break;
	case RAD_MS_PRIMARY_NBNS:
	case RAD_MS_SECONDARY_NBNS:
		if (len == 4)
			memcpy(&r->nbns[t - RAD_MS_PRIMARY_NBNS].s_addr, v, 4);
		break;
	default:
		r->unknown++;
		break;
	}
	memset(key, 0, sizeof(key));
}

static void
rad_reply_mpd(struct rad_reply *r, uint8_t t, const uint8_t *v, size_t len)
{
	switch (t) {
	case RAD_MPD_ACTION:
		getstr(r->mpd_action, sizeof(r->mpd_action), v, len);
		break;
	case RAD_MPD_IFACE_NAME:
		getstr(r->mpd_iface_name, sizeof(r->mpd_iface_name), v, len);
		break;
	case RAD_MPD_IFACE_DESCR:
		getstr(r->mpd_iface_descr, sizeof(r->mpd_iface_descr), v, len);
		break;
	case RAD_MPD_IFACE_GROUP:
		getstr(r->mpd_iface_group, sizeof(r->mpd_iface_group), v, len);
		break;
	case RAD_MPD_INPUT_ACCT:
		getstr(r->mpd_input_acct, sizeof(r->mpd_input_acct), v, len);
		break;
	case RAD_MPD_OUTPUT_ACCT:
		getstr(r->mpd_output_acct, sizeof(r->mpd_output_acct), v, len);
		break;
	case RAD_MPD_DROP_USER:
		(void)geti(v, len, &r->mpd_drop_user);
		break;
	default:
		/* ACL attributes need ipfw/ng_bpf: logged by the caller */
		r->unknown++;
		break;
	}
}

int
rad_parse_reply(const uint8_t *pkt, size_t len, const char *secret,
    const uint8_t req_auth[16], struct rad_reply *r)
{
	struct rad_iter it;
	const uint8_t *v, *sv;
	size_t vl, svl;
	uint32_t vendor;
	uint8_t t, st;
	int rc;

	memset(r, 0, sizeof(*r));
	if (rad_check(pkt, len) < 0)
		return -1;
	len = (size_t)rad_check(pkt, len);
	r->code = pkt[0];
	rad_iter_init(&it, pkt, len);
	while ((rc = rad_iter_next(&it, &t, &v, &vl)) == 1) {
		switch (t) {
		case RAD_USER_NAME:
			getstr(r->user_name, sizeof(r->user_name), v, vl);
			break;
		case RAD_FRAMED_IP_ADDRESS:
			if (vl == 4) {
				memcpy(&r->framed_ip.s_addr, v, 4);
				r->have_framed_ip = true;
			}
			break;
		case RAD_FRAMED_IP_NETMASK:
			if (vl == 4)
				memcpy(&r->framed_netmask.s_addr, v, 4);
			break;
		case RAD_FRAMED_POOL:
			getstr(r->framed_pool, sizeof(r->framed_pool), v, vl);
			break;
		case RAD_FRAMED_ROUTE:
			rad_reply_route(r, v, vl, AF_INET);
			break;
		case RAD_FRAMED_IPV6_ROUTE:
			rad_reply_route(r, v, vl, AF_INET6);
			break;
		case RAD_FRAMED_MTU:
			if (geti(v, vl, &r->framed_mtu) == 0 &&
			    (r->framed_mtu < 296 || r->framed_mtu > 65536))
				r->framed_mtu = 0;
			break;
		case RAD_FRAMED_COMPRESSION:
			{
				int c = 0;

				(void)geti(v, vl, &c);
				r->vjcomp = c == 1;
			}
			break;
		case RAD_SESSION_TIMEOUT:
			(void)geti(v, vl, &r->session_timeout);
			break;
		case RAD_IDLE_TIMEOUT:
			(void)geti(v, vl, &r->idle_timeout);
			break;
		case RAD_ACCT_INTERIM_INTERVAL:
			(void)geti(v, vl, &r->acct_interim);
			break;
		case RAD_FILTER_ID:
			getstr(r->filter_id, sizeof(r->filter_id), v, vl);
			break;
		case RAD_REPLY_MESSAGE:
			getstr(r->reply_message, sizeof(r->reply_message), v,
			    vl);
			break;
		case RAD_STATE:
			memcpy(r->state, v, vl);
			r->state_len = vl;
			break;
		case RAD_CLASS:
			memcpy(r->class_, v, vl);
			r->class_len = vl;
			break;
		case RAD_EAP_MESSAGE:
			if (r->eap_len + vl <= sizeof(r->eap)) {
				memcpy(r->eap + r->eap_len, v, vl);
				r->eap_len += vl;
			}
			break;
		case RAD_VENDOR_SPECIFIC:
			if (rad_vsa_parse(v, vl, &vendor, &st, &sv, &svl) < 0) {
				r->unknown++;
				break;
			}
			if (vendor == RAD_VENDOR_MICROSOFT)
				rad_reply_ms(r, st, sv, svl, secret, req_auth);
			else if (vendor == RAD_VENDOR_MPD)
				rad_reply_mpd(r, st, sv, svl);
			else
				r->unknown++;
			break;
		case RAD_MESSAGE_AUTHENTIC:
		case RAD_SERVICE_TYPE:
		case RAD_FRAMED_PROTOCOL:
		case RAD_FRAMED_ROUTING:
			break;
		default:
			r->unknown++;
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

/* A printable identifier string of at most cap-1 bytes, or -1. */
static int
dae_str(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	if (len == 0 || len >= cap || memchr(v, '\0', len) != NULL)
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/*
 * An identification string attribute of a DAE request into dst (cap
 * bytes): flagged in *have and counted in q->nmatch; -1 when bad.
 */
static int
dae_match_str(struct rad_dae_req *q, char *dst, size_t cap, bool *have,
    const uint8_t *v, size_t len)
{
	if (dae_str(dst, cap, v, len) < 0)
		return -1;
	*have = true;
	q->nmatch++;
	return 0;
}

#define DAE_MATCH_STR(q, field, v, len)					\
	dae_match_str((q), (q)->field, sizeof((q)->field),		\
	    &(q)->have_##field, (v), (len))

int
rad_parse_dae(const uint8_t *pkt, size_t len, struct rad_dae_req *q)
{
	struct rad_iter it;
	const uint8_t *v, *sv;
	size_t vl, svl;
	uint32_t vendor;
	uint8_t t, st;
	int rc, plen;

	memset(q, 0, sizeof(*q));
	q->session_timeout = q->idle_timeout = q->acct_interim = -1;
	if ((plen = rad_check(pkt, len)) < 0)
		return -1;
	if (pkt[0] != RAD_DISCONNECT_REQUEST && pkt[0] != RAD_COA_REQUEST)
		return -1;
	q->code = pkt[0];
	q->id = pkt[1];
	rad_iter_init(&it, pkt, (size_t)plen);
	while ((rc = rad_iter_next(&it, &t, &v, &vl)) == 1) {
		switch (t) {
		case RAD_NAS_IP_ADDRESS:
			if (vl != 4)
				return -1;
			memcpy(&q->nas_ip.s_addr, v, 4);
			q->have_nas_ip = true;
			break;
		case RAD_SERVICE_TYPE:
			q->have_service_type = true;
			break;
		case RAD_MESSAGE_AUTHENTIC:
			q->have_msg_auth = true;
			break;
		case RAD_USER_NAME:
			if (DAE_MATCH_STR(q, user_name, v, vl) < 0)
				return -1;
			break;
		case RAD_NAS_PORT:
			if (vl != 4)
				return -1;
			q->nas_port = get32(v);
			q->have_nas_port = true;
			q->nmatch++;
			break;
		case RAD_FRAMED_IP_ADDRESS:
			if (vl != 4)
				return -1;
			memcpy(&q->framed_ip.s_addr, v, 4);
			q->have_framed_ip = true;
			q->nmatch++;
			break;
		case RAD_CALLED_STATION_ID:
			if (DAE_MATCH_STR(q, called, v, vl) < 0)
				return -1;
			break;
		case RAD_CALLING_STATION_ID:
			if (DAE_MATCH_STR(q, calling, v, vl) < 0)
				return -1;
			break;
		case RAD_ACCT_SESSION_ID:
			if (DAE_MATCH_STR(q, session_id, v, vl) < 0)
				return -1;
			break;
		case RAD_ACCT_MULTI_SESSION_ID:
			if (DAE_MATCH_STR(q, multi_session_id, v, vl) < 0)
				return -1;
			break;
		case RAD_STATE:
			memcpy(q->state, v, vl);
			q->state_len = vl;
			break;
		case RAD_SESSION_TIMEOUT:
			if (geti(v, vl, &q->session_timeout) < 0)
				return -1;
			break;
		case RAD_IDLE_TIMEOUT:
			if (geti(v, vl, &q->idle_timeout) < 0)
				return -1;
			break;
		case RAD_ACCT_INTERIM_INTERVAL:
			if (geti(v, vl, &q->acct_interim) < 0)
				return -1;
			break;
		case RAD_VENDOR_SPECIFIC:
			if (rad_vsa_parse(v, vl, &vendor, &st, &sv, &svl) < 0 ||
			    vendor != RAD_VENDOR_MPD)
				break;
			switch (st) {
			case RAD_MPD_LINK:
				if (DAE_MATCH_STR(q, link, sv, svl) < 0)
					return -1;
				break;
			case RAD_MPD_BUNDLE:
				if (DAE_MATCH_STR(q, bundle, sv, svl) < 0)
					return -1;
				break;
			case RAD_MPD_IFACE:
				if (DAE_MATCH_STR(q, iface, sv, svl) < 0)
					return -1;
				break;
			case RAD_MPD_IFACE_INDEX:
				if (svl != 4)
					return -1;
				q->iface_index = get32(sv);
				q->have_iface_index = true;
				q->nmatch++;
				break;
			case RAD_MPD_INPUT_ACCT:
				getstr(q->input_acct, sizeof(q->input_acct),
				    sv, svl);
				break;
			case RAD_MPD_OUTPUT_ACCT:
				getstr(q->output_acct, sizeof(q->output_acct),
				    sv, svl);
				break;
			default:
				break;
			}
			break;
		default:
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}
